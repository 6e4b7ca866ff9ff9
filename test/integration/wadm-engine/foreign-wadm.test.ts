/**
 * Rust wadm on the same lattice: it does not know our `wadm_leases`, so our engine must not reconcile while
 * one serves. A simulated upstream wadm keeps a pull request waiting on `wadm_event_consumer-{lattice}` (stream
 * `wadm_event_consumer`), as wadm 0.21's event consumer does; our engine then stands by (log, no ctl commands,
 * no statuses) and `wash app status` says so. When the upstream consumer goes, the engine reconciles.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsConnect } from '../../../src/lattice/connect.js';
import { WadmClient } from '../../../src/wadm/client/client.js';
import {
  foreignWadmServing,
  UPSTREAM_EVENT_STREAM,
  upstreamEventConsumer,
} from '../../../src/wadm/engine/foreign-wadm.js';
import { startWadm, type Wadm } from '../../../src/wadm/index.js';
import type { WadmManifest } from '../../../src/wadm/types.js';
import { runWash } from '../../helpers/cli.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { createSimLattice, startSimHost, type SimHost } from '../../../src/testing/sim-host.js';

const lattice = 'withrust';
let nats: TestNats;
let nc: NatsConnection;
let host: SimHost;
let wadm: Wadm;
const logs: string[] = [];

/** What Rust wadm 0.21 sets up: stream wadm_event_consumer and a durable pull consumer per lattice, being pulled. */
async function startSimulatedRustWadm(): Promise<{ stop(): Promise<void> }> {
  const { jetstream, jetstreamManager } = await import('@nats-io/jetstream');
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: UPSTREAM_EVENT_STREAM, subjects: ['wadm_event_consumer.evt.*.>'] });
  const name = upstreamEventConsumer(lattice);
  await jsm.consumers.add(UPSTREAM_EVENT_STREAM, {
    durable_name: name,
    ack_policy: 'explicit' as never,
    filter_subject: `wadm_event_consumer.evt.${lattice}.>`,
  });
  const consumer = await jetstream(nc).consumers.get(UPSTREAM_EVENT_STREAM, name);
  const messages = await consumer.consume({ expires: 5000 });
  void (async () => {
    for await (const m of messages) m.ack();
  })();
  return {
    async stop() {
      messages.stop();
      await jsm.consumers.delete(UPSTREAM_EVENT_STREAM, name);
    },
  };
}

const manifest: WadmManifest = {
  apiVersion: 'core.oam.dev/v1beta1',
  kind: 'Application',
  metadata: { name: 'contested', annotations: { version: 'v1' } },
  spec: {
    components: [
      {
        name: 'hello',
        type: 'component',
        properties: { image: 'ghcr.io/x/hello:0.1.0' },
        traits: [{ type: 'spreadscaler', properties: { instances: 1 } }],
      },
    ],
  },
};

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  nats = await startTestNats();
  nc = await natsConnect(nats.url);
  host = await startSimHost(nc, { lattice, shared: createSimLattice(), announce: false });
});
afterAll(async () => {
  await wadm?.close();
  await host?.stop({ graceful: false });
  await nc?.close();
  await nats?.close();
});

describe('another wadm implementation on the lattice', () => {
  it('our engine stands by while Rust wadm serves, says so, and reconciles once it is gone', async () => {
    expect(await foreignWadmServing(nc, lattice)).toBeUndefined();
    const rust = await startSimulatedRustWadm();
    expect(await foreignWadmServing(nc, lattice)).toMatch(
      /Rust wadm: JetStream consumer wadm_event_consumer-withrust is being pulled/,
    );

    wadm = await startWadm(nc, {
      lattices: [lattice],
      engine: { leaseTtlMs: 1500, pingWindowMs: 300, debounceMs: 10, foreignCheckMs: 300 },
      log: (level, m) => logs.push(`${level}: ${m}`),
    });
    await wadm.ready;
    const engine = wadm.engines[0];
    expect(engine.isLeader()).toBe(true);
    expect(engine.standingBy()).toMatch(/serves lattice withrust/);
    expect(
      logs.some((l) =>
        /^warn: lattice withrust: another wadm implementation .* this engine does not reconcile it/.test(l),
      ),
    ).toBe(true);

    // A generous timeout: the first put creates the manifest bucket, slow on a loaded machine.
    const client = new WadmClient(nc, lattice, { timeoutMs: 15_000 });
    await client.put(manifest);
    await client.deploy('contested');
    // The API answered (deploy acknowledged) but nothing is reconciled: no ctl command reaches the host.
    await new Promise((r) => setTimeout(r, 1500));
    expect(host.counts['component.scale'] ?? 0).toBe(0);

    const env = {
      WASMCLOUD_CTL_PORT: String(nats.port),
      WASMCLOUD_LATTICE: lattice,
      WASH_CONFIG_DIR: '/nonexistent-wash-config',
    };
    const json = await runWash(['app', 'status', 'contested', '-o', 'json'], { env });
    expect(json.code, json.stderr).toBe(0);
    expect(json.json.other_wadm).toMatch(/Rust wadm/);
    const text = await runWash(['app', 'status', 'contested'], { env });
    expect(text.stdout).toMatch(
      /note: another wadm implementation .* a wash wadm engine on this lattice stands by and does not reconcile/,
    );

    await rust.stop();
    await waitFor('the engine to take over', () => (engine.standingBy() === undefined ? true : undefined));
    await waitFor('the component to be scaled', () => ((host.counts['component.scale'] ?? 0) > 0 ? true : undefined));
    const after = await runWash(['app', 'status', 'contested', '-o', 'json'], { env });
    expect(after.json.other_wadm).toBeUndefined();
  }, 90_000);
});
