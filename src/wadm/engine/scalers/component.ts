/**
 * Component spreadscaler and daemonscaler (wadm.md §4.4). A pass has phases, and stops at the first that
 * has work: (1) owned instances on hosts no spread accepts are scaled to 0; (2) owned instances running
 * another image are updated in place (`component.update`, no downtime); (3) counts are brought to target,
 * which also re-labels adopted instances with this scaler's annotations.
 */
import type { ScaleComponent, UpdateComponent, Command } from '../commands.js';
import { SPREAD_KEY } from '../constants.js';
import { managedAnnotations, workloadAnnotations } from '../ids.js';
import {
  computeSpread,
  hostMatches,
  mostPreferred,
  preferenceOrder,
  type SpreadDef,
  type SpreadTarget,
  DEFAULT_SPREAD,
} from '../spread.js';
import type { ComponentOnHost, HostState, LatticeState } from '../state.js';
import { carriesOwnership, ownershipOf, spreadNameOf } from './ownership.js';
import {
  deployed,
  failed,
  reconciling,
  type ComponentScalerSpec,
  type ReconcileContext,
  type ScalerResult,
} from './types.js';

interface Owned {
  host: string;
  rec: ComponentOnHost;
  /** The spread this instance counts for. */
  spread?: string;
}

const NO_RECORDS: ReadonlyMap<string, ComponentOnHost> = new Map();

function scaleCmd(spec: ComponentScalerSpec, hostId: string, count: number, spreadName: string): ScaleComponent {
  return {
    type: 'ScaleComponent',
    componentId: spec.componentId,
    hostId,
    count,
    reference: spec.reference,
    modelName: spec.modelName,
    annotations: workloadAnnotations(spec.modelName, spec.id, spreadName),
    config: [...spec.config],
  };
}

function stopCmd(spec: ComponentScalerSpec, hostId: string): ScaleComponent {
  return {
    type: 'ScaleComponent',
    componentId: spec.componentId,
    hostId,
    count: 0,
    reference: spec.reference,
    modelName: spec.modelName,
    annotations: managedAnnotations(spec.modelName),
    config: [...spec.config],
  };
}

/** Hosts whose labels we know (placeholders from stray events are never scheduled on). */
function knownHosts(state: LatticeState): HostState[] {
  const out: HostState[] = [];
  for (const h of state.hosts.values()) if (!h.partial) out.push(h);
  return out;
}

interface Survey {
  records: ReadonlyMap<string, ComponentOnHost>;
  owned: Owned[];
  hosts: HostState[];
  spreads: SpreadDef[];
}

/** Common first two phases. Returns a finished result when one of them has work. */
function survey(
  spec: ComponentScalerSpec,
  state: LatticeState,
  ctx: ReconcileContext,
  spreads: SpreadDef[],
): Survey | ScalerResult {
  const records = state.components.get(spec.componentId) ?? NO_RECORDS;
  const hosts = knownHosts(state);
  const owned: Owned[] = [];
  for (const [host, rec] of records)
    if (ownershipOf(rec.annotations, spec, ctx) !== 'foreign') owned.push({ host, rec });
  const observed = owned.reduce((n, o) => n + o.rec.count, 0);

  // (1) Instances we own on hosts that match no spread.
  const ineligible: Command[] = [];
  for (const o of owned) {
    const host = state.hosts.get(o.host);
    if (!host || host.partial || o.rec.count === 0) continue;
    if (!spreads.some((s) => hostMatches(host, s.requirements))) ineligible.push(stopCmd(spec, o.host));
  }
  if (ineligible.length) {
    return {
      commands: ineligible,
      status: reconciling('Found components running on ineligible hosts, removing them.'),
      observed,
    };
  }

  // Which spread each owned instance counts for: the one it is labelled with, else the first its host fits.
  const names = new Set(spreads.map((s) => s.name));
  for (const o of owned) {
    const labelled = spreadNameOf(o.rec.annotations);
    if (labelled !== undefined && names.has(labelled)) {
      o.spread = labelled;
      continue;
    }
    const host = state.hosts.get(o.host);
    o.spread = host && !host.partial ? spreads.find((s) => hostMatches(host, s.requirements))?.name : spreads[0]?.name;
  }

  // (2) Owned instances on another image: swap it in place.
  const updates: UpdateComponent[] = [];
  for (const o of owned) {
    if (o.rec.count === 0 || o.rec.imageRef === spec.reference || o.spread === undefined) continue;
    updates.push({
      type: 'UpdateComponent',
      componentId: spec.componentId,
      hostId: o.host,
      reference: spec.reference,
      modelName: spec.modelName,
      annotations: workloadAnnotations(spec.modelName, spec.id, o.spread),
    });
  }
  if (updates.length) {
    return {
      commands: updates,
      status: reconciling(`Updating component on ${updates.length} host(s)`),
      observed,
      labelled: updates.map((u) => u.hostId),
    };
  }
  return { records, owned, hosts, spreads };
}

