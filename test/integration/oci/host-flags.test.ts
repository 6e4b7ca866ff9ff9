/**
 * The host's own registry flags, end to end with a real `wash host` child process and real registries: a login
 * from --oci-registry/--oci-user/--oci-password (sent to that registry only), and --allow-latest accepting a
 * `latest` tag that host-deploy.test.ts shows refused without it. Then the warm-start rule (stale-while-revalidate):
 * a cached tag serves its last bytes at once while the registry is asked behind it (a moved tag is swapped to its
 * new image; no registry → a warning, the cached start keeps serving); a cached digest ref needs no registry.
 */
import { readFileSync } from 'node:fs';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsConnect } from '../../../src/lattice/connect.js';
import { CtlClient } from '../../../src/lattice/ctl-client.js';
import type { LatticeEvent } from '../../../src/lattice/events.js';
import { pushComponent } from '../../../src/oci/index.js';
import { freePort } from '../../../src/up/nats-server.js';
import { requireBuiltCli } from '../../helpers/cli.js';
import { FIXTURE_BODIES, fixturePath } from '../../helpers/fixtures.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { startTestRegistry, type TestRegistry } from '../../helpers/registry.js';
import { withCustomSection } from '../../helpers/wasm-variant.js';
import {
  EventLog,
  assertFreshBuild,
  spawnHost,
  waitForBody,
  type ChildHost,
  scaleAndAwaitOutcome,
} from '../host/helpers.js';

const LATTICE = 'oci-host-flags';
const HELLO = new Uint8Array(readFileSync(fixturePath('http-hello-v1')));
const HELLO2 = new Uint8Array(readFileSync(fixturePath('http-hello-v2')));
const USERS = { alice: 'correct horse battery' };
let nats: TestNats;
let nc: NatsConnection;
let open: TestRegistry;
let basic: TestRegistry;
let token: TestRegistry;
let host: ChildHost;
let events: EventLog;
let ctl: CtlClient;

beforeAll(async () => {
  requireBuiltCli();
  assertFreshBuild();
  [nats, open, basic, token] = await Promise.all([
    startTestNats(),
    startTestRegistry(),
    startTestRegistry({ auth: 'htpasswd', users: USERS }),
    startTestRegistry({ auth: 'token', users: USERS }),
  ]);
  nc = await natsConnect(nats.url);
  events = await new EventLog(nc, LATTICE).start();
  ctl = new CtlClient(nc, { lattice: LATTICE, timeoutMs: 10_000, collectMs: 500 });
  host = await spawnHost(nats.url, LATTICE, [
    '--allowed-insecure',
    '127.0.0.1',
    '--allow-latest',
    '--oci-registry',
    basic.host,
    '--oci-user',
    'alice',
    '--oci-password',
    USERS.alice,
  ]);
}, 90_000);

afterAll(async () => {
  await host?.signal('SIGKILL');
  events?.stop();
  await nc?.close();
  await Promise.all([nats?.close(), open?.close(), basic?.close(), token?.close()]);
});

