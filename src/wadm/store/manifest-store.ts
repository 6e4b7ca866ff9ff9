/**
 * The manifest store: versioned app records in the JetStream KV bucket `wadm_manifests` (wadm.md §3.1), shared by
 * the API server (writes) and the engine (reads, watch).
 *
 * Every write is compare-and-set on the KV revision (`create` for new keys, `update`/`purge` with the expected
 * revision otherwise) and is retried from a fresh read on conflict, so concurrent put/delete/deploy from any
 * number of servers never lose or resurrect data: each operation takes effect atomically at its successful
 * write. The lattice index (`{lattice}` → sorted names) is re-derived after every record change by
 * `syncIndex`, which always writes with CAS; the last successful index write therefore saw the final record.
 */
import type { JetStreamClient } from '@nats-io/jetstream';
import type { KV, KvEntry } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { ulid } from '../../lattice/ulid.js';
import type { DeployRecord, RecordOwner, StoredApp, StoredVersion, WadmManifest } from '../types.js';
import { MANIFEST_BUCKET } from '../types.js';
import { readLastPerSubject } from './last-per-subject.js';
import { isMissingStreamError } from './stream-guard.js';
import { idCollision, missingSharedComponents, sharedMissingMessage } from './guards.js';
import { LATEST_VERSION, manifestVersionOf, withVersion } from './manifest-info.js';
import { decodeAppRecord, decodeIndex, encodeAppRecord, encodeIndex, RecordFormatError } from './record.js';

export interface ManifestStoreOptions {
  lattice: string;
  jsDomain?: string;
  /** Bucket name; `wadm_manifests` unless wadm was told otherwise. */
  bucket?: string;
  /** JetStream replicas when the bucket is created here (default 1). */
  replicas?: number;
  /** Give up retrying a conflicted write after this long (default 15 s). */
  retryBudgetMs?: number;
  /**
   * Keeps the bucket's stream in place: operations wait for a recreation under way (the stream was just
   * deleted), and one that fails because the stream is gone recreates it and runs once more.
   */
  bucketGuard?: { recreate(): Promise<void>; settled(): Promise<void> };
  /** With it, `list` reads many records in one pass over the bucket's stream instead of one get per app. */
  js?: JetStreamClient;
}

/** From this many apps on, `list` reads the bucket's stream in one pass (below, a get per app is cheaper). */
const BULK_LIST_MIN = 32;

/** A write that kept conflicting (or a KV failure): the API reports it as a storage error. */
export class StoreError extends Error {
  override name = 'StoreError';
}

export type PutOutcome =
  | {
      ok: true;
      created: boolean;
      name: string;
      version: string;
      previousVersion: string;
      totalVersions: number;
      missingShared: string[];
    }
  | { ok: false; message: string };

export type DeployOutcome =
  | { kind: 'deployed'; name: string; version: string; manifest: WadmManifest }
  | { kind: 'notfound'; name: string }
  /** The app exists but has no such version. */
  | { kind: 'noversion'; name: string; version: string }
  /** A deploy guard refused (id collision, unresolved shared reference). */
  | { kind: 'rejected'; name: string; message: string };

export type UndeployOutcome = { kind: 'undeployed' | 'already'; name: string } | { kind: 'notfound'; name: string };

export type DeleteOutcome =
  /** `whole`: the app record is gone; `undeploy`: the app no longer has the version that was deployed. */
  | { kind: 'deleted'; name: string; version?: string; whole: boolean; undeploy: boolean }
  /** `whole`: the app did not exist at all. */
  | { kind: 'noop'; name: string; version?: string; whole: boolean };

export interface StoreChange {
  name: string;
  /** null when the app was deleted. */
  app: StoredApp | null;
}

export interface ManifestStore {
  readonly lattice: string;
  get(name: string): Promise<StoredApp | null>;
  /** Apps of the lattice sorted by name (from the lattice index). */
  list(): Promise<StoredApp[]>;
  put(manifest: WadmManifest): Promise<PutOutcome>;
  /** `version` undefined/null/`latest` deploys the current (last inserted) version. */
  deploy(name: string, version?: string | null): Promise<DeployOutcome>;
  undeploy(name: string): Promise<UndeployOutcome>;
  delete(name: string, version?: string | null): Promise<DeleteOutcome>;
  /** Calls `onChange` for every change of an app record of this lattice (and once per app at start unless `updatesOnly`). */
  watch(onChange: (change: StoreChange) => void, opts?: { updatesOnly?: boolean }): Promise<{ stop(): void }>;
}