function isResult(x: Survey | ScalerResult): x is ScalerResult {
  return 'commands' in x;
}

function finish(commands: Command[], failures: string[], desired: number, observed: number): ScalerResult {
  const labelled = commands.flatMap((c) => (c.type === 'ScaleComponent' && c.count > 0 ? [c.hostId] : []));
  const base = { commands, desired, observed, ...(labelled.length ? { labelled } : {}) };
  if (failures.length) return { ...base, status: failed(failures.join(' ')) };
  if (commands.length) return { ...base, status: reconciling(`Scaling component on ${commands.length} host(s)`) };
  return { ...base, status: deployed() };
}

/**
 * Commands for hosts whose planned count differs from what runs there, or that run an adopted instance not
 * yet asked to carry this scaler's annotations (a same-count scale: it also applies a changed config list).
 */
function diffCommands(
  spec: ComponentScalerSpec,
  owned: readonly Owned[],
  planned: ReadonlyMap<string, number>,
  spreadName: string,
  ctx: ReconcileContext,
): ScaleComponent[] {
  const cmds: ScaleComponent[] = [];
  const current = new Map(owned.map((o) => [o.host, o] as const));
  for (const [host, count] of planned) {
    const o = current.get(host);
    if (!o && count === 0) continue;
    if (o && o.rec.count === count) {
      const labelled =
        count === 0 || carriesOwnership(o.rec.annotations, spec.id, spreadName) || ctx.labelled?.has(host);
      if (labelled) continue;
    }
    cmds.push(count === 0 ? stopCmd(spec, host) : scaleCmd(spec, host, count, spreadName));
  }
  return cmds;
}

export function reconcileComponentSpread(
  spec: ComponentScalerSpec,
  state: LatticeState,
  ctx: ReconcileContext,
): ScalerResult {
  const targets = computeSpread(spec.instances, spec.spreads);
  const s = survey(
    spec,
    state,
    ctx,
    targets.map((t) => t.spread),
  );
  if (isResult(s)) return { ...s, desired: spec.instances };
  const { records, owned, hosts } = s;
  const observed = owned.reduce((n, o) => n + o.rec.count, 0);

  const commands: ScaleComponent[] = [];
  const failures: string[] = [];
  /** Spreads already reported as unsatisfiable (left out of the conflict check). */
  const unsatisfiable = new Set<string>();
  /** host → spread that will hold it after this pass */
  const claimed = new Map<string, string>();
  for (const o of owned) if (o.rec.count > 0 && o.spread) claimed.set(o.host, o.spread);

  for (const { spread, count: target } of targets) {
    const mine = owned.filter((o) => o.spread === spread.name && o.rec.count > 0);
    const current = mine.reduce((n, o) => n + o.rec.count, 0);
    const matching = hosts.filter((h) => hostMatches(h, spread.requirements));
    // The preference order (a hash per host) is only needed to place or remove instances; a spread already at its
    // count (every steady-state pass, for every component) skips it — at 20k components × 100 hosts that mattered.
    let order: typeof matching | undefined;
    const eligibleOrder = () => (order ??= preferenceOrder(spec.componentId, matching));
    let ranks: Map<string, number> | undefined;
    const rank = () => (ranks ??= new Map(eligibleOrder().map((h, i) => [h.id, i] as const)));
    const planned = new Map(mine.map((o) => [o.host, o.rec.count] as const));

    if (matching.length === 0) {
      if (target > 0 || current > 0)
        failures.push(`Could not satisfy spread ${spread.name} for ${spec.reference}, 0/1 eligible hosts found.`);
      unsatisfiable.add(spread.name);
      // Nowhere to run: leave what is there (the ineligible phase already removed instances no spread accepts).
      continue;
    }
    if (current < target) {
      const deficit = target - current;
      if (mine.length) {
        // Grow where it already runs: one host per spread, as wasmCloud 1.x scales by a per-host cap.
        const best =
          mine.length === 1
            ? mine[0]
            : [...mine].sort(
                (a, b) =>
                  b.rec.count - a.rec.count || (rank().get(a.host) ?? Infinity) - (rank().get(b.host) ?? Infinity),
              )[0];
        planned.set(best.host, best.rec.count + deficit);
      } else {
        const free = mostPreferred(spec.componentId, matching, (h) => !records.has(h.id) && !claimed.has(h.id));
        // No free host: take one that only our other spreads use, so the conflict check below reports it.
        const shared =
          free ?? mostPreferred(spec.componentId, matching, (h) => !records.has(h.id) || ownedBy(owned, h.id));
        if (!shared) {
          failures.push(
            `Could not satisfy spread ${spread.name} for ${spec.reference}: every eligible host already runs ${spec.componentId} for something else.`,
          );
          unsatisfiable.add(spread.name);
          continue;
        }
        planned.set(shared.id, deficit);
        if (free) claimed.set(free.id, spread.name);
      }
    } else if (current > target) {
      let excess = current - target;
      // Shrink hosts this spread no longer fits first, then the least preferred.
      const shrinkOrder = [...mine].sort((a, b) => (rank().get(b.host) ?? Infinity) - (rank().get(a.host) ?? Infinity));
      for (const o of shrinkOrder) {
        if (excess <= 0) break;
        const take = Math.min(o.rec.count, excess);
        planned.set(o.host, o.rec.count - take);
        excess -= take;
      }
    }
    commands.push(...diffCommands(spec, mine, planned, spread.name, ctx));
  }

  const conflicts = spreadConflicts(
    targets.filter((t) => !unsatisfiable.has(t.spread.name)),
    owned,
    commands,
  );
  if (conflicts.length) {
    return {
      commands: [],
      status: failed(`Spread requirement conflict: ${conflicts.join(', ')}`),
      desired: spec.instances,
      observed,
    };
  }
  return finish(commands, failures, spec.instances, observed);
}

