/**
 * The import-resolution seam between a component's imports and what serves them.
 *
 * `BuiltinCapabilities.resolver(componentId)` is the runtime's `Capabilities.imports` for one component:
 * a standard interface (wasi:keyvalue store/atomics/batch, wasi:http/outgoing-handler, wasmcloud:messaging
 * consumer, wasi:blobstore blobstore/container/types) resolves to the
 * built-in capability, which picks the component's link for each call (named links, see link-select.ts)
 * and the backend that link's target provider and config name. Any other interface goes to `fallback`
 * (the place for a wRPC client to remote providers/components) and, when that has nothing either, to the
 * runtime's stand-in that traps when called.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import type { Redis } from 'ioredis';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Link, StringMap } from '../../lattice/types.js';
import { errorText } from '../error-text.js';
import type { HostLogger } from '../log.js';
import type { ImportResolver } from '../runtime/types.js';
import { outgoingHandler } from '../runtime/wasi/http.js';
import { ALLOWED_HOSTS_KEY, parseAllowedHosts, sendHttp } from './http-client.js';
import type { BlobBackend } from './blobstore/backend.js';
import { blobstoreImports, type OpenedBlobstore } from './blobstore/interface.js';
import type { BuiltinKind } from './kinds.js';
import type { KeyValueBackend } from './keyvalue/backend.js';
import { keyvalueImports, type OpenedStore } from './keyvalue/interface.js';
import { MemoryKeyValue } from './keyvalue/memory.js';
import { linksFor, selectLink } from './link-select.js';
import { consumerImports } from './messaging.js';
import { bounded } from './timeout.js';

/** Link config key bounding each call through the link (default: the host's RPC timeout). */
export const TIMEOUT_KEY = 'timeout_ms';

export interface CapabilityDeps {
  /** The host's own NATS connection: keyvalue-nats links without `cluster_uri` use it. */
  nats: () => NatsConnection;
  jsDomain?: string;
  /** The component's links (it is their source), read on every call so link changes apply at once. */
  linksFrom: (componentId: string) => Link[];
  /** Which built-in capability a link target (a provider id) is, if any. */
  targetKind: (targetId: string) => BuiltinKind | undefined;
  config: (names: readonly string[]) => StringMap;
  defaultTimeoutMs: number;
  log: HostLogger;
  /** Interfaces no built-in capability serves (e.g. a wRPC client); undefined leaves the stand-in. */
  fallback?: (componentId: string, iface: string) => Record<string, unknown> | undefined;
}

function unversioned(name: string): string {
  const at = name.indexOf('@');
  return at === -1 ? name : name.slice(0, at);
}

