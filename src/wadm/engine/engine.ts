/**
 * The I/O shell around the pure core, one per lattice. Every engine competes for the lattice's lease; the
 * leader observes the lattice (events, host inventories, links, configs), loads deployed apps from the
 * manifest store, reconciles level-based (debounced after events, plus a periodic resync and the scalers'
 * own deadlines), runs the commands through the control interface and publishes app status.
 */
import type { KV } from '@nats-io/kv';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { errorChain } from '../../errors.js';
import { CtlClient } from '../../lattice/ctl-client.js';
import { tryParseLatticeEvent, type LatticeEvent, type ManifestPublishedData } from '../../lattice/events.js';
import { eventWildcard } from '../../lattice/subjects.js';
import type { Manifest } from '../../manifest/schema.js';
import { deployedManifest } from '../store/guards.js';
import { openManifestStore, type ManifestStore, type StoreChange } from '../store/manifest-store.js';
import { ensureStatusStream, statusStreamManager } from '../store/status-stream.js';
import type { Status, StoredApp } from '../types.js';
import { AppIndex } from './app-index.js';
import { appsTouched, observeEvent, type Observation } from './observer.js';
import {
  appCommandFailed,
  appCommandNotSent,
  appCommandQueued,
  appCommandSent,
  appConfigNames,
  appDeadline,
  reconcileApp,
  undeployApp,
  upgradeApp,
  type AppRuntime,
} from './app.js';
import { describeCommand, expectationKey, type TaggedCommand } from './commands.js';
import { HEARTBEAT_INTERVAL_MS, UNDEPLOYED_MESSAGE } from './constants.js';
import { BoundedQueue, ctlCommandRunner, type CommandRunner } from './executor.js';
import { DEFAULT_LEASE_TTL_MS, startLease, type Lease } from './lease.js';
import {
  applyConfig,
  applyInventory,
  applyLinks,
  createLatticeState,
  reapHosts,
  removeHost,
  type LatticeState,
  type Touched,
} from './state.js';
import { Leftovers } from './leftovers.js';
import { LivenessProbe, livenessOptions } from './liveness.js';
import { openStateBucket, STATE_BUCKET, writeMirror } from './state-mirror.js';
import { StatusPublisher } from './status-publisher.js';

export type EngineLogLevel = 'debug' | 'info' | 'warn' | 'error';
export type EngineLog = (level: EngineLogLevel, message: string) => void;

export interface EngineOptions {
  lattice: string;
  jsDomain?: string;
  /** JetStream replicas of the buckets and streams this engine creates (default 1). */
  jsReplicas?: number;
  /** This engine's lease holder id (random when absent). */
  id?: string;
  /** ctl subject prefix, `wasmbus.ctl` by default. */
  ctlTopicPrefix?: string;
  /** Manifest bucket, `wadm_manifests` by default. */
  manifestBucket?: string;
  log?: EngineLog;
  /** Lease time-to-live; a dead leader is replaced within about this long (default 6 s). */
  leaseTtlMs?: number;
  /** Quiet time after an event before reconciling (default 25 ms). */
  debounceMs?: number;
  /** Periodic full pass over every app, with the link list re-read (default 30 s). */
  resyncMs?: number;
  /** Periodic re-read of every app from the store, besides its watch (default 5 min). */
  storeResyncMs?: number;
  /** Host heartbeat interval; hosts silent for about two of them are dropped (default 30 s). */
  heartbeatIntervalMs?: number;
  /** How often the leader checks for another wadm implementation serving the lattice (default 10 s). */
  foreignCheckMs?: number;
  /** Liveness probe (`liveness.ts`): a lattice ping this often; 0 disables it (default 1 s). */
  livenessIntervalMs?: number;
  /** Unanswered probes in a row before a host is dropped (default 2). */
  livenessMisses?: number;
  /** How long a host ping collects answers at start-up (default 1 s). */
  pingWindowMs?: number;
  /** Control request timeout (default 5 s). */
  ctlTimeoutMs?: number;
  /** Control requests in flight at most (default 64). */
  maxInFlight?: number;
  /** Mirror the observed state to KV `wadm_state` (Rust wadm's shape) for inspection. */
  mirrorState?: boolean;
  /** How often other state changes are mirrored (default 2 s); hosts joining or leaving are mirrored at once. */
  mirrorIntervalMs?: number;
  /** When the store shows an app undeployed but no undeploy event came, clean up after this long (default 3 s). */
  undeployGraceMs?: number;
  /** Observers (tests, tools): every status computed, every command sent. */
  onStatus?: (app: string, status: Status) => void;
  onCommand?: (command: TaggedCommand) => void;
}

