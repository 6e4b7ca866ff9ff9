/** In-memory keyvalue store: shared by every instance of every component linked to the same store name. */
import { encodeCounter, parseCounter, type KeyValueBackend } from './backend.js';

export class MemoryKeyValue implements KeyValueBackend {
  readonly #data = new Map<string, Uint8Array>();

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.#data.get(key);
  }
  async set(key: string, value: Uint8Array): Promise<void> {
    this.#data.set(key, value.slice());
  }
  async delete(key: string): Promise<void> {
    this.#data.delete(key);
  }
  async exists(key: string): Promise<boolean> {
    return this.#data.has(key);
  }
  async keys(): Promise<string[]> {
    return [...this.#data.keys()];
  }
  async increment(key: string, delta: bigint): Promise<bigint> {
    const next = parseCounter(this.#data.get(key), key) + delta;
    this.#data.set(key, encodeCounter(next));
    return next;
  }
  async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    return keys.map((k) => this.#data.get(k));
  }
  async setMany(entries: readonly [string, Uint8Array][]): Promise<void> {
    for (const [k, v] of entries) this.#data.set(k, v.slice());
  }
  async deleteMany(keys: readonly string[]): Promise<void> {
    for (const k of keys) this.#data.delete(k);
  }
}
