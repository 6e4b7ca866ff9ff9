import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, requireBuiltCli } from '../helpers/cli.js';

/**
 * The library (`import … from 'wash'`, i.e. dist/index.js) must not load the CLI framework or terminal
 * styling. A fresh Node process records every module it resolves (module.registerHooks sees both `import` and
 * `require`) while importing the built library and using a few entry points that load modules lazily.
 */
const probe = `
import { registerHooks } from 'node:module';
const loaded = new Set();
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); loaded.add(r.url); return r; } });
const wash = await import(process.argv[1]);
wash.resolveConnection({ lattice: 'x' }, { WASH_CONFIG_DIR: '/nonexistent' });
await wash.validateManifestText('apiVersion: core.oam.dev/v1beta1\\nkind: Application\\nmetadata: {name: a, annotations: {}}\\nspec: {components: []}\\n');
wash.versionInfo();
process.stdout.write(JSON.stringify([...loaded]));
`;

describe('library boundary', () => {
  it('importing the built library loads no oclif, chalk, ora or CLI-side module', () => {
    requireBuiltCli();
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', probe, join(repoRoot, 'dist', 'index.js')],
      { encoding: 'utf8' },
    );
    const urls = JSON.parse(out) as string[];
    expect(
      urls.some((u) => u.endsWith('/dist/index.js')),
      'the probe saw the library load',
    ).toBe(true);
    expect(
      urls.some((u) => u.includes('/node_modules/yaml/')),
      'the probe saw lazily loaded modules',
    ).toBe(true);
    const forbidden = urls.filter((u) =>
      /\/node_modules\/(@oclif\/|chalk\/|ora\/)|\/dist\/(cli\/|commands\/|output\/(command|progress|table)\.js)/.test(
        u,
      ),
    );
    expect(forbidden).toEqual([]);
  });
});
