/**
 * `oci://registry/prefix` WIT sources: WIT packages (binary-encoded, as wkg publishes them) pushed to a real
 * registry are found at `<prefix>/<namespace>/<name>:<version>` and written to the deps dir as
 * `<namespace>-<name>.wasm`; the highest version without a pin; clear errors for missing packages.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from '@bytecodealliance/jco-transpile/wasm-tools';
import { highestVersion, ociWitSource, pushComponent } from '../../../src/oci/index.js';
import { startTestRegistry, type TestRegistry } from '../../helpers/registry.js';

/** A binary WIT package `acme:greeter@<version>` with interface `hello { greet: func(name: string) -> string }`. */
async function witPackage(version: string): Promise<Uint8Array> {
  return parse(`(component
    (type (component
      (type (instance
        (type (func (param "name" string) (result string)))
        (export "greet" (func (type 0)))))
      (export "acme:greeter/hello@${version}" (instance (type 0)))))
    (export "hello" (type 0)))`);
}

let reg: TestRegistry;
let dir: string;
const packages: Record<string, Uint8Array> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wash-oci-wit-'));
  reg = await startTestRegistry();
  for (const v of ['0.1.0', '0.2.0', '0.10.0-rc.1']) {
    packages[v] = await witPackage(v);
    await pushComponent({ reference: `${reg.host}/interfaces/acme/greeter:${v}`, bytes: packages[v], insecure: true });
  }
}, 60_000);

afterAll(async () => {
  await reg?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('oci:// WIT sources', () => {
  const resolve = () => ociWitSource({ allowedInsecure: [reg.host], cacheDir: join(dir, 'cache') });

  it('pinned version and highest release version, written as <ns>-<name>.wasm in the deps dir', async () => {
    const deps = join(dir, 'a', 'wit', 'deps');
    await resolve()(
      { target: 'acme:greeter@0.1.0', url: `oci://${reg.host}/interfaces`, baseDir: process.cwd() },
      deps,
    );
    expect(Buffer.from(readFileSync(join(deps, 'acme-greeter.wasm'))).equals(Buffer.from(packages['0.1.0']))).toBe(
      true,
    );
    await resolve()({ target: 'acme:greeter', url: `oci://${reg.host}/interfaces/`, baseDir: process.cwd() }, deps);
    expect(Buffer.from(readFileSync(join(deps, 'acme-greeter.wasm'))).equals(Buffer.from(packages['0.2.0']))).toBe(
      true,
    );
  });

  it('through a mirror of a public registry name', async () => {
    const deps = join(dir, 'b');
    await ociWitSource({ allowedInsecure: [reg.host], mirrors: { 'ghcr.io': reg.host }, cacheDir: join(dir, 'cache') })(
      { target: 'acme:greeter@0.2.0', url: 'oci://ghcr.io/interfaces', baseDir: process.cwd() },
      deps,
    );
    expect(Buffer.from(readFileSync(join(deps, 'acme-greeter.wasm'))).equals(Buffer.from(packages['0.2.0']))).toBe(
      true,
    );
  });

  it('missing package or version, and bad targets, are clear errors', async () => {
    await expect(
      resolve()(
        { target: 'acme:nothing', url: `oci://${reg.host}/interfaces`, baseDir: process.cwd() },
        join(dir, 'c'),
      ),
    ).rejects.toThrow(/was not found \(NAME_UNKNOWN/);
    await expect(
      resolve()(
        { target: 'acme:greeter@9.0.0', url: `oci://${reg.host}/interfaces`, baseDir: process.cwd() },
        join(dir, 'c'),
      ),
    ).rejects.toThrow(
      /^WIT package acme:greeter@9\.0\.0 from oci:\/\/.*: .*interfaces\/acme\/greeter:9\.0\.0 was not found/,
    );
    await expect(
      resolve()({ target: 'Acme', url: `oci://${reg.host}/interfaces`, baseDir: process.cwd() }, join(dir, 'c')),
    ).rejects.toThrow(/target 'Acme' is not a WIT package name/);
  });

  it('highestVersion orders semver, releases over pre-releases', () => {
    expect(highestVersion(['0.1.0', '0.10.0-rc.1', '0.2.0', 'latest'])).toBe('0.2.0');
    expect(highestVersion(['1.0.0-rc.2', '1.0.0-rc.10'])).toBe('1.0.0-rc.10');
    expect(highestVersion(['1.2.3', '1.10.0', 'v2.0.0'])).toBe('v2.0.0');
    expect(highestVersion(['latest'])).toBeUndefined();
  });
});
