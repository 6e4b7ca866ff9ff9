/**
 * The lattice commands' "do it and see it happen": subscribes to the confirming event first (so it cannot be
 * missed), sends the request, then awaits the event. With `skipWait` only the request is sent. A refused
 * request cancels the subscription.
 */
import type { CtlClient } from './ctl-client.js';
import type { LatticeEvent } from './events.js';
import { waitForEvent, type EventWaitOptions } from './wait.js';

export type ProgressFn = (text: string) => void;
export const noProgress: ProgressFn = () => {};

export interface ConfirmedRequest<A> {
  /** Send the request (its reply is the ack). */
  request: () => Promise<A>;
  /** The event that confirms the outcome (success or failure). */
  confirms: (event: LatticeEvent) => boolean;
  wait: EventWaitOptions;
  waitTimeoutMs: number;
  skipWait?: boolean;
  /** Called after the request was acknowledged, before waiting. */
  onWaiting?: () => void;
}

export async function requestAndConfirm<A>(
  client: CtlClient,
  o: ConfirmedRequest<A>,
): Promise<{ ack: A; event?: LatticeEvent }> {
  const pending = o.skipWait
    ? undefined
    : await waitForEvent(client.nc, client.lattice, o.confirms, o.waitTimeoutMs, o.wait);
  let ack: A;
  try {
    ack = await o.request();
  } catch (err) {
    pending?.cancel();
    throw err;
  }
  if (!pending) return { ack };
  o.onWaiting?.();
  return { ack, event: await pending.wait() };
}
