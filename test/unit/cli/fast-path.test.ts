/**
 * `wash app validate` without oclif: bin/run.js answers a plain `app validate <file…>` from dist/validate.cjs
 * (appValidateFastPath in src/cli.ts). Every argv must print the same bytes and exit with the same code as the
 * command run through oclif (src/cli.ts main from dist/wash.cjs), and anything the fast path does not recognise
 * must be left to oclif untouched. Needs `npm run build` first.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainAppValidateArgs } from '../../../src/cli.js';
import { repoRoot } from '../../helpers/cli.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let work: string;

function env(): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (
      k.startsWith('WASMCLOUD_') ||
      k.startsWith('WASH_') ||
      k === 'NO_COLOR' ||
      k === 'FORCE_COLOR' ||
      k === 'DEBUG' ||
      k === 'NODE_ENV'
    )
      continue;
    out[k] = v;
  }
  return { ...out, WASH_CACHE_DIR: join(work, 'cache'), WASH_CONFIG_DIR: join(work, 'config') };
}

function exec(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: work, env: env(), timeout: 60_000 }, (err, stdout, stderr) => {
      const raw = err ? (err as { code?: number | string }).code : 0;
      resolve({ code: typeof raw === 'number' ? raw : -1, stdout, stderr });
    });
  });
}

const runBin = (argv: string[]) => exec([join(repoRoot, 'bin', 'run.js'), ...argv]);

/** The same argv through oclif: the CLI bundle's main, never the fast path. */
const runOclif = (argv: string[]) =>
  exec([
    '-e',
    `require(${JSON.stringify(join(repoRoot, 'bin', 'load-bundle.cjs'))}).loadBundle(${JSON.stringify(join(repoRoot, 'dist'))}).exports.main(${JSON.stringify(argv)}, ${JSON.stringify(pathToFileURL(repoRoot).href)})`,
  ]);

/** Whether the fast path took the argv, and which oclif modules were loaded in that process. */
const probeFastPath = (argv: string[]) =>
  exec([
    '-e',
    [
      `const l = require(${JSON.stringify(join(repoRoot, 'bin', 'load-bundle.cjs'))}).loadBundle(${JSON.stringify(join(repoRoot, 'dist'))}, { name: 'validate.cjs' });`,
      `l.exports.appValidateFastPath(${JSON.stringify(argv)}).then((done) => {`,
      `  const oclif = Object.keys(require.cache).filter((k) => k.includes('@oclif')).length;`,
      `  process.stderr.write('\\nPROBE ' + JSON.stringify({ done, oclif, cacheUsed: l.cacheUsed }));`,
      `});`,
    ].join('\n'),
  ]);

const f = (name: string) => join(work, name);

