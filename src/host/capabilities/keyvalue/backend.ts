/** What one keyvalue store (a NATS KV bucket, a Redis database, an in-memory map) must do. */
export interface KeyValueBackend {
  get(key: string): Promise<Uint8Array | undefined>;
  set(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  keys(): Promise<string[]>;
  /** Adds `delta` to the decimal number stored under `key` (absent = 0) and returns the new value. */
  increment(key: string, delta: bigint): Promise<bigint>;
  getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]>;
  setMany(entries: readonly [string, Uint8Array][]): Promise<void>;
  deleteMany(keys: readonly string[]): Promise<void>;
}

const decoder = new TextDecoder();

/** A stored counter: a decimal string (what upstream providers and Redis INCRBY store). */
export function parseCounter(value: Uint8Array | undefined, key: string): bigint {
  if (value === undefined || value.length === 0) return 0n;
  const text = decoder.decode(value).trim();
  if (!/^-?\d+$/.test(text)) throw new Error(`value of key '${key}' is not a number, so it cannot be incremented`);
  return BigInt(text);
}

export function encodeCounter(n: bigint): Uint8Array {
  return new TextEncoder().encode(n.toString());
}
