/**
 * Keeps wadm's JetStream streams (the manifest bucket, the status stream, the lease bucket) in place under a
 * running wadm. Someone deleting them (`wash down --purge-jetstream` by another user, an operator) would
 * otherwise leave every API call timing out: a KV get on a missing stream has no responder and waits for the
 * full JetStream timeout. The server announces each deletion (`$JS.EVENT.ADVISORY.STREAM.DELETED.<stream>`);
 * the guard recreates the stream at once. Callers also use `isMissingStreamError` + `recreate` for the
 * moment between the deletion and the advisory.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';

export interface StreamGuard {
  /** Recreates `stream` now (no-op if it exists; concurrent calls share one attempt). */
  recreate(stream: string): Promise<void>;
  /** Resolves once no recreation is under way (at once, normally). */
  settled(): Promise<void>;
  stop(): void;
}

/** Errors a KV/stream operation gives when its stream is gone (no responder: timeout or "not enabled"; 10059). */
export function isMissingStreamError(err: unknown): boolean {
  const e = err as { name?: string; code?: unknown; message?: string } | null;
  if (!e) return false;
  if (e.code === 10059 || e.code === '503') return true;
  return (
    /TimeoutError|JetStreamNotEnabled|StreamNotFound|NoResponders/.test(e.name ?? '') ||
    /stream not found|no responders|jetstream is not enabled/i.test(e.message ?? '')
  );
}

export function guardStreams(
  nc: NatsConnection,
  create: Record<string, () => Promise<unknown>>,
  log: (message: string) => void = () => {},
): StreamGuard {
  const inFlight = new Map<string, Promise<void>>();
  const recreate = (stream: string): Promise<void> => {
    const make = create[stream];
    if (!make) return Promise.resolve();
    let p = inFlight.get(stream);
    if (!p) {
      p = make()
        .then(
          () => undefined,
          (err) => log(`recreating JetStream stream ${stream} failed: ${(err as Error).message}`),
        )
        .finally(() => inFlight.delete(stream));
      inFlight.set(stream, p);
    }
    return p;
  };
  const subs: Subscription[] = Object.keys(create).map((stream) =>
    nc.subscribe(`$JS.EVENT.ADVISORY.STREAM.DELETED.${stream}`, {
      callback: (err) => {
        if (err) return;
        log(`JetStream stream ${stream} was deleted; recreating it`);
        void recreate(stream);
      },
    }),
  );
  return {
    recreate,
    settled: () => (inFlight.size === 0 ? Promise.resolve() : Promise.all(inFlight.values()).then(() => undefined)),
    stop: () => {
      for (const s of subs) s.unsubscribe();
    },
  };
}
