/**
 * Direct command runs (src/cli/direct-run.ts): a command found in dist/command-index.json runs without oclif's
 * Config.load. For every command, an unknown flag (and, where the command has one, a missing argument) must give
 * the same stdout, stderr and exit code as the command run through oclif (the CLI bundle's main with
 * `direct: false`); so must real runs (offline ones, and lattice commands failing to connect to a closed port),
 * and argv shapes the index leaves to oclif. Needs `npm run build` first.
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommandIndex, resolveDirect } from '../../../src/cli/direct-run.js';
import { repoRoot } from '../../helpers/cli.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let work: string;
let index: CommandIndex;
const manifest = JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')) as {
  commands: Record<string, { args: Record<string, { required?: boolean }> }>;
};

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(WASMCLOUD_|WASH_|VITEST|NATS_)/.test(k)) continue;
    if (['NO_COLOR', 'FORCE_COLOR', 'DEBUG', 'NODE_ENV'].includes(k)) continue;
    out[k] = v;
  }
  // Connection defaults point at a closed loopback port: a lattice command fails at once, never reaching a server.
  return {
    ...out,
    WASH_CACHE_DIR: join(work, 'cache'),
    WASH_CONFIG_DIR: join(work, 'config'),
    WASH_DATA_DIR: join(work, 'data'),
    WASMCLOUD_CTL_HOST: '127.0.0.1',
    WASMCLOUD_CTL_PORT: '1',
    WASMCLOUD_NATS_HOST: '127.0.0.1',
    WASMCLOUD_NATS_PORT: '1',
    ...extra,
  };
}

function exec(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
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
  exec([join(repoRoot, 'bin', 'run.js'), ...argv], extraEnv);

/** The same argv through oclif (run → Config.load → runCommand), never the direct path. */
const runOclif = (argv: string[], extraEnv?: NodeJS.ProcessEnv) =>
  exec(
    [
      '-e',
      `require(${JSON.stringify(join(repoRoot, 'bin', 'load-bundle.cjs'))}).loadBundle(${JSON.stringify(join(repoRoot, 'dist'))}).exports.main(process.argv.slice(2), ${JSON.stringify(pathToFileURL(repoRoot).href)}, { direct: false })`,
      '--',
      'wash', // a first argument `inspect` would start Node's debugger
      ...argv,
    ],
    extraEnv,
  );

/** Runs at most `n` at a time (the machine is shared). */
async function limited<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
    }),
  );
}

async function mismatches(cases: string[][]): Promise<string[]> {
  const out: string[] = [];
  await limited(cases, 3, async (argv) => {
    const [direct, oclif] = await Promise.all([runBin(argv), runOclif(argv)]);
    if (JSON.stringify(direct) !== JSON.stringify(oclif))
      out.push(`wash ${argv.join(' ')}\n  direct: ${JSON.stringify(direct)}\n  oclif:  ${JSON.stringify(oclif)}`);
  });
  return out;
}

