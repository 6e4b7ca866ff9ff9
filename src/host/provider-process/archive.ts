/**
 * Provider archives (PAR, wasmCloud's `provider-archive` crate): a tar, usually gzipped (`.par.gz`), holding
 * `claims.jwt` and one executable per target named `{arch}-{os}.bin` (e.g. `x86_64-linux.bin`; the target is
 * the file stem). The claims' `wascap.target_hashes` carry each executable's SHA-256 (upper-case hex), which
 * is checked as upstream does. The JWT is validated as upstream's `validate_token` does (the issuer's Ed25519
 * signature, the validity window): its result is in `validation`. Upstream hosts start a provider whose
 * signature is not valid (neither `provider-archive` nor the host check it), so that is left to the caller
 * to warn about; expired or not-yet-valid claims are refused here.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { type TokenValidation, validateToken } from '../../component/wascap-token.js';
import { readTar } from './tar.js';

const GZIP_MAGIC = [0x1f, 0x8b];
const CLAIMS_STEM = 'claims';

export interface ProviderClaims {
  /** `iss`: the account (A…) key that signed. */
  issuer: string;
  /** `sub`: the provider's service (V…) key. */
  subject: string;
  name: string;
  vendor: string;
  version?: string;
  revision?: number;
  configSchema?: unknown;
  notBefore?: Date;
  expires?: Date;
  targetHashes: Record<string, string>;
  /** The token's validation (signature, validity window), as upstream's `validate_token` reports it. */
  validation: TokenValidation;
}

export interface ProviderArchive {
  claims: ProviderClaims;
  /** Targets present, sorted. */
  targets: string[];
  binary(target: string): Uint8Array | undefined;
}

/** This machine's target in provider-archive naming (Rust's `{ARCH}-{OS}`): `x86_64-linux`, `aarch64-macos`… */
export function hostTarget(arch: string = process.arch, platform: string = process.platform): string {
  const a = ({ x64: 'x86_64', arm64: 'aarch64', ia32: 'x86', arm: 'arm', riscv64: 'riscv64' } as const)[arch as 'x64'];
  const os = ({ linux: 'linux', darwin: 'macos', win32: 'windows', freebsd: 'freebsd' } as const)[platform as 'linux'];
  return `${a ?? arch}-${os ?? platform}`;
}

/** True when `head` (the first bytes of a file, ≥ 262 of them for a plain tar) starts a gzip or tar stream. */
export function looksLikeArchive(head: Uint8Array): boolean {
  if (head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]) return true;
  return new TextDecoder().decode(head.subarray(257, 262)) === 'ustar';
}

function stem(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.indexOf('.');
  return dot === -1 ? base : base.slice(0, dot);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').toUpperCase();
}

/** `label` names the archive in errors (its path). */
export function readProviderArchive(bytes: Uint8Array, label: string): ProviderArchive {
  let tar: Uint8Array = bytes;
  if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    try {
      tar = gunzipSync(bytes);
    } catch (err) {
      throw new Error(`${label} is not a valid provider archive: gzip data is corrupt (${(err as Error).message})`);
    }
  }
  let entries: ReturnType<typeof readTar>;
  try {
    entries = readTar(tar);
  } catch (err) {
    throw new Error(`${label} is not a valid provider archive: ${(err as Error).message}`);
  }
  const binaries = new Map<string, Uint8Array>();
  let token: string | undefined;
  for (const entry of entries) {
    const target = stem(entry.name);
    if (target === CLAIMS_STEM) token = new TextDecoder().decode(entry.data);
    else if (target) binaries.set(target, entry.data);
  }
  if (token === undefined) throw new Error(`${label} is not a valid provider archive: it has no claims.jwt`);
  if (binaries.size === 0)
    throw new Error(`${label} is not a valid provider archive: it holds no provider executable ({arch}-{os}.bin)`);
  const claims = decodeProviderClaims(token, label);
  return {
    claims,
    targets: [...binaries.keys()].sort(),
    binary: (target) => binaries.get(target),
  };
}