export interface Engine {
  readonly lattice: string;
  readonly id: string;
  /** Resolves once this engine knows whether it leads and, if it does, has built its first view. */
  readonly ready: Promise<void>;
  isLeader(): boolean;
  /** Set (to the reason) while another wadm implementation serves the lattice and this engine stands by. */
  standingBy(): string | undefined;
  /** Names of the apps the engine currently reconciles (empty on followers). */
  apps(): string[];
  close(): Promise<void>;
}

/** Apps reconciled per turn of the event loop. */
const PASS_SLICE = 250;

type Normalized = { manifest: Manifest } | { error: string };

async function normalizeManifest(raw: unknown): Promise<Normalized> {
  const { parseManifestValue } = await import('../../manifest/parse.js');
  const { manifest, findings } = parseManifestValue(raw);
  if (manifest) return { manifest };
  return { error: findings.map((f) => f.msg).join('; ') || 'not a manifest' };
}

class LatticeEngine implements Engine {
  readonly lattice: string;
  readonly id: string;
  readonly ready: Promise<void>;
  private readonly log: EngineLog;
  private readonly ctl: CtlClient;
  private readonly run: CommandRunner;
  private readonly commands: BoundedQueue;
  private lease?: Lease;
  private closed = false;
  /**
   * One AbortSignal per leadership term, aborted when the term ends (step-down, close): async work started in
   * a term checks `term.aborted` and drops out. Aborted while not leading.
   */
  private termAbort = abortedController();
  private synced = false;
  private firstSync?: Promise<void>;

  private state: LatticeState = createLatticeState();
  private readonly appMap = new Map<string, AppRuntime>();
  /** The deployed manifest of each app as received (JSON), to skip re-normalising the same one. */
  private readonly rawManifests = new Map<string, string>();
  private readonly index = new AppIndex();
  private readonly deadlines = new Map<string, number>();
  private readonly dirty = new Set<string>();
  private dirtyAll = false;

  private subs: Subscription[] = [];
  private store?: ManifestStore;
  private storeWatch?: { stop(): void };
  private statuses?: StatusPublisher;
  private timers: NodeJS.Timeout[] = [];
  private passTimer?: NodeJS.Timeout;
  /** The apps of the pass under way and how many of them are done (see `runPass`). */
  private passApps: string[] = [];
  private passAt = 0;
  private deadlineTimer?: NodeJS.Timeout;
  /** When `deadlineTimer` fires (Infinity when it is not armed). */
  private deadlineAt = Infinity;
  private readonly pendingUndeploy = new Map<string, NodeJS.Timeout>();
  /** Workloads of undeployed apps and removed scalers whose start may still be under way (leftovers.ts). */
  private readonly leftovers = new Leftovers();
  private leftoversDirty = false;
  private readonly fetchingInventory = new Set<string>();
  private readonly fetchingConfig = new Set<string>();
  private fetchingLinks = false;
  private mirrorDirty = false;
  /** The state mirror's bucket for the current leadership term (with `mirrorState`). */
  private mirror?: { kv: KV; term: AbortSignal; writing: boolean };
  private mirrorTimer?: NodeJS.Timeout;
  /** A host joined or left while a mirror write was under way: write again as soon as it ends. */
  private mirrorHostsChanged = false;
  /** Keys of the state mirror last left out as too large (said once, not every 2 s). */
  private mirrorSkipped = '';
  /** Set while another wadm implementation serves the lattice: this engine then does not reconcile. */
  private foreign?: string;

  constructor(
    private readonly nc: NatsConnection,
    private readonly opts: EngineOptions,
  ) {
    this.lattice = opts.lattice;
    this.id = opts.id ?? `wash-wadm-${Math.random().toString(36).slice(2, 10)}`;
    this.log = opts.log ?? (() => {});
    this.ctl = new CtlClient(nc, {
      lattice: opts.lattice,
      ...(opts.ctlTopicPrefix ? { prefix: opts.ctlTopicPrefix } : {}),
      timeoutMs: opts.ctlTimeoutMs ?? 5_000,
      collectMs: opts.pingWindowMs ?? 1_000,
    });
    this.run = ctlCommandRunner(this.ctl);
    this.commands = new BoundedQueue(opts.maxInFlight ?? 64);
    this.ready = this.start();
  }

  private async start(): Promise<void> {
    this.lease = await startLease(this.nc, {
      lattice: this.lattice,
      holder: this.id,
      ttlMs: this.opts.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS,
      jsDomain: this.opts.jsDomain,
      replicas: this.opts.jsReplicas,
      onChange: (leader) => (leader ? this.becomeLeader() : this.stepDown(this.closed ? 'closed' : 'lease lost')),
      onError: (err) => this.log('warn', `lease for lattice ${this.lattice}: ${err.message}`),
    });
    const leader = await this.lease.settled;
    if (leader && this.firstSync) await this.firstSync;
  }

