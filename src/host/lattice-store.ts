import type { NatsConnection } from '@nats-io/transport-node';
import type { KV, KvEntry } from '@nats-io/kv';
import { UserError } from '../errors.js';
import type { ComponentSpec, ConfigMap, DeleteLinkRequest, Link } from '../lattice/types.js';
import {
  CLAIMS_KEY_PREFIX,
  COMPONENT_KEY_PREFIX,
  LatticeCache,
  type KvOperation,
  type StateChange,
} from './lattice-cache.js';
import { removeLink, upsertLink, type LinkUpsert } from './links.js';
import type { HostLogger } from './log.js';

export const latticeBucket = (lattice: string) => `LATTICEDATA_${lattice}`;
export const configBucket = (lattice: string) => `CONFIGDATA_${lattice}`;

export interface LatticeStoreOptions {
  lattice: string;
  jsDomain?: string;
  /** JetStream replicas of buckets this host creates (default 1; existing buckets are used as they are). */
  replicas?: number;
  log: HostLogger;
  /** Called for every change, including the silent replay at start-up (`replaying` true then). */
  onChange?: (change: StateChange, replaying: boolean) => void;
  /** Upper bound on waiting for the initial replay. */
  replayTimeoutMs?: number;
}

const encoder = new TextEncoder();
const MAX_WRITE_ATTEMPTS = 8;

interface Watch {
  stop(): void;
}

/**
 * Lattice-wide state in JetStream KV (`LATTICEDATA_{lattice}`: component specs with their links, claims;
 * `CONFIGDATA_{lattice}`: named config). Buckets are created when missing, replayed into a `LatticeCache`
 * before the host announces itself, then watched so every host of the lattice converges on the same links
 * and config. Writes use compare-and-set on the key's revision so two hosts editing one spec don't lose links.
 */
export class LatticeStore {
  readonly cache = new LatticeCache();
  private watches: Watch[] = [];
  private replaying = true;

  private constructor(
    private readonly latticeKv: KV,
    private readonly configKv: KV,
    private readonly opts: LatticeStoreOptions,
  ) {}

  static async open(nc: NatsConnection, opts: LatticeStoreOptions): Promise<LatticeStore> {
    const { jetstream } = await import('@nats-io/jetstream');
    const { Kvm } = await import('@nats-io/kv');
    const kvm = new Kvm(jetstream(nc, opts.jsDomain ? { domain: opts.jsDomain } : {}));
    const openBucket = async (name: string): Promise<KV> => {
      try {
        return await kvm.create(name, { history: 1, replicas: opts.replicas ?? 1 });
      } catch (createErr) {
        // Another host (or wadm) may have created it with other settings: use it as it is.
        try {
          const kv = await kvm.open(name);
          await kv.status(); // open() does not check that the bucket (or JetStream) exists
          return kv;
        } catch {
          throw new UserError(
            `cannot create or open the JetStream KV bucket ${name}${opts.jsDomain ? ` in JetStream domain ${opts.jsDomain}` : ''}`,
            {
              cause: createErr,
              suggestion:
                'the host keeps lattice state in JetStream: run nats-server with -js (wash up does), and check --js-domain',
            },
          );
        }
      }
    };
    const store = new LatticeStore(
      await openBucket(latticeBucket(opts.lattice)),
      await openBucket(configBucket(opts.lattice)),
      opts,
    );
    await store.startWatching();
    return store;
  }

  private emit(change: StateChange | undefined): void {
    if (!change) return;
    try {
      this.opts.onChange?.(change, this.replaying);
    } catch (err) {
      this.opts.log.error('lattice state listener failed', { error: String(err) });
    }
  }

  private applyLattice(e: Pick<KvEntry, 'key' | 'operation' | 'value' | 'revision'>): void {
    this.emit(this.cache.applyLattice(e.key, e.operation as KvOperation, e.value, e.revision));
  }

  private applyConfig(e: Pick<KvEntry, 'key' | 'operation' | 'value' | 'revision'>): void {
    this.emit(this.cache.applyConfig(e.key, e.operation as KvOperation, e.value, e.revision));
  }

