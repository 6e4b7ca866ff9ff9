/** A NATS JetStream KV bucket as a keyvalue store (the `keyvalue-nats` provider's link config keys). */
import type { NatsConnection } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import { encodeCounter, parseCounter, type KeyValueBackend } from './backend.js';

/** Increment is a compare-and-set loop on the key's revision; this many lost races is an error. */
const MAX_CAS_ATTEMPTS = 50;

export async function openNatsBucket(
  nc: NatsConnection,
  opts: { bucket: string; jsDomain?: string; autoCreate: boolean },
): Promise<KV> {
  const { jetstream } = await import('@nats-io/jetstream');
  const { Kvm } = await import('@nats-io/kv');
  const kvm = new Kvm(jetstream(nc, opts.jsDomain ? { domain: opts.jsDomain } : {}));
  if (opts.autoCreate) return kvm.create(opts.bucket, { history: 1 });
  try {
    return await kvm.open(opts.bucket);
  } catch (err) {
    throw new Error(
      `NATS KV bucket '${opts.bucket}' does not exist (set enable_bucket_auto_create=true in the link config to create it)`,
      { cause: err },
    );
  }
}

export class NatsKeyValue implements KeyValueBackend {
  constructor(private readonly kv: KV) {}

  async get(key: string): Promise<Uint8Array | undefined> {
    const entry = await this.kv.get(key);
    return entry && entry.operation === 'PUT' ? entry.value : undefined;
  }
  async set(key: string, value: Uint8Array): Promise<void> {
    await this.kv.put(key, value);
  }
  async delete(key: string): Promise<void> {
    await this.kv.purge(key);
  }
  async exists(key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined;
  }
  async keys(): Promise<string[]> {
    const out: string[] = [];
    for await (const key of await this.kv.keys()) out.push(key);
    return out;
  }
  async increment(key: string, delta: bigint): Promise<bigint> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const entry = await this.kv.get(key);
      const live = entry && entry.operation === 'PUT' ? entry : undefined;
      const next = parseCounter(live?.value, key) + delta;
      try {
        if (entry) await this.kv.update(key, encodeCounter(next), entry.revision);
        else await this.kv.create(key, encodeCounter(next));
        return next;
      } catch (err) {
        if (!isWrongRevision(err)) throw err;
      }
    }
    throw new Error(`increment of '${key}' lost ${MAX_CAS_ATTEMPTS} compare-and-set races in a row`);
  }
  async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    return Promise.all(keys.map((k) => this.get(k)));
  }
  async setMany(entries: readonly [string, Uint8Array][]): Promise<void> {
    await Promise.all(entries.map(([k, v]) => this.set(k, v)));
  }
  async deleteMany(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((k) => this.delete(k)));
  }
}

function isWrongRevision(err: unknown): boolean {
  const text = String((err as { message?: string })?.message ?? err);
  return /wrong last sequence|key exists|10071/i.test(text);
}
