/**
 * `wasi:blobstore@0.2.0-draft` types / container / blobstore as host functions. Calls that reach a
 * backend are async (the glue suspends the guest with JSPI), bounded by the link's timeout, and every
 * failure reaches the guest as the interface's error string, never as a trap.
 *
 * Writes: the guest fills an outgoing-value's body stream and passes it to `write-data`; upstream hosts
 * accept body bytes written before or after `write-data` until `finish`. `write-data` stores what the
 * body holds then, and `finish` stores the object again if more bytes arrived after it.
 */
import { InputStream, OutputStream } from '../../runtime/wasi/io.js';
import { bounded } from '../timeout.js';
import type { BlobBackend } from './backend.js';

export interface OpenedBlobstore {
  backend: BlobBackend;
  timeoutMs: number;
  /** For messages: `blobstore link 'files' to fs (blobstore-fs)`. */
  label: string;
}

/** Resolves a container name (also the link name, see link-select.ts) to the blobstore its link selects. */
export type BlobstoreOpener = (container: string) => Promise<OpenedBlobstore>;

function errorString(err: unknown): string {
  if (typeof err === 'string') return err;
  return err instanceof Error ? err.message : String(err);
}

async function run<T>(store: OpenedBlobstore, what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await bounded(work(), store.timeoutMs, `${store.label} (${what})`);
  } catch (err) {
    throw errorString(err);
  }
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw errorString(err);
  }
}

interface WriteTarget {
  store: OpenedBlobstore;
  container: string;
  object: string;
  storedBytes: number;
}

export class OutgoingValue {
  readonly #chunks: Uint8Array[] = [];
  #size = 0;
  #bodyTaken = false;
  #finished = false;
  readonly #targets: WriteTarget[] = [];

  static newOutgoingValue(): OutgoingValue {
    return new OutgoingValue();
  }

