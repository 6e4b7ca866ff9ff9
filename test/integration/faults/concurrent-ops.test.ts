/**
 * 100 concurrent app operations (put, deploy, undeploy, delete of a version) over 10 apps, answered by two
 * `wash wadm` processes (shared API queue group, one leader reconciling) with a real host. Afterwards:
 * every acknowledged version is stored (unless an acknowledged delete removed it), nothing unacknowledged
 * appeared, and what runs on the host is exactly what the store says is deployed. Seeded: a failure prints
 * the seed (re-run with WASH_TEST_SEED=<seed>).
 */
import { pathToFileURL } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CtlClient } from '../../../src/lattice/ctl-client.js';
import { WadmClient } from '../../../src/wadm/client/client.js';
import { fixturePath } from '../../helpers/fixtures.js';
import type { TestNats } from '../../helpers/nats.js';
import { startTestLattice, type TestLattice } from '../../helpers/test-lattice.js';
import { seededRandom, seedNote } from '../../helpers/seeded-random.js';
import { waitUntil, type ChildHost } from '../host/helpers.js';
import { spawnWadm, type ChildWadm } from './processes.js';

const LATTICE = 'faults-ops';
const V1 = pathToFileURL(fixturePath('http-hello-v1')).href;
const APPS = Array.from({ length: 10 }, (_, i) => `app${i}`);
const VERSIONS = ['v0', 'v1', 'v2', 'v3', 'v4'];
/** A version's instance count identifies it on the host. */
const instancesOf = (version: string) => Number(version.slice(1)) + 1;

const manifest = (app: string, version: string) => `
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: ${app}
  annotations:
    version: ${version}
spec:
  components:
    - name: hello
      type: component
      properties:
        image: ${V1}
      traits:
        - type: spreadscaler
          properties:
            instances: ${instancesOf(version)}
`;

type Op =
  | { kind: 'put'; app: string; version: string }
  | { kind: 'deploy'; app: string; version?: string }
  | { kind: 'undeploy'; app: string }
  | { kind: 'delete'; app: string; version: string };

let lat: TestLattice;
let nats: TestNats;
let nc: NatsConnection;
let host: ChildHost;
const wadms: ChildWadm[] = [];

beforeAll(async () => {
  lat = await startTestLattice({ lattice: LATTICE, tmpPrefix: 'wash-concurrent-ops-' });
  ({ nats, nc } = lat);
  host = await lat.host();
  wadms.push(...(await Promise.all([spawnWadm(nats.url, LATTICE), spawnWadm(nats.url, LATTICE)])));
}, 90_000);

afterAll(async () => {
  await Promise.all(wadms.map((w) => w.kill()));
  await lat?.stop();
});

