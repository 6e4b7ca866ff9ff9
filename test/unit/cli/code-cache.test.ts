/**
 * The CLI start-up path: bin/run.js loads dist/wash.cjs through bin/load-bundle.cjs with V8's code cache.
 * Every way of loading the bundle (cache used, cache missing, cache made for other content, cache V8 rejects,
 * plain `require` without the loader) must print the same bytes and exit with the same code. Runs the built
 * CLI (`npm run build` first) from a copy of the package in a temp folder, so the repo's dist/ is not touched.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/cli.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const VALID = [
  'apiVersion: core.oam.dev/v1beta1',
  'kind: Application',
  'metadata:',
  '  name: cache-check',
  '  annotations:',
  '    version: v0.0.1',
  'spec:',
  '  components:',
  '    - name: api',
  '      type: component',
  '      properties:',
  '        image: ghcr.io/wasmcloud/components/http-hello-world-rust:0.1.0',
  '      traits:',
  '        - type: spreadscaler',
  '          properties:',
  '            instances: 1',
  '',
].join('\n');
const INVALID =
  'apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: Bad Name\nspec:\n  components: []\n';

let work: string;
let pkg: string;
let valid: string;
let invalid: string;

/**
 * Environment for every run: no colour settings, no ambient wash/wasmCloud settings, caches in the temp dir, and
 * no NODE_ENV (vitest sets `test`, which makes oclif print warnings that carry the process id).
 */
function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // CI (and the CI vendors' variables) switch colour off in supports-color even on a terminal.
    if (
      k.startsWith('WASMCLOUD_') ||
      k.startsWith('WASH_') ||
      [
        'NO_COLOR',
        'FORCE_COLOR',
        'DEBUG',
        'NODE_ENV',
        'CI',
        'CONTINUOUS_INTEGRATION',
        'BUILD_NUMBER',
        'RUN_ID',
        'TEAMCITY_VERSION',
        'GITHUB_ACTIONS',
        'GITLAB_CI',
        'BUILDKITE',
        'TF_BUILD',
      ].includes(k)
    )
      continue;
    env[k] = v;
  }
  return { ...env, WASH_CACHE_DIR: join(work, 'cache'), ...extra };
}

function exec(args: string[], env: NodeJS.ProcessEnv = baseEnv()): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: work, env, timeout: 60_000 }, (err, stdout, stderr) => {
      const raw = err ? (err as { code?: number | string }).code : 0;
      resolve({ code: typeof raw === 'number' ? raw : -1, stdout, stderr });
    });
  });
}

const runBin = (args: string[], env?: NodeJS.ProcessEnv) => exec([join(pkg, 'bin', 'run.js'), ...args], env);

/** The bundle loaded by Node's own `require` (no loader, no cache), as oclif's manifest generator loads it. */
const runPlainRequire = (args: string[]) =>
  exec([
    '-e',
    `require(${JSON.stringify(join(pkg, 'dist', 'wash.cjs'))}).main(${JSON.stringify(args)}, ${JSON.stringify(pathToFileURL(pkg).href)})`,
  ]);

function cacheUsed(): boolean {
  const script = `process.stdout.write(String(require(${JSON.stringify(join(pkg, 'bin', 'load-bundle.cjs'))}).loadBundle(${JSON.stringify(join(pkg, 'dist'))}).cacheUsed))`;
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }) === 'true';
}

const cacheFile = () => join(pkg, 'dist', 'wash.cjs.cache');
let goodCache: Buffer;

const cases: { name: string; args: () => string[]; code: number; check: (r: Run) => void }[] = [
  {
    name: '--version -o json',
    args: () => ['--version', '-o', 'json'],
    code: 0,
    check: (r) => expect(JSON.parse(r.stdout).wash).toMatch(/^v\d/),
  },
  { name: '--version', args: () => ['--version'], code: 0, check: (r) => expect(r.stdout).toMatch(/^wash v\d/) },
  {
    name: 'app validate (valid)',
    args: () => ['app', 'validate', valid],
    code: 0,
    check: (r) => expect(r.stdout).toContain('valid'),
  },
  {
    name: 'app validate -o json (valid)',
    args: () => ['app', 'validate', valid, '-o', 'json'],
    code: 0,
    check: (r) => expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, success: true }),
  },
  {
    name: 'app validate (invalid)',
    args: () => ['app', 'validate', invalid],
    code: 1,
    check: (r) => expect(r.stdout).toMatch(/invalid \(\d+ errors?\)/),
  },
  {
    name: 'app validate -o json (invalid)',
    args: () => ['app', 'validate', invalid, '-o', 'json'],
    code: 1,
    check: (r) => expect(JSON.parse(r.stdout).valid).toBe(false),
  },
  {
    name: 'usage error',
    args: () => ['app', 'validate', valid, '--no-such-flag'],
    code: 2,
    check: (r) => expect(r.stderr).toMatch(/no-such-flag/),
  },
  {
    name: 'usage error -o json',
    args: () => ['app', 'validate', '--no-such-flag', '-o', 'json'],
    code: 2,
    check: (r) => expect(JSON.parse(r.stderr).success).toBe(false),
  },
  {
    name: 'app validate --help',
    args: () => ['app', 'validate', '--help'],
    code: 0,
    check: (r) => expect(r.stdout).toContain('USAGE'),
  },
  {
    name: 'no arguments (help on stderr)',
    args: () => [],
    code: 2,
    check: (r) => {
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('TOPICS');
    },
  },
];

