/**
 * wadm's validation rules (wadm.md §1.9, same order, same levels, same wording) plus wash's additions, each
 * finding with a field path and, when a source map is given, a line.
 *
 * Additions (after wadm's rules): named-link rules, all-zero spread weights, and trait properties whose shape
 * does not match their `type`.
 */
import {
  DEFAULT_LINK_NAME,
  DEFAULT_SPREAD_WEIGHT,
  KNOWN_INTERFACES,
  LATEST_VERSION,
  SECRET_POLICY_TYPE,
  SPREADSCALER_TRAIT,
  VERSION_ANNOTATION,
} from './constants.js';
import type { Finding, FindingLevel } from './findings.js';
import { issueFindings } from './issues.js';
import { isStorableManifestName, isValidLinkName, isValidManifestName, isValidOamKey } from './names.js';
import { formatPath, type PathSegment } from './paths.js';
import {
  LinkPropertySchema,
  PARSE_OPTIONS,
  SpreadScalerPropertySchema,
  type Component,
  type LinkProperty,
  type Manifest,
  type SecretProperty,
} from './schema.js';
import type { SourceMap } from './source.js';
import { classifyTraitProperty, isLinkTrait, isScalerTrait, type TraitPropertyClass } from './traits.js';

export interface ValidateOptions {
  /** The data as read from the text: enables the raw-text check for deprecated link keys (rule 11). */
  raw?: unknown;
  /** Gives findings line numbers. */
  sourceMap?: SourceMap;
}

class Findings {
  readonly list: Finding[] = [];
  constructor(private readonly sourceMap?: SourceMap) {}

  add(level: FindingLevel, msg: string, path: readonly PathSegment[]): void {
    const line = this.sourceMap?.lineOf(path);
    this.list.push({ level, msg, path: formatPath(path), ...(line !== undefined ? { line } : {}) });
  }

  error(msg: string, path: readonly PathSegment[]): void {
    this.add('Error', msg, path);
  }

  warning(msg: string, path: readonly PathSegment[]): void {
    this.add('Warning', msg, path);
  }

  /** The first candidate path present in the source (legacy and normalised forms live at different paths). */
  pick(...candidates: PathSegment[][]): PathSegment[] {
    return candidates.find((p) => this.sourceMap?.has(p)) ?? candidates[0];
  }
}

interface TraitInfo {
  component: Component;
  componentIndex: number;
  traitIndex: number;
  type: string;
  cls: TraitPropertyClass;
  path: PathSegment[];
}

interface LinkInfo extends TraitInfo {
  link: LinkProperty;
}

const componentPath = (i: number): PathSegment[] => ['spec', 'components', i];

function collectTraits(manifest: Manifest): TraitInfo[] {
  const out: TraitInfo[] = [];
  manifest.spec.components.forEach((component, componentIndex) => {
    (component.traits ?? []).forEach((trait, traitIndex) => {
      out.push({
        component,
        componentIndex,
        traitIndex,
        type: trait.type,
        cls: classifyTraitProperty(trait.properties),
        path: [...componentPath(componentIndex), 'traits', traitIndex],
      });
    });
  });
  return out;
}

