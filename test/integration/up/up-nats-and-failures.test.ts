import { existsSync, readdirSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { natsConnect } from '../../../src/lattice/connect.js';
import { pingHosts } from '../../../src/up/lattice-probe.js';
import { freePort } from '../../../src/up/nats-server.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { WashEnv, requireBuild, UP_TEST_TIMEOUT_MS } from './wash-env.js';

let env: WashEnv | undefined;
let external: TestNats | undefined;
beforeAll(() => requireBuild());
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
  await external?.close();
  external = undefined;
});

function nothingRecorded(e: WashEnv): boolean {
  const list = (d: string) => (existsSync(d) ? readdirSync(d) : []);
  return (
    !existsSync(e.paths.natsPidFile) && list(e.paths.hostsDir).length === 0 && list(e.paths.supervisorsDir).length === 0
  );
}

describe('wash up with a NATS server it does not own', { timeout: UP_TEST_TIMEOUT_MS }, () => {
  it('--nats-connect-only reuses an external NATS, and wash down leaves that server running', async () => {
    external = await startTestNats();
    env = await WashEnv.create();
    const up = await env.run([
      'up',
      '-d',
      '--nats-connect-only',
      '--nats-port',
      String(external.port),
      '--disable-wadm',
      '-o',
      'json',
    ]);
    env.trackRecorded();
    expect(up.code, up.stderr).toBe(0);
    expect(up.json).toMatchObject({
      nats_started: false,
      nats_url: `127.0.0.1:${external.port}`,
      wadm: { running: false, started: false },
    });
    expect(existsSync(env.paths.natsPidFile)).toBe(false);
    const hostId = (up.json!.hosts as { id: string }[])[0].id;

    const nc = await natsConnect(external.url);
    try {
      expect(
        (await pingHosts(nc, { ctlPrefix: 'wasmbus.ctl', lattice: 'default', timeoutMs: 2000 })).map((h) => h.id),
      ).toEqual([hostId]);
    } finally {
      await nc.close();
    }

    const down = await env.run(['down', '-o', 'json']);
    expect(down.code, down.stderr).toBe(0);
    expect(down.json).toMatchObject({ hosts_stopped: [hostId], nats_stopped: false });
    const after = await natsConnect(external.url);
    expect(await pingHosts(after, { ctlPrefix: 'wasmbus.ctl', lattice: 'default', timeoutMs: 500 })).toEqual([]);
    await after.close();
    expect(nothingRecorded(env)).toBe(true);
  });

  it('--nats-connect-only with nothing listening fails and starts nothing', async () => {
    env = await WashEnv.create();
    const up = await env.run(['up', '-d', '--nats-connect-only', '--nats-port', String(env.port), '-o', 'json']);
    expect(up.code).toBe(1);
    expect(String(up.errorJson?.error)).toMatch(
      new RegExp(`no NATS server answers at 127.0.0.1:${env.port} and --nats-connect-only was given`),
    );
    expect(await env.natsReachable()).toBe(false);
    expect(nothingRecorded(env)).toBe(true);
  });

  it('a missing nats-server binary gives the install lines', async () => {
    env = await WashEnv.create();
    const up = await env.run([
      'up',
      '-d',
      '--nats-port',
      String(env.port),
      '--nats-binary',
      '/nonexistent/nats-server',
      '-o',
      'json',
    ]);
    expect(up.code).toBe(1);
    expect(String(up.errorJson?.error)).toMatch(/--nats-binary \/nonexistent\/nats-server does not exist/);
    expect(String(up.errorJson?.suggestion)).toMatch(
      /apt-get install nats-server.*brew install nats-server.*--nats-connect-only/,
    );
  });
});

describe('wash up failures are reported, and cleaned up', { timeout: UP_TEST_TIMEOUT_MS }, () => {
  it('a host that crashes during start-up fails `up -d` with its last log lines; NATS and the supervisor are stopped', async () => {
    // A real host failure: an invalid heartbeat setting in the environment the host inherits.
    env = await WashEnv.create({ WASMCLOUD_HEARTBEAT_INTERVAL: 'soon' });
    const up = await env.run(['up', '-d', '--nats-port', String(env.port), '-o', 'json']);
    expect(up.code).toBe(1);
    expect(String(up.errorJson?.error)).toMatch(/^host N[A-Z0-9]{55} exited with code 1 during start-up; log /);
    expect(String(up.errorJson?.suggestion)).toMatch(/last lines of its log:[\s\S]*heartbeat-interval/);
    expect(await env.natsReachable()).toBe(false);
    expect(nothingRecorded(env)).toBe(true);
  });

  it('a leaf-node remote that cannot be reached is reported with the nats.conf path', async () => {
    env = await WashEnv.create();
    const deadRemote = await freePort();
    const up = await env.run([
      'up',
      '-d',
      '--nats-port',
      String(env.port),
      '--disable-wadm',
      '--nats-remote-url',
      `nats-leaf://127.0.0.1:${deadRemote}`,
      '-o',
      'json',
    ]);
    env.trackRecorded();
    expect(up.code, up.stderr).toBe(0);
    const warnings = (up.json!.warnings as string[]).join('\n');
    expect(warnings).toMatch(new RegExp(`leaf-node connection to nats-leaf://127.0.0.1:${deadRemote} is not up`));
    expect(warnings).toMatch(/connection refused/);
    expect(warnings).toContain(env.paths.natsConfig);
    const down = await env.run(['down', '-o', 'json']);
    expect(down.code, down.stderr).toBe(0);
    expect(down.json).toMatchObject({ nats_stopped: true });
  });
});
