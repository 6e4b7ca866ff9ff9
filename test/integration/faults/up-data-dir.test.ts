/**
 * `wash up` / `wash down` when the data dir is unusable or a pid file is corrupt: a clear error naming the
 * setting (exit 1, one JSON error document, no stack), and no partial state (nothing started, nothing left).
 */
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readPidFile } from '../../../src/up/pid-file.js';
import { checkIdentity, processIdentity, type ProcessIdentity } from '../../../src/up/process-identity.js';
import { WashEnv, eventually, isGone, requireBuild } from '../up/wash-env.js';

let env: WashEnv | undefined;
beforeAll(() => requireBuild());
afterEach(async () => {
  // Corrupt pid files hide processes from env.cleanup(): after a failed assertion, kill what names this env.
  if (env)
    for (const pid of processesOf(env))
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
  await env?.cleanup();
  env = undefined;
});

/** Processes whose command line names this environment's data dir or NATS port. */
function processesOf(e: WashEnv): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmd.includes(e.dataDir) || cmd.includes(`--nats-port\u0000${e.port}`) || cmd.includes(`-p\u0000${e.port}`))
      out.push(Number(entry));
  }
  return out;
}

function expectCleanError(
  r: { code: number | null; stdout: string; stderr: string; errorJson?: Record<string, unknown> },
  pattern: RegExp,
) {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.errorJson, r.stderr).toBeDefined();
  expect(r.errorJson!.success).toBe(false);
  expect(String(r.errorJson!.error)).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack frames
}

describe('wash up with an unusable data dir', () => {
  it('WASH_DATA_DIR naming a file: clear error, nothing started', async () => {
    env = await WashEnv.create();
    const file = join(env.dataDir, 'not-a-dir');
    writeFileSync(file, 'x');
    for (const detached of [true, false]) {
      const r = await env.run(['up', ...(detached ? ['-d'] : []), '--nats-port', String(env.port), '-o', 'json'], {
        env: { WASH_DATA_DIR: file },
      });
      expectCleanError(
        r,
        /wash up cannot write its run state .* to .*not-a-dir\/run: part of the path is a file, not a directory/,
      );
      expect(String(r.errorJson!.suggestion)).toMatch(/WASH_DATA_DIR must name a writable directory/);
      expect(await env.natsReachable()).toBe(false);
      expect(processesOf(env)).toEqual([]);
    }
    expect(statSync(file).isFile()).toBe(true);
  });

  it('WASH_LOGS_DIR blocked by a file: the error names WASH_LOGS_DIR, nothing started, no pid file written', async () => {
    env = await WashEnv.create();
    const logs = join(env.dataDir, 'logs-file');
    writeFileSync(logs, 'x');
    const r = await env.run(['up', '-d', '--nats-port', String(env.port), '-o', 'json'], {
      env: { WASH_LOGS_DIR: logs },
    });
    expectCleanError(r, /wash up cannot write its logs to .*logs-file/);
    expect(String(r.errorJson!.suggestion)).toMatch(/WASH_LOGS_DIR/);
    expect(await env.natsReachable()).toBe(false);
    expect(processesOf(env)).toEqual([]);
    const run = join(env.dataDir, 'run');
    const left = (() => {
      try {
        return readdirSync(run, { recursive: true }).filter((f) => String(f).endsWith('.json'));
      } catch {
        return [];
      }
    })();
    expect(left).toEqual([]);
  });

  it('a read-only data dir (non-root only): clear error naming WASH_DATA_DIR', async () => {
    if (process.getuid?.() === 0) return; // root writes through permission bits; the file cases above cover it
    env = await WashEnv.create();
    const ro = join(env.dataDir, 'ro');
    mkdirSync(ro, { mode: 0o500 });
    const r = await env.run(['up', '-d', '--nats-port', String(env.port), '-o', 'json'], {
      env: { WASH_DATA_DIR: ro },
    });
    expectCleanError(r, /permission denied/);
    expect(await env.natsReachable()).toBe(false);
  });
});

describe('corrupt pid files', () => {
  it('garbage in every pid file of a running lattice: wash up refuses and starts nothing; wash down names the hosts, --all stops everything', async () => {
    env = await WashEnv.create();
    const up = await env.run(['up', '-d', '--nats-port', String(env.port), '-o', 'json']);
    env.trackRecorded();
    expect(up.code, up.stderr).toBe(0);
    const json = up.json as { hosts: { pid: number; id: string }[]; supervisor_pid: number };
    const nats = readPidFile(env.paths.natsPidFile);
    const procs: ProcessIdentity[] = [
      ...json.hosts.map((h) => processIdentity(h.pid)!),
      processIdentity(json.supervisor_pid)!,
      nats!.identity,
    ];
    expect(procs.every((p) => checkIdentity(p) === 'alive')).toBe(true);

    const files = [
      env.paths.natsPidFile,
      ...readdirSync(env.paths.hostsDir).map((f) => join(env!.paths.hostsDir, f)),
      ...readdirSync(env.paths.supervisorsDir).map((f) => join(env!.paths.supervisorsDir, f)),
    ];
    for (const f of files) writeFileSync(f, '{"kind": "nats", "pid": ');

    const before = processesOf(env).sort();
    const again = await env.run(['up', '-d', '--nats-port', String(env.port), '-o', 'json']);
    expectCleanError(
      again,
      /wash up found unreadable pid files \(.*nats\.json.*\); the processes they recorded may still be running, so nothing was started/,
    );
    expect(String(again.errorJson!.suggestion)).toMatch(/wash down/);
    expect(processesOf(env).sort()).toEqual(before);
    for (const f of files) expect(statSync(f).isFile()).toBe(true); // refused, not "cleaned up"

    // The unreadable files no longer say which hosts are ours: plain `down` stops nothing and names them...
    const named = { env: { WASMCLOUD_CTL_PORT: String(env.port) } };
    const down = await env.run(['down', '-o', 'json'], named);
    expect(down.code, down.stderr).toBe(0);
    expect(down.json).toMatchObject({
      success: true,
      hosts_stopped: [],
      other_hosts: json.hosts.map((h) => h.id).sort(),
    });
    expect((down.json!.stale_pid_files_removed as string[]).sort()).toEqual([...files].sort());
    expect(JSON.stringify(down.json!.warnings)).toMatch(/unreadable pid files removed/);
    expect(procs.every((p) => checkIdentity(p) === 'alive')).toBe(true);
    // ...and `--all` (explicit) stops them.
    const all = await env.run(['down', '--all', '-o', 'json'], named);
    expect(all.code, all.stderr).toBe(0);
    expect(all.json).toMatchObject({ success: true, hosts_stopped: json.hosts.map((h) => h.id), hosts_remaining: [] });
    // The supervisor, its host and the NATS it started are all gone.
    expect(await eventually(() => procs.every(isGone), 30_000)).toBe(true);
    expect(await env.natsReachable()).toBe(false);
    expect(processesOf(env)).toEqual([]);
  }, 120_000);
});
