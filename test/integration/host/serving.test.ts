import { pathToFileURL } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsConnect } from '../../../src/lattice/connect.js';
import { CtlClient } from '../../../src/lattice/ctl-client.js';
import { freePort } from '../../../src/up/nats-server.js';
import { FIXTURE_BODIES, fixturePath } from '../../helpers/fixtures.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { assertFreshBuild, EventLog, get, spawnHost, waitForBody, waitUntil, type ChildHost } from './helpers.js';

const lattice = 'serving';
const v1 = pathToFileURL(fixturePath('http-hello-v1')).href;
const v2 = pathToFileURL(fixturePath('http-hello-v2')).href;
const trap = pathToFileURL(fixturePath('http-trap')).href;

let nats: TestNats;
let nc: NatsConnection;
let client: CtlClient;
let events: EventLog;
let a: ChildHost;
let b: ChildHost;

beforeAll(async () => {
  assertFreshBuild();
  nats = await startTestNats();
  nc = await natsConnect(nats.url);
  events = await new EventLog(nc, lattice).start();
  client = new CtlClient(nc, { lattice, timeoutMs: 5000, collectMs: 500 });
  [a, b] = await Promise.all([
    spawnHost(nats.url, lattice, ['--heartbeat-interval', '0.3']),
    spawnHost(nats.url, lattice),
  ]);
});

afterAll(async () => {
  await Promise.all([a?.signal('SIGKILL'), b?.signal('SIGKILL')]);
  events?.stop();
  await nc?.close();
  await nats?.close();
});

