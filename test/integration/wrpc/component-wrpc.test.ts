import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WashHost } from '../../../src/host/index.js';
import { natsConnect } from '../../../src/lattice/connect.js';
import type { CtlClient } from '../../../src/lattice/ctl-client.js';
import type { Link } from '../../../src/lattice/types.js';
import { componentFunctionTypes } from '../../../src/wrpc/component-types.js';
import { componentWrpc, customFunctionNames } from '../../../src/wrpc/host-bridge.js';
import { WrpcTransport } from '../../../src/wrpc/transport.js';
import { fixturePath } from '../../helpers/fixtures.js';
import { instantiateJspi, type JspiComponent } from '../../helpers/jspi-component.js';
import { calcAddSig, calcLink, providerLauncher, startTestLattice, type TestLattice } from './lattice.js';

const lattice = 'compwrpc';
const dir = mkdtempSync(join(tmpdir(), 'wash-comp-wrpc-'));
const loggerPath = providerLauncher(dir, 'calc-logger.mjs').path;

let lat: TestLattice;
let client: CtlClient;
let host: WashHost;
let tA: WrpcTransport;
let tB: WrpcTransport;
let caller: JspiComponent;
let callee: JspiComponent;
let links: Link[] = [];
let stopServing: () => void = () => {};
let asyncImports: string[] = [];
const calcBytes = readFileSync(fixturePath('calc'));
const types = componentFunctionTypes(calcBytes);
const messagesSig = { params: [], results: [{ list: 'string' as const }] };

async function providerMessages(): Promise<string[]> {
  const [m] = await tA.invoke(`${lattice}.calc-logger`, 'example:calc/host-test@0.1.0', 'messages', messagesSig, [], {
    headers: { 'source-id': 'test' },
  });
  return m as string[];
}

beforeAll(async () => {
  lat = await startTestLattice(lattice);
  client = lat.client;
  host = lat.hosts[0];
  // Two connections: the calling component's host side (A) and the called component's (B).
  tA = await WrpcTransport.open(await natsConnect(lat.nats.url));
  tB = await WrpcTransport.open(await natsConnect(lat.nats.url));

  await client.putConfig('logger-config', { callback: 'calc-b' });
  await lat.startHealthyProvider('calc-logger', `file://${loggerPath}`, host.id, ['logger-config']);
  await client.putLink(calcLink('calc-a', 'calc-logger', 'host'));
  links = await client.getLinks();

  // Component calc-b: its custom exports served over wRPC (its own log import is a local no-op).
  callee = await instantiateJspi(calcBytes, {
    asyncImports: [],
    asyncExports: [],
    imports: { 'example:calc/host': { log: () => undefined } },
  });
  const calc = callee.exports['example:calc/calc@0.1.0'] as Record<string, (...a: unknown[]) => unknown>;
  const b = componentWrpc({ transport: tB, lattice, componentId: 'calc-b', types, links: () => [] });
  stopServing = b.serveExports((_instance, func, args) => calc[func](...args)).stop;
  await tB.nc.flush();

  // Component calc-a: its custom import goes over wRPC to its link's target (read from the lattice); JSPI
  // suspends the guest meanwhile.
  const a = componentWrpc({
    transport: tA,
    lattice,
    componentId: 'calc-a',
    types,
    links: () => links,
    timeoutMs: 5_000,
  });
  asyncImports = customFunctionNames(types.imports);
  caller = await instantiateJspi(calcBytes, {
    asyncImports,
    asyncExports: ['example:calc/calc#add'],
    imports: { 'example:calc/host': a.imports('example:calc/host@0.1.0') },
  });
}, 60_000);

afterAll(async () => {
  stopServing();
  caller?.close();
  callee?.close();
  tA?.close();
  tB?.close();
  await tA?.nc.close();
  await tB?.nc.close();
  await lat?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('components and wRPC', () => {
  it('the async import list names the custom interface in jco form', () => {
    expect(asyncImports).toEqual(['example:calc/host#log']);
  });

  it('a guest import of a custom interface reaches a provider process, which calls another component back', async () => {
    const add = (caller.exports['example:calc/calc@0.1.0'] ?? caller.exports.calc).add as (
      a: number,
      b: number,
    ) => Promise<number>;
    expect(await add(2, 3)).toBe(5);
    expect(await providerMessages()).toEqual(['calc-a/default: calc.add called', 'callback calc-b add -> 42']);
    expect(await add(-7, 3)).toBe(-4);
    expect(await providerMessages()).toHaveLength(2);
  });

  it('a served component export is callable by anyone on the lattice (another host, wash call)', async () => {
    expect(
      await tA.invoke(`${lattice}.calc-b`, 'example:calc/calc@0.1.0', 'add', calcAddSig, [2 ** 31 - 1, 1], {
        headers: { 'source-id': 'wash' },
      }),
    ).toEqual([-(2 ** 31)]);
  });

  it("component → component: an import linked to another component reaches that component's export (different connections, as between hosts)", async () => {
    const sinkBytes = readFileSync(fixturePath('calc-sink'));
    const sinkTypes = componentFunctionTypes(sinkBytes);
    const sink = await instantiateJspi(sinkBytes, { asyncImports: [], asyncExports: [], imports: {} });
    const seen: Array<{ from?: string; link: string; args: unknown[] }> = [];
    const served = componentWrpc({
      transport: tB,
      lattice,
      componentId: 'calc-sink',
      types: sinkTypes,
      links: () => [],
    }).serveExports((instance, func, args, ctx) => {
      seen.push({ from: ctx.sourceId, link: ctx.linkName, args });
      return (sink.exports[instance] as Record<string, (...a: unknown[]) => unknown>)[func](...args);
    });
    await tB.nc.flush();
    await client.putLink({
      source_id: 'calc-c',
      target: 'calc-sink',
      name: 'default',
      wit_namespace: 'example',
      wit_package: 'calc',
      interfaces: ['host'],
      source_config: [],
      target_config: [],
    });
    links = await client.getLinks();
    const c = componentWrpc({
      transport: tA,
      lattice,
      componentId: 'calc-c',
      types,
      links: () => links,
      timeoutMs: 5_000,
    });
    const guest = await instantiateJspi(calcBytes, {
      asyncImports,
      asyncExports: ['example:calc/calc#add'],
      imports: { 'example:calc/host': c.imports('example:calc/host@0.1.0') },
    });
    try {
      const add = (guest.exports['example:calc/calc@0.1.0'] as { add: (a: number, b: number) => Promise<number> }).add;
      expect(await add(20, 22)).toBe(42);
      expect(seen).toEqual([{ from: 'calc-c', link: 'default', args: ['calc.add called'] }]);
    } finally {
      served.stop();
      guest.close();
      sink.close();
    }
  });

  it('when the provider is gone the guest call fails with the transport error (log returns no result type: a trap)', async () => {
    await client.stopProvider({ provider_id: 'calc-logger', host_id: host.id });
    await lat.events.waitFor(
      (e) => e.name === 'provider_stopped' && e.data.provider_id === 'calc-logger',
      10_000,
      'provider_stopped',
    );
    const add = (caller.exports['example:calc/calc@0.1.0'] ?? caller.exports.calc).add as (
      a: number,
      b: number,
    ) => Promise<number>;
    await expect(add(1, 1)).rejects.toThrow(/nothing serves example:calc\/host@0.1.0.log on compwrpc.calc-logger/);
  });
});
