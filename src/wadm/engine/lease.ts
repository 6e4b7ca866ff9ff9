/**
 * Leadership per lattice with a JetStream KV lease (the contract with the API side): bucket `wadm_leases`
 * whose max_age is the lease TTL, key `{lattice}`. The holder renews with a compare-and-set update every
 * TTL/3; the others try `create`, which only succeeds once the holder's entry has expired or was released.
 * A holder whose renewals stop succeeding considers itself a follower before the entry can expire.
 */
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { isMissingStreamError } from '../store/stream-guard.js';

export const LEASE_BUCKET = 'wadm_leases';
export const DEFAULT_LEASE_TTL_MS = 6_000;

export interface LeaseOptions {
  lattice: string;
  /** Who holds the lease (written as the value). */
  holder: string;
  ttlMs?: number;
  jsDomain?: string;
  /** JetStream replicas when the lease bucket is created here (default 1). */
  replicas?: number;
  bucket?: string;
  onError?: (err: Error) => void;
  /** Called on every change of leadership. */
  onChange?: (leader: boolean) => void;
}

export interface Lease {
  /** True while this process holds a lease that has not expired. */
  isLeader(): boolean;
  /** Resolves after the first attempt. */
  readonly settled: Promise<boolean>;
  /** Stops renewing and releases the lease when held. */
  close(): Promise<void>;
}

function isConflict(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 10071 || code === 10164 || /wrong last sequence|key exists/i.test((err as Error)?.message ?? '');
}

export async function openLeaseBucket(
  nc: NatsConnection,
  ttlMs: number,
  opts: { jsDomain?: string; bucket?: string; replicas?: number } = {},
): Promise<KV> {
  const { jetstream } = await import('@nats-io/jetstream');
  const { Kvm } = await import('@nats-io/kv');
  const kvm = new Kvm(jetstream(nc, opts.jsDomain ? { domain: opts.jsDomain } : {}));
  const name = opts.bucket ?? LEASE_BUCKET;
  try {
    return await kvm.create(name, { history: 1, ttl: ttlMs, replicas: opts.replicas ?? 1 });
  } catch (err) {
    try {
      return await kvm.open(name);
    } catch {
      throw err;
    }
  }
}

export async function startLease(nc: NatsConnection, opts: LeaseOptions): Promise<Lease> {
  const ttl = opts.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const kv = await openLeaseBucket(nc, ttl, opts);
  const key = opts.lattice;
  let revision = 0;
  /** ms since epoch until which our last successful write is guaranteed to be the live one. */
  let validUntil = 0;
  let leader = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let settle!: (v: boolean) => void;
  const settled = new Promise<boolean>((r) => (settle = r));

  const set = (next: boolean) => {
    if (next === leader) return;
    leader = next;
    opts.onChange?.(next);
  };

  const attempt = async () => {
    const started = Date.now();
    try {
      revision = leader ? await kv.update(key, opts.holder, revision) : await kv.create(key, opts.holder);
      if (closed) return;
      // The entry lives `ttl` after the server stored it, which is after `started`.
      validUntil = started + ttl - Math.max(250, ttl / 10);
      set(true);
    } catch (err) {
      const lost = leader;
      validUntil = 0;
      set(false);
      if (lost || !isConflict(err)) opts.onError?.(err as Error);
      // The bucket was deleted under us (a purge): recreate it, so the next attempt can take the lease again.
      if (!closed && isMissingStreamError(err)) await openLeaseBucket(nc, ttl, opts).catch(() => undefined);
    }
  };

  const loop = async () => {
    if (closed) return;
    await attempt();
    settle(leader);
    if (!closed) timer = setTimeout(() => void loop(), Math.max(50, Math.floor(ttl / 3)));
  };
  void loop();

  return {
    isLeader: () => leader && Date.now() < validUntil,
    settled,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      if (leader) {
        try {
          await kv.delete(key, { previousSeq: revision });
        } catch {
          // Someone else took over, or the connection is gone: the entry expires on its own.
        }
      }
      set(false);
    },
  };
}
