/**
 * The lattice commands end to end: the built CLI (`bin/run.js`, run `npm run build` first) against a real
 * nats-server and simulated hosts living in this test process.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsConnect } from '../../../src/lattice/connect.js';
import { runWash, type WashRun } from '../../helpers/cli.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { simHostId, startSimHost, type SimHost } from '../../../src/testing/sim-host.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
let nats: TestNats;
let nc: NatsConnection;
let configDir: string;
const hosts: SimHost[] = [];
const H = simHostId('b');
const SLOW = simHostId('c');
const FAILING = simHostId('d');

function wash(args: string[], env: Record<string, string> = {}): Promise<WashRun> {
  return runWash(args, {
    env: { HOME: configDir, WASH_CONFIG_DIR: configDir, WASMCLOUD_CTL_PORT: String(nats.port), ...env },
    timeoutMs: 30_000,
  });
}

beforeAll(async () => {
  if (!existsSync(join(repo, 'dist/wash.cjs')))
    throw new Error('dist/wash.cjs is missing: run `npm run build` before this test');
  configDir = mkdtempSync(join(tmpdir(), 'wash-lattice-cli-'));
  nats = await startTestNats();
  nc = await natsConnect(nats.url);
  hosts.push(
    await startSimHost(nc, {
      id: H,
      friendlyName: 'brave-otter-1234',
      labels: { zone: 'east' },
      eventDelayMs: 100,
      auctions: true,
      recordRequests: true,
    }),
  );
  hosts.push(await startSimHost(nc, { id: SLOW, lattice: 'slow', eventDelayMs: 'never' }));
  hosts.push(
    await startSimHost(nc, {
      id: FAILING,
      lattice: 'failing',
      scaleError: 'failed to fetch component: 404 Not Found',
    }),
  );
});

afterAll(async () => {
  for (const h of hosts) await h.stop();
  await nc?.close();
  await nats?.close();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

describe('wash get', () => {
  it('get hosts -o json lists the simulated host with success', async () => {
    const r = await wash(['get', 'hosts', '-o', 'json']);
    expect(r.code).toBe(0);
    expect(r.json.success).toBe(true);
    expect(r.json.hosts.map((h: { id: string }) => h.id)).toEqual([H]);
    expect(r.json.hosts[0].labels.zone).toBe('east');
  });

  it('get hosts names its inboxes from /dev/urandom: a fresh random prefix per run, no webcrypto loaded', async () => {
    // The bundles read nuid's random prefix from /dev/urandom (scripts/bundle-cli.mjs, natsTransforms) instead of
    // globalThis.crypto, whose first touch loads Node's webcrypto (~5 ms of every real lattice command).
    const probe = join(configDir, 'record-modules.cjs');
    writeFileSync(
      probe,
      "process.on('exit', () => require('node:fs').writeFileSync(process.env.WASH_TEST_MODULES, JSON.stringify(process.moduleLoadList)));\n",
    );
    const inboxes: string[] = [];
    const sub = nc.subscribe('_INBOX.>', {
      callback: (_err, msg) => {
        inboxes.push(msg.subject);
      },
    });
    await nc.flush();
    for (const run of [1, 2]) {
      const modules = join(configDir, `modules-${run}.json`);
      const r = await wash(['get', 'hosts', '-o', 'json'], {
        NODE_OPTIONS: `--require ${probe}`,
        WASH_TEST_MODULES: modules,
      });
      expect(r.code).toBe(0);
      expect(r.json.hosts.map((h: { id: string }) => h.id)).toEqual([H]);
      const loaded = JSON.parse(readFileSync(modules, 'utf8')) as string[];
      expect(loaded).toContain('NativeModule net');
      expect(loaded.filter((m) => m.includes('crypto'))).toEqual([]);
    }
    sub.unsubscribe();
    const prefixes = new Set(inboxes.map((subject) => subject.split('.')[1]?.slice(0, 12)));
    expect(inboxes.length).toBeGreaterThanOrEqual(2);
    expect(prefixes.size).toBe(2);
  });

  it('get inventory on an empty lattice is an error naming the situation', async () => {
    const r = await wash(['get', 'inventory', '-x', 'nobody-here', '-t', '500', '-o', 'json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.json).toMatchObject({ success: false, error: 'No hosts are available for inventory query.' });
    const text = await wash(['get', 'inventory', '-x', 'nobody-here', '-t', '500']);
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(
      /^Error: No hosts are available for inventory query\.\n {2}hint: start a host with `wash up`/,
    );
    expect(text.stderr).not.toMatch(/unexpected error/);
  });

  it('get inventory by friendly name renders a table in text mode', async () => {
    const r = await wash(['get', 'inventory', 'brave-otter']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(H);
    expect(r.stdout).toMatch(/zone\s+east/);
  });

  it('get inventory --watch redraws the table until Ctrl+C, then says so; with -o json it is refused', async () => {
    const child = spawn(
      process.execPath,
      [join(repo, 'bin/run.js'), 'get', 'inventory', '--watch', '--watch-interval-ms', '100'],
      {
        env: { ...process.env, HOME: configDir, WASH_CONFIG_DIR: configDir, WASMCLOUD_CTL_PORT: String(nats.port) },
      },
    );
    let stdout = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const redraws = () => stdout.split('\u001b[2J\u001b[H').length - 1;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fewer than 3 redraws in 20 s; stdout: ${stdout}`)), 20_000);
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (redraws() >= 3) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const frames = stdout.split('\u001b[2J\u001b[H').slice(1);
    for (const frame of frames.slice(0, 3)) expect(frame).toContain(H);
    expect(stdout.trimEnd().endsWith('Completed Watching Inventory')).toBe(true);

    const json = await wash(['get', 'inventory', '--watch', '-o', 'json']);
    expect(json.code).toBe(1);
    expect(json.json).toMatchObject({ success: false, error: expect.stringMatching(/^--watch redraws a table/) });
  }, 30_000);
});

describe('wash config', () => {
  it('put / get / del round-trip; get prints the bare map without success', async () => {
    const put = await wash(['config', 'put', 'app-cfg', 'greeting=hello', 'url=http://x/?a=b', '-o', 'json']);
    expect(put.json).toEqual({ message: "Configuration 'app-cfg' put successfully.", success: true });
    const get = await wash(['config', 'get', 'app-cfg', '-o', 'json']);
    expect(get.code).toBe(0);
    expect(get.json).toEqual({ greeting: 'hello', url: 'http://x/?a=b' });
    const del = await wash(['config', 'del', 'app-cfg', '-o', 'json']);
    expect(del.json.success).toBe(true);
    const missing = await wash(['config', 'get', 'app-cfg', '-o', 'json']);
    expect(missing.code).toBe(1);
    expect(missing.json.error).toBe('No configuration found for name: app-cfg');
  });

  it('refuses SECRET names and malformed values, naming the argument', async () => {
    const secret = await wash(['config', 'put', 'SECRET_db', 'a=1']);
    expect(secret.code).toBe(1);
    expect(secret.stderr).toMatch(/<name> "SECRET_db" starts with SECRET/);
    const bad = await wash(['config', 'put', 'cfg', 'novalue']);
    expect(bad.stderr).toMatch(/<values> "novalue" is not in key=value form/);
  });
});

describe('wash start / scale / update / stop component', () => {
  it('start component waits for component_scaled and reports the host', async () => {
    const r = await wash(['start', 'component', 'ghcr.io/acme/hello:0.1.0', 'hello', '--host-id', H, '-o', 'json']);
    expect(r.code).toBe(0);
    expect(r.json).toEqual({
      result: `Component [hello] (ref: [ghcr.io/acme/hello:0.1.0]) started on host [${H}]`,
      component_ref: 'ghcr.io/acme/hello:0.1.0',
      component_id: 'hello',
      host_id: H,
      success: true,
    });
    expect(hosts[0].components().find((c) => c.id === 'hello')?.max_instances).toBe(1);
  });

  it('start component without --host-id takes the first auction ack; unmatched constraints are a clear error', async () => {
    const ok = await wash(['start', 'component', 'ghcr.io/acme/api:1.0.0', 'api', '-c', 'zone=east', '-o', 'json']);
    expect(ok.code).toBe(0);
    expect(ok.json.host_id).toBe(H);
    const none = await wash([
      'start',
      'component',
      'ghcr.io/acme/api:1.0.0',
      'api2',
      '-c',
      'zone=mars',
      '--auction-timeout-ms',
      '300',
      '-o',
      'json',
    ]);
    expect(none.code).toBe(1);
    expect(none.json.error).toMatch(/no host of lattice "default" accepted component "api2".*constraints: zone=mars/);
  });

  it('times out naming the awaited event when the host never reports', async () => {
    const r = await wash([
      'start',
      'component',
      'ghcr.io/acme/hello:0.1.0',
      'hello',
      '--host-id',
      SLOW,
      '-x',
      'slow',
      '-t',
      '700',
      '-o',
      'json',
    ]);
    expect(r.code).toBe(1);
    expect(r.json.error).toBe(
      `timed out after 700 ms waiting for component_scaled for component "hello" on host ${SLOW} on lattice "slow"`,
    );
    expect(r.json.suggestion).toMatch(/wash get inventory/);
  });

  it('reports component_scale_failed with the host error', async () => {
    const r = await wash([
      'start',
      'component',
      'ghcr.io/acme/missing:9',
      'gone',
      '--host-id',
      FAILING,
      '-x',
      'failing',
      '-o',
      'json',
    ]);
    expect(r.code).toBe(1);
    expect(r.json.error).toContain('failed to fetch component: 404 Not Found');
  });

  it('validates ids, naming the argument', async () => {
    const r = await wash(['start', 'component', 'ghcr.io/acme/hello:0.1.0', 'bad.id', '-o', 'json']);
    expect(r.code).toBe(1);
    expect(r.json.error).toMatch(/<component-id> "bad.id" is not a valid id/);
    const host = await wash(['scale', 'component', 'no-such-host', 'r', 'hello', '-o', 'json']);
    expect(host.json.error).toMatch(/<host-id> "no-such-host" is not a host id/);
  });

  it('scale, update and stop a component', async () => {
    const scale = await wash([
      'scale',
      'component',
      'brave',
      'ghcr.io/acme/hello:0.1.0',
      'hello',
      '-c',
      '5',
      '-o',
      'json',
    ]);
    expect(scale.json).toMatchObject({ host_id: H, component_id: 'hello', success: true });
    expect(scale.json.result).toMatch(/to 5 max concurrent instances/);
    const update = await wash(['update', 'component', 'hello', 'ghcr.io/acme/hello:0.2.0', '-o', 'json']);
    expect(update.json.result).toBe(
      `Host [${H}]: component hello updating from ghcr.io/acme/hello:0.1.0 to ghcr.io/acme/hello:0.2.0`,
    );
    const stop = await wash(['stop', 'component', 'hello', '-o', 'json']);
    expect(stop.json).toEqual({
      result: 'Component [hello] stopped',
      component_id: 'hello',
      host_id: H,
      success: true,
    });
    expect(hosts[0].components().some((c) => c.id === 'hello')).toBe(false);
  });
});

describe('wash providers, links, labels, stop host', () => {
  it('start and stop a provider', async () => {
    const start = await wash([
      'start',
      'provider',
      'ghcr.io/wasmcloud/http-server:0.23.0',
      'http-server',
      '-o',
      'json',
    ]);
    expect(start.json).toMatchObject({ provider_id: 'http-server', host_id: H, success: true });
    const again = await wash([
      'start',
      'provider',
      'ghcr.io/wasmcloud/http-server:0.23.0',
      'http-server',
      '--host-id',
      H,
      '-o',
      'json',
    ]);
    expect(again.json.error).toMatch(/failed: provider with that ID is already running/);
    const stop = await wash(['stop', 'provider', 'http-server', '-o', 'json']);
    expect(stop.json).toEqual({
      result: 'Provider [http-server] stopped successfully',
      provider_id: 'http-server',
      host_id: H,
      success: true,
    });
  });

  it('link put / query / del', async () => {
    const put = await wash([
      'link',
      'put',
      'http-server',
      'hello',
      'wasi',
      'http',
      '--interface',
      'incoming-handler',
      '-o',
      'json',
    ]);
    expect(put.json).toEqual({ source_id: 'http-server', target: 'hello', success: true });
    const q = await wash(['get', 'links', '-o', 'json']);
    expect(q.json.links).toEqual([
      {
        source_id: 'http-server',
        target: 'hello',
        name: 'default',
        wit_namespace: 'wasi',
        wit_package: 'http',
        interfaces: ['incoming-handler'],
        source_config: [],
        target_config: [],
      },
    ]);
    const clash = await wash([
      'link',
      'put',
      'http-server',
      'other',
      'wasi',
      'http',
      '--interface',
      'incoming-handler',
      '-o',
      'json',
    ]);
    expect(clash.json.error).toMatch(/link already exists with different target/);
    const del = await wash(['link', 'del', 'http-server', 'wasi', 'http', '-o', 'json']);
    expect(del.json).toEqual({
      source_id: 'http-server',
      wit_namespace: 'wasi',
      wit_package: 'http',
      link_name: 'default',
      success: true,
    });
    expect(hosts[0].shared.links).toEqual([]);
  });

  it('label and unlabel a host by friendly name', async () => {
    const put = await wash(['label', 'brave-otter', 'tier=gold,gpu=yes', '-o', 'json']);
    expect(put.json).toEqual({
      deleted: false,
      processed: [
        ['tier', 'gold'],
        ['gpu', 'yes'],
      ],
      success: true,
    });
    expect(hosts[0].labels).toMatchObject({ tier: 'gold', gpu: 'yes' });
    const del = await wash(['label', H, 'tier', '--delete', '-o', 'json']);
    expect(del.json.processed).toEqual([['tier', '']]);
    expect(hosts[0].labels.tier).toBeUndefined();
    const refused = await wash(['label', H, 'hostcore.os=plan9', '-o', 'json']);
    expect(refused.json.error).toMatch(/hostcore\.\* labels cannot be set dynamically/);
  });

  it('stop host', async () => {
    const r = await wash(['stop', 'host', H, '-o', 'json']);
    expect(r.json).toEqual({ result: `Host ${H} acknowledged stop request`, success: true });
    expect(hosts[0].requests.at(-1)).toEqual({
      subject: `wasmbus.ctl.v1.default.host.stop.${H}`,
      body: { host_id: H, timeout: 2000 },
    });
  });
});
