/**
 * Provider spreadscaler and daemonscaler (wadm.md §4.4): at most one provider instance per host. A provider
 * started by anyone counts as running (apps can share one), but only owned instances are ever stopped.
 * Providers cannot be updated in place and take their config only at start, so a stale instance of the same
 * app (left by a scaler that an upgrade replaced: new image or new config) is stopped, then started anew.
 */
import type { Command, StartProvider, StopProvider } from '../commands.js';
import { managedAnnotations, workloadAnnotations } from '../ids.js';
import { computeSpread, DEFAULT_SPREAD, hostMatches, preferenceOrder, type SpreadDef } from '../spread.js';
import type { HostState, LatticeState, ProviderOnHost } from '../state.js';
import { ownershipOf, spreadNameOf, type Ownership } from './ownership.js';
import {
  deployed,
  failed,
  reconciling,
  type ProviderScalerSpec,
  type ReconcileContext,
  type ScalerResult,
} from './types.js';

const NO_RECORDS: ReadonlyMap<string, ProviderOnHost> = new Map();

function startCmd(spec: ProviderScalerSpec, hostId: string, spreadName: string): StartProvider {
  return {
    type: 'StartProvider',
    providerId: spec.providerId,
    hostId,
    reference: spec.reference,
    modelName: spec.modelName,
    annotations: workloadAnnotations(spec.modelName, spec.id, spreadName),
    config: [...spec.config],
  };
}

function stopCmd(spec: ProviderScalerSpec, hostId: string): StopProvider {
  return {
    type: 'StopProvider',
    providerId: spec.providerId,
    hostId,
    modelName: spec.modelName,
    annotations: managedAnnotations(spec.modelName),
  };
}

interface Survey {
  records: ReadonlyMap<string, ProviderOnHost>;
  ownership: Map<string, Ownership>;
  hosts: HostState[];
}

/** Phases shared by both kinds: owned instances on ineligible hosts, then stale ones to replace. */
function survey(
  spec: ProviderScalerSpec,
  state: LatticeState,
  ctx: ReconcileContext,
  spreads: readonly SpreadDef[],
): Survey | ScalerResult {
  const records = state.providers.get(spec.providerId) ?? NO_RECORDS;
  const hosts: HostState[] = [];
  for (const h of state.hosts.values()) if (!h.partial) hosts.push(h);
  const ownership = new Map<string, Ownership>();
  for (const [host, rec] of records) ownership.set(host, ownershipOf(rec.annotations, spec, ctx));

  const ineligible: Command[] = [];
  for (const [hostId, who] of ownership) {
    const host = state.hosts.get(hostId);
    if (who === 'foreign' || !host || host.partial) continue;
    if (!spreads.some((s) => hostMatches(host, s.requirements))) ineligible.push(stopCmd(spec, hostId));
  }
  if (ineligible.length)
    return { commands: ineligible, status: reconciling('Found providers running on ineligible hosts, removing them.') };

  const replace: Command[] = [];
  for (const [hostId, who] of ownership) {
    if (who === 'stale') replace.push(stopCmd(spec, hostId));
  }
  if (replace.length)
    return { commands: replace, status: reconciling(`Replacing provider on ${replace.length} host(s)`) };
  return { records, ownership, hosts };
}

function isResult(x: Survey | ScalerResult): x is ScalerResult {
  return 'commands' in x;
}

function finish(s: Survey, commands: Command[], failures: string[], desired: number, observed: number): ScalerResult {
  if (failures.length) return { commands, status: failed(failures.join(' ')), desired, observed };
  if (commands.length)
    return { commands, status: reconciling(`Scaling provider on ${commands.length} host(s)`), desired, observed };
  let unhealthy = 0;
  for (const [hostId, who] of s.ownership)
    if (who !== 'foreign' && s.records.get(hostId)!.health === 'failed') unhealthy += 1;
  if (unhealthy)
    return {
      commands,
      status: { type: 'unhealthy', message: `Unhealthy provider on ${unhealthy} host(s)` },
      desired,
      observed,
    };
  return { commands, status: deployed(), desired, observed };
}

export function reconcileProviderSpread(
  spec: ProviderScalerSpec,
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
  const commands: Command[] = [];
  const failures: string[] = [];
  /** Hosts used by a spread in this pass (running or chosen). */
  const used = new Set<string>();
  let observed = 0;

  for (const { spread, count: target } of targets) {
    const eligible = preferenceOrder(
      spec.providerId,
      s.hosts.filter((h) => hostMatches(h, spread.requirements) && !used.has(h.id)),
    );
    const running = eligible.filter((h) => s.records.has(h.id));
    const forThis = running.filter(
      (h) => s.ownership.get(h.id) === 'own' && spreadNameOf(s.records.get(h.id)!.annotations) === spread.name,
    );
    for (const h of running) used.add(h.id);
    observed += Math.min(running.length, target);

    if (running.length > target && forThis.length) {
      // Stop the surplus among our own, least preferred first.
      const surplus = Math.min(running.length - target, forThis.length);
      for (const h of forThis.slice(-surplus).reverse()) commands.push(stopCmd(spec, h.id));
    } else if (running.length < target) {
      const need = target - running.length;
      const candidates = eligible.filter((h) => !s.records.has(h.id));
      for (const h of candidates.slice(0, need)) {
        commands.push(startCmd(spec, h.id, spread.name));
        used.add(h.id);
      }
      if (candidates.length < need) {
        failures.push(
          `Could not satisfy spread ${spread.name} for ${spec.reference}, ${forThis.length}/${target} eligible hosts found.`,
        );
      }
    }
  }
  return finish(s, commands, failures, spec.instances, observed);
}

export function reconcileProviderDaemon(
  spec: ProviderScalerSpec,
  state: LatticeState,
  ctx: ReconcileContext,
): ScalerResult {
  const spreads = spec.spreads.length ? spec.spreads : [DEFAULT_SPREAD];
  const s = survey(spec, state, ctx, spreads);
  if (isResult(s)) return s;
  if (spec.instances === 0) {
    const stops = cleanupProvider(spec, state, ctx);
    return finish(s, stops, [], 0, stops.length);
  }
  const commands: Command[] = [];
  const failures: string[] = [];
  const taken = new Set<string>();
  let desired = 0;
  let observed = 0;
  for (const spread of spreads) {
    const matching = s.hosts.filter((h) => hostMatches(h, spread.requirements));
    if (matching.length === 0) {
      failures.push(`Could not satisfy daemonscaler ${spread.name} for ${spec.reference}, 0 eligible hosts found.`);
      continue;
    }
    for (const h of matching) {
      if (taken.has(h.id)) continue;
      taken.add(h.id);
      desired += 1;
      if (s.records.has(h.id)) observed += 1;
      else commands.push(startCmd(spec, h.id, spread.name));
    }
  }
  return finish(s, commands, failures, desired, observed);
}

/** Stop every instance this scaler owns. */
export function cleanupProvider(spec: ProviderScalerSpec, state: LatticeState, ctx: ReconcileContext): StopProvider[] {
  const out: StopProvider[] = [];
  for (const [hostId, rec] of state.providers.get(spec.providerId) ?? NO_RECORDS) {
    if (ownershipOf(rec.annotations, spec, ctx) !== 'foreign') out.push(stopCmd(spec, hostId));
  }
  return out;
}
