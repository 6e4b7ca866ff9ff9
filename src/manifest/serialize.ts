/**
 * Normalised manifest → wadm's wire form (YAML or JSON): deprecated keys and aliases are never written, empty
 * lists are left out as wadm leaves them out. Two deliberate differences keep the output readable by wadm and by
 * us again: `metadata.annotations` and `spread[].requirements` are always written, because both are required on
 * input (wadm drops them when empty and then cannot read its own output).
 */
import { stringify } from 'yaml';
import type {
  Component,
  ConfigDefinition,
  ConfigProperty,
  LinkProperty,
  Manifest,
  SecretProperty,
  SpreadScalerProperty,
  Trait,
} from './schema.js';
import { classifyTraitProperty } from './traits.js';
import type { WireManifest } from './wire.js';

export type ManifestFormat = 'yaml' | 'json';

type Wire = Record<string, unknown>;

function nonEmpty<T>(key: string, list: readonly T[] | undefined, map: (item: T) => unknown = (x) => x): Wire {
  return list && list.length > 0 ? { [key]: list.map(map) } : {};
}

function wireConfig(c: ConfigProperty): Wire {
  return { name: c.name, ...(c.properties !== undefined ? { properties: { ...c.properties } } : {}) };
}

function wireSecret(s: SecretProperty): Wire {
  return { name: s.name, properties: { ...s.properties } };
}

function wireConfigDefinition(d: ConfigDefinition): Wire {
  return { ...nonEmpty('config', d.config, wireConfig), ...nonEmpty('secrets', d.secrets, wireSecret) };
}

function wireLink(l: LinkProperty): Wire {
  return {
    namespace: l.namespace,
    package: l.package,
    interfaces: [...l.interfaces],
    ...(l.source ? { source: wireConfigDefinition(l.source) } : {}),
    target: { name: l.target.name, ...wireConfigDefinition(l.target) },
    ...(l.name !== undefined ? { name: l.name } : {}),
  };
}

function wireScaler(s: SpreadScalerProperty): Wire {
  return {
    instances: s.instances,
    ...nonEmpty('spread', s.spread, (sp) => ({
      name: sp.name,
      requirements: { ...sp.requirements },
      ...(sp.weight !== undefined ? { weight: sp.weight } : {}),
    })),
  };
}

function wireTrait(t: Trait): Wire {
  const cls = classifyTraitProperty(t.properties);
  const properties =
    cls.kind === 'link'
      ? wireLink(cls.link)
      : cls.kind === 'spreadscaler'
        ? wireScaler(cls.scaler)
        : structuredClone(cls.value);
  return { type: t.type, properties };
}

function wireComponent(c: Component): Wire {
  const p = c.properties;
  return {
    name: c.name,
    type: c.type,
    properties: {
      ...(p.image !== undefined ? { image: p.image } : {}),
      ...(p.application !== undefined
        ? { application: { name: p.application.name, component: p.application.component } }
        : {}),
      ...(p.id !== undefined ? { id: p.id } : {}),
      ...nonEmpty('config', p.config, wireConfig),
      ...nonEmpty('secrets', p.secrets, wireSecret),
    },
    ...(c.traits !== undefined ? { traits: c.traits.map(wireTrait) } : {}),
  };
}

/** The manifest as wadm writes it (plain data, ready for JSON.stringify or YAML). */
export function toWireManifest(m: Manifest): WireManifest {
  const labels = m.metadata.labels;
  return {
    apiVersion: m.apiVersion,
    kind: m.kind,
    metadata: {
      name: m.metadata.name,
      annotations: { ...m.metadata.annotations },
      ...(Object.keys(labels).length > 0 ? { labels: { ...labels } } : {}),
    },
    spec: {
      components: m.spec.components.map(wireComponent),
      ...nonEmpty('policies', m.spec.policies, (p) => ({
        name: p.name,
        properties: { ...p.properties },
        type: p.type,
      })),
    },
  };
}

export function serializeManifest(m: Manifest, format: ManifestFormat): string {
  const wire = toWireManifest(m);
  if (format === 'json') return JSON.stringify(wire, null, 2) + '\n';
  return stringify(wire, { aliasDuplicateObjects: false, lineWidth: 0 });
}
