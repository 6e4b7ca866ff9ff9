// Component → provider process → component, through the real jco runtime in a real wash host: `front`
// (calc-http) answers HTTP with `add(40, 2)` from `calc-a` (calc), whose `log` import is linked to the
// calc-logger provider (wash SDK, a separate process started from file://). The provider calls `calc-b`'s
// export back (its own `log` linked to `sink`, calc-sink). When the provider is gone, calc-a's `log` (no
// result type) traps: that request gets a 500 and the host stays up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WashHost } from '../../../src/host/index.js';
import { defaultRuntimeFactory } from '../../../src/host/runtime-factory.js';
import type { CtlClient } from '../../../src/lattice/ctl-client.js';
import type { WrpcTransport } from '../../../src/wrpc/transport.js';
import { fixturePath } from '../../helpers/fixtures.js';
import { type EventLog, get, waitUntil } from '../host/helpers.js';
import { calcAddSig, calcLink, providerLauncher, startTestLattice, type TestLattice } from './lattice.js';

const lattice = 'rtprov';
const dir = mkdtempSync(join(tmpdir(), 'wash-rt-provider-'));
const loggerPath = providerLauncher(dir, 'calc-logger.mjs').path;
const ref = (name: 'calc' | 'calc-sink' | 'calc-http') => pathToFileURL(fixturePath(name)).href;
const messagesSig = { params: [], results: [{ list: 'string' as const }] };

let lat: TestLattice;
let client: CtlClient;
let events: EventLog;
let host: WashHost;
let t: WrpcTransport;
let url: string;

async function providerMessages(): Promise<string[]> {
  const [m] = await t.invoke(`${lattice}.calc-logger`, 'example:calc/host-test@0.1.0', 'messages', messagesSig, [], {
    headers: { 'source-id': 'test' },
    timeoutMs: 5000,
  });
  return m as string[];
}

beforeAll(async () => {
  lat = await startTestLattice(lattice, [{ runtime: defaultRuntimeFactory, rpcTimeoutMs: 3000 }]);
  ({ client, events, transport: t } = lat);
  host = lat.hosts[0];

  await client.putConfig('logger-config', { callback: 'calc-b' });
  await lat.startHealthyProvider('calc-logger', `file://${loggerPath}`, host.id, ['logger-config']);
  for (const [id, name] of [
    ['front', 'calc-http'],
    ['calc-a', 'calc'],
    ['calc-b', 'calc'],
    ['sink', 'calc-sink'],
  ] as const)
    await lat.scale(host.id, id, ref(name), 1);
  await client.putLink(calcLink('front', 'calc-a', 'calc'));
  await client.putLink(calcLink('calc-a', 'calc-logger', 'host'));
  await client.putLink(calcLink('calc-b', 'sink', 'host'));

  url = await lat.serveHttp(host.id, 'http', 'front');
}, 120_000);

afterAll(async () => {
  await lat?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('real runtime: component → provider process → component', () => {
  it("an HTTP request runs front → calc-a → calc-logger (provider) → calc-b → sink, and answers with calc-a's sum", async () => {
    const ok = await waitUntil(
      async () => {
        const r = await get(url);
        return r?.status === 200 ? r : undefined;
      },
      20_000,
      'front answering 200',
    );
    expect(ok.body).toBe('42\n');
    // Every successful request logged once through the provider, which called calc-b back each time.
    const messages = await providerMessages();
    expect(messages.length).toBeGreaterThanOrEqual(2);
    expect(messages.slice(-2)).toEqual(['calc-a/default: calc.add called', 'callback calc-b add -> 42']);
  });

  it('when the provider is gone, the request gets a 500 (calc-a traps in its import) and the host keeps serving', async () => {
    await client.stopProvider({ provider_id: 'calc-logger', host_id: host.id });
    await events.waitFor(
      (e) => e.name === 'provider_stopped' && e.data.provider_id === 'calc-logger',
      10_000,
      'provider_stopped',
    );
    const failed = await get(url);
    expect(failed?.status).toBe(500);
    expect((await get(url))?.status).toBe(500);
    expect((await client.pingHosts()).map((h) => h.id)).toEqual([host.id]);
    // The other components on the host still answer over wRPC (calc-b's chain does not involve the provider).
    expect(
      await t.invoke(`${lattice}.calc-b`, 'example:calc/calc@0.1.0', 'add', calcAddSig, [5, 6], {
        headers: { 'source-id': 'wash' },
        timeoutMs: 5000,
      }),
    ).toEqual([11]);
  });
});