function linksOf(traits: TraitInfo[], onlyLinkType: boolean): LinkInfo[] {
  const out: LinkInfo[] = [];
  for (const t of traits) {
    if (t.cls.kind !== 'link') continue;
    if (onlyLinkType && !isLinkTrait(t)) continue;
    out.push({ ...t, link: t.cls.link });
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rust's Debug rendering of a string list, as wadm prints it: ["a", "b"]. */
function debugList(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;
}

function compactJson(value: unknown, max = 200): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** `spec.components[0].traits[1].properties.interfaces` relative to `...properties` → `interfaces`. */
function relativePath(path: string, base: string): string {
  if (!path.startsWith(base)) return path;
  const rest = path.slice(base.length).replace(/^\./, '');
  return rest === '' ? '(properties)' : rest;
}

function targetPath(f: Findings, l: TraitInfo): PathSegment[] {
  const props = [...l.path, 'properties'];
  return f.pick([...props, 'target', 'name'], [...props, 'target'], props);
}

/** Secrets wadm checks for one component: link target and source secrets first, then the component's own. */
function componentSecrets(
  component: Component,
  componentIndex: number,
  links: LinkInfo[],
): { secret: SecretProperty; path: PathSegment[] }[] {
  const out: { secret: SecretProperty; path: PathSegment[] }[] = [];
  for (const l of links) {
    if (l.componentIndex !== componentIndex) continue;
    const props = [...l.path, 'properties'];
    l.link.target.secrets.forEach((secret, k) => out.push({ secret, path: [...props, 'target', 'secrets', k] }));
    l.link.source?.secrets.forEach((secret, k) => out.push({ secret, path: [...props, 'source', 'secrets', k] }));
  }
  component.properties.secrets.forEach((secret, k) =>
    out.push({ secret, path: [...componentPath(componentIndex), 'properties', 'secrets', k] }),
  );
  return out;
}

/** Why properties meant as a link or scaler fell through to a custom trait: the intended schema's complaints. */
function fallThroughReasons(t: TraitInfo, sourceMap: SourceMap | undefined): { reasons: Finding[] } {
  const schema = isLinkTrait(t) ? LinkPropertySchema : SpreadScalerPropertySchema;
  const value = t.cls.kind === 'custom' ? t.cls.value : undefined;
  const result = schema.safeParse(value, PARSE_OPTIONS);
  if (result.success) return { reasons: [] };
  return { reasons: issueFindings(result.error.issues, value, sourceMap, [...t.path, 'properties']) };
}

export function validateManifest(manifest: Manifest, options: ValidateOptions = {}): Finding[] {
  const f = new Findings(options.sourceMap);
  const components = manifest.spec.components;
  const traits = collectTraits(manifest);
  const anyLinks = linksOf(traits, false);
  const typedLinks = linksOf(traits, true);
  const componentNames = new Set(components.map((c) => c.name));

  // 1. manifest name
  if (!isValidManifestName(manifest.metadata.name)) {
    f.error(`manifest name [${manifest.metadata.name}] is not allowed (should match regex [^[-\\w]+$])`, [
      'metadata',
      'name',
    ]);
  } else if (!isStorableManifestName(manifest.metadata.name)) {
    f.error(
      `manifest name [${manifest.metadata.name}] cannot be stored: wadm keeps apps under NATS KV keys, which allow only ASCII letters, digits, '-' and '_'`,
      ['metadata', 'name'],
    );
  }

  // 2. version
  if (manifest.metadata.annotations[VERSION_ANNOTATION] === LATEST_VERSION) {
    f.error(`${LATEST_VERSION} is not allowed in wadm`, ['metadata', 'annotations', VERSION_ANNOTATION]);
  }

  // 3a/3b. OAM keys (sorted, as wadm iterates its BTreeMaps)
  for (const [key, value] of Object.entries(manifest.metadata.labels).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  )) {
    if (!isValidOamKey(key))
      f.error(`Invalid OAM label: (${JSON.stringify(key)}, ${JSON.stringify(value)})`, ['metadata', 'labels', key]);
  }
  for (const [key, value] of Object.entries(manifest.metadata.annotations).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  )) {
    if (!isValidOamKey(key))
      f.error(`Invalid OAM annotation: (${JSON.stringify(key)}, ${JSON.stringify(value)})`, [
        'metadata',
        'annotations',
        key,
      ]);
  }

  // 3c/3d/3e. unique names, unique explicit ids, link targets present
  const seenNames = new Set<string>();
  const seenIds = new Set<string>();
  const requiredTargets = new Map<string, PathSegment[]>();
  components.forEach((component, i) => {
    if (seenNames.has(component.name))
      f.error(`Duplicate component name in manifest: ${component.name}`, [...componentPath(i), 'name']);
    seenNames.add(component.name);
    const id = component.properties.id;
    if (id !== undefined) {
      if (seenIds.has(id))
        f.error(`Duplicate component identifier in manifest: ${id}`, [...componentPath(i), 'properties', 'id']);
      seenIds.add(id);
    }
    for (const l of anyLinks) {
      if (l.componentIndex === i && !requiredTargets.has(l.link.target.name))
        requiredTargets.set(l.link.target.name, targetPath(f, l));
    }
  });
  // wadm reports all missing targets in one message; here each gets its own finding so it can carry its line.
  for (const [name, path] of requiredTargets) {
    if (!componentNames.has(name))
      f.error(`The following capability component(s) are missing from the manifest: ${debugList([name])}`, path);
  }

  // 4. interfaces of known namespaces/packages
  for (const l of typedLinks) {
    const packages = KNOWN_INTERFACES[l.link.namespace];
    if (!packages) continue;
    const known = packages[l.link.package];
    l.link.interfaces.forEach((iface, k) => {
      if (!known?.includes(iface)) {
        f.warning(`unrecognized interface [${l.link.namespace}:${l.link.package}/${iface}]`, [
          ...l.path,
          'properties',
          'interfaces',
          k,
        ]);
      }
    });
  }

  // 5/5b. dangling links
  for (const t of traits) {
    if (!isLinkTrait(t)) continue;
    const props = [...t.path, 'properties'];
    if (t.cls.kind === 'custom') {
      const value = t.cls.value;
      if (!isRecord(value) || !('target' in value)) {
        f.error("custom link is missing 'target' property", props);
        continue;
      }
      const target = value.target;
      const name = isRecord(target) && typeof target.name === 'string' ? target.name : undefined;
      if (name === undefined) f.error("custom link is missing 'target' name property", [...props, 'target']);
      else if (!componentNames.has(name))
        f.warning(`custom link target [${name}] is not a listed component`, [...props, 'target', 'name']);
    } else if (t.cls.kind === 'link') {
      const { name, target } = t.cls.link;
      if (!componentNames.has(target.name)) {
        const id = name !== undefined ? `(name [${name}])` : `(target [${target.name}])`;
        f.warning(`link ${id} target [${target.name}] is not a listed component`, targetPath(f, t));
      }
    }
  }

  // 6. secrets refer to secret policies with a backend
  const policies = new Map(manifest.spec.policies.map((p) => [p.name, p]));
  components.forEach((component, i) => {
    for (const { secret, path } of componentSecrets(component, i, anyLinks)) {
      const policyName = secret.properties.policy;
      const policy = policies.get(policyName);
      const at = [...path, 'properties', 'policy'];
      if (!policy) f.error(`secret '${secret.name}' is mapped to unknown policy '${policyName}'`, at);
      else if (policy.type !== SECRET_POLICY_TYPE) {
        f.error(
          `secret '${secret.name}' is mapped to policy '${policyName}' which is not a secret policy. Expected type '${SECRET_POLICY_TYPE}'`,
          at,
        );
      } else if (!('backend' in policy.properties)) {
        f.error(
          `secret '${secret.name}' is mapped to policy '${policyName}' which does not include a 'backend' property`,
          at,
        );
      }
    }
  });

  // 7/7b. link and scaler traits that fell through to custom properties
  for (const t of traits) {
    if (t.cls.kind !== 'custom' || !(isLinkTrait(t) || isScalerTrait(t))) continue;
    const prefix = isLinkTrait(t)
      ? 'Link trait deserialized as custom trait'
      : 'Scaler trait deserialized as custom trait';
    const { reasons } = fallThroughReasons(t, options.sourceMap);
    const base = formatPath([...t.path, 'properties']);
    const why = reasons.map((r) => `${relativePath(r.path, base)}: ${r.msg}`).join('; ');
    const msg = `${prefix}, ensure fields are correct: ${compactJson(t.cls.value)}${why ? ` (${why})` : ''}`;
    const path = reasons[0]?.path;
    if (path !== undefined && reasons[0].line !== undefined)
      f.list.push({ level: 'Error', msg, path, line: reasons[0].line });
    else f.error(msg, [...t.path, 'properties']);
  }

  // 8. image xor application; shared references carry no config, secrets or scalers
  components.forEach((component, i) => {
    const { image, application, config, secrets } = component.properties;
    const props = [...componentPath(i), 'properties'];
    if (image !== undefined && application !== undefined)
      f.error("Component cannot have both 'image' and 'application' properties", [...props, 'application']);
    else if (image === undefined && application === undefined)
      f.error("Component must have either 'image' or 'application' property", props);
    else if (application !== undefined && config.length > 0)
      f.error(`Shared component '${application.name}' cannot specify additional 'config'`, [...props, 'config']);
    else if (application !== undefined && secrets.length > 0)
      f.error(`Shared component '${application.name}' cannot specify additional 'secrets'`, [...props, 'secrets']);
    else if (application !== undefined) {
      const scaler = (component.traits ?? []).findIndex((t) => isScalerTrait(t));
      if (scaler !== -1)
        f.error(`Shared component '${application.name}' cannot include a scaler trait`, [
          ...componentPath(i),
          'traits',
          scaler,
        ]);
    }
  });

  // 9. duplicate (name, namespace, package, interface) inside one component
  components.forEach((component, i) => {
    const seen = new Set<string>();
    for (const l of typedLinks) {
      if (l.componentIndex !== i) continue;
      const name = l.link.name ?? DEFAULT_LINK_NAME;
      l.link.interfaces.forEach((iface, k) => {
        const key = JSON.stringify([name, l.link.namespace, l.link.package, iface]);
        if (seen.has(key)) {
          f.error(
            `Duplicate link found inside component '${component.name}': ${name} (${l.link.namespace}:${l.link.package}/${iface})`,
            [...l.path, 'properties', 'interfaces', k],
          );
        } else seen.add(key);
      });
    }
  });

  // 10. link configs that wadm creates (those with properties) have unique names across the manifest
  const linkConfigNames = new Set<string>();
  for (const l of typedLinks) {
    const props = [...l.path, 'properties'];
    const entries: { name: string; owned: boolean; path: PathSegment[] }[] = [
      ...l.link.target.config.map((c, k) => ({
        name: c.name,
        owned: c.properties !== undefined,
        path: f.pick([...props, 'target', 'config', k], [...props, 'target_config', k]),
      })),
      ...(l.link.source?.config ?? []).map((c, k) => ({
        name: c.name,
        owned: c.properties !== undefined,
        path: f.pick([...props, 'source', 'config', k], [...props, 'source_config', k]),
      })),
    ];
    for (const entry of entries) {
      if (!entry.owned) continue;
      if (linkConfigNames.has(entry.name))
        f.error(`Duplicate link config name found: '${entry.name}'`, [...entry.path, 'name']);
      linkConfigNames.add(entry.name);
    }
  }

  // 11. deprecated link keys, read from the raw data (wadm runs this only on files, not in the server)
  if (options.raw !== undefined) checkDeprecatedLinkKeys(f, options.raw);

  // wash additions
  checkTraitShapes(f, traits);
  checkLinkNames(f, components, typedLinks);
  checkSpreadWeights(f, traits);

  return f.list;
}

