/**
 * Repeatable (`multiple: true`) flags that also read an environment variable take it as one value or a
 * comma-separated list — never spread into characters (`WASMCLOUD_LATTICE=staging wash wadm` once served the
 * lattices s, t, a, g, i, n). Every such flag of the built CLI is listed here and tested through the environment.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, requireBuiltCli, runWash, washBin } from '../../helpers/cli.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';

let nats: TestNats;
let dir: string;

beforeAll(async () => {
  requireBuiltCli();
  nats = await startTestNats();
  dir = mkdtempSync(join(tmpdir(), 'wash-env-lists-'));
});
afterAll(async () => {
  await nats?.close();
  rmSync(dir, { recursive: true, force: true });
});

function baseEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: dir,
    WASH_CONFIG_DIR: join(dir, 'config'),
    WASH_DATA_DIR: join(dir, 'data'),
    NO_COLOR: '1',
    WASMCLOUD_CTL_PORT: String(nats.port),
  };
}

/** Runs `wash wadm -o json` with `lattices` in WASMCLOUD_LATTICE until it serves, checks `check`, stops it. */
async function wadmServing(envValue: string, check: () => Promise<void>): Promise<{ lattices: string[] }> {
  const child = spawn(process.execPath, [washBin, 'wadm', '-o', 'json'], {
    cwd: repoRoot,
    env: { ...baseEnv(), WASMCLOUD_LATTICE: envValue },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        if (stderr.includes('wadm serving lattice(s)')) resolve();
      });
      void exited.then((code) => reject(new Error(`wash wadm exited (${code}) before serving: ${stderr}`)));
    });
    await check();
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
  return JSON.parse(stdout);
}

const appList = (lattice: string) =>
  runWash(['app', 'list', '-o', 'json', '--lattice', lattice], { env: baseEnv(), cwd: dir, timeoutMs: 30_000 });

describe('repeatable flags read from the environment', () => {
  it('every multiple+env flag of the CLI is covered here', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')) as {
      commands: Record<string, { flags: Record<string, { multiple?: boolean; env?: string }> }>;
    };
    const found = Object.entries(manifest.commands).flatMap(([id, c]) =>
      Object.entries(c.flags)
        .filter(([, f]) => f.multiple && f.env)
        .map(([name, f]) => `${id} --${name} ${f.env}`),
    );
    expect(found).toEqual(['wadm --lattice WASMCLOUD_LATTICE']);
  });

  it('wash wadm: WASMCLOUD_LATTICE=staging serves the lattice staging', async () => {
    const result = await wadmServing('staging', async () => {
      const list = await appList('staging');
      expect(list.code, list.stderr).toBe(0);
      expect(list.json).toMatchObject({ success: true, applications: [] });
    });
    expect(result.lattices).toEqual(['staging']);
  }, 60_000);

  it('wash wadm: WASMCLOUD_LATTICE=a,b serves both lattices (comma-separated list)', async () => {
    const result = await wadmServing('env-a, env-b', async () => {
      for (const lattice of ['env-a', 'env-b']) expect((await appList(lattice)).code).toBe(0);
    });
    expect(result.lattices).toEqual(['env-a', 'env-b']);
  }, 60_000);
});