  /** Why this engine stands by although it holds the lease (another wadm implementation serves the lattice). */
  standingBy(): string | undefined {
    return this.foreign;
  }

  isLeader(): boolean {
    return !this.closed && (this.lease?.isLeader() ?? false);
  }

  apps(): string[] {
    return [...this.appMap.keys()];
  }

  // -------------------------------------------------------------------------------------------------------
  // Leadership

  private becomeLeader(): void {
    if (this.closed) return;
    this.termAbort = new AbortController();
    const term = this.termAbort.signal;
    this.log('info', `engine ${this.id} leads lattice ${this.lattice}`);
    this.firstSync = this.sync(term).catch((err) => {
      this.log('error', `lattice ${this.lattice}: start-up failed: ${errorChain(err).join(': ')}; retrying`);
      const t = setTimeout(() => {
        if (!term.aborted && this.isLeader()) {
          this.stepDown('retry');
          this.becomeLeader();
        }
      }, 2_000);
      this.timers.push(t);
    });
  }

  private stepDown(why: string): void {
    if (this.synced) this.log('info', `engine ${this.id} stops leading lattice ${this.lattice} (${why})`);
    this.termAbort.abort();
    this.synced = false;
    this.foreign = undefined;
    for (const s of this.subs) s.unsubscribe();
    this.subs = [];
    this.storeWatch?.stop();
    this.storeWatch = undefined;
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    if (this.mirrorTimer) clearTimeout(this.mirrorTimer);
    this.mirrorTimer = this.mirror = undefined;
    if (this.passTimer) clearTimeout(this.passTimer);
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.passTimer = this.deadlineTimer = undefined;
    this.deadlineAt = Infinity;
    this.passApps = [];
    this.passAt = 0;
    for (const t of this.pendingUndeploy.values()) clearTimeout(t);
    this.pendingUndeploy.clear();
    this.state = createLatticeState();
    for (const m of [this.appMap, this.rawManifests, this.deadlines]) m.clear();
    this.index.clear();
    this.dirty.clear();
    this.statuses?.forget();
  }

  /** Builds the leader's view: events first (so nothing is missed), then inventories, apps, links, configs. */
  private async sync(term: AbortSignal): Promise<void> {
    const live = () => !term.aborted && !this.closed;
    for (const subject of [eventWildcard(this.lattice), `wadm.evt.${this.lattice}.>`]) {
      this.subs.push(
        this.nc.subscribe(subject, { callback: (err, msg) => (err ? undefined : this.onMessage(term, msg)) }),
      );
    }
    const jsm = await during('reaching JetStream', statusStreamManager(this.nc, this.opts.jsDomain));
    await during('ensuring the status stream', ensureStatusStream(jsm, undefined, this.opts.jsReplicas));
    const { jetstream } = await import('@nats-io/jetstream');
    const js = jetstream(this.nc, this.opts.jsDomain ? { domain: this.opts.jsDomain } : {});
    this.statuses ??= new StatusPublisher(js, jsm, this.lattice, (err, app) =>
      this.log('warn', `publishing the status of ${app}: ${err.message}`),
    );
    await this.statuses
      .preload()
      .catch((err) => this.log('debug', `reading published statuses: ${(err as Error).message}`));
    this.store = await during(
      'opening the manifest store',
      openManifestStore(this.nc, {
        lattice: this.lattice,
        jsDomain: this.opts.jsDomain,
        bucket: this.opts.manifestBucket,
        replicas: this.opts.jsReplicas,
      }),
    );
    if (!live()) return;

    // Read the apps while the ping collects answers (they are acted on only once the lattice is known).
    const stored = this.store.list();
    stored.catch(() => {}); // awaited below; no unhandled rejection while the ping runs
    const hosts = await this.ctl.pingHosts({ full: true }).catch(() => []);
    await Promise.all(hosts.map((h) => this.fetchInventory(term, h.id)));
    if (!live()) return;
    this.log('info', `lattice ${this.lattice}: ${this.state.hosts.size} host(s) found`);
    if (this.state.hosts.size) await this.refreshLinks(term);
    await this.loadApps(term, stored);
    if (!live()) return;
    await this.ensureConfigs(term, this.index.configNames());
    if (!live()) return;
    const watch = await during(
      'watching the manifest store',
      this.store.watch((change) => this.onStoreChange(term, change), { updatesOnly: true }),
    );
    if (!live()) {
      watch.stop();
      return;
    }
    this.storeWatch = watch;

    const hb = this.opts.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS;
    this.every(this.opts.resyncMs ?? 30_000, () => this.resync(term));
    this.every(this.opts.storeResyncMs ?? 300_000, () => {
      void this.loadApps(term).catch((err) =>
        this.log('warn', `re-reading apps of lattice ${this.lattice}: ${(err as Error).message}`),
      );
    });
    this.every(hb / 2, () => this.reap(hb));
    this.startLivenessProbe(term);
    if (this.opts.mirrorState) {
      const kv = await during(
        'opening the state mirror bucket',
        openStateBucket(this.nc, this.opts.jsDomain, this.opts.jsReplicas),
      );
      if (!live()) return;
      this.mirror = { kv, term, writing: false };
      this.every(this.opts.mirrorIntervalMs ?? 2_000, () => this.flushMirror());
      this.mirrorDirty = true;
      this.mirrorSoon();
    }
    await during('looking for another wadm implementation', this.checkForeignWadm(term));
    if (!live()) return;
    this.every(this.opts.foreignCheckMs ?? 10_000, () => void this.checkForeignWadm(term));
    this.synced = true;
    this.dirtyAll = true;
    this.runPass();
  }

