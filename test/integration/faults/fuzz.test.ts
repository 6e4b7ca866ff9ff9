/**
 * Fuzz: ≥ 500 malformed requests against real processes (`wash wadm` and `wash host` children on a real
 * nats-server): manifests sent to `model.put` (mutated from a valid one, or broken text), wadm API requests with
 * broken names and bodies, and ctl requests with bodies the codec refuses. A local oracle (the manifest
 * validator, the ctl codec) confirms each payload is malformed. Every request must be answered with an error,
 * in JSON, without a stack trace or a JS error leaking out; afterwards nothing is stored or running.
 * Seeded: a failure prints the seed; re-run with WASH_TEST_SEED=<seed>. WASH_FUZZ_COUNT scales the counts.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeConfigMap,
  decodeDeleteLinkRequest,
  decodeHostLabel,
  decodeHostLabelIdentifier,
  decodeLink,
  decodeScaleComponentCommand,
  decodeStartProviderCommand,
  decodeStopProviderCommand,
  decodeUpdateComponentCommand,
} from '../../../src/lattice/codec.js';
import { CtlClient } from '../../../src/lattice/ctl-client.js';
import { validateManifestText } from '../../../src/manifest/index.js';
import { WadmClient } from '../../../src/wadm/client/client.js';
import { openManifestBucket } from '../../../src/wadm/store/manifest-store.js';
import { startTestLattice, type TestLattice } from '../../helpers/test-lattice.js';
import { seededRandom, seedNote, type SeededRandom } from '../../helpers/seeded-random.js';
import type { ChildHost } from '../host/helpers.js';
import { spawnWadm, type ChildWadm } from './processes.js';

const LATTICE = 'faults-fuzz';
const SCALE = Number(process.env.WASH_FUZZ_COUNT ?? 1);
const COUNTS = { manifests: Math.round(260 * SCALE), wadm: Math.round(130 * SCALE), ctl: Math.round(150 * SCALE) };

let lat: TestLattice;
let nc: NatsConnection;
let host: ChildHost;
let wadm: ChildWadm;

beforeAll(async () => {
  lat = await startTestLattice({ lattice: LATTICE, tmpPrefix: 'wash-fuzz-' });
  nc = lat.nc;
  [host, wadm] = await Promise.all([lat.host(), spawnWadm(lat.nats.url, LATTICE)]);
}, 90_000);

afterAll(async () => {
  await wadm?.kill();
  await lat?.stop();
});

// ---------------------------------------------------------------------------------------------------------
// Generators

const BAD_VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  1e308,
  true,
  '',
  '   ',
  'a/b',
  '../x',
  'x y',
  'UPPER_case!',
  [],
  [1, 'two'],
  {},
  { nested: { deep: [null] } },
  'x'.repeat(300),
  '\u0000',
  '${{ env }}',
];

function baseManifest(name: string): any {
  return {
    apiVersion: 'core.oam.dev/v1beta1',
    kind: 'Application',
    metadata: { name, annotations: { version: 'v1', description: 'fuzz' } },
    spec: {
      components: [
        {
          name: 'hello',
          type: 'component',
          properties: { image: 'file:///nonexistent/fuzz.wasm' },
          traits: [{ type: 'spreadscaler', properties: { instances: 1 } }],
        },
        {
          name: 'httpserver',
          type: 'capability',
          properties: { image: 'ghcr.io/wasmcloud/http-server:0.24.0' },
          traits: [
            {
              type: 'link',
              properties: {
                namespace: 'wasi',
                package: 'http',
                interfaces: ['incoming-handler'],
                target: { name: 'hello' },
              },
            },
          ],
        },
      ],
    },
  };
}

const PATHS: (string | number)[][] = [
  ['apiVersion'],
  ['kind'],
  ['metadata'],
  ['metadata', 'name'],
  ['metadata', 'annotations'],
  ['metadata', 'annotations', 'version'],
  ['spec'],
  ['spec', 'components'],
  ['spec', 'components', 0],
  ['spec', 'components', 0, 'name'],
  ['spec', 'components', 0, 'type'],
  ['spec', 'components', 0, 'properties'],
  ['spec', 'components', 0, 'properties', 'image'],
  ['spec', 'components', 0, 'traits'],
  ['spec', 'components', 0, 'traits', 0, 'type'],
  ['spec', 'components', 0, 'traits', 0, 'properties'],
  ['spec', 'components', 0, 'traits', 0, 'properties', 'instances'],
  ['spec', 'components', 1, 'traits', 0, 'properties', 'target'],
  ['spec', 'components', 1, 'traits', 0, 'properties', 'interfaces'],
  ['spec', 'components', 1, 'traits', 0, 'properties', 'namespace'],
  ['spec', 'components', 1, 'properties', 'image'],
];

function setPath(obj: any, path: (string | number)[], value: unknown, remove: boolean): void {
  let cur = obj;
  for (const key of path.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object') return;
    cur = cur[key];
  }
  if (cur === null || typeof cur !== 'object') return;
  const last = path[path.length - 1]!;
  if (remove) {
    if (Array.isArray(cur) && typeof last === 'number') cur.splice(last, 1);
    else delete cur[last];
  } else cur[last] = value;
}

async function manifestPayload(
  rng: SeededRandom,
  i: number,
): Promise<{ text: string; contentType?: string; how: string }> {
  const { stringify } = await import('yaml');
  const m = baseManifest(`fz${i}`);
  const how: string[] = [];
  const mutations = 1 + rng.int(3);
  for (let k = 0; k < mutations; k++) {
    const kind = rng.int(6);
    if (kind === 0) {
      const p = rng.pick(PATHS);
      setPath(m, p, undefined, true);
      how.push(`delete ${p.join('.')}`);
    } else if (kind === 1 || kind === 2) {
      const p = rng.pick(PATHS);
      // A copy: the same object set at two paths (or changed by a later mutation) would make a cycle.
      const v = structuredClone(rng.pick(BAD_VALUES));
      setPath(m, p, v, false);
      how.push(`set ${p.join('.')}=${JSON.stringify(v)?.slice(0, 30)}`);
    } else if (kind === 3) {
      m.spec?.components?.push?.(structuredClone(m.spec.components[0]));
      how.push('duplicate component');
    } else if (kind === 4) {
      setPath(m, ['spec', 'components', 1, 'traits', 0, 'properties', 'target', 'name'], `missing${rng.int(9)}`, false);
      how.push('link to a missing component');
    } else {
      setPath(
        m,
        ['spec', 'components', 0, 'traits', 0, 'type'],
        rng.pick(['spreadscaler', 'daemonscaler', 'link', 'bogus']),
        false,
      );
      setPath(
        m,
        ['spec', 'components', 0, 'traits', 0, 'properties'],
        {
          instances: rng.pick([-3, 'two', 0.5, null]),
          spread: rng.pick([[{ weight: -1 }], 'x', [{ requirements: 5 }]]),
        },
        false,
      );
      how.push('bad scaler');
    }
  }
  const asJson = rng.chance(0.5);
  let text = asJson ? JSON.stringify(m) : stringify(m);
  const textual = rng.int(10);
  if (textual === 0) {
    const cut = rng.int(text.length);
    text = text.slice(0, cut);
    how.push(`truncated at ${cut}`);
  } else if (textual === 1) {
    const at = rng.int(text.length);
    text = text.slice(0, at) + rng.pick(['\t', '{', ']', ': :', '\u0000', '&a', '*a', '---\n', '\\']) + text.slice(at);
    how.push(`junk at ${at}`);
  } else if (textual === 2) {
    text = rng.pick(['', '[]', '"str"', '42', 'null', '{}', '--- {}', '- a\n- b', 'a: &x [*x]', '{"a":'.repeat(50)]);
    how.push(`text ${JSON.stringify(text).slice(0, 30)}`);
  } else if (textual === 3) {
    text = Buffer.from(Array.from({ length: 1 + rng.int(2000) }, () => rng.int(256))).toString('latin1');
    how.push('random bytes');
  }
  const contentType = rng.pick([
    undefined,
    asJson ? 'application/json' : 'application/yaml',
    'text/plain',
    'application/x-garbage',
  ]);
  return { text, contentType, how: `${asJson ? 'json' : 'yaml'} ${contentType ?? '-'}: ${how.join('; ')}` };
}

const WADM_OPS = ['get', 'del', 'deploy', 'undeploy', 'status', 'versions', 'history'];
const NAMES = ['fz', 'nope', 'a-b_c', 'x'.repeat(250), '-', '_', '0', 'UPPER', 'fz0'];
const BODIES = [
  '',
  '{',
  '[]',
  '"v1"',
  '42',
  'null',
  '{"version":123}',
  '{"version":""}',
  '{"version":"nope"}',
  '{"version":null,"x":[1]}',
  '{"orphan":"yes"}',
  '{"version":{"a":1}}',
  '['.repeat(200),
  `{"version":"${'v'.repeat(500)}"}`,
];

function wadmPayload(rng: SeededRandom): { subject: string; body: string; how: string } {
  const op = rng.pick(WADM_OPS);
  const name = rng.pick(NAMES);
  const body = rng.chance(0.15)
    ? Buffer.from(Array.from({ length: rng.int(500) }, () => rng.int(256))).toString('latin1')
    : rng.pick(BODIES);
  const subject = rng.chance(0.1)
    ? `wadm.api.${LATTICE}.model.${op}.${name}.extra`
    : rng.chance(0.05)
      ? `wadm.api.${LATTICE}.model.${op}`
      : `wadm.api.${LATTICE}.model.${op}.${name}`;
  return { subject, body, how: `${subject} ${JSON.stringify(body).slice(0, 60)}` };
}

type CtlOp = { op: string; hostScoped: boolean; decode: (raw: unknown) => unknown; sample: () => unknown };
function ctlOps(rng: SeededRandom): CtlOp[] {
  const v = () => rng.pick(BAD_VALUES);
  const maybe = (o: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(o)
        .filter(() => rng.chance(0.7))
        .map(([k, x]) => [k, rng.chance(0.3) ? v() : x]),
    );
  return [
    {
      op: 'component.scale',
      hostScoped: true,
      decode: decodeScaleComponentCommand,
      sample: () =>
        maybe({
          component_ref: 'file:///nonexistent/fuzz.wasm',
          component_id: 'fz',
          count: rng.pick([1, -1, 'x', 1.5]),
          annotations: rng.pick([{}, [], 'a']),
          config: rng.pick([[], 'x', [1]]),
        }),
    },
    {
      op: 'component.update',
      hostScoped: true,
      decode: decodeUpdateComponentCommand,
      sample: () => maybe({ component_id: 'fz', new_component_ref: v(), annotations: v() }),
    },
    {
      op: 'provider.start',
      hostScoped: true,
      decode: decodeStartProviderCommand,
      sample: () => maybe({ provider_ref: v(), provider_id: v(), annotations: v(), config: v() }),
    },
    {
      op: 'provider.stop',
      hostScoped: true,
      decode: decodeStopProviderCommand,
      sample: () => maybe({ provider_id: v() }),
    },
    { op: 'label.put', hostScoped: true, decode: decodeHostLabel, sample: () => maybe({ key: v(), value: v() }) },
    { op: 'label.del', hostScoped: true, decode: decodeHostLabelIdentifier, sample: () => maybe({ key: v() }) },
    {
      op: 'link.put',
      hostScoped: false,
      decode: decodeLink,
      sample: () =>
        maybe({
          source_id: 'fz',
          target: v(),
          name: v(),
          wit_namespace: 'wasi',
          wit_package: v(),
          interfaces: rng.pick([['x'], 'x', [1], null]),
          source_config: v(),
          target_config: v(),
        }),
    },
    {
      op: 'link.del',
      hostScoped: false,
      decode: decodeDeleteLinkRequest,
      sample: () => maybe({ source_id: v(), name: v(), wit_namespace: v(), wit_package: v() }),
    },
    {
      op: 'config.put',
      hostScoped: false,
      decode: decodeConfigMap,
      sample: () => rng.pick<unknown>([v(), { a: v() }, [['a', 'b']], { a: { b: 'c' } }]),
    },
  ];
}

function ctlPayload(
  rng: SeededRandom,
  ops: CtlOp[],
  hostId: string,
): { subject: string; body: string; how: string } | undefined {
  const op = rng.pick(ops);
  let body: string;
  if (rng.chance(0.2))
    body = rng.pick([
      '',
      '{',
      '[1,',
      'nul',
      '"',
      Buffer.from(Array.from({ length: rng.int(300) }, () => rng.int(256))).toString('latin1'),
    ]);
  else body = JSON.stringify(op.sample()) ?? '';
  // Oracle: the codec must refuse it, or it is not malformed (then the caller draws again).
  try {
    op.decode(JSON.parse(body));
    return undefined;
  } catch {
    /* malformed: keep */
  }
  const [topic, verb] = op.op.split('.');
  const subject =
    op.op === 'config.put'
      ? `wasmbus.ctl.v1.${LATTICE}.config.put.fzcfg${rng.int(5)}`
      : `wasmbus.ctl.v1.${LATTICE}.${topic}.${verb}${op.hostScoped ? `.${hostId}` : ''}`;
  return { subject, body, how: `${subject} ${body.slice(0, 80)}` };
}

