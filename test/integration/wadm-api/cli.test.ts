/**
 * `wash app …` end to end: the built CLI (`bin/run.js`; run `npm run build` first) against our wadm API server
 * on a real nats-server. A stand-in engine in this process turns manifest_published/unpublished events into
 * status updates, so --wait can be observed.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsConnect } from '../../../src/lattice/connect.js';
import { startApiServer, type ApiServer } from '../../../src/wadm/api/index.js';
import { NO_WADM_MESSAGE } from '../../../src/wadm/client/index.js';
import type { Status } from '../../../src/wadm/types.js';
import { runWash, type WashRun } from '../../helpers/cli.js';
import { startTestNats, type TestNats } from '../../helpers/nats.js';
import { manifestYaml, request } from './helpers.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
let nats: TestNats;
let nc: NatsConnection;
let server: ApiServer;
let dir: string;
let http: Server;
let httpPort = 0;

function env(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: dir,
    WASH_CONFIG_DIR: join(dir, 'config'),
    WASMCLOUD_CTL_PORT: String(nats.port),
    NO_COLOR: '1',
  };
}

function wash(args: string[], opts: { input?: string; cwd?: string } = {}): Promise<WashRun> {
  return runWash(args, { env: env(), input: opts.input, cwd: opts.cwd ?? dir, timeoutMs: 30_000 });
}

/** Stand-in for the engine: reacts to wadm events by publishing statuses (reconciling, then the outcome). */
async function startFakeEngine(): Promise<() => void> {
  const { jetstream } = await import('@nats-io/jetstream');
  const js = jetstream(nc);
  const status = (type: Status['status']['type'], message?: string, scalerMessage?: string): string =>
    JSON.stringify({
      status: message ? { type, message } : { type },
      version: '',
      components: [],
      scalers: [
        {
          id: 's1',
          kind: 'SpreadScaler',
          name: 'hello',
          status: scalerMessage ? { type, message: scalerMessage } : { type },
          desired: 1,
          observed: type === 'deployed' ? 1 : 0,
        },
      ],
    });
  // Statuses are published after a delay; stopping clears pending timers so nothing publishes on a closed connection.
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, name: string, body: string) => {
    const t = setTimeout(() => {
      timers.delete(t);
      js.publish(`wadm.status.default.${name}`, body).catch(() => undefined);
    }, ms);
    timers.add(t);
  };
  const subs = [
    nc.subscribe('wadm.evt.default.manifest_published', {
      callback: (_e, m) => {
        const name = JSON.parse(new TextDecoder().decode(m.data)).data.metadata.name as string;
        later(100, name, status('reconciling', 'Scaling component on 1 host(s)'));
        later(
          400,
          name,
          name.startsWith('broken') ? status('failed', 'boom', 'failed to fetch component: 404') : status('deployed'),
        );
      },
    }),
    nc.subscribe('wadm.evt.default.manifest_unpublished', {
      callback: (_e, m) => {
        const name = JSON.parse(new TextDecoder().decode(m.data)).data.name as string;
        later(
          200,
          name,
          JSON.stringify({
            status: { type: 'undeployed', message: 'Manifest has been undeployed' },
            version: '',
            components: [],
          }),
        );
      },
    }),
  ];
  await nc.flush();
  return () => {
    subs.forEach((s) => s.unsubscribe());
    timers.forEach((t) => clearTimeout(t));
  };
}

let stopEngine: () => void = () => {};

