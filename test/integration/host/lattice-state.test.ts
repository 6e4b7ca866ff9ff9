import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WashHost } from '../../../src/host/index.js';
import { natsConnect } from '../../../src/lattice/connect.js';
import { CtlClient } from '../../../src/lattice/ctl-client.js';
import type { Link } from '../../../src/lattice/types.js';
import { freePort } from '../../../src/up/nats-server.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { EventLog, get, testHost, textComponent, waitForBody, waitUntil } from './helpers.js';

/**
 * Two hosts share one lattice (same KV buckets) but listen on different ctl prefixes, so each request can be
 * aimed at one chosen host: what one host writes, the other must read and act on.
 */
const lattice = 'shared';
let nats: TestNats;
let nc: NatsConnection;
let events: EventLog;
let a: WashHost;
let b: WashHost;
let viaA: CtlClient;
let viaB: CtlClient;
const hosts: WashHost[] = [];

const httpLink = (source: string, target: string, config: string[]): Link => ({
  source_id: source,
  target,
  name: 'default',
  wit_namespace: 'wasi',
  wit_package: 'http',
  interfaces: ['incoming-handler'],
  source_config: config,
  target_config: [],
});

beforeAll(async () => {
  nats = await startTestNats();
  nc = await natsConnect(nats.url);
  events = await new EventLog(nc, lattice).start();
  a = await testHost(nats.url, lattice);
  b = await testHost(nats.url, lattice, { ctlTopicPrefix: 'hostb.ctl' });
  hosts.push(a, b);
  viaA = new CtlClient(nc, { lattice, timeoutMs: 5000, collectMs: 300 });
  viaB = new CtlClient(nc, { lattice, prefix: 'hostb.ctl', timeoutMs: 5000, collectMs: 300 });
});

afterAll(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
  events?.stop();
  await nc?.close();
  await nats?.close();
});

