/**
 * Lattice queries end as soon as the answers are in: once every host wadm knows from heartbeats (its
 * `wadm_state` mirror) answered, or, with no known host missing, shortly after the latest reply. A known host
 * that answers late but within the window is still included; `--timeout-ms` stays the upper bound.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsConnect } from '../../../src/lattice/connect.js';
import { CtlClient } from '../../../src/lattice/ctl-client.js';
import { knownHostIds } from '../../../src/lattice/known-hosts.js';
import { runWash } from '../../helpers/cli.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { simHostId, startSimHost, type SimHost } from '../../../src/testing/sim-host.js';

let nats: TestNats;
let nc: NatsConnection;
const hosts: SimHost[] = [];
const FAST = simHostId('f');
const SLOW = simHostId('s');
const GONE = simHostId('g');
const SLOW_MS = 1500;

/** Writes wadm's mirror of the hosts it knows (upstream wadm's `wadm_state` layout). */
let stateKv: Awaited<ReturnType<InstanceType<typeof import('@nats-io/kv').Kvm>['create']>> | undefined;
async function mirrorKnownHosts(lattice: string, ids: string[]): Promise<void> {
  if (!stateKv) {
    const { jetstream } = await import('@nats-io/jetstream');
    const { Kvm } = await import('@nats-io/kv');
    stateKv = await new Kvm(jetstream(nc)).create('wadm_state', { history: 1 });
  }
  const kv = stateKv;
  const now = new Date().toISOString();
  await kv.put(
    `host_${lattice}`,
    JSON.stringify(
      Object.fromEntries(ids.map((id) => [id, { id, friendly_name: id.slice(0, 8), labels: {}, last_seen: now }])),
    ),
  );
}

beforeAll(async () => {
  nats = await startTestNats();
  nc = await natsConnect(nats.url);
  for (const lattice of ['known', 'unknown', 'gone']) {
    hosts.push(await startSimHost(nc, { id: FAST, lattice }));
    hosts.push(await startSimHost(nc, { id: SLOW, lattice, pingDelayMs: SLOW_MS }));
  }
  await mirrorKnownHosts('known', [FAST, SLOW]);
  await mirrorKnownHosts('gone', [FAST, SLOW, GONE]);
});
afterAll(async () => {
  for (const h of hosts) await h.stop();
  await nc?.close();
  await nats?.close();
});

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

describe('host queries settle early', () => {
  it('reads the hosts wadm knows from its state mirror (and none where there is no mirror)', async () => {
    expect([...(await knownHostIds(nc, 'known', { timeoutMs: 5000 }))].sort()).toEqual([FAST, SLOW]);
    expect(await knownHostIds(nc, 'unknown', { timeoutMs: 5000 })).toEqual(new Set());
  });

  it('waits for a slow known host, then stops without waiting out the window', async () => {
    await mirrorKnownHosts('known', [FAST, SLOW]);
    const client = new CtlClient(nc, { lattice: 'known', collectMs: 30_000 });
    const { value, ms } = await timed(() => client.pingHosts());
    expect(value.map((h) => h.id)).toEqual([FAST, SLOW]);
    expect(ms).toBeGreaterThanOrEqual(SLOW_MS - 50);
    expect(ms).toBeLessThan(25_000);
  });

  it('with no known hosts, stops shortly after the answers stop (and misses a host slower than that)', async () => {
    const client = new CtlClient(nc, { lattice: 'unknown', collectMs: 30_000 });
    const { value, ms } = await timed(() => client.pingHosts({ stallMs: 200 }));
    expect(value.map((h) => h.id)).toEqual([FAST]);
    expect(ms).toBeLessThan(SLOW_MS);
  });

  it('a known host that never answers keeps the query open for the whole window, no longer', async () => {
    const client = new CtlClient(nc, { lattice: 'gone', collectMs: 3000 });
    const { value, ms } = await timed(() => client.pingHosts());
    expect(value.map((h) => h.id)).toEqual([FAST, SLOW]);
    expect(ms).toBeGreaterThanOrEqual(2950);
  });

  it('full: true waits out the window as before (the wadm engine at start-up)', async () => {
    const client = new CtlClient(nc, { lattice: 'unknown', collectMs: SLOW_MS + 1000 });
    const { value } = await timed(() => client.pingHosts({ full: true }));
    expect(value.map((h) => h.id)).toEqual([FAST, SLOW]);
  });

  it('wash get hosts / get inventory include the slow known host', async () => {
    // wadm rewrites last_seen on every heartbeat; refresh it (hosts unseen for 70 s are not waited for).
    await mirrorKnownHosts('known', [FAST, SLOW]);
    const env = { WASMCLOUD_CTL_PORT: String(nats.port), WASH_CONFIG_DIR: '/nonexistent-wash-config' };
    const h = await runWash(['get', 'hosts', '-o', 'json', '--lattice', 'known', '--timeout-ms', '30000'], { env });
    expect(h.code, h.stderr).toBe(0);
    expect(h.json.hosts.map((x: { id: string }) => x.id)).toEqual([FAST, SLOW]);
    const inv = await runWash(['get', 'inventory', '-o', 'json', '--lattice', 'known', '--timeout-ms', '30000'], {
      env,
    });
    expect(inv.code, inv.stderr).toBe(0);
    expect(inv.json.inventories.map((x: { host_id: string }) => x.host_id).sort()).toEqual([FAST, SLOW]);
  }, 60_000);
});