// ---------------------------------------------------------------------------------------------------------
// Checks

const LEAKS = [
  /\n\s*at \S+ \(|\\n\s*at \S+ \(/,
  /\.(?:m?js|cjs|ts):\d+:\d+/,
  /node:internal/,
  /Cannot read propert/,
  /is not a function/,
  /is not iterable/,
  /\bTypeError\b/,
  /\bReferenceError\b/,
  /\bRangeError\b/,
];

interface Finding {
  how: string;
  problem: string;
  reply?: string;
}

async function ask(
  subject: string,
  body: string,
  headers?: Record<string, string>,
): Promise<{ text?: string; error?: string }> {
  try {
    const opts: { timeout: number; headers?: import('@nats-io/transport-node').MsgHdrs } = { timeout: 8000 };
    if (headers) {
      const { headers: mk } = await import('@nats-io/transport-node');
      opts.headers = mk();
      for (const [k, v] of Object.entries(headers)) opts.headers.set(k, v);
    }
    const reply = await nc.request(subject, Buffer.from(body, 'latin1'), opts);
    return { text: new TextDecoder().decode(reply.data) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function judge(
  how: string,
  r: { text?: string; error?: string },
  isError: (reply: any) => boolean,
): Finding | undefined {
  if (r.error !== undefined) return { how, problem: `no answer: ${r.error}` };
  let parsed: any;
  try {
    parsed = JSON.parse(r.text!);
  } catch {
    return { how, problem: 'reply is not JSON', reply: r.text!.slice(0, 300) };
  }
  const leak = LEAKS.find((re) => re.test(r.text!));
  if (leak) return { how, problem: `reply leaks internals (${leak})`, reply: r.text!.slice(0, 500) };
  if (!isError(parsed)) return { how, problem: 'malformed request was not refused', reply: r.text!.slice(0, 300) };
  return undefined;
}

async function inBatches<T>(
  items: T[],
  size: number,
  fn: (item: T) => Promise<Finding | undefined>,
): Promise<Finding[]> {
  const out: Finding[] = [];
  for (let i = 0; i < items.length; i += size) {
    for (const f of await Promise.all(items.slice(i, i + size).map(fn))) if (f) out.push(f);
  }
  return out;
}

describe('fuzz: malformed manifests, wadm API and ctl requests', () => {
  it(`${COUNTS.manifests + COUNTS.wadm + COUNTS.ctl} malformed requests: all answered with an error, none stored, no internals leaked`, async () => {
    const rng = seededRandom();
    const note = seedNote(rng);
    const ctl = new CtlClient(nc, { lattice: LATTICE, timeoutMs: 5000, collectMs: 500 });
    const labelsBefore = (await ctl.getInventory(host.id)).labels;

    // Manifests the local validator rejects (valid ones are drawn again).
    const manifests: Awaited<ReturnType<typeof manifestPayload>>[] = [];
    let drawn = 0;
    while (manifests.length < COUNTS.manifests && drawn < COUNTS.manifests * 5) {
      const p = await manifestPayload(rng, drawn++).catch((err: Error) => {
        throw new Error(`drawing manifest ${drawn - 1} failed: ${err.message} ${note}`, { cause: err });
      });
      const local = await validateManifestText(p.text).catch(() => ({ valid: false }));
      if (!local.valid) manifests.push(p);
    }
    expect(manifests.length, `only ${manifests.length} malformed manifests drawn ${note}`).toBe(COUNTS.manifests);

    const wadmRequests = Array.from({ length: COUNTS.wadm }, () => wadmPayload(rng));
    const ops = ctlOps(rng);
    const ctlRequests: NonNullable<ReturnType<typeof ctlPayload>>[] = [];
    for (let tries = 0; ctlRequests.length < COUNTS.ctl && tries < COUNTS.ctl * 20; tries++) {
      const p = ctlPayload(rng, ops, host.id);
      if (p) ctlRequests.push(p);
    }
    expect(ctlRequests.length, note).toBe(COUNTS.ctl);

    const findings: Finding[] = [
      ...(await inBatches(manifests, 16, async (p) =>
        judge(
          `model.put ${p.how}`,
          await ask(
            `wadm.api.${LATTICE}.model.put`,
            p.text,
            p.contentType ? { 'Content-Type': p.contentType } : undefined,
          ),
          (r) => r.result === 'error',
        ),
      )),
      // A wadm request on a malformed subject or body is an error, or an honest "not found"/no-op for apps that do not exist.
      ...(await inBatches(wadmRequests, 16, async (p) =>
        judge(
          p.how,
          await ask(p.subject, p.body),
          (r) =>
            ['error', 'notfound', 'noop'].includes(r.result) ||
            (r.result === 'success' && Array.isArray(r.models) && r.models.length === 0) ||
            (r.result === 'ok' && r.status?.status?.type === 'undeployed'),
        ),
      )),
      ...(await inBatches(ctlRequests, 16, async (p) =>
        judge(p.how, await ask(p.subject, p.body), (r) => r.success === false),
      )),
    ];
    expect(findings.slice(0, 15), `${findings.length} findings ${note}`).toEqual([]);

    // Nothing stored, nothing running, nothing changed.
    expect(await new WadmClient(nc, LATTICE).list(), note).toEqual([]);
    const kv = await openManifestBucket(nc);
    const keys: string[] = [];
    for await (const k of await kv.keys()) keys.push(k);
    expect(
      keys.filter((k) => k !== LATTICE),
      note,
    ).toEqual([]);
    const inv = await ctl.getInventory(host.id);
    expect({ components: inv.components, providers: inv.providers, labels: inv.labels }, note).toEqual({
      components: [],
      providers: [],
      labels: labelsBefore,
    });
    expect(await ctl.getLinks(), note).toEqual([]);
    for (let i = 0; i < 5; i++) {
      const cfg = await ask(`wasmbus.ctl.v1.${LATTICE}.config.get.fzcfg${i}`, '');
      expect(JSON.parse(cfg.text ?? '{}').response ?? {}, note).toEqual({});
    }
    expect(host.child.exitCode, note).toBeNull();
    expect(wadm.child.exitCode, note).toBeNull();
  }, 300_000);
});