function checkDeprecatedLinkKeys(f: Findings, raw: unknown): void {
  const components =
    isRecord(raw) && isRecord(raw.spec) && Array.isArray(raw.spec.components) ? raw.spec.components : [];
  components.forEach((component: unknown, i: number) => {
    const rawTraits = isRecord(component) && Array.isArray(component.traits) ? component.traits : [];
    rawTraits.forEach((trait: unknown, j: number) => {
      if (!isRecord(trait)) return;
      // wadm skips a trait only when it has a `type` other than link; a trait without `type` is still checked.
      if ('type' in trait && trait.type !== 'link') return;
      const props = trait.properties;
      if (!isRecord(props)) return;
      const base = [...componentPath(i), 'traits', j, 'properties'];
      if ('source_config' in props) {
        f.warning("one of the components' link trait contains a source_config key, please use source:config: rather", [
          ...base,
          'source_config',
        ]);
      }
      if ('target_config' in props) {
        f.warning("one of the components' link trait contains a target_config key, please use target:config: rather", [
          ...base,
          'target_config',
        ]);
      }
    });
  });
}

/** A link trait whose properties read as scaler properties (or the reverse) is silently ignored by wadm. */
function checkTraitShapes(f: Findings, traits: TraitInfo[]): void {
  for (const t of traits) {
    const props = [...t.path, 'properties'];
    if (isLinkTrait(t) && t.cls.kind === 'spreadscaler') {
      f.warning(
        `trait of type '${t.type}' has scaler properties (instances/spread); wadm ignores it, so no link is made`,
        props,
      );
    } else if (isScalerTrait(t) && t.cls.kind === 'link') {
      f.warning(
        `trait of type '${t.type}' has link properties (namespace/package/interfaces); wadm ignores it, so nothing is scaled`,
        props,
      );
    }
  }
}