  /**
   * Hosts joining or leaving reach the mirror at once: lattice queries stop waiting once every host in it has
   * answered, so a host missing from it (just started) could be left out of `wash get hosts`. Other changes are
   * written every 2 s.
   */
  private mirrorSoon(): void {
    if (!this.mirror || this.mirrorTimer) return;
    this.mirrorTimer = setTimeout(() => {
      this.mirrorTimer = undefined;
      this.flushMirror();
    }, 0);
  }

  private hostsChanged(): void {
    this.mirrorDirty = true;
    if (this.mirror?.writing) this.mirrorHostsChanged = true;
    else this.mirrorSoon();
  }

  private flushMirror(): void {
    const m = this.mirror;
    if (!m || m.term.aborted || !this.mirrorDirty || this.foreign) return;
    // One write at a time; what changes meanwhile is written by the next tick (or the next host change).
    if (m.writing) return;
    this.mirrorDirty = false;
    m.writing = true;
    void writeMirror(m.kv, this.state, this.lattice, this.nc.info?.max_payload ?? 1024 * 1024)
      .then(({ skipped }) => {
        const said = skipped.map((s) => s.key).join(',');
        if (said === this.mirrorSkipped) return;
        this.mirrorSkipped = said;
        for (const s of skipped) {
          this.log(
            'warn',
            `mirroring state: ${STATE_BUCKET} ${s.key} is ${s.bytes} bytes, over the server's payload limit; not written while it stays too large`,
          );
        }
      })
      .catch((err) => this.log('warn', `mirroring state: ${(err as Error).message}`))
      .finally(() => {
        m.writing = false;
        if (this.mirrorDirty && this.mirrorHostsChanged) {
          this.mirrorHostsChanged = false;
          this.mirrorSoon();
        }
      });
  }

  private async checkForeignWadm(term: AbortSignal): Promise<void> {
    const { foreignWadmServing } = await import('./foreign-wadm.js');
    const foreign = await foreignWadmServing(this.nc, this.lattice, { jsDomain: this.opts.jsDomain });
    if (term.aborted || foreign === this.foreign) return;
    this.foreign = foreign;
    if (foreign) {
      this.log('warn', `lattice ${this.lattice}: ${foreign}; this engine does not reconcile it (stop one of the two)`);
    } else {
      this.log('info', `lattice ${this.lattice}: no other wadm implementation serves it any more; reconciling`);
      this.dirtyAll = true;
      this.schedule();
    }
  }

  private every(ms: number, fn: () => void): void {
    const tick = () => {
      fn();
      this.timers.push(setTimeout(tick, ms));
    };
    this.timers.push(setTimeout(tick, ms));
  }

  // -------------------------------------------------------------------------------------------------------
  // Observing

  private onMessage(term: AbortSignal, msg: Msg): void {
    if (term.aborted) return;
    const event = tryParseLatticeEvent(msg.data);
    if (!event) {
      this.log('debug', `ignoring a message on ${msg.subject} that is not a known CloudEvent`);
      return;
    }
    this.handleEvent(term, event);
  }

  private handleEvent(term: AbortSignal, event: LatticeEvent): void {
    if (event.name === 'manifest_published' || event.name === 'manifest_unpublished') {
      void this.onDeployEvent(term, event);
      return;
    }
    this.mirrorDirty = true;
    this.act(term, observeEvent(this.state, this.index, this.appMap, event, Date.now()));
  }