  private async startWatching(): Promise<void> {
    const timeoutMs = this.opts.replayTimeoutMs ?? 10_000;
    const replays = [
      this.watchBucket(this.latticeKv, (e) => this.applyLattice(e)),
      this.watchBucket(this.configKv, (e) => this.applyConfig(e)),
    ];
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.opts.log.warn(
          `lattice state replay did not finish within ${timeoutMs} ms; continuing with what was received`,
        );
        resolve();
      }, timeoutMs);
    });
    try {
      await Promise.race([Promise.all(replays), timeout]);
    } finally {
      clearTimeout(timer);
      this.replaying = false;
    }
  }

  /** Starts a watch with every key's last value; resolves once the values present at start were applied. */
  private async watchBucket(kv: KV, apply: (e: KvEntry) => void): Promise<void> {
    const status = await kv.status();
    const lastSeq = status.streamInfo.state.last_seq;
    const iter = await kv.watch({ include: '' });
    this.watches.push({ stop: () => iter.stop() });
    let markReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    if (lastSeq === 0) markReady();
    void (async () => {
      try {
        for await (const e of iter) {
          apply(e);
          if (e.revision >= lastSeq) markReady();
        }
      } catch (err) {
        this.opts.log.error(`watch of KV bucket ${status.bucket} ended`, { error: String(err) });
      } finally {
        markReady();
      }
    })();
    return ready;
  }

  // -------------------------------------------------------------------------------------------------------
  // Reads straight from KV (for ctl answers that must reflect writes made through other hosts)

  private static specFrom(e: KvEntry | null): ComponentSpec | undefined {
    if (e?.operation !== 'PUT') return undefined;
    try {
      const raw = e.json<ComponentSpec>();
      return { url: raw.url ?? '', links: Array.isArray(raw.links) ? raw.links : [] };
    } catch {
      return undefined;
    }
  }

  async readLinks(): Promise<Link[]> {
    const keys: string[] = [];
    for await (const k of await this.latticeKv.keys()) if (k.startsWith(COMPONENT_KEY_PREFIX)) keys.push(k);
    const links: Link[] = [];
    for (const key of keys.sort()) {
      const entry = await this.latticeKv.get(key);
      if (entry) this.applyLattice(entry);
      links.push(...(LatticeStore.specFrom(entry)?.links ?? []));
    }
    return links;
  }

  async readConfig(name: string): Promise<ConfigMap | undefined> {
    const entry = await this.configKv.get(name);
    if (entry) this.applyConfig(entry);
    return this.cache.config(name);
  }

  /** Names among `names` with no config stored. */
  async missingConfigs(names: readonly string[]): Promise<string[]> {
    const missing: string[] = [];
    for (const name of new Set(names)) if ((await this.readConfig(name)) === undefined) missing.push(name);
    return missing;
  }

  // -------------------------------------------------------------------------------------------------------
  // Writes

  /**
   * Read-modify-write of `COMPONENT_{id}` with compare-and-set; `change` returns the new spec, or undefined to
   * leave the key alone. Retries when another writer got in between.
   */
  private async modifySpec(
    id: string,
    change: (current: ComponentSpec | undefined) => ComponentSpec | undefined,
  ): Promise<void> {
    const key = `${COMPONENT_KEY_PREFIX}${id}`;
    let lastErr: unknown;
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const entry = await this.latticeKv.get(key);
      const current = LatticeStore.specFrom(entry);
      const next = change(current);
      if (next === undefined) return;
      const bytes = encoder.encode(JSON.stringify(next));
      try {
        const revision =
          entry && entry.operation === 'PUT'
            ? await this.latticeKv.update(key, bytes, entry.revision)
            : await this.latticeKv.create(key, bytes);
        this.applyLattice({ key, operation: 'PUT', value: bytes, revision });
        return;
      } catch (err) {
        lastErr = err;
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
      }
    }
    throw new Error(`could not write ${key} to ${latticeBucket(this.opts.lattice)}`, { cause: lastErr });
  }

  /** Stores a link under its source's spec (v1 put rules, see `upsertLink`). */
  async putLink(link: Link): Promise<LinkUpsert> {
    let outcome: LinkUpsert = { ok: true, links: [] };
    await this.modifySpec(link.source_id, (current) => {
      outcome = upsertLink(current?.links ?? [], link);
      return outcome.ok ? { url: current?.url ?? '', links: outcome.links } : undefined;
    });
    return outcome;
  }

  /** Removes a link; returns it when it existed. Idempotent. */
  async deleteLink(id: DeleteLinkRequest): Promise<Link | undefined> {
    let removed: Link | undefined;
    await this.modifySpec(id.source_id, (current) => {
      if (!current) return undefined;
      const result = removeLink(current.links, id);
      removed = result.removed;
      return result.removed ? { url: current.url, links: result.links } : undefined;
    });
    return removed;
  }

  /** Makes sure `COMPONENT_{id}` exists and records `url`; links are kept. */
  async ensureSpec(id: string, url: string): Promise<void> {
    await this.modifySpec(id, (current) =>
      current && current.url === url ? undefined : { url, links: current?.links ?? [] },
    );
  }

  /** Stores `CLAIMS_{subject}` (listed by `claims.get`), e.g. the claims of a provider archive. */
  async putClaims(subject: string, record: Record<string, string | string[]>): Promise<void> {
    const key = `${CLAIMS_KEY_PREFIX}${subject}`;
    const bytes = encoder.encode(JSON.stringify(record));
    const revision = await this.latticeKv.put(key, bytes);
    this.applyLattice({ key, operation: 'PUT', value: bytes, revision });
  }

  async putConfig(name: string, config: ConfigMap): Promise<void> {
    const bytes = encoder.encode(JSON.stringify(config));
    const revision = await this.configKv.put(name, bytes);
    this.applyConfig({ key: name, operation: 'PUT', value: bytes, revision });
  }

  async deleteConfig(name: string): Promise<void> {
    await this.configKv.delete(name);
    const marker = await this.configKv.get(name);
    this.applyConfig(marker ?? { key: name, operation: 'DEL', value: new Uint8Array(), revision: 0 });
  }

  close(): void {
    for (const w of this.watches) {
      try {
        w.stop();
      } catch {
        /* already stopped */
      }
    }
    this.watches = [];
  }
}
