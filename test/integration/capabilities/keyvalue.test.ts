/**
 * Built-in capabilities end to end: a real componentize-js component (js-keyvalue) on an in-process host with
 * the real jco runtime, a real nats-server (JetStream KV) and a real redis-server, reached through the
 * built-in http-server over real HTTP. Upstream provider refs and link config keys throughout.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WashHost } from '../../../src/host/index.js';
import { defaultRuntimeFactory } from '../../../src/host/runtime-factory.js';
import { natsConnect } from '../../../src/lattice/connect.js';
import { CtlClient } from '../../../src/lattice/ctl-client.js';
import type { Link } from '../../../src/lattice/types.js';
import { freePort } from '../../../src/up/nats-server.js';
import { ensureJsFixtures } from '../../helpers/fixtures.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { startTestRedis, type TestRedis } from '../../helpers/redis.js';
import { EventLog, testHost, waitUntil } from '../host/helpers.js';
import { type ServedApp, serveApp, startProvider as startProvider_ } from './served-app.js';

const lattice = 'caps';
const RPC_TIMEOUT_MS = 1500;

let nats: TestNats;
let redis: TestRedis;
let redisDirect: Redis;
let nc: NatsConnection;
let client: CtlClient;
let events: EventLog;
let host: WashHost;
let call: ServedApp['call'];
let componentV1: string;
let componentV2: string;
let upstream: Server;
let upstreamPort: number;

function kvLink(name: string, target: string, config: string[]): Link {
  return {
    source_id: 'kvapp',
    target,
    name,
    wit_namespace: 'wasi',
    wit_package: 'keyvalue',
    interfaces: ['store', 'atomics', 'batch'],
    source_config: [],
    target_config: config,
  };
}

const startProvider = (id: string, ref: string) => startProvider_(client, events, host, id, ref);

async function natsValue(bucket: string, key: string): Promise<string | undefined> {
  const { jetstream } = await import('@nats-io/jetstream');
  const { Kvm } = await import('@nats-io/kv');
  const kv = await new Kvm(jetstream(nc)).open(bucket);
  const entry = await kv.get(key);
  return entry && entry.operation === 'PUT' ? entry.string() : undefined;
}

beforeAll(async () => {
  const fixtures = await ensureJsFixtures();
  const dir = mkdtempSync(join(tmpdir(), 'wash-caps-'));
  componentV1 = pathToFileURL(join(dir, 'kv-v1.wasm')).href;
  componentV2 = pathToFileURL(join(dir, 'kv-v2.wasm')).href;
  copyFileSync(fixtures['js-keyvalue'], join(dir, 'kv-v1.wasm'));
  copyFileSync(fixtures['js-keyvalue'], join(dir, 'kv-v2.wasm'));

  [nats, redis] = await Promise.all([startTestNats(), startTestRedis()]);
  redisDirect = new Redis(redis.url, { lazyConnect: true });
  await redisDirect.connect();
  nc = await natsConnect(nats.url);
  events = await new EventLog(nc, lattice).start();
  client = new CtlClient(nc, { lattice, timeoutMs: 5000, collectMs: 300 });
  host = await testHost(nats.url, lattice, {
    runtime: defaultRuntimeFactory,
    rpcTimeoutMs: RPC_TIMEOUT_MS,
    maxExecutionTimeMs: 20_000,
  });

  upstream = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`upstream saw ${req.method} ${req.url}`);
  });
  upstreamPort = await new Promise<number>((resolve) =>
    upstream.listen(0, '127.0.0.1', () => resolve((upstream.address() as { port: number }).port)),
  );

  await client.putConfig('cache-config', { bucket: 'cache', enable_bucket_auto_create: 'true' });
  await client.putConfig('sessions-config', { URL: redis.url });
  await client.putConfig('fetch-config', { allowed_hosts: `127.0.0.1:${upstreamPort}` });

  ({ call } = await serveApp(client, events, host, {
    componentId: 'kvapp',
    componentRef: componentV1,
    count: 4,
    readyPath: '/none',
    callTimeoutMs: 20_000,
  }));
  await startProvider('kv-nats', 'ghcr.io/wasmcloud/keyvalue-nats:0.3.1');
  await startProvider('kv-redis', 'ghcr.io/wasmcloud/keyvalue-redis:0.28.1');
  await startProvider('kv-memory', 'wasmcloud+builtin://keyvalue-inmemory');
  await startProvider('http-client', 'ghcr.io/wasmcloud/http-client:0.12.1');
  for (const link of [
    kvLink('cache', 'kv-nats', ['cache-config']),
    kvLink('sessions', 'kv-redis', ['sessions-config']),
    {
      source_id: 'kvapp',
      target: 'http-client',
      name: 'default',
      wit_namespace: 'wasi',
      wit_package: 'http',
      interfaces: ['outgoing-handler'],
      source_config: [],
      target_config: ['fetch-config'],
    },
  ]) {
    expect(await client.putLink(link)).toEqual({ message: 'successfully set link' });
  }
}, 240_000);

afterAll(async () => {
  await host?.stop();
  events?.stop();
  await nc?.close();
  redisDirect?.disconnect();
  upstream?.close();
  await Promise.all([nats?.close(), redis?.close()]);
});

describe('built-in keyvalue: named links to NATS KV and Redis from one component', () => {
  it('each write lands in the store its link names, nothing crosses over', async () => {
    expect(await call('PUT', '/kv/cache/greeting', 'from cache')).toEqual({ status: 200, body: 'ok\n' });
    expect(await call('PUT', '/kv/sessions/greeting', 'from sessions')).toEqual({ status: 200, body: 'ok\n' });
    expect(await call('PUT', '/kv/cache/only-in-cache', 'c')).toEqual({ status: 200, body: 'ok\n' });

    expect(await natsValue('cache', 'greeting')).toBe('from cache');
    expect(await redisDirect.get('greeting')).toBe('from sessions');
    expect(await redisDirect.exists('only-in-cache')).toBe(0);
    expect(await natsValue('cache', 'only-in-sessions')).toBeUndefined();

    expect(await call('GET', '/kv/cache/greeting')).toEqual({ status: 200, body: 'from cache' });
    expect(await call('GET', '/kv/sessions/greeting')).toEqual({ status: 200, body: 'from sessions' });
    expect(await call('GET', '/kv/sessions/only-in-cache')).toEqual({ status: 404, body: 'not found\n' });
    expect(await call('GET', '/exists/cache/only-in-cache')).toEqual({ status: 200, body: 'true' });
    expect(await call('GET', '/exists/sessions/only-in-cache')).toEqual({ status: 200, body: 'false' });
  });

  it('an identifier with no link of that name and no default link is the interface error listing the names', async () => {
    const res = await call('GET', '/kv/elsewhere/greeting');
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body)).toEqual({
      tag: 'other',
      val: "no wasi:keyvalue link named 'elsewhere' and no 'default' link: its wasi:keyvalue links are named cache, sessions",
    });
  });

  it('link.put refuses a second backend under a name already used, and a name that is not a DNS label', async () => {
    const mark = events.mark();
    // Overlapping interfaces: wasmCloud v1's conflict; disjoint ones: the named-link rule.
    await expect(client.putLink(kvLink('cache', 'kv-redis', ['sessions-config']))).rejects.toThrow(
      'link already exists with different target',
    );
    await expect(
      client.putLink({ ...kvLink('cache', 'kv-redis', ['sessions-config']), interfaces: ['watcher'] }),
    ).rejects.toThrow(
      "kvapp already links wasi:keyvalue to kv-nats under the name 'cache'; a second backend of the same package needs its own link name",
    );
    await expect(client.putLink(kvLink('My_Cache', 'kv-redis', ['sessions-config']))).rejects.toThrow(
      "link name 'My_Cache' is not a valid DNS label",
    );
    await events.waitFor(
      (e) => e.name === 'linkdef_set_failed' && e.data.name === 'My_Cache',
      5000,
      'linkdef_set_failed',
    );
    expect(events.since(mark).filter((e) => e.name === 'linkdef_set_failed')).toHaveLength(3);
    expect(await call('GET', '/kv/cache/greeting')).toEqual({ status: 200, body: 'from cache' });
  });

  it('atomics, batch and list-keys work on both backends; increments from concurrent requests on several instances all count', async () => {
    for (const store of ['cache', 'sessions']) {
      const results = await Promise.all(Array.from({ length: 24 }, () => call('POST', `/incr/${store}/hits?by=2`)));
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(results.map((r) => Number(r.body)).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 24 }, (_, i) => 2 * (i + 1)),
      );
      expect(await call('GET', `/kv/${store}/hits`)).toEqual({ status: 200, body: '48' });

      expect(await call('POST', `/batch/${store}`, JSON.stringify({ b1: 'one', b2: 'two' }))).toEqual({
        status: 200,
        body: 'ok\n',
      });
      expect(JSON.parse((await call('GET', `/batch/${store}?keys=b1,b2,missing`)).body)).toEqual({
        b1: 'one',
        b2: 'two',
        missing: null,
      });
      expect(await call('DELETE', `/batch/${store}?keys=b1`)).toEqual({ status: 200, body: 'deleted\n' });
      expect(JSON.parse((await call('GET', `/keys/${store}`)).body)).toEqual(
        expect.arrayContaining(['b2', 'greeting', 'hits']),
      );
      expect(JSON.parse((await call('GET', `/keys/${store}`)).body)).not.toContain('b1');
    }
    expect(await redisDirect.get('hits')).toBe('48');
    expect(await natsValue('cache', 'hits')).toBe('48');
    const stats = (host as unknown as { inventory(): { components: { max_instances: number }[] } }).inventory();
    expect(stats.components[0].max_instances).toBe(4);
  });

  it('data survives a component update (new instances read what the old ones wrote)', async () => {
    expect(await call('PUT', '/kv/sessions/before-update', 'kept')).toEqual({ status: 200, body: 'ok\n' });
    const mark = events.mark();
    await client.updateComponent({
      component_id: 'kvapp',
      new_component_ref: componentV2,
      host_id: host.id,
      annotations: {},
    });
    await waitUntil(
      async () =>
        events.since(mark).some((e) => e.name === 'component_scaled' && e.data.image_ref === componentV2)
          ? true
          : undefined,
      120_000,
      'update to v2',
    );
    expect(await call('GET', '/kv/sessions/before-update')).toEqual({ status: 200, body: 'kept' });
    expect(await call('GET', '/kv/cache/greeting')).toEqual({ status: 200, body: 'from cache' });
  });

  it('a backend that stops answering is bounded by the link timeout and reaches the guest as error::other; the host keeps serving', async () => {
    redis.pause();
    try {
      const started = Date.now();
      const slow = call('GET', '/kv/sessions/greeting');
      // Meanwhile the other backend answers through another instance.
      expect(await call('GET', '/kv/cache/greeting')).toEqual({ status: 200, body: 'from cache' });
      const res = await slow;
      const elapsed = Date.now() - started;
      expect(res.status).toBe(502);
      expect(JSON.parse(res.body)).toMatchObject({
        tag: 'other',
        val: expect.stringMatching(
          /keyvalue link 'sessions' to kv-redis \(keyvalue-redis\) \(get\) did not answer within 1500 ms|Command timed out/,
        ),
      });
      expect(elapsed).toBeGreaterThanOrEqual(RPC_TIMEOUT_MS - 100);
      expect(elapsed).toBeLessThan(15_000);
    } finally {
      redis.resume();
    }
    await waitUntil(
      async () => ((await call('GET', '/kv/sessions/greeting')).body === 'from sessions' ? true : undefined),
      20_000,
      'redis answering again',
    );
  });

  it('a link to the in-memory provider named default serves every other identifier; its data is shared across instances', async () => {
    expect(await client.putLink(kvLink('default', 'kv-memory', []))).toEqual({ message: 'successfully set link' });
    await waitUntil(
      async () => ((await call('PUT', '/kv/anything/m', 'memory')).status === 200 ? true : undefined),
      10_000,
      'default link applied',
    );
    const reads = await Promise.all(Array.from({ length: 8 }, () => call('GET', '/kv/other-name/m')));
    expect(reads.every((r) => r.status === 200 && r.body === 'memory')).toBe(true);
    expect(await redisDirect.exists('m')).toBe(0);
    expect(await natsValue('cache', 'm')).toBeUndefined();
    // named links still win over the default
    expect(await call('GET', '/kv/sessions/greeting')).toEqual({ status: 200, body: 'from sessions' });
  });
});

describe('built-in http-client: outgoing HTTP limited to the link allow-list', () => {
  it('an allowed host is reached; the response comes back to the guest', async () => {
    expect(await call('GET', `/fetch?url=${encodeURIComponent(`http://127.0.0.1:${upstreamPort}/hello?x=1`)}`)).toEqual(
      { status: 200, body: '200\nupstream saw GET /hello?x=1' },
    );
  });

  it('a host outside the allow-list gets HTTP-request-denied without a connection attempt', async () => {
    const denied = await call('GET', `/fetch?url=${encodeURIComponent(`http://localhost:${upstreamPort}/`)}`);
    expect(denied.status).toBe(502);
    expect(JSON.parse(denied.body)).toEqual({ tag: 'HTTP-request-denied' });
  });

  it('a refused connection is connection-refused', async () => {
    const closedPort = await freePort();
    await client.putConfig('fetch-config', { allowed_hosts: `127.0.0.1:${upstreamPort},127.0.0.1:${closedPort}` });
    const res = await waitUntil(
      async () => {
        const r = await call('GET', `/fetch?url=${encodeURIComponent(`http://127.0.0.1:${closedPort}/`)}`);
        return JSON.parse(r.body).tag === 'HTTP-request-denied' ? undefined : r;
      },
      10_000,
      'allow-list update applied',
    );
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body)).toEqual({ tag: 'connection-refused' });
  });
});
