import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  archiveBinary,
  hostTarget,
  readProviderArchive,
  storedProviderClaims,
} from '../../../src/host/provider-process/archive.js';
import { resolveProviderFile } from '../../../src/host/provider-process/provider-file.js';
import { claimsEntry } from '../../../src/host/claims-entry.js';
import { TEST_ISSUER, TEST_SUBJECT, unsignedJwt, writeProviderArchive } from '../../helpers/provider-archive.js';

const dir = mkdtempSync(join(tmpdir(), 'wash-par-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const archive = (opts: Parameters<typeof writeProviderArchive>[2]) => writeProviderArchive(dir, `p${n++}.par.gz`, opts);
const load = (path: string) => readProviderArchive(readFileSync(path), path);

describe('provider archives', () => {
  it('maps Node platforms to provider-archive targets', () => {
    expect(hostTarget('x64', 'linux')).toBe('x86_64-linux');
    expect(hostTarget('arm64', 'linux')).toBe('aarch64-linux');
    expect(hostTarget('arm64', 'darwin')).toBe('aarch64-macos');
    expect(hostTarget('x64', 'win32')).toBe('x86_64-windows');
  });

  for (const [format, gzip] of [
    ['gnu', true],
    ['ustar', false],
  ] as const) {
    it(`reads claims and executables (${format} tar, ${gzip ? 'gzipped' : 'not gzipped'})`, () => {
      const path = archive({
        binaries: { 'x86_64-linux': '#!/bin/sh\necho x86\n', 'aarch64-linux': '#!/bin/sh\necho arm\n' },
        name: 'Greeter',
        vendor: 'Acme',
        gzip,
        format,
      });
      const par = load(path);
      expect(par.targets).toEqual(['aarch64-linux', 'x86_64-linux']);
      expect(par.claims).toMatchObject({
        issuer: TEST_ISSUER,
        subject: TEST_SUBJECT,
        name: 'Greeter',
        vendor: 'Acme',
        version: '0.1.0',
        revision: 3,
      });
      expect(new TextDecoder().decode(archiveBinary(par, 'aarch64-linux', path))).toBe('#!/bin/sh\necho arm\n');
    });
  }

  it('stores claims the way claims.get lists them (upstream StoredProviderClaims)', () => {
    const par = load(archive({ binaries: { 'x86_64-linux': 'x' }, name: 'Greeter' }));
    const record = storedProviderClaims(par.claims);
    expect(claimsEntry(record, TEST_SUBJECT)).toEqual({
      iss: TEST_ISSUER,
      issuer: TEST_ISSUER,
      name: 'Greeter',
      rev: '3',
      revision: '3',
      sub: TEST_SUBJECT,
      subject: TEST_SUBJECT,
      version: '0.1.0',
      config_schema: '',
    });
  });

  it('no executable for this machine: the error names the target and lists the ones present', () => {
    const path = archive({ binaries: { 'aarch64-macos': 'a', 'x86_64-windows': 'b' } });
    expect(() => archiveBinary(load(path), 'x86_64-linux', path)).toThrow(
      `${path} has no executable for this machine (x86_64-linux); it has: aarch64-macos, x86_64-windows.`,
    );
  });

  it('an executable altered after signing, or one the claims carry no hash for, is refused', () => {
    const altered = archive({ binaries: { 'x86_64-linux': 'x' }, hashes: { 'x86_64-linux': 'AB'.repeat(32) } });
    expect(() => archiveBinary(load(altered), 'x86_64-linux', altered)).toThrow(
      /does not match its hash in claims\.jwt/,
    );
    const unhashed = archive({ binaries: { 'x86_64-linux': 'x' }, hashes: {} });
    expect(() => archiveBinary(load(unhashed), 'x86_64-linux', unhashed)).toThrow(
      /claims\.jwt has no hash for x86_64-linux/,
    );
  });

  it('corrupt archives: clear errors naming the file', () => {
    const good = readFileSync(archive({ binaries: { 'x86_64-linux': 'x'.repeat(3000) } }));
    const cut = join(dir, 'cut.par.gz');
    writeFileSync(cut, good.subarray(0, good.length - 20));
    expect(() => load(cut)).toThrow(`${cut} is not a valid provider archive: gzip data is corrupt`);

    const tar = readFileSync(archive({ binaries: { 'x86_64-linux': 'x'.repeat(3000) }, gzip: false }));
    const truncated = join(dir, 'truncated.par.gz');
    writeFileSync(truncated, gzipSync(tar.subarray(0, 2048)));
    expect(() => load(truncated)).toThrow(/is not a valid provider archive: tar entry '.*' is cut off/);

    const flipped = Buffer.from(tar);
    flipped[10] ^= 0xff; // inside the first header's name: checksum no longer matches
    const badSum = join(dir, 'badsum.par');
    writeFileSync(badSum, flipped);
    expect(() => load(badSum)).toThrow(/is not a valid provider archive: tar header at offset 0 has a bad checksum/);

    const noClaims = archive({ binaries: { 'x86_64-linux': 'x' }, claimsText: null });
    expect(() => load(noClaims)).toThrow(`${noClaims} is not a valid provider archive: it has no claims.jwt`);
    const noBinaries = archive({ binaries: {} });
    expect(() => load(noBinaries)).toThrow(/it holds no provider executable/);
  });

  it('claims.jwt signed by its issuer validates; a forged signature is reported (upstream starts it anyway)', () => {
    const signed = load(archive({ binaries: { 'x86_64-linux': 'x' } }));
    expect(signed.claims.validation).toEqual({
      expired: false,
      cannotUseYet: false,
      expiresHuman: 'never',
      notBeforeHuman: 'immediately',
      signatureValid: true,
    });
    const forged = load(archive({ binaries: { 'x86_64-linux': 'x' }, forged: true }));
    expect(forged.claims.name).toBe('Test Provider');
    expect(forged.claims.validation).toMatchObject({
      signatureValid: false,
      signatureProblem: `it was not signed by its issuer ${TEST_ISSUER} (the Ed25519 signature does not match)`,
    });
  });

  it('bad claims: not a JWT, no name, expired', () => {
    const notJwt = archive({ binaries: { 'x86_64-linux': 'x' }, claimsText: 'hello' });
    expect(() => load(notJwt)).toThrow(`${notJwt}: claims.jwt is not a JWT (expected 3 dot-separated parts, found 1)`);
    const noName = archive({
      binaries: { 'x86_64-linux': 'x' },
      claimsText: unsignedJwt({ iss: TEST_ISSUER, sub: TEST_SUBJECT, wascap: { vendor: 'v' } }),
    });
    expect(() => load(noName)).toThrow('claims.jwt has no provider name (wascap.name)');
    const expired = archive({ binaries: { 'x86_64-linux': 'x' }, payload: { exp: 1_000_000 } });
    expect(() => load(expired)).toThrow('claims.jwt expired on 1970-01-12T13:46:40.000Z');
  });

  it('extracts this machine’s executable once into the cache (by digest, mode 0755); a plain executable is used as it is', async () => {
    const cache = join(dir, 'cache');
    const path = archive({ binaries: { [hostTarget()]: '#!/bin/sh\nexit 0\n', 'other-os': 'nope' } });
    const first = await resolveProviderFile(path, cache);
    expect(first.path.startsWith(cache)).toBe(true);
    expect(readFileSync(first.path, 'utf8')).toBe('#!/bin/sh\nexit 0\n');
    expect(statSync(first.path).mode & 0o777).toBe(0o755);
    expect(first.claims?.name).toBe('Test Provider');
    const inode = statSync(first.path).ino;
    const again = await resolveProviderFile(path, cache);
    expect(again.path).toBe(first.path);
    expect(statSync(again.path).ino).toBe(inode); // reused, not rewritten

    const plain = join(dir, 'plain.sh');
    writeFileSync(plain, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    expect(await resolveProviderFile(plain, cache)).toEqual({ path: plain });
  });
});
