/**
 * Provider archives (PAR) for tests, written with the system's GNU tar (an implementation independent of the
 * host's reader): `claims.jwt` plus `{target}.bin` per executable, gzipped unless asked otherwise.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const TEST_ISSUER = 'ACOJJN6WUP4ODD75XEBKKTCCUJJCY5ZKQ56XVKYK4BEJWGVAOOQHZMCW';
export const TEST_SUBJECT = 'VAHNM37G4ARKCEY6NCWHOSHKHMU6GYL2NMUGCSJHUHNUMFQMZVKNAIAG';

/** A JWT whose payload is `payload` (the signature is not checked by the host). */
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
  const claims =
    opts.claimsText !== undefined
      ? opts.claimsText
      : unsignedJwt({
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
        });
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
