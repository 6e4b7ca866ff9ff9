/**
 * One deployed app: its wrapped scalers, and the pure operations on it — reconcile a pass, settle events,
 * record command failures, and the diff that upgrades or rolls back to another version.
 */
import type { LatticeEvent } from '../../lattice/events.js';
import { manifestVersion } from '../../manifest/names.js';
import type { Manifest } from '../../manifest/schema.js';
import type { ObservedSummary, ScalerStatus, Status } from '../types.js';
import {
  newRuntime,
  observeScalerEvent,
  scalerCommandFailed,
  scalerCommandNotSent,
  scalerCommandQueued,
  scalerCommandSent,
  scalerDeadline,
  stepScaler,
  type ScalerRuntime,
} from './backoff.js';
import type { Command, TaggedCommand } from './commands.js';
import { SCALER_KEY } from './constants.js';
import { manifestToScalers } from './manifest-to-scalers.js';
import {
  cleanupPrerequisite,
  cleanupScaler,
  workloadIdOf,
  type ReconcileContext,
  type ScalerSpec,
} from './scalers/index.js';
import type { LatticeState } from './state.js';
import { aggregateStatus, waitingStatus } from './status.js';

export interface AppRuntime {
  name: string;
  version?: string;
  manifest: Manifest;
  scalers: ScalerRuntime[];
  ctx: ReconcileContext;
  warnings: string[];
}

export interface AppPass {
  commands: TaggedCommand[];
  status: Status;
}

function contextOf(specs: readonly ScalerSpec[]): ReconcileContext {
  return { appScalerIds: new Set(specs.map((s) => s.id)) };
}

/** A fresh app from a manifest (no scalers carried over). */
export function createApp(manifest: Manifest): AppRuntime {
  const { scalers, warnings } = manifestToScalers(manifest);
  return {
    name: manifest.metadata.name,
    version: manifestVersion(manifest),
    manifest,
    scalers: scalers.map(newRuntime),
    ctx: contextOf(scalers),
    warnings,
  };
}

/** Key of a command for de-duplication within one pass. */
function commandKey(c: Command): string {
  switch (c.type) {
    case 'PutConfig':
    case 'DeleteConfig':
      return `${c.type}|${c.name}`;
    case 'PutLink':
      return `${c.type}|${c.link.source_id}|${c.link.wit_namespace}|${c.link.wit_package}|${c.link.name}|${c.link.target}`;
    case 'DeleteLink':
      return `${c.type}|${c.sourceId}|${c.namespace}|${c.package}|${c.name}`;
    case 'ScaleComponent':
    case 'UpdateComponent':
      return `${c.type}|${c.componentId}|${c.hostId}`;
    case 'StartProvider':
    case 'StopProvider':
      return `${c.type}|${c.providerId}|${c.hostId}`;
  }
}

