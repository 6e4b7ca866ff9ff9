import { ctlError, ctlSuccess } from '../lattice/codec.js';
import type {
  ComponentDescription,
  CtlResponse,
  ScaleComponentCommand,
  StringMap,
  UpdateComponentCommand,
} from '../lattice/types.js';
import type { EmbeddedClaims } from '../component/claims.js';
import { checkComponentClaims } from './component-claims.js';
import { componentEventClaims, storedComponentClaims } from './claims-wire.js';
import { readComponentFile } from './component-file.js';
import { componentSource } from './component-ref.js';
import { errorText } from './error-text.js';
import type { EventSink } from './event-publisher.js';
import { KeyedQueue } from './keyed-queue.js';
import { startCachedTag, type PulledLayer, type Revalidation } from './tag-revalidation.js';
import { HOST_DEFAULTS } from './options.js';
import type { HostLogger } from './log.js';
import type { OciFetcher } from './oci-fetcher.js';
import type { ComponentRuntimeLike, ImportResolver, RunningComponentLike } from './runtime-port.js';
import type { ComponentWrpc } from '../wrpc/host-bridge.js';

export interface ComponentManagerDeps {
  hostId: string;
  runtime: () => Promise<ComponentRuntimeLike>;
  events: EventSink;
  log: HostLogger;
  allowFileLoad: boolean;
  /** Pulls OCI references (`guess`: cached bytes of a tag, for a start overlapping the pull); without it they fail. */
  oci?: Pick<OciFetcher, 'fetch'> & Partial<Pick<OciFetcher, 'guess'>>;
  /** With allowFileLoad: the only directories `file://` refs may point into (undefined: anywhere). */
  allowedFileDirs?: readonly string[];
  maxComponents?: number;
  maxComponentSizeBytes?: number;
  /** How long after a cached tag start its re-check is sent (default TAG_RECHECK_DELAY_MS). */
  tagRecheckDelayMs?: number;
  /** Merged named configs (CONFIGDATA), read live. */
  config: (names: readonly string[]) => StringMap;
  /** Records `COMPONENT_{id}` → `{url}` in LATTICEDATA (links kept). */
  ensureSpec: (id: string, url: string) => Promise<void>;
  /** Link-selected capabilities for a component's imports (src/host/capabilities/resolver.ts). */
  imports?: (componentId: string) => Promise<ImportResolver | undefined>;
  /** wRPC for a component's custom imports/exports (undefined when it has none). */
  wrpc?: (componentId: string, bytes: Uint8Array) => Promise<ComponentWrpc | undefined>;
  /** Records `CLAIMS_{subject}` in the lattice state (what `claims.get` lists). */
  storeClaims?: (subject: string, record: Record<string, string | string[]>) => Promise<void>;
}

/**
 * A cached tag's re-check waits this long after the start is routed, so the request's work (first HTTP use in
 * a fresh host, the response, the registry process's CPU on a small machine) does not compete with the
 * component's first requests or with the other starts of a deploy.
 */
export const TAG_RECHECK_DELAY_MS = 250;

/** A started component and its wRPC wiring, before its exports are served. */
interface Started {
  running: RunningComponentLike;
  wrpc?: ComponentWrpc;
  /** Its embedded claims (validated), when it is signed. */
  claims?: EmbeddedClaims;
  /** A cached tag start: asks the registry about the tag, once the component is recorded. */
  revalidate?: () => Promise<Revalidation>;
}

/** A started component whose custom exports are served (ready to be recorded). */
interface Serving {
  running: RunningComponentLike;
  claims?: EmbeddedClaims;
  unserve?: () => void;
  revalidate?: () => Promise<Revalidation>;
}

interface ComponentRecord {
  id: string;
  ref: string;
  annotations: StringMap;
  maxInstances: number;
  configNames: string[];
  limits?: StringMap;
  /** Bumped each time a moved tag's new bytes replace the running ones. */
  revision: number;
  running: RunningComponentLike;
  claims?: EmbeddedClaims;
  /** Stops serving the component's custom exports over wRPC. */
  unserve?: () => void;
}

