import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateManifestText } from '../../src/manifest/index.js';
import { repoRoot } from '../helpers/cli.js';
import { fixturePath } from '../helpers/fixtures.js';

describe('templates/hello (the example app of the README and quickstart)', () => {
  it('ships the http-hello-v1 fixture byte for byte', () => {
    expect(
      readFileSync(join(repoRoot, 'templates/hello/hello.wasm')).equals(readFileSync(fixturePath('http-hello-v1'))),
    ).toBe(true);
  });

  it('is a valid manifest with no warnings', async () => {
    const report = await validateManifestText(readFileSync(join(repoRoot, 'templates/hello/wadm.yaml'), 'utf8'), {
      file: 'wadm.yaml',
    });
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.valid).toBe(true);
  });
});