  /**
   * A deploy or undeploy event is acted on as the store has it now. Two API servers (a queue group) can publish
   * the events of concurrent deploys and undeploys in another order than they wrote the store, and the store
   * watch may report the final state before a stale event arrives: acting on the event alone could leave an app
   * deployed that the store says is not (or the other way round) until the next full re-read.
   */
  private async onDeployEvent(
    term: AbortSignal,
    event: Extract<LatticeEvent, { name: 'manifest_published' | 'manifest_unpublished' }>,
  ): Promise<void> {
    const name = event.name === 'manifest_published' ? event.data?.metadata?.name : event.data.name;
    const stored =
      typeof name === 'string' && this.store
        ? await this.store.get(name).then(
            (app) => ({ app }),
            () => undefined, // unreadable now: go by the event
          )
        : undefined;
    if (term.aborted) return;
    const deployed = stored ? (stored.app ? deployedManifest(stored.app) : undefined) : undefined;
    if (event.name === 'manifest_published') {
      if (!stored) await this.onPublished(term, event.data);
      else if (deployed) await this.onPublished(term, deployed);
      return;
    }
    if (stored && deployed) {
      // Deployed again since: the store change (or this) brings the app up to date.
      await this.onPublished(term, deployed);
      return;
    }
    this.undeploy(event.data.name, event.data.orphan === true, 'undeployed');
  }

  private onTouched(term: AbortSignal, touched: Touched): void {
    this.act(term, appsTouched(this.index, touched));
  }

  /** Marks the observed apps dirty, fetches what the change showed is missing, and schedules a pass. */
  private act(term: AbortSignal, { touched, dirty, all }: Observation): void {
    if (all) this.dirtyAll = true;
    if (
      this.leftovers.size > 0 &&
      (all ||
        [...(touched.componentIds ?? []), ...(touched.providerIds ?? [])].some((id) => this.leftovers.watches(id)))
    )
      this.leftoversDirty = true;
    for (const a of dirty) this.dirty.add(a);
    if (touched.unknownHost) void this.fetchInventory(term, touched.unknownHost);
    const stale = (touched.configs ?? []).filter(
      (n) => this.index.usesConfig(n) && this.state.configs.get(n)?.state === 'unknown',
    );
    if (touched.hosts) {
      this.hostsChanged();
      if (!this.state.linksKnown) void this.refreshLinks(term);
      // Configs could not be read without hosts: read the ones never read or that failed.
      for (const n of this.index.configNames()) {
        const st = this.state.configs.get(n)?.state;
        if (st === undefined || st === 'error') stale.push(n);
      }
    }
    if (stale.length) void this.ensureConfigs(term, stale);
    this.schedule();
  }

  private async fetchInventory(term: AbortSignal, hostId: string): Promise<void> {
    if (this.fetchingInventory.has(hostId)) return;
    this.fetchingInventory.add(hostId);
    try {
      const inv = await this.ctl.getInventory(hostId);
      if (term.aborted) return;
      this.onTouched(term, { ...applyInventory(this.state, inv, Date.now()), hosts: true });
    } catch (err) {
      this.log('debug', `inventory of host ${hostId}: ${(err as Error).message}`);
    } finally {
      this.fetchingInventory.delete(hostId);
    }
  }

  private async refreshLinks(term: AbortSignal): Promise<void> {
    if (this.fetchingLinks) return;
    this.fetchingLinks = true;
    try {
      const links = await this.ctl.getLinks();
      if (term.aborted) return;
      this.onTouched(term, applyLinks(this.state, links));
    } catch (err) {
      this.log('debug', `link list: ${(err as Error).message}`);
    } finally {
      this.fetchingLinks = false;
    }
  }

  /** Reads configs the apps need that are unknown (never read, changed, or failed to read). */
  private async ensureConfigs(term: AbortSignal, names: readonly string[]): Promise<void> {
    const todo = names.filter((n) => {
      const seen = this.state.configs.get(n);
      return !this.fetchingConfig.has(n) && (!seen || seen.state === 'unknown' || seen.state === 'error');
    });
    if (todo.length === 0 || this.state.hosts.size === 0) return;
    for (const n of todo) this.fetchingConfig.add(n);
    await Promise.all(
      todo.map(async (name) => {
        try {
          const values = await this.ctl.getConfig(name);
          if (term.aborted) return;
          applyConfig(this.state, name, values === undefined ? { state: 'absent' } : { state: 'present', values });
        } catch (err) {
          if (term.aborted) return;
          applyConfig(this.state, name, {
            state: 'error',
            error: `Could not read configuration ${name}: ${(err as Error).message}`,
          });
        } finally {
          this.fetchingConfig.delete(name);
        }
        for (const a of this.index.appsUsingConfig(name)) this.dirty.add(a);
      }),
    );
    this.schedule();
  }

