/** Spread arithmetic and host selection shared by the component and provider scalers (wadm.md §4.4). */
import { DEFAULT_SPREAD_WEIGHT } from '../../manifest/constants.js';
import type { StringMap } from '../../lattice/types.js';
import { DEFAULT_SPREAD_NAME } from './constants.js';
import type { HostState } from './state.js';

export interface SpreadDef {
  name: string;
  requirements: StringMap;
  weight?: number;
}

export interface SpreadTarget {
  spread: SpreadDef;
  count: number;
}

export const DEFAULT_SPREAD: SpreadDef = { name: DEFAULT_SPREAD_NAME, requirements: {} };

/**
 * How many instances each spread gets: sorted by weight (highest first, ties keep manifest order), each
 * gets `floor(instances × weight / total)`, the remainder goes one by one in that order. No spreads means
 * one `default` spread with everything. All-zero weights (a division by zero upstream) count as equal.
 */
export function computeSpread(instances: number, spreads: readonly SpreadDef[]): SpreadTarget[] {
  if (spreads.length === 0) return [{ spread: DEFAULT_SPREAD, count: instances }];
  const weightOf = (s: SpreadDef) => s.weight ?? DEFAULT_SPREAD_WEIGHT;
  const allZero = spreads.every((s) => weightOf(s) === 0);
  const weight = allZero ? () => 1 : weightOf;
  const sorted = spreads
    .map((s, i) => ({ s, i }))
    .sort((a, b) => weight(b.s) - weight(a.s) || a.i - b.i)
    .map((x) => x.s);
  const total = sorted.reduce((sum, s) => sum + weight(s), 0);
  const out = sorted.map((spread) => ({ spread, count: Math.floor((instances * weight(spread)) / total) }));
  let left = instances - out.reduce((sum, t) => sum + t.count, 0);
  for (const t of out) {
    if (left <= 0) break;
    t.count += 1;
    left -= 1;
  }
  return out;
}

export function hostMatches(host: Pick<HostState, 'labels'>, requirements: StringMap): boolean {
  // for…in rather than Object.entries: called per (scaler, host) on every pass, so no allocation.
  for (const k in requirements) if (Object.hasOwn(requirements, k) && host.labels[k] !== requirements[k]) return false;
  return true;
}

const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a, 32 bit, continued from state `h` (so a shared prefix is hashed once): cheap and stable across processes. */
function fnv1a(text: string, h = FNV_OFFSET): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The rendezvous score of (workload, host): FNV-1a of `${workloadKey}\u0000${hostId}`, the key part hashed once. */
function scorer(workloadKey: string): (hostId: string) => number {
  const seed = fnv1a(`${workloadKey}\u0000`);
  return (hostId) => fnv1a(hostId, seed);
}

/** True when host `a` (score `sa`) comes before host `b` in the preference order. */
function prefers(sa: number, a: string, sb: number, b: string): boolean {
  return sa > sb || (sa === sb && a < b);
}

/**
 * Hosts in the order a workload prefers them: rendezvous (highest-random-weight) hashing of the workload
 * key and the host id. Deterministic, spreads different workloads over different hosts, and adding or
 * removing a host only moves the workloads that preferred it.
 */
export function preferenceOrder<T extends { id: string }>(workloadKey: string, hosts: Iterable<T>): T[] {
  const score = scorer(workloadKey);
  return [...hosts]
    .map((h) => ({ h, score: score(h.id) }))
    .sort((a, b) => b.score - a.score || (a.h.id < b.h.id ? -1 : a.h.id > b.h.id ? 1 : 0))
    .map((x) => x.h);
}

/**
 * `preferenceOrder(workloadKey, hosts).find(accept)` without sorting every host: placing one instance (every
 * first deploy, for every component) needs only the best acceptable host.
 */
export function mostPreferred<T extends { id: string }>(
  workloadKey: string,
  hosts: Iterable<T>,
  accept: (host: T) => boolean,
): T | undefined {
  const score = scorer(workloadKey);
  let best: T | undefined;
  let bestScore = 0;
  for (const h of hosts) {
    if (!accept(h)) continue;
    const sc = score(h.id);
    if (best === undefined || prefers(sc, h.id, bestScore, best.id)) {
      best = h;
      bestScore = sc;
    }
  }
  return best;
}
