/**
 * Manifest → scaler specs (wadm.md §4.5), with IDs, config names and scaler IDs exactly as §4.6 so that
 * workloads started by Rust wadm for the same manifest are recognised as ours.
 */
import { createHash } from 'node:crypto';
import { DAEMONSCALER_TRAIT, DEFAULT_LINK_NAME, LINK_TRAIT, SPREADSCALER_TRAIT } from '../../manifest/constants.js';
import type {
  Component,
  ConfigProperty,
  LinkProperty,
  Manifest,
  Policy,
  SecretProperty,
  SpreadScalerProperty,
  TraitProperty,
} from '../../manifest/schema.js';
import type { StringMap } from '../../lattice/types.js';
import {
  DAEMON_SCALER_KIND,
  LINK_SCALER_KIND,
  SECRET_POLICY_PROPERTIES_TYPE,
  SECRET_REFERENCE_TYPE,
  SPREAD_SCALER_KIND,
} from './constants.js';
import { ownedConfigName, scalerIdOf, secretConfigName, workloadId } from './ids.js';
import type {
  ComponentScalerSpec,
  LinkScalerSpec,
  Prerequisite,
  ProviderScalerSpec,
  ScalerSpec,
  StatusScalerSpec,
} from './scalers/types.js';

export interface ManifestScalers {
  scalers: ScalerSpec[];
  /** Traits that were ignored, and why (wadm logs these). */
  warnings: string[];
}

type WorkloadKind = 'SpreadScaler' | 'DaemonScaler';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asLink(value: TraitProperty): LinkProperty | undefined {
  const p: unknown = value;
  return isObject(p) &&
    typeof p.namespace === 'string' &&
    typeof p.package === 'string' &&
    Array.isArray(p.interfaces) &&
    isObject(p.target)
    ? (p as unknown as LinkProperty)
    : undefined;
}

function asSpread(value: TraitProperty): SpreadScalerProperty | undefined {
  const p: unknown = value;
  return isObject(p) && typeof p.instances === 'number' && Array.isArray(p.spread)
    ? (p as unknown as SpreadScalerProperty)
    : undefined;
}

function sortedEntries(map: StringMap): [string, string][] {
  return Object.keys(map)
    .sort()
    .map((k) => [k, map[k]]);
}

function configPrerequisite(manifestName: string, c: ConfigProperty): Prerequisite {
  if (c.properties === undefined) return { kind: 'ConfigScaler', id: c.name, name: c.name };
  const name = ownedConfigName(manifestName, c.name);
  // Internal only (never written to workloads): any stable digest of the sorted properties will do.
  const digest = createHash('sha256')
    .update(JSON.stringify(sortedEntries(c.properties)))
    .digest('hex')
    .slice(0, 16);
  return { kind: 'ConfigScaler', id: `${name}-${digest}`, name, properties: { ...c.properties } };
}

class SecretPolicyError extends Error {}

function secretPrerequisite(
  manifestName: string,
  s: SecretProperty,
  policies: ReadonlyMap<string, Policy>,
): Prerequisite {
  const src = s.properties;
  const policy = policies.get(src.policy);
  if (!policy) throw new SecretPolicyError(`secret '${s.name}' is mapped to unknown policy '${src.policy}'`);
  const name = secretConfigName(manifestName, s.name);
  const { backend, ...rest } = policy.properties;
  if (backend === undefined)
    throw new SecretPolicyError(`policy '${policy.name}' for secret '${s.name}' does not include a 'backend' property`);
  const properties = Object.fromEntries(sortedEntries(rest));
  const values: StringMap = { name: s.name, type: SECRET_REFERENCE_TYPE, backend, key: src.key };
  if (src.field !== undefined) values.field = src.field;
  if (src.version !== undefined) values.version = src.version;
  values.policy = JSON.stringify({ type: SECRET_POLICY_PROPERTIES_TYPE, properties });
  const idParts = [name, policy.name, policy.type, s.name, src.policy, src.key];
  if (src.version !== undefined) idParts.push(src.version);
  for (const [k, v] of sortedEntries(policy.properties)) idParts.push(k, v);
  return { kind: 'SecretScaler', id: scalerIdOf(idParts), name, values };
}

