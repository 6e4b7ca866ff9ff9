/**
 * Facts about the built bundle that the start-up path relies on (`npm run build` first).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/cli.js';

const bundleFile = join(repoRoot, 'dist', 'wash.cjs');

beforeAll(() => {
  if (!existsSync(bundleFile))
    throw new Error('dist/wash.cjs is missing: run `npm run build` first (`npm test` does it)');
});

describe('dist/wash.cjs', () => {
  it('starts with the sha256 of the rest of its text (the code cache is keyed by it)', () => {
    const text = readFileSync(bundleFile, 'utf8');
    const m = /^\/\/ wash-bundle ([0-9a-f]{64})\n/.exec(text);
    expect(m).not.toBeNull();
    expect(createHash('sha256').update(text.slice(m![0].length)).digest('hex')).toBe(m![1]);
  });

  it('has no dynamic import() left outside the banner fallback (vm.Script code cannot use it on Node 20)', () => {
    const text = readFileSync(bundleFile, 'utf8');
    const banner = text.split('\n').slice(0, 3).join('\n');
    const rest = text.slice(banner.length);
    expect(banner).toContain('(specifier) => import(specifier)');
    expect(rest).toContain('__washImport(');
    // Code positions only: every `import(` the minifier could print is preceded by one of these characters.
    expect(rest).not.toMatch(/[\s=(,:;!&|?{}[\]]import\(/);
  });
});

describe("oclif's command sort without ICU", () => {
  // The bundle compares ids of [a-z:-] by code units instead of localeCompare (scripts/bundle-cli.mjs). That is
  // only invisible while both orders agree for the ids we have; a new id that breaks it fails here.
  const ids = Object.keys(
    JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')).commands as Record<string, unknown>,
  );
  const plain = ids.filter((id) => /^[a-z:-]*$/.test(id));
  const byCodeUnits = [...plain].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

  it('the manifest has command ids to check', () => {
    expect(plain.length).toBeGreaterThan(10);
  });

  it.each(['en', 'en-US-u-va-posix', 'de', 'da', 'cs', 'sk', 'hu', 'lt', 'et', 'cy', 'es', 'sv', 'tr', 'pl'])(
    '%s: same order as localeCompare',
    (locale) => {
      const collator = new Intl.Collator(locale);
      expect([...plain].sort((a, b) => collator.compare(a, b))).toEqual(byCodeUnits);
    },
  );
});

describe('topic bundles without the parts of oclif a direct run never uses', () => {
  // scripts/bundle-cli.mjs leaves them out of dist/wash-<topic>.cjs (each require loads the module from where
  // @oclif/core is installed), and the code cache warm-up fails the build if a direct run loads one.
  const cold = JSON.parse(readFileSync(join(repoRoot, 'dist', 'cold-modules.json'), 'utf8')) as {
    packages: string[];
    oclifFiles: string[];
  };
  const getBundle = readFileSync(join(repoRoot, 'dist', 'wash-get.cjs'), 'latin1');
  const fromOclif = createRequire(createRequire(join(repoRoot, 'dist', 'wash-get.cjs')).resolve('@oclif/core'));

  it('leaves out every package @oclif/core depends on, and keeps oclif files it names', () => {
    const oclif = JSON.parse(readFileSync(join(repoRoot, 'node_modules', '@oclif', 'core', 'package.json'), 'utf8'));
    expect(cold.packages).toEqual(Object.keys(oclif.dependencies));
    expect(cold.oclifFiles).toContain('command.js');
    expect(cold.oclifFiles).toContain('parser/parse.js');
  });

  it('the get bundle requires them at run time instead of holding them', () => {
    for (const spec of ['ejs', 'debug', 'wrap-ansi', './config/index.js', './errors/handle.js'])
      expect(getBundle).toContain(`("${spec}")`);
    // cli-spinners' data and oclif's Config class are in the CLI bundle, not in the topic bundle
    const cli = readFileSync(bundleFile, 'latin1');
    for (const text of ['dots12', 'reloading config from']) {
      expect(cli).toContain(text);
      expect(getBundle).not.toContain(text);
    }
  });

  it('each left-out package and oclif file loads from where @oclif/core is installed', () => {
    for (const pkg of cold.packages) expect(() => fromOclif(pkg), pkg).not.toThrow();
    for (const file of ['./config/config.js', './help/index.js', './ux/index.js', './errors/handle.js'])
      expect(typeof fromOclif(file), file).toBe('object');
  });
});
