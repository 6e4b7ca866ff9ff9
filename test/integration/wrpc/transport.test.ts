import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { connect, createInbox, headers } from '@nats-io/transport-node';
import { WrpcTransport } from '../../../src/wrpc/transport.js';
import { isWrpcError } from '../../../src/wrpc/errors.js';
import type { FunctionType } from '../../../src/wrpc/types.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
const greet: FunctionType = { params: [{ name: 'name', type: 'string' }], results: ['string'] };
const KV_GET: FunctionType = {
  params: [
    { name: 'bucket', type: 'string' },
    { name: 'key', type: 'string' },
  ],
  results: [
    {
      result: {
        ok: { option: { list: 'u8' } },
        err: { variant: [{ name: 'no-such-store' }, { name: 'access-denied' }, { name: 'other', type: 'string' }] },
      },
    },
  ],
};

let nats: TestNats;
let nc: NatsConnection;
let peer: NatsConnection;
let t: WrpcTransport;

beforeAll(async () => {
  nats = await startTestNats();
  nc = await connect({ servers: nats.url });
  peer = await connect({ servers: nats.url });
  t = await WrpcTransport.open(nc);
});

afterAll(async () => {
  t?.close();
  await nc?.close();
  await peer?.close();
  await nats?.close();
});

/** Collects messages on a subject of the raw peer connection. */
function collect(subject: string): { msgs: Msg[]; until: (n: number) => Promise<Msg[]> } {
  const msgs: Msg[] = [];
  const waiters: Array<() => void> = [];
  peer.subscribe(subject, {
    callback: (_e, m) => {
      msgs.push(m);
      waiters.forEach((w) => w());
    },
  });
  return {
    msgs,
    until: (n) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${msgs.length} of ${n} messages on ${subject}`)), 10_000);
        const check = () => {
          if (msgs.length >= n) {
            clearTimeout(timer);
            resolve(msgs);
          }
        };
        waiters.push(check);
        check();
      }),
  };
}

describe('wRPC over NATS transport', () => {
  it('round trip: typed invoke ↔ serve, headers reach the handler', async () => {
    let seen: unknown;
    const served = t.serve('lat.greeter', 'example:greeter/greet@0.1.0', 'greet', greet, ([name], ctx) => {
      seen = ctx;
      return [`Hello, ${name}!`];
    });
    await nc.flush();
    const out = await t.invoke('lat.greeter', 'example:greeter/greet@0.1.0', 'greet', greet, ['wasm'], {
      headers: { 'source-id': 'comp-a', 'link-name': 'custom' },
    });
    expect(out).toEqual(['Hello, wasm!']);
    expect(seen).toMatchObject({
      sourceId: 'comp-a',
      linkName: 'custom',
      instance: 'example:greeter/greet@0.1.0',
      func: 'greet',
    });
    served.stop();
  });

  it('the caller follows the Rust message sequence (§1.3): header + params on T, EOF on Rs.params, results from Rc.results', async () => {
    const subject = 'default.kv-nats.wrpc.0.0.1.wrpc:keyvalue/store@0.2.0-draft.get';
    const rs = createInbox();
    const params = collect(`${rs}.params`);
    peer.subscribe(subject, {
      max: 1,
      callback: (_e, m) => {
        expect(m.headers?.get('source-id')).toBe('hello');
        expect(m.headers?.get('link-name')).toBe('default');
        expect(hex(m.data)).toBe('07 64 65 66 61 75 6c 74 03 66 6f 6f');
        peer.publish(m.reply!, new Uint8Array(), { reply: rs }); // handshake
        void params.until(1).then(() => {
          peer.publish(`${m.reply}.results`, Uint8Array.of(0x00, 0x01));
          peer.publish(`${m.reply}.results`, Uint8Array.of(0x02, 0x01, 0x02)); // a value split across messages
          peer.publish(`${m.reply}.results`, new Uint8Array());
        });
      },
    });
    await peer.flush();
    const out = await t.invoke(
      'default.kv-nats',
      'wrpc:keyvalue/store@0.2.0-draft',
      'get',
      KV_GET,
      ['default', 'foo'],
      {
        headers: { 'source-id': 'hello', 'link-name': 'default' },
      },
    );
    expect(out).toEqual([{ tag: 'ok', val: Uint8Array.of(1, 2) }]);
    expect(params.msgs.map((m) => m.data.length)).toEqual([0]); // everything fitted the first message: only EOF
  });

  it('the server follows the Rust sequence: handshake with a reply subject, results then EOF on Rc.results', async () => {
    const served = t.serve('default.kv', 'wrpc:keyvalue/store@0.2.0-draft', 'get', KV_GET, () => [
      { tag: 'ok', val: Uint8Array.of(1, 2) },
    ]);
    await nc.flush();
    const rc = createInbox();
    const hand = collect(rc);
    const results = collect(`${rc}.results`);
    await peer.flush();
    const h = headers();
    h.set('source-id', 'hello');
    // params split: 3 bytes inline, the rest after the handshake on Rs.params
    peer.publish('default.kv.wrpc.0.0.1.wrpc:keyvalue/store@0.2.0-draft.get', Uint8Array.of(0x07, 0x64, 0x65), {
      reply: rc,
      headers: h,
    });
    const [handshake] = await hand.until(1);
    expect(handshake.data.length).toBe(0);
    expect(handshake.reply).toBeTruthy();
    peer.publish(`${handshake.reply}.params`, Uint8Array.of(0x66, 0x61, 0x75, 0x6c, 0x74, 0x03, 0x66, 0x6f, 0x6f));
    peer.publish(`${handshake.reply}.params`, new Uint8Array());
    const msgs = await results.until(2);
    expect(msgs.map((m) => hex(m.data))).toEqual(['00 01 02 01 02', '']);
    served.stop();
  });

  it('nobody serving the subject is not-found, at once', async () => {
    const err = await t
      .invoke('lat.nobody', 'example:x/y@1.0.0', 'f', greet, ['a'], { timeoutMs: 5_000 })
      .catch((e) => e);
    expect(isWrpcError(err) && err.kind).toBe('not-found');
    expect(String(err.message)).toMatch(/nothing serves example:x\/y@1.0.0.f on lat.nobody/);
  });

  it('a handler that throws closes the results early: failed, and the server reports the error', async () => {
    const errors: unknown[] = [];
    const served = t.serve(
      'lat.bad',
      'example:x/y@1.0.0',
      'f',
      greet,
      () => {
        throw new Error('boom');
      },
      { onError: (e) => errors.push(e) },
    );
    await nc.flush();
    const err = await t.invoke('lat.bad', 'example:x/y@1.0.0', 'f', greet, ['a']).catch((e) => e);
    expect(isWrpcError(err) && err.kind).toBe('failed');
    expect(String(errors[0])).toMatch(/boom/);
    served.stop();
  });

  it('a peer that handshakes but never answers times out with the caller deadline', async () => {
    peer.subscribe('lat.slow.wrpc.0.0.1.f', {
      max: 1,
      callback: (_e, m) => peer.publish(m.reply!, new Uint8Array(), { reply: createInbox() }),
    });
    await peer.flush();
    const err = await t.invoke('lat.slow', '', 'f', greet, ['a'], { timeoutMs: 300 }).catch((e) => e);
    expect(isWrpcError(err) && err.kind).toBe('timeout');
    expect(err.message).toMatch(/no complete results from f on lat.slow within 300 ms/);
  });

  it('zero params and zero results; values larger than max_payload are chunked both ways', async () => {
    let calls = 0;
    const nothing: FunctionType = { params: [], results: [] };
    const s1 = t.serve('lat.z', 'example:z/z', 'ping', nothing, () => {
      calls++;
      return [];
    });
    const echo: FunctionType = { params: [{ name: 'b', type: { list: 'u8' } }], results: [{ list: 'u8' }] };
    const s2 = t.serve('lat.z', 'example:z/z', 'echo', echo, ([b]) => [b]);
    await nc.flush();
    expect(await t.invoke('lat.z', 'example:z/z', 'ping', nothing, [])).toEqual([]);
    expect(calls).toBe(1);
    const big = new Uint8Array(t.maxPayload * 2 + 123).map((_, i) => i & 0xff);
    const [back] = await t.invoke('lat.z', 'example:z/z', 'echo', echo, [big]);
    expect((back as Uint8Array).length).toBe(big.length);
    expect(Buffer.compare(back as Uint8Array, big)).toBe(0);
    s1.stop();
    s2.stop();
  });

  it('bad params (bytes that do not decode) fail that call only', async () => {
    const served = t.serve('lat.d', '', 'f', { params: [{ name: 'b', type: 'bool' }], results: ['bool'] }, ([b]) => [
      !b,
    ]);
    await nc.flush();
    const err = await t.invokeRaw('lat.d', '', 'f', Uint8Array.of(7), ['bool']).catch((e) => e);
    expect(isWrpcError(err) && err.kind).toBe('failed');
    expect(
      await t.invoke('lat.d', '', 'f', { params: [{ name: 'b', type: 'bool' }], results: ['bool'] }, [true]),
    ).toEqual([false]);
    served.stop();
  });
});