describe('wash host: serving components over the lattice', () => {
  it('announces itself: host_started after start, heartbeats with the inventory, ping answered by both hosts', async () => {
    for (const h of [a, b]) {
      const started = await events.waitFor(
        (e) => e.name === 'host_started' && e.source === h.id,
        5000,
        `host_started of ${h.id}`,
      );
      expect(started.data).toMatchObject({
        friendly_name: h.friendlyName,
        uptime_seconds: 0,
        labels: { 'hostcore.os': expect.any(String) },
      });
      expect(started.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
    const hb = await events.waitFor((e) => e.name === 'host_heartbeat' && e.source === a.id, 5000, 'heartbeat');
    expect(hb.data).toMatchObject({ host_id: a.id, friendly_name: a.friendlyName, components: [], providers: [] });
    const hosts = await client.pingHosts();
    expect(hosts.map((h) => h.id).sort()).toEqual([a.id, b.id].sort());
    const pa = hosts.find((h) => h.id === a.id)!;
    expect(pa).toMatchObject({
      friendly_name: a.friendlyName,
      lattice,
      version: expect.any(String),
      ctl_host: nats.url,
    });
    expect(a.id).toMatch(/^N[A-Z2-7]{55}$/);
    expect(a.friendlyName).toMatch(/^[a-z]+-[a-z]+-\d{4}$/);
  });

  it('scale + http-server provider + link → serves v1; update → v2; scale 0 → no longer served; link del → port closed', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/`;
    await client.putConfig('hello-http', { address: `127.0.0.1:${port}` });

    const mark = events.mark();
    expect(
      await client.scaleComponent({
        component_ref: v1,
        component_id: 'hello',
        count: 3,
        host_id: a.id,
        config: [],
        allow_update: false,
        annotations: { app: 'demo' },
      }),
    ).toEqual({ message: '' });
    const scaled = await events.waitFor(
      (e) => e.name === 'component_scaled' && e.data.component_id === 'hello',
      30_000,
      'component_scaled',
    );
    expect(scaled.data).toEqual({
      component_id: 'hello',
      image_ref: v1,
      host_id: a.id,
      max_instances: 3,
      annotations: { app: 'demo' },
    });

    expect(
      await client.startProvider({
        provider_id: 'http-server',
        provider_ref: 'ghcr.io/wasmcloud/http-server:0.27.0',
        host_id: a.id,
        config: [],
      }),
    ).toEqual({ message: 'successfully started provider' });
    const started = await events.waitFor(
      (e) => e.name === 'provider_started' && e.data.provider_id === 'http-server',
      5000,
      'provider_started',
    );
    expect(started.data).toMatchObject({
      host_id: a.id,
      image_ref: 'ghcr.io/wasmcloud/http-server:0.27.0',
      provider_id: 'http-server',
      instance_id: 'http-server',
      link_name: 'default',
    });

    const link = {
      source_id: 'http-server',
      target: 'hello',
      name: 'default',
      wit_namespace: 'wasi',
      wit_package: 'http',
      interfaces: ['incoming-handler'],
      source_config: ['hello-http'],
      target_config: [],
    };
    expect(await client.putLink(link)).toEqual({ message: 'successfully set link' });
    expect((await events.waitFor((e) => e.name === 'linkdef_set', 5000)).data).toEqual(link);
    await waitForBody(url, FIXTURE_BODIES['http-hello-v1']);

    const inv = await client.getInventory(a.id);
    expect(inv.components).toEqual([
      { id: 'hello', image_ref: v1, annotations: { app: 'demo' }, revision: 0, max_instances: 3, limits: null },
    ]);
    expect(inv.providers).toEqual([
      expect.objectContaining({ id: 'http-server', image_ref: 'ghcr.io/wasmcloud/http-server:0.27.0' }),
    ]);

    const beforeUpdate = events.mark();
    expect(await client.updateComponent({ host_id: a.id, component_id: 'hello', new_component_ref: v2 })).toEqual({
      message: `component hello updating from ${v1} to ${v2}`,
    });
    await events.waitFor(
      (e) => e.name === 'component_scaled' && e.data.image_ref === v1 && e.data.max_instances === 0,
      30_000,
      'old version scaled to 0',
    );
    const updateEvents = events
      .since(beforeUpdate)
      .filter((e) => e.name === 'component_scaled')
      .map((e) => [e.data.image_ref, e.data.max_instances]);
    expect(updateEvents).toEqual([
      [v2, 3],
      [v1, 0],
    ]);
    expect(await get(url)).toEqual({ status: 200, body: FIXTURE_BODIES['http-hello-v2'] });

    await client.scaleComponent({
      component_ref: v2,
      component_id: 'hello',
      count: 0,
      host_id: a.id,
      config: [],
      allow_update: false,
    });
    await events.waitFor(
      (e) => e.name === 'component_scaled' && e.data.image_ref === v2 && e.data.max_instances === 0,
      10_000,
      'scale to 0',
    );
    const gone = await get(url);
    expect(gone?.status).toBe(503);
    expect((await client.getInventory(a.id)).components).toEqual([]);

    await client.deleteLink({ source_id: 'http-server', name: 'default', wit_namespace: 'wasi', wit_package: 'http' });
    await waitUntil(
      async () => ((await get(url)) === undefined ? true : undefined),
      10_000,
      'port to close after link.del',
    );
    expect(events.since(mark).map((e) => e.name)).toContain('linkdef_deleted');
  });

  it('unreachable OCI registries and broken components fail with component_scale_failed; the host keeps serving', async () => {
    // A registry that is not there (closed loopback port): no outside network needed. Real registries: test/integration/oci/.
    const closed = await freePort();
    await client.scaleComponent({
      component_ref: `127.0.0.1:${closed}/wasmcloud/hello:0.1.0`,
      component_id: 'oci',
      count: 1,
      host_id: b.id,
      config: [],
      allow_update: false,
    });
    const failed = await events.waitFor(
      (e) => e.name === 'component_scale_failed' && e.data.component_id === 'oci',
      10_000,
    );
    expect(failed.data).toMatchObject({
      host_id: b.id,
      max_instances: 1,
      error: expect.stringMatching(
        new RegExp(`^OCI pull failed \\(unreachable\\): registry 127\\.0\\.0\\.1:${closed} is unreachable`),
      ),
    });

    await client.scaleComponent({
      component_ref: 'file:///does/not/exist.wasm',
      component_id: 'missing',
      count: 1,
      host_id: b.id,
      config: [],
      allow_update: false,
    });
    const missing = await events.waitFor(
      (e) => e.name === 'component_scale_failed' && e.data.component_id === 'missing',
      10_000,
    );
    expect(missing.data).toMatchObject({ error: expect.stringMatching(/cannot read \/does\/not\/exist.wasm.*ENOENT/) });

    // A trapping component answers 500 and the host stays up.
    const port = await freePort();
    await client.putConfig('trap-http', { address: `127.0.0.1:${port}` });
    await client.scaleComponent({
      component_ref: trap,
      component_id: 'trap',
      count: 1,
      host_id: b.id,
      config: [],
      allow_update: false,
    });
    await events.waitFor((e) => e.name === 'component_scaled' && e.data.component_id === 'trap', 30_000);
    await client.startProvider({
      provider_id: 'http-b',
      provider_ref: 'wasmcloud+builtin://http-server',
      host_id: b.id,
      config: [],
    });
    await client.putLink({
      source_id: 'http-b',
      target: 'trap',
      name: 'default',
      wit_namespace: 'wasi',
      wit_package: 'http',
      interfaces: ['incoming-handler'],
      source_config: ['trap-http'],
      target_config: [],
    });
    const r = await waitUntil(async () => get(`http://127.0.0.1:${port}/`), 20_000, 'trap endpoint');
    expect(r.status).toBe(500);
    expect((await client.pingHosts()).map((h) => h.id)).toContain(b.id);
  });

  it('a port already in use gives linkdef_set_failed naming the address, and the host keeps running', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()));
    try {
      await client.putConfig('busy-http', { address: `127.0.0.1:${port}` });
      await client.startProvider({
        provider_id: 'http-busy',
        provider_ref: 'wasmcloud+builtin://http-server',
        host_id: b.id,
        config: [],
      });
      await events.waitFor((e) => e.name === 'provider_started' && e.data.provider_id === 'http-busy', 5000);
      expect(
        await client.putLink({
          source_id: 'http-busy',
          target: 'trap',
          name: 'default',
          wit_namespace: 'wasi',
          wit_package: 'http',
          interfaces: ['incoming-handler'],
          source_config: ['busy-http'],
          target_config: [],
        }),
      ).toEqual({ message: 'successfully set link' });
      const failed = await events.waitFor(
        (e) => e.name === 'linkdef_set_failed' && e.data.source_id === 'http-busy',
        5000,
      );
      expect(failed.data).toMatchObject({
        target: 'trap',
        error: expect.stringContaining(`127.0.0.1:${port}: the address is already in use`),
      });
      expect((await client.pingHosts()).map((h) => h.id)).toContain(b.id);
    } finally {
      blocker.close();
    }
  });

  it('SIGTERM stops a host gracefully (host_stopped, exit 0); kill -9 of another leaves the remaining host serving', async () => {
    // c serves hello on a fresh port; d is killed with SIGKILL, e gets SIGTERM.
    const [c, d, e] = await Promise.all([
      spawnHost(nats.url, lattice),
      spawnHost(nats.url, lattice),
      spawnHost(nats.url, lattice),
    ]);
    try {
      const port = await freePort();
      await client.putConfig('survivor-http', { address: `127.0.0.1:${port}` });
      await client.scaleComponent({
        component_ref: v1,
        component_id: 'survivor',
        count: 1,
        host_id: c.id,
        config: [],
        allow_update: false,
      });
      await events.waitFor((ev) => ev.name === 'component_scaled' && ev.data.component_id === 'survivor', 30_000);
      await client.startProvider({
        provider_id: 'http-c',
        provider_ref: 'wasmcloud+builtin://http-server',
        host_id: c.id,
        config: [],
      });
      await client.putLink({
        source_id: 'http-c',
        target: 'survivor',
        name: 'default',
        wit_namespace: 'wasi',
        wit_package: 'http',
        interfaces: ['incoming-handler'],
        source_config: ['survivor-http'],
        target_config: [],
      });
      await waitForBody(`http://127.0.0.1:${port}/`, FIXTURE_BODIES['http-hello-v1']);

      expect(await d.signal('SIGKILL')).toBe('SIGKILL');
      expect(await e.signal('SIGTERM')).toBe(0);
      const stopped = await events.waitFor(
        (ev) => ev.name === 'host_stopped' && ev.source === e.id,
        5000,
        'host_stopped of the SIGTERM host',
      );
      expect(stopped.data).toMatchObject({ labels: { 'hostcore.os': expect.any(String) } });
      expect(events.named('host_stopped').some((ev) => ev.source === d.id)).toBe(false);

      expect(await get(`http://127.0.0.1:${port}/`)).toEqual({ status: 200, body: FIXTURE_BODIES['http-hello-v1'] });
      const alive = (await client.pingHosts()).map((h) => h.id);
      expect(alive).toContain(c.id);
      expect(alive).not.toContain(d.id);
      expect(alive).not.toContain(e.id);
    } finally {
      await Promise.all([c.signal('SIGKILL'), d.signal('SIGKILL'), e.signal('SIGKILL')]);
    }
  });

  it('host.stop over the control interface: replies, publishes host_stopped and the process exits 0', async () => {
    const f = await spawnHost(nats.url, lattice);
    expect(await client.stopHost({ host_id: f.id, timeout: 2000 })).toEqual({
      message: 'successfully handled stop host',
    });
    expect(await f.exited).toBe(0);
    await events.waitFor((ev) => ev.name === 'host_stopped' && ev.source === f.id, 5000);
  });
});
