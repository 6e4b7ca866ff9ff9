/**
 * The wadm engine (`wash wadm`, a real process) is killed with SIGKILL in the middle of a deploy — right after
 * its first control command reached the hosts — and started again. The app converges to exactly what the
 * manifest asks for on two real hosts: every component at its instance count, nothing started twice, no
 * component the manifest does not name, and the lattice stays quiet once deployed.
 */
import { pathToFileURL } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CtlClient } from '../../../src/lattice/ctl-client.js';
import { WadmClient } from '../../../src/wadm/client/client.js';
import { fixturePath } from '../../helpers/fixtures.js';
import type { TestNats } from '../../helpers/nats.js';
import { startTestLattice, type TestLattice } from '../../helpers/test-lattice.js';
import { EventLog, waitUntil } from '../host/helpers.js';
import { spawnWadm, type ChildWadm } from './processes.js';

const LATTICE = 'faults-engine';
const V1 = pathToFileURL(fixturePath('http-hello-v1')).href;
const COMPONENTS = { a: 3, b: 2, c: 4, d: 1 } as const;

const manifest = `
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: midway
  annotations:
    version: v1
spec:
  components:
${Object.entries(COMPONENTS)
  .map(
    ([name, instances]) => `    - name: ${name}
      type: component
      properties:
        image: ${V1}
      traits:
        - type: spreadscaler
          properties:
            instances: ${instances}`,
  )
  .join('\n')}
`;

let lat: TestLattice;
let nats: TestNats;
let nc: NatsConnection;
const wadms: ChildWadm[] = [];

beforeAll(async () => {
  lat = await startTestLattice({ lattice: LATTICE, tmpPrefix: 'wash-engine-killed-' });
  ({ nats, nc } = lat);
});

afterAll(async () => {
  await Promise.all(wadms.map((w) => w.kill()));
  await lat?.stop();
});

describe('engine killed mid-deploy', () => {
  it('restarts, converges, and starts nothing twice', async () => {
    await lat.host();
    await lat.host();
    const events = await new EventLog(nc, LATTICE).start();
    const first = await spawnWadm(nats.url, LATTICE, ['--lease-ttl-ms', '3000']);
    wadms.push(first);

    // Kill the engine as soon as its first scale command is on the wire.
    const scaleSeen = new Promise<void>((resolve) => {
      const sub = nc.subscribe(`wasmbus.ctl.v1.${LATTICE}.component.scale.>`, {
        callback: () => {
          sub.unsubscribe();
          resolve();
        },
      });
    });
    const client = new WadmClient(nc, LATTICE, { timeoutMs: 10_000 });
    expect((await client.put(manifest, { contentType: 'application/yaml' })).result).toBe('created');
    expect((await client.deploy('midway')).result).toBe('acknowledged');
    await scaleSeen;
    await first.kill('SIGKILL');
    const ctl = new CtlClient(nc, { lattice: LATTICE, timeoutMs: 3000, collectMs: 500 });
    const totals = async () => {
      const out: Record<string, number> = {};
      for (const inv of await ctl.getInventories())
        for (const c of inv.components) out[c.id] = (out[c.id] ?? 0) + c.max_instances;
      return out;
    };
    const partial = await totals();
    const expected = Object.fromEntries(Object.entries(COMPONENTS).map(([n, i]) => [`midway-${n}`, i]));
    // The kill really was mid-deploy: not everything had been placed yet (else the test proves nothing).
    expect(partial, 'the engine finished before it was killed').not.toEqual(expected);

    wadms.push(await spawnWadm(nats.url, LATTICE, ['--lease-ttl-ms', '3000']));
    await waitUntil(
      async () => ((await client.status('midway')).status.type === 'deployed' ? true : undefined),
      120_000,
      'midway deployed after the restart',
    );
    expect(await totals()).toEqual(expected);

    // Quiet once deployed: no further scale/stop events over a few seconds, still exactly as asked.
    const mark = events.mark();
    await new Promise((r) => setTimeout(r, 3000));
    expect(
      events.since(mark).filter((e) => e.name === 'component_scaled' || e.name === 'component_scale_failed'),
    ).toEqual([]);
    expect(await totals()).toEqual(expected);
    // Every scale the hosts saw moved a component towards its count; none went past it.
    const scaled = events
      .named('component_scaled')
      .map((e) => e.data as { component_id: string; max_instances: number; host_id: string });
    const perHost = new Map<string, number>();
    for (const s of scaled) {
      perHost.set(`${s.component_id}@${s.host_id}`, s.max_instances);
      const total = [...perHost].filter(([k]) => k.startsWith(`${s.component_id}@`)).reduce((a, [, n]) => a + n, 0);
      expect(total, `${s.component_id} over-started`).toBeLessThanOrEqual(expected[s.component_id] ?? 0);
    }
    events.stop();
  }, 240_000);
});
