/**
 * The lattice commands against a REAL wash host (child process, real jco runtime, real components, real HTTP):
 * every `wash get|config|link|label|start|stop|scale|update` command through the built CLI with `-o json`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../src/up/nats-server.js';
import { readClaims } from '../../../src/component/claims.js';
import { requireBuiltCli, runWash } from '../../helpers/cli.js';
import { FIXTURE_BODIES, fixturePath } from '../../helpers/fixtures.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { signComponent } from '../../helpers/wascap.js';
import { assertFreshBuild, get, spawnHost, waitForBody, waitUntil, type ChildHost } from '../host/helpers.js';

const lattice = 'e2e-cli';
const v1 = pathToFileURL(fixturePath('http-hello-v1')).href;
const v2 = pathToFileURL(fixturePath('http-hello-v2')).href;
let nats: TestNats;
let host: ChildHost;
let home: string;
let port: number;

const wash = (...args: string[]) =>
  runWash([...args, '-o', 'json', '-x', lattice], {
    env: { WASMCLOUD_CTL_PORT: String(nats.port), HOME: home, WASH_CONFIG_DIR: join(home, 'config') },
  });

beforeAll(async () => {
  requireBuiltCli();
  assertFreshBuild();
  home = mkdtempSync(join(tmpdir(), 'wash-e2e-cli-'));
  nats = await startTestNats();
  host = await spawnHost(nats.url, lattice, ['-l', 'zone=east']);
  port = await freePort();
});

afterAll(async () => {
  await host?.signal('SIGKILL');
  await nats?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('lattice commands driving a real wash host', () => {
  it('get hosts / inventory / claims / links describe the host', async () => {
    const hosts = await wash('get', 'hosts');
    expect(hosts.code).toBe(0);
    expect(hosts.json.success).toBe(true);
    expect(hosts.json.hosts).toHaveLength(1);
    expect(hosts.json.hosts[0]).toMatchObject({
      id: host.id,
      friendly_name: host.friendlyName,
      lattice,
      labels: { zone: 'east', 'hostcore.os': expect.any(String) },
    });

    const inv = await wash('get', 'inventory', host.id);
    expect(inv.json.inventories[0]).toMatchObject({ host_id: host.id, components: [], providers: [] });
    expect((await wash('get', 'links')).json).toEqual({ links: [], success: true });
    expect((await wash('get', 'claims')).json.success).toBe(true);
  });

  it('a signed component: inventory names it by its claims, get claims lists them as upstream hosts do', async () => {
    const signed = signComponent(readFileSync(fixturePath('http-hello-v1')), { name: 'Signed Hello' });
    const claims = readClaims(signed)!;
    const path = join(home, 'signed.wasm');
    writeFileSync(path, signed);
    const started = await wash('start', 'component', pathToFileURL(path).href, 'signed-hello');
    expect(started.code, started.stderr).toBe(0);
    const inv = await wash('get', 'inventory', host.id);
    expect(inv.json.inventories[0].components).toEqual([
      expect.objectContaining({ id: 'signed-hello', name: 'Signed Hello' }),
    ]);
    await waitUntil(
      async () => (await wash('get', 'claims')).json.claims.length > 0 || undefined,
      10_000,
      'claims listed',
    );
    expect((await wash('get', 'claims')).json.claims).toEqual([
      {
        call_alias: '',
        iss: claims.issuer,
        issuer: claims.issuer,
        name: 'Signed Hello',
        rev: '0',
        revision: '0',
        sub: claims.subject,
        subject: claims.subject,
        tags: '',
        version: '',
      },
    ]);
    expect((await wash('stop', 'component', 'signed-hello', '--host-id', host.id)).code).toBe(0);
  });

  it('config put/get/del round-trips through the host (config get has no success key)', async () => {
    expect((await wash('config', 'put', 'listen', `address=127.0.0.1:${port}`)).json.success).toBe(true);
    expect((await wash('config', 'get', 'listen')).json).toEqual({ address: `127.0.0.1:${port}` });
    expect((await wash('config', 'put', 'scratch', 'a=1')).code).toBe(0);
    expect((await wash('config', 'del', 'scratch')).code).toBe(0);
    const missing = await wash('config', 'get', 'scratch');
    expect(missing.code).toBe(1);
    expect(missing.json.error).toMatch(/No configuration found for name: scratch/);
  });

  it('start component + start provider + link put → HTTP 200; update → v2; scale; stop', async () => {
    const started = await wash('start', 'component', v1, 'hello', '--max-instances', '2');
    expect(started.code, started.stderr).toBe(0);
    expect(started.json).toMatchObject({ component_ref: v1, component_id: 'hello', host_id: host.id, success: true });

    const provider = await wash('start', 'provider', 'wasmcloud+builtin://http-server', 'http-server');
    expect(provider.code, provider.stderr).toBe(0);
    expect(provider.json).toMatchObject({ provider_id: 'http-server', host_id: host.id });

    const link = await wash(
      'link',
      'put',
      'http-server',
      'hello',
      'wasi',
      'http',
      '--interface',
      'incoming-handler',
      '--source-config',
      'listen',
    );
    expect(link.code, link.stderr).toBe(0);
    expect(link.json).toMatchObject({ source_id: 'http-server', target: 'hello' });
    const url = `http://127.0.0.1:${port}/`;
    await waitForBody(url, FIXTURE_BODIES['http-hello-v1']);

    const links = await wash('get', 'links');
    expect(links.json.links).toEqual([
      expect.objectContaining({
        source_id: 'http-server',
        target: 'hello',
        wit_namespace: 'wasi',
        wit_package: 'http',
        interfaces: ['incoming-handler'],
        source_config: ['listen'],
      }),
    ]);

    const updated = await wash('update', 'component', 'hello', v2, '--host-id', host.id);
    expect(updated.code, updated.stderr).toBe(0);
    await waitForBody(url, FIXTURE_BODIES['http-hello-v2']);

    const scaled = await wash('scale', 'component', host.id, v2, 'hello', '--max-instances', '5');
    expect(scaled.code, scaled.stderr).toBe(0);
    const inv = await wash('get', 'inventory', host.id);
    expect(inv.json.inventories[0].components).toEqual([
      expect.objectContaining({ id: 'hello', image_ref: v2, max_instances: 5 }),
    ]);

    const stopped = await wash('stop', 'component', 'hello', '--host-id', host.id);
    expect(stopped.code, stopped.stderr).toBe(0);
    await waitUntil(
      async () => ((await get(url))?.status !== 200 ? true : undefined),
      10_000,
      'component to stop serving',
    );

    expect((await wash('link', 'del', 'http-server', 'wasi', 'http')).code).toBe(0);
    expect((await wash('get', 'links')).json.links).toEqual([]);
    expect((await wash('stop', 'provider', 'http-server', '--host-id', host.id)).code).toBe(0);
  });

  it('label put/delete changes the host labels; hostcore.* refused', async () => {
    const put = await wash('label', host.id, 'tier=gold');
    expect(put.code, put.stderr).toBe(0);
    expect((await wash('get', 'hosts')).json.hosts[0].labels.tier).toBe('gold');
    expect((await wash('label', host.id, 'tier', '--delete')).code).toBe(0);
    expect((await wash('get', 'hosts')).json.hosts[0].labels.tier).toBeUndefined();
    const refused = await wash('label', host.id, 'hostcore.os=plan9');
    expect(refused.code).toBe(1);
  });

  it('a missing file:// component fails start with the host error, not a timeout', async () => {
    const r = await wash('start', 'component', pathToFileURL('/nonexistent/x.wasm').href, 'ghost');
    expect(r.code).toBe(1);
    expect(r.json.error).toMatch(/nonexistent|not found|no such file/i);
  });

  it('stop host → the host publishes host_stopped and exits', async () => {
    const r = await wash('stop', 'host', host.id);
    expect(r.code, r.stderr).toBe(0);
    expect(await host.exited).toBe(0);
    expect((await wash('get', 'hosts')).json.hosts).toEqual([]);
  });
});
