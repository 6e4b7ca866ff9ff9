/** A Redis database as a keyvalue store (the `keyvalue-redis` provider's `URL` link config key). */
import type { Redis } from 'ioredis';
import type { KeyValueBackend } from './backend.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379/';

/**
 * One client per URL. Commands issued while Redis is unreachable wait in the client's queue; the caller
 * bounds each call with the link's timeout, and `commandTimeout` makes the client give up on it too.
 */
export async function connectRedis(url: string, timeoutMs: number, onError: (err: Error) => void): Promise<Redis> {
  const { Redis: Client } = await import('ioredis');
  const client = new Client(url, {
    lazyConnect: true,
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(100 * 2 ** times, 5_000),
  });
  client.on('error', onError);
  client.connect().catch(() => undefined); // errors reach onError; commands fail or time out on their own
  return client;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export class RedisKeyValue implements KeyValueBackend {
  constructor(private readonly redis: Redis) {}

  // A Buffer is a Uint8Array: values pass without a copy in either direction (the jco glue copies them
  // into and out of guest memory anyway).
  async get(key: string): Promise<Uint8Array | undefined> {
    return (await this.redis.getBuffer(key)) ?? undefined;
  }
  async set(key: string, value: Uint8Array): Promise<void> {
    await this.redis.set(key, asBuffer(value));
  }
  async delete(key: string): Promise<void> {
    await this.redis.del(key);
  }
  async exists(key: string): Promise<boolean> {
    return (await this.redis.exists(key)) > 0;
  }
  async keys(): Promise<string[]> {
    const out: string[] = [];
    let cursor = '0';
    do {
      const [next, page] = await this.redis.scan(cursor, 'COUNT', 1000);
      out.push(...page);
      cursor = next;
    } while (cursor !== '0');
    return out;
  }
  async increment(key: string, delta: bigint): Promise<bigint> {
    return BigInt(await this.redis.incrby(key, delta.toString()));
  }
  async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    if (keys.length === 0) return [];
    const values = await this.redis.mgetBuffer(...keys);
    return values.map((v) => v ?? undefined);
  }
  async setMany(entries: readonly [string, Uint8Array][]): Promise<void> {
    if (entries.length === 0) return;
    await this.redis.mset(...entries.flatMap(([k, v]) => [k, asBuffer(v)]));
  }
  async deleteMany(keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.redis.del(...keys);
  }
}