beforeAll(() => {
  for (const file of ['wash.cjs', 'validate.cjs', 'validate.cjs.cache']) {
    if (!existsSync(join(repoRoot, 'dist', file)))
      throw new Error(`dist/${file} is missing: run \`npm run build\` first`);
  }
  work = mkdtempSync(join(tmpdir(), 'wash-fast-path-'));
  mkdirSync(f('a-directory'));
  const component = (name: string, image: string) => [
    `    - name: ${name}`,
    '      type: component',
    '      properties:',
    `        image: ${image}`,
    '      traits:',
    '        - type: spreadscaler',
    '          properties:',
    '            instances: 1',
  ];
  const app = (name: string, ...components: string[][]) =>
    [
      'apiVersion: core.oam.dev/v1beta1',
      'kind: Application',
      'metadata:',
      `  name: ${name}`,
      '  annotations:',
      '    version: v0.0.1',
      'spec:',
      '  components:',
      ...components.flat(),
      '',
    ].join('\n');
  writeFileSync(
    f('valid.yaml'),
    app('fast-a', component('api', 'ghcr.io/wasmcloud/components/http-hello-world-rust:0.1.0')),
  );
  writeFileSync(f('local-image.yaml'), app('fast-b', component('api', 'file://./missing.wasm')));
  writeFileSync(
    f('invalid.yaml'),
    'apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: Bad Name\nspec:\n  components: []\n',
  );
  writeFileSync(f('syntax.yaml'), 'apiVersion: core.oam.dev/v1beta1\nkind: [Application\n');
  writeFileSync(
    f('valid.json'),
    JSON.stringify(
      {
        apiVersion: 'core.oam.dev/v1beta1',
        kind: 'Application',
        metadata: { name: 'fast-c', annotations: {} },
        spec: { components: [] },
      },
      null,
      2,
    ),
  );
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

// File names are relative to the temp folder (the cwd of every run), as users type them.
const fastCases: string[][] = [
  ['app', 'validate', 'valid.yaml'],
  ['app', 'validate', 'valid.yaml', '-o', 'json'],
  ['app', 'validate', '-o', 'json', 'valid.yaml'],
  ['app', 'validate', 'valid.yaml', '--output=json'],
  ['app', 'validate', 'valid.yaml', '--output', 'text'],
  ['app', 'validate', 'invalid.yaml'],
  ['app', 'validate', 'invalid.yaml', '-o', 'json'],
  ['app', 'validate', 'syntax.yaml'],
  ['app', 'validate', 'syntax.yaml', '-o', 'json'],
  ['app', 'validate', 'valid.json'],
  ['app', 'validate', 'valid.yaml', 'invalid.yaml', 'valid.json'],
  ['app', 'validate', 'valid.yaml', 'invalid.yaml', '-o', 'json'],
  ['app', 'validate', 'valid.yaml', 'valid.json', '-o', 'json'],
  ['app', 'validate', 'local-image.yaml'],
  ['app', 'validate', 'local-image.yaml', '--check-image-refs'],
  ['app', 'validate', '--check-image-refs', 'local-image.yaml', 'valid.yaml', '-o', 'json'],
  ['app', 'validate', 'no-such-file.yaml'],
  ['app', 'validate', 'no-such-file.yaml', '-o', 'json'],
  ['app', 'validate', 'valid.yaml', 'no-such-file.yaml', '-o', 'json'],
  ['app', 'validate', 'a-directory'],
  ['app', 'validate', 'a-directory', '-o', 'json'],
];

// Left to oclif: help, unknown, repeated or malformed flags, `--`, no file.
const oclifCases: string[][] = [
  ['app', 'validate'],
  ['app', 'validate', '--help'],
  ['app', 'validate', 'valid.yaml', '-h'],
  ['app', 'validate', 'valid.yaml', '--no-such-flag'],
  ['app', 'validate', 'valid.yaml', '-o', 'yaml'],
  ['app', 'validate', 'valid.yaml', '-o'],
  ['app', 'validate', 'valid.yaml', '-o', 'json', '-o', 'text'],
  ['app', 'validate', 'valid.yaml', '--check-image-refs', '--check-image-refs'],
  ['app', 'validate', '--', 'valid.yaml'],
  ['app', 'validate', '-o', 'json'],
  ['app', 'validate', ''],
];

describe('plainAppValidateArgs', () => {
  it('takes plain files with --check-image-refs and one output flag', () => {
    expect(plainAppValidateArgs(['app', 'validate', 'a.yaml', 'b.yaml'])).toEqual({
      files: ['a.yaml', 'b.yaml'],
      checkImageRefs: false,
    });
    expect(plainAppValidateArgs(['app', 'validate', '-o', 'json', 'a.yaml', '--check-image-refs'])).toEqual({
      files: ['a.yaml'],
      checkImageRefs: true,
    });
    expect(plainAppValidateArgs(['app', 'validate', '--output=text', 'json'])).toEqual({
      files: ['json'],
      checkImageRefs: false,
    });
  });

  it.each(oclifCases.map((argv) => [argv.join(' '), argv] as const))('leaves `%s` to oclif', (_name, argv) => {
    expect(plainAppValidateArgs(argv)).toBeUndefined();
  });

  it('leaves other commands alone', () => {
    expect(plainAppValidateArgs(['app', 'list'])).toBeUndefined();
    expect(plainAppValidateArgs(['app:validate', 'a.yaml'])).toBeUndefined();
    expect(plainAppValidateArgs(['validate', 'app', 'a.yaml'])).toBeUndefined();
  });
});

describe('app validate fast path (dist/validate.cjs)', () => {
  it('answers a plain validate from its code cache without loading oclif', async () => {
    const r = await probeFastPath(['app', 'validate', 'valid.yaml']);
    expect(r.stdout).toContain('valid.yaml: valid');
    expect(JSON.parse(r.stderr.split('\nPROBE ')[1])).toEqual({ done: true, oclif: 0, cacheUsed: true });
  });

  it('does nothing for an argv it leaves to oclif', async () => {
    const r = await probeFastPath(['app', 'validate', 'valid.yaml', '--help']);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr.split('\nPROBE ')[1])).toMatchObject({ done: false });
  });

  it.each([...fastCases, ...oclifCases].map((argv) => [argv.join(' '), argv] as const))(
    '`wash %s`: same bytes and exit code as through oclif',
    async (_name, argv) => {
      const [viaBin, viaOclif] = await Promise.all([runBin(argv), runOclif(argv)]);
      expect(viaBin).toEqual(viaOclif);
    },
    60_000,
  );

  it('the cases cover success, findings and user errors', async () => {
    const codes = new Set<number>();
    for (const argv of [fastCases[0], fastCases[5], fastCases[16], oclifCases[3]]) codes.add((await runBin(argv)).code);
    expect([...codes].sort()).toEqual([0, 1, 2]);
  }, 60_000);
});