function dedupe(commands: TaggedCommand[]): TaggedCommand[] {
  const seen = new Set<string>();
  return commands.filter((t) => {
    const k = commandKey(t.command);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function toScalerStatus(
  spec: ScalerSpec,
  r: { status: ScalerStatus['status']; desired?: number; observed?: number },
): ScalerStatus {
  const out: ScalerStatus = { id: spec.id, kind: spec.kind, name: spec.name, status: r.status };
  if (r.desired !== undefined) out.desired = r.desired;
  if (r.observed !== undefined) out.observed = r.observed;
  return out;
}

function observedSummary(state: LatticeState, app: AppRuntime, statuses: readonly ScalerStatus[]): ObservedSummary {
  let components = 0;
  let providers = 0;
  let links = 0;
  const hosts = new Set<string>();
  app.scalers.forEach((rt, i) => {
    const spec = rt.spec;
    const observed = statuses[i]?.observed ?? 0;
    if (spec.role === 'component') {
      components += observed;
      for (const [host, rec] of state.components.get(spec.componentId) ?? [])
        if (rec.annotations[SCALER_KEY] === spec.id) hosts.add(host);
    } else if (spec.role === 'provider') {
      providers += observed;
      for (const [host, rec] of state.providers.get(spec.providerId) ?? [])
        if (rec.annotations[SCALER_KEY] === spec.id) hosts.add(host);
    } else if (spec.role === 'link') {
      links += observed;
    }
  });
  // `hosts`: hosts running something this app's scalers started.
  return { hosts: hosts.size, components, providers, links };
}

/**
 * One level-based pass over every scaler of the app. With no hosts in the lattice nothing is attempted
 * and the app reports `waiting`.
 */
export function reconcileApp(app: AppRuntime, state: LatticeState, now: number): AppPass {
  if (state.hosts.size === 0) {
    const statuses = app.scalers.map((rt) => toScalerStatus(rt.spec, { status: { type: 'waiting' } }));
    return { commands: [], status: waitingStatus(statuses, { hosts: 0, components: 0, providers: 0, links: 0 }) };
  }
  const commands: TaggedCommand[] = [];
  const statuses: ScalerStatus[] = [];
  for (const rt of app.scalers) {
    const r = stepScaler(rt, state, app.ctx, now);
    for (const command of r.commands) commands.push({ app: app.name, scalerId: rt.spec.id, command });
    statuses.push(toScalerStatus(rt.spec, r));
  }
  return { commands: dedupe(commands), status: aggregateStatus(statuses, observedSummary(state, app, statuses)) };
}

/** Lets the app's scalers settle what they were waiting for. True when one of them was. */
export function observeAppEvent(app: AppRuntime, event: LatticeEvent, now: number): boolean {
  let matched = false;
  for (const rt of app.scalers) if (observeScalerEvent(rt, event, now)) matched = true;
  return matched;
}

export function appCommandFailed(
  app: AppRuntime,
  scalerId: string | undefined,
  cmd: Command,
  error: string,
  now: number,
): void {
  const rt = scalerId === undefined ? undefined : app.scalers.find((s) => s.spec.id === scalerId);
  if (rt) scalerCommandFailed(rt, cmd, error, now);
}

function scalerOf(app: AppRuntime, scalerId: string | undefined): ScalerRuntime | undefined {
  return scalerId === undefined ? undefined : app.scalers.find((s) => s.spec.id === scalerId);
}

/** A command of the app was queued for sending (its expected event is held until it is sent). */
export function appCommandQueued(app: AppRuntime, scalerId: string | undefined, cmd: Command): void {
  const rt = scalerOf(app, scalerId);
  if (rt) scalerCommandQueued(rt, cmd);
}

/** A queued command of the app was dropped unsent. */
export function appCommandNotSent(app: AppRuntime, scalerId: string | undefined, cmd: Command): void {
  const rt = scalerOf(app, scalerId);
  if (rt) scalerCommandNotSent(rt, cmd);
}

/** A command of the app reached the control interface now (restarts its expected-event window). */
export function appCommandSent(app: AppRuntime, scalerId: string | undefined, cmd: Command, now: number): void {
  const rt = scalerId === undefined ? undefined : app.scalers.find((s) => s.spec.id === scalerId);
  if (rt) scalerCommandSent(rt, cmd, now);
}

/** The earliest time a scaler of the app stops waiting by itself. */
export function appDeadline(app: AppRuntime): number | undefined {
  let next: number | undefined;
  for (const rt of app.scalers) {
    const d = scalerDeadline(rt);
    if (d !== undefined) next = next === undefined ? d : Math.min(next, d);
  }
  return next;
}

/** Configs an app's scalers read (the engine keeps them in the observed state). */
export function appConfigNames(app: AppRuntime): string[] {
  const names = new Set<string>();
  for (const rt of app.scalers) for (const p of rt.spec.prerequisites) names.add(p.name);
  return [...names];
}

function linkIdentityOf(spec: ScalerSpec): string | undefined {
  if (spec.role !== 'link') return undefined;
  const l = spec.link;
  return `${l.source_id}|${l.wit_namespace}|${l.wit_package}|${l.name}|${l.target}`;
}

function ownedConfigNames(specs: readonly ScalerSpec[]): Set<string> {
  const out = new Set<string>();
  for (const s of specs) {
    for (const p of s.prerequisites) out.add(p.name);
    if (s.role === 'component' || s.role === 'provider') for (const c of s.config) out.add(c);
    if (s.role === 'link') for (const c of [...s.link.source_config, ...s.link.target_config]) out.add(c);
  }
  return out;
}

/** What stops the observed workloads and links of `removed` that no `kept` scaler adopts. */
export function scalerCleanup(
  appName: string,
  removed: readonly ScalerSpec[],
  kept: readonly ScalerSpec[],
  state: LatticeState,
  ctx: ReconcileContext,
): TaggedCommand[] {
  const keptWorkloads = new Set(kept.map((s) => (workloadIdOf(s) === undefined ? '' : `${s.role}|${workloadIdOf(s)}`)));
  const keptLinks = new Set(kept.map(linkIdentityOf).filter((x): x is string => x !== undefined));
  const out: TaggedCommand[] = [];
  for (const spec of removed) {
    const wid = workloadIdOf(spec);
    // The new scaler for the same id adopts these instances (update in place) instead of stop + start.
    if (wid !== undefined && keptWorkloads.has(`${spec.role}|${wid}`)) continue;
    const lid = linkIdentityOf(spec);
    if (lid !== undefined && keptLinks.has(lid)) continue;
    for (const command of cleanupScaler(spec, state, ctx)) out.push({ app: appName, command });
  }
  return out;
}

/** Cleanup for `removed` scalers, sparing whatever the `kept` ones still manage (and the configs they use). */
function cleanupFor(
  appName: string,
  removed: readonly ScalerSpec[],
  kept: readonly ScalerSpec[],
  state: LatticeState,
  ctx: ReconcileContext,
): TaggedCommand[] {
  const keptConfigs = ownedConfigNames(kept);
  const out = scalerCleanup(appName, removed, kept, state, ctx);
  for (const spec of removed) {
    for (const p of spec.prerequisites) {
      if (keptConfigs.has(p.name)) continue;
      for (const command of cleanupPrerequisite(p)) out.push({ app: appName, command });
    }
  }
  return dedupe(out);
}

export interface Upgrade {
  app: AppRuntime;
  /** Run these first: what the old version had and the new one does not. */
  cleanup: TaggedCommand[];
  /** Scaler ids by fate, for logs and tests. */
  kept: string[];
  added: string[];
  removed: string[];
}

/**
 * Moves an app to another manifest version (upgrade, rollback, or a first deploy when `previous` is
 * undefined). Scalers whose id is unchanged keep their state; removed ones are cleaned up unless a new
 * scaler manages the same component/provider id or link, in which case it takes over in place.
 */
export function upgradeApp(previous: AppRuntime | undefined, manifest: Manifest, state: LatticeState): Upgrade {
  const next = createApp(manifest);
  if (!previous) return { app: next, cleanup: [], kept: [], added: next.scalers.map((s) => s.spec.id), removed: [] };
  const oldById = new Map(previous.scalers.map((rt) => [rt.spec.id, rt] as const));
  const kept: string[] = [];
  const added: string[] = [];
  next.scalers = next.scalers.map((rt) => {
    const old = oldById.get(rt.spec.id);
    if (!old) {
      added.push(rt.spec.id);
      return rt;
    }
    kept.push(rt.spec.id);
    return { ...old, spec: rt.spec };
  });
  const newIds = next.ctx.appScalerIds;
  const removedSpecs = previous.scalers.map((rt) => rt.spec).filter((s) => !newIds.has(s.id));
  const cleanup = cleanupFor(
    next.name,
    removedSpecs,
    next.scalers.map((rt) => rt.spec),
    state,
    next.ctx,
  );
  return { app: next, cleanup, kept, added, removed: removedSpecs.map((s) => s.id) };
}

/** Everything to run when the app is undeployed (not used for `orphan` undeploys). */
export function undeployApp(app: AppRuntime, state: LatticeState): TaggedCommand[] {
  return cleanupFor(
    app.name,
    app.scalers.map((rt) => rt.spec),
    [],
    state,
    app.ctx,
  );
}