  private reap(heartbeatMs: number): void {
    // Two missed heartbeats plus a third of one for jitter: 70 s with the usual 30 s heartbeat.
    const gone = reapHosts(this.state, Date.now(), Math.round(2 * heartbeatMs + heartbeatMs / 3));
    if (gone.length === 0) return;
    this.log('info', `lattice ${this.lattice}: dropped host(s) not heard from in two heartbeats: ${gone.join(', ')}`);
    this.hostsChanged();
    this.dirtyAll = true;
    this.schedule();
  }

  private startLivenessProbe(term: AbortSignal): void {
    const opts = livenessOptions(this.opts.livenessIntervalMs, this.opts.livenessMisses);
    if (opts.intervalMs <= 0) return;
    const probe = new LivenessProbe(
      {
        ping: async (windowMs) => (await this.ctl.pingHosts({ timeoutMs: windowMs })).map((h) => h.id),
        hosts: () => this.state.hosts.values(),
        onAnswered: (ids, at) => {
          if (term.aborted) return;
          for (const id of ids) {
            const host = this.state.hosts.get(id);
            if (host) host.lastSeen = Math.max(host.lastSeen, at);
            else void this.fetchInventory(term, id);
          }
        },
        onDead: (ids) => {
          if (term.aborted) return;
          for (const id of ids) removeHost(this.state, id);
          this.log('warn', `lattice ${this.lattice}: host(s) stopped answering pings, dropped: ${ids.join(', ')}`);
          this.hostsChanged();
          this.dirtyAll = true;
          this.schedule();
        },
      },
      opts,
    );
    this.every(opts.intervalMs, () => void probe.tick());
  }

  private resync(term: AbortSignal): void {
    void (async () => {
      if (this.state.hosts.size) await this.refreshLinks(term);
      await this.ensureConfigs(term, this.index.configNames());
      this.dirtyAll = true;
      this.schedule();
    })().catch((err) => this.log('warn', `resync of lattice ${this.lattice}: ${(err as Error).message}`));
  }

  // -------------------------------------------------------------------------------------------------------
  // Desired state

  private async loadApps(term: AbortSignal, listing?: Promise<StoredApp[]>): Promise<void> {
    const stored = await (listing ?? this.store!.list());
    if (term.aborted) return;
    const deployed = new Set<string>();
    for (const [i, app] of stored.entries()) {
      const manifest = deployedManifest(app);
      if (!manifest) continue;
      deployed.add(app.name);
      await this.onPublished(term, manifest);
      // Let lease renewals, replies and events through while thousands of apps load.
      if (i % 250 === 249) await new Promise((r) => setImmediate(r));
      if (term.aborted) return;
    }
    for (const name of this.appMap.keys()) if (!deployed.has(name)) this.undeployLater(term, name);
  }

  private onStoreChange(term: AbortSignal, change: StoreChange): void {
    if (term.aborted) return;
    const manifest = change.app ? deployedManifest(change.app) : undefined;
    if (manifest) void this.onPublished(term, manifest);
    else if (this.appMap.has(change.name)) this.undeployLater(term, change.name);
  }

  /**
   * The store says undeployed but no undeploy event arrived (yet): the event says whether to clean up
   * (`orphan`), so wait a little for it; if it never comes, clean up as a plain undeploy would.
   */
  private undeployLater(term: AbortSignal, name: string): void {
    if (this.pendingUndeploy.has(name)) return;
    const t = setTimeout(() => {
      this.pendingUndeploy.delete(name);
      if (term.aborted || !this.appMap.has(name)) return;
      void this.store!.get(name).then(
        (app) => {
          if (term.aborted || (app && deployedManifest(app))) return;
          this.log('warn', `app ${name} is not deployed in the store but no undeploy event arrived: cleaning up`);
          this.undeploy(name, false, 'undeployed (store)');
        },
        (err) => this.log('warn', `re-reading app ${name}: ${(err as Error).message}`),
      );
    }, this.opts.undeployGraceMs ?? 3_000);
    this.pendingUndeploy.set(name, t);
  }