describe('wash host: lattice state shared through JetStream KV', () => {
  it('each client reaches only its host (test premise)', async () => {
    expect((await viaA.pingHosts()).map((h) => h.id)).toEqual([a.id]);
    expect((await viaB.pingHosts()).map((h) => h.id)).toEqual([b.id]);
  });

  it('config put through A is read through B; deletes too', async () => {
    await viaA.putConfig('shared-cfg', { greeting: 'hi' });
    expect(await viaB.getConfig('shared-cfg')).toEqual({ greeting: 'hi' });
    await viaB.deleteConfig('shared-cfg');
    expect(await viaA.getConfig('shared-cfg')).toBeUndefined();
  });

  it('a link put through A is served by the provider on B, follows config changes, and is deleted through B', async () => {
    const [port1, port2] = [await freePort(), await freePort()];
    await viaA.putConfig('b-http', { address: `127.0.0.1:${port1}` });
    await viaA.putConfig('b-greeting', { greeting: 'from config' });
    await viaB.scaleComponent({
      component_ref: textComponent('beta'),
      component_id: 'beta',
      count: 1,
      host_id: b.id,
      config: ['b-greeting'],
      allow_update: false,
    });
    await events.waitFor((e) => e.name === 'component_scaled' && e.data.component_id === 'beta', 10_000);
    await viaB.startProvider({
      provider_id: 'http-b',
      provider_ref: 'wasmcloud+builtin://http-server',
      host_id: b.id,
      config: [],
    });
    await events.waitFor((e) => e.name === 'provider_started' && e.data.provider_id === 'http-b', 5000);

    await viaA.putLink(httpLink('http-b', 'beta', ['b-http']));
    await waitForBody(`http://127.0.0.1:${port1}/`, 'beta from config\n');
    expect(await viaB.getLinks()).toEqual([httpLink('http-b', 'beta', ['b-http'])]);

    // Named config is live: new greeting for the component, new address for the link.
    await viaA.putConfig('b-greeting', { greeting: 'updated' });
    await waitForBody(`http://127.0.0.1:${port1}/`, 'beta updated\n');
    await viaA.putConfig('b-http', { address: `127.0.0.1:${port2}` });
    await waitForBody(`http://127.0.0.1:${port2}/`, 'beta updated\n');
    await waitUntil(
      async () => ((await get(`http://127.0.0.1:${port1}/`)) === undefined ? true : undefined),
      5000,
      'old address to close',
    );

    await viaB.deleteLink({ source_id: 'http-b', name: 'default', wit_namespace: 'wasi', wit_package: 'http' });
    expect(await viaA.getLinks()).toEqual([]);
    await waitUntil(
      async () => ((await get(`http://127.0.0.1:${port2}/`)) === undefined ? true : undefined),
      5000,
      'address to close after link.del',
    );
    await viaB.scaleComponent({
      component_ref: textComponent('beta'),
      component_id: 'beta',
      count: 0,
      host_id: b.id,
      config: [],
      allow_update: false,
    });
  });

  it('conflicting links are refused whichever host handles them', async () => {
    await viaA.putLink(httpLink('src', 'one', []));
    await expect(viaB.putLink(httpLink('src', 'two', []))).rejects.toThrow(/link already exists with different target/);
    const failed = await events.waitFor((e) => e.name === 'linkdef_set_failed' && e.data.source_id === 'src', 5000);
    expect(failed.data).toMatchObject({ target: 'two', error: expect.stringMatching(/^link already exists/) });
    await expect(viaB.putLink({ ...httpLink('src', 'one', ['no-such-config']) })).rejects.toThrow(
      /configuration not found: no-such-config/,
    );
    await viaA.deleteLink({ source_id: 'src', name: 'default', wit_namespace: 'wasi', wit_package: 'http' });
  });

  it('KV layout: specs under COMPONENT_{id} with links under the source, config under its name', async () => {
    await viaA.putConfig('layout-cfg', { k: 'v' });
    await viaA.putLink(httpLink('layout-src', 'layout-target', ['layout-cfg']));
    const { jetstream } = await import('@nats-io/jetstream');
    const { Kvm } = await import('@nats-io/kv');
    const kvm = new Kvm(jetstream(nc));
    const latticeKv = await kvm.open(`LATTICEDATA_${lattice}`);
    const spec = (await latticeKv.get('COMPONENT_layout-src'))!.json<{ url: string; links: Link[] }>();
    expect(spec.links).toEqual([httpLink('layout-src', 'layout-target', ['layout-cfg'])]);
    const providerSpec = (await latticeKv.get('COMPONENT_http-b'))!.json<{ url: string }>();
    expect(providerSpec.url).toBe('wasmcloud+builtin://http-server');
    const configKv = await kvm.open(`CONFIGDATA_${lattice}`);
    expect((await configKv.get('layout-cfg'))!.json()).toEqual({ k: 'v' });
  });

  it('a host started later replays links and config before host_started and acts on them', async () => {
    const port = await freePort();
    await viaA.putConfig('late-http', { address: `127.0.0.1:${port}` });
    await viaA.putLink(httpLink('http-late', 'gamma', ['late-http']));
    const c = await testHost(nats.url, lattice, { ctlTopicPrefix: 'hostc.ctl' });
    hosts.push(c);
    await events.waitFor((e) => e.name === 'host_started' && e.source === c.id, 5000, 'host_started of the late host');
    const viaC = new CtlClient(nc, { lattice, prefix: 'hostc.ctl', timeoutMs: 5000 });
    await viaC.scaleComponent({
      component_ref: textComponent('gamma'),
      component_id: 'gamma',
      count: 1,
      host_id: c.id,
      config: [],
      allow_update: false,
    });
    await viaC.startProvider({
      provider_id: 'http-late',
      provider_ref: 'wasmcloud+builtin://http-server',
      host_id: c.id,
      config: [],
    });
    // No link or config request went to C: it serves from the replayed state.
    await waitForBody(`http://127.0.0.1:${port}/`, 'gamma\n');
    await c.stop();
  });
});
