/**
 * Waiting until an app reaches `deployed` or `undeployed` (`--wait`). Two steps, like lattice event waits:
 * `armAppWait` (reads the current status as a baseline and subscribes to pushed updates) BEFORE the request,
 * then `wait()` after it.
 *
 * A deploy is "acknowledged", not running, and the status right after it may still be the previous version's
 * (the status document does not say which version it describes). So a status counts once it was pushed after
 * arming, or it differs from the baseline, or the engine had `graceMs` to react. `failed` ends the wait with
 * the failing scalers' messages.
 */
import { UserError } from '../../errors.js';
import type { Status, StatusType } from '../types.js';
import type { WadmClient } from './client.js';

/** `settled`: deployed or undeployed, whichever (a put changes nothing, so it only waits for reconciling to end). */
export type AppTarget = 'deployed' | 'undeployed' | 'settled';

export interface AppWaitOptions {
  timeoutMs: number;
  /** Called with a one-line description whenever the status changes. */
  onProgress?: (text: string, status: Status) => void;
  /** How long an unchanged polled status is assumed stale (default 3 s). */
  graceMs?: number;
  /** Status poll interval (default 1 s); pushed updates are seen at once. */
  pollMs?: number;
}

export interface AppWait {
  /** Resolves with the final status; rejects with a UserError on `failed` or timeout. */
  wait(): Promise<Status>;
  cancel(): void;
}

/** `reconciling (1/3 scalers ready): Scaling component on 1 host(s)` */
export function describeStatus(status: Status): string {
  const scalers = status.scalers ?? [];
  const ready = scalers.filter((s) => s.status.type === 'deployed').length;
  const counts = scalers.length > 0 ? ` (${ready}/${scalers.length} scalers ready)` : '';
  return `${status.status.type}${counts}${status.status.message ? `: ${status.status.message}` : ''}`;
}

/** The messages of the failed scalers, or the app's own message. */
export function failureMessage(status: Status): string {
  const failed = (status.scalers ?? []).filter((s) => s.status.type === 'failed');
  const parts = failed.map((s) => `${s.kind} ${s.name}: ${s.status.message ?? 'failed'}`);
  if (parts.length > 0) return parts.join('; ');
  return status.status.message ?? 'no message';
}

const isTerminal = (t: StatusType, target: AppTarget) =>
  t === target || t === 'failed' || (target === 'settled' && (t === 'deployed' || t === 'undeployed'));

export async function armAppWait(
  client: WadmClient,
  name: string,
  target: AppTarget,
  opts: AppWaitOptions,
): Promise<AppWait> {
  const graceMs = opts.graceMs ?? (target === 'settled' ? 0 : 3000);
  const pollMs = opts.pollMs ?? 1000;
  const baseline = await client.status(name).then(
    (s) => JSON.stringify(s),
    () => undefined,
  );
  const watch = client.watchStatus(name);
  let pushed: Status | undefined;
  let wake: (() => void) | undefined;
  void (async () => {
    for await (const s of watch) {
      pushed = s;
      wake?.();
    }
  })().catch(() => {});
  let cancelled = false;
  const cancel = () => {
    cancelled = true;
    watch.stop();
    wake?.();
  };

  return {
    cancel,
    async wait() {
      const started = Date.now();
      const deadline = started + opts.timeoutMs;
      let last: Status | undefined;
      let lastText = '';
      const report = (s: Status) => {
        last = s;
        const text = describeStatus(s);
        if (text !== lastText) {
          lastText = text;
          opts.onProgress?.(text, s);
        }
      };
      try {
        while (!cancelled) {
          let fresh: Status | undefined = pushed;
          pushed = undefined;
          if (!fresh) {
            const polled = await client.status(name).catch(() => undefined);
            if (polled && (JSON.stringify(polled) !== baseline || Date.now() - started >= graceMs)) fresh = polled;
          }
          if (fresh) {
            report(fresh);
            if (isTerminal(fresh.status.type, target)) {
              if (fresh.status.type === 'failed') {
                throw new UserError(`application ${name} failed: ${failureMessage(fresh)}`, {
                  suggestion: `inspect it with \`wash app status ${name}\``,
                });
              }
              return fresh;
            }
          }
          const left = deadline - Date.now();
          if (left <= 0) break;
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, Math.min(pollMs, left));
            wake = () => {
              clearTimeout(t);
              resolve();
            };
          });
          wake = undefined;
        }
        if (cancelled) throw new UserError(`stopped waiting for ${name}`);
        const seen = last ? `; last status: ${describeStatus(last)}` : '';
        const goal = target === 'settled' ? 'deployed or undeployed' : target;
        throw new UserError(
          `timed out after ${opts.timeoutMs} ms waiting for application ${name} to be ${goal}${seen}`,
          {
            suggestion: `the request was accepted; follow it with \`wash app status ${name} --watch\`, or raise --wait-timeout-ms`,
          },
        );
      } finally {
        watch.stop();
      }
    },
  };
}
