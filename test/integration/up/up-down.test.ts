import { existsSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { natsConnect } from '../../../src/lattice/connect.js';
import { eventSubject } from '../../../src/lattice/subjects.js';
import { pingHosts } from '../../../src/up/lattice-probe.js';
import { WadmClient } from '../../../src/wadm/client/index.js';
import { readPidFile, writePidFile } from '../../../src/up/pid-file.js';
import { checkIdentity, processIdentity, type ProcessIdentity } from '../../../src/up/process-identity.js';
import { WashEnv, eventually, isGone, requireBuild, UP_TEST_TIMEOUT_MS } from './wash-env.js';

interface UpJson {
  success: boolean;
  already_running: boolean;
  nats_url: string;
  nats_started: boolean;
  wasmcloud_log: string;
  kill_cmd: string;
  hosts: { id: string; pid: number; log: string }[];
  wadm: { running: boolean; started: boolean; error?: string };
  supervisor_pid: number;
  warnings: string[];
}

let env: WashEnv | undefined;
beforeAll(() => requireBuild());
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

async function upDetached(e: WashEnv, extra: string[] = []): Promise<UpJson> {
  const r = await e.run(['up', '-d', '--nats-port', String(e.port), '-o', 'json', ...extra]);
  e.trackRecorded();
  expect(r.code, r.stderr).toBe(0);
  return r.json as unknown as UpJson;
}

function identities(up: UpJson, e: WashEnv): ProcessIdentity[] {
  const nats = readPidFile(e.paths.natsPidFile);
  return [
    ...up.hosts.map((h) => processIdentity(h.pid)!),
    processIdentity(up.supervisor_pid)!,
    ...(nats ? [nats.identity] : []),
  ];
}

describe('wash up -d / wash down', { timeout: UP_TEST_TIMEOUT_MS }, () => {
  it('starts NATS, a ready host and wadm; is idempotent; down leaves nothing behind', async () => {
    env = await WashEnv.create();
    const up = await upDetached(env);
    expect(up).toMatchObject({
      success: true,
      already_running: false,
      kill_cmd: 'wash down',
      nats_url: `127.0.0.1:${env.port}`,
      nats_started: true,
    });
    expect(up.hosts).toHaveLength(1);
    expect(up.wasmcloud_log).toBe(up.hosts[0].log);
    expect(up.wadm).toMatchObject({ running: true, started: true });

    // Ready means ready: the host answers a ping right away.
    const nc = await natsConnect(`nats://127.0.0.1:${env.port}`);
    try {
      const hosts = await pingHosts(nc, { ctlPrefix: 'wasmbus.ctl', lattice: 'default', timeoutMs: 2000 });
      expect(hosts.map((h) => h.id)).toEqual([up.hosts[0].id]);
    } finally {
      await nc.close();
    }
    const procs = identities(up, env);
    expect(procs).toHaveLength(3);
    expect(procs.every((p) => checkIdentity(p) === 'alive')).toBe(true);

    // Second run: reports what runs, exits 0, starts nothing.
    const again = await upDetached(env);
    expect(again).toMatchObject({ success: true, already_running: true });
    expect(again.hosts.map((h) => h.id)).toEqual([up.hosts[0].id]);
    expect(readdirSync(env.paths.hostsDir)).toHaveLength(1);

    // host_stopped must be published (graceful stop), before NATS goes away.
    const watch = await natsConnect(`nats://127.0.0.1:${env.port}`);
    const stopped: string[] = [];
    watch.subscribe(eventSubject('default', 'host_stopped'), {
      callback: (_e, m) => {
        stopped.push(JSON.parse(m.string()).source);
      },
    });
    await watch.flush();
    const down = await env.run(['down', '-o', 'json']);
    await watch.close().catch(() => undefined);
    expect(down.code, down.stderr).toBe(0);
    expect(down.json).toMatchObject({
      success: true,
      hosts_stopped: [up.hosts[0].id],
      nats_stopped: true,
      wadm_stopped: true,
      hosts_remaining: [],
    });
    expect(stopped).toEqual([up.hosts[0].id]);
    expect(await eventually(() => procs.every(isGone), 5000)).toBe(true);
    expect(await env.natsReachable()).toBe(false);
    expect(readdirSync(env.paths.hostsDir)).toEqual([]);
    expect(readdirSync(env.paths.supervisorsDir)).toEqual([]);
    expect(existsSync(env.paths.natsPidFile)).toBe(false);

    // Nothing left: down again is a no-op that still succeeds.
    const downAgain = await env.run(['down', '-o', 'json']);
    expect(downAgain.code, downAgain.stderr).toBe(0);
    expect(downAgain.json).toMatchObject({ hosts_stopped: [], nats_stopped: false, wadm_stopped: false });
    const explicit = await env.run(['down', '-o', 'json', '--all', '--ctl-port', String(env.port)]);
    expect(explicit.code).toBe(1);
    expect(explicit.errorJson?.error).toMatch(/could not connect to NATS at 127.0.0.1:/);
  });

  it('wash down still cleans up after the detached supervisor was killed with SIGKILL', async () => {
    env = await WashEnv.create();
    const up = await upDetached(env, ['--hosts', '2']);
    expect(up.hosts).toHaveLength(2);
    const procs = identities(up, env);
    process.kill(up.supervisor_pid, 'SIGKILL');
    expect(await eventually(() => isGone(procs[2]), 3000)).toBe(true);
    // Hosts and NATS live on (own process groups, logs to files).
    expect([procs[0], procs[1], procs[3]].every((p) => checkIdentity(p) === 'alive')).toBe(true);

    const down = await env.run(['down', '-o', 'json']);
    expect(down.code, down.stderr).toBe(0);
    expect(down.json, JSON.stringify(down.json)).toMatchObject({ nats_stopped: true, hosts_remaining: [] });
    expect((down.json!.hosts_stopped as string[]).sort()).toEqual(up.hosts.map((h) => h.id).sort());
    expect(down.json!.stale_pid_files_removed).toEqual([env.paths.supervisorPidFile(up.supervisor_pid)]);
    expect(await eventually(() => procs.every(isGone), 5000)).toBe(true);
    expect(await env.natsReachable()).toBe(false);
  });

  it('never signals a process whose pid was reused; its stale pid file is removed', async () => {
    env = await WashEnv.create();
    const unrelated = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const pid = unrelated.pid!;
      for (const [file, kind] of [
        [env.paths.natsPidFile, 'nats'],
        [env.paths.hostPidFile('N' + 'A'.repeat(55)), 'host'],
        [env.paths.supervisorPidFile(pid), 'supervisor'],
      ] as const) {
        mkdirSync(file.slice(0, file.lastIndexOf('/')), { recursive: true });
        const rec = writePidFile(file, kind, pid, {
          hostId: 'N' + 'A'.repeat(55),
          lattice: 'default',
          natsUrl: `nats://127.0.0.1:${env.port}`,
          url: `nats://127.0.0.1:${env.port}`,
        });
        // Same pid, but an older process: what a pid file left from before looks like once the pid is reused.
        writeFileSync(
          file,
          JSON.stringify({
            ...rec,
            identity: { ...rec.identity, startTime: String(Number(rec.identity.startTime) - 1000) },
          }),
        );
      }
      const down = await env.run(['down', '-o', 'json']);
      expect(down.code, down.stderr).toBe(0);
      expect(down.json).toMatchObject({ hosts_stopped: [], nats_stopped: false, wadm_stopped: false });
      expect((down.json!.stale_pid_files_removed as string[]).length).toBe(3);
      expect(checkIdentity(processIdentity(pid)!)).toBe('alive');
      expect(unrelated.exitCode).toBeNull();
      expect(existsSync(env.paths.natsPidFile)).toBe(false);
      expect(readdirSync(env.paths.hostsDir)).toEqual([]);
      expect(readdirSync(env.paths.supervisorsDir)).toEqual([]);
    } finally {
      unrelated.kill('SIGKILL');
    }
  });

  it('several environments need --multi-local; down stops all of our own hosts', async () => {
    env = await WashEnv.create();
    const first = await upDetached(env);
    const second = await upDetached(env, ['--multi-local']);
    expect(second).toMatchObject({ already_running: false, nats_started: false });
    expect(second.hosts[0].log).not.toBe(first.hosts[0].log);
    const third = await env.run(['up', '-d', '--nats-port', String(env.port), '-o', 'json']);
    expect(third.code).toBe(1);
    expect(third.errorJson).toMatchObject({ success: false });
    expect(String(third.errorJson!.error)).toMatch(/several local hosts are already running on lattice default/);
    expect(String(third.errorJson!.suggestion)).toMatch(/--multi-local/);

    const nc: NatsConnection = await natsConnect(`nats://127.0.0.1:${env.port}`);
    const hosts = await pingHosts(nc, { ctlPrefix: 'wasmbus.ctl', lattice: 'default', timeoutMs: 2000 });
    await nc.close();
    expect(hosts).toHaveLength(2);

    const down = await env.run(['down', '-o', 'json']);
    expect(down.code, down.stderr).toBe(0);
    expect((down.json!.hosts_stopped as string[]).sort()).toEqual([first.hosts[0].id, second.hosts[0].id].sort());
    expect(down.json!.nats_stopped).toBe(true);
    expect(await env.natsReachable()).toBe(false);
  });

  it('--wadm-manifest deploys once ready (again when already running); --purge-jetstream all forgets it', async () => {
    env = await WashEnv.create();
    const manifest = join(env.dataDir, 'app.yaml');
    writeFileSync(
      manifest,
      [
        'apiVersion: core.oam.dev/v1beta1',
        'kind: Application',
        'metadata:',
        '  name: up-test',
        '  annotations:',
        '    version: v0.0.1',
        'spec:',
        '  components:',
        '    - name: hello',
        '      type: component',
        '      properties:',
        '        image: file:///nonexistent/hello.wasm',
        '      traits:',
        '        - type: spreadscaler',
        '          properties:',
        '            instances: 1',
        '',
      ].join('\n'),
    );
    const apps = async () => {
      const nc = await natsConnect(`nats://127.0.0.1:${env!.port}`);
      try {
        return (await new WadmClient(nc, 'default').list()).map((m) => [m.name, m.deployed_version]);
      } finally {
        await nc.close();
      }
    };
    const up = await upDetached(env, ['--wadm-manifest', manifest]);
    expect(up.warnings).toEqual([]);
    expect((up as unknown as Record<string, unknown>).deployed_wadm_manifest_path).toBe(manifest);
    expect(await apps()).toEqual([['up-test', 'v0.0.1']]);
    const again = await upDetached(env, ['--wadm-manifest', manifest]);
    expect(again.already_running).toBe(true);
    expect(again.warnings).toEqual([]);
    expect((again as unknown as Record<string, unknown>).deployed_wadm_manifest_path).toBe(manifest);

    const down = await env.run(['down', '-o', 'json', '--purge-jetstream', 'all']);
    expect(down.code, down.stderr).toBe(0);
    expect(down.json!.purged).toEqual(
      expect.arrayContaining(['KV_wadm_manifests', 'KV_LATTICEDATA_default', 'KV_CONFIGDATA_default']),
    );
    // Same port, same JetStream store: the app is gone.
    await upDetached(env);
    expect(await apps()).toEqual([]);
  });
});
