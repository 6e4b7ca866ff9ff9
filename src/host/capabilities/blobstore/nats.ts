/**
 * NATS JetStream object stores as a blobstore (the `blobstore-nats` provider): one object-store bucket per
 * container, named after the container.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { ObjectStore, Objm } from '@nats-io/obj';
import { seconds, type BlobBackend, type ObjectMeta } from './backend.js';

const BUCKET_NAME = /^[A-Za-z0-9_-]+$/;

function bucketName(container: string): string {
  if (!BUCKET_NAME.test(container)) {
    throw new Error(
      `container name '${container}' is not a valid NATS object store bucket name (letters, digits, '-' and '_' only)`,
    );
  }
  return container;
}

function isMissingBucket(err: unknown): boolean {
  const text = String((err as { message?: string })?.message ?? err);
  return /stream not found|not found|10059/i.test(text);
}

export class NatsBlobstore implements BlobBackend {
  readonly #objm: Promise<Objm>;
  readonly #stores = new Map<string, ObjectStore>();

  constructor(nc: NatsConnection, jsDomain: string | undefined) {
    this.#objm = (async () => {
      const { jetstream } = await import('@nats-io/jetstream');
      const { Objm } = await import('@nats-io/obj');
      return new Objm(jetstream(nc, jsDomain ? { domain: jsDomain } : {}));
    })();
  }

  async #store(container: string): Promise<ObjectStore | undefined> {
    const name = bucketName(container);
    const cached = this.#stores.get(name);
    if (cached) return cached;
    try {
      const store = await (await this.#objm).open(name);
      this.#stores.set(name, store);
      return store;
    } catch (err) {
      if (isMissingBucket(err)) return undefined;
      throw err;
    }
  }

  async #existing(container: string): Promise<ObjectStore> {
    const store = await this.#store(container);
    if (!store) throw new Error(`container '${container}' does not exist`);
    return store;
  }

  async createContainer(container: string): Promise<number> {
    const store = await (await this.#objm).create(bucketName(container));
    this.#stores.set(container, store);
    return createdAt(await store.status());
  }

  async containerCreatedAt(container: string): Promise<number | undefined> {
    const store = await this.#store(container);
    if (!store) return undefined;
    try {
      return createdAt(await store.status());
    } catch (err) {
      this.#stores.delete(container);
      if (isMissingBucket(err)) return undefined;
      throw err;
    }
  }

  async deleteContainer(container: string): Promise<void> {
    const store = await this.#store(container);
    this.#stores.delete(container);
    if (store) await store.destroy();
  }

  async get(container: string, object: string): Promise<Uint8Array | undefined> {
    return (await (await this.#existing(container)).getBlob(object)) ?? undefined;
  }

  async put(container: string, object: string, data: Uint8Array): Promise<void> {
    await (await this.#existing(container)).putBlob({ name: object }, data);
  }

  async list(container: string): Promise<string[]> {
    const infos = await (await this.#existing(container)).list();
    return infos.filter((i) => !i.deleted).map((i) => i.name);
  }

  async delete(container: string, object: string): Promise<void> {
    const store = await this.#existing(container);
    const info = await store.info(object);
    if (info && !info.deleted) await store.delete(object);
  }

  async info(container: string, object: string): Promise<ObjectMeta | undefined> {
    const info = await (await this.#existing(container)).info(object);
    if (!info || info.deleted) return undefined;
    return { size: info.size, createdAt: seconds(Date.parse(info.mtime)) };
  }
}

function createdAt(status: { streamInfo: { created: string } }): number {
  return seconds(Date.parse(status.streamInfo.created));
}