  private async onPublished(term: AbortSignal, raw: ManifestPublishedData): Promise<void> {
    const name = raw?.metadata?.name;
    const rawKey = JSON.stringify(raw);
    if (typeof name === 'string' && this.appMap.has(name) && this.rawManifests.get(name) === rawKey) {
      // The very manifest already running (store watch, resync, or a re-deploy): just look again.
      this.dirty.add(name);
      this.schedule();
      return;
    }
    const normalized = await normalizeManifest(raw);
    if (term.aborted || typeof name !== 'string') return;
    if ('error' in normalized) {
      this.log('error', `app ${name}: the deployed manifest is invalid: ${normalized.error}`);
      this.publishStatus(name, {
        status: { type: 'failed', message: `Manifest is invalid: ${normalized.error}` },
        version: '',
        components: [],
      });
      return;
    }
    const pending = this.pendingUndeploy.get(name);
    if (pending) {
      clearTimeout(pending);
      this.pendingUndeploy.delete(name);
    }
    const manifest = normalized.manifest;
    const existing = this.appMap.get(name);
    if (existing && JSON.stringify(existing.manifest) === JSON.stringify(manifest)) {
      this.rawManifests.set(name, rawKey);
      this.dirty.add(name);
      this.schedule();
      return;
    }
    const up = upgradeApp(existing, manifest, this.state);
    for (const w of up.app.warnings) this.log('warn', `app ${name}: ${w}`);
    this.index.remove(name);
    this.appMap.set(name, up.app);
    this.rawManifests.set(name, rawKey);
    this.index.add(up.app);
    const verb = existing
      ? `moving from ${existing.version ?? '?'} to ${up.app.version ?? '?'} (kept ${up.kept.length}, added ${up.added.length}, removed ${up.removed.length} scaler(s))`
      : `deploying version ${up.app.version ?? '?'}`;
    this.log('info', `app ${name}: ${verb}`);
    for (const c of up.cleanup) this.execute(c);
    if (existing && up.removed.length > 0) {
      const removed = existing.scalers.filter((rt) => up.removed.includes(rt.spec.id)).map((rt) => rt.spec);
      this.leftovers.add(name, removed, existing.ctx, Date.now(), up.cleanup);
    }
    await this.ensureConfigs(term, appConfigNames(up.app));
    this.dirty.add(name);
    this.schedule();
  }

  private undeploy(name: string, orphan: boolean, why: string): void {
    const pending = this.pendingUndeploy.get(name);
    if (pending) {
      clearTimeout(pending);
      this.pendingUndeploy.delete(name);
    }
    if (!this.synced && !this.appMap.has(name)) return;
    const app = this.appMap.get(name);
    if (app) {
      this.index.remove(name);
      this.appMap.delete(name);
      this.rawManifests.delete(name);
      this.deadlines.delete(name);
      this.dirty.delete(name);
      if (orphan) {
        this.log('info', `app ${name} ${why}: leaving its workloads running (orphan)`);
      } else {
        const cleanup = undeployApp(app, this.state);
        this.log('info', `app ${name} ${why}: ${cleanup.length} cleanup command(s)`);
        for (const c of cleanup) this.execute(c);
        this.leftovers.add(
          name,
          app.scalers.map((rt) => rt.spec),
          app.ctx,
          Date.now(),
          cleanup,
        );
      }
    }
    this.publishStatus(name, {
      status: { type: 'undeployed', message: UNDEPLOYED_MESSAGE },
      version: '',
      components: [],
    });
  }

  // -------------------------------------------------------------------------------------------------------
  // Acting

  private schedule(): void {
    if (this.passTimer || !this.synced) return;
    this.passTimer = setTimeout(() => this.runPass(), this.opts.debounceMs ?? 25);
  }

  private runPass(): void {
    this.passTimer = undefined;
    if (!this.synced || this.closed || this.foreign) return;
    if (!this.isLeader()) {
      // Renewal is late (or lost): act only with a valid lease. Try again shortly.
      this.passTimer = setTimeout(() => this.runPass(), 100);
      return;
    }
    const now = Date.now();
    if (this.leftoversDirty) {
      this.leftoversDirty = false;
      const kept = (app: string) => this.appMap.get(app)?.scalers.map((rt) => rt.spec) ?? [];
      for (const c of this.leftovers.sweep(this.state, kept, now)) this.execute(c);
    }
    if (this.passAt >= this.passApps.length) {
      for (const [name, d] of this.deadlines) if (d <= now) this.dirty.add(name);
      this.passApps = this.dirtyAll ? [...this.appMap.keys()] : [...this.dirty];
      this.passAt = 0;
      this.dirtyAll = false;
      this.dirty.clear();
    }
    // A slice at a time: commands go out and events, replies and lease renewals are handled while a pass over
    // thousands of apps is still under way (one long synchronous pass stalls all of them).
    const names = this.passApps.slice(this.passAt, this.passAt + PASS_SLICE);
    this.passAt += names.length;
    if (this.passAt < this.passApps.length) this.passTimer = setTimeout(() => this.runPass(), 0);
    else this.passApps = [];
    for (const name of names) {
      const app = this.appMap.get(name);
      if (!app) continue;
      const pass = reconcileApp(app, this.state, now);
      for (const c of pass.commands) this.execute(c);
      this.publishStatus(name, pass.status);
      for (const rt of app.scalers) for (const e of rt.expected) this.index.expect(name, expectationKey(e));
      const deadline = appDeadline(app);
      if (deadline === undefined) this.deadlines.delete(name);
      else this.deadlines.set(name, deadline);
    }
    this.armDeadline(now);
    // Apps marked dirty between slices (schedule() waited for the pass under way) get the next pass.
    if (!this.passTimer && (this.dirty.size || this.dirtyAll)) this.schedule();
  }

