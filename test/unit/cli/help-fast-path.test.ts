/**
 * `wash … --help` without oclif: bin/run.js answers help from text oclif rendered at build time
 * (src/cli/help-fast-path.ts, dist/help-index.json). For every command and topic, the root help and plain
 * `wash`, bin/run.js must print the same bytes on stdout and stderr and exit with the same code as oclif itself
 * (the CLI bundle's main, never the fast path), with and without NO_COLOR / FORCE_COLOR / OCLIF_COLUMNS and on
 * a terminal; argv shapes the fast path does not take must reach oclif. Needs `npm run build` first.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type HelpIndex,
  type Surroundings,
  helpAnswerFor,
  plainHelpSurroundings,
} from '../../../src/cli/help-fast-path.js';
import { repoRoot } from '../../helpers/cli.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const indexFile = join(repoRoot, 'dist', 'help-index.json');
let work: string;
let index: HelpIndex;

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(WASMCLOUD_|WASH_|VITEST)/.test(k)) continue;
    if (['NO_COLOR', 'FORCE_COLOR', 'OCLIF_COLUMNS', 'DEBUG', 'NODE_ENV', 'COLUMNS'].includes(k)) continue;
    out[k] = v;
  }
  return { ...out, WASH_CACHE_DIR: join(work, 'cache'), WASH_CONFIG_DIR: join(work, 'config'), ...extra };
}

function exec(file: string, args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: work, env: env(extraEnv), timeout: 60_000, maxBuffer: 8 << 20 },
      (err, stdout, stderr) => {
        const raw = err ? (err as { code?: number | string }).code : 0;
        resolve({ code: typeof raw === 'number' ? raw : -1, stdout, stderr });
      },
    );
  });
}

const runBin = (argv: string[], extraEnv?: NodeJS.ProcessEnv) =>
  exec(process.execPath, [join(repoRoot, 'bin', 'run.js'), ...argv], extraEnv);

/** Node arguments running argv through oclif: the CLI bundle's main, never the fast path. The argv is also in
 * process.argv (after `--`), as with bin/run.js, because supports-color reads `--color` flags from there. */
const oclifArgs = (argv: string[]) => [
  '-e',
  `require(${JSON.stringify(join(repoRoot, 'bin', 'load-bundle.cjs'))}).loadBundle(${JSON.stringify(join(repoRoot, 'dist'))}).exports.main(process.argv.slice(2), ${JSON.stringify(pathToFileURL(repoRoot).href)})`,
  '--',
  'wash', // a first argument `inspect` would start Node's debugger
  ...argv,
];

const runOclif = (argv: string[], extraEnv?: NodeJS.ProcessEnv) => exec(process.execPath, oclifArgs(argv), extraEnv);

/** Runs node under a pseudo-terminal (util-linux `script`) of the given width; the output is what the terminal got. */
const onTerminal = (nodeArgs: string[], columns: number) => {
  const quoted = [process.execPath, ...nodeArgs].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  return exec('script', ['-qec', `stty cols ${columns} 2>/dev/null; ${quoted}`, '/dev/null'], { TERM: 'xterm' });
};

/** Runs at most `n` at a time (the machine is shared). */
async function limited<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
    }),
  );
}

