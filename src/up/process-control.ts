import { checkIdentity, type ProcessIdentity } from './process-identity.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until the recorded process is no longer the live process under its pid. */
export async function waitUntilGone(identity: ProcessIdentity, timeoutMs: number, pollMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (checkIdentity(identity) !== 'alive') return true;
    if (Date.now() >= deadline) return false;
    await sleep(pollMs);
  }
}

/**
 * Sends `signal` only if the pid still belongs to the recorded process (checked immediately before).
 * `group` signals the whole process group the process leads (spawned with `detached: true`).
 */
export function signalIfSame(
  identity: ProcessIdentity,
  signal: NodeJS.Signals,
  opts: { group?: boolean } = {},
): boolean {
  if (checkIdentity(identity) !== 'alive') return false;
  try {
    process.kill(opts.group ? -identity.pid : identity.pid, signal);
    return true;
  } catch {
    if (opts.group) {
      try {
        process.kill(identity.pid, signal);
        return true;
      } catch {
        /* gone */
      }
    }
    return false;
  }
}

export type StopOutcome = 'not-running' | 'exited' | 'terminated' | 'killed' | 'survived';

/**
 * Stops a recorded process: waits `graceMs` for it to go by itself (after a polite request elsewhere),
 * then SIGTERM and `termMs`, then SIGKILL to its process group. Never signals a process whose identity
 * does not match the record.
 */
export async function stopRecordedProcess(
  identity: ProcessIdentity,
  o: { graceMs?: number; termMs?: number; killGroup?: boolean } = {},
): Promise<StopOutcome> {
  if (checkIdentity(identity) !== 'alive') return 'not-running';
  if (o.graceMs && (await waitUntilGone(identity, o.graceMs))) return 'exited';
  if (signalIfSame(identity, 'SIGTERM') && (await waitUntilGone(identity, o.termMs ?? 5000))) return 'terminated';
  if (checkIdentity(identity) !== 'alive') return 'terminated';
  signalIfSame(identity, 'SIGKILL', { group: o.killGroup });
  return (await waitUntilGone(identity, 3000)) ? 'killed' : 'survived';
}
