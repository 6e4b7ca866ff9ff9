// Components' custom interfaces across two wash hosts on one lattice, with real guests in the real jco
// runtime: host A runs `front` (calc-http: HTTP handler whose import example:calc/calc is linked to `calc`)
// and `sink` (calc-sink: exports example:calc/host); host B runs `calc` (calc: exports example:calc/calc,
// imports example:calc/host linked to `sink`). An HTTP request to front makes front's guest suspend (JSPI)
// in its wRPC import, host B's runtime runs calc's export, whose own import goes back to host A's sink.
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WashHost } from '../../../src/host/index.js';
import { defaultRuntimeFactory } from '../../../src/host/runtime-factory.js';
import type { CtlClient } from '../../../src/lattice/ctl-client.js';
import { isWrpcError } from '../../../src/wrpc/errors.js';
import type { WrpcTransport } from '../../../src/wrpc/transport.js';
import { fixturePath } from '../../helpers/fixtures.js';
import { get, waitUntil } from '../host/helpers.js';
import { calcAddSig, calcLink, startTestLattice, type TestLattice } from './lattice.js';

const lattice = 'twohosts';

const ref = (name: 'calc' | 'calc-sink' | 'calc-http') => pathToFileURL(fixturePath(name)).href;
let lat: TestLattice;
let client: CtlClient;
let hostA: WashHost;
let hostB: WashHost;
let caller: WrpcTransport;
let url: string;

const scale = (hostId: string, id: string, componentRef: string, count: number) =>
  lat.scale(hostId, id, componentRef, count);

beforeAll(async () => {
  const options = { runtime: defaultRuntimeFactory, rpcTimeoutMs: 3000 };
  lat = await startTestLattice(lattice, [options, options]);
  ({ client, transport: caller } = lat);
  [hostA, hostB] = lat.hosts;
  await Promise.all([
    scale(hostA.id, 'front', ref('calc-http'), 1),
    scale(hostA.id, 'sink', ref('calc-sink'), 1),
    scale(hostB.id, 'calc', ref('calc'), 2),
  ]);
  url = await lat.serveHttp(hostA.id, 'http-a', 'front');
  await waitUntil(async () => get(url), 20_000, 'front served over HTTP');
}, 120_000);

afterAll(async () => {
  await lat?.close();
});

describe('two hosts: component → component over wRPC, real guests', () => {
  it("without links front's import has no target: that request gets a 500 and the host keeps serving", async () => {
    expect((await get(url))?.status).toBe(500);
    const err = await caller
      .invoke(`${lattice}.calc`, 'example:calc/calc@0.1.0', 'add', calcAddSig, [1, 2], {
        headers: { 'source-id': 'wash' },
        timeoutMs: 5000,
      })
      .catch((e) => e);
    expect(isWrpcError(err) && err.kind).toBe('failed');
    expect((await get(url))?.status).toBe(500);
    expect((await client.pingHosts()).map((h) => h.id).sort()).toEqual([hostA.id, hostB.id].sort());
  });

  it('with the links, an HTTP request to front on host A answers with the sum calc computed on host B', async () => {
    await client.putLink(calcLink('front', 'calc', 'calc'));
    await client.putLink(calcLink('calc', 'sink', 'host'));
    // Each host learns the links through its lattice KV watch.
    const ok = await waitUntil(
      async () => {
        const r = await get(url);
        return r?.status === 200 ? r : undefined;
      },
      20_000,
      'front answering 200',
    );
    expect(ok.body).toBe('42\n');
    // calc's export, run by host B's runtime (wrapping s32 arithmetic from the real guest).
    expect(
      await caller.invoke(`${lattice}.calc`, 'example:calc/calc@0.1.0', 'add', calcAddSig, [2 ** 31 - 1, 1], {
        headers: { 'source-id': 'wash' },
        timeoutMs: 5000,
      }),
    ).toEqual([-(2 ** 31)]);
    // Concurrent requests (calc runs up to 2 instances; each front request suspends while it waits).
    const many = await Promise.all(Array.from({ length: 8 }, () => get(url)));
    expect(many.map((r) => `${r?.status} ${r?.body}`)).toEqual(Array(8).fill('200 42\n'));
  });

  it("stopping sink makes calc's import fail: front answers 500 for those requests, then 200 again once sink is back", async () => {
    await scale(hostA.id, 'sink', ref('calc-sink'), 0);
    const failed = await waitUntil(
      async () => {
        const r = await get(url);
        return r?.status === 500 ? r : undefined;
      },
      20_000,
      'front answering 500',
    );
    expect(failed.status).toBe(500);
    expect((await client.pingHosts()).map((h) => h.id).sort()).toEqual([hostA.id, hostB.id].sort());
    await scale(hostA.id, 'sink', ref('calc-sink'), 1);
    const back = await waitUntil(
      async () => {
        const r = await get(url);
        return r?.status === 200 ? r : undefined;
      },
      20_000,
      'front answering 200 again',
    );
    expect(back.body).toBe('42\n');
  });
});
