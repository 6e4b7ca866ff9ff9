/**
 * Built-in messaging-nats end to end: a componentize-js component (js-messaging) exporting
 * wasmcloud:messaging/handler and importing the consumer, on an in-process host with the real jco runtime and a
 * real nats-server; subscriptions from the link's source config, upstream provider ref.
 */
import { pathToFileURL } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WashHost } from '../../../src/host/index.js';
import { defaultRuntimeFactory } from '../../../src/host/runtime-factory.js';
import { natsConnect } from '../../../src/lattice/connect.js';
import { CtlClient } from '../../../src/lattice/ctl-client.js';
import { freePort } from '../../../src/up/nats-server.js';
import { ensureJsFixtures } from '../../helpers/fixtures.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { EventLog, testHost, waitUntil } from '../host/helpers.js';

const lattice = 'caps-msg';
let nats: TestNats;
let nc: NatsConnection;
let client: CtlClient;
let events: EventLog;
let host: WashHost;
let base: string;
const decoder = new TextDecoder();

async function call(method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${base}${path}`, { method, body, signal: AbortSignal.timeout(20_000) });
  return { status: res.status, body: await res.text() };
}

beforeAll(async () => {
  const fixtures = await ensureJsFixtures();
  nats = await startTestNats();
  nc = await natsConnect(nats.url);
  events = await new EventLog(nc, lattice).start();
  client = new CtlClient(nc, { lattice, timeoutMs: 5000, collectMs: 300 });
  host = await testHost(nats.url, lattice, { runtime: defaultRuntimeFactory, rpcTimeoutMs: 1500 });

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  await client.putConfig('msg-http', { address: `127.0.0.1:${port}` });
  await client.putConfig('msg-subs', { subscriptions: 'demo.in, demo.other' });
  await client.scaleComponent({
    component_ref: pathToFileURL(fixtures['js-messaging']).href,
    component_id: 'echo',
    count: 2,
    host_id: host.id,
    config: [],
    allow_update: false,
    annotations: {},
  });
  await events.waitFor(
    (e) => e.name === 'component_scaled' && e.data.component_id === 'echo',
    120_000,
    'component_scaled echo',
  );
  for (const [id, ref] of [
    ['http-server', 'wasmcloud+builtin://http-server'],
    ['messaging', 'ghcr.io/wasmcloud/messaging-nats:0.23.1'],
  ]) {
    await client.startProvider({ provider_id: id, provider_ref: ref, host_id: host.id, config: [] });
    await events.waitFor(
      (e) => e.name === 'provider_started' && e.data.provider_id === id,
      10_000,
      `provider_started ${id}`,
    );
  }
  for (const link of [
    {
      source_id: 'http-server',
      target: 'echo',
      name: 'default',
      wit_namespace: 'wasi',
      wit_package: 'http',
      interfaces: ['incoming-handler'],
      source_config: ['msg-http'],
      target_config: [],
    },
    {
      source_id: 'messaging',
      target: 'echo',
      name: 'default',
      wit_namespace: 'wasmcloud',
      wit_package: 'messaging',
      interfaces: ['handler'],
      source_config: ['msg-subs'],
      target_config: [],
    },
    {
      source_id: 'echo',
      target: 'messaging',
      name: 'default',
      wit_namespace: 'wasmcloud',
      wit_package: 'messaging',
      interfaces: ['consumer'],
      source_config: [],
      target_config: [],
    },
  ]) {
    expect(await client.putLink(link)).toEqual({ message: 'successfully set link' });
  }
  await waitUntil(
    async () => ((await call('GET', '/none').catch(() => undefined))?.status === 404 ? true : undefined),
    30_000,
    'echo served',
  );
}, 240_000);

afterAll(async () => {
  await host?.stop();
  events?.stop();
  await nc?.close();
  await nats?.close();
});

describe('built-in messaging-nats', () => {
  it('delivers messages on the link subscriptions to handle-message; the component answers reply-to through the consumer', async () => {
    const reply = await waitUntil(
      async () => {
        try {
          return await nc.request('demo.in', new TextEncoder().encode('ping'), { timeout: 2000 });
        } catch {
          return undefined; // subscription not in place yet
        }
      },
      20_000,
      'a reply on demo.in',
    );
    expect(decoder.decode(reply.data)).toBe('echo: ping');
    const other = await nc.request('demo.other', new TextEncoder().encode('pong'), { timeout: 5000 });
    expect(decoder.decode(other.data)).toBe('echo: pong');
  });

  it('publishes from the component (handler republishing to <subject>.seen, and over HTTP)', async () => {
    // The handler republishes everything it receives on demo.in, so a late 'ping' of the previous test (one its
    // retry loop gave up on) may show up here first: wait for this test's own message.
    const mine = `no reply wanted ${process.pid}-${Date.now()}`;
    const seen = nc.subscribe('demo.in.seen');
    const fromHttp = nc.subscribe('from.http', { max: 1 });
    await nc.flush();
    nc.publish('demo.in', new TextEncoder().encode(mine));
    expect(await call('POST', '/publish?subject=from.http', 'hello nats')).toEqual({ status: 200, body: 'published' });
    const timer = setTimeout(() => seen.unsubscribe(), 20_000);
    let republished: string | undefined;
    for await (const m of seen) {
      if (decoder.decode(m.data) !== mine) continue;
      republished = mine;
      seen.unsubscribe();
    }
    clearTimeout(timer);
    expect(republished).toBe(mine);
    for await (const m of fromHttp) expect(decoder.decode(m.data)).toBe('hello nats');
  });

  it('consumer.request gets the responder answer; no responder is the interface error string, not a trap', async () => {
    const responder = nc.subscribe('svc.upper', {
      callback: (_e, m) => {
        m.respond(new TextEncoder().encode(decoder.decode(m.data).toUpperCase()));
      },
    });
    await nc.flush();
    expect(await call('POST', '/request?subject=svc.upper', 'shout')).toEqual({ status: 200, body: 'SHOUT' });
    responder.unsubscribe();
    const none = await call('POST', '/request?subject=svc.nobody', 'x');
    expect(none.status).toBe(502);
    expect(none.body.length).toBeGreaterThan(0);
  });

  it('a link config change moves the subscriptions', async () => {
    await client.putConfig('msg-subs', { subscriptions: 'demo.moved' });
    const moved = await waitUntil(
      async () => {
        try {
          return await nc.request('demo.moved', new TextEncoder().encode('m'), { timeout: 1000 });
        } catch {
          return undefined;
        }
      },
      20_000,
      'a reply on demo.moved',
    );
    expect(decoder.decode(moved.data)).toBe('echo: m');
    await expect(nc.request('demo.in', new TextEncoder().encode('x'), { timeout: 1000 })).rejects.toThrow();
  });
});
