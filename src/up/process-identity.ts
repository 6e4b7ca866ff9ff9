import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * What tells one process apart from a later process that happens to get the same pid: when it started
 * (kernel clock ticks since boot on Linux, `ps` start time elsewhere), the boot it started in, and its
 * command line. A pid file stores this so a stale file is never used to signal an unrelated process.
 */
export interface ProcessIdentity {
  pid: number;
  startTime: string;
  /** Linux boot id; a pid file written before a reboot never matches. */
  bootId?: string;
  /** argv joined by spaces. */
  cmdline: string;
}

function linuxBootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat (starttime); parsed after the last `)` because comm may contain spaces. */
export function parseProcStatStartTime(stat: string): string | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  // After ") " come fields 3.. ; starttime is field 22, i.e. index 19 of that list.
  const fields = stat
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  return fields[19];
}

function linuxIdentity(pid: number): ProcessIdentity | undefined {
  let stat: string;
  let cmdline: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
  const startTime = parseProcStatStartTime(stat);
  if (!startTime) return undefined;
  // A zombie has an empty cmdline and state Z: it is gone for our purposes.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  if (state === 'Z' || state === 'X') return undefined;
  return { pid, startTime, bootId: linuxBootId(), cmdline: cmdline.split('\0').filter(Boolean).join(' ') };
}

function psIdentity(pid: number): ProcessIdentity | undefined {
  const r = spawnSync('ps', ['-o', 'lstart=', '-o', 'command=', '-p', String(pid)], {
    encoding: 'utf8',
    timeout: 3000,
  });
  const line = (r.stdout ?? '').trim();
  if (r.status !== 0 || line === '') return undefined;
  // lstart is a fixed five-token date ("Mon Nov 21 23:51:02 2025").
  const tokens = line.split(/\s+/);
  return { pid, startTime: tokens.slice(0, 5).join(' '), cmdline: tokens.slice(5).join(' ') };
}

/** The identity of a running process, or undefined when there is no such (live) process. */
export function processIdentity(pid: number): ProcessIdentity | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (process.platform === 'linux') return linuxIdentity(pid);
  if (process.platform === 'win32') return undefined;
  return psIdentity(pid);
}

/** True when `pid` is a live process (signal 0), whoever it is. */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type IdentityCheck = 'alive' | 'gone' | 'reused';

/**
 * Compares a recorded identity with whatever runs under that pid now: `alive` (same process), `gone`
 * (no process), `reused` (another process has the pid; it must not be touched).
 */
export function checkIdentity(recorded: ProcessIdentity): IdentityCheck {
  const now = processIdentity(recorded.pid);
  if (!now) return pidExists(recorded.pid) && process.platform === 'win32' ? 'reused' : 'gone';
  if (now.startTime !== recorded.startTime) return 'reused';
  if (recorded.bootId && now.bootId && recorded.bootId !== now.bootId) return 'reused';
  if (now.cmdline !== recorded.cmdline) return 'reused';
  return 'alive';
}