beforeAll(() => {
  for (const file of ['wash.cjs', 'help-index.json', 'help-fast-path.cjs']) {
    if (!existsSync(join(repoRoot, 'dist', file)))
      throw new Error(`dist/${file} is missing: run \`npm run build\` first`);
  }
  index = JSON.parse(readFileSync(indexFile, 'utf8')) as HelpIndex;
  work = mkdtempSync(join(tmpdir(), 'wash-help-fast-path-'));
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const plainHere: Surroundings = {
  env: {},
  stdoutIsTTY: false,
  node: process.version,
  platform: process.platform,
  arch: process.arch,
};

describe('helpAnswerFor', () => {
  it('answers command and topic words followed by flags with --help before any --', () => {
    expect(helpAnswerFor(['get', 'hosts', '--help'], index)).toBe(index.help['get hosts']);
    expect(helpAnswerFor(['get', 'hosts', '--ctl-port', '1', '--help'], index)).toBe(index.help['get hosts']);
    expect(helpAnswerFor(['get', '--help'], index)).toBe(index.help.get);
    expect(helpAnswerFor(['--help'], index)).toBe(index.help['']);
    expect(helpAnswerFor([], index)).toBe(index.noArgs);
  });

  it.each([
    [['host', '--', '--help']],
    [['--version', '--help']],
    [['app', 'validate', 'x.yaml', '--help']],
    [['get:hosts', '--help']],
    [['get', 'nosuch', '--help']],
    [['', '--help']],
    [['get', 'hosts']],
    [['get', 'hosts', '-h']],
    [['constructor', '--help']],
  ])('leaves %j to oclif', (argv) => {
    expect(helpAnswerFor(argv, index)).toBeUndefined();
  });
});

describe('plainHelpSurroundings', () => {
  it('accepts a pipe without colour or width settings on the build Node', () => {
    expect(plainHelpSurroundings(['--help'], index, plainHere)).toBe(true);
    const env = { NO_COLOR: '1', OCLIF_COLUMNS: '80', NODE_ENV: 'production' };
    expect(plainHelpSurroundings(['--help'], index, { ...plainHere, env })).toBe(true);
  });

  it.each<[string, Partial<Surroundings>, string[]?]>([
    ['a terminal', { stdoutIsTTY: true }],
    ['FORCE_COLOR', { env: { FORCE_COLOR: '0' } }],
    ['OCLIF_COLUMNS', { env: { OCLIF_COLUMNS: '100' } }],
    ['DEBUG', { env: { DEBUG: '*' } }],
    ['WASH_DEBUG', { env: { WASH_DEBUG: '1' } }],
    ['NODE_ENV=development', { env: { NODE_ENV: 'development' } }],
    ['NODE_ENV=test', { env: { NODE_ENV: 'test' } }],
    ['another Node', { node: 'v24.0.0-other' }],
    ['another platform', { platform: 'win32' }],
    ['a --color argument', {}, ['host', '--color', '--help']],
    ['a --no-color argument', {}, ['host', '--no-color', '--help']],
  ])('refuses %s', (_what, change, argv = ['--help']) => {
    expect(plainHelpSurroundings(argv, index, { ...plainHere, ...change })).toBe(false);
  });
});

describe('help fast path = oclif (bin/run.js vs the CLI bundle)', () => {
  it('answers every pre-rendered argv itself (no oclif)', async () => {
    const keys = Object.keys(index.help);
    const probe = [
      `const { helpFastPath } = require(${JSON.stringify(join(repoRoot, 'dist', 'help-fast-path.cjs'))});`,
      `const missed = ${JSON.stringify(keys)}.filter((k) => !helpFastPath(k ? [...k.split(' '), '--help'] : ['--help'], ${JSON.stringify(indexFile)}));`,
      `if (!helpFastPath([], ${JSON.stringify(indexFile)})) missed.push('(no arguments)');`,
      `const oclif = Object.keys(require.cache).filter((k) => k.includes('oclif') || k.endsWith('wash.cjs'));`,
      `process.stderr.write('\\nPROBE ' + JSON.stringify({ missed, oclif }));`,
    ].join('\n');
    const r = await exec(process.execPath, ['-e', probe]);
    const result = JSON.parse(r.stderr.slice(r.stderr.lastIndexOf('\nPROBE ') + 7));
    expect(result).toEqual({ missed: [], oclif: [] });
    expect(keys.length).toBeGreaterThan(40);
  });

  it('prints the same bytes and exit code for every command and topic, the root help and plain `wash`', async () => {
    const cases = [...Object.keys(index.help).map((k) => (k ? [...k.split(' '), '--help'] : ['--help'])), []];
    const mismatches: string[] = [];
    await limited(cases, 3, async (argv) => {
      const [fast, oclif] = await Promise.all([runBin(argv), runOclif(argv)]);
      if (JSON.stringify(fast) !== JSON.stringify(oclif)) mismatches.push(`wash ${argv.join(' ')}`);
      if (argv.length > 0 && (fast.code !== 0 || !fast.stdout.includes('USAGE')))
        mismatches.push(`wash ${argv.join(' ')}: no help`);
    });
    expect(mismatches).toEqual([]);
  }, 240_000);

  it.each<[string, string[], NodeJS.ProcessEnv]>([
    ['NO_COLOR', ['get', 'hosts', '--help'], { NO_COLOR: '1' }],
    ['FORCE_COLOR', ['get', 'hosts', '--help'], { FORCE_COLOR: '1' }],
    ['FORCE_COLOR, root help', ['--help'], { FORCE_COLOR: '3' }],
    ['OCLIF_COLUMNS=50', ['host', '--help'], { OCLIF_COLUMNS: '50' }],
    ['OCLIF_COLUMNS=80', ['host', '--help'], { OCLIF_COLUMNS: '80' }],
    ['OCLIF_COLUMNS=130, topic', ['app', '--help'], { OCLIF_COLUMNS: '130' }],
    ['--color', ['get', 'hosts', '--color', '--help'], {}],
    ['flags before --help', ['get', 'hosts', '--ctl-port', '1', '-o', 'json', '--help'], {}],
    ['an argument before --help', ['app', 'validate', 'x.yaml', '--help'], {}],
    ['-- before --help', ['app', 'validate', '--', '--help'], {}],
    ['an unknown command', ['nosuch', '--help'], {}],
    ['an unknown subcommand', ['get', 'nosuch', '--help'], {}],
    ['a colon id', ['get:hosts', '--help'], {}],
  ])('same output with %s', async (_what, argv, extraEnv) => {
    const [fast, oclif] = await Promise.all([runBin(argv, extraEnv), runOclif(argv, extraEnv)]);
    expect(fast).toEqual(oclif);
  });

  it.each([
    [['host', '--help'], 100],
    [['get', '--help'], 60],
    [[], 90],
  ])('same output on a terminal: %j at %i columns', async (argv, columns) => {
    const [fast, oclif] = await Promise.all([
      onTerminal([join(repoRoot, 'bin', 'run.js'), ...argv], columns),
      onTerminal(oclifArgs(argv), columns),
    ]);
    expect(fast.stdout).toContain('USAGE');
    expect(fast).toEqual(oclif);
  });
});
