/**
 * `[dev].manifests` with two manifests, `[dev].config`, `[dev].secrets`, and `--leave-host-running` /
 * WASH_DEV_LEAVE_HOST_RUNNING: after Ctrl+C the dev apps are gone but the lattice wash dev started keeps serving
 * until `wash down`, which leaves no process or port behind.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort, tcpReachable } from '../../../src/up/nats-server.js';
import { scanLocalState } from '../../../src/up/state.js';
import type { ProcessIdentity } from '../../../src/up/process-identity.js';
import { helloApp } from '../../../src/testing/hello-app.js';
import { ownedConfigName } from '../../../src/wadm/engine/ids.js';
import { FIXTURE_BODIES, fixturePath } from '../../helpers/fixtures.js';
import { devEnv, startDev, untilBody, type DevEvent, type DevProcess } from './dev-process.js';
import { eventually, isGone, requireBuild, type WashEnv } from '../up/wash-env.js';

const TS_HELLO = 'Hello from TypeScript!\n';

async function newProject(env: WashEnv, name: string): Promise<string> {
  const created = await env.run([
    'new',
    'component',
    name,
    '-t',
    'hello-world-typescript',
    '--path',
    env.dataDir,
    '-o',
    'json',
  ]);
  expect(created.code, created.stderr).toBe(0);
  return created.json!.project_path as string;
}

function appendToml(projectDir: string, text: string): void {
  const file = join(projectDir, 'wasmcloud.toml');
  writeFileSync(file, readFileSync(file, 'utf8') + text);
}

function liveProcesses(env: WashEnv): ProcessIdentity[] {
  const s = scanLocalState(env.paths);
  return [...s.hosts, ...s.supervisors, ...(s.nats ? [s.nats] : [])].map((r) => r.identity);
}

/** After Ctrl+C with the lattice left running: the apps are gone, the lattice answers; `wash down` ends all of it. */
async function expectLatticeLeftThenDown(env: WashEnv, stopped: DevEvent, ports: number[]): Promise<void> {
  expect(stopped).toMatchObject({ lattice_stopped: false, success: true });
  expect(await env.natsReachable()).toBe(true);
  const procs = liveProcesses(env);
  expect(procs.length).toBeGreaterThanOrEqual(3); // NATS, the detached supervisor (with wadm), a host
  const hosts = await env.run(['get', 'hosts', '-o', 'json']);
  expect(hosts.code, hosts.stderr).toBe(0);
  expect((hosts.json!.hosts as unknown[]).length).toBe(1);
  const apps = await env.run(['app', 'list', '-o', 'json']);
  expect(apps.code, apps.stderr).toBe(0);
  expect(apps.json!.applications).toEqual([]);
  for (const port of ports)
    expect(await eventually(async () => !(await tcpReachable('127.0.0.1', port, 300)))).toBe(true);

  const down = await env.run(['down', '-o', 'json']);
  expect(down.code, down.stderr).toBe(0);
  expect(down.json).toMatchObject({ success: true, nats_stopped: true, wadm_stopped: true, hosts_remaining: [] });
  expect(await eventually(() => procs.every(isGone), 10_000)).toBe(true);
  expect(await env.natsReachable()).toBe(false);
  expect(liveProcesses(env)).toEqual([]);
}

