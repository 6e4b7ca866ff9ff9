/**
 * Registry refs end to end: a real registry on loopback, real `wash host` child processes, the in-process wadm
 * engine and `wash app deploy`. A manifest naming the component by registry ref is deployed and answers HTTP;
 * the same through a mirror mapping from a public registry name (ghcr.io → the local registry); credentials
 * from registry.put; and each failure (auth, missing tag, corrupted blob, wrong media type, unreachable,
 * latest refused) ends in component_scale_failed with its own message while the host keeps serving.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CtlClient } from '../../../src/lattice/ctl-client.js';
import type { LatticeEvent } from '../../../src/lattice/events.js';
import { pushComponent } from '../../../src/oci/index.js';
import { sha256Digest } from '../../../src/oci/digest.js';
import { OCI_MANIFEST } from '../../../src/oci/media-types.js';
import { freePort } from '../../../src/up/nats-server.js';
import { helloApp as sharedHelloApp } from '../../../src/testing/hello-app.js';
import { runWash } from '../../helpers/cli.js';
import { FIXTURE_BODIES, fixturePath } from '../../helpers/fixtures.js';
import type { TestNats } from '../../helpers/nats.js';
import { startTestRegistry, type TestRegistry } from '../../helpers/registry.js';
import { withCustomSection } from '../../helpers/wasm-variant.js';
import { startTestLattice, type TestLattice } from '../../helpers/test-lattice.js';
import { type EventLog, get, scaleAndAwaitOutcome, waitForBody, type ChildHost } from '../host/helpers.js';

const LATTICE = 'oci-e2e';
const HELLO = new Uint8Array(readFileSync(fixturePath('http-hello-v1')));
const HELLO2 = new Uint8Array(readFileSync(fixturePath('http-hello-v2')));
const USERS = { alice: 'correct horse battery' };

let lat: TestLattice;
let nats: TestNats;
let nc: NatsConnection;
let reg: TestRegistry;
let privateReg: TestRegistry;
let host: ChildHost;
let events: EventLog;
let ctl: CtlClient;
let dir: string;
let servingPort = 0;

beforeAll(async () => {
  [lat, reg, privateReg] = await Promise.all([
    startTestLattice({ lattice: LATTICE, tmpPrefix: 'wash-oci-e2e-' }),
    startTestRegistry(),
    startTestRegistry({ auth: 'htpasswd', users: USERS }),
  ]);
  ({ nats, nc, dir } = lat);
  events = await lat.events();
  ctl = lat.ctl({ timeoutMs: 10_000 });
  await lat.wadm();
  // `127.0.0.1` (no port) allows plain HTTP to every loopback registry; ghcr.io is served by the local one.
  host = await lat.host(['--allowed-insecure', '127.0.0.1', '--registry-mirror', `ghcr.io=${reg.host}`]);
}, 90_000);

afterAll(async () => {
  await Promise.all([lat?.stop(), reg?.close(), privateReg?.close()]);
});

const helloApp = (name: string, image: string, port: number) => sharedHelloApp({ name, image, port });

async function deploy(name: string, image: string): Promise<number> {
  const port = await freePort();
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, helloApp(name, image, port));
  const r = await runWash(['app', 'deploy', file, '-o', 'json', '-x', LATTICE, '--timeout-ms', '15000'], {
    env: { WASMCLOUD_CTL_PORT: String(nats.port), HOME: dir, WASH_CONFIG_DIR: join(dir, 'config') },
    timeoutMs: 90_000,
  });
  expect(r.code, r.stderr).toBe(0);
  return port;
}

const scale = (id: string, ref: string): Promise<LatticeEvent> => scaleAndAwaitOutcome(ctl, events, host.id, id, ref);

function failure(e: LatticeEvent): string {
  expect(e.name, JSON.stringify(e.data)).toBe('component_scale_failed');
  return String((e.data as { error?: unknown }).error);
}

describe('wash host runs components from a registry', () => {
  it('deploys a manifest naming the component by registry ref, and by a public name through the mirror; both answer HTTP', async () => {
    await pushComponent({ reference: `${reg.host}/wash/http-hello:0.1.0`, bytes: HELLO, insecure: true });
    const direct = await deploy('oci-direct', `${reg.host}/wash/http-hello:0.1.0`);
    servingPort = direct;
    await waitForBody(`http://127.0.0.1:${direct}/`, FIXTURE_BODIES['http-hello-v1'], 60_000);

    // The manifest names ghcr.io; the host's mirror mapping fetches it from the local registry.
    await pushComponent({
      reference: `${reg.host}/wasmcloud/components/http-hello-world-rust:0.1.0`,
      bytes: HELLO2,
      insecure: true,
    });
    const mirrored = await deploy('oci-mirror', 'ghcr.io/wasmcloud/components/http-hello-world-rust:0.1.0');
    await waitForBody(`http://127.0.0.1:${mirrored}/`, FIXTURE_BODIES['http-hello-v2'], 60_000);
    expect(host.stderr()).toContain(
      `pulled ghcr.io/wasmcloud/components/http-hello-world-rust:0.1.0 (via mirror ${reg.host}/wasmcloud/components/http-hello-world-rust)`,
    );

    const inv = await ctl.getInventory(host.id);
    expect(inv.components.map((c) => c.image_ref).sort()).toEqual([
      `${reg.host}/wash/http-hello:0.1.0`,
      'ghcr.io/wasmcloud/components/http-hello-world-rust:0.1.0',
    ]);
  }, 240_000);

  it('a private registry: anonymous and wrong password fail as unauthorized; registry.put with the right login makes it work', async () => {
    const ref = `${privateReg.host}/team/hello:1.0.0`;
    await pushComponent({
      reference: ref,
      bytes: withCustomSection(HELLO, 'private'),
      insecure: true,
      credentials: { [privateReg.host]: { username: 'alice', password: USERS.alice } },
    });
    expect(failure(await scale('private-anon', ref))).toMatch(
      new RegExp(
        `^OCI pull failed \\(unauthorized\\): registry ${privateReg.host} refused anonymous access for ${ref}`,
      ),
    );
    await ctl.putRegistries({ [privateReg.host]: { username: 'alice', password: 'wrong', registryType: 'oci' } });
    await nc.flush();
    expect(failure(await scale('private-wrong', ref))).toMatch(
      /^OCI pull failed \(unauthorized\): .*refused user 'alice'/,
    );
    await ctl.putRegistries({ [privateReg.host]: { username: 'alice', password: USERS.alice, registryType: 'oci' } });
    await nc.flush();
    const ok = await scale('private-ok', ref);
    expect(ok.name, JSON.stringify(ok.data)).toBe('component_scaled');
  }, 240_000);

  it('missing tag, corrupted blob, wrong media type, unreachable and latest each fail with their own message; the host keeps serving', async () => {
    expect(failure(await scale('missing', `${reg.host}/wash/http-hello:9.9.9`))).toMatch(
      new RegExp(
        `^OCI pull failed \\(not-found\\): ${reg.host}/wash/http-hello:9\\.9\\.9 was not found \\(MANIFEST_UNKNOWN`,
      ),
    );

    const corrupt = withCustomSection(HELLO, 'corrupt-me');
    await pushComponent({ reference: `${reg.host}/wash/corrupt:1.0.0`, bytes: corrupt, insecure: true });
    const blob = reg.blobFile(sha256Digest(corrupt));
    const data = readFileSync(blob);
    data[data.length - 2] ^= 0x55;
    writeFileSync(blob, data);
    expect(failure(await scale('corrupt', `${reg.host}/wash/corrupt:1.0.0`))).toMatch(
      /^OCI pull failed \(digest-mismatch\): .*blob digest mismatch — expected sha256:/,
    );

    const m = JSON.parse(
      await (
        await fetch(`http://${reg.host}/v2/wash/http-hello/manifests/0.1.0`, { headers: { accept: OCI_MANIFEST } })
      ).text(),
    );
    m.layers[0].mediaType = 'application/vnd.wasmcloud.provider.archive.layer.v1+par';
    expect(
      (
        await fetch(`http://${reg.host}/v2/wash/http-hello/manifests/par`, {
          method: 'PUT',
          headers: { 'content-type': OCI_MANIFEST },
          body: JSON.stringify(m),
        })
      ).status,
    ).toBe(201);
    expect(failure(await scale('par', `${reg.host}/wash/http-hello:par`))).toMatch(
      /^OCI pull failed \(media-type\): .* is not a wasm component artifact \(a capability provider archive, not a component\)/,
    );

    const closed = await freePort();
    expect(failure(await scale('down', `127.0.0.1:${closed}/wash/x:1.0.0`))).toMatch(
      new RegExp(
        `^OCI pull failed \\(unreachable\\): registry 127\\.0\\.0\\.1:${closed} is unreachable .*ECONNREFUSED`,
      ),
    );
    expect(failure(await scale('latest', `${reg.host}/wash/http-hello:latest`))).toMatch(
      /^OCI pull failed \(latest-refused\): .*--allow-latest/,
    );

    // Still serving the first app, still answering the control interface.
    const inv = await ctl.getInventory(host.id);
    expect(inv.components.map((c) => c.id)).not.toEqual(
      expect.arrayContaining(['missing', 'corrupt', 'par', 'down', 'latest']),
    );
    const apps = inv.components.filter((c) => c.image_ref === `${reg.host}/wash/http-hello:0.1.0`);
    expect(apps).toHaveLength(1);
    expect(host.child.exitCode).toBeNull();
    expect((await get(`http://127.0.0.1:${servingPort}/`))?.body).toBe(FIXTURE_BODIES['http-hello-v1']);
  }, 240_000);

  it('an update to a registry ref swaps versions without downtime; the same digest is not downloaded twice', async () => {
    await pushComponent({ reference: `${reg.host}/wash/swap:1.0.0`, bytes: HELLO, insecure: true });
    await pushComponent({ reference: `${reg.host}/wash/swap:2.0.0`, bytes: HELLO2, insecure: true });
    const started = await scale('swap', `${reg.host}/wash/swap:1.0.0`);
    expect(started.name).toBe('component_scaled');
    const mark = events.mark();
    await ctl.updateComponent({
      component_id: 'swap',
      new_component_ref: `${reg.host}/wash/swap:2.0.0`,
      host_id: host.id,
    });
    await events.waitFor(
      (e) =>
        events.since(mark).includes(e) &&
        e.name === 'component_scaled' &&
        e.data.image_ref === `${reg.host}/wash/swap:2.0.0`,
      30_000,
      'update',
    );
    // swap:1.0.0 has the same layer as wash/http-hello:0.1.0 pulled before: served from the digest cache.
    const lines = host
      .stderr()
      .split('\n')
      .filter((l) => l.includes(`pulled ${reg.host}/wash/swap:1.0.0`));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/cached[=:" ]+true/);
  }, 240_000);
});