/**
 * Named links (seed 004, multi-backend bindings): each explicit link name is a DNS label, and links from one
 * component to the same `namespace:package` that go to *different* targets must use distinct names.
 *
 * Reconciled with wadm's fixtures: `correct_unique_interface_links.yaml` splits one binding to one target over
 * two traits (`atomics` and `store`, both unnamed) and must stay valid, so links to the same target may share a
 * name; only different targets (different backends) need distinct names. An unnamed link counts as "default"
 * (wasmCloud's default link name), so one backend may stay unnamed. Pairs sharing an interface are left to wadm's
 * rule 9, which already reports them (`incorrect_unique_interface_links.yaml`), so nothing is reported twice.
 */
function checkLinkNames(f: Findings, components: Component[], links: LinkInfo[]): void {
  for (const l of links) {
    if (l.link.name !== undefined && !isValidLinkName(l.link.name)) {
      f.error(
        `link name '${l.link.name}' is not a valid DNS label: use lower-case letters, digits and '-', starting with a letter or digit (at most 63 characters)`,
        [...l.path, 'properties', 'name'],
      );
    }
  }
  components.forEach((component, i) => {
    const own = links.filter((l) => l.componentIndex === i);
    own.forEach((later, b) => {
      const laterName = later.link.name ?? DEFAULT_LINK_NAME;
      const clash = own
        .slice(0, b)
        .find(
          (earlier) =>
            earlier.link.namespace === later.link.namespace &&
            earlier.link.package === later.link.package &&
            (earlier.link.name ?? DEFAULT_LINK_NAME) === laterName &&
            earlier.link.target.name !== later.link.target.name &&
            !earlier.link.interfaces.some((iface) => later.link.interfaces.includes(iface)),
        );
      if (!clash) return;
      const pkg = `${later.link.namespace}:${later.link.package}`;
      f.error(
        `links from component '${component.name}' to ${pkg} go to different targets ('${clash.link.target.name}' and '${later.link.target.name}') under the same link name '${laterName}': give each a distinct name`,
        f.pick([...later.path, 'properties', 'name'], [...later.path, 'properties']),
      );
    });
  });
}

/** wadm divides instances by the total spread weight: all weights 0 would divide by zero. */
function checkSpreadWeights(f: Findings, traits: TraitInfo[]): void {
  for (const t of traits) {
    if (t.type !== SPREADSCALER_TRAIT || t.cls.kind !== 'spreadscaler') continue;
    const spread = t.cls.scaler.spread;
    if (spread.length > 0 && spread.every((s) => (s.weight ?? DEFAULT_SPREAD_WEIGHT) === 0)) {
      f.error(
        'every spread has weight 0, so wadm cannot divide the instances between them: give at least one spread a weight above 0',
        [...t.path, 'properties', 'spread'],
      );
    }
  }
}