interface Prereqs {
  prerequisites: Prerequisite[];
  names: string[];
}

function prerequisitesOf(
  manifestName: string,
  configs: readonly ConfigProperty[],
  secrets: readonly SecretProperty[],
  policies: ReadonlyMap<string, Policy>,
): Prereqs {
  const cfg = configs.map((c) => configPrerequisite(manifestName, c));
  const sec = secrets.map((s) => secretPrerequisite(manifestName, s, policies));
  return { prerequisites: [...cfg, ...sec], names: [...cfg, ...sec].map((p) => p.name) };
}

/** Where a component lives: its own app, or the shared app it references. */
function resolveOwner(manifestName: string, c: Component): { app: string; component: string } | string {
  const { image, application } = c.properties;
  if (image !== undefined && application === undefined) return { app: manifestName, component: c.name };
  if (image === undefined && application !== undefined)
    return { app: application.name, component: application.component };
  return image === undefined
    ? 'Application did not specify an image or shared application reference'
    : 'Application specified both an image and a shared application reference';
}

function statusScaler(
  kind: 'SpreadScaler' | 'LinkScaler',
  modelName: string,
  name: string,
  message: string,
): StatusScalerSpec {
  return {
    role: 'status',
    kind,
    id: scalerIdOf(['StatusScaler', kind, modelName, name]),
    name,
    modelName,
    status: { type: 'failed', message },
    prerequisites: [],
  };
}

function traitKind(type: string): WorkloadKind | undefined {
  return type === SPREADSCALER_TRAIT
    ? SPREAD_SCALER_KIND
    : type === DAEMONSCALER_TRAIT
      ? DAEMON_SCALER_KIND
      : undefined;
}

interface LinkInput {
  link: LinkProperty;
  manifestName: string;
  /** The app the link's source belongs to: the model name of the scaler. */
  applicationName: string;
  sourceId: string;
  target: Component;
  policies: ReadonlyMap<string, Policy>;
}

function linkScaler({ link, manifestName, applicationName, sourceId, target, policies }: LinkInput): ScalerSpec {
  const ns = link.namespace;
  const pkg = link.package;
  const owner = resolveOwner(manifestName, target);
  if (typeof owner === 'string')
    return statusScaler(LINK_SCALER_KIND, applicationName, `${sourceId} -(${ns}:${pkg})-> ${target.name}`, owner);
  const targetId = workloadId(owner.app, owner.component, target.properties.id);
  const source = prerequisitesOf(manifestName, link.source?.config ?? [], link.source?.secrets ?? [], policies);
  const targetSide = prerequisitesOf(manifestName, link.target.config ?? [], link.target.secrets ?? [], policies);
  const name = link.name ?? DEFAULT_LINK_NAME;
  const interfaces = [...link.interfaces];
  const id = scalerIdOf([
    LINK_SCALER_KIND,
    applicationName,
    name,
    sourceId,
    targetId,
    ns,
    pkg,
    ...interfaces,
    ...source.names,
    ...targetSide.names,
  ]);
  // Configs first, then secrets, source side before target side (the order wadm creates them in).
  const configs = [...source.prerequisites, ...targetSide.prerequisites];
  const prerequisites = [
    ...configs.filter((p) => p.kind === 'ConfigScaler'),
    ...configs.filter((p) => p.kind === 'SecretScaler'),
  ];
  const spec: LinkScalerSpec = {
    role: 'link',
    kind: LINK_SCALER_KIND,
    id,
    name: `${sourceId} -(${ns}:${pkg})-> ${targetId}`,
    modelName: applicationName,
    link: {
      source_id: sourceId,
      target: targetId,
      name,
      wit_namespace: ns,
      wit_package: pkg,
      interfaces,
      source_config: source.names,
      target_config: targetSide.names,
    },
    prerequisites,
  };
  return spec;
}

