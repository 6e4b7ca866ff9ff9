import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { upPaths } from '../../../src/up/paths.js';
import { inspectPidFile, readPidFile, updatePidFileInfo, writePidFile } from '../../../src/up/pid-file.js';
import { stopRecordedProcess } from '../../../src/up/process-control.js';
import { checkIdentity, parseProcStatStartTime, processIdentity } from '../../../src/up/process-identity.js';
import { scanLocalState } from '../../../src/up/state.js';

const linux = process.platform === 'linux';

function sleeper(): ChildProcess {
  return spawn('sleep', ['60'], { stdio: 'ignore' });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((r) =>
    child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r()),
  );
}

let dir: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wash-up-unit-'));
});
afterEach(async () => {
  for (const c of children.splice(0)) {
    c.kill('SIGKILL');
    await exited(c);
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('process identity', () => {
  it('reads starttime after the last parenthesis (comm may contain spaces and parens)', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    const stat = `1234 (my (odd) name) ${['S', ...fields.slice(1)].join(' ')}`;
    expect(parseProcStatStartTime(stat)).toBe('22');
    expect(parseProcStatStartTime('garbage')).toBeUndefined();
  });

  it('identifies this process, and tells a changed start time or command line apart', () => {
    const me = processIdentity(process.pid);
    expect(me?.pid).toBe(process.pid);
    expect(me?.cmdline).toContain('node');
    expect(checkIdentity(me!)).toBe('alive');
    expect(checkIdentity({ ...me!, startTime: `${me!.startTime}1` })).toBe('reused');
    expect(checkIdentity({ ...me!, cmdline: 'something else' })).toBe('reused');
  });

  it('reports an exited process as gone', async () => {
    const c = sleeper();
    children.push(c);
    const id = processIdentity(c.pid!)!;
    expect(checkIdentity(id)).toBe('alive');
    c.kill('SIGKILL');
    await exited(c);
    expect(checkIdentity(id)).toBe('gone');
  });
});

describe('pid files', () => {
  it('round-trips a record with identity and info', () => {
    const file = join(dir, 'x.json');
    const written = writePidFile(file, 'host', process.pid, { hostId: 'N1' });
    const read = readPidFile<{ hostId: string }>(file)!;
    expect(read).toEqual(written);
    expect(read.info.hostId).toBe('N1');
    expect(inspectPidFile(file)?.state).toBe('alive');
  });

  it('updates the info of a record without changing its identity', () => {
    const file = join(dir, 'sup.json');
    const written = writePidFile(file, 'supervisor', process.pid, { startedNats: true, lattice: 'default' });
    expect(
      updatePidFileInfo<{ startedNats: boolean; lattice: string }>(file, (i) => ({ ...i, startedNats: false })),
    ).toBe(true);
    expect(readPidFile(file)).toEqual({ ...written, info: { startedNats: false, lattice: 'default' } });
    expect(updatePidFileInfo(join(dir, 'missing.json'), (i) => i)).toBe(false);
  });

  it('refuses to record a process that is not running', async () => {
    const c = sleeper();
    const pid = c.pid!;
    c.kill('SIGKILL');
    await exited(c);
    expect(() => writePidFile(join(dir, 'gone.json'), 'nats', pid, {})).toThrow(/not running/);
  });

  it('treats unreadable files as corrupt and missing files as absent', () => {
    writeFileSync(join(dir, 'bad.json'), '{"pid": 12');
    expect(inspectPidFile(join(dir, 'bad.json'))?.state).toBe('corrupt');
    writeFileSync(join(dir, 'old.json'), JSON.stringify({ pid: 5, version: '1.9.1' }));
    expect(inspectPidFile(join(dir, 'old.json'))?.state).toBe('corrupt');
    expect(inspectPidFile(join(dir, 'none.json'))).toBeUndefined();
  });
});

describe('scanLocalState', () => {
  it.skipIf(!linux)(
    'keeps live records and removes stale ones (gone, reused pid, corrupt) without touching their processes',
    async () => {
      const env = { ...process.env, WASH_DATA_DIR: dir };
      const paths = upPaths(env);
      mkdirSync(paths.hostsDir, { recursive: true });
      // Live: a process we own.
      const live = sleeper();
      children.push(live);
      writePidFile(paths.hostPidFile('NLIVE'), 'host', live.pid!, {
        hostId: 'NLIVE',
        lattice: 'default',
        natsUrl: 'nats://x:1',
        log: 'l',
        supervisorPid: 1,
      });
      // Reused: the pid of a live, unrelated process, but recorded with another start time.
      const unrelated = sleeper();
      children.push(unrelated);
      const rec = writePidFile(paths.natsPidFile, 'nats', unrelated.pid!, { url: 'nats://x:1' });
      writeFileSync(paths.natsPidFile, JSON.stringify({ ...rec, identity: { ...rec.identity, startTime: '1' } }));
      // Gone: a process that has exited.
      const dead = sleeper();
      const deadRec = writePidFile(paths.hostPidFile('NDEAD'), 'host', dead.pid!, {
        hostId: 'NDEAD',
        lattice: 'default',
      });
      dead.kill('SIGKILL');
      await exited(dead);
      expect(deadRec.pid).toBe(dead.pid);
      writeFileSync(paths.hostPidFile('NBAD'), 'not json');

      const state = scanLocalState(paths, { clean: true });
      expect(state.hosts.map((h) => h.info.hostId)).toEqual(['NLIVE']);
      expect(state.nats).toBeUndefined();
      const reasons = Object.fromEntries(state.stale.map((s) => [s.path, s.reason]));
      expect(reasons).toEqual({
        [paths.natsPidFile]: 'pid reused by another process',
        [paths.hostPidFile('NDEAD')]: 'process gone',
        [paths.hostPidFile('NBAD')]: 'unreadable',
      });
      expect(existsSync(paths.natsPidFile)).toBe(false);
      expect(existsSync(paths.hostPidFile('NDEAD'))).toBe(false);
      expect(existsSync(paths.hostPidFile('NLIVE'))).toBe(true);
      // The unrelated process is untouched.
      expect(checkIdentity(processIdentity(unrelated.pid!)!)).toBe('alive');
    },
  );
});

describe('stopRecordedProcess', () => {
  it('terminates the recorded process', async () => {
    const c = sleeper();
    children.push(c);
    const id = processIdentity(c.pid!)!;
    expect(await stopRecordedProcess(id, { termMs: 3000 })).toBe('terminated');
    await exited(c);
    expect(c.signalCode).toBe('SIGTERM');
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const c = spawn(
      process.execPath,
      ['-e', "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000)"],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    children.push(c);
    await new Promise((r) => c.stdout!.once('data', r));
    const id = processIdentity(c.pid!)!;
    expect(await stopRecordedProcess(id, { termMs: 300 })).toBe('killed');
    await exited(c);
    expect(c.signalCode).toBe('SIGKILL');
  });

  it('never signals a process whose identity does not match the record', async () => {
    const c = sleeper();
    children.push(c);
    const id = processIdentity(c.pid!)!;
    expect(await stopRecordedProcess({ ...id, startTime: '42' }, { termMs: 200 })).toBe('not-running');
    expect(checkIdentity(id)).toBe('alive');
  });
});
