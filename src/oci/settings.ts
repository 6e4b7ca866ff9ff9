import { UserError } from '../errors.js';
import { formatReference, type OciReference } from './reference.js';

/** A registry login, as wasmCloud's `RegistryCredential` (a token is sent as a bearer token). */
export interface RegistryCredential {
  username?: string;
  password?: string;
  token?: string;
}

/** Registry host[:port] → credential; or a function answering for a host. */
export type CredentialSource =
  | Record<string, RegistryCredential>
  | ((registry: string) => RegistryCredential | undefined);

/** How registries are reached: the host's / CLI's OCI settings. */
export interface OciSettings {
  /** Accept `:latest` (written or implied by a missing tag); refused otherwise, as the v1 host does. */
  allowLatest?: boolean;
  /** Registries (host[:port], or `*`) spoken to over plain HTTP instead of HTTPS. */
  allowedInsecure?: readonly string[];
  /** Registry → mirror location (`host[:port][/path-prefix]`), e.g. `{ 'ghcr.io': '127.0.0.1:5000' }`. */
  mirrors?: Readonly<Record<string, string>>;
  credentials?: CredentialSource;
  /** PEM file of CA certificates trusted for HTTPS registries besides the public roots (`--oci-tls-ca-file`). */
  caFile?: string;
  /** Root of the digest-addressed blob cache (`<cache>/oci` under the wash cache dir by default). */
  cacheDir?: string;
  /** Largest wasm layer accepted (bytes). */
  maxBytes?: number;
  /** Per-request timeout (ms); default 60 s. */
  timeoutMs?: number;
}

/** Where a reference is actually fetched from after mirror mapping. */
export interface ResolvedLocation {
  ref: OciReference;
  registry: string;
  repository: string;
  mirrored: boolean;
  insecure: boolean;
  /** For logs and errors: `ghcr.io/org/x:1.0 (via mirror 127.0.0.1:5000/org/x)` or just the ref. */
  display: string;
}

function splitMirror(value: string): { registry: string; prefix: string } {
  const v = value.replace(/^(oci|https?):\/\//, '').replace(/\/+$/, '');
  const slash = v.indexOf('/');
  return slash < 0 ? { registry: v, prefix: '' } : { registry: v.slice(0, slash), prefix: v.slice(slash + 1) };
}

export function isInsecureAllowed(registry: string, allowed: readonly string[] | undefined): boolean {
  if (!allowed) return false;
  const host = registry.replace(/:\d+$/, '');
  return allowed.some((a) => a === '*' || a === registry || a === host);
}

export function resolveLocation(ref: OciReference, settings: OciSettings): ResolvedLocation {
  const mirror = settings.mirrors?.[ref.registry];
  const original = formatReference(ref);
  if (!mirror) {
    return {
      ref,
      registry: ref.registry,
      repository: ref.repository,
      mirrored: false,
      insecure: isInsecureAllowed(ref.registry, settings.allowedInsecure),
      display: original,
    };
  }
  const { registry, prefix } = splitMirror(mirror);
  const repository = prefix ? `${prefix}/${ref.repository}` : ref.repository;
  return {
    ref,
    registry,
    repository,
    mirrored: true,
    insecure: isInsecureAllowed(registry, settings.allowedInsecure),
    display: `${original} (via mirror ${registry}/${repository})`,
  };
}

export function credentialFor(source: CredentialSource | undefined, registry: string): RegistryCredential | undefined {
  if (!source) return undefined;
  if (typeof source === 'function') return source(registry);
  return source[registry] ?? source[registry.replace(/:\d+$/, '')];
}

/**
 * `ghcr.io=127.0.0.1:5000` entries (from a repeatable flag or a comma-separated env value) → a mirror map.
 * `flag` names the setting in errors.
 */
export function parseMirrors(entries: readonly string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of (entries ?? []).flatMap((e) => e.split(','))) {
    const entry = raw.trim();
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    const from = eq < 0 ? '' : entry.slice(0, eq).trim();
    const to = eq < 0 ? '' : entry.slice(eq + 1).trim();
    if (!from || !to || from.includes('/')) {
      throw new UserError(`${flag} '${entry}' is not a registry mapping`, {
        suggestion: `write REGISTRY=MIRROR, e.g. ${flag} ghcr.io=127.0.0.1:5000`,
      });
    }
    out[from.replace(/^(oci|https?):\/\//, '')] = to;
  }
  return out;
}

/** Comma-separated / repeated registry lists (`--allowed-insecure localhost:5000,reg.local`). */
export function parseRegistryList(entries: readonly string[] | undefined): string[] {
  return (entries ?? [])
    .flatMap((e) => e.split(','))
    .map((e) => e.trim().replace(/^(oci|https?):\/\//, ''))
    .filter((e) => e !== '');
}
