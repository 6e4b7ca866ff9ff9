/**
 * A deployed app under steady HTTP load (a real host, the in-process wadm engine, a real nats-server):
 * - NATS is killed (SIGKILL) and started again on the same port and store: not one request fails, the host and
 *   the engine reconnect, and the lattice answers again (status, inventory).
 * - upgrade v1 → v2 and rollback v2 → v1 through wadm: not one request fails, and each version is served.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsConnect } from '../../../src/lattice/connect.js';
import { CtlClient } from '../../../src/lattice/ctl-client.js';
import { freePort, startNatsServer, type RunningNatsServer } from '../../../src/up/nats-server.js';
import { WadmClient } from '../../../src/wadm/client/client.js';
import { startWadm, type Wadm } from '../../../src/wadm/index.js';
import { FIXTURE_BODIES, fixturePath } from '../../helpers/fixtures.js';
import { assertFreshBuild, spawnHost, waitForBody, waitUntil, type ChildHost } from '../host/helpers.js';
import { helloApp, httpLoad } from './load.js';

const LATTICE = 'faults-http';
const V1 = pathToFileURL(fixturePath('http-hello-v1')).href;
const V2 = pathToFileURL(fixturePath('http-hello-v2')).href;
const BODY1 = FIXTURE_BODIES['http-hello-v1'];
const BODY2 = FIXTURE_BODIES['http-hello-v2'];

let storeDir: string;
let natsPort: number;
let nats: RunningNatsServer | undefined;
let nc: NatsConnection;
let host: ChildHost;
let wadm: Wadm;
let client: WadmClient;
let ctl: CtlClient;
let port: number;

async function startNats(): Promise<void> {
  nats = await startNatsServer({ port: natsPort, storeDir });
  if (process.env.WASH_TEST_PIDS) appendFileSync(process.env.WASH_TEST_PIDS, `${nats.pid} ${storeDir}\n`);
}

async function deployed(version: string): Promise<void> {
  await waitUntil(
    async () => {
      const listed = (await client.list()).find((m) => m.name === 'served');
      return listed?.deployed_version === version && (await client.status('served')).status.type === 'deployed'
        ? true
        : undefined;
    },
    60_000,
    `served ${version} deployed`,
  );
}

beforeAll(async () => {
  assertFreshBuild();
  storeDir = mkdtempSync(join(tmpdir(), 'wash-faults-http-'));
  natsPort = await freePort();
  await startNats();
  const url = `nats://127.0.0.1:${natsPort}`;
  nc = await natsConnect(url, {}, { maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  wadm = await startWadm(nc, { lattices: [LATTICE], engine: { heartbeatIntervalMs: 2000 } });
  await wadm.ready;
  host = await spawnHost(url, LATTICE, ['--heartbeat-interval', '2']);
  client = new WadmClient(nc, LATTICE, { timeoutMs: 20_000 });
  ctl = new CtlClient(nc, { lattice: LATTICE, timeoutMs: 3000, collectMs: 500 });
  port = await freePort();
  expect(
    (
      await client.put(helloApp({ name: 'served', port, image: V1, version: 'v1' }), {
        contentType: 'application/yaml',
      })
    ).result,
  ).toBe('created');
  expect((await client.deploy('served')).result).toBe('acknowledged');
  await waitForBody(`http://127.0.0.1:${port}/`, BODY1, 60_000);
  await deployed('v1');
}, 180_000);

afterAll(async () => {
  await host?.signal('SIGKILL');
  await wadm?.close();
  await nc?.close().catch(() => undefined);
  await nats?.stop();
  if (storeDir) rmSync(storeDir, { recursive: true, force: true });
});

describe('HTTP under faults', () => {
  it('NATS killed and restarted under load: 0 failed requests; host and engine reconnect', async () => {
    const load = httpLoad(`http://127.0.0.1:${port}/`, [BODY1], 4);
    await load.progress(100);
    const before = load.snapshot().ok;
    nats!.child.kill('SIGKILL');
    await new Promise((r) => nats!.child.once('exit', r));
    await new Promise((r) => setTimeout(r, 3000));
    // Served the whole time NATS was away.
    expect(load.snapshot().ok).toBeGreaterThan(before);
    await startNats();
    await waitUntil(
      async () =>
        (await ctl.getInventory(host.id)).components.some((c) => c.id === 'served-hello') ? true : undefined,
      60_000,
      'the host answers ctl again',
    );
    await deployed('v1');
    await load.progress(100);
    const r = await load.stop();
    expect(r.failed, JSON.stringify(r.failures)).toBe(0);
    expect(host.child.exitCode).toBeNull();
  }, 120_000);

  it('upgrade v1 → v2 and rollback to v1 under load: 0 failed requests', async () => {
    const load = httpLoad(`http://127.0.0.1:${port}/`, [BODY1, BODY2], 4);
    await load.progress(100);
    expect(
      (
        await client.put(helloApp({ name: 'served', port, image: V2, version: 'v2' }), {
          contentType: 'application/yaml',
        })
      ).result,
    ).toBe('newversion');
    expect((await client.deploy('served', 'v2')).result).toBe('acknowledged');
    await deployed('v2');
    await waitForBody(`http://127.0.0.1:${port}/`, BODY2, 60_000);
    await load.progress(100);
    const upgraded = load.snapshot().bodies[BODY2] ?? 0;
    expect(upgraded).toBeGreaterThan(0);

    expect((await client.deploy('served', 'v1')).result).toBe('acknowledged');
    await deployed('v1');
    await waitForBody(`http://127.0.0.1:${port}/`, BODY1, 60_000);
    await load.progress(100);
    const r = await load.stop();
    expect(r.failed, JSON.stringify(r.failures)).toBe(0);
    // After the rollback only v1 answers.
    const tail = httpLoad(`http://127.0.0.1:${port}/`, [BODY1], 2);
    await tail.progress(50);
    const t = await tail.stop();
    expect(t.failed, JSON.stringify(t.failures)).toBe(0);
  }, 120_000);
});
