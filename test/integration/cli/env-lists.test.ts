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
import { listsFromEnv } from '../../../src/output/env-lists.js';
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
  it('every multiple+env flag of the CLI takes its variable as one value or a comma-separated list', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')) as {
      commands: Record<string, { flags: Record<string, { multiple?: boolean; env?: string }> }>;
    };
    const found = Object.entries(manifest.commands).flatMap(([id, c]) =>
      Object.entries(c.flags)
        .filter(([, f]) => f.multiple && f.env)
        .map(([name, f]) => ({ id, name, def: f })),
    );
    // The ones below are also run end to end; a new one must be added to this list (and tested) on purpose.
    expect(found.map((f) => `${f.id} --${f.name} ${f.def.env}`).sort()).toEqual([
      'host --allowed-insecure WASMCLOUD_OCI_ALLOWED_INSECURE',
      'host --registry-mirror WASMCLOUD_OCI_REGISTRY_MIRRORS',
      'pull --registry-mirror WASMCLOUD_OCI_REGISTRY_MIRRORS',
      'up --allowed-insecure WASMCLOUD_OCI_ALLOWED_INSECURE',
      'up --registry-mirror WASMCLOUD_OCI_REGISTRY_MIRRORS',
      'wadm --lattice WASMCLOUD_LATTICE',
    ]);
    for (const { name, def } of found) {
      const one: Record<string, unknown> = { [name]: 'staging' };
      const two: Record<string, unknown> = { [name]: 'a.example:5000, b.example' };
      listsFromEnv({ [name]: def }, one);
      listsFromEnv({ [name]: def }, two);
      expect(one[name]).toEqual(['staging']);
      expect(two[name]).toEqual(['a.example:5000', 'b.example']);
    }
  });

  // A list read character by character would complain about 'g' (from ghcr.io=…); read as a list, only the
  // malformed last entry is named.
  for (const argv of [['host'], ['up', '--nats-connect-only'], ['pull', 'ghcr.io/acme/app:1.0.0']]) {
    it(`wash ${argv[0]}: WASMCLOUD_OCI_REGISTRY_MIRRORS is a comma-separated list`, async () => {
      const r = await runWash([...argv, '-o', 'json'], {
        env: { ...baseEnv(), WASMCLOUD_OCI_REGISTRY_MIRRORS: 'ghcr.io=127.0.0.1:5001, oops' },
        cwd: dir,
        timeoutMs: 30_000,
      });
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr).toMatch(/--registry-mirror 'oops' is not a registry mapping/);
      expect(r.stderr).not.toMatch(/'g'/);
    }, 60_000);
  }

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