/** Builds every scaler of a manifest, in manifest order (traits in order; implicit provider scalers last). */
export function manifestToScalers(manifest: Manifest): ManifestScalers {
  const manifestName = manifest.metadata.name;
  const components = manifest.spec.components;
  const policies = new Map((manifest.spec.policies ?? []).map((p) => [p.name, p] as const));
  const scalers: ScalerSpec[] = [];
  const warnings: string[] = [];

  for (const c of components) {
    const owner = resolveOwner(manifestName, c);
    if (typeof owner === 'string') {
      scalers.push(statusScaler(SPREAD_SCALER_KIND, manifestName, c.name, owner));
      continue;
    }
    const isProvider = c.type === 'capability';
    const image = c.properties.image;
    const id = workloadId(owner.app, owner.component, c.properties.id);
    let own: Prereqs;
    try {
      own = prerequisitesOf(owner.app, c.properties.config ?? [], c.properties.secrets ?? [], policies);
    } catch (err) {
      if (!(err instanceof SecretPolicyError)) throw err;
      scalers.push(statusScaler(SPREAD_SCALER_KIND, manifestName, c.name, err.message));
      continue;
    }
    let scaled = false;
    for (const trait of c.traits ?? []) {
      const kind = traitKind(trait.type);
      const spread = kind ? asSpread(trait.properties) : undefined;
      if (kind && spread) {
        if (image === undefined) {
          warnings.push(
            `Unsupported ${kind} trait specified for a shared ${isProvider ? 'provider' : 'component'} ${owner.component}`,
          );
          continue;
        }
        scaled = true;
        const idParts = [kind, owner.app, owner.component, id, image, ...own.names];
        const base = {
          kind,
          id: scalerIdOf(idParts),
          name: id,
          modelName: owner.app,
          componentName: owner.component,
          reference: image,
          config: [...own.names],
          instances: spread.instances,
          spreads: spread.spread.map((s) => ({
            name: s.name,
            requirements: { ...s.requirements },
            ...(s.weight !== undefined ? { weight: s.weight } : {}),
          })),
          prerequisites: own.prerequisites,
          adoptStale: true,
        };
        scalers.push(
          isProvider
            ? ({ ...base, role: 'provider', providerId: id } satisfies ProviderScalerSpec)
            : ({ ...base, role: 'component', componentId: id } satisfies ComponentScalerSpec),
        );
        continue;
      }
      const link = trait.type === LINK_TRAIT ? asLink(trait.properties) : undefined;
      if (!link) continue;
      const target = components.find((t) => t.name === link.target.name);
      if (!target) {
        warnings.push(`Link from ${c.name} targets ${link.target.name}, which is not a component of ${manifestName}`);
        continue;
      }
      if (isProvider && target.type === 'capability') {
        warnings.push(`Provider ${c.name} cannot link to provider ${target.name}, only components`);
        continue;
      }
      try {
        scalers.push(linkScaler({ link, manifestName, applicationName: owner.app, sourceId: id, target, policies }));
      } catch (err) {
        if (!(err instanceof SecretPolicyError)) throw err;
        scalers.push(
          statusScaler(
            LINK_SCALER_KIND,
            owner.app,
            `${id} -(${link.namespace}:${link.package})-> ${link.target.name}`,
            err.message,
          ),
        );
      }
    }
    if (isProvider && !scaled && image !== undefined) {
      const idParts = [SPREAD_SCALER_KIND, owner.app, owner.component, id, image, ...own.names];
      scalers.push({
        role: 'provider',
        kind: SPREAD_SCALER_KIND,
        id: scalerIdOf(idParts),
        name: id,
        modelName: owner.app,
        componentName: owner.component,
        providerId: id,
        reference: image,
        config: [...own.names],
        instances: 1,
        spreads: [],
        prerequisites: own.prerequisites,
        adoptStale: true,
      });
    }
  }

  // Adopting stale instances is only safe when one scaler of the app manages the id.
  const perWorkload = new Map<string, number>();
  const key = (s: ComponentScalerSpec | ProviderScalerSpec) => `${s.role}|${s.name}`;
  for (const s of scalers)
    if (s.role === 'component' || s.role === 'provider') perWorkload.set(key(s), (perWorkload.get(key(s)) ?? 0) + 1);
  for (const s of scalers)
    if (s.role === 'component' || s.role === 'provider') s.adoptStale = perWorkload.get(key(s)) === 1;
  return { scalers, warnings };
}
