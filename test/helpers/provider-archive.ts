/**
 * Provider archives (PAR) for tests, written with the system's GNU tar (an implementation independent of the
 * host's reader): `claims.jwt` (signed by a test account, as `wash par create` signs it) plus `{target}.bin`
 * per executable, gzipped unless asked otherwise.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAccount } from '@nats-io/nkeys';
import { signToken } from './wascap.js';

const TEST_ACCOUNT = createAccount();
export const TEST_ISSUER = TEST_ACCOUNT.getPublicKey();
export const TEST_SUBJECT = 'VAHNM37G4ARKCEY6NCWHOSHKHMU6GYL2NMUGCSJHUHNUMFQMZVKNAIAG';

/** A JWT whose payload is `payload`, with a signature that is not the issuer's (a forgery). */
export function unsignedJwt(payload: object): string {
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ typ: 'jwt', alg: 'Ed25519' })}.${part(payload)}.${Buffer.from('not-checked').toString('base64url')}`;
}

export const sha256Upper = (bytes: Uint8Array | string) =>
  createHash('sha256').update(bytes).digest('hex').toUpperCase();

export interface ArchiveOptions {
  binaries: Record<string, Uint8Array | string>;
  name?: string;
  vendor?: string;
  /** Replaces the computed `wascap.target_hashes`. */
  hashes?: Record<string, string>;
  /** Replaces the whole claims.jwt text; `null` leaves claims.jwt out. */
  claimsText?: string | null;
  /** Extra payload fields (e.g. `exp`). */
  payload?: object;
  /** claims.jwt carries a signature that is not its issuer's. */
  forged?: boolean;
  gzip?: boolean;
  format?: 'gnu' | 'ustar';
}

/** Writes the archive into `dir` as `file` and returns its path. */
export function writeProviderArchive(dir: string, file: string, opts: ArchiveOptions): string {
  const staging = mkdtempSync(join(dir, 'par-'));
  const names: string[] = [];
  const hashes: Record<string, string> = {};
  for (const [target, bytes] of Object.entries(opts.binaries)) {
    writeFileSync(join(staging, `${target}.bin`), bytes);
    names.push(`${target}.bin`);
    hashes[target] = sha256Upper(bytes);
  }
  const payload = {
    iss: TEST_ISSUER,
    sub: TEST_SUBJECT,
    iat: Math.floor(Date.now() / 1000),
    wascap: {
      name: opts.name ?? 'Test Provider',
      vendor: opts.vendor ?? 'wash tests',
      rev: 3,
      ver: '0.1.0',
      target_hashes: opts.hashes ?? hashes,
    },
    ...opts.payload,
  };
  const claims =
    opts.claimsText !== undefined
      ? opts.claimsText
      : opts.forged
        ? unsignedJwt(payload)
        : signToken(payload, TEST_ACCOUNT);
  if (claims !== null) {
    writeFileSync(join(staging, 'claims.jwt'), claims);
    names.unshift('claims.jwt');
  }
  const out = join(dir, file);
  execFileSync('tar', [
    `--format=${opts.format ?? 'gnu'}`,
    opts.gzip === false ? '-cf' : '-czf',
    out,
    '-C',
    staging,
    ...names,
  ]);
  rmSync(staging, { recursive: true, force: true });
  return out;
}
