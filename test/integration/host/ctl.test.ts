import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WashHost } from '../../../src/host/index.js';
import { natsConnect } from '../../../src/lattice/connect.js';
import { CtlClient } from '../../../src/lattice/ctl-client.js';
import { ctlSubject } from '../../../src/lattice/subjects.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { EventLog, testHost, textComponent } from './helpers.js';

const lattice = 'ctl';
let nats: TestNats;
let nc: NatsConnection;
let events: EventLog;
let client: CtlClient;
let eu: WashHost;
let us: WashHost;

beforeAll(async () => {
  nats = await startTestNats();
  nc = await natsConnect(nats.url);
  events = await new EventLog(nc, lattice).start();
  client = new CtlClient(nc, { lattice, timeoutMs: 5000, collectMs: 400 });
  [eu, us] = await Promise.all([
    testHost(nats.url, lattice, { labels: { region: 'eu' } }),
    testHost(nats.url, lattice, { labels: { region: 'us' } }),
  ]);
});

afterAll(async () => {
  await Promise.all([eu?.stop(), us?.stop()]);
  events?.stop();
  await nc?.close();
  await nats?.close();
});

/** A raw request: payload bytes as given, reply envelope parsed. */
async function raw(tail: string, payload: string): Promise<Record<string, unknown>> {
  const msg = await nc.request(
    ctlSubject('wasmbus.ctl', lattice, ...tail.split('.')),
    new TextEncoder().encode(payload),
    { timeout: 5000 },
  );
  return JSON.parse(new TextDecoder().decode(msg.data)) as Record<string, unknown>;
}

