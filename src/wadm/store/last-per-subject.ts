/**
 * The last message of every subject matching `filter` in one pass over a stream: an ordered consumer with
 * deliver policy `last_per_subject`, instead of one direct get per subject (10,000 requests for 10,000 apps).
 * The filter is a single subject (`filter_subject`), which nats-server 2.9 accepts; `filter_subjects` (a list)
 * needs 2.10.
 */
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';

const BATCH = 1000;
const IDLE_MS = 1000;

export async function readLastPerSubject(
  js: JetStreamClient,
  stream: string,
  filter: string,
  onMessage: (m: JsMsg) => void,
): Promise<void> {
  const { DeliverPolicy } = await import('@nats-io/jetstream');
  const consumer = await js.consumers.get(stream, {
    filter_subjects: filter,
    deliver_policy: DeliverPolicy.LastPerSubject,
  });
  try {
    const info = await consumer.info(true);
    if (info.num_pending === 0) return;
    // The pass ends at the message that leaves nothing pending. A message counted as pending can vanish before it
    // is delivered (a concurrent KV delete purges its subject), so a fetch that stays empty for `IDLE_MS` ends the
    // pass too, instead of waiting forever for it.
    for (;;) {
      const batch = await consumer.fetch({ max_messages: BATCH, expires: IDLE_MS });
      let delivered = 0;
      for await (const m of batch) {
        delivered++;
        onMessage(m);
        if (m.info.pending === 0) return;
      }
      if (delivered === 0) return;
    }
  } finally {
    await consumer.delete().catch(() => {});
  }
}