/** Opens (creating if missing) the manifest bucket: history 1, file storage, as wadm does. */
export async function openManifestBucket(
  nc: NatsConnection,
  opts: { jsDomain?: string; bucket?: string; replicas?: number } = {},
): Promise<KV> {
  const { jetstream } = await import('@nats-io/jetstream');
  const { Kvm } = await import('@nats-io/kv');
  const kvm = new Kvm(jetstream(nc, opts.jsDomain ? { domain: opts.jsDomain } : {}));
  const bucket = opts.bucket ?? MANIFEST_BUCKET;
  try {
    return await kvm.create(bucket, { history: 1, replicas: opts.replicas ?? 1 });
  } catch (err) {
    // Another process created it at the same moment with a slightly different config: use theirs.
    try {
      return await kvm.open(bucket);
    } catch {
      throw err;
    }
  }
}

export async function openManifestStore(nc: NatsConnection, opts: ManifestStoreOptions): Promise<ManifestStore> {
  const kv = await openManifestBucket(nc, opts);
  const { jetstream } = await import('@nats-io/jetstream');
  return manifestStoreOn(kv, { js: jetstream(nc, opts.jsDomain ? { domain: opts.jsDomain } : {}), ...opts });
}

export function isCasConflict(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 10071 || code === 10164) return true;
  return err instanceof Error && /wrong last sequence/i.test(err.message);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const RETRY = Symbol('retry');
type Attempt<T> = T | typeof RETRY;

/** Runs `attempt` until it returns a value; a CAS conflict (thrown or signalled with RETRY) retries with jitter. */
async function withRetry<T>(what: string, budgetMs: number, attempt: () => Promise<Attempt<T>>): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let n = 0; ; n++) {
    try {
      const out = await attempt();
      if (out !== RETRY) return out;
    } catch (err) {
      if (!isCasConflict(err)) {
        if (err instanceof StoreError) throw err;
        throw new StoreError(`${what}: ${(err as Error).message}`, { cause: err });
      }
    }
    if (Date.now() > deadline)
      throw new StoreError(`${what}: still conflicting with concurrent writes after ${budgetMs} ms`);
    await sleep(Math.random() * Math.min(50, 2 + n * 2));
  }
}

function isLive(entry: KvEntry | null): entry is KvEntry {
  return entry !== null && entry.operation === 'PUT';
}