describe('100 concurrent app operations', () => {
  it('every acknowledged version is present and the host runs what the store says', async () => {
    const rng = seededRandom();
    const note = seedNote(rng);
    const ops: Op[] = [
      ...APPS.flatMap((app) => VERSIONS.map((version) => ({ kind: 'put' as const, app, version }))),
      ...Array.from({ length: 30 }, () => ({
        kind: 'deploy' as const,
        app: rng.pick(APPS),
        ...(rng.chance(0.8) ? { version: rng.pick(VERSIONS) } : {}),
      })),
      ...Array.from({ length: 10 }, () => ({ kind: 'undeploy' as const, app: rng.pick(APPS) })),
      ...Array.from({ length: 10 }, () => ({
        kind: 'delete' as const,
        app: rng.pick(APPS),
        version: rng.pick(VERSIONS),
      })),
    ];
    expect(ops).toHaveLength(100);
    rng.shuffle(ops);
    const delays = ops.map(() => rng.int(300));
    const client = new WadmClient(nc, LATTICE, { timeoutMs: 20_000 });

    const replies = await Promise.all(
      ops.map(async (op, i) => {
        await new Promise((r) => setTimeout(r, delays[i]));
        try {
          switch (op.kind) {
            case 'put':
              return {
                op,
                reply: (await client.put(manifest(op.app, op.version), { contentType: 'application/yaml' })) as {
                  result: string;
                },
              };
            case 'deploy':
              return { op, reply: (await client.deploy(op.app, op.version)) as { result: string } };
            case 'undeploy':
              return { op, reply: (await client.undeploy(op.app)) as { result: string } };
            case 'delete':
              return { op, reply: (await client.delete(op.app, op.version)) as { result: string } };
          }
        } catch (err) {
          return { op, reply: { result: 'thrown', message: (err as Error).message } };
        }
      }),
    );
    // Every request was answered (a refusal is an answer; a timeout is not).
    const unanswered = replies.filter((r) =>
      /did not answer|no wadm server/i.test((r.reply as { message?: string }).message ?? ''),
    );
    expect(unanswered, note).toEqual([]);

    const acked = new Set(
      replies
        .filter((r) => r.op.kind === 'put' && ['created', 'newversion'].includes(r.reply.result))
        .map((r) => `${r.op.app}@${(r.op as { version: string }).version}`),
    );
    const deleted = new Set(
      replies
        .filter((r) => r.op.kind === 'delete' && r.reply.result === 'deleted')
        .map((r) => `${r.op.app}@${(r.op as { version: string }).version}`),
    );
    // Each version is put once, so with no failures every put is acknowledged.
    expect(
      acked.size,
      `${note} ${JSON.stringify(replies.filter((r) => r.op.kind === 'put' && !['created', 'newversion'].includes(r.reply.result)))}`,
    ).toBe(50);

    const stored = new Set<string>();
    const deployedVersion = new Map<string, string | null>();
    const models = await client.list();
    for (const app of APPS) {
      const r = (await client.versions(app)) as { result: string; versions?: Array<{ version: string }> };
      for (const v of r.versions ?? []) stored.add(`${app}@${v.version}`);
      deployedVersion.set(app, models.find((m) => m.name === app)?.deployed_version ?? null);
    }
    const expected = new Set([...acked].filter((k) => !deleted.has(k)));
    expect([...stored].sort(), note).toEqual([...expected].sort());

    // The engine converges on what the store says: each deployed app runs its version's instance count.
    const ctl = new CtlClient(nc, { lattice: LATTICE, timeoutMs: 3000, collectMs: 500 });
    const want = Object.fromEntries(
      [...deployedVersion].filter(([, v]) => v !== null).map(([app, v]) => [`${app}-hello`, instancesOf(v!)]),
    );
    let running: Record<string, number> = {};
    await waitUntil(
      async () => {
        running = {};
        for (const c of (await ctl.getInventory(host.id)).components) running[c.id] = c.max_instances;
        return JSON.stringify(Object.entries(running).sort()) === JSON.stringify(Object.entries(want).sort())
          ? true
          : undefined;
      },
      90_000,
      'the host to run what the store says is deployed',
    ).catch((err) => {
      throw new Error(
        `${(err as Error).message} ${note}: want ${JSON.stringify(want)}, running ${JSON.stringify(running)}`,
      );
    });
    // Status is published after the pass that converged: wait for it too (bounded), then compare exactly.
    const statuses = async () => {
      const out: Record<string, string> = {};
      for (const app of deployedVersion.keys()) out[app] = (await client.status(app)).status.type;
      return out;
    };
    const wantStatus = Object.fromEntries(
      [...deployedVersion].map(([app, v]) => [app, v === null ? 'undeployed' : 'deployed']),
    );
    let seen: Record<string, string> = {};
    await waitUntil(
      async () => {
        seen = await statuses();
        return JSON.stringify(seen) === JSON.stringify(wantStatus) ? true : undefined;
      },
      30_000,
      'every app status to match the store',
    ).catch(() => undefined);
    expect(seen, note).toEqual(wantStatus);
  }, 180_000);
});
