import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { natsConnect } from '../../../src/lattice/connect.js';
import { eventSubject } from '../../../src/lattice/subjects.js';
import { processIdentity } from '../../../src/up/process-identity.js';
import { WashEnv, eventually, isGone, requireBuild, UP_TEST_TIMEOUT_MS } from './wash-env.js';

let env: WashEnv | undefined;
let child: ChildProcess | undefined;
beforeAll(() => requireBuild());
afterEach(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
  await env?.cleanup();
  env = undefined;
});

/** Starts a foreground `wash up -o json` and resolves its ready document (printed once every host is up). */
async function startForeground(e: WashEnv): Promise<{
  proc: ChildProcess;
  ready: { hosts: { id: string; pid: number; log: string }[]; nats_started: boolean };
}> {
  const proc = e.start(['up', '--nats-port', String(e.port), '--disable-wadm', '-o', 'json']);
  let out = '';
  let err = '';
  proc.stderr!.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready document\n${err}`)), 60_000);
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      try {
        const doc = JSON.parse(out) as Record<string, unknown>;
        clearTimeout(timer);
        resolve(doc);
      } catch {
        /* incomplete */
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`wash up exited ${code}\n${err}`));
    });
  });
  e.trackRecorded();
  return { proc, ready: ready as never };
}

/** The exit code, or the signal that killed it (an already-exited process resolves at once). */
function exitOf(proc: ChildProcess): Promise<number | string | null> {
  return new Promise((r) => {
    if (proc.exitCode !== null || proc.signalCode !== null) r(proc.exitCode ?? proc.signalCode);
    else proc.once('exit', (code, signal) => r(code ?? signal));
  });
}

describe('foreground wash up', { timeout: UP_TEST_TIMEOUT_MS }, () => {
  it('Ctrl+C stops the host gracefully (host_stopped is published), then NATS', async () => {
    env = await WashEnv.create();
    const fg = await startForeground(env);
    child = fg.proc;
    expect(fg.ready.nats_started).toBe(true);
    const hostId = fg.ready.hosts[0].id;
    const hostProc = processIdentity(fg.ready.hosts[0].pid);
    const nc = await natsConnect(`nats://127.0.0.1:${env.port}`);
    const stopped: string[] = [];
    nc.subscribe(eventSubject('default', 'host_stopped'), {
      callback: (_e, m) => {
        stopped.push(JSON.parse(m.string()).source);
      },
    });
    await nc.flush();

    // What a terminal does on Ctrl+C: SIGINT to the foreground process group (the hosts have their own).
    process.kill(-fg.proc.pid!, 'SIGINT');
    expect(await exitOf(fg.proc)).toBe(0);
    await nc.close().catch(() => undefined);
    expect(stopped, readFileSync(fg.ready.hosts[0].log, 'utf8')).toEqual([hostId]);
    expect(isGone(hostProc)).toBe(true);
    expect(await env.natsReachable()).toBe(false);
    expect(readdirSync(env.paths.hostsDir)).toEqual([]);
    expect(readdirSync(env.paths.supervisorsDir)).toEqual([]);
    expect(existsSync(env.paths.natsPidFile)).toBe(false);
  });

  it('wash down from elsewhere stops a foreground wash up', async () => {
    env = await WashEnv.create();
    const fg = await startForeground(env);
    child = fg.proc;
    const down = await env.run(['down', '-o', 'json']);
    expect(down.code, down.stderr).toBe(0);
    expect(down.json).toMatchObject({ hosts_stopped: [fg.ready.hosts[0].id], nats_stopped: true });
    expect(await exitOf(fg.proc)).toBe(0);
    expect(await eventually(async () => !(await env!.natsReachable()), 3000)).toBe(true);
  });
});