function timeoutOf(config: StringMap, fallback: number): number {
  const n = Number(config[TIMEOUT_KEY]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** The `URL` key of keyvalue-redis link config, matched without regard to case as upstream does. */
function redisUrl(config: StringMap): string | undefined {
  const key = Object.keys(config).find((k) => k.toLowerCase() === 'url');
  return key === undefined ? undefined : config[key];
}

const KEYVALUE_INTERFACES = new Set(['wasi:keyvalue/store', 'wasi:keyvalue/atomics', 'wasi:keyvalue/batch']);
const BLOBSTORE_INTERFACES = new Set(['wasi:blobstore/blobstore', 'wasi:blobstore/container', 'wasi:blobstore/types']);

/** The blobstore-fs `ROOT` link config key (any case, as upstream); upstream's default is a per-component temp dir. */
function blobstoreRoot(config: StringMap, componentId: string): string {
  const key = Object.keys(config).find((k) => k.toLowerCase() === 'root');
  const root = key === undefined ? '' : config[key].trim();
  return resolve(root === '' ? join(tmpdir(), componentId) : root);
}

export class BuiltinCapabilities {
  readonly #deps: CapabilityDeps;
  readonly #memory = new Map<string, MemoryKeyValue>();
  readonly #natsBuckets = new Map<string, Promise<KV>>();
  readonly #natsConnections = new Map<string, Promise<NatsConnection>>();
  readonly #redis = new Map<string, Promise<Redis>>();
  readonly #blobstores = new Map<string, Promise<BlobBackend>>();
  #closed = false;

  constructor(deps: CapabilityDeps) {
    this.#deps = deps;
  }

  /** The runtime's import resolver for one component. */
  resolver(componentId: string): ImportResolver {
    let keyvalue: Record<string, Record<string, unknown>> | undefined;
    let blobstore: Record<string, Record<string, unknown>> | undefined;
    return (iface) => {
      const name = unversioned(iface);
      if (KEYVALUE_INTERFACES.has(name)) {
        keyvalue ??= keyvalueImports((identifier) => this.#openStore(componentId, identifier));
        return keyvalue[name];
      }
      if (BLOBSTORE_INTERFACES.has(name)) {
        blobstore ??= blobstoreImports((container) => this.#openBlobstore(componentId, container));
        return blobstore[name];
      }
      if (name === 'wasi:http/outgoing-handler') return this.#outgoingHandler(componentId);
      if (name === 'wasmcloud:messaging/consumer') return consumerImports(() => this.#messagingConnection(componentId));
      return this.#deps.fallback?.(componentId, iface);
    };
  }

  #outgoingHandler(componentId: string): Record<string, unknown> {
    return outgoingHandler(async (request) => {
      const links = linksFor(this.#deps.linksFrom(componentId), 'wasi', 'http').filter((l) =>
        l.interfaces.includes('outgoing-handler'),
      );
      const link = links.find((l) => l.name === 'default') ?? links[0];
      if (!link)
        throw {
          tag: 'internal-error',
          val: `component ${componentId} has no wasi:http/outgoing-handler link (link it to an http-client provider)`,
        };
      const kind = this.#deps.targetKind(link.target);
      if (kind !== 'http-client')
        throw {
          tag: 'internal-error',
          val: `the outgoing-handler link of ${componentId} targets ${link.target}, which is not a built-in http-client provider`,
        };
      const config = this.#deps.config(link.target_config);
      return sendHttp(request, {
        allowed: parseAllowedHosts(config[ALLOWED_HOSTS_KEY]),
        timeoutMs: timeoutOf(config, this.#deps.defaultTimeoutMs),
      });
    }, `wasi:http/outgoing-handler is not linked for component ${componentId}`);
  }

  async #messagingConnection(componentId: string): Promise<{ nc: NatsConnection; timeoutMs: number }> {
    const links = linksFor(this.#deps.linksFrom(componentId), 'wasmcloud', 'messaging').filter((l) =>
      l.interfaces.includes('consumer'),
    );
    const link = links.find((l) => l.name === 'default') ?? links[0];
    if (!link)
      throw new Error(
        `component ${componentId} has no wasmcloud:messaging consumer link (link it to a messaging-nats provider)`,
      );
    if (this.#deps.targetKind(link.target) !== 'messaging-nats')
      throw new Error(
        `the messaging link of ${componentId} targets ${link.target}, which is not a built-in messaging-nats provider`,
      );
    const config = this.#deps.config(link.target_config);
    const timeoutMs = timeoutOf(config, this.#deps.defaultTimeoutMs);
    const uri = config.cluster_uris?.split(',')[0]?.trim();
    const nc = uri ? await bounded(this.#natsConnection(uri), timeoutMs, `NATS at ${uri}`) : this.#deps.nats();
    return { nc, timeoutMs };
  }

  async #openStore(componentId: string, identifier: string): Promise<OpenedStore> {
    const choice = selectLink(this.#deps.linksFrom(componentId), 'wasi', 'keyvalue', identifier);
    if (!choice.ok) throw { tag: 'other', val: choice.error };
    const link = choice.link;
    const kind = this.#deps.targetKind(link.target);
    const config = this.#deps.config(link.target_config);
    const timeoutMs = timeoutOf(config, this.#deps.defaultTimeoutMs);
    const label = `keyvalue link '${link.name}' to ${link.target}${kind ? ` (${kind})` : ''}`;
    const backend = await bounded(this.#backend(kind, link, config, timeoutMs), timeoutMs, `${label} (open)`);
    return { backend, timeoutMs, label };
  }

  async #backend(
    kind: BuiltinKind | undefined,
    link: Link,
    config: StringMap,
    timeoutMs: number,
  ): Promise<KeyValueBackend> {
    if (this.#closed) throw new Error('the host is stopping');
    switch (kind) {
      case 'keyvalue-inmemory': {
        const key = `${link.target}/${config.bucket ?? 'default'}`;
        let store = this.#memory.get(key);
        if (!store) this.#memory.set(key, (store = new MemoryKeyValue()));
        return store;
      }
      case 'keyvalue-nats': {
        const bucket = config.bucket;
        if (!bucket)
          throw new Error(`${link.target}: the link's target config has no 'bucket' (the NATS KV bucket to use)`);
        const { NatsKeyValue } = await import('./keyvalue/nats.js');
        return new NatsKeyValue(await this.#natsBucket(bucket, config));
      }
      case 'keyvalue-redis': {
        const { RedisKeyValue, DEFAULT_REDIS_URL } = await import('./keyvalue/redis.js');
        return new RedisKeyValue(await this.#redisClient(redisUrl(config) ?? DEFAULT_REDIS_URL, timeoutMs));
      }
      default:
        throw new Error(
          `link target ${link.target} is not a built-in keyvalue provider (keyvalue-nats, keyvalue-redis or keyvalue-inmemory)`,
        );
    }
  }

  /** The blobstore a container name selects: its link of that name, else the `default` link. */
  async #openBlobstore(componentId: string, container: string): Promise<OpenedBlobstore> {
    const choice = selectLink(this.#deps.linksFrom(componentId), 'wasi', 'blobstore', container);
    if (!choice.ok) throw choice.error;
    const link = choice.link;
    const kind = this.#deps.targetKind(link.target);
    const config = this.#deps.config(link.target_config);
    const timeoutMs = timeoutOf(config, this.#deps.defaultTimeoutMs);
    const label = `blobstore link '${link.name}' to ${link.target}${kind ? ` (${kind})` : ''}`;
    const backend = await bounded(this.#blobBackend(kind, componentId, link, config), timeoutMs, `${label} (open)`);
    return { backend, timeoutMs, label };
  }

  #blobBackend(
    kind: BuiltinKind | undefined,
    componentId: string,
    link: Link,
    config: StringMap,
  ): Promise<BlobBackend> {
    if (this.#closed) return Promise.reject(new Error('the host is stopping'));
    let key: string;
    let make: () => Promise<BlobBackend>;
    if (kind === 'blobstore-fs') {
      const root = blobstoreRoot(config, componentId);
      key = JSON.stringify(['fs', root]);
      make = async () => new (await import('./blobstore/fs.js')).FsBlobstore(root);
    } else if (kind === 'blobstore-nats') {
      const uri = config.cluster_uri?.trim() || undefined;
      const jsDomain = config.js_domain ?? (uri ? undefined : this.#deps.jsDomain);
      key = JSON.stringify(['nats', uri ?? '', jsDomain ?? '']);
      make = async () => {
        const nc = uri ? await this.#natsConnection(uri) : this.#deps.nats();
        return new (await import('./blobstore/nats.js')).NatsBlobstore(nc, jsDomain);
      };
    } else {
      return Promise.reject(
        new Error(`link target ${link.target} is not a built-in blobstore provider (blobstore-fs or blobstore-nats)`),
      );
    }
    let opening = this.#blobstores.get(key);
    if (!opening) {
      opening = make();
      this.#blobstores.set(key, opening);
      opening.catch(() => this.#blobstores.delete(key));
    }
    return opening;
  }

  #natsBucket(bucket: string, config: StringMap): Promise<KV> {
    const uri = config.cluster_uri;
    const jsDomain = config.js_domain ?? (uri ? undefined : this.#deps.jsDomain);
    const autoCreate = (config.enable_bucket_auto_create ?? '').toLowerCase() === 'true';
    const key = JSON.stringify([uri ?? '', jsDomain ?? '', bucket]);
    let opening = this.#natsBuckets.get(key);
    if (!opening) {
      opening = (async () => {
        const { openNatsBucket } = await import('./keyvalue/nats.js');
        const nc = uri ? await this.#natsConnection(uri) : this.#deps.nats();
        return openNatsBucket(nc, { bucket, jsDomain, autoCreate });
      })();
      this.#natsBuckets.set(key, opening);
      opening.catch(() => this.#natsBuckets.delete(key));
    }
    return opening;
  }

  #natsConnection(uri: string): Promise<NatsConnection> {
    let connecting = this.#natsConnections.get(uri);
    if (!connecting) {
      connecting = import('../../lattice/connect.js').then(({ natsConnect }) =>
        natsConnect(uri, {}, { name: 'wash host keyvalue-nats', maxReconnectAttempts: -1 }),
      );
      this.#natsConnections.set(uri, connecting);
      connecting.catch(() => this.#natsConnections.delete(uri));
    }
    return connecting;
  }

  #redisClient(url: string, timeoutMs: number): Promise<Redis> {
    let client = this.#redis.get(url);
    if (!client) {
      client = import('./keyvalue/redis.js').then(({ connectRedis }) =>
        connectRedis(url, timeoutMs, (err) =>
          this.#deps.log.debug(`keyvalue-redis: ${redactUrl(url)}: ${errorText(err)}`),
        ),
      );
      this.#redis.set(url, client);
      client.catch(() => this.#redis.delete(url));
    }
    return client;
  }

  /** Closes every backend connection this host opened (not the host's own NATS connection). */
  async close(): Promise<void> {
    this.#closed = true;
    const redis = [...this.#redis.values()];
    const nats = [...this.#natsConnections.values()];
    this.#redis.clear();
    this.#natsConnections.clear();
    this.#natsBuckets.clear();
    this.#blobstores.clear();
    await Promise.all([
      ...redis.map((p) =>
        p.then(
          (c) => c.disconnect(),
          () => undefined,
        ),
      ),
      ...nats.map((p) =>
        p.then(
          (c) => c.close(),
          () => undefined,
        ),
      ),
    ]);
  }
}

/** A Redis URL without its password, for logs. */
function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
