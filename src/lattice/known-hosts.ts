/**
 * Hosts a wadm knows from the lattice's heartbeats: the `host_{lattice}` entry of KV `wadm_state` (Rust wadm's
 * layout, written by upstream wadm and by ours with `mirrorState`, which `wash up` turns on). Read with one
 * plain JetStream API request (no JetStream client modules to load), so a lattice query can stop as soon as
 * every known host has answered instead of waiting out its window.
 */
import type { NatsConnection } from '@nats-io/transport-node';

export const STATE_BUCKET = 'wadm_state';
/** Hosts not seen for this long are not waited for (two 30 s heartbeats and some slack, as wadm's reaper). */
const SEEN_WITHIN_MS = 70_000;

interface StreamMsgGetReply {
  message?: { data?: string };
  error?: { code?: number; description?: string };
}

/** Host ids wadm saw recently; empty when no wadm keeps the mirror (or it cannot be read within `timeoutMs`). */
export async function knownHostIds(
  nc: NatsConnection,
  lattice: string,
  o: { jsDomain?: string; timeoutMs: number; now?: number },
): Promise<Set<string>> {
  const api = o.jsDomain ? `$JS.${o.jsDomain}.API` : '$JS.API';
  const body = JSON.stringify({ last_by_subj: `$KV.${STATE_BUCKET}.host_${lattice}` });
  try {
    const msg = await nc.request(`${api}.STREAM.MSG.GET.KV_${STATE_BUCKET}`, new TextEncoder().encode(body), {
      timeout: o.timeoutMs,
    });
    const reply = JSON.parse(new TextDecoder().decode(msg.data)) as StreamMsgGetReply;
    if (!reply.message?.data) return new Set();
    return hostIdsSeenRecently(
      JSON.parse(Buffer.from(reply.message.data, 'base64').toString('utf8')),
      o.now ?? Date.now(),
    );
  } catch {
    return new Set();
  }
}

/** The ids of a `host_{lattice}` document whose `last_seen` is recent (entries without one count as recent). */
export function hostIdsSeenRecently(doc: unknown, now: number): Set<string> {
  const ids = new Set<string>();
  if (typeof doc !== 'object' || doc === null) return ids;
  for (const [id, host] of Object.entries(doc as Record<string, { last_seen?: unknown }>)) {
    const seen = typeof host?.last_seen === 'string' ? Date.parse(host.last_seen) : NaN;
    if (Number.isNaN(seen) || now - seen <= SEEN_WITHIN_MS) ids.add(id);
  }
  return ids;
}
