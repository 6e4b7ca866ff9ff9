/**
 * User/password NATS auth end to end against a real nats-server that requires it: the host (URL and
 * environment), the lattice commands (`-r user:pass@host`, WASMCLOUD_CTL_USER/PASSWORD), wadm, and no secret in
 * any message. Needs `npm run build` (the CLI runs from dist/).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type WashHost } from '../../../src/host/index.js';
import { createHostLogger } from '../../../src/host/log.js';
import { natsConnect } from '../../../src/lattice/connect.js';
import { requireBuiltCli, runWash, type WashRun } from '../../helpers/cli.js';
import { startAuthNats, type AuthNats } from '../../helpers/nats-auth.js';
import { spawnHost, type ChildHost } from '../host/helpers.js';

let nats: AuthNats;
let home: string;
let host: WashHost | undefined;
let child: ChildHost | undefined;
const hostLog: string[] = [];

const wash = (args: string[], env: Record<string, string> = {}): Promise<WashRun> =>
  runWash(args, { env: { HOME: home, WASH_CONFIG_DIR: home, ...env }, timeoutMs: 30_000 });

beforeAll(async () => {
  requireBuiltCli();
  home = mkdtempSync(join(tmpdir(), 'wash-auth-'));
  nats = await startAuthNats();
});
afterAll(async () => {
  await host?.stop();
  await child?.signal('SIGTERM');
  await nats?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('NATS user/password auth', () => {
  it('the host connects with nats://user:pass@… and never shows the password', async () => {
    host = await startHost({
      lattice: 'authlat',
      ctl: { url: `nats://${nats.user}:${nats.password}@127.0.0.1:${nats.port}` },
      logger: createHostLogger({ level: 'debug', write: (l) => hostLog.push(l) }),
    });
    expect(host.ping().ctl_host).toBe(`nats://127.0.0.1:${nats.port}`);
    expect(hostLog.join('')).toContain('started');
    expect(hostLog.join('')).not.toContain(nats.password);
  });

  it('lattice commands take -r user:pass@host and WASMCLOUD_CTL_USER/PASSWORD', async () => {
    const viaUrl = await wash([
      'get',
      'hosts',
      '-r',
      `${nats.user}:${nats.password}@127.0.0.1`,
      '-p',
      String(nats.port),
      '-x',
      'authlat',
      '-o',
      'json',
    ]);
    expect(viaUrl.code, viaUrl.stderr).toBe(0);
    expect(viaUrl.json.hosts.map((h: { id: string }) => h.id)).toEqual([host!.id]);
    const viaEnv = await wash(['get', 'hosts', '-p', String(nats.port), '-x', 'authlat', '-o', 'json'], {
      WASMCLOUD_CTL_USER: nats.user,
      WASMCLOUD_CTL_PASSWORD: nats.password,
    });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
    expect(viaEnv.json.hosts).toHaveLength(1);
  });

  it('a refused login is a clear error that does not print the password (text and JSON)', async () => {
    const wrong = 'Wr0ng-Passw0rd';
    for (const output of [['-o', 'json'], []]) {
      const r = await wash([
        'get',
        'hosts',
        '-r',
        `${nats.user}:${wrong}@127.0.0.1`,
        '-p',
        String(nats.port),
        ...output,
      ]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/could not connect to NATS at nats:\/\/127\.0\.0\.1:\d+: .*authorization/i);
      expect(r.stderr + r.stdout).not.toContain(wrong);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const none = await wash(['get', 'hosts', '-p', String(nats.port), '-o', 'json']);
    expect(none.code).not.toBe(0);
    expect(none.json.error).toMatch(/authorization/i);
  });

  it('a bare nkey seed without a JWT is refused with a clear error', async () => {
    const seed = 'SUAIBDPBAUTWCWBKIO6XHQNINK5FWJW4OHLXC3HQ2KFE4PEJUA44CNHTBM';
    const r = await wash(['get', 'hosts', '-p', String(nats.port), '--ctl-seed', seed, '-o', 'json']);
    expect(r.code).toBe(1);
    expect(r.json.error).toMatch(/an nkey seed \(--ctl-seed\) was given without a user JWT \(--ctl-jwt\)/);
    expect(r.stderr).not.toContain(seed);
  });

  it('`wash host` joins with credentials in --nats-url and keeps them out of its output', async () => {
    const url = `nats://${nats.user}:${nats.password}@127.0.0.1:${nats.port}`;
    child = await spawnHost(url, 'authlat2');
    const nc = await natsConnect(`nats://127.0.0.1:${nats.port}`, { user: nats.user, pass: nats.password });
    try {
      const ping = await nc.request(`wasmbus.ctl.v1.authlat2.host.ping`, '', { timeout: 5000 });
      const reply = JSON.parse(ping.string());
      expect(reply.response.id).toBe(child.id);
      expect(JSON.stringify(reply)).not.toContain(nats.password);
    } finally {
      await nc.close();
    }
    expect(child.stderr()).not.toContain(nats.password);
  });

  it('`wash wadm` connects with -r user:pass@host', async () => {
    const r = await runWadmBriefly([
      '-r',
      `${nats.user}:${nats.password}@127.0.0.1`,
      '-p',
      String(nats.port),
      '-x',
      'authlat',
    ]);
    expect(r).toMatch(/wadm serving lattice\(s\) authlat on nats:\/\/127\.0\.0\.1:\d+/);
    expect(r).not.toContain(nats.password);
  });
});

/** Starts `wash wadm`, waits for its "serving" log line, stops it; returns its stderr. */
async function runWadmBriefly(args: string[]): Promise<string> {
  const { spawn } = await import('node:child_process');
  const { washBin } = await import('../../helpers/cli.js');
  const p = spawn(process.execPath, [washBin, 'wadm', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, HOME: home, WASH_CONFIG_DIR: home, NODE_ENV: '' },
  });
  let err = '';
  p.stderr!.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const exited = new Promise((r) => p.once('exit', r));
  const deadline = Date.now() + 30_000;
  while (!/wadm serving/.test(err) && p.exitCode === null && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  p.kill('SIGTERM');
  await exited;
  return err;
}