/** The store of one lattice on an opened bucket (several lattices can share one bucket handle). */
export function manifestStoreOn(kv: KV, opts: ManifestStoreOptions): ManifestStore {
  const lattice = opts.lattice;
  const budget = opts.retryBudgetMs ?? 15_000;
  const appKey = (name: string) => `${lattice}-${name}`;
  const indexKey = lattice;

  /** The record under `name`'s key, whoever it belongs to (see `ownerOf`). */
  async function readKey(name: string): Promise<StoredApp | null> {
    const entry = await kv.get(appKey(name));
    if (!isLive(entry)) return null;
    return decodeAppRecord(name, entry.string(), entry.revision);
  }

  /**
   * Who a record under our key belongs to. Records we wrote say so; one Rust wadm wrote does not, so the lattice
   * indexes decide: ours when our index lists the name, another (lattice, name) split of the key when that
   * lattice's index lists it, ours otherwise.
   */
  async function ownerOf(name: string, app: StoredApp): Promise<RecordOwner> {
    if (app.owner) return app.owner;
    if ((await indexNames()).includes(name)) return { lattice, name };
    const key = appKey(name);
    for (let i = key.indexOf('-'); i > 0; i = key.indexOf('-', i + 1)) {
      const other = { lattice: key.slice(0, i), name: key.slice(i + 1) };
      if (other.lattice === lattice || other.name === '') continue;
      const entry = await kv.get(other.lattice).catch(() => null);
      if (isLive(entry) && decodeIndex(entry.string()).includes(other.name)) return other;
    }
    return { lattice, name };
  }

  const isOurs = (name: string, owner: RecordOwner) => owner.lattice === lattice && owner.name === name;

  /** `name`'s record in this lattice; null when absent or when its key holds another lattice's app. */
  async function read(name: string): Promise<StoredApp | null> {
    const app = await readKey(name);
    if (app === null || !isOurs(name, await ownerOf(name, app))) return null;
    return app;
  }

  /** Like `read`, but says whose record blocks the key. */
  async function readForWrite(name: string): Promise<{ app: StoredApp | null; foreign?: RecordOwner }> {
    const app = await readKey(name);
    if (app === null) return { app: null };
    const owner = await ownerOf(name, app);
    return isOurs(name, owner) ? { app } : { app: null, foreign: owner };
  }

  const collisionMessage = (name: string, owner: RecordOwner) =>
    `app name '${name}' cannot be stored in lattice '${lattice}': its storage key '${appKey(name)}' already holds app ` +
    `'${owner.name}' of lattice '${owner.lattice}' (wadm keys are {lattice}-{name}); choose another app name`;

  async function write(
    name: string,
    app: StoredApp | null,
    next: Pick<StoredApp, 'versions' | 'deployed_version' | 'deploy_history'>,
  ): Promise<void> {
    const text = encodeAppRecord(next, { lattice, name });
    if (app === null) await kv.create(appKey(name), text);
    else await kv.update(appKey(name), text, app.revision);
  }

  /** Makes the index say whether `name`'s record exists, writing with CAS every time (see the file comment). */
  async function syncIndex(name: string): Promise<void> {
    await withRetry(`updating the lattice index of ${lattice}`, budget, async () => {
      const entry = await kv.get(indexKey);
      const names = new Set(isLive(entry) ? decodeIndex(entry.string()) : []);
      const exists = (await read(name)) !== null;
      if (exists) names.add(name);
      else names.delete(name);
      if (entry === null || !isLive(entry)) await kv.create(indexKey, encodeIndex(names));
      else await kv.update(indexKey, encodeIndex(names), entry.revision);
      return true;
    });
  }

  async function indexNames(): Promise<string[]> {
    const entry = await kv.get(indexKey);
    return isLive(entry) ? decodeIndex(entry.string()) : [];
  }

  /** The live records of `names` (listed in our index) in one pass over the bucket's stream. */
  async function readListed(js: JetStreamClient, names: readonly string[]): Promise<StoredApp[]> {
    const bucket = opts.bucket ?? MANIFEST_BUCKET;
    const prefix = `$KV.${bucket}.`;
    const wanted = new Map(names.map((n) => [appKey(n), n] as const));
    const found = new Map<string, StoredApp>();
    await readLastPerSubject(js, `KV_${bucket}`, `${prefix}>`, (m) => {
      const name = wanted.get(m.subject.slice(prefix.length));
      const op = m.headers?.get('KV-Operation');
      if (name === undefined || op === 'DEL' || op === 'PURGE') return;
      try {
        const app = decodeAppRecord(name, m.string(), m.seq);
        if (!app.owner || isOurs(name, app.owner)) found.set(name, app);
      } catch (err) {
        if (!(err instanceof RecordFormatError)) throw err;
      }
    });
    return names.flatMap((n) => found.get(n) ?? []);
  }

  async function list(): Promise<StoredApp[]> {
    const names = await indexNames();
    if (opts.js && names.length >= BULK_LIST_MIN) return readListed(opts.js, names);
    // Listed in our index, so a record without an owner is ours; one naming another owner is not.
    const apps = await Promise.all(
      names.map((n) =>
        readKey(n).then(
          (a) => (a?.owner && !isOurs(n, a.owner) ? null : a),
          (err) => {
            if (err instanceof RecordFormatError) return null;
            throw err;
          },
        ),
      ),
    );
    return apps.filter((a): a is StoredApp => a !== null);
  }

  const store: ManifestStore = {
    lattice,
    get: read,
    list,

    async put(manifest) {
      const name = String(manifest.metadata?.name ?? '').trim();
      const version = manifestVersionOf(manifest) ?? ulid();
      if (version === LATEST_VERSION)
        return { ok: false, message: `invalid manifest version, errors: "latest is not allowed in wadm"` };
      const stored = withVersion({ ...manifest, metadata: { ...manifest.metadata, name } }, version);
      const outcome = await withRetry<PutOutcome>(`storing ${name}`, budget, async () => {
        const { app, foreign } = await readForWrite(name);
        if (foreign) return { ok: false, message: collisionMessage(name, foreign) };
        const versions: StoredVersion[] = app?.versions ?? [];
        if (versions.some((v) => v.version === version))
          return { ok: false, message: `Manifest version ${version} already exists` };
        const next = {
          versions: [...versions, { version, manifest: stored }],
          deployed_version: app?.deployed_version ?? null,
          deploy_history: app?.deploy_history ?? [],
        };
        await write(name, app, next);
        return {
          ok: true,
          created: next.versions.length === 1,
          name,
          version,
          previousVersion: versions.at(-1)?.version ?? '',
          totalVersions: next.versions.length,
          missingShared: [],
        };
      });
      if (!outcome.ok) return outcome;
      await syncIndex(name);
      // Only a note: the hard check happens at deploy (a shared app may be deployed in between).
      const missing = missingSharedComponents(stored, await list().catch(() => []));
      return { ...outcome, missingShared: missing };
    },

    async deploy(name, version) {
      const wantLatest = version === undefined || version === null || version === LATEST_VERSION;
      return withRetry<DeployOutcome>(`deploying ${name}`, budget, async () => {
        const app = await read(name);
        if (!app) return { kind: 'notfound', name };
        const staged = wantLatest ? app.versions.at(-1) : app.versions.find((v) => v.version === version);
        if (!staged) return { kind: 'noversion', name, version: String(version ?? LATEST_VERSION) };
        const others = (await list()).filter((a) => a.name !== name);
        const collision = idCollision(name, staged.manifest, others);
        if (collision) return { kind: 'rejected', name, message: collision };
        const missing = missingSharedComponents(staged.manifest, others);
        if (missing.length > 0) return { kind: 'rejected', name, message: sharedMissingMessage(missing) };
        const record: DeployRecord = { version: staged.version, deployed_at: new Date().toISOString() };
        await write(name, app, {
          versions: app.versions,
          deployed_version: staged.version,
          deploy_history: [...app.deploy_history, record],
        });
        return { kind: 'deployed', name, version: staged.version, manifest: staged.manifest };
      });
    },

    async undeploy(name) {
      return withRetry<UndeployOutcome>(`undeploying ${name}`, budget, async () => {
        const app = await read(name);
        if (!app) return { kind: 'notfound', name };
        if (app.deployed_version === null) return { kind: 'already', name };
        await write(name, app, { versions: app.versions, deployed_version: null, deploy_history: app.deploy_history });
        return { kind: 'undeployed', name };
      });
    },

    async delete(name, version) {
      const outcome = await withRetry<DeleteOutcome>(`deleting ${name}`, budget, async () => {
        const app = await read(name);
        if (!app) return { kind: 'noop', name, version: version ?? undefined, whole: true };
        if (version === undefined || version === null) {
          await kv.purge(appKey(name), { previousSeq: app.revision });
          return { kind: 'deleted', name, whole: true, undeploy: true };
        }
        if (!app.versions.some((v) => v.version === version)) return { kind: 'noop', name, version, whole: false };
        const remaining = app.versions.filter((v) => v.version !== version);
        if (remaining.length === 0) {
          await kv.purge(appKey(name), { previousSeq: app.revision });
          return { kind: 'deleted', name, version, whole: true, undeploy: true };
        }
        const undeploy = app.deployed_version === version;
        await write(name, app, {
          versions: remaining,
          deployed_version: undeploy ? null : app.deployed_version,
          deploy_history: app.deploy_history,
        });
        return { kind: 'deleted', name, version, whole: false, undeploy };
      });
      if (outcome.kind === 'deleted' && outcome.whole) await syncIndex(name);
      return outcome;
    },

    async watch(onChange, watchOpts = {}) {
      const { KvWatchInclude } = await import('@nats-io/kv');
      const prefix = `${lattice}-`;
      const iter = await kv.watch({
        key: '>',
        include: watchOpts.updatesOnly ? KvWatchInclude.UpdatesOnly : KvWatchInclude.LastValue,
      });
      void (async () => {
        for await (const e of iter) {
          if (!e.key.startsWith(prefix)) continue;
          const name = e.key.slice(prefix.length);
          if (e.operation !== 'PUT') {
            onChange({ name, app: null });
            continue;
          }
          try {
            const app = decodeAppRecord(name, e.string(), e.revision);
            // Another lattice's app under a key that starts like ours (`rel8` sees `rel8-x`'s app `y` as `x-y`).
            if (app.owner && !isOurs(name, app.owner)) continue;
            onChange({ name, app });
          } catch (err) {
            // Another lattice's index (`{lattice}-{x}` as a lattice name) shares the key space: skip it.
            if (!(err instanceof RecordFormatError)) throw err;
          }
        }
      })().catch(() => {
        /* watcher ended with the connection */
      });
      return { stop: () => iter.stop() };
    },
  };
  return opts.bucketGuard ? recreatingOnMissingStream(store, opts.bucketGuard) : store;
}

function causedByMissingStream(err: unknown): boolean {
  for (let e = err; e; e = (e as { cause?: unknown }).cause) if (isMissingStreamError(e)) return true;
  return false;
}

/** Every operation that fails because the bucket's stream is gone recreates it and runs once more. */
function recreatingOnMissingStream(
  store: ManifestStore,
  guard: NonNullable<ManifestStoreOptions['bucketGuard']>,
): ManifestStore {
  const again =
    <A extends unknown[], R>(op: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await guard.settled();
      try {
        return await op(...args);
      } catch (err) {
        if (!causedByMissingStream(err)) throw err;
        await guard.recreate();
        return op(...args);
      }
    };
  return {
    ...store,
    get: again(store.get),
    list: again(store.list),
    put: again(store.put),
    deploy: again(store.deploy),
    undeploy: again(store.undeploy),
    delete: again(store.delete),
    watch: again(store.watch),
  };
}
