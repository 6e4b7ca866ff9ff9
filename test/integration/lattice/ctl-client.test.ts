import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { natsConnect } from '../../../src/lattice/connect.js';
import { CtlClient, CtlRequestFailed, waitForEvent } from '../../../src/lattice/ctl-client.js';
import { buildEvent, encodeEvent, isEvent } from '../../../src/lattice/events.js';
import { eventSubject } from '../../../src/lattice/subjects.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { simHostId, startSimHost, type SimHost } from '../../../src/testing/sim-host.js';

let nats: TestNats;
let nc: NatsConnection;
let host: SimHost;
const H = simHostId('a');

beforeAll(async () => {
  nats = await startTestNats();
  nc = await natsConnect(nats.url);
  host = await startSimHost(nc, { id: H, lattice: 'lat1', labels: { zone: 'east' }, auctions: true });
});
afterAll(async () => {
  await host?.stop();
  await nc?.close();
  await nats?.close();
});

const client = () => new CtlClient(nc, { lattice: 'lat1', timeoutMs: 1000, collectMs: 500 });

describe('CtlClient against a simulated host', () => {
  it('pings hosts and reads inventories', async () => {
    const hosts = await client().pingHosts();
    expect(hosts.map((h) => h.id)).toEqual([H]);
    expect(hosts[0].labels.zone).toBe('east');
    const inv = await client().getInventory(H);
    expect(inv.host_id).toBe(H);
    expect(inv.components).toEqual([]);
  });

  it('returns no hosts on an empty lattice and reports no responders clearly', async () => {
    const other = new CtlClient(nc, { lattice: 'empty', timeoutMs: 500, collectMs: 300 });
    expect(await other.pingHosts()).toEqual([]);
    await expect(other.getLinks()).rejects.toThrow(/no host answered on lattice "empty"/);
    await expect(other.getInventory(H)).rejects.toThrow(new RegExp(`host ${H} did not answer`));
  });

  it('round-trips config and reports missing config as undefined', async () => {
    await client().putConfig('cfg1', { a: '1' });
    expect(await client().getConfig('cfg1')).toEqual({ a: '1' });
    await client().deleteConfig('cfg1');
    expect(await client().getConfig('cfg1')).toBeUndefined();
  });

  it('turns success:false into CtlRequestFailed with the host message', async () => {
    const err = await client()
      .putLabel(H, 'hostcore.os', 'x')
      .catch((e) => e);
    expect(err).toBeInstanceOf(CtlRequestFailed);
    expect(err.message).toMatch(
      /label put "hostcore.os" on host .* failed: hostcore\.\* labels cannot be set dynamically/,
    );
  });

  it('collects auction acks honouring constraints, and stops at the first when asked', async () => {
    const req = { component_ref: 'r', component_id: 'c9', constraints: { zone: 'east' } };
    const started = Date.now();
    const acks = await client().componentAuction(req, { first: true, timeoutMs: 3000 });
    expect(acks.map((a) => a.host_id)).toEqual([H]);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await client().componentAuction({ ...req, constraints: { zone: 'west' } })).toEqual([]);
  });

  it('times out with the subject and a hint when a responder never answers', async () => {
    // subscribed but silent: the request reaches a responder that never replies
    const sub2 = nc.subscribe('wasmbus.ctl.v1.lat1.silent.probe');
    try {
      const err = await new CtlClient(nc, { lattice: 'lat1', timeoutMs: 300 })
        .request('wasmbus.ctl.v1.lat1.silent.probe', undefined, 'silent probe')
        .catch((e) => e);
      expect(err.message).toMatch(
        /timed out after 300 ms waiting for a reply on lattice "lat1" \(silent probe; subject wasmbus.ctl.v1.lat1.silent.probe/,
      );
      expect(err.suggestion).toMatch(/--timeout-ms/);
    } finally {
      sub2.unsubscribe();
    }
  });
});

describe('waitForEvent', () => {
  it('catches an event published right after arming (subscribe-before-request)', async () => {
    const handle = await waitForEvent(
      nc,
      'lat1',
      (e) => isEvent(e, 'config_set') && e.data.config_name === 'x1',
      1000,
      { names: ['config_set'] },
    );
    nc.publish(eventSubject('lat1', 'config_set'), encodeEvent(buildEvent('config_set', { config_name: 'x1' }, H)));
    await nc.flush();
    await new Promise((r) => setTimeout(r, 50)); // the event arrives before wait() is called
    const evt = await handle.wait();
    expect(evt.name).toBe('config_set');
  });

  it('ignores non-matching and malformed events, and names what it awaited on timeout', async () => {
    const handle = await waitForEvent(
      nc,
      'lat1',
      (e) => isEvent(e, 'config_set') && e.data.config_name === 'never',
      300,
      { awaiting: 'config_set for "never"' },
    );
    nc.publish(eventSubject('lat1', 'config_set'), encodeEvent(buildEvent('config_set', { config_name: 'other' }, H)));
    nc.publish(eventSubject('lat1', 'config_set'), new TextEncoder().encode('garbage'));
    const err = await handle.wait().catch((e) => e);
    expect(err.message).toBe('timed out after 300 ms waiting for config_set for "never" on lattice "lat1"');
    expect(err.suggestion).toMatch(/wash get inventory/);
  });
});