/** The executable for `target`, its hash checked against the claims; clear errors when absent or altered. */
export function archiveBinary(archive: ProviderArchive, target: string, label: string): Uint8Array {
  const binary = archive.binary(target);
  if (!binary)
    throw new Error(
      `${label} has no executable for this machine (${target}); it has: ${archive.targets.join(', ')}. Rebuild the archive with a ${target} binary.`,
    );
  const expected = archive.claims.targetHashes[target];
  if (!expected)
    throw new Error(
      `${label}: claims.jwt has no hash for ${target} (wascap.target_hashes), so the executable cannot be checked`,
    );
  if (sha256Hex(binary).toUpperCase() !== expected.toUpperCase())
    throw new Error(
      `${label}: the ${target} executable does not match its hash in claims.jwt (the archive was changed after it was signed)`,
    );
  return binary;
}

type Fields = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const seconds = (v: unknown): Date | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? new Date(v * 1000) : undefined;

function decodeProviderClaims(token: string, label: string): ProviderClaims {
  const bad = (why: string) => new Error(`${label}: claims.jwt ${why}`);
  const parts = token.trim().split('.');
  if (parts.length !== 3) throw bad(`is not a JWT (expected 3 dot-separated parts, found ${parts.length})`);
  let payload: Fields;
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Fields;
  } catch {
    throw bad('has a payload that is not base64url JSON');
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload))
    throw bad('has a payload that is not an object');
  const issuer = str(payload.iss);
  const subject = str(payload.sub);
  if (!issuer || !subject) throw bad('lacks an issuer ("iss") or subject ("sub")');
  const wascap = payload.wascap;
  if (!wascap || typeof wascap !== 'object') throw bad('has no provider metadata ("wascap")');
  const meta = wascap as Fields;
  const name = str(meta.name);
  if (!name) throw bad('has no provider name (wascap.name)');
  const hashes = meta.target_hashes;
  const targetHashes: Record<string, string> = {};
  if (hashes && typeof hashes === 'object' && !Array.isArray(hashes))
    for (const [target, hash] of Object.entries(hashes)) if (typeof hash === 'string') targetHashes[target] = hash;
  const times = {
    notBefore: typeof payload.nbf === 'number' ? payload.nbf : undefined,
    expires: typeof payload.exp === 'number' ? payload.exp : undefined,
  };
  const validation = validateToken(token, issuer, times);
  const claims: ProviderClaims = { issuer, subject, name, vendor: str(meta.vendor) ?? '', targetHashes, validation };
  const version = str(meta.ver);
  if (version) claims.version = version;
  if (typeof meta.rev === 'number' && Number.isInteger(meta.rev)) claims.revision = meta.rev;
  if (meta.config_schema !== undefined && meta.config_schema !== null) claims.configSchema = meta.config_schema;
  const notBefore = seconds(payload.nbf);
  if (notBefore) claims.notBefore = notBefore;
  const expires = seconds(payload.exp);
  if (expires) claims.expires = expires;
  const now = Date.now();
  if (expires && expires.getTime() <= now) throw bad(`expired on ${expires.toISOString()}`);
  if (notBefore && notBefore.getTime() > now) throw bad(`is not valid before ${notBefore.toISOString()}`);
  return claims;
}

/** The `CLAIMS_{subject}` record upstream hosts store for a provider (StoredProviderClaims). */
export function storedProviderClaims(claims: ProviderClaims): Record<string, string> {
  const record: Record<string, string> = {
    issuer: claims.issuer,
    name: claims.name,
    revision: String(claims.revision ?? 0),
    subject: claims.subject,
    version: claims.version ?? '',
  };
  if (claims.configSchema !== undefined) record.config_schema = JSON.stringify(claims.configSchema);
  return record;
}
