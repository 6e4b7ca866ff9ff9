import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { natsConnect } from '../../../src/lattice/connect.js';
import { buildEvent, encodeEvent } from '../../../src/lattice/events.js';
import { wadmEventSubject } from '../../../src/lattice/subjects.js';
import { startApiServer, type ApiServer } from '../../../src/wadm/api/server.js';
import { WadmClient } from '../../../src/wadm/client/client.js';
import { startEngine, type Engine, type EngineOptions } from '../../../src/wadm/engine/engine.js';
import { startWadm, type Wadm } from '../../../src/wadm/index.js';
import type { Status, WadmManifest } from '../../../src/wadm/types.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { createSimLattice, startSimHost, type SimHost, type SimLattice } from '../../../src/testing/sim-host.js';

const FAST: Partial<EngineOptions> = { leaseTtlMs: 1_500, pingWindowMs: 300, debounceMs: 10, undeployGraceMs: 500 };

let nats: TestNats;
let nc: NatsConnection;
let lattice: string;
let shared: SimLattice;
const cleanups: (() => Promise<unknown> | unknown)[] = [];

beforeAll(async () => {
  nats = await startTestNats();
  nc = await natsConnect(nats.url);
});
afterAll(async () => {
  await nc?.close();
  await nats?.close();
});
let seq = 0;
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
function fresh(): void {
  lattice = `wadmtest${++seq}`;
  shared = createSimLattice();
}

/** `eventDelayMs`: how late each host reports what it did (see startSimHost). */
async function hosts(
  n: number,
  labels: Record<string, string>[] = [],
  opts: { eventDelayMs?: number } = {},
): Promise<SimHost[]> {
  const out: SimHost[] = [];
  for (let i = 0; i < n; i++) {
    const h = await startSimHost(nc, { lattice, shared, labels: labels[i] ?? {}, announce: false, ...opts });
    cleanups.push(() => h.stop({ graceful: false }));
    out.push(h);
  }
  return out;
}

function engine(extra: Partial<EngineOptions> = {}): Engine {
  const e = startEngine(nc, { lattice, ...FAST, ...extra });
  cleanups.push(() => e.close());
  return e;
}