describe('wash dev with [dev].manifests and --leave-host-running', () => {
  let env: WashEnv;
  let dev: DevProcess | undefined;
  beforeAll(() => requireBuild());
  beforeEach(async () => {
    env = await devEnv();
  });
  afterEach(async () => {
    if (dev && dev.child.exitCode === null) process.kill(-dev.child.pid!, 'SIGKILL');
    dev = undefined;
    await env?.cleanup();
  });

  it('refuses [dev].secrets naming the file, line and key, and starts nothing', async () => {
    const projectDir = await newProject(env, 'secretive');
    appendToml(projectDir, '\n[dev]\nsecrets = [{ name = "api-key", values = { key = "s3cret-value" } }]\n');
    const lines = readFileSync(join(projectDir, 'wasmcloud.toml'), 'utf8').split('\n');
    const line = lines.findIndex((l) => l.startsWith('secrets =')) + 1;
    const r = await env.run(['dev', '--work-dir', projectDir, '--nats-port', String(env.port)]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('wash dev cannot deploy secrets: the wash host has no secrets backend');
    expect(r.stderr).toContain(`${join(projectDir, 'wasmcloud.toml')}:${line}: dev.secrets`);
    expect(r.stderr).not.toContain('s3cret-value');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await env.natsReachable()).toBe(false);
  }, 120_000);

  it('deploys both manifests (dev build in the one that names it, [dev].config merged), keeps the lattice on Ctrl+C', async () => {
    const projectDir = await newProject(env, 'own');
    const [appPort, backendPort] = [await freePort(), await freePort()];
    writeFileSync(
      join(projectDir, 'wadm.yaml'),
      helloApp({ name: 'own-app', port: appPort, image: 'ghcr.io/acme/own:0.1.0' }).replaceAll(
        'name: hello',
        'name: api',
      ),
    );
    const backendImage = pathToFileURL(fixturePath('http-hello-v1')).href;
    writeFileSync(
      join(projectDir, 'backend.yaml'),
      helloApp({ name: 'own-backend', port: backendPort, image: backendImage }),
    );
    appendToml(
      projectDir,
      '\n[dev]\nmanifests = [{ component_name = "api", path = "wadm.yaml" }, { path = "backend.yaml" }]\n' +
        'config = [{ values = { greeting = "hi", mode = "a" } }, { values = { mode = "b" } }]\n',
    );
    ({ dev } = await startDev(env, projectDir, ['--leave-host-running'], { httpAddressFlag: false }));
    const ready = await dev.next((e) => e.event === 'started', 600_000);
    env.trackRecorded();
    expect(ready).toMatchObject({
      app: 'own-app',
      apps: ['own-app', 'own-backend'],
      urls: [`http://127.0.0.1:${appPort}/`, `http://127.0.0.1:${backendPort}/`],
      lattice_started: true,
    });
    expect(await (await fetch(`http://127.0.0.1:${appPort}/`)).text()).toBe(TS_HELLO);
    expect(await (await fetch(`http://127.0.0.1:${backendPort}/`)).text()).toBe(FIXTURE_BODIES['http-hello-v1']);

    // The dev build runs in own-app only; [dev].config went onto it (later values win, names appended).
    const app = await env.run(['app', 'get', 'own-app', '-o', 'json']);
    const [api] = (
      app.json!.application as { spec: { components: { name: string; properties: Record<string, unknown> }[] } }
    ).spec.components;
    expect(api.properties).toMatchObject({
      id: ready.component_id,
      config: expect.arrayContaining([{ name: 'dev-overrides', properties: { greeting: 'hi', mode: 'b' } }]),
    });
    expect(String(api.properties.image)).toMatch(/^file:\/\//);
    const overrides = await env.run(['config', 'get', ownedConfigName('own-app', 'dev-overrides'), '-o', 'json']);
    expect(overrides.json).toMatchObject({ greeting: 'hi', mode: 'b' });
    const backend = await env.run(['app', 'get', 'own-backend', '-o', 'json']);
    expect(JSON.stringify(backend.json!.application)).toContain(backendImage);

    const source = join(projectDir, 'src', 'index.ts');
    writeFileSync(source, readFileSync(source, 'utf8').replace('Hello from TypeScript!', 'Own v2'));
    expect(await untilBody(`http://127.0.0.1:${appPort}/`, (b) => b === 'Own v2\n', 30_000)).toBe('Own v2\n');

    dev.child.kill('SIGINT');
    expect(await dev.exited).toBe(0);
    const stopped = dev.events.at(-1)!;
    expect(stopped).toMatchObject({
      event: 'stopped',
      session_id: ready.session_id,
      result: `✅ Dev session [${ready.session_id}] exited successfully.`,
    });
    expect([...(stopped.apps_deleted as string[])].sort()).toEqual(['own-app', 'own-backend']);
    await expectLatticeLeftThenDown(env, stopped, [appPort, backendPort]);
  }, 900_000);

  it('WASH_DEV_LEAVE_HOST_RUNNING=true does the same for the generated app', async () => {
    const projectDir = await newProject(env, 'envflag');
    let address: string;
    ({ dev, address } = await startDev(env, projectDir, [], { env: { WASH_DEV_LEAVE_HOST_RUNNING: 'true' } }));
    const ready = await dev.next((e) => e.event === 'started', 600_000);
    env.trackRecorded();
    expect(await (await fetch(`http://${address}/`)).text()).toBe(TS_HELLO);
    dev.child.kill('SIGINT');
    expect(await dev.exited).toBe(0);
    const stopped = dev.events.at(-1)!;
    expect(stopped).toMatchObject({ event: 'stopped', apps_deleted: [ready.app] });
    await expectLatticeLeftThenDown(env, stopped, [Number(address.split(':')[1])]);
  }, 900_000);
});
