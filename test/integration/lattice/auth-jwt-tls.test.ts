/**
 * The lattice commands against real nats-servers that require a user JWT signed in operator mode (flags and a
 * .creds file) or TLS with a private CA: the CLI bundle loads the nkeys signer and node:tls only when a
 * connection needs them, so these paths are exercised here end to end. Needs `npm run build`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli, runWash, type WashRun } from '../../helpers/cli.js';
import { operatorModeConfig, startNatsWithConfig } from '../../helpers/nats-auth.js';
import { makeTestCa } from '../../helpers/tls-ca.js';
import { spawnHost } from '../host/helpers.js';

let home: string;
const closers: Array<() => Promise<void>> = [];
const wash = (args: string[]): Promise<WashRun> =>
  runWash(args, { env: { HOME: home, WASH_CONFIG_DIR: home }, timeoutMs: 30_000 });

beforeAll(() => {
  requireBuiltCli();
  home = mkdtempSync(join(tmpdir(), 'wash-auth-jwt-'));
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  rmSync(home, { recursive: true, force: true });
});

describe('NATS user JWT (operator mode)', () => {
  const op = operatorModeConfig();
  let port: number;
  beforeAll(async () => {
    const nats = await startNatsWithConfig(op.config);
    closers.push(() => nats.close());
    port = nats.port;
  });

  it('--ctl-jwt with --ctl-seed, and --ctl-credsfile, log in; nothing without them; no secret is printed', async () => {
    const withFlags = await wash([
      'get',
      'hosts',
      '-p',
      String(port),
      '--ctl-jwt',
      op.userJwt,
      '--ctl-seed',
      op.userSeed,
      '-o',
      'json',
    ]);
    expect(withFlags.code, withFlags.stderr).toBe(0);
    expect(withFlags.json).toMatchObject({ success: true, hosts: [] });

    const creds = join(home, 'user.creds');
    writeFileSync(creds, op.creds, { mode: 0o600 });
    const withCreds = await wash(['get', 'hosts', '-p', String(port), '--ctl-credsfile', creds, '-o', 'json']);
    expect(withCreds.code, withCreds.stderr).toBe(0);
    expect(withCreds.json).toMatchObject({ success: true, hosts: [] });

    const without = await wash(['get', 'hosts', '-p', String(port), '-o', 'json']);
    expect(without.code).toBe(1);
    expect(String(without.json?.error)).toMatch(/Authorization Violation/);

    const wrongSeed = 'SUAIBDPBAUTWCWBKIO6XHQNINK5FWJW4OHLXC3HQ2KFE4PEJUA44CNHTBM';
    const wrong = await wash([
      'get',
      'hosts',
      '-p',
      String(port),
      '--ctl-jwt',
      op.userJwt,
      '--ctl-seed',
      wrongSeed,
      '-o',
      'json',
    ]);
    expect(wrong.code).toBe(1);
    for (const r of [withFlags, withCreds, without, wrong]) {
      for (const secret of [op.userSeed, op.userJwt, wrongSeed]) {
        expect(r.stdout + r.stderr).not.toContain(secret);
      }
    }
  });

  it('`wash host --nats-creds` joins the lattice; lattice commands see it', async () => {
    const creds = join(home, 'host.creds');
    writeFileSync(creds, op.creds, { mode: 0o600 });
    const host = await spawnHost(`nats://127.0.0.1:${port}`, 'default', ['--nats-creds', creds]);
    closers.push(async () => void (await host.signal('SIGTERM')));
    const seen = await wash(['get', 'hosts', '-p', String(port), '--ctl-credsfile', creds, '-o', 'json']);
    expect(seen.code, seen.stderr).toBe(0);
    expect(seen.json.hosts.map((h: { id: string }) => h.id)).toEqual([host.id]);
    expect(host.stderr()).not.toContain(op.userSeed);
  });
});

describe('NATS over TLS with a private CA', () => {
  let port: number;
  let caFile: string;
  beforeAll(async () => {
    const nats = await startNatsWithConfig((dir) => {
      const ca = makeTestCa(dir);
      caFile = ca.caFile;
      const { certFile, keyFile } = ca.issue('nats', ['IP:127.0.0.1', 'DNS:localhost']);
      return `tls {\n  cert_file: ${JSON.stringify(certFile)}\n  key_file: ${JSON.stringify(keyFile)}\n}\n`;
    });
    closers.push(() => nats.close());
    port = nats.port;
  });

  it('--ctl-tls-ca-file connects; without it the unknown CA is a clear error', async () => {
    const ok = await wash(['get', 'hosts', '-p', String(port), '--ctl-tls-ca-file', caFile, '-o', 'json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json).toMatchObject({ success: true, hosts: [] });

    const refused = await wash(['get', 'hosts', '-p', String(port), '-o', 'json']);
    expect(refused.code).toBe(1);
    expect(refused.json).toMatchObject({ success: false });
    expect(JSON.stringify(refused.json.error_chain)).toMatch(/certificate/);
    expect(JSON.stringify(refused.json)).toMatch(
      /pass the CA that signed the server's certificate with --ctl-tls-ca-file/,
    );
    expect(refused.stderr).not.toMatch(/\n\s+at /);
  });

  it('`wash host` joins over TLS with --ctl-tls-ca-file/--rpc-tls-ca-file; without them it exits with a clear error', async () => {
    const url = `nats://127.0.0.1:${port}`;
    const host = await spawnHost(url, 'default', ['--ctl-tls-ca-file', caFile, '--rpc-tls-ca-file', caFile]);
    closers.push(async () => void (await host.signal('SIGTERM')));
    const seen = await wash(['get', 'hosts', '-p', String(port), '--ctl-tls-ca-file', caFile, '-o', 'json']);
    expect(seen.code, seen.stderr).toBe(0);
    expect(seen.json.hosts.map((h: { id: string }) => h.id)).toEqual([host.id]);

    const refused = await wash(['host', '--nats-url', url, '-x', 'default', '-o', 'json']);
    expect(refused.code).toBe(1);
    expect(refused.json).toMatchObject({ success: false, error: `could not connect to NATS at ${url}` });
    expect(JSON.stringify(refused.json.error_chain)).toMatch(/certificate/);
    expect(refused.json.suggestion).toMatch(/^pass the CA that signed the server's certificate with --ctl-tls-ca-file/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
  });
});
