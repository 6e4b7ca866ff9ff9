import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkIdentity, processIdentity, type IdentityCheck, type ProcessIdentity } from './process-identity.js';

export type PidKind = 'nats' | 'host' | 'supervisor';

/** A pid file: JSON with the pid, the identity that proves it is still our process, and what it is. */
export interface PidRecord<Extra extends object = Record<string, unknown>> {
  kind: PidKind;
  pid: number;
  identity: ProcessIdentity;
  /** ISO time the record was written. */
  written: string;
  info: Extra;
}

export class PidFileError extends Error {
  override name = 'PidFileError';
}

/**
 * Records a running process. Fails if the process is already gone (its identity cannot be read): a pid
 * file without an identity could later match an unrelated process.
 */
export function writePidFile<Extra extends object>(
  path: string,
  kind: PidKind,
  pid: number,
  info: Extra,
): PidRecord<Extra> {
  const identity = processIdentity(pid);
  if (!identity) throw new PidFileError(`process ${pid} is not running; not writing ${path}`);
  const record: PidRecord<Extra> = { kind, pid, identity, written: new Date().toISOString(), info };
  mkdirSync(dirname(path), { recursive: true });
  // Write then rename, so a reader never sees half a file.
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
  return record;
}

/** The record in `path`, or undefined if the file is missing or not a pid record (a corrupt file counts as stale). */
export function readPidFile<Extra extends object = Record<string, unknown>>(
  path: string,
): PidRecord<Extra> | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  const r = raw as Partial<PidRecord<Extra>> | null;
  if (
    !r ||
    typeof r.pid !== 'number' ||
    typeof r.kind !== 'string' ||
    !r.identity ||
    typeof r.identity.startTime !== 'string' ||
    typeof r.identity.cmdline !== 'string' ||
    r.identity.pid !== r.pid
  )
    return undefined;
  return { ...r, info: (r.info ?? {}) as Extra } as PidRecord<Extra>;
}

/** Rewrites the `info` of an existing record (same process, same identity); false when there is no valid record. */
export function updatePidFileInfo<Extra extends object>(path: string, update: (info: Extra) => Extra): boolean {
  const record = readPidFile<Extra>(path);
  if (!record) return false;
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ ...record, info: update(record.info) }, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
  return true;
}

export function removePidFile(path: string): void {
  rmSync(path, { force: true });
}

export interface PidFileEntry<Extra extends object = Record<string, unknown>> {
  path: string;
  /** Undefined when the file could not be parsed. */
  record?: PidRecord<Extra>;
  state: IdentityCheck | 'corrupt';
}

/** Reads one pid file and checks whether its process is still the one recorded. */
export function inspectPidFile<Extra extends object = Record<string, unknown>>(
  path: string,
): PidFileEntry<Extra> | undefined {
  let exists = true;
  try {
    readFileSync(path);
  } catch {
    exists = false;
  }
  if (!exists) return undefined;
  const record = readPidFile<Extra>(path);
  if (!record) return { path, state: 'corrupt' };
  return { path, record, state: checkIdentity(record.identity) };
}

/** Every `*.json` pid file in `dir`, inspected. */
export function inspectPidDir<Extra extends object = Record<string, unknown>>(dir: string): PidFileEntry<Extra>[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => inspectPidFile<Extra>(join(dir, n)))
    .filter((e): e is PidFileEntry<Extra> => e !== undefined);
}

/** True only for a live process whose identity matches the record: the one case where signalling it is safe. */
export function isLive<Extra extends object>(
  e: PidFileEntry<Extra>,
): e is PidFileEntry<Extra> & { record: PidRecord<Extra>; state: 'alive' } {
  return e.state === 'alive' && e.record !== undefined;
}
