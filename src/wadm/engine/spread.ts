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
  for (const [k, v] of Object.entries(requirements)) if (host.labels[k] !== v) return false;
  return true;
}

/** FNV-1a, 32 bit: cheap and stable across processes. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Hosts in the order a workload prefers them: rendezvous (highest-random-weight) hashing of the workload
 * key and the host id. Deterministic, spreads different workloads over different hosts, and adding or
 * removing a host only moves the workloads that preferred it.
 */
export function preferenceOrder<T extends { id: string }>(workloadKey: string, hosts: Iterable<T>): T[] {
  return [...hosts]
    .map((h) => ({ h, score: fnv1a(`${workloadKey}\u0000${h.id}`) }))
    .sort((a, b) => b.score - a.score || (a.h.id < b.h.id ? -1 : a.h.id > b.h.id ? 1 : 0))
    .map((x) => x.h);
}