async function api(): Promise<ApiServer> {
  const a = await startApiServer(nc, { lattices: [lattice] });
  cleanups.push(() => a.close());
  return a;
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

const sum = (hs: SimHost[], op: string) => hs.reduce((n, h) => n + (h.counts[op] ?? 0), 0);

async function statusOf(
  client: WadmClient,
  app: string,
  type: Status['status']['type'],
  timeoutMs = 10_000,
): Promise<Status> {
  return waitFor(
    `${app} ${type}`,
    async () => {
      const s = await client.status(app);
      return s.status.type === type ? s : undefined;
    },
    timeoutMs,
  );
}

function app(
  name: string,
  opts: { instances?: number; image?: string; provider?: boolean; components?: number } = {},
): WadmManifest & { metadata: { annotations: Record<string, string> } } {
  const components: Record<string, unknown>[] = [];
  for (let i = 0; i < (opts.components ?? 1); i++) {
    components.push({
      name: `hello${i || ''}`,
      type: 'component',
      properties: { image: opts.image ?? 'ghcr.io/x/hello:0.1.0' },
      traits: [{ type: 'spreadscaler', properties: { instances: opts.instances ?? 2 } }],
    });
  }
  if (opts.provider) {
    components.push({
      name: 'httpserver',
      type: 'capability',
      properties: { image: 'ghcr.io/x/http:0.1.0' },
      traits: [
        {
          type: 'link',
          properties: {
            namespace: 'wasi',
            package: 'http',
            interfaces: ['incoming-handler'],
            target: { name: 'hello' },
            source: { config: [{ name: 'addr', properties: { address: '0.0.0.0:8080' } }] },
          },
        },
      ],
    });
  }
  return {
    apiVersion: 'core.oam.dev/v1beta1',
    kind: 'Application',
    metadata: { name, annotations: { version: 'v1' } },
    spec: { components },
  };
}

describe('wadm engine against simulated hosts', () => {
  it('deploy_statusDeployedAfterExactlyTheExpectedCommands', async () => {
    fresh();
    const hs = await hosts(2);
    const wadm: Wadm = await startWadm(nc, { lattices: [lattice], engine: FAST });
    cleanups.push(() => wadm.close());
    await wadm.ready;
    const client = new WadmClient(nc, lattice);
    await client.put(app('web', { instances: 3, provider: true }));
    await client.deploy('web');
    const status = await statusOf(client, 'web', 'deployed');
    expect(status.scalers?.map((s) => s.kind).sort()).toEqual(['LinkScaler', 'SpreadScaler', 'SpreadScaler']);
    expect(status.scalers?.find((s) => s.name === 'web-hello')).toMatchObject({ desired: 3, observed: 3 });
    expect(sum(hs, 'component.scale')).toBe(1);
    expect(sum(hs, 'provider.start')).toBe(1);
    expect(sum(hs, 'link.put')).toBe(1);
    expect(sum(hs, 'config.put')).toBe(1);
    const placed = hs.flatMap((h) => h.components());
    expect(placed).toEqual([
      expect.objectContaining({
        id: 'web-hello',
        max_instances: 3,
        annotations: expect.objectContaining({ 'wasmcloud.dev/managed-by': 'wadm', 'wasmcloud.dev/appspec': 'web' }),
      }),
    ]);
    expect(shared.configs.get('web-addr')).toEqual({ address: '0.0.0.0:8080' });
  });

  it('noHosts_waitingThenDeploysWhenAHostArrives', async () => {
    fresh();
    await api();
    const e = engine();
    await e.ready;
    const client = new WadmClient(nc, lattice);
    await client.put(app('later', { instances: 1, provider: true }));
    await client.deploy('later');
    const waiting = await statusOf(client, 'later', 'waiting');
    expect(waiting.status.message).toMatch(/no hosts/i);
    const h = await startSimHost(nc, { lattice, shared });
    cleanups.push(() => h.stop({ graceful: false }));
    const deployed = await statusOf(client, 'later', 'deployed');
    expect(h.components()).toHaveLength(1);
    expect(h.providers()).toHaveLength(1);
    expect(shared.configs.get('later-addr')).toEqual({ address: '0.0.0.0:8080' });
    expect(deployed.observed).toEqual({ hosts: 1, components: 1, providers: 1, links: 1 });
  });

  it('hostStops_workloadRescheduledOnAnotherHost', async () => {
    fresh();
    const hs = await hosts(2);
    await api();
    await engine().ready;
    const client = new WadmClient(nc, lattice);
    await client.put(app('moving', { instances: 2 }));
    await client.deploy('moving');
    await statusOf(client, 'moving', 'deployed');
    const first = hs.find((h) => h.components().length > 0)!;
    const other = hs.find((h) => h !== first)!;
    await first.stop({ graceful: true });
    await waitFor('rescheduled', () =>
      other.components().find((c) => c.id === 'moving-hello' && c.max_instances === 2),
    );
    await statusOf(client, 'moving', 'deployed');
  });

  it('hostVanishesWithoutStopEvent_reapedAfterTwoHeartbeatsAndRescheduled', async () => {
    fresh();
    const hs: SimHost[] = [];
    for (let i = 0; i < 2; i++) {
      const h = await startSimHost(nc, { lattice, shared, heartbeatMs: 200, announce: false });
      cleanups.push(() => h.stop({ graceful: false }));
      hs.push(h);
    }
    await api();
    // The heartbeat reaper alone (the liveness probe, tested on its own, may legitimately act sooner).
    await engine({ heartbeatIntervalMs: 200, livenessIntervalMs: 0 }).ready;
    const client = new WadmClient(nc, lattice);
    await client.put(app('reaped', { instances: 1 }));
    await client.deploy('reaped');
    await statusOf(client, 'reaped', 'deployed');
    const first = hs.find((h) => h.components().length > 0)!;
    const other = hs.find((h) => h !== first)!;
    const crashedAt = Date.now();
    await first.stop({ graceful: false });
    await waitFor('rescheduled after reaping', () => other.components().find((c) => c.id === 'reaped-hello'));
    // Not before two heartbeat intervals of silence, counted from the last heartbeat (up to one interval before the crash).
    expect(Date.now() - crashedAt).toBeGreaterThanOrEqual(200);
  });

  it('hostStopsAnsweringPings_droppedByTheLivenessProbeLongBeforeHeartbeatsExpire', async () => {
    fresh();
    const hs: SimHost[] = [];
    for (let i = 0; i < 2; i++) {
      const h = await startSimHost(nc, { lattice, shared, announce: false });
      cleanups.push(() => h.stop({ graceful: false }));
      hs.push(h);
    }
    await api();
    // Heartbeats would take 140 s to expire; the probe (every 300 ms, two misses) must act first.
    await engine({ heartbeatIntervalMs: 60_000, livenessIntervalMs: 300 }).ready;
    const client = new WadmClient(nc, lattice);
    await client.put(app('probed', { instances: 1 }));
    await client.deploy('probed');
    await statusOf(client, 'probed', 'deployed');
    const first = hs.find((h) => h.components().length > 0)!;
    const other = hs.find((h) => h !== first)!;
    await first.stop({ graceful: false });
    await waitFor('rescheduled after the probe dropped the host', () =>
      other.components().find((c) => c.id === 'probed-hello'),
    );
    await statusOf(client, 'probed', 'deployed');
  });

  it('engineRestart_rebuildsStateFromInventoriesWithoutDuplicateStarts', async () => {
    fresh();
    const hs = await hosts(3);
    await api();
    const first = engine();
    await first.ready;
    const client = new WadmClient(nc, lattice);
    await client.put(app('sticky', { instances: 2, components: 2, provider: true }));
    await client.deploy('sticky');
    await statusOf(client, 'sticky', 'deployed');
    const before = {
      scale: sum(hs, 'component.scale'),
      start: sum(hs, 'provider.start'),
      link: sum(hs, 'link.put'),
      config: sum(hs, 'config.put'),
      inv: sum(hs, 'host.get'),
    };
    expect(before).toMatchObject({ scale: 2, start: 1, link: 1, config: 1 });
    await first.close();

    const second = engine();
    await second.ready;
    expect(second.isLeader()).toBe(true);
    expect(second.apps()).toEqual(['sticky']);
    expect(sum(hs, 'host.get')).toBeGreaterThanOrEqual(before.inv + 3);
    await new Promise((r) => setTimeout(r, 800));
    expect({
      scale: sum(hs, 'component.scale'),
      start: sum(hs, 'provider.start'),
      link: sum(hs, 'link.put'),
      config: sum(hs, 'config.put'),
    }).toEqual({ scale: before.scale, start: before.start, link: before.link, config: before.config });
    expect((await client.status('sticky')).status.type).toBe('deployed');
  });

  it('engineRestartWithManyApps_readsAppsAndStatusesInOnePassNotAGetPerApp', async () => {
    fresh();
    const hs = await hosts(2);
    await api();
    const first = engine();
    await first.ready;
    const client = new WadmClient(nc, lattice);
    const names = Array.from({ length: 40 }, (_, i) => `many${String(i).padStart(2, '0')}`);
    for (const name of names) {
      await client.put(app(name, { instances: 1 }));
      await client.deploy(name);
    }
    await waitFor('every app deployed', async () => {
      const all = await client.list();
      return all.length === names.length && all.every((m) => m.status === 'deployed');
    });
    const scales = sum(hs, 'component.scale');
    await first.close();

    // Single-message reads of the manifest bucket or the status stream (a bulk read uses a consumer instead).
    const gets: string[] = [];
    const watch = ['$JS.API.DIRECT.GET.>', '$JS.API.STREAM.MSG.GET.>'].map((subject) =>
      nc.subscribe(subject, { callback: (_err, msg) => void gets.push(msg.subject) }),
    );
    cleanups.push(() => {
      for (const w of watch) w.unsubscribe();
    });
    const published: string[] = [];
    const statusSub = nc.subscribe(`wadm.status.${lattice}.*`, {
      callback: (_err, msg) => void published.push(msg.subject),
    });
    cleanups.push(() => statusSub.unsubscribe());
    const second = engine();
    await second.ready;
    expect(second.apps().sort()).toEqual(names);
    await new Promise((r) => setTimeout(r, 800));
    await nc.flush();
    // The lattice index is one get; an app or status read per app would be 40 more each.
    expect(gets.filter((g) => g.endsWith('.wadm_status'))).toEqual([]);
    expect(gets.filter((g) => g.includes('KV_wadm_manifests')).length).toBeLessThan(5);
    // It learnt every published status, so it repeats none and starts nothing twice.
    expect(published).toEqual([]);
    expect(sum(hs, 'component.scale')).toBe(scales);
  });

  it('threeEnginesAtOnce_oneLeaderAndExactlyOneScalePerComponent', async () => {
    fresh();
    const hs = await hosts(3);
    await api();
    const engines = [engine({ id: 'e1' }), engine({ id: 'e2' }), engine({ id: 'e3' })];
    await Promise.all(engines.map((e) => e.ready));
    expect(engines.filter((e) => e.isLeader())).toHaveLength(1);
    const client = new WadmClient(nc, lattice);
    await client.put(app('triple', { instances: 4, components: 3 }));
    await client.deploy('triple');
    await statusOf(client, 'triple', 'deployed');
    await new Promise((r) => setTimeout(r, 800));
    expect(sum(hs, 'component.scale')).toBe(3);
    expect(hs.flatMap((h) => h.components()).reduce((n, c) => n + c.max_instances, 0)).toBe(12);
  });

  it('leaderCloses_followerTakesOverAndReconciles', async () => {
    fresh();
    const hs = await hosts(2);
    await api();
    const a = engine({ id: 'a' });
    const b = engine({ id: 'b' });
    await Promise.all([a.ready, b.ready]);
    const [leader, follower] = a.isLeader() ? [a, b] : [b, a];
    await leader.close();
    await waitFor('follower leads', () => follower.isLeader());
    await follower.ready;
    const client = new WadmClient(nc, lattice);
    await client.put(app('handover', { instances: 1 }));
    await client.deploy('handover');
    await statusOf(client, 'handover', 'deployed');
    expect(sum(hs, 'component.scale')).toBe(1);
  });

  it('upgradeImageOnly_componentUpdatedInPlaceNeverScaledDown', async () => {
    fresh();
    const hs = await hosts(2);
    await api();
    await engine().ready;
    const client = new WadmClient(nc, lattice);
    await client.put(app('rolling', { instances: 2 }));
    await client.deploy('rolling');
    await statusOf(client, 'rolling', 'deployed');
    const v2 = app('rolling', { instances: 2, image: 'ghcr.io/x/hello:0.2.0' });
    v2.metadata.annotations.version = 'v2';
    await client.put(v2);
    await client.deploy('rolling', 'v2');
    await waitFor('updated', () =>
      hs.flatMap((h) => h.components()).find((c) => c.image_ref === 'ghcr.io/x/hello:0.2.0'),
    );
    await statusOf(client, 'rolling', 'deployed');
    expect(sum(hs, 'component.update')).toBe(1);
    expect(hs.flatMap((h) => h.scaleRequests).filter((r) => r.count === 0)).toEqual([]);
    expect(hs.flatMap((h) => h.components())).toEqual([
      expect.objectContaining({ image_ref: 'ghcr.io/x/hello:0.2.0', max_instances: 2 }),
    ]);
  });

  it('undeploy_cleansUp_orphanUndeployLeavesWorkloads', async () => {
    fresh();
    const hs = await hosts(1);
    await api();
    await engine().ready;
    const client = new WadmClient(nc, lattice);
    await client.put(app('gone', { instances: 1, provider: true }));
    await client.put(app('kept', { instances: 1 }));
    await client.deploy('gone');
    await client.deploy('kept');
    await statusOf(client, 'gone', 'deployed');
    await statusOf(client, 'kept', 'deployed');
    await client.undeploy('gone');
    await waitFor(
      'gone cleaned',
      () =>
        !hs[0].components().some((c) => c.id === 'gone-hello') &&
        hs[0].providers().length === 0 &&
        shared.links.length === 0 &&
        !shared.configs.has('gone-addr'),
    );
    await statusOf(client, 'gone', 'undeployed');
    await client.undeploy('kept', { orphan: true });
    await statusOf(client, 'kept', 'undeployed');
    await new Promise((r) => setTimeout(r, 800));
    expect(hs[0].components().map((c) => c.id)).toEqual(['kept-hello']);
  });

  it('undeployWhileAStartIsUnderWay_theComponentThatAppearsAfterwardsIsStoppedToo', async () => {
    fresh();
    // The host reports component_scaled 600 ms after accepting the scale: the undeploy lands in between, when the
    // engine has not observed the component yet.
    const [h] = await hosts(1, [], { eventDelayMs: 600 });
    await api();
    await engine().ready;
    const client = new WadmClient(nc, lattice);
    await client.put(app('late', { instances: 2 }));
    await client.deploy('late');
    await waitFor('the scale request', () => (h.counts['component.scale'] ?? 0) >= 1);
    await client.undeploy('late');
    await statusOf(client, 'late', 'undeployed');
    await waitFor('late-hello to appear on the host', () => h.components().some((c) => c.id === 'late-hello'));
    await waitFor('late-hello to be stopped', () => !h.components().some((c) => c.id === 'late-hello'), 5_000);
  });

  it('upgradeRemovesAComponentWhoseStartIsUnderWay_itIsStoppedWhenItAppears', async () => {
    fresh();
    const [h] = await hosts(1, [], { eventDelayMs: 600 });
    await api();
    await engine().ready;
    const client = new WadmClient(nc, lattice);
    await client.put(app('shrink', { instances: 1, components: 2 }));
    await client.deploy('shrink');
    await waitFor('both scale requests', () => (h.counts['component.scale'] ?? 0) >= 2);
    const v2 = app('shrink', { instances: 1, components: 1 });
    v2.metadata.annotations.version = 'v2';
    await client.put(v2);
    await client.deploy('shrink', 'v2');
    await waitFor('shrink-hello1 to appear on the host', () => h.components().some((c) => c.id === 'shrink-hello1'));
    await waitFor('shrink-hello1 to be stopped', () => !h.components().some((c) => c.id === 'shrink-hello1'), 5_000);
    expect(h.components().map((c) => c.id)).toEqual(['shrink-hello']);
    await statusOf(client, 'shrink', 'deployed');
  });

  it('staleDeployEvents_theStoreDecides', async () => {
    // Two API servers can publish concurrent deploy/undeploy events out of the order they wrote the store.
    fresh();
    const [h] = await hosts(1);
    await api();
    await engine().ready;
    const client = new WadmClient(nc, lattice);
    const stale = app('stale', { instances: 1 });
    await client.put(stale);
    const kept = app('kept', { instances: 1 });
    await client.put(kept);
    await client.deploy('kept');
    await statusOf(client, 'kept', 'deployed');
    // A published event for an app the store has undeployed, an unpublished one for an app it has deployed.
    nc.publish(
      wadmEventSubject(lattice, 'manifest_published'),
      encodeEvent(buildEvent('manifest_published', stale, 'wadm')),
    );
    nc.publish(
      wadmEventSubject(lattice, 'manifest_unpublished'),
      encodeEvent(buildEvent('manifest_unpublished', { name: 'kept' }, 'wadm')),
    );
    await nc.flush();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(h.components().map((c) => c.id)).toEqual(['kept-hello']);
    expect((await client.status('kept')).status.type).toBe('deployed');
  });

  it('mirrorState_observedStateReadableFromKvInRustWadmLayout', async () => {
    fresh();
    const [h] = await hosts(1);
    await api();
    await engine({ mirrorState: true }).ready;
    const client = new WadmClient(nc, lattice);
    await client.put(app('mirrored', { instances: 2 }));
    await client.deploy('mirrored');
    await statusOf(client, 'mirrored', 'deployed');
    const { jetstream } = await import('@nats-io/jetstream');
    const { Kvm } = await import('@nats-io/kv');
    const kv = await new Kvm(jetstream(nc)).open('wadm_state');
    const hostsDoc = await waitFor(
      'mirrored hosts',
      async () => {
        const e = await kv.get(`host_${lattice}`);
        const doc = e?.json<Record<string, { components: Record<string, number> }>>();
        return doc?.[h.id]?.components['mirrored-hello'] === 2 ? doc : undefined;
      },
      6_000,
    );
    expect(Object.keys(hostsDoc)).toEqual([h.id]);
    const components = (await kv.get(`component_${lattice}`))?.json<Record<string, { reference: string }>>();
    expect(components?.['mirrored-hello']?.reference).toBe('ghcr.io/x/hello:0.1.0');
  });

  it('mirrorState_hostJoiningOrLeaving_mirroredAtOnceNotOnTheSlowTick', async () => {
    fresh();
    const [first] = await hosts(1);
    // The periodic write is an hour away: only the prompt path can bring later hosts into the mirror.
    await engine({ mirrorState: true, mirrorIntervalMs: 3_600_000 }).ready;
    const { knownHostIds } = await import('../../../src/lattice/known-hosts.js');
    const known = () => knownHostIds(nc, lattice, { timeoutMs: 2000 });
    await waitFor('first host mirrored', async () => ((await known()).has(first!.id) ? true : undefined), 10_000);
    // A real host announces itself (host_started); the engine's liveness ping is not how it learns of new hosts.
    const second = await startSimHost(nc, { lattice, shared, announce: true });
    cleanups.push(() => second.stop({ graceful: false }));
    await waitFor('joining host mirrored', async () => ((await known()).has(second.id) ? true : undefined), 10_000);
    await second.stop({ graceful: true });
    await waitFor('leaving host dropped', async () => ((await known()).has(second.id) ? undefined : true), 10_000);
    expect([...(await known())]).toEqual([first!.id]);
  });

  it('failedStart_surfacesInStatusThenRetries', async () => {
    fresh();
    const h = await startSimHost(nc, { lattice, shared, failImages: ['ghcr.io/x/broken:1'] });
    cleanups.push(() => h.stop({ graceful: false }));
    await api();
    await engine().ready;
    const client = new WadmClient(nc, lattice);
    await client.put(app('broken', { instances: 1, image: 'ghcr.io/x/broken:1' }));
    await client.deploy('broken');
    const failed = await statusOf(client, 'broken', 'failed');
    expect(failed.status.message).toContain('failed to fetch component ghcr.io/x/broken:1');
    // After the 5 s back-off it tries again.
    await waitFor('retried', () => (h.counts['component.scale'] ?? 0) >= 2, 9_000);
  });
});
