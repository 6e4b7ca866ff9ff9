/** Files: loading, file:// image checks (relative to the manifest), and the public async API. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import {
  componentId,
  loadManifestFile,
  manifestJsonSchema,
  parseManifestText,
  serializeManifest,
  validateManifestFile,
  validateManifestText,
  MANIFEST_MAX_BYTES,
} from '../../../src/manifest/index.js';
import { manifestYaml } from './helpers.js';

let dir: string;
const withImage = (image: string) =>
  manifestYaml(
    `    - name: hello\n      type: component\n      properties:\n        image: ${image}\n    - name: remote\n      type: capability\n      properties:\n        image: ghcr.io/wasmcloud/http-server:0.23.0`,
  );

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wash-manifest-test-'));
  mkdirSync(join(dir, 'build'));
  writeFileSync(join(dir, 'build', 'present.wasm'), 'x');
  writeFileSync(join(dir, 'ok.yaml'), withImage('file://./build/present.wasm'));
  writeFileSync(join(dir, 'missing-image.yaml'), withImage('file://./build/absent.wasm'));
  writeFileSync(join(dir, 'absolute.yaml'), withImage(`file://${join(dir, 'build', 'present.wasm')}`));
  writeFileSync(
    join(dir, 'invalid.yaml'),
    withImage('file://./build/present.wasm').replace('name: test-app', 'name: bad.name'),
  );
  writeFileSync(join(dir, 'huge.yaml'), 'x'.repeat(MANIFEST_MAX_BYTES + 1));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('validateManifestFile', () => {
  it('checks file:// images only when asked, relative to the manifest folder, and never OCI references', async () => {
    expect((await validateManifestFile(join(dir, 'missing-image.yaml'))).valid).toBe(true);
    const checked = await validateManifestFile(join(dir, 'missing-image.yaml'), { checkImageRefs: true });
    expect(checked.valid).toBe(false);
    expect(checked.errors).toEqual([
      {
        level: 'Error',
        msg: `image file of component 'hello' not found: ${join(dir, 'build', 'absent.wasm')} (from file://./build/absent.wasm)`,
        path: 'spec.components[0].properties.image',
        line: 12,
      },
    ]);
    expect((await validateManifestFile(join(dir, 'ok.yaml'), { checkImageRefs: true })).valid).toBe(true);
    expect((await validateManifestFile(join(dir, 'absolute.yaml'), { checkImageRefs: true })).valid).toBe(true);
  });

  it('names a missing file in a UserError', async () => {
    const err = await validateManifestFile(join(dir, 'nope.yaml')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(`manifest file not found: ${join(dir, 'nope.yaml')}`);
  });
});

describe('loadManifestFile', () => {
  it('returns the manifest, optionally with absolute file:// images', async () => {
    const loaded = await loadManifestFile(join(dir, 'ok.yaml'), { resolveFileImages: true });
    expect(loaded.manifest.spec.components[0].properties.image).toBe(`file://${join(dir, 'build', 'present.wasm')}`);
    expect(loaded.manifest.spec.components[1].properties.image).toBe('ghcr.io/wasmcloud/http-server:0.23.0');
    expect(componentId(loaded.manifest.metadata.name, loaded.manifest.spec.components[0])).toBe('test_app-hello');
  });

  it('fails with a UserError listing the errors and their lines', async () => {
    const err = await loadManifestFile(join(dir, 'invalid.yaml')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toContain(
      `${join(dir, 'invalid.yaml')}:4: metadata.name: manifest name [bad.name] is not allowed`,
    );
    expect((err as UserError).suggestion).toContain('wash app validate');
  });

  it('refuses a file over the size limit without parsing it', async () => {
    await expect(loadManifestFile(join(dir, 'huge.yaml'))).rejects.toThrow(/too large/);
  });
});

describe('the async API', () => {
  it('parses, validates, serialises and gives the schema', async () => {
    const text = withImage('ghcr.io/x/y:1');
    const parsed = await parseManifestText(text);
    expect(parsed.findings).toEqual([]);
    const json = await serializeManifest(parsed.manifest!, 'json');
    expect((await validateManifestText(json)).manifest).toEqual(parsed.manifest);
    expect(Object.keys(await manifestJsonSchema())).toContain('definitions');
  });
});
