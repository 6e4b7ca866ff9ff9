/**
 * Is another wadm implementation (Rust wadm 0.21) serving this lattice? Upstream wadm knows nothing of our
 * `wadm_leases` bucket, so with both on one lattice both would reconcile and fight. Upstream wadm reads lattice
 * events through the durable pull consumer `wadm_event_consumer-{lattice}` on stream `wadm_event_consumer`
 * (`consumers/events.rs`); a running one always has a pull request waiting on it. A consumer left behind by a
 * stopped wadm has none, and does not count. Checked with one plain JetStream API request (no client modules).
 */
import type { NatsConnection } from '@nats-io/transport-node';

export const UPSTREAM_EVENT_STREAM = 'wadm_event_consumer';
export const upstreamEventConsumer = (lattice: string): string => `${UPSTREAM_EVENT_STREAM}-${lattice}`;

interface ConsumerInfoReply {
  num_waiting?: number;
  error?: { code?: number };
}

/** A sentence naming the other wadm when one is serving `lattice`; undefined when none is (or it cannot be told). */
export async function foreignWadmServing(
  nc: NatsConnection,
  lattice: string,
  o: { jsDomain?: string; timeoutMs?: number } = {},
): Promise<string | undefined> {
  const api = o.jsDomain ? `$JS.${o.jsDomain}.API` : '$JS.API';
  const consumer = upstreamEventConsumer(lattice);
  try {
    const msg = await nc.request(`${api}.CONSUMER.INFO.${UPSTREAM_EVENT_STREAM}.${consumer}`, new Uint8Array(), {
      timeout: o.timeoutMs ?? 2000,
    });
    const info = JSON.parse(new TextDecoder().decode(msg.data)) as ConsumerInfoReply;
    if (info.error || !info.num_waiting) return undefined;
    return `another wadm implementation (Rust wadm: JetStream consumer ${consumer} is being pulled) serves lattice ${lattice}`;
  } catch {
    return undefined;
  }
}
