import type { ClaimsMap, ComponentSpec, ConfigMap, Link, StringMap } from '../lattice/types.js';
import { claimsEntry } from './claims-entry.js';
import { mergeNamedConfigs } from './links.js';

export const COMPONENT_KEY_PREFIX = 'COMPONENT_';
export const CLAIMS_KEY_PREFIX = 'CLAIMS_';

export type KvOperation = 'PUT' | 'DEL' | 'PURGE';

/** What changed in the cache, so the host can react (links to re-bind, configs to refresh). */
export type StateChange =
  | { kind: 'spec'; id: string; before?: ComponentSpec; after?: ComponentSpec }
  | { kind: 'config'; name: string; before?: ConfigMap; after?: ConfigMap };

const decoder = new TextDecoder();

function parseSpec(value: Uint8Array): ComponentSpec | undefined {
  try {
    const raw = JSON.parse(decoder.decode(value)) as Partial<ComponentSpec>;
    if (typeof raw !== 'object' || raw === null) return undefined;
    const links = Array.isArray(raw.links)
      ? raw.links.filter((l): l is Link => typeof l === 'object' && l !== null && typeof l.source_id === 'string')
      : [];
    return {
      url: typeof raw.url === 'string' ? raw.url : '',
      links: links.map((l) => ({
        ...l,
        name: l.name || 'default',
        interfaces: l.interfaces ?? [],
        source_config: l.source_config ?? [],
        target_config: l.target_config ?? [],
      })),
    };
  } catch {
    return undefined;
  }
}

function parseJson(value: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(value));
  } catch {
    return undefined;
  }
}

function parseStringMap(value: Uint8Array): StringMap | undefined {
  try {
    const raw = JSON.parse(decoder.decode(value)) as unknown;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  } catch {
    return undefined;
  }
}

/**
 * The host's in-memory copy of `LATTICEDATA_{lattice}` and `CONFIGDATA_{lattice}`, fed by KV watch entries
 * (and by the host's own writes, so it sees them before the watch echoes them back). Entries older than the
 * revision already applied for a key are ignored. Malformed values are treated as absent.
 */
export class LatticeCache {
  private readonly specs = new Map<string, ComponentSpec>();
  private readonly claims = new Map<string, ClaimsMap>();
  private readonly configs = new Map<string, ConfigMap>();
  private readonly revisions = new Map<string, number>();

  private fresh(bucketKey: string, revision: number): boolean {
    const seen = this.revisions.get(bucketKey) ?? 0;
    if (revision !== 0 && revision <= seen) return false;
    if (revision !== 0) this.revisions.set(bucketKey, revision);
    return true;
  }

  /** An entry of `LATTICEDATA_*`. `revision` 0 means "unknown, apply anyway". */
  applyLattice(key: string, op: KvOperation, value: Uint8Array | undefined, revision: number): StateChange | undefined {
    if (!this.fresh(`L:${key}`, revision)) return undefined;
    if (key.startsWith(COMPONENT_KEY_PREFIX)) {
      const id = key.slice(COMPONENT_KEY_PREFIX.length);
      const before = this.specs.get(id);
      const after = op === 'PUT' && value ? parseSpec(value) : undefined;
      if (after) this.specs.set(id, after);
      else this.specs.delete(id);
      return { kind: 'spec', id, before, after };
    }
    if (key.startsWith(CLAIMS_KEY_PREFIX)) {
      const subject = key.slice(CLAIMS_KEY_PREFIX.length);
      const claims = op === 'PUT' && value ? claimsEntry(parseJson(value), subject) : undefined;
      if (claims) this.claims.set(subject, claims);
      else this.claims.delete(subject);
    }
    return undefined; // LINKDEF_* / REFMAP_* are legacy and ignored
  }

  /** An entry of `CONFIGDATA_*` (key = config name). */
  applyConfig(name: string, op: KvOperation, value: Uint8Array | undefined, revision: number): StateChange | undefined {
    if (!this.fresh(`C:${name}`, revision)) return undefined;
    const before = this.configs.get(name);
    const after = op === 'PUT' && value ? parseStringMap(value) : undefined;
    if (after) this.configs.set(name, after);
    else this.configs.delete(name);
    return { kind: 'config', name, before, after };
  }

  spec(id: string): ComponentSpec | undefined {
    return this.specs.get(id);
  }

  /** Every link of the lattice (each stored under its source). */
  links(): Link[] {
    return [...this.specs.values()].flatMap((s) => s.links);
  }

  linksFrom(sourceId: string): Link[] {
    return this.specs.get(sourceId)?.links ?? [];
  }

  config(name: string): ConfigMap | undefined {
    return this.configs.get(name);
  }

  mergedConfig(names: readonly string[]): ConfigMap {
    return mergeNamedConfigs(names, (n) => this.configs.get(n));
  }

  claimsList(): ClaimsMap[] {
    return [...this.claims.values()];
  }
}
