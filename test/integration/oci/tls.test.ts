/**
 * Registries over HTTPS with a private CA: real `docker-registry` processes serving TLS with certificates from a
 * throw-away CA (openssl, temp dir). `--oci-tls-ca-file` / WASMCLOUD_OCI_TLS_CA_FILE make push, pull and the
 * host trust it; an unknown CA, a wrong CA file and a certificate for another host name each give a clear
 * error naming the registry and what to do; a missing or non-PEM CA file is refused before any request.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsConnect } from '../../../src/lattice/connect.js';
import { CtlClient } from '../../../src/lattice/ctl-client.js';
import type { LatticeEvent } from '../../../src/lattice/events.js';
import { ociSettingsFromEnv, ociWitSource, pushComponent } from '../../../src/oci/index.js';
import { sha256Digest } from '../../../src/oci/digest.js';
import { freePort } from '../../../src/up/nats-server.js';
import { requireBuiltCli, runWash } from '../../helpers/cli.js';
import { FIXTURE_BODIES, fixturePath } from '../../helpers/fixtures.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { startTestRegistry, type TestRegistry } from '../../helpers/registry.js';
import { makeTestCa, type TestCa } from '../../helpers/tls-ca.js';
import { withCustomSection } from '../../helpers/wasm-variant.js';
import {
  EventLog,
  assertFreshBuild,
  spawnHost,
  waitForBody,
  type ChildHost,
  scaleAndAwaitOutcome,
} from '../host/helpers.js';

const LATTICE = 'oci-tls';
const HELLO_FILE = fixturePath('http-hello-v1');
const HELLO = new Uint8Array(readFileSync(HELLO_FILE));
let dir: string;
let ca: TestCa;
let otherCa: TestCa;
/** TLS with a certificate for 127.0.0.1 signed by `ca`. */
let secure: TestRegistry;
/** TLS with a certificate (signed by `ca`) for another host name only. */
let misnamed: TestRegistry;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  requireBuiltCli();
  assertFreshBuild();
  dir = mkdtempSync(join(tmpdir(), 'wash-oci-tls-'));
  env = { HOME: dir, WASH_CACHE_DIR: join(dir, 'cache'), WASH_CONFIG_DIR: join(dir, 'config') };
  ca = makeTestCa(dir, 'wash-test-ca');
  otherCa = makeTestCa(dir, 'unrelated-ca');
  [secure, misnamed] = await Promise.all([
    startTestRegistry({ tls: ca.issue('registry', ['IP:127.0.0.1', 'DNS:localhost']) }),
    startTestRegistry({ tls: ca.issue('elsewhere', ['DNS:registry.other.example']) }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([secure?.close(), misnamed?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const wash = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
  runWash(args, { env: { ...env, ...extraEnv }, cwd: dir, timeoutMs: 90_000 });

describe('wash push / pull with a registry behind a private CA', () => {
  it('--oci-tls-ca-file (push), WASMCLOUD_OCI_TLS_CA_FILE (pull) and the --oci-ca-file alias (inspect) trust it', async () => {
    const ref = `${secure.host}/wash/tls:0.1.0`;
    const pushed = await wash(['push', ref, HELLO_FILE, '--oci-tls-ca-file', ca.caFile, '-o', 'json']);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.json).toEqual({ url: ref, digest: expect.stringMatching(/^sha256:[a-f0-9]{64}$/), success: true });

    const dest = join(dir, 'tls.wasm');
    const pulled = await wash(['pull', ref, '--destination', dest, '-o', 'json'], {
      WASMCLOUD_OCI_TLS_CA_FILE: ca.caFile,
    });
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.json).toEqual({ url: ref, digest: pushed.json.digest, success: true });
    expect(sha256Digest(readFileSync(dest))).toBe(sha256Digest(HELLO));

    const inspected = await wash(['inspect', ref, '--oci-ca-file', ca.caFile, '-o', 'json']);
    expect(inspected.code, inspected.stderr).toBe(0);
    expect(inspected.json.exports).toEqual(['wasi:http/incoming-handler@0.2.10']);
  }, 180_000);

  it('an unknown CA, a CA file without the signing CA, and a certificate for another name each say so', async () => {
    const ref = `${secure.host}/wash/tls:0.1.0`;
    await pushComponent({ reference: ref, bytes: HELLO, caFile: ca.caFile });

    const unknown = await wash(['pull', ref, '-o', 'json']);
    expect(unknown.code).toBe(1);
    expect(unknown.json.error).toMatch(
      new RegExp(
        `^registry ${secure.host} failed TLS verification for ${ref} \\(https://${secure.host}\\): its TLS certificate is signed by a certificate authority this client does not trust`,
      ),
    );
    expect(unknown.json.suggestion).toMatch(/--oci-tls-ca-file <ca\.pem> \(or WASMCLOUD_OCI_TLS_CA_FILE=<ca\.pem>\)/);
    expect(unknown.stderr).not.toMatch(/\n\s+at /);

    const wrongCa = await wash(['pull', ref, '--oci-tls-ca-file', otherCa.caFile, '-o', 'json']);
    expect(wrongCa.code).toBe(1);
    expect(wrongCa.json.error).toMatch(/failed TLS verification .*does not trust/);
    expect(wrongCa.json.suggestion).toContain(`the CA file ${otherCa.caFile} (--oci-tls-ca-file`);

    const elsewhere = await wash([
      'push',
      `${misnamed.host}/wash/tls:0.1.0`,
      HELLO_FILE,
      '--oci-tls-ca-file',
      ca.caFile,
      '-o',
      'json',
    ]);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.json.error).toMatch(
      new RegExp(
        `^registry ${misnamed.host} failed TLS verification .*: its TLS certificate is not valid for the name '127\\.0\\.0\\.1' \\(it is for DNS:registry\\.other\\.example\\)`,
      ),
    );
    expect(elsewhere.json.suggestion).toMatch(/subjectAltName/);
  }, 180_000);

  it('a missing or non-PEM CA file is refused before any request, naming the file and the option', async () => {
    const missing = join(dir, 'no-such-ca.pem');
    const r1 = await wash(['pull', `${secure.host}/wash/tls:0.1.0`, '--oci-tls-ca-file', missing, '-o', 'json']);
    expect(r1.code).toBe(1);
    expect(r1.json.error).toBe(
      `cannot read the registry CA file ${missing} given by --oci-tls-ca-file (WASMCLOUD_OCI_TLS_CA_FILE)`,
    );
    expect(r1.json.suggestion).toMatch(/^ENOENT: /);

    const notPem = join(dir, 'not-a-ca.pem');
    writeFileSync(notPem, 'hello\n');
    const r2 = await wash(['push', `${secure.host}/wash/tls:0.2.0`, HELLO_FILE, '--oci-tls-ca-file', notPem]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(`the registry CA file ${notPem} given by --oci-tls-ca-file`);
    expect(r2.stderr).toContain('holds no PEM certificate');
    expect(r2.stderr).not.toMatch(/\n\s+at /);

    // wash host checks it at start, before joining a lattice.
    const host = await wash([
      'host',
      '--oci-tls-ca-file',
      missing,
      '--nats-url',
      `nats://127.0.0.1:${await freePort()}`,
    ]);
    expect(host.code).toBe(1);
    expect(host.stderr).toContain(`cannot read the registry CA file ${missing} given by --oci-tls-ca-file`);
  }, 120_000);
});

describe('oci:// WIT sources over TLS', () => {
  it('WASMCLOUD_OCI_TLS_CA_FILE lets the build fetch them (tag listing and pull); without it the error says which option', async () => {
    await pushComponent({ reference: `${secure.host}/interfaces/acme/tls:0.3.0`, bytes: HELLO, caFile: ca.caFile });
    const source = { target: 'acme:tls', url: `oci://${secure.host}/interfaces`, baseDir: dir };
    const deps = join(dir, 'wit-deps');
    const trusted = {
      ...ociSettingsFromEnv({ WASMCLOUD_OCI_TLS_CA_FILE: ca.caFile }),
      cacheDir: join(dir, 'wit-cache'),
    };
    await ociWitSource(trusted)(source, deps);
    expect(sha256Digest(readFileSync(join(deps, 'acme-tls.wasm')))).toBe(sha256Digest(HELLO));

    const untrusted = { ...ociSettingsFromEnv({}), cacheDir: join(dir, 'wit-cache') };
    await expect(ociWitSource(untrusted)(source, deps)).rejects.toMatchObject({
      kind: 'tls',
      message: expect.stringMatching(/failed TLS verification .*does not trust/),
      suggestion: expect.stringContaining('--oci-tls-ca-file'),
    });
  });
});

describe('wash host with --oci-tls-ca-file', () => {
  let nats: TestNats;
  let nc: NatsConnection;
  let host: ChildHost;
  let events: EventLog;
  let ctl: CtlClient;

  beforeAll(async () => {
    nats = await startTestNats();
    nc = await natsConnect(nats.url);
    events = await new EventLog(nc, LATTICE).start();
    ctl = new CtlClient(nc, { lattice: LATTICE, timeoutMs: 10_000, collectMs: 500 });
    host = await spawnHost(nats.url, LATTICE, ['--oci-tls-ca-file', ca.caFile]);
  }, 90_000);

  afterAll(async () => {
    await host?.signal('SIGKILL');
    events?.stop();
    await nc?.close();
    await nats?.close();
  });

  const scale = (id: string, ref: string): Promise<LatticeEvent> => scaleAndAwaitOutcome(ctl, events, host.id, id, ref);

  it('pulls over HTTPS from the private-CA registry and serves it; a misnamed certificate ends in component_scale_failed (tls)', async () => {
    const bytes = withCustomSection(HELLO, 'tls-host');
    const ref = `${secure.host}/wash/tls-host:1.0.0`;
    await pushComponent({ reference: ref, bytes, caFile: ca.caFile });
    const port = await freePort();
    await ctl.putConfig('tls-listen', { address: `127.0.0.1:${port}` });
    await ctl.startProvider({
      provider_ref: 'wasmcloud+builtin://http-server',
      provider_id: 'http-server',
      host_id: host.id,
      config: [],
    });
    await ctl.putLink({
      source_id: 'http-server',
      target: 'tls-hello',
      name: 'default',
      wit_namespace: 'wasi',
      wit_package: 'http',
      interfaces: ['incoming-handler'],
      source_config: ['tls-listen'],
      target_config: [],
    });
    const ok = await scale('tls-hello', ref);
    expect(ok.name, JSON.stringify(ok.data)).toBe('component_scaled');
    await waitForBody(`http://127.0.0.1:${port}/`, FIXTURE_BODIES['http-hello-v1'], 60_000);

    const failed = await scale('misnamed', `${misnamed.host}/wash/tls-host:1.0.0`);
    expect(failed.name).toBe('component_scale_failed');
    expect(String((failed.data as { error?: unknown }).error)).toMatch(
      new RegExp(
        `^OCI pull failed \\(tls\\): registry ${misnamed.host} failed TLS verification .*not valid for the name '127\\.0\\.0\\.1'`,
      ),
    );
    expect(host.child.exitCode).toBeNull();
  }, 180_000);
});
