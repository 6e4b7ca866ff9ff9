/**
 * Waiting for a lattice event caused by a request. The subscription must exist before the request is sent,
 * otherwise a fast host publishes the event before anyone listens (issue #4645), so this is two steps:
 * arm (`await waitForEvent(...)`, which subscribes and flushes), send the request, then `await handle.wait()`.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { UserError } from '../errors.js';
import { tryParseLatticeEvent, type EventName, type LatticeEvent } from './events.js';
import { eventSubject, eventWildcard } from './subjects.js';

export interface EventWaitOptions {
  /** Subscribe only to these event names (default: every event of the lattice). */
  names?: readonly EventName[];
  /** What is awaited, for the timeout message, e.g. `component_scaled for "echo" on host N…`. */
  awaiting?: string;
  /** What to check when it times out (default: a generic hint). */
  hint?: string;
}

export interface EventWait {
  /** Resolves with the first matching event; rejects with a UserError after the timeout. The timer starts here. */
  wait(): Promise<LatticeEvent>;
  /** Stops listening (e.g. when the request failed or the caller does not want to wait). Idempotent. */
  cancel(): void;
}

/** Subscribes to the lattice's events now; call `wait()` on the handle after sending the request. */
export async function waitForEvent(
  nc: NatsConnection,
  lattice: string,
  predicate: (event: LatticeEvent) => boolean,
  timeoutMs: number,
  opts: EventWaitOptions = {},
): Promise<EventWait> {
  const subjects = opts.names?.length ? opts.names.map((n) => eventSubject(lattice, n)) : [eventWildcard(lattice)];
  let found: LatticeEvent | undefined;
  let onFound: ((e: LatticeEvent) => void) | undefined;
  let subs: Subscription[] = [];
  const cancel = () => {
    for (const s of subs) s.unsubscribe();
    subs = [];
  };
  subs = subjects.map((subject) =>
    nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err || found) return;
        const event = tryParseLatticeEvent(msg.data);
        if (!event || !predicate(event)) return;
        found = event;
        cancel();
        onFound?.(event);
      },
    }),
  );
  // The server must know about the subscription before the caller sends the request.
  await nc.flush();

  const awaiting = opts.awaiting ?? (opts.names?.length ? `event ${opts.names.join(' / ')}` : 'a matching event');
  return {
    cancel,
    wait: () =>
      new Promise<LatticeEvent>((resolve, reject) => {
        if (found) return resolve(found);
        const timer = setTimeout(() => {
          cancel();
          reject(
            new UserError(`timed out after ${timeoutMs} ms waiting for ${awaiting} on lattice "${lattice}"`, {
              suggestion:
                opts.hint ??
                'the host accepted the request but did not report the outcome in time; the operation may still be running or may have failed. ' +
                  'Check `wash get inventory` and the host logs, or wait longer with --timeout-ms',
            }),
          );
        }, timeoutMs);
        onFound = (event) => {
          clearTimeout(timer);
          resolve(event);
        };
      }),
  };
}