beforeAll(() => {
  for (const file of ['wash.cjs', 'command-index.json']) {
    if (!existsSync(join(repoRoot, 'dist', file)))
      throw new Error(`dist/${file} is missing: run \`npm run build\` first`);
  }
  index = JSON.parse(readFileSync(join(repoRoot, 'dist', 'command-index.json'), 'utf8')) as CommandIndex;
  work = mkdtempSync(join(tmpdir(), 'wash-direct-run-'));
  writeFileSync(join(work, 'bad.yaml'), 'apiVersion: core.oam.dev/v1beta1\nkind: [Application\n');
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('resolveDirect', () => {
  it('finds the command and its argv as oclif does', () => {
    expect(resolveDirect(['get', 'hosts', '-o', 'json'], index)).toEqual({ id: 'get:hosts', argv: ['-o', 'json'] });
    expect(resolveDirect(['new', '--list'], index)).toEqual({ id: 'new', argv: ['--list'] });
    expect(resolveDirect(['app', 'validate', 'a.yaml'], index)).toEqual({ id: 'app:validate', argv: ['a.yaml'] });
    expect(resolveDirect(['inspect', 'x.wasm', '--wit'], index)).toEqual({ id: 'inspect', argv: ['x.wasm', '--wit'] });
    expect(resolveDirect(['get', 'hosts', '--', '--help'], index)).toEqual({ id: 'get:hosts', argv: ['--', '--help'] });
  });

  it.each([
    [[]],
    [['get', 'hosts', '--help']],
    [['--version']],
    [['get']],
    [['get:hosts']],
    [['get', 'nosuch']],
    [['new', 'extra']],
    [['nosuch']],
    [['app', 'del', 'x']],
    [['tag', 'host', 'a=b']],
    [['-o', 'json', 'get', 'hosts']],
  ])('leaves %j to oclif', (argv) => {
    expect(resolveDirect(argv, index)).toBeUndefined();
  });
});

describe('direct run = oclif (bin/run.js vs the CLI bundle without the direct path)', () => {
  it('every command: the same unknown-flag error, and the same missing-argument error where one is required', async () => {
    const ids = Object.keys(index.commands).sort();
    expect(ids.length).toBeGreaterThan(40);
    const cases: string[][] = [];
    for (const id of ids) {
      cases.push([...id.split(':'), '--no-such-flag-for-this-test']);
      cases.push([...id.split(':'), '--no-such-flag-for-this-test', '-o', 'json']);
      if (Object.values(manifest.commands[id].args).some((a) => a.required)) cases.push(id.split(':'));
    }
    for (const argv of cases) expect(resolveDirect(argv, index)).toBeDefined();
    expect(await mismatches(cases)).toEqual([]);
  }, 300_000);

  it('real runs: offline commands, lattice commands failing to connect, bad flag values, and argv left to oclif', async () => {
    const cases = [
      ['new', '--list'],
      ['new', '--list', '-o', 'json'],
      ['new'],
      ['app', 'validate', 'bad.yaml'],
      ['app', 'validate', 'bad.yaml', '-o', 'json', '--check-image-refs', '--check-image-refs'],
      ['app', 'validate', 'no-such.yaml', '--output=json'],
      ['get', 'hosts'],
      ['get', 'hosts', '-o', 'json'],
      ['get', 'hosts', '--ctl-port', 'not-a-port'],
      ['get', 'hosts', '-o', 'yaml'],
      ['get', 'inventory', '-o', 'json'],
      ['app', 'list', '-o', 'json'],
      ['inspect', 'no-such.wasm'],
      ['inspect', 'bad.yaml', '-o', 'json'],
      ['config', 'get', 'bad name!'],
      ['get', 'hosts', '--', 'x'],
      ['new', 'extra'],
      ['get', 'nosuch'],
      ['nosuch'],
      ['app', 'del', 'x', '-o', 'json'],
    ];
    expect(await mismatches(cases)).toEqual([]);
  }, 300_000);
});

describe('direct runs print without building stdio streams', () => {
  // A preload records Node's built-in modules at exit: process.stdout/stderr (and oclif's `debug` logger) load
  // node:net and node:tty, ~10M instructions of a short command's start-up (src/cli/write-output.ts).
  it.each([
    [['new', '--list'], 0],
    [['new', '--list', '-o', 'json'], 0],
    [['get', 'hosts', '--no-such-flag'], 2],
    [['get', 'hosts', '--no-such-flag', '-o', 'json'], 2],
  ])('wash %j loads neither node:net nor node:tty, and prints what oclif prints', async (argv, code) => {
    const modules = join(work, `modules-${argv.join('_')}.json`);
    const probe = join(work, 'record-modules.cjs');
    writeFileSync(
      probe,
      "process.on('exit', () => require('node:fs').writeFileSync(process.env.WASH_TEST_MODULES, JSON.stringify(process.moduleLoadList)));\n",
    );
    const [direct, oclif] = await Promise.all([
      exec(['-r', probe, join(repoRoot, 'bin', 'run.js'), ...argv], { WASH_TEST_MODULES: modules }),
      runOclif(argv),
    ]);
    expect(direct).toEqual(oclif);
    expect(direct.code).toBe(code);
    expect(direct.stdout + direct.stderr).not.toBe('');
    const loaded = JSON.parse(readFileSync(modules, 'utf8')) as string[];
    expect(loaded).toContain('NativeModule vm'); // the probe saw the CLI bundle load
    expect(loaded.filter((m) => m === 'NativeModule net' || m === 'NativeModule tty')).toEqual([]);
  });
});

describe('topic bundles (dist/wash-<topic>.cjs)', () => {
  const runTopic = (topic: string, argv: string[]) =>
    exec([
      '-e',
      `require(${JSON.stringify(join(repoRoot, 'bin', 'load-bundle.cjs'))}).loadBundle(${JSON.stringify(join(repoRoot, 'dist'))}, { name: 'wash-${topic}.cjs' }).exports.runDirect(${JSON.stringify(argv)}, ${JSON.stringify(pathToFileURL(repoRoot).href)}).then((done) => process.stdout.write('\\nDONE ' + done))`,
    ]);

  it('a topic bundle runs its own commands and leaves any other argv untouched (false, nothing printed)', async () => {
    const own = await runTopic('new', ['new', '--list']);
    expect(own.stdout).toContain('hello-world');
    expect(own.stdout.endsWith('\nDONE true')).toBe(true);
    for (const argv of [
      ['get', 'hosts', '--no-such-flag'],
      ['new', '--help'],
      ['new', '--version'],
      ['new', 'extra'],
    ]) {
      const other = await runTopic('new', argv);
      expect(other).toEqual({ code: 0, stdout: '\nDONE false', stderr: '' });
    }
  });

  it('bin/run.js without the topic bundle runs the command from the CLI bundle, with the same output', async () => {
    const pkg = join(work, 'pkg-without-topic-bundles');
    for (const dir of ['bin', 'dist']) mkdirSync(join(pkg, dir), { recursive: true });
    for (const f of ['package.json', 'bin/run.js', 'bin/node-check.cjs', 'bin/load-bundle.cjs', 'bin/package.json'])
      copyFileSync(join(repoRoot, f), join(pkg, f));
    for (const f of readdirSync(join(repoRoot, 'dist')))
      if (/^(wash\.cjs.*|command-index\.json)$/.test(f)) copyFileSync(join(repoRoot, 'dist', f), join(pkg, 'dist', f));
    symlinkSync(join(repoRoot, 'node_modules'), join(pkg, 'node_modules'));
    symlinkSync(join(repoRoot, 'templates'), join(pkg, 'templates'));
    for (const argv of [
      ['new', '--list'],
      ['get', 'hosts', '--no-such-flag', '-o', 'json'],
    ]) {
      const [without, withBundles] = await Promise.all([exec([join(pkg, 'bin', 'run.js'), ...argv]), runBin(argv)]);
      expect(without).toEqual(withBundles);
    }
  });
});
