// Host wiring for components' custom interfaces, across two wash hosts on one lattice: host A runs calc-a
// (imports example:calc/host, exports example:calc/calc), host B runs calc-sink (exports example:calc/host),
// linked calc-a → calc-sink. A call of calc-a's export over wRPC reaches host A, whose component calls its
// import, which the host sends over wRPC to calc-sink on host B.
// The guests are stand-ins (the jco runtime does not yet call custom exports or take async custom imports —
// see ARCHITECTURE.md); everything else is real: hosts, links in the lattice KV, NATS, the wRPC wire, and
// each component's function types read from the real component binaries.
import { pathToFileURL } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WashHost } from '../../../src/host/index.js';
import { defaultRuntimeFactory } from '../../../src/host/runtime-factory.js';
import type { RunningComponentLike, RuntimeFactory, StartComponentOptions } from '../../../src/host/runtime-port.js';
import { natsConnect } from '../../../src/lattice/connect.js';
import { CtlClient } from '../../../src/lattice/ctl-client.js';
import type { WrpcCapabilities } from '../../../src/wrpc/host-bridge.js';
import { isWrpcError } from '../../../src/wrpc/errors.js';
import { WrpcTransport } from '../../../src/wrpc/transport.js';
import type { FunctionType } from '../../../src/wrpc/types.js';
import { fixturePath } from '../../helpers/fixtures.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { EventLog, testHost } from '../host/helpers.js';

const lattice = 'twohosts';
const sinkCalls: Array<{ component: string; args: unknown[] }> = [];

/** Behaves like the calc / calc-sink guests: `add` logs through its import first. */
class CalcStandIn implements RunningComponentLike {
  readonly componentId: string;
  constructor(readonly digest: string, public maxInstances: number, private readonly opts: StartComponentOptions) {
    this.componentId = opts.componentId;
  }
  async handleHttp(): Promise<void> {}
  setMaxInstances(n: number): void { this.maxInstances = n; }
  async stop(): Promise<void> {}
  async callExport(instance: string, func: string, args: unknown[]): Promise<unknown> {
    if (instance === 'example:calc/calc@0.1.0' && func === 'add') {
      const host = (this.opts.capabilities as WrpcCapabilities).imports?.('example:calc/host@0.1.0');
      if (!host) throw new Error('no import object for example:calc/host');
      await (host.log as (m: string) => Promise<void>)('calc.add called');
      return ((args[0] as number) + (args[1] as number)) | 0;
    }
    if (instance === 'example:calc/host@0.1.0' && func === 'log') {
      sinkCalls.push({ component: this.componentId, args });
      return undefined;
    }
    throw new Error(`no export ${instance}#${func}`);
  }
}

const standIns: RuntimeFactory = {
  createRuntime: () => ({
    async load(bytes: Uint8Array) { return { digest: String(bytes.length) }; },
    async start(c: { digest: string }, opts: StartComponentOptions) { return new CalcStandIn(c.digest, opts.maxInstances, opts); },
    close() {},
  }),
  createIngress: (opts) => defaultRuntimeFactory.createIngress(opts),
};

const add: FunctionType = { params: [{ name: 'a', type: 's32' }, { name: 'b', type: 's32' }], results: ['s32'] };
let nats: TestNats;
let nc: NatsConnection;
let client: CtlClient;
let events: EventLog;
let hostA: WashHost;
let hostB: WashHost;
let caller: WrpcTransport;

beforeAll(async () => {
  nats = await startTestNats();
  nc = await natsConnect(nats.url);
  client = new CtlClient(nc, { lattice, timeoutMs: 5000, collectMs: 300 });
  events = await new EventLog(nc, lattice).start();
  [hostA, hostB] = await Promise.all([testHost(nats.url, lattice, { runtime: standIns }), testHost(nats.url, lattice, { runtime: standIns })]);
  caller = await WrpcTransport.open(nc);
  await client.scaleComponent({ host_id: hostA.id, component_id: 'calc-a', component_ref: pathToFileURL(fixturePath('calc')).href, count: 1, config: [], allow_update: false });
  await client.scaleComponent({ host_id: hostB.id, component_id: 'calc-sink', component_ref: pathToFileURL(fixturePath('calc-sink')).href, count: 1, config: [], allow_update: false });
  for (const id of ['calc-a', 'calc-sink']) {
    await events.waitFor((e) => e.name === 'component_scaled' && e.data.component_id === id && e.data.max_instances === 1, 20_000, `${id} started`);
  }
}, 60_000);

afterAll(async () => {
  caller?.close();
  await Promise.all([hostA?.stop(), hostB?.stop()]);
  events?.stop();
  await nc?.close();
  await nats?.close();
});

describe('two hosts: component → component over wRPC', () => {
  it('without a link the import fails (no link named default), and the calling export fails with it', async () => {
    const err = await caller.invoke(`${lattice}.calc-a`, 'example:calc/calc@0.1.0', 'add', add, [1, 2], { headers: { 'source-id': 'wash' }, timeoutMs: 5000 }).catch((e) => e);
    expect(isWrpcError(err) && err.kind).toBe('failed');
    expect(sinkCalls).toEqual([]);
  });

  it('with the link, host A serves calc-a\'s export, whose import reaches calc-sink on host B', async () => {
    await client.putLink({ source_id: 'calc-a', target: 'calc-sink', name: 'default', wit_namespace: 'example', wit_package: 'calc', interfaces: ['host'], source_config: [], target_config: [] });
    // Host A learns the link through its lattice KV watch.
    const deadline = Date.now() + 10_000;
    let out: unknown[] | undefined;
    while (!out) {
      out = await caller.invoke(`${lattice}.calc-a`, 'example:calc/calc@0.1.0', 'add', add, [40, 2], { headers: { 'source-id': 'wash' }, timeoutMs: 5000 }).catch(() => undefined);
      if (!out && Date.now() > deadline) throw new Error('the link never took effect');
      if (!out) await new Promise((r) => setTimeout(r, 100));
    }
    expect(out).toEqual([42]);
    expect(sinkCalls).toEqual([{ component: 'calc-sink', args: ['calc.add called'] }]);
  });

  it('stopping calc-sink stops serving its export: the next call fails instead of reaching it', async () => {
    await client.scaleComponent({ host_id: hostB.id, component_id: 'calc-sink', component_ref: pathToFileURL(fixturePath('calc-sink')).href, count: 0, config: [], allow_update: false });
    await events.waitFor((e) => e.name === 'component_scaled' && e.data.component_id === 'calc-sink' && e.data.max_instances === 0, 10_000, 'calc-sink stopped');
    const before = sinkCalls.length;
    const err = await caller.invoke(`${lattice}.calc-a`, 'example:calc/calc@0.1.0', 'add', add, [1, 1], { headers: { 'source-id': 'wash' }, timeoutMs: 5000 }).catch((e) => e);
    expect(isWrpcError(err) && err.kind).toBe('failed');
    expect(sinkCalls.length).toBe(before);
  });
});
