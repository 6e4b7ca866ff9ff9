import type { UpPaths } from './paths.js';
import { inspectPidDir, inspectPidFile, isLive, removePidFile, type PidFileEntry, type PidRecord } from './pid-file.js';

export interface NatsPidInfo {
  /** `nats://host:port` */
  url: string;
  host: string;
  port: number;
  configPath: string;
  logPath: string;
  storeDir: string;
}

export interface HostPidInfo {
  hostId: string;
  lattice: string;
  natsUrl: string;
  log: string;
  /** The process (supervisor or foreground `wash up`) that started the host. */
  supervisorPid: number;
}

export interface SupervisorPidInfo {
  mode: 'foreground' | 'detached';
  lattice: string;
  natsUrl: string;
  /** This process runs the wadm engine. */
  wadm: boolean;
  /**
   * This process started the NATS server and stops it when it shuts down. `wash down` clears it before
   * stopping the hosts, taking NATS over (it may still need NATS to purge JetStream).
   */
  startedNats: boolean;
  log?: string;
}

export interface StalePidFile {
  path: string;
  reason: 'process gone' | 'pid reused by another process' | 'unreadable';
  pid?: number;
}

/** What a previous `wash up` left running, according to verified pid files. */
export interface LocalState {
  nats?: PidRecord<NatsPidInfo> & { path: string };
  hosts: (PidRecord<HostPidInfo> & { path: string })[];
  supervisors: (PidRecord<SupervisorPidInfo> & { path: string })[];
  /** Pid files that did not match a live process; removed when scanning with `clean`. */
  stale: StalePidFile[];
}

function staleReason(e: PidFileEntry): StalePidFile['reason'] {
  if (e.state === 'corrupt') return 'unreadable';
  return e.state === 'reused' ? 'pid reused by another process' : 'process gone';
}

/**
 * Reads every pid file and sorts them into live processes and stale files. A stale file (process gone, or
 * pid now used by a different process) is only deleted, never acted on.
 */
export function scanLocalState(paths: UpPaths, opts: { clean?: boolean } = {}): LocalState {
  const state: LocalState = { hosts: [], supervisors: [], stale: [] };
  const sortOut = <T extends object>(e: PidFileEntry<T>, keep: (r: PidRecord<T> & { path: string }) => void) => {
    if (isLive(e)) {
      keep({ ...e.record, path: e.path });
      return;
    }
    state.stale.push({ path: e.path, reason: staleReason(e as PidFileEntry), pid: e.record?.pid });
    if (opts.clean) removePidFile(e.path);
  };
  const nats = inspectPidFile<NatsPidInfo>(paths.natsPidFile);
  if (nats)
    sortOut(nats, (r) => {
      state.nats = r;
    });
  for (const e of inspectPidDir<HostPidInfo>(paths.hostsDir)) sortOut(e, (r) => state.hosts.push(r));
  for (const e of inspectPidDir<SupervisorPidInfo>(paths.supervisorsDir)) sortOut(e, (r) => state.supervisors.push(r));
  return state;
}

/** `nats://h:p` → `h:p` (the form wash v1 prints as `nats_url`). */
export function hostPort(url: string): string {
  return url.replace(/^nats:\/\//, '');
}