/**
 * Components running on this host. Requests are answered at once and carried out in the background, one
 * at a time per component id; outcomes are reported only through `component_scaled` /
 * `component_scale_failed` events, as in v1.
 */
export class ComponentManager {
  private readonly records = new Map<string, ComponentRecord>();
  private readonly starting = new Set<string>();
  private readonly queue = new KeyedQueue();
  private readonly revalidating = new Set<Promise<void>>();

  constructor(private readonly deps: ComponentManagerDeps) {}

  /** The running component with this id (what HTTP routes resolve at request time). */
  get(id: string): RunningComponentLike | undefined {
    return this.records.get(id)?.running;
  }

  has(id: string): boolean {
    return this.records.has(id) || this.starting.has(id);
  }

  get size(): number {
    return this.records.size;
  }

  descriptions(): ComponentDescription[] {
    return [...this.records.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((r) => ({
        id: r.id,
        image_ref: r.ref,
        ...(r.claims?.name !== undefined ? { name: r.claims.name } : {}),
        annotations: r.annotations,
        revision: r.revision,
        max_instances: r.maxInstances,
        limits: r.limits ?? null,
      }));
  }

  /** Handles `component.scale`; returns the reply (a warning message when the ref is kept). */
  scale(cmd: ScaleComponentCommand): CtlResponse {
    const existing = this.records.get(cmd.component_id);
    let message = '';
    if (
      existing &&
      cmd.count > 0 &&
      cmd.component_ref !== '' &&
      existing.ref !== cmd.component_ref &&
      !cmd.allow_update
    ) {
      message =
        `component ${cmd.component_id} is already running with a different image reference (${existing.ref}); ` +
        `it was scaled but not updated to ${cmd.component_ref}. Set allow_update to update it, or use component.update`;
    }
    void this.queue
      .run(cmd.component_id, () => this.applyScale(cmd))
      .catch((err) => {
        this.deps.log.error(`scaling component ${cmd.component_id} failed unexpectedly`, { error: errorText(err) });
      });
    return ctlSuccess(message);
  }

  /** Handles `component.update` (v1 replies), then swaps versions in the background. */
  update(cmd: UpdateComponentCommand): CtlResponse {
    const existing = this.records.get(cmd.component_id);
    if (!existing) return ctlError(`component ${cmd.component_id} not found`);
    if (existing.ref === cmd.new_component_ref)
      return ctlSuccess(`component ${cmd.component_id} already updated to ${cmd.new_component_ref}`);
    void this.queue
      .run(cmd.component_id, () => this.applyUpdate(cmd.component_id, cmd.new_component_ref, cmd.annotations))
      .catch((err) => {
        this.deps.log.error(`updating component ${cmd.component_id} failed unexpectedly`, { error: errorText(err) });
      });
    return ctlSuccess(`component ${cmd.component_id} updating from ${existing.ref} to ${cmd.new_component_ref}`);
  }

  /** `component_scaled`, with the public key and claims of a signed component as upstream sends them. */
  private scaled(
    id: string,
    ref: string,
    maxInstances: number,
    annotations: StringMap,
    claims: EmbeddedClaims | undefined,
  ): void {
    this.deps.events.publish('component_scaled', {
      ...(claims ? { public_key: claims.subject, claims: componentEventClaims(claims) } : {}),
      component_id: id,
      image_ref: ref,
      host_id: this.deps.hostId,
      max_instances: maxInstances,
      annotations,
    });
  }

  /** `CLAIMS_{subject}` for a signed component (what `claims.get` lists); best effort, as for providers. */
  private async recordClaims(id: string, claims: EmbeddedClaims | undefined): Promise<void> {
    if (!claims || !this.deps.storeClaims) return;
    try {
      await this.deps.storeClaims(claims.subject, storedComponentClaims(claims));
    } catch (err) {
      this.deps.log.warn(`could not record the claims of component ${id} in the lattice state`, {
        error: errorText(err),
      });
    }
  }

  private failed(id: string, ref: string, maxInstances: number, annotations: StringMap, err: unknown): void {
    const error = errorText(err);
    this.deps.log.error(`component ${id} (${ref}) could not be started`, { error });
    this.deps.events.publish('component_scale_failed', {
      component_id: id,
      image_ref: ref,
      host_id: this.deps.hostId,
      max_instances: maxInstances,
      annotations,
      error,
    });
  }

  private async applyScale(cmd: ScaleComponentCommand): Promise<void> {
    const id = cmd.component_id;
    const existing = this.records.get(id);
    if (cmd.count === 0) {
      if (existing) {
        this.records.delete(id);
        await this.stopRunning(existing);
      }
      this.deps.log.info(`component ${id} scaled to 0`);
      this.scaled(
        id,
        existing?.ref ?? cmd.component_ref,
        0,
        existing?.annotations ?? cmd.annotations ?? {},
        existing?.claims,
      );
      return;
    }
    if (existing) {
      existing.running.setMaxInstances(cmd.count);
      existing.maxInstances = cmd.count;
      existing.configNames = cmd.config;
      if (cmd.annotations) existing.annotations = cmd.annotations;
      this.deps.log.info(`component ${id} scaled to ${cmd.count}`);
      this.scaled(id, existing.ref, cmd.count, existing.annotations, existing.claims);
      if (cmd.allow_update && cmd.component_ref !== '' && cmd.component_ref !== existing.ref) {
        await this.applyUpdate(id, cmd.component_ref, cmd.annotations);
      }
      return;
    }
    const annotations = cmd.annotations ?? {};
    const max = this.deps.maxComponents;
    if (max !== undefined && this.records.size + this.starting.size >= max) {
      this.failed(
        id,
        cmd.component_ref,
        cmd.count,
        annotations,
        new Error(`this host already runs its maximum of ${max} components (--max-components)`),
      );
      return;
    }
    this.starting.add(id);
    try {
      const { running, unserve, revalidate, claims } = await this.instantiate(id, cmd.component_ref, cmd.count);
      this.records.set(id, {
        id,
        ref: cmd.component_ref,
        annotations,
        maxInstances: cmd.count,
        configNames: cmd.config,
        limits: cmd.component_limits,
        revision: 0,
        running,
        claims,
        unserve,
      });
      this.deps.log.info(`component ${id} started`, { ref: cmd.component_ref, max_instances: cmd.count });
      this.scaled(id, cmd.component_ref, cmd.count, annotations, claims);
      this.followTag(id, cmd.component_ref, running, revalidate);
      await this.recordSpec(id, cmd.component_ref);
      await this.recordClaims(id, claims);
    } catch (err) {
      this.failed(id, cmd.component_ref, cmd.count, annotations, err);
    } finally {
      this.starting.delete(id);
    }
  }

  /** Zero-downtime swap: start the new version, point the id (and so HTTP routes) at it, stop the old one. */
  private async applyUpdate(id: string, newRef: string, annotations?: StringMap): Promise<void> {
    const old = this.records.get(id);
    if (!old) {
      this.deps.log.warn(`component ${id} stopped before its update to ${newRef} could start`);
      return;
    }
    let started: Serving;
    try {
      started = await this.instantiate(id, newRef, old.maxInstances);
    } catch (err) {
      this.failed(id, newRef, old.maxInstances, annotations ?? old.annotations, err);
      return;
    }
    const next: ComponentRecord = {
      ...old,
      ref: newRef,
      annotations: annotations ?? old.annotations,
      revision: 0,
      running: started.running,
      claims: started.claims,
      unserve: started.unserve,
    };
    this.records.set(id, next);
    this.deps.log.info(`component ${id} updated`, { from: old.ref, to: newRef });
    this.scaled(id, newRef, next.maxInstances, next.annotations, next.claims);
    this.followTag(id, newRef, started.running, started.revalidate);
    await this.stopRunning(old);
    this.scaled(id, old.ref, 0, old.annotations, old.claims);
    await this.recordSpec(id, newRef);
    await this.recordClaims(id, next.claims);
  }

  /**
   * Applies the registry's answer for a component started from its cached tag: a moved tag is swapped in
   * (zero-downtime, as an update) unless the component was scaled to 0 or updated meanwhile; a failed pull
   * leaves the cached start serving, with a warning.
   */
  private followTag(
    id: string,
    ref: string,
    running: RunningComponentLike,
    revalidate: (() => Promise<Revalidation>) | undefined,
  ): void {
    if (!revalidate) return;
    const delayMs = this.deps.tagRecheckDelayMs ?? TAG_RECHECK_DELAY_MS;
    const done: Promise<void> = new Promise((r) => setTimeout(r, delayMs).unref())
      .then(revalidate)
      .then(async (outcome) => {
        if (outcome.kind === 'failed') {
          this.deps.log.warn(`component ${id}: ${ref} could not be re-checked; serving the cached image`, {
            error: errorText(outcome.error),
          });
        } else if (outcome.kind === 'moved') {
          await this.queue.run(id, () => this.replaceMoved(id, ref, running, outcome.pulled));
        }
      })
      .catch((err) => {
        this.deps.log.error(`component ${id}: following ${ref} failed unexpectedly`, { error: errorText(err) });
      })
      .finally(() => this.revalidating.delete(done));
    this.revalidating.add(done);
  }

  private async replaceMoved(
    id: string,
    ref: string,
    cachedStart: RunningComponentLike,
    pulled: PulledLayer,
  ): Promise<void> {
    const old = this.records.get(id);
    if (!old || old.running !== cachedStart) return;
    this.deps.log.info(`component ${id}: ${ref} now names ${pulled.layerDigest}, not the cached image; replacing it`);
    let started: Serving;
    try {
      started = await this.serveExports(id, await this.startBytes(id, pulled.bytes, old.maxInstances));
    } catch (err) {
      // The cached start keeps serving; the failure is reported like any failed update.
      this.failed(id, ref, old.maxInstances, old.annotations, err);
      return;
    }
    const current = this.records.get(id);
    if (current !== old) {
      await this.stopRunning({ ...old, running: started.running, unserve: started.unserve });
      return;
    }
    const next: ComponentRecord = {
      ...old,
      revision: old.revision + 1,
      running: started.running,
      claims: started.claims,
      unserve: started.unserve,
    };
    this.records.set(id, next);
    this.scaled(id, ref, next.maxInstances, next.annotations, next.claims);
    await this.stopRunning(old);
    await this.recordClaims(id, next.claims);
  }

  private async instantiate(id: string, ref: string, maxInstances: number): Promise<Serving> {
    const started = await this.startFromRef(id, ref, maxInstances);
    return { ...(await this.serveExports(id, started)), revalidate: started.revalidate };
  }

  /** Reads or pulls the component and starts it (not yet reachable: nothing routes to it before it is recorded). */
  private async startFromRef(id: string, ref: string, maxInstances: number): Promise<Started> {
    const source = componentSource(ref, this.deps.allowFileLoad);
    const limit = this.deps.maxComponentSizeBytes ?? HOST_DEFAULTS.maxComponentSizeBytes;
    // The runtime (first use: module loading) is readied while the bytes arrive.
    this.deps.runtime().catch(() => undefined);
    if (source.kind !== 'oci')
      return this.startBytes(id, await readComponentFile(source.path, this.deps.allowedFileDirs, limit), maxInstances);
    const oci = this.deps.oci;
    if (!oci) throw new Error(`${ref} is an OCI reference and this host has no registry access configured`);
    // A cached tag serves at once and is re-checked behind it (tags move; see followTag), so a warm registry
    // start costs no more than a file:// one. Digest refs and uncached tags wait for the registry.
    const guess = await oci.guess?.(source.ref, limit).catch(() => undefined);
    if (!guess) return this.startBytes(id, (await oci.fetch(source.ref, limit)).bytes, maxInstances);
    const { started, revalidate } = await startCachedTag(
      guess,
      () => oci.fetch(source.ref, limit, guess),
      (bytes) => this.startBytes(id, bytes, maxInstances),
    );
    return { ...started, revalidate };
  }

  private async startBytes(id: string, bytes: Uint8Array, maxInstances: number): Promise<Started> {
    const claims = checkComponentClaims(bytes);
    const runtime = await this.deps.runtime();
    const loaded = await runtime.load(bytes);
    const builtin = await this.deps.imports?.(id);
    const wrpc = await this.wrpcFor(id, bytes);
    // Standard interfaces resolve to built-in capabilities; custom ones (only those) go over wRPC.
    const imports: ImportResolver | undefined =
      builtin && wrpc ? (iface) => builtin(iface) ?? wrpc.imports(iface) : (builtin ?? wrpc?.imports);
    const capabilities = {
      config: () => this.deps.config(this.records.get(id)?.configNames ?? []),
      ...(imports ? { imports } : {}),
    };
    const running = await runtime.start(loaded, { componentId: id, maxInstances, capabilities });
    return { running, wrpc, ...(claims ? { claims } : {}) };
  }

  private async serveExports(id: string, { running, wrpc, claims }: Started): Promise<Serving> {
    if (!wrpc) return { running, claims };
    const { canCallExports } = await import('../wrpc/host-bridge.js');
    if (!canCallExports(running)) return { running, claims };
    const served = wrpc.serveExports(
      (instance, func, args) => running.callExport(instance, func, args),
      (err) => {
        this.deps.log.warn(`a wRPC call into component ${id} failed`, { error: errorText(err) });
      },
    );
    return { running, claims, unserve: () => served.stop() };
  }

  /** wRPC wiring for a component with custom interfaces; a failure only loses that wiring, never the start. */
  private async wrpcFor(id: string, bytes: Uint8Array): Promise<ComponentWrpc | undefined> {
    if (!this.deps.wrpc) return undefined;
    try {
      return await this.deps.wrpc(id, bytes);
    } catch (err) {
      this.deps.log.warn(`component ${id}: its custom interfaces cannot be put on wRPC`, { error: errorText(err) });
      return undefined;
    }
  }

  private async stopQuietly(id: string, running: RunningComponentLike): Promise<void> {
    try {
      await running.stop();
    } catch (err) {
      this.deps.log.warn(`component ${id} did not stop cleanly`, { error: errorText(err) });
    }
  }

  private async stopRunning(rec: ComponentRecord): Promise<void> {
    rec.unserve?.();
    await this.stopQuietly(rec.id, rec.running);
  }

  private async recordSpec(id: string, ref: string): Promise<void> {
    try {
      await this.deps.ensureSpec(id, ref);
    } catch (err) {
      this.deps.log.warn(`could not record component ${id} in the lattice state`, { error: errorText(err) });
    }
  }

  /** Waits for queued work (tests, shutdown). */
  async idle(): Promise<void> {
    do {
      await Promise.all([...this.revalidating]);
      await this.queue.idle();
    } while (this.revalidating.size > 0);
  }

  /** Stops everything (host shutdown); no events, `host_stopped` covers it. */
  async stopAll(): Promise<void> {
    await this.queue.idle();
    const all = [...this.records.values()];
    this.records.clear();
    await Promise.all(all.map((r) => this.stopRunning(r)));
  }
}