function ownedBy(owned: readonly Owned[], hostId: string): boolean {
  return owned.some((o) => o.host === hostId);
}

/**
 * wasmCloud 1.x keeps one record per component per host, so two spreads cannot share a host. Projects
 * the per-host (spread, count) after the commands and compares each spread's total with its target.
 */
function spreadConflicts(
  targets: readonly SpreadTarget[],
  owned: readonly Owned[],
  commands: readonly ScaleComponent[],
): string[] {
  const projected = new Map<string, { spread?: string; count: number }>();
  for (const o of owned) projected.set(o.host, { spread: o.spread, count: o.rec.count });
  for (const c of commands)
    projected.set(c.hostId, { spread: c.count === 0 ? undefined : c.annotations[SPREAD_KEY], count: c.count });
  const out: string[] = [];
  for (const { spread, count } of targets) {
    let sum = 0;
    for (const p of projected.values()) if (p.spread === spread.name) sum += p.count;
    if (sum !== count)
      out.push(`${spread.name} spread requires ${count} instances vs ${sum} computed from reconciliation commands`);
  }
  return out;
}

export function reconcileComponentDaemon(
  spec: ComponentScalerSpec,
  state: LatticeState,
  ctx: ReconcileContext,
): ScalerResult {
  const spreads = spec.spreads.length ? spec.spreads : [DEFAULT_SPREAD];
  const s = survey(spec, state, ctx, spreads);
  if (isResult(s)) return s;
  const { records, owned, hosts } = s;
  const observed = owned.reduce((n, o) => n + o.rec.count, 0);
  const ownedByHost = new Map(owned.map((o) => [o.host, o] as const));

  const commands: ScaleComponent[] = [];
  const failures: string[] = [];
  let eligibleHosts = 0;
  const taken = new Set<string>();
  for (const spread of spreads) {
    const matching = hosts.filter((h) => hostMatches(h, spread.requirements));
    if (matching.length === 0) {
      failures.push(`Could not satisfy daemonscaler ${spread.name} for ${spec.reference}, 0 eligible hosts found.`);
      continue;
    }
    for (const host of matching) {
      // A host fitting several spreads belongs to the first: one record per host.
      if (taken.has(host.id)) continue;
      taken.add(host.id);
      const o = ownedByHost.get(host.id);
      if (!o && records.has(host.id)) continue; // runs it for someone else: not ours to take over
      eligibleHosts += 1;
      const planned = new Map([[host.id, spec.instances]]);
      commands.push(...diffCommands(spec, o ? [o] : [], planned, spread.name, ctx));
    }
  }
  return finish(commands, failures, spec.instances * eligibleHosts, observed);
}

/** Scale every instance this scaler owns to 0 (undeploy, or a scaler removed by an upgrade). */
export function cleanupComponent(spec: ComponentScalerSpec, state: LatticeState, ctx: ReconcileContext): Command[] {
  const records = state.components.get(spec.componentId) ?? NO_RECORDS;
  const out: Command[] = [];
  for (const [host, rec] of records) {
    if (rec.count > 0 && ownershipOf(rec.annotations, spec, ctx) !== 'foreign') out.push(stopCmd(spec, host));
  }
  return out;
}