const scale = (id: string, ref: string): Promise<LatticeEvent> => scaleAndAwaitOutcome(ctl, events, host.id, id, ref);

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('wash host registry flags', () => {
  it('--oci-registry/--oci-user/--oci-password log in to that registry only (Basic); another private one stays anonymous', async () => {
    const login = { username: 'alice', password: USERS.alice };
    const ref = `${basic.host}/team/hello:1.0.0`;
    await pushComponent({
      reference: ref,
      bytes: withCustomSection(HELLO, 'basic'),
      insecure: true,
      credentials: { [basic.host]: login },
    });
    const ok = await scale('basic', ref);
    expect(ok.name, JSON.stringify(ok.data)).toBe('component_scaled');

    const other = `${token.host}/team/hello:1.0.0`;
    await pushComponent({
      reference: other,
      bytes: withCustomSection(HELLO, 'token'),
      insecure: true,
      credentials: { [token.host]: login },
    });
    const refused = await scale('token', other);
    expect(refused.name).toBe('component_scale_failed');
    expect(String((refused.data as { error?: unknown }).error)).toMatch(
      new RegExp(`^OCI pull failed \\(unauthorized\\): registry ${token.host} refused anonymous access`),
    );
  }, 120_000);

  it('--allow-latest: an explicit :latest and an untagged reference are pulled', async () => {
    await pushComponent({
      reference: `${open.host}/wash/latest:latest`,
      bytes: withCustomSection(HELLO, 'latest'),
      insecure: true,
      allowLatest: true,
    });
    const tagged = await scale('latest-tagged', `${open.host}/wash/latest:latest`);
    expect(tagged.name, JSON.stringify(tagged.data)).toBe('component_scaled');
    const untagged = await scale('latest-untagged', `${open.host}/wash/latest`);
    expect(untagged.name, JSON.stringify(untagged.data)).toBe('component_scaled');
  }, 120_000);

  it('a tag moved since the last pull: the cached start is replaced by what it names now', async () => {
    const ref = `${open.host}/wash/moving:1.0.0`;
    await pushComponent({ reference: ref, bytes: HELLO, insecure: true });
    const first = await scale('moving-1', ref);
    expect(first.name, JSON.stringify(first.data)).toBe('component_scaled');

    await pushComponent({ reference: ref, bytes: HELLO2, insecure: true });
    const port = await freePort();
    await ctl.putConfig('moving-listen', { address: `127.0.0.1:${port}` });
    await ctl.startProvider({
      provider_ref: 'wasmcloud+builtin://http-server',
      provider_id: 'http-server',
      host_id: host.id,
      config: [],
    });
    await ctl.putLink({
      source_id: 'http-server',
      target: 'moving-2',
      name: 'default',
      wit_namespace: 'wasi',
      wit_package: 'http',
      interfaces: ['incoming-handler'],
      source_config: ['moving-listen'],
      target_config: [],
    });
    const mark = events.mark();
    const second = await scale('moving-2', ref);
    expect(second.name, JSON.stringify(second.data)).toBe('component_scaled');
    await waitForBody(`http://127.0.0.1:${port}/`, FIXTURE_BODIES['http-hello-v2'], 60_000);
    expect(host.stderr()).toMatch(
      new RegExp(
        `component moving-2: ${ref.replace(/\./g, '\\.')} now names sha256:[a-f0-9]{64}, not the cached image; replacing it`,
      ),
    );
    // The swap is announced like an update (a second component_scaled, same ref) and bumps the revision.
    const swappedEvents = () =>
      events.since(mark).filter((e) => e.name === 'component_scaled' && e.data.component_id === 'moving-2');
    await until(() => swappedEvents().length >= 2, 30_000, 'the component_scaled of the swap');
    const swapped = swappedEvents();
    const scaledData = (e: LatticeEvent) => e.data as { image_ref?: string; max_instances?: number };
    expect(swapped.map((e) => [scaledData(e).image_ref, scaledData(e).max_instances])).toEqual([
      [ref, 1],
      [ref, 1],
    ]);
    const inv = await ctl.getInventory(host.id);
    expect(inv.components.find((c) => c.id === 'moving-2')?.revision).toBe(1);
  }, 120_000);

  it('registry gone: a cached digest ref still starts (no network); a cached tag ref serves its cached image with a warning', async () => {
    const ref = `${open.host}/wash/offline:1.0.0`;
    const bytes = withCustomSection(HELLO, 'offline');
    const pushed = await pushComponent({ reference: ref, bytes, insecure: true });
    const byDigest = `${open.host}/wash/offline@${pushed.digest}`;
    expect((await scale('offline-tag', ref)).name).toBe('component_scaled');
    expect((await scale('offline-digest', byDigest)).name).toBe('component_scaled');

    await open.close();
    const digestAgain = await scale('offline-digest-2', byDigest);
    expect(digestAgain.name, JSON.stringify(digestAgain.data)).toBe('component_scaled');
    const tagAgain = await scale('offline-tag-2', ref);
    expect(tagAgain.name, JSON.stringify(tagAgain.data)).toBe('component_scaled');
    const warning = new RegExp(
      `component offline-tag-2: ${ref.replace(/\./g, '\\.')} could not be re-checked; serving the cached image.*OCI pull failed \\(unreachable\\): registry ${open.host.replace(/\./g, '\\.')} is unreachable`,
    );
    await until(() => warning.test(host.stderr()), 30_000, 'the re-check warning');
    const inv = await ctl.getInventory(host.id);
    expect(inv.components.map((c) => c.id)).toContain('offline-digest-2');
    expect(inv.components.map((c) => c.id)).toContain('offline-tag-2');
    const failedIds = events
      .named('component_scale_failed')
      .map((e) => (e.data as { component_id?: string }).component_id);
    expect(failedIds).not.toContain('offline-tag-2');
  }, 120_000);
});
