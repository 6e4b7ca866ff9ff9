/**
 * Scale-out on NATS itself: a 3-node nats-server cluster on loopback, every bucket and stream wash creates with
 * 3 replicas (`wash host --js-replicas 3`, wadm `jsReplicas: 3`), the host, the wadm engine and the API client
 * each on a different node. The node leading the manifest bucket is killed while HTTP requests and manifest
 * writes run: no HTTP request fails, every acknowledged version is still there, and a deploy made after the
 * kill converges and serves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsConnect } from '../../../src/lattice/connect.js';
import { freePort } from '../../../src/up/nats-server.js';
import { WadmClient } from '../../../src/wadm/client/client.js';
import { startWadm, type Wadm } from '../../../src/wadm/index.js';
import { FIXTURE_BODIES, fixturePath } from '../../helpers/fixtures.js';
import { startTestNatsCluster, type TestNatsCluster } from '../../helpers/nats-cluster.js';
import { assertFreshBuild, spawnHost, waitForBody, waitUntil, type ChildHost } from '../host/helpers.js';
import { helloApp, httpLoad } from './load.js';

const LATTICE = 'faults-cluster';
const V1 = pathToFileURL(fixturePath('http-hello-v1')).href;
const V2 = pathToFileURL(fixturePath('http-hello-v2')).href;
const BODY1 = FIXTURE_BODIES['http-hello-v1'];
const BODY2 = FIXTURE_BODIES['http-hello-v2'];

let cluster: TestNatsCluster;
let host: ChildHost | undefined;
let wadm: Wadm | undefined;
let wadmNc: NatsConnection | undefined;
let clientNc: NatsConnection | undefined;
let dir: string;
const wadmLog: string[] = [];

beforeAll(async () => {
  assertFreshBuild();
  dir = mkdtempSync(join(tmpdir(), 'wash-faults-cluster-'));
  cluster = await startTestNatsCluster(3);
}, 90_000);

afterAll(async () => {
  await host?.signal('SIGKILL');
  await wadm?.close();
  await wadmNc?.close().catch(() => undefined);
  await clientNc?.close().catch(() => undefined);
  await cluster?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a 3-node NATS cluster with JetStream replicas 3', () => {
  it('one node killed under load: nothing lost, the app keeps serving, a new deploy converges', async () => {
    const [u0, u1, u2] = cluster.urls as [string, string, string];
    host = await spawnHost(u0, LATTICE, ['--js-replicas', '3', '--heartbeat-interval', '2']);
    wadmNc = await natsConnect(u1, {}, { name: 'faults-wadm', maxReconnectAttempts: -1 });
    wadm = await startWadm(wadmNc, {
      lattices: [LATTICE],
      jsReplicas: 3,
      log: (level, m) => wadmLog.push(`${level}: ${m}`),
      engine: { mirrorState: true, heartbeatIntervalMs: 2000 },
    });
    await wadm.ready;
    clientNc = await natsConnect(u2, {}, { name: 'faults-client', maxReconnectAttempts: -1 });
    const client = new WadmClient(clientNc, LATTICE, { timeoutMs: 20_000 });

    const port = await freePort();
    expect(
      (await client.put(helloApp({ name: 'served', port, image: V1 }), { contentType: 'application/yaml' })).result,
    ).toBe('created');
    expect((await client.deploy('served')).result).toBe('acknowledged');
    await waitForBody(`http://127.0.0.1:${port}/`, BODY1, 60_000);
    await waitUntil(
      async () => ((await client.status('served')).status.type === 'deployed' ? true : undefined),
      30_000,
      'served deployed',
    );

    // Every bucket and stream wash created has 3 replicas.
    const { jetstreamManager } = await import('@nats-io/jetstream');
    const jsm = await jetstreamManager(clientNc);
    const created = [
      'KV_wadm_manifests',
      'KV_wadm_leases',
      'KV_wadm_state',
      'wadm_status',
      `KV_LATTICEDATA_${LATTICE}`,
      `KV_CONFIGDATA_${LATTICE}`,
    ];
    await waitUntil(
      async () => ((await jsm.streams.info('KV_wadm_state').catch(() => undefined)) ? true : undefined),
      20_000,
      'wadm_state mirror bucket',
    );
    for (const name of created) {
      const info = await jsm.streams.info(name);
      expect({ name, replicas: info.config.num_replicas }).toEqual({ name, replicas: 3 });
    }

    // Load: HTTP on the served app, and a writer adding versions of another app as fast as it is answered.
    const load = httpLoad(`http://127.0.0.1:${port}/`, [BODY1, BODY2], 4);
    const acked: string[] = [];
    const refused: string[] = [];
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const version = `w${i}`;
        try {
          const r = await client.put(helloApp({ name: 'written', port: 1, image: V1, version }), {
            contentType: 'application/yaml',
          });
          if (r.result === 'created' || r.result === 'newversion') acked.push(version);
          else refused.push(`${version}: ${r.message}`);
        } catch (err) {
          refused.push(`${version}: ${(err as Error).message}`);
        }
      }
    })();
    await load.progress(200);
    await waitUntil(async () => (acked.length >= 5 ? true : undefined), 30_000, 'first acknowledged writes');

    // Kill the node leading the manifest bucket (whichever of the three it is).
    const leaderName = (await jsm.streams.info('KV_wadm_manifests')).cluster?.leader;
    const victim = cluster.nodes.findIndex((n) => n.name === leaderName);
    expect(victim, `leader ${leaderName}`).toBeGreaterThanOrEqual(0);
    const ackedBeforeKill = acked.length;
    await cluster.kill(victim);
    const survivor = new WadmClient(victim === 2 ? wadmNc : clientNc, LATTICE, { timeoutMs: 20_000 });

    // Writes continue to be acknowledged after the kill (a new leader is elected), HTTP never failed.
    await waitUntil(
      async () => (acked.length >= ackedBeforeKill + 10 ? true : undefined),
      60_000,
      `writes acknowledged after killing ${leaderName}`,
    );
    await load.progress(200);

    // A deploy made after the kill converges: a new version of the served app (v2) replaces v1 under load.
    await waitUntil(
      async () => {
        const r = await survivor
          .put(helloApp({ name: 'served', port, image: V2, version: 'v2' }), { contentType: 'application/yaml' })
          .catch(() => undefined);
        return r && (r.result === 'newversion' || /already exists/.test(r.message)) ? true : undefined;
      },
      60_000,
      'put v2 after the kill',
    );
    await waitUntil(
      async () =>
        (await survivor.deploy('served', 'v2').catch(() => undefined))?.result === 'acknowledged' ? true : undefined,
      60_000,
      'deploy v2',
    );
    let lastStatus: unknown;
    await waitUntil(
      async () => {
        const listed = (await survivor.list().catch(() => [])).find((m) => m.name === 'served');
        const s = await survivor.status('served').catch((err) => ({ error: String(err) }));
        lastStatus = { listed, status: s };
        return listed?.deployed_version === 'v2' && 'status' in s && s.status.type === 'deployed' ? true : undefined;
      },
      60_000,
      'served v2 deployed',
    ).catch((err) => {
      throw new Error(
        `${(err as Error).message}; killed ${leaderName}; last status ${JSON.stringify(lastStatus)}; wadm log:\n${wadmLog
          .filter((l) => !l.includes('model.put'))
          .slice(-40)
          .join('\n')}\nhost log:\n${host?.stderr().split('\n').slice(-40).join('\n')}`,
      );
    });
    await waitForBody(`http://127.0.0.1:${port}/`, BODY2, 30_000).catch(async (err) => {
      const status = await survivor.status('served').catch((e) => String(e));
      throw new Error(
        `${(err as Error).message}; killed ${leaderName}; status ${JSON.stringify(status)}; wadm log:\n${wadmLog
          .filter((l) => !l.includes('model.put'))
          .slice(-60)
          .join('\n')}\nhost log:\n${host?.stderr().split('\n').slice(-60).join('\n')}`,
      );
    });

    writing = false;
    await writer;
    const http = await load.stop();
    // v1 → v2 happens during the load: both bodies count as success, nothing else does.
    expect(http.failed, JSON.stringify(http.failures)).toBe(0);
    expect(http.ok).toBeGreaterThan(400);

    // Bring the node back; every acknowledged version is there, read through every node.
    await cluster.restart(victim);
    for (const url of cluster.urls) {
      const nc = await natsConnect(url, {}, { name: 'faults-check' });
      try {
        const versions = await waitUntil(
          async () => {
            const r = await new WadmClient(nc, LATTICE, { timeoutMs: 20_000 })
              .versions('written')
              .catch(() => undefined);
            const have = new Set(
              (r as { versions?: Array<{ version: string }> } | undefined)?.versions?.map((v) => v.version) ?? [],
            );
            return acked.every((v) => have.has(v)) ? have : undefined;
          },
          30_000,
          `every acknowledged version via ${url}`,
        );
        expect(versions.size).toBeGreaterThanOrEqual(acked.length);
      } finally {
        await nc.close();
      }
    }
    // The killed node caught up: its replica of the manifest bucket holds as many messages as the others.
    await waitUntil(
      async () => {
        const info = await jsm.streams.info('KV_wadm_manifests');
        const replicas = info.cluster?.replicas ?? [];
        return replicas.length === 2 && replicas.every((r) => r.current) ? true : undefined;
      },
      60_000,
      'all replicas current',
    );
  }, 240_000);
});
