/**
 * The main job, end to end, the way a user runs it: `wash up -d` → `wash app deploy` of the example app →
 * HTTP 200 from the component → `wash down` → no nats-server, host or supervisor of ours remains and the
 * ports are free. Uses an isolated data dir and free ports (never the machine's 4222 or port 8000).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkIdentity, processIdentity } from '../../../src/up/process-identity.js';
import { freePort, tcpReachable } from '../../../src/up/nats-server.js';
import { requireBuiltCli, repoRoot } from '../../helpers/cli.js';
import { UP_TEST_TIMEOUT_MS, WashEnv, eventually } from '../up/wash-env.js';
import { get, waitForBody } from '../host/helpers.js';

let env: WashEnv | undefined;
afterAll(async () => {
  await env?.cleanup();
});

describe('wash up → deploy → curl → wash down', { timeout: UP_TEST_TIMEOUT_MS }, () => {
  it('serves the example app and leaves nothing behind', async () => {
    requireBuiltCli();
    env = await WashEnv.create();
    const httpPort = await freePort();
    // The example app, with its relative file:// image and port 8000 adjusted for an isolated run.
    const template = readFileSync(join(repoRoot, 'templates', 'hello', 'wadm.yaml'), 'utf8');
    const manifest = join(env.dataDir, 'hello.yaml');
    writeFileSync(
      manifest,
      template
        .replace('file://./hello.wasm', `file://${join(repoRoot, 'templates', 'hello', 'hello.wasm')}`)
        .replace('127.0.0.1:8000', `127.0.0.1:${httpPort}`),
    );

    const up = await env.run(['up', '-d', '--nats-port', String(env.port), '-o', 'json']);
    env.trackRecorded();
    expect(up.code, up.stderr).toBe(0);
    const upDoc = up.json as { hosts: { id: string; pid: number }[]; supervisor_pid: number; nats_url: string };
    expect(upDoc.nats_url).toBe(`127.0.0.1:${env.port}`);
    const procs = [...upDoc.hosts.map((h) => processIdentity(h.pid)!), processIdentity(upDoc.supervisor_pid)!];

    const deployed = await env.run(['app', 'deploy', manifest, '--wait', '--ctl-port', String(env.port), '-o', 'json']);
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(deployed.json).toMatchObject({ deployed: true, model_name: 'hello', success: true });
    await waitForBody(`http://127.0.0.1:${httpPort}/`, 'hello from wash v1\n');

    const down = await env.run(['down', '-o', 'json']);
    expect(down.code, down.stderr).toBe(0);
    expect(down.json).toMatchObject({
      success: true,
      hosts_stopped: upDoc.hosts.map((h) => h.id),
      wadm_stopped: true,
      nats_stopped: true,
    });
    expect(await eventually(() => procs.every((p) => checkIdentity(p) !== 'alive'), 5000)).toBe(true);
    expect(await tcpReachable('127.0.0.1', env.port)).toBe(false);
    expect(await get(`http://127.0.0.1:${httpPort}/`)).toBeUndefined();
  });
});
