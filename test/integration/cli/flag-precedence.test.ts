/**
 * One rule for every connected command: a flag given on the command line beats a connection variable that only
 * came from the environment. Here the environment points every NATS address at a closed port and argv at the
 * test's server; each command must reach the server (and, as a control, fail without the flag).
 */
import { spawn } from 'node:child_process';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsConnect } from '../../../src/lattice/connect.js';
import { CtlClient } from '../../../src/lattice/ctl-client.js';
import { startSimHost, type SimHost } from '../../../src/testing/sim-host.js';
import { repoRoot, requireBuiltCli, runWash, washBin } from '../../helpers/cli.js';
import { CLOSED_PORT, connectionEnv } from '../../helpers/isolation.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { assertFreshBuild, spawnHost } from '../host/helpers.js';

const LATTICE = 'precedence';
let nats: TestNats;
let nc: NatsConnection;
let sim: SimHost;

beforeAll(async () => {
  requireBuiltCli();
  assertFreshBuild();
  nats = await startTestNats();
  nc = await natsConnect(nats.url);
  sim = await startSimHost(nc, { lattice: LATTICE });
});
afterAll(async () => {
  await sim?.stop();
  await nc?.close();
  await nats?.close();
});

const closedEnv = () => ({ ...connectionEnv(CLOSED_PORT), WASH_CONFIG_DIR: '/nonexistent-wash-config' });

/** `wash wadm -o json …` until it logs that it serves (resolves its log line) or exits (rejects with stderr). */
async function wadmServes(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [washBin, 'wadm', '-o', 'json', '-x', LATTICE, ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, NO_COLOR: '1', ...closedEnv() },
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    return await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        const line = stderr.split('\n').find((l) => l.includes('wadm serving lattice(s)'));
        if (line) resolve(line);
      });
      void exited.then((code) => reject(new Error(`wash wadm exited (${code}): ${stderr}`)));
    });
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

describe('a flag on argv beats a connection variable from the environment', () => {
  it('wash get hosts: -p / -r reach the server although WASMCLOUD_CTL_HOST/PORT name a closed port', async () => {
    const args = ['get', 'hosts', '-o', 'json', '-x', LATTICE, '-t', '1000'];
    const withFlags = await runWash([...args, '-r', '127.0.0.1', '-p', String(nats.port)], { env: closedEnv() });
    expect(withFlags.code, withFlags.stderr).toBe(0);
    expect(withFlags.json.hosts.map((h: { id: string }) => h.id)).toEqual([sim.id]);
    const envOnly = await runWash(args, { env: closedEnv() });
    expect(envOnly.code).not.toBe(0);
  });

  it('wash wadm: -p beats WADM_NATS_SERVER from the environment; --nats-server on argv beats the env port', async () => {
    expect(await wadmServes(['-p', String(nats.port)])).toContain(`:${nats.port}`);
    expect(await wadmServes(['--nats-server', `127.0.0.1:${nats.port}`])).toContain(`:${nats.port}`);
    await expect(wadmServes([])).rejects.toThrow(/exited/);
  }, 60_000);

  // (--nats-port on argv vs WASMCLOUD_CTL_PORT: test/unit/host/settings.test.ts.)
  it('wash host: --nats-url on argv beats WASMCLOUD_CTL_*/RPC_* from the environment', async () => {
    const ctl = new CtlClient(nc, { lattice: LATTICE, timeoutMs: 5000, collectMs: 500 });
    const host = await spawnHost(nats.url, LATTICE, [], connectionEnv(CLOSED_PORT)); // passes --nats-url
    try {
      expect((await ctl.pingHosts()).map((h) => h.id)).toContain(host.id);
    } finally {
      await host.signal('SIGTERM');
    }
  }, 90_000);
});