  private armDeadline(now: number): void {
    let next = Infinity;
    for (const d of this.deadlines.values()) next = Math.min(next, d);
    this.armTimerAt(next, now);
  }

  private armTimerAt(at: number, now: number): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    this.deadlineAt = at;
    if (at === Infinity) return;
    this.deadlineTimer = setTimeout(
      () => {
        this.deadlineTimer = undefined;
        this.deadlineAt = Infinity;
        this.schedule();
      },
      Math.max(0, at - now) + 5,
    );
  }

  /** The app's deadline moved (a queued command went out): track it without re-scanning every app. */
  private trackDeadline(app: AppRuntime, now: number): void {
    const deadline = appDeadline(app);
    if (deadline === undefined) return;
    this.deadlines.set(app.name, deadline);
    if (deadline < this.deadlineAt) this.armTimerAt(deadline, now);
  }

  private publishStatus(name: string, status: Status): void {
    if (this.foreign) return; // the other wadm publishes the statuses
    this.opts.onStatus?.(name, status);
    this.statuses?.publish(name, status);
  }

  private execute(tagged: TaggedCommand): void {
    if (this.foreign) return; // standing by: the other wadm reconciles
    const term = this.termAbort.signal;
    const cmd = tagged.command;
    this.opts.onCommand?.(tagged);
    this.log('debug', `app ${tagged.app}: ${describeCommand(cmd)}`);
    const queuedFor = this.appMap.get(tagged.app);
    if (queuedFor) appCommandQueued(queuedFor, tagged.scalerId, cmd);
    this.commands.push(async () => {
      if (term.aborted) return;
      const app = this.appMap.get(tagged.app);
      if (tagged.scalerId !== undefined && !app?.scalers.some((rt) => rt.spec.id === tagged.scalerId)) {
        // Its scaler is gone (undeploy or upgrade while it waited in the queue): nothing wants it any more.
        this.log('debug', `app ${tagged.app}: dropped ${describeCommand(cmd)}, its scaler no longer exists`);
        return;
      }
      if (!this.isLeader()) {
        const current = app;
        if (current) {
          appCommandNotSent(current, tagged.scalerId, cmd);
          this.dirty.add(current.name);
          this.schedule();
        }
        return;
      }
      if (app) {
        const now = Date.now();
        appCommandSent(app, tagged.scalerId, cmd, now);
        this.trackDeadline(app, now);
      }
      try {
        await this.run(cmd);
        if (term.aborted) return;
        if (cmd.type === 'PutConfig')
          applyConfig(this.state, cmd.name, { state: 'present', values: { ...cmd.values } });
        if (cmd.type === 'DeleteConfig') applyConfig(this.state, cmd.name, { state: 'absent' });
      } catch (err) {
        if (term.aborted) return;
        const message = errorChain(err)[0] ?? String(err);
        this.log('warn', `app ${tagged.app}: ${describeCommand(cmd)} failed: ${message}`);
        const current = this.appMap.get(tagged.app);
        if (current) {
          appCommandFailed(current, tagged.scalerId, cmd, message, Date.now());
          this.dirty.add(current.name);
          this.schedule();
        }
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ready.catch(() => {});
    await this.lease?.close();
    this.stepDown('closed');
    // Let commands and status publishes in flight finish, but do not hang on a dead connection.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([this.commands.idle(), this.statuses?.idle()]),
      new Promise((r) => (timer = setTimeout(r, 3_000))),
    ]);
    clearTimeout(timer);
  }
}

/** Starts the engine of one lattice on an existing connection. */
export function startEngine(nc: NatsConnection, opts: EngineOptions): Engine {
  return new LatticeEngine(nc, opts);
}

function abortedController(): AbortController {
  const c = new AbortController();
  c.abort();
  return c;
}

/** Names the start-up step an error came from (a bare "timeout" from JetStream says nothing about which). */
async function during<T>(step: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    const chain = errorChain(err);
    throw Object.assign(new Error(`${step}: ${chain[0] ?? String(err)}`), chain.length > 1 ? { cause: err } : {});
  }
}