/** Reference outputs: the package as built, cache in use. */
const reference = new Map<string, Run>();

beforeAll(async () => {
  const distFiles = [
    'wash.cjs',
    'wash.cjs.cache',
    'wash.cjs.nats.cache',
    'validate.cjs',
    'validate.cjs.cache',
    'version.cjs',
    'help-fast-path.cjs',
    'help-index.json',
    'command-index.json',
  ];
  for (const f of distFiles) {
    if (!existsSync(join(repoRoot, 'dist', f)))
      throw new Error(`dist/${f} is missing: run \`npm run build\` first (\`npm test\` does it)`);
  }
  work = mkdtempSync(join(tmpdir(), 'wash-cli-cache-'));
  pkg = join(work, 'pkg');
  for (const dir of ['bin', 'dist']) mkdirSync(join(pkg, dir), { recursive: true });
  for (const f of [
    'package.json',
    'oclif.manifest.json',
    'bin/run.js',
    'bin/node-check.cjs',
    'bin/load-bundle.cjs',
    'bin/package.json',
    ...distFiles.map((f) => `dist/${f}`),
  ]) {
    copyFileSync(join(repoRoot, f), join(pkg, f));
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(pkg, 'node_modules'));
  valid = join(work, 'valid.yaml');
  invalid = join(work, 'invalid.yaml');
  writeFileSync(valid, VALID);
  writeFileSync(invalid, INVALID);
  goodCache = readFileSync(cacheFile());
  for (const c of cases) reference.set(c.name, await runBin(c.args()));
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('CLI start-up with the code cache', () => {
  it('uses the cache that the build wrote', () => {
    expect(cacheUsed()).toBe(true);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: expected exit code and output', (_name, c) => {
    const r = reference.get(c.name)!;
    expect(r.code, r.stderr).toBe(c.code);
    c.check(r);
  });

  const variants: { name: string; prepare: () => void; used: boolean }[] = [
    { name: 'cache file missing', prepare: () => rmSync(cacheFile(), { force: true }), used: false },
    {
      name: 'cache made for other bundle content (header id differs)',
      prepare: () =>
        writeFileSync(cacheFile(), Buffer.concat([Buffer.from('0'.repeat(64), 'latin1'), goodCache.subarray(64)])),
      used: false,
    },
    {
      name: 'cache data that V8 rejects (right header, damaged payload)',
      prepare: () => {
        const damaged = Buffer.from(goodCache);
        for (let i = 64; i < Math.min(damaged.length, 64 + 256); i++) damaged[i] = damaged[i] ^ 0xff;
        writeFileSync(cacheFile(), damaged);
      },
      used: false,
    },
    { name: 'cache restored', prepare: () => writeFileSync(cacheFile(), goodCache), used: true },
  ];

  for (const v of variants) {
    it(`${v.name}: same bytes and exit codes as with the cache`, async () => {
      v.prepare();
      expect(cacheUsed()).toBe(v.used);
      for (const c of cases) {
        const r = await runBin(c.args());
        expect({ case: c.name, ...r }).toEqual({ case: c.name, ...reference.get(c.name)! });
      }
    }, 120_000);
  }

  it('plain require of dist/wash.cjs (no loader): same bytes and exit codes for the bundle commands', async () => {
    for (const c of cases.filter((x) => !x.name.startsWith('--version'))) {
      const r = await runPlainRequire(c.args());
      expect({ case: c.name, ...r }).toEqual({ case: c.name, ...reference.get(c.name)! });
    }
  }, 120_000);
});

describe('CLI start-up: colour is decided at run time', () => {
  const ESC = '\u001b[';

  it('FORCE_COLOR=1 colours help on a pipe; NO_COLOR=1 and a plain pipe do not', async () => {
    const forced = await runBin(['app', 'validate', '--help'], baseEnv({ FORCE_COLOR: '1' }));
    const noColor = await runBin(['app', 'validate', '--help'], baseEnv({ NO_COLOR: '1' }));
    const plain = await runBin(['app', 'validate', '--help']);
    expect(forced.stdout).toContain(ESC);
    expect(noColor.stdout).not.toContain(ESC);
    expect(plain.stdout).not.toContain(ESC);
    expect(noColor.stdout).toBe(plain.stdout);
  });

  it.skipIf(!existsSync('/usr/bin/script'))('a terminal gets colour, unless NO_COLOR is set', () => {
    const inTty = (env: NodeJS.ProcessEnv) =>
      execFileSync(
        '/usr/bin/script',
        ['-qec', `"${process.execPath}" "${join(pkg, 'bin', 'run.js')}" app validate --help`, '/dev/null'],
        { encoding: 'utf8', env, cwd: work },
      );
    expect(inTty(baseEnv({ TERM: 'xterm-256color' }))).toContain(ESC);
    expect(inTty(baseEnv({ TERM: 'xterm-256color', NO_COLOR: '1' }))).not.toContain(ESC);
  });
});
