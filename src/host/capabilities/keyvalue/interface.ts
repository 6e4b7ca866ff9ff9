/**
 * `wasi:keyvalue@0.2.0-draft` store / atomics / batch as host functions. Every call is async (the
 * component's glue suspends the guest with JSPI), bounded by the link's timeout, and any failure reaches
 * the guest as the interface's `error::other(message)`, never as a trap or a stuck host.
 */
import { bounded } from '../timeout.js';
import type { KeyValueBackend } from './backend.js';

export interface OpenedStore {
  backend: KeyValueBackend;
  timeoutMs: number;
  /** For messages: `link 'cache' → keyvalue-redis`. */
  label: string;
}

/** Resolves the identifier a guest passes to `store.open` (the link name) to a store. */
export type StoreOpener = (identifier: string) => Promise<OpenedStore>;

type KvError = { tag: 'no-such-store' } | { tag: 'access-denied' } | { tag: 'other'; val: string };

function other(err: unknown): KvError {
  if (err && typeof err === 'object' && 'tag' in err) return err as KvError;
  return { tag: 'other', val: err instanceof Error ? err.message : String(err) };
}

function run<T>(store: OpenedStore, what: string, work: () => Promise<T>): Promise<T> {
  let pending: Promise<T>;
  try {
    pending = work();
  } catch (err) {
    return Promise.reject(other(err));
  }
  return bounded(pending, store.timeoutMs, `${store.label} (${what})`).catch((err: unknown) => {
    throw other(err);
  });
}

export class Bucket {
  readonly #store: OpenedStore;
  constructor(store: OpenedStore) {
    this.#store = store;
  }
  static storeOf(bucket: Bucket): OpenedStore {
    return bucket.#store;
  }
  get(key: string): Promise<Uint8Array | undefined> {
    return run(this.#store, 'get', () => this.#store.backend.get(key));
  }
  set(key: string, value: Uint8Array): Promise<void> {
    const copy = value.slice();
    return run(this.#store, 'set', () => this.#store.backend.set(key, copy));
  }
  delete(key: string): Promise<void> {
    return run(this.#store, 'delete', () => this.#store.backend.delete(key));
  }
  exists(key: string): Promise<boolean> {
    return run(this.#store, 'exists', () => this.#store.backend.exists(key));
  }
  listKeys(_cursor: bigint | undefined): Promise<{ keys: string[]; cursor: bigint | undefined }> {
    // Like the upstream providers: every key in one page, no cursor.
    return run(this.#store, 'list-keys', async () => ({ keys: await this.#store.backend.keys(), cursor: undefined }));
  }
}

export function keyvalueImports(open: StoreOpener): Record<string, Record<string, unknown>> {
  return {
    'wasi:keyvalue/store': {
      Bucket,
      async open(identifier: string): Promise<Bucket> {
        try {
          return new Bucket(await open(identifier));
        } catch (err) {
          throw other(err);
        }
      },
    },
    'wasi:keyvalue/atomics': {
      increment(bucket: Bucket, key: string, delta: bigint): Promise<bigint> {
        const store = Bucket.storeOf(bucket);
        return run(store, 'increment', () => store.backend.increment(key, delta));
      },
    },
    'wasi:keyvalue/batch': {
      getMany(bucket: Bucket, keys: string[]): Promise<([string, Uint8Array] | undefined)[]> {
        const store = Bucket.storeOf(bucket);
        return run(store, 'get-many', async () => {
          const values = await store.backend.getMany(keys);
          return values.map((v, i): [string, Uint8Array] | undefined => (v === undefined ? undefined : [keys[i], v]));
        });
      },
      setMany(bucket: Bucket, entries: [string, Uint8Array][]): Promise<void> {
        const store = Bucket.storeOf(bucket);
        const copy = entries.map(([k, v]): [string, Uint8Array] => [k, v.slice()]);
        return run(store, 'set-many', () => store.backend.setMany(copy));
      },
      deleteMany(bucket: Bucket, keys: string[]): Promise<void> {
        const store = Bucket.storeOf(bucket);
        return run(store, 'delete-many', () => store.backend.deleteMany(keys));
      },
    },
  };
}
