/** CtlClient decoding and error mapping over a scripted stand-in for NatsConnection (no server). */
import { describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { CtlClient, CtlRequestFailed } from '../../../src/lattice/ctl-client.js';
import { UserError } from '../../../src/errors.js';

const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
class NoResponders extends Error {
  override name = 'NoResponders';
}
class RequestError extends Error {
  override name = 'RequestError';
  isNoResponders() {
    return this.cause instanceof NoResponders;
  }
}
class TimeoutError extends Error {
  override name = 'TimeoutError';
}

function fakeNc(opts: { reply?: (subject: string, body: string) => unknown; many?: unknown[]; manyError?: Error }) {
  const sent: Array<{ subject: string; body: string }> = [];
  const nc = {
    getServer: () => '127.0.0.1:4222',
    async request(subject: string, data: Uint8Array) {
      const body = new TextDecoder().decode(data);
      sent.push({ subject, body });
      const r = opts.reply!(subject, body);
      if (r instanceof Error) throw r;
      return { data: enc(r) };
    },
    async requestMany(subject: string, data: Uint8Array) {
      sent.push({ subject, body: new TextDecoder().decode(data) });
      if (opts.manyError) throw opts.manyError;
      const items = opts.many ?? [];
      return (async function* () {
        for (const m of items) yield { data: typeof m === 'string' && m === '' ? new Uint8Array() : enc(m) };
      })();
    },
  };
  return { nc: nc as unknown as NatsConnection, sent };
}

describe('CtlClient decoding', () => {
  it('sends JSON bodies to the right subject and returns payloads', async () => {
    const { nc, sent } = fakeNc({ reply: () => ({ success: true, message: '', response: [{ source_id: 's' }] }) });
    const client = new CtlClient(nc, { lattice: 'lat' });
    expect(await client.getLinks()).toEqual([{ source_id: 's' }]);
    await client.putConfig('c', { a: 'b' });
    expect(sent).toEqual([
      { subject: 'wasmbus.ctl.v1.lat.link.get', body: '' },
      { subject: 'wasmbus.ctl.v1.lat.config.put.c', body: '{"a":"b"}' },
    ]);
  });

  it('maps success:false to CtlRequestFailed with the host message', async () => {
    const { nc } = fakeNc({ reply: () => ({ success: false, message: 'provider with that ID is already running' }) });
    const err = await new CtlClient(nc, { lattice: 'lat' })
      .startProvider({ provider_id: 'p', provider_ref: 'r', host_id: 'N1', config: [] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(CtlRequestFailed);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe(
      'start request for provider p on host N1 failed: provider with that ID is already running',
    );
    expect(err.hostMessage).toBe('provider with that ID is already running');
  });

  it('treats a successful reply without payload as "not found" for config get', async () => {
    const { nc } = fakeNc({ reply: () => ({ success: true, message: 'Configuration not found' }) });
    expect(await new CtlClient(nc, { lattice: 'lat' }).getConfig('x')).toBeUndefined();
  });

  it('renames legacy actors in inventories', async () => {
    const { nc } = fakeNc({
      reply: () => ({ success: true, message: '', response: { actors: [{ id: 'a' }], providers: [], host_id: 'N1' } }),
    });
    const inv = await new CtlClient(nc, { lattice: 'lat' }).getInventory('N1');
    expect(inv.components).toEqual([{ id: 'a' }]);
  });

  it('rejects replies that are not envelopes', async () => {
    const { nc } = fakeNc({ reply: () => 'hello' });
    await expect(new CtlClient(nc, { lattice: 'lat' }).getClaims()).rejects.toThrow(
      /reply to claims query is not valid JSON: .*subject wasmbus.ctl.v1.lat.claims.get/,
    );
  });
});

describe('CtlClient transport errors', () => {
  it('no responders → "no host answered on lattice …" with a wash up hint', async () => {
    const { nc } = fakeNc({ reply: () => new RequestError('no responders', { cause: new NoResponders('x') }) });
    const err = await new CtlClient(nc, { lattice: 'prod' }).getLinks().catch((e) => e);
    expect(err.message).toBe(
      'no host answered on lattice "prod" (link query; subject wasmbus.ctl.v1.prod.link.get; NATS 127.0.0.1:4222)',
    );
    expect(err.suggestion).toMatch(/wash up/);
  });
  it('host-targeted no responders names the host', async () => {
    const { nc } = fakeNc({ reply: () => new RequestError('no responders', { cause: new NoResponders('x') }) });
    const err = await new CtlClient(nc, { lattice: 'prod' }).getInventory('NXYZ').catch((e) => e);
    expect(err.message).toMatch(/^host NXYZ did not answer on lattice "prod"/);
  });
  it('timeouts name the subject and the timeout', async () => {
    const { nc } = fakeNc({ reply: () => new TimeoutError('timeout') });
    const err = await new CtlClient(nc, { lattice: 'prod', timeoutMs: 1234 }).deleteConfig('c').catch((e) => e);
    expect(err.message).toBe(
      'timed out after 1234 ms waiting for a reply on lattice "prod" (config delete "c"; subject wasmbus.ctl.v1.prod.config.del.c; NATS 127.0.0.1:4222)',
    );
    expect(err.suggestion).toMatch(/--timeout-ms/);
  });
});

describe('CtlClient collection', () => {
  it('pingHosts keeps successful replies, skips garbage, stops at an empty payload and dedupes', async () => {
    const host = (id: string) => ({
      success: true,
      message: '',
      response: { id, friendly_name: id, lattice: 'l', labels: {}, uptime_seconds: 1 },
    });
    const { nc } = fakeNc({
      many: [host('N1'), 'garbage', { success: false, message: 'x' }, host('N2'), host('N1'), '', host('N3')],
    });
    const hosts = await new CtlClient(nc, { lattice: 'l' }).pingHosts();
    expect(hosts.map((h) => h.id)).toEqual(['N1', 'N2']);
  });
  it('an auction with no responders is simply empty; first stops early', async () => {
    const { nc } = fakeNc({ manyError: new RequestError('no responders', { cause: new NoResponders('x') }) });
    expect(
      await new CtlClient(nc, { lattice: 'l' }).componentAuction({
        component_ref: 'r',
        component_id: 'c',
        constraints: {},
      }),
    ).toEqual([]);
    const ack = (h: string) => ({
      success: true,
      message: '',
      response: { host_id: h, component_ref: 'r', component_id: 'c', constraints: {} },
    });
    const { nc: nc2 } = fakeNc({ many: [ack('N1'), ack('N2')] });
    expect(
      (
        await new CtlClient(nc2, { lattice: 'l' }).componentAuction(
          { component_ref: 'r', component_id: 'c', constraints: {} },
          { first: true },
        )
      ).map((a) => a.host_id),
    ).toEqual(['N1']);
  });
});