  outgoingValueWriteBody(): OutputStream {
    if (this.#bodyTaken) throw undefined; // result<output-stream> has no error payload
    this.#bodyTaken = true;
    return new OutputStream({
      write: (chunk) => {
        this.#chunks.push(chunk.slice());
        this.#size += chunk.length;
      },
      closed: false, // a data property: a getter in an object literal costs a hidden-class transition per stream
    });
  }

  static bytesOf(value: OutgoingValue): Uint8Array {
    const out = new Uint8Array(value.#size);
    let at = 0;
    for (const c of value.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  static async store(value: OutgoingValue, target: Omit<WriteTarget, 'storedBytes'>): Promise<void> {
    if (value.#finished) throw `the outgoing-value was already finished`;
    const data = OutgoingValue.bytesOf(value);
    await run(target.store, 'write-data', () => target.store.backend.put(target.container, target.object, data));
    value.#targets.push({ ...target, storedBytes: data.length });
  }

  static async finish(value: OutgoingValue): Promise<void> {
    if (value.#finished) throw `the outgoing-value was already finished`;
    value.#finished = true;
    const data = OutgoingValue.bytesOf(value);
    for (const t of value.#targets) {
      if (t.storedBytes === data.length) continue;
      await run(t.store, 'finish', () => t.store.backend.put(t.container, t.object, data));
      t.storedBytes = data.length;
    }
  }
}

export class IncomingValue {
  readonly #bytes: Uint8Array;
  #consumed = false;
  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }
  static #take(value: IncomingValue): Uint8Array {
    if (value.#consumed) throw 'the incoming-value was already consumed';
    value.#consumed = true;
    return value.#bytes;
  }
  static incomingValueConsumeSync(value: IncomingValue): Uint8Array {
    return IncomingValue.#take(value);
  }
  static incomingValueConsumeAsync(value: IncomingValue): InputStream {
    return new InputStream([IncomingValue.#take(value)]);
  }
  size(): bigint {
    return BigInt(this.#bytes.length);
  }
}

export class StreamObjectNames {
  readonly #names: string[];
  constructor(names: string[]) {
    this.#names = names;
  }
  readStreamObjectNames(len: bigint): [string[], boolean] {
    const page = this.#names.splice(0, Number(len > BigInt(this.#names.length) ? this.#names.length : len));
    return [page, this.#names.length === 0];
  }
  skipStreamObjectNames(num: bigint): [bigint, boolean] {
    const [skipped, done] = this.readStreamObjectNames(num);
    return [BigInt(skipped.length), done];
  }
}

/** An inclusive byte range [start, end] of `bytes`, clamped to its length. */
export function inclusiveRange(bytes: Uint8Array, start: bigint, end: bigint): Uint8Array {
  if (start > end) throw `start offset ${start} is after end offset ${end}`;
  const size = BigInt(bytes.length);
  if (start >= size) return new Uint8Array(0);
  const last = end >= size ? size - 1n : end;
  return bytes.subarray(Number(start), Number(last) + 1);
}

export class Container {
  readonly #store: OpenedBlobstore;
  readonly #name: string;
  readonly #createdAt: number;
  constructor(store: OpenedBlobstore, name: string, createdAt: number) {
    this.#store = store;
    this.#name = name;
    this.#createdAt = createdAt;
  }
  name(): string {
    return this.#name;
  }
  info(): { name: string; createdAt: bigint } {
    return { name: this.#name, createdAt: BigInt(this.#createdAt) };
  }
  getData(object: string, start: bigint, end: bigint): Promise<IncomingValue> {
    return run(this.#store, 'get-data', async () => {
      const bytes = await this.#store.backend.get(this.#name, object);
      if (bytes === undefined) throw `object '${object}' does not exist in container '${this.#name}'`;
      return new IncomingValue(inclusiveRange(bytes, start, end));
    });
  }
  writeData(object: string, data: OutgoingValue): Promise<void> {
    return guarded(() => OutgoingValue.store(data, { store: this.#store, container: this.#name, object }));
  }
  listObjects(): Promise<StreamObjectNames> {
    return run(
      this.#store,
      'list-objects',
      async () => new StreamObjectNames((await this.#store.backend.list(this.#name)).sort()),
    );
  }
  deleteObject(object: string): Promise<void> {
    return run(this.#store, 'delete-object', () => this.#store.backend.delete(this.#name, object));
  }
  deleteObjects(objects: string[]): Promise<void> {
    return run(this.#store, 'delete-objects', async () => {
      for (const o of objects) await this.#store.backend.delete(this.#name, o);
    });
  }
  hasObject(object: string): Promise<boolean> {
    return run(
      this.#store,
      'has-object',
      async () => (await this.#store.backend.info(this.#name, object)) !== undefined,
    );
  }
  objectInfo(object: string): Promise<{ name: string; container: string; createdAt: bigint; size: bigint }> {
    return run(this.#store, 'object-info', async () => {
      const meta = await this.#store.backend.info(this.#name, object);
      if (!meta) throw `object '${object}' does not exist in container '${this.#name}'`;
      return { name: object, container: this.#name, createdAt: BigInt(meta.createdAt), size: BigInt(meta.size) };
    });
  }
  clear(): Promise<void> {
    return run(this.#store, 'clear', async () => {
      for (const o of await this.#store.backend.list(this.#name)) await this.#store.backend.delete(this.#name, o);
    });
  }
}

interface ObjectId {
  container: string;
  object: string;
}

export function blobstoreImports(open: BlobstoreOpener): Record<string, Record<string, unknown>> {
  const existing = async (container: string): Promise<Container> => {
    const store = await open(container);
    const createdAt = await run(store, 'get-container', () => store.backend.containerCreatedAt(container));
    if (createdAt === undefined) throw `container '${container}' does not exist`;
    return new Container(store, container, createdAt);
  };
  const copy = async (src: ObjectId, dest: ObjectId, move: boolean): Promise<void> => {
    const what = move ? 'move-object' : 'copy-object';
    const [from, to] = await Promise.all([open(src.container), open(dest.container)]);
    const bytes = await run(from, what, () => from.backend.get(src.container, src.object));
    if (bytes === undefined) throw `object '${src.object}' does not exist in container '${src.container}'`;
    await run(to, what, async () => {
      if ((await to.backend.containerCreatedAt(dest.container)) === undefined)
        throw `container '${dest.container}' does not exist`;
      await to.backend.put(dest.container, dest.object, bytes);
    });
    const same = from.backend === to.backend && src.container === dest.container && src.object === dest.object;
    if (move && !same) await run(from, what, () => from.backend.delete(src.container, src.object));
  };
  return {
    'wasi:blobstore/types': { OutgoingValue, IncomingValue },
    'wasi:blobstore/container': { Container, StreamObjectNames },
    'wasi:blobstore/blobstore': {
      createContainer: (name: string): Promise<Container> =>
        guarded(async () => {
          const store = await open(name);
          const createdAt = await run(store, 'create-container', () => store.backend.createContainer(name));
          return new Container(store, name, createdAt);
        }),
      getContainer: (name: string): Promise<Container> => guarded(() => existing(name)),
      deleteContainer: (name: string): Promise<void> =>
        guarded(async () => {
          const store = await open(name);
          await run(store, 'delete-container', () => store.backend.deleteContainer(name));
        }),
      containerExists: (name: string): Promise<boolean> =>
        guarded(async () => {
          const store = await open(name);
          return (await run(store, 'container-exists', () => store.backend.containerCreatedAt(name))) !== undefined;
        }),
      copyObject: (src: ObjectId, dest: ObjectId): Promise<void> => guarded(() => copy(src, dest, false)),
      moveObject: (src: ObjectId, dest: ObjectId): Promise<void> => guarded(() => copy(src, dest, true)),
    },
  };
}