beforeAll(async () => {
  if (!existsSync(join(repo, 'dist/wash.cjs')))
    throw new Error('dist/wash.cjs is missing: run `npm run build` before this test');
  dir = mkdtempSync(join(tmpdir(), 'wash-app-cli-'));
  nats = await startTestNats();
  nc = await natsConnect(nats.url);
  server = await startApiServer(nc, { lattices: ['default'] });
  stopEngine = await startFakeEngine();
  http = createServer((req, res) => {
    if (req.url === '/hello.yaml') res.end(manifestYaml('from-url', 'u1'));
    else {
      res.statusCode = 404;
      res.end('nope');
    }
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  httpPort = (http.address() as { port: number }).port;
});

afterAll(async () => {
  stopEngine();
  await new Promise((r) => http?.close(r));
  await server?.close();
  await nc?.close();
  await nats?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function writeManifest(file: string, text: string): string {
  const path = join(dir, file);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

describe('wash app without wadm', () => {
  it('explains that no wadm server is listening', async () => {
    const r = await wash(['app', 'list', '-o', 'json', '--lattice', 'nobody-home']);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ success: false, error: NO_WADM_MESSAGE });
    expect(r.json.suggestion).toMatch(/wash up/);
    expect(r.stdout).toBe('');
    const text = await wash(['app', 'status', 'x', '--lattice', 'nobody-home']);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain(NO_WADM_MESSAGE);
  });
});

describe('wash app put', () => {
  it('stores a manifest file and prints the JSON shape', async () => {
    const file = writeManifest('apps/hello.yaml', manifestYaml('hello', 'v1'));
    const r = await wash(['app', 'put', file, '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    // wash 0.43 prints "deployed": true for put (cli/app/mod.rs put_model); scripts read it.
    expect(r.json).toEqual({
      deployed: true,
      model_name: 'hello',
      model_version: 'v1',
      message: 'Successfully put manifest hello ',
      success: true,
    });
  });

  it('reads stdin with -, and requires the source argument instead of waiting on stdin', async () => {
    const r = await wash(['app', 'put', '-', '-o', 'json'], { input: manifestYaml('from-stdin', 's1') });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ model_name: 'from-stdin', model_version: 's1' });
    const missing = await wash(['app', 'put', '-o', 'json']);
    expect(missing.code).toBe(2);
    expect(missing.json.error).toMatch(/source/i);
  });

  it('downloads an http URL', async () => {
    const r = await wash(['app', 'put', `http://127.0.0.1:${httpPort}/hello.yaml`, '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ model_name: 'from-url', model_version: 'u1' });
    const gone = await wash(['app', 'put', `http://127.0.0.1:${httpPort}/missing.yaml`, '-o', 'json']);
    expect(gone.code).toBe(1);
    expect(gone.json.error).toContain('HTTP 404');
  });

  it('refuses an invalid manifest before sending it, listing every finding with its line', async () => {
    const bad = manifestYaml('refused', 'v1')
      .replace('    - name: httpserver', '    - name: hello')
      .replace('            instances: 1', '            instances: -3');
    const file = writeManifest('bad.yaml', bad);
    const r = await wash(['app', 'put', file, '-o', 'json']);
    expect(r.code).toBe(1);
    expect(r.json.error).toMatch(/invalid \(\d+ errors?\); nothing was sent to wadm/);
    expect(r.json.error).toMatch(/bad\.yaml:\d+: error: Duplicate component name in manifest: hello/);
    expect(r.json.error).toMatch(/bad\.yaml:16: error: .*instances/);
    expect((await request(nc, 'wadm.api.default.model.get.refused')).result).toBe('notfound');
  });

  it('resolves relative file:// images against the manifest folder', async () => {
    const file = writeManifest(
      'proj/wadm.yaml',
      manifestYaml('local-image', 'v1', { image: 'file://./build/hello.wasm' }),
    );
    const r = await wash(['app', 'put', file, '-o', 'json'], { cwd: repo });
    expect(r.code, r.stderr).toBe(0);
    const got = await wash(['app', 'get', 'local-image', '-o', 'json']);
    expect(got.json.application.spec.components[0].properties.image).toBe(
      `file://${join(dir, 'proj', 'build', 'hello.wasm')}`,
    );
  });
});

describe('wash app deploy / status / history / rollback', () => {
  it('refuses a deploy whose local file:// image is missing, naming the file', async () => {
    const file = writeManifest(
      'missing/wadm.yaml',
      manifestYaml('missing-image', 'v1', { image: 'file://./build/nothere.wasm' }),
    );
    const r = await wash(['app', 'deploy', file, '-o', 'json']);
    expect(r.code).toBe(1);
    expect(r.json.error).toContain(join(dir, 'missing', 'build', 'nothere.wasm'));
    expect((await request(nc, 'wadm.api.default.model.get.missing-image')).result).toBe('notfound');
  });

  it('deploys a manifest file (put + deploy), a name, and a name with a version', async () => {
    writeManifest('proj2/build/app.wasm', 'not really wasm');
    const file = writeManifest('proj2/wadm.yaml', manifestYaml('multi', 'v1', { image: 'file://./build/app.wasm' }));
    const first = await wash(['app', 'deploy', file, '-o', 'json']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.json).toEqual({
      deployed: true,
      model_name: 'multi',
      model_version: 'v1',
      message: 'Successfully deployed application multi v1',
      success: true,
    });
    // The same manifest again: idempotent. Other content under the stored version: refused.
    const again = await wash(['app', 'deploy', file, '-o', 'json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json).toMatchObject({ deployed: true, model_name: 'multi', model_version: 'v1' });
    writeManifest(
      'proj2/wadm.yaml',
      manifestYaml('multi', 'v1', { image: 'file://./build/app.wasm', description: 'changed' }),
    );
    const changed = await wash(['app', 'deploy', file, '-o', 'json']);
    expect(changed.code).toBe(1);
    expect(changed.json.error).toContain('Manifest version v1 already exists');
    expect(changed.json.error).toContain('different content');
    expect(changed.json.suggestion).toContain('--replace');
    expect((await wash(['app', 'deploy', file, '--replace', '-o', 'json'])).code).toBe(0);

    writeManifest('proj2/wadm.yaml', manifestYaml('multi', 'v2', { image: 'file://./build/app.wasm' }));
    expect((await wash(['app', 'put', file])).code).toBe(0);
    expect((await wash(['app', 'deploy', 'multi', '-o', 'json'])).json).toMatchObject({ model_version: 'v2' });
    expect((await wash(['app', 'deploy', 'multi', 'v1', '-o', 'json'])).json).toMatchObject({ model_version: 'v1' });
    const nope = await wash(['app', 'deploy', 'multi', 'v9', '-o', 'json']);
    expect(nope.code).toBe(1);
    expect(nope.json.error).toBe("Application with the name 'multi' does not have a version 'v9' to deploy");
    const unknown = await wash(['app', 'deploy', 'no-such-app', '-o', 'json']);
    expect(unknown.code).toBe(1);
    expect(unknown.json.error).toBe('application no-such-app not found');
  });

  it('history, rollback (toggling) and rollback --to', async () => {
    const hist = await wash(['app', 'history', 'multi', '-o', 'json']);
    expect(hist.json.revisions).toEqual([
      { version: 'v1', deployed: true },
      { version: 'v2', deployed: false },
    ]);
    // --replace deleted the only stored version (the whole app, history included) before storing it again
    expect(hist.json.deploy_history.map((h: { version: string }) => h.version)).toEqual(['v1', 'v2', 'v1']);
    const back = await wash(['app', 'rollback', 'multi', '-o', 'json']);
    expect(back.json).toEqual({
      deployed: true,
      model_name: 'multi',
      model_version: 'v2',
      previous_version: 'v1',
      basis: 'deploy-history',
      success: true,
    });
    expect((await wash(['app', 'rollback', 'multi', '-o', 'json'])).json).toMatchObject({
      model_version: 'v1',
      previous_version: 'v2',
    });
    expect((await wash(['app', 'rollback', 'multi', '--to', 'v2', '-o', 'json'])).json).toMatchObject({
      model_version: 'v2',
      basis: 'requested',
    });
    const same = await wash(['app', 'rollback', 'multi', '--to', 'v2', '-o', 'json']);
    expect(same.code).toBe(1);
    expect(same.json.error).toMatch(/already the deployed version/);
  });

  it('--wait blocks until deployed and reports the status; failed exits 1 with the scaler message', async () => {
    const file = writeManifest('waited.yaml', manifestYaml('waited', 'w1'));
    const r = await wash(['app', 'deploy', file, '--wait', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.status.status.type).toBe('deployed');
    expect(r.json.status.scalers[0]).toMatchObject({ desired: 1, observed: 1 });

    const broken = writeManifest('broken.yaml', manifestYaml('broken-app', 'b1'));
    const f = await wash(['app', 'deploy', broken, '--wait', '-o', 'json']);
    expect(f.code).toBe(1);
    expect(f.json.error).toBe('application broken-app failed: SpreadScaler hello: failed to fetch component: 404');

    const u = await wash(['app', 'undeploy', 'waited', '--wait', '-o', 'json']);
    expect(u.code, u.stderr).toBe(0);
    expect(u.json).toEqual({
      results: 'Undeployed application: waited',
      undeployed_application_names: ['waited'],
      success: true,
    });
    const s = await wash(['app', 'status', 'waited', '-o', 'json']);
    expect(s.json.status.status).toEqual({ type: 'undeployed', message: 'Manifest has been undeployed' });

    const slow = await wash(['app', 'deploy', 'waited', '--wait', '--wait-timeout-ms', '150', '-o', 'json']);
    expect(slow.code).toBe(1);
    expect(slow.json.error).toMatch(/^timed out after 150 ms waiting for application waited to be deployed/);
  });

  it('status --watch -o json prints the final status once on Ctrl+C', async () => {
    const child = spawn(
      process.execPath,
      [join(repo, 'bin/run.js'), 'app', 'status', 'multi', '--watch', '-o', 'json'],
      { cwd: dir, env: env() },
    );
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.success).toBe(true);
    expect(doc.status.status.type).toBe('deployed');
  }, 20_000);
});

describe('wash app list / get / undeploy / delete', () => {
  it('lists, gets and gets a version', async () => {
    const list = await wash(['app', 'list', '-o', 'json']);
    expect(list.code).toBe(0);
    const multi = list.json.applications.find((a: { name: string }) => a.name === 'multi');
    expect(multi, JSON.stringify(multi)).toMatchObject({ name: 'multi', version: 'v2', deployed_version: 'v2' });
    const text = await wash(['app', 'list']);
    expect(text.stdout).toMatch(/NAME\s+DEPLOYED\s+LATEST\s+STATUS/);
    expect(text.stdout).toMatch(/multi\s+v2\s+v2\s+deployed/);
    const getAll = await wash(['app', 'get', '-o', 'json']);
    expect(getAll.json.applications.map((a: { name: string }) => a.name)).toEqual(
      list.json.applications.map((a: { name: string }) => a.name),
    );
    expect(
      (await wash(['app', 'get', 'multi', 'v1', '-o', 'json'])).json.application.metadata.annotations.version,
    ).toBe('v1');
    const yaml = await wash(['app', 'get', 'multi']);
    expect(yaml.stdout).toMatch(/^apiVersion: core\.oam\.dev\/v1beta1/);
    const missing = await wash(['app', 'get', 'multi', 'v7', '-o', 'json']);
    expect(missing.code).toBe(1);
    expect(missing.json.error).toBe('application multi has no version v7');
  });

  it('undeploy --all, delete a version, delete by manifest path (del alias), delete --all-undeployed', async () => {
    const all = await wash(['app', 'undeploy', '--all', '-o', 'json']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.json.undeployed_application_names).toEqual(expect.arrayContaining(['multi']));
    // wash 0.43's texts (cli/app/mod.rs undeploy_model)
    const n = all.json.undeployed_application_names.length;
    expect(all.json.results).toBe(
      n === 1
        ? `Undeployed application: ${all.json.undeployed_application_names[0]}`
        : `Undeployed [${n}] applications`,
    );
    const nothing = await wash(['app', 'undeploy', '--all', '-o', 'json']);
    expect(nothing.json).toEqual({
      results: 'No applications undeployed',
      undeployed_application_names: [],
      success: true,
    });
    const one = await wash(['app', 'delete', 'multi', 'v1', '-o', 'json']);
    // wash 0.43: one name → "deleted": true, whether or not anything was left to delete
    expect(one.json).toEqual({
      deleted: true,
      already_deleted: false,
      message: 'Successfully deleted version v1 of application multi',
      success: true,
    });
    const byPath = await wash(['app', 'del', join(dir, 'apps/hello.yaml'), '-o', 'json']);
    expect(byPath.json).toEqual({
      deleted: true,
      already_deleted: false,
      message: 'Successfully deleted application hello',
      success: true,
    });
    const again = await wash(['app', 'delete', 'hello', '-o', 'json']);
    expect(again.json).toEqual({
      deleted: true,
      already_deleted: true,
      message: "Application hello doesn't exist or was already deleted",
      success: true,
    });
    const rest = await wash(['app', 'delete', '--all-undeployed', '-o', 'json']);
    expect(rest.code).toBe(0);
    expect(rest.json.deleted_applications.map((d: { model_name: string }) => d.model_name)).toEqual(
      expect.arrayContaining(['multi', 'from-stdin', 'from-url']),
    );
    const none = await wash(['app', 'delete', '--all-undeployed', '-o', 'json']);
    expect(none.json).toEqual({ success: true });
  });
});