describe('wash host: control interface', () => {
  it('garbage payloads get error envelopes (no response key) and the host stays up', async () => {
    const cases: Array<[string, string, RegExp]> = [
      [`component.scale.${eu.id}`, '{not json', /not valid JSON/],
      [`component.scale.${eu.id}`, '[1,2,3]', /expected a JSON object/],
      [`component.scale.${eu.id}`, '{"component_id": 5, "component_ref": "x"}', /component_id/],
      [`component.scale.${eu.id}`, '{"component_id": "x", "count": -1}', /count/],
      [`component.update.${eu.id}`, '"just a string"', /expected a JSON object/],
      [`provider.start.${eu.id}`, '{"provider_id": ["x"]}', /provider_id/],
      [`label.put.${eu.id}`, '{"key": "a"}', /value/],
      [`host.stop.${eu.id}`, '{"timeout": "soon"}', /timeout/],
      ['link.put', '{}', /source_id/],
      [
        'link.put',
        '{"source_id":"a","target":"b","wit_namespace":"wasi","wit_package":"http","interfaces":"incoming-handler"}',
        /interfaces/,
      ],
      ['link.del', 'null', /expected a JSON object/],
      ['link.del', '{"source_id": "a"}', /wit_namespace/],
      ['config.put.bad', '{"a": 1}', /string/],
      ['config.put.bad', '', /JSON object/],
      [`host.frobnicate.${eu.id}`, '', /^unsupported subject$/],
      ['config.put.a.b', '{}', /^unsupported subject$/],
    ];
    for (const [tail, payload, message] of cases) {
      const reply = await raw(tail, payload);
      expect(reply, `${tail} ${payload}`).toEqual({ success: false, message: expect.stringMatching(message) });
    }
    expect((await client.pingHosts()).map((h) => h.id).sort()).toEqual([eu.id, us.id].sort());
    expect(events.named('component_scaled').concat(events.named('component_scale_failed'))).toEqual([]);
  });

  it('labels: put/del emit labels_changed with the full map; hostcore.* put refused, delete allowed (wasmCloud 1.9); pings show the change', async () => {
    expect(await client.putLabel(eu.id, 'tier', 'gold')).toEqual({ message: 'successfully put label' });
    const changed = await events.waitFor((e) => e.name === 'labels_changed' && e.source === eu.id, 5000);
    expect(changed.data).toEqual({ host_id: eu.id, labels: { ...eu.labels(), tier: 'gold' } });
    expect((changed.data as { labels: Record<string, string> }).labels).toMatchObject({
      region: 'eu',
      tier: 'gold',
      'hostcore.arch': expect.any(String),
      'hostcore.os': expect.any(String),
      'hostcore.osfamily': expect.any(String),
    });
    expect((await client.pingHosts()).find((h) => h.id === eu.id)?.labels.tier).toBe('gold');

    await expect(client.putLabel(eu.id, 'HOSTCORE.os', 'plan9')).rejects.toThrow(
      /failed: hostcore\.\* labels cannot be set dynamically$/,
    );
    expect(eu.labels()['hostcore.os']).not.toBe('plan9');
    expect(await client.deleteLabel(eu.id, 'hostcore.osfamily')).toEqual({ message: 'successfully deleted label' });
    expect(eu.labels()['hostcore.osfamily']).toBeUndefined();

    expect(await client.deleteLabel(eu.id, 'tier')).toEqual({ message: 'successfully deleted label' });
    expect(await client.deleteLabel(eu.id, 'tier')).toEqual({ message: 'successfully deleted label (no such label)' });
    expect(eu.labels().tier).toBeUndefined();
    expect(events.named('labels_changed').filter((e) => e.source === eu.id)).toHaveLength(3);
  });

  it('auctions: only hosts whose labels match every constraint and that do not run the id answer', async () => {
    const ids = async (constraints: Record<string, string>, id = 'auctioned') =>
      (await client.componentAuction({ component_ref: 'file:///x.wasm', component_id: id, constraints }))
        .map((ack) => ack.host_id)
        .sort();
    expect(await ids({})).toEqual([eu.id, us.id].sort());
    expect(await ids({ region: 'eu' })).toEqual([eu.id]);
    expect(await ids({ region: 'eu', tier: 'gold' })).toEqual([]);
    await client.putLabel(eu.id, 'tier', 'gold');
    expect(await ids({ region: 'eu', tier: 'gold' })).toEqual([eu.id]);
    await client.deleteLabel(eu.id, 'tier');

    const acks = await client.componentAuction({
      component_ref: 'file:///x.wasm',
      component_id: 'auctioned',
      constraints: { region: 'us' },
    });
    expect(acks).toEqual([
      { component_ref: 'file:///x.wasm', component_id: 'auctioned', host_id: us.id, constraints: { region: 'us' } },
    ]);

    await client.scaleComponent({
      component_ref: textComponent('auctioned'),
      component_id: 'auctioned',
      count: 1,
      host_id: us.id,
      config: [],
      allow_update: false,
    });
    await events.waitFor((e) => e.name === 'component_scaled' && e.data.component_id === 'auctioned', 5000);
    expect(await ids({})).toEqual([eu.id]);

    await client.startProvider({
      provider_id: 'p-auction',
      provider_ref: 'wasmcloud+builtin://http-server',
      host_id: eu.id,
      config: [],
    });
    await events.waitFor((e) => e.name === 'provider_started' && e.data.provider_id === 'p-auction', 5000);
    const packs = await client.providerAuction({
      provider_ref: 'wasmcloud+builtin://http-server',
      provider_id: 'p-auction',
      constraints: {},
    });
    expect(packs).toEqual([
      { host_id: us.id, provider_ref: 'wasmcloud+builtin://http-server', provider_id: 'p-auction', constraints: {} },
    ]);
  });

  it('providers: health events, unsupported refs, duplicates, stop', async () => {
    await client.startProvider({
      provider_id: 'http-health',
      provider_ref: 'wasmcloud+builtin://http-server',
      host_id: us.id,
      config: [],
    });
    const passed = await events.waitFor(
      (e) => e.name === 'health_check_passed' && e.data.provider_id === 'http-health',
      5000,
    );
    expect(passed.data).toEqual({ host_id: us.id, provider_id: 'http-health' });
    await events.waitFor((e) => e.name === 'health_check_status' && e.data.provider_id === 'http-health', 5000);
    expect(
      events
        .named('health_check_passed')
        .filter((e) => (e.data as { provider_id?: string }).provider_id === 'http-health'),
    ).toHaveLength(1);

    await expect(
      client.startProvider({
        provider_id: 'http-health',
        provider_ref: 'wasmcloud+builtin://http-server',
        host_id: us.id,
        config: [],
      }),
    ).rejects.toThrow(/provider with that ID is already running/);

    // keyvalue-redis is built in now (test/integration/capabilities); a provider that is not stays unsupported.
    expect(
      await client.startProvider({
        provider_id: 's3',
        provider_ref: 'ghcr.io/wasmcloud/blobstore-s3:0.10.0',
        host_id: us.id,
        config: [],
      }),
    ).toEqual({ message: 'successfully started provider' });
    const failed = await events.waitFor((e) => e.name === 'provider_start_failed' && e.data.provider_id === 's3', 5000);
    expect(failed.data).toEqual({
      provider_ref: 'ghcr.io/wasmcloud/blobstore-s3:0.10.0',
      provider_id: 's3',
      host_id: us.id,
      link_name: 'default',
      error: expect.stringContaining('OCI provider archives are not supported yet'),
    });

    expect(await client.stopProvider({ host_id: us.id, provider_id: 'http-health' })).toEqual({
      message: 'successfully stopped provider',
    });
    const stopped = await events.waitFor(
      (e) => e.name === 'provider_stopped' && e.data.provider_id === 'http-health',
      5000,
    );
    expect(stopped.data).toEqual({
      host_id: us.id,
      provider_id: 'http-health',
      annotations: {},
      reason: 'stop',
      instance_id: 'http-health',
      public_key: 'http-health',
      link_name: 'default',
    });
    await expect(client.stopProvider({ host_id: us.id, provider_id: 'http-health' })).rejects.toThrow(/not running/);
    expect((await client.getInventory(us.id)).providers.map((p) => p.id)).not.toContain('http-health');
  });

  it('host.stop: replies, stops, publishes host_stopped, resolves closed', async () => {
    const doomed = await testHost(nats.url, lattice, { labels: { doomed: 'yes' } });
    await events.waitFor((e) => e.name === 'host_started' && e.source === doomed.id, 5000);
    expect(await client.stopHost({ host_id: doomed.id })).toEqual({ message: 'successfully handled stop host' });
    const stopped = await doomed.closed;
    expect(stopped).toMatchObject({ host_id: doomed.id, reason: 'host.stop', lattice });
    const ev = await events.waitFor((e) => e.name === 'host_stopped' && e.source === doomed.id, 5000);
    expect(ev.data).toEqual({ labels: doomed.labels() });
    expect((await client.pingHosts()).map((h) => h.id)).not.toContain(doomed.id);
  });

  it('start-up refuses hostcore.* labels and bad seeds', async () => {
    await expect(testHost(nats.url, lattice, { labels: { 'hostcore.os': 'x' } })).rejects.toThrow(
      /reserved for the host/,
    );
    await expect(testHost(nats.url, lattice, { hostSeed: 'SXNOTASEED' })).rejects.toThrow(/--host-seed/);
  });

  it('start-up without JetStream fails with an actionable error', async () => {
    const { spawn } = await import('node:child_process');
    const { findNatsServer, freePort, tcpReachable } = await import('../../../src/up/nats-server.js');
    const port = await freePort();
    const plain = spawn(findNatsServer()!, ['-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    try {
      while (!(await tcpReachable('127.0.0.1', port))) await new Promise((r) => setTimeout(r, 25));
      await expect(testHost(`nats://127.0.0.1:${port}`, lattice)).rejects.toMatchObject({
        message: expect.stringMatching(/cannot create or open the JetStream KV bucket LATTICEDATA_ctl/),
        suggestion: expect.stringMatching(/-js/),
      });
    } finally {
      plain.kill('SIGKILL');
    }
  });

  it('a host seed fixes the host id', async () => {
    const { createServer } = await import('@nats-io/nkeys');
    const kp = createServer();
    const h = await testHost(nats.url, lattice, { hostSeed: new TextDecoder().decode(kp.getSeed()) });
    try {
      expect(h.id).toBe(kp.getPublicKey());
    } finally {
      await h.stop();
    }
  });
});
