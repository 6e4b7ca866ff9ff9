/**
 * The host's own registry flags, end to end with a real `wash host` child process and real registries: a login
 * from --oci-registry/--oci-user/--oci-password (sent to that registry only), and --allow-latest accepting a
 * `latest` tag that host-deploy.test.ts shows refused without it.
 */
import { readFileSync } from 'node:fs';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsConnect } from '../../../src/lattice/connect.js';
import { CtlClient } from '../../../src/lattice/ctl-client.js';
import type { LatticeEvent } from '../../../src/lattice/events.js';
import { pushComponent } from '../../../src/oci/index.js';
import { requireBuiltCli } from '../../helpers/cli.js';
import { fixturePath } from '../../helpers/fixtures.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { startTestRegistry, type TestRegistry } from '../../helpers/registry.js';
import { withCustomSection } from '../../helpers/wasm-variant.js';
import { EventLog, assertFreshBuild, spawnHost, type ChildHost } from '../host/helpers.js';

const LATTICE = 'oci-host-flags';
const HELLO = new Uint8Array(readFileSync(fixturePath('http-hello-v1')));
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

async function scale(id: string, ref: string): Promise<LatticeEvent> {
  const mark = events.mark();
  await ctl.scaleComponent({
    component_ref: ref,
    component_id: id,
    count: 1,
    host_id: host.id,
    config: [],
    allow_update: false,
  });
  return events.waitFor(
    (e) =>
      events.since(mark).includes(e) &&
      (e.name === 'component_scaled' || e.name === 'component_scale_failed') &&
      e.data.component_id === id,
    30_000,
    `outcome of scaling ${id}`,
  );
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
});
