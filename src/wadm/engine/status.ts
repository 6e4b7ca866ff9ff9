/** Per-scaler and per-app status (wadm.md §4.7), plus our desired/observed counts. */
import {
  NO_HOSTS_MESSAGE,
  type ObservedSummary,
  type ScalerStatus,
  type Status,
  type StatusInfo,
  type StatusType,
} from '../types.js';

/** Aggregation precedence: the highest rank wins (§4.7). */
const RANK: Record<StatusType, number> = {
  deployed: 0,
  unhealthy: 1,
  reconciling: 2,
  waiting: 3,
  undeployed: 4,
  failed: 5,
};

export function aggregateStatusType(types: readonly StatusType[]): StatusType {
  if (types.length === 0) return 'undeployed';
  return types.reduce((a, b) => (RANK[b] > RANK[a] ? b : a));
}

/** A StatusInfo with the message omitted when empty (as wadm serialises it). */
export function statusInfo(type: StatusType, message?: string): StatusInfo {
  const m = message?.trim();
  return m ? { type, message: m } : { type };
}

/** The app status from its scalers: the "sum" of their types, their non-empty messages joined with ", ". */
export function aggregateStatus(scalers: readonly ScalerStatus[], observed?: ObservedSummary): Status {
  const type = aggregateStatusType(scalers.map((s) => s.status.type));
  const message = scalers
    .map((s) => s.status.message?.trim() ?? '')
    .filter(Boolean)
    .join(', ');
  const status: Status = { status: statusInfo(type, message), version: '', components: [] };
  if (scalers.length) status.scalers = [...scalers];
  if (observed) status.observed = observed;
  return status;
}

/** What an app reports while the lattice has no hosts: nothing can be placed, nothing is attempted. */
export function waitingStatus(scalers: readonly ScalerStatus[], observed?: ObservedSummary): Status {
  const status: Status = { status: { type: 'waiting', message: NO_HOSTS_MESSAGE }, version: '', components: [] };
  if (scalers.length) status.scalers = scalers.map((s) => ({ ...s, status: { type: 'waiting' } }));
  if (observed) status.observed = observed;
  return status;
}

/** Stable JSON of a status, to publish only when it changed (and the payload published: the same string). */
export function statusKey(status: Status): string {
  return JSON.stringify(status);
}
