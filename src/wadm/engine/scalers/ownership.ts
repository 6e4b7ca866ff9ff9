/**
 * Who owns a running workload. Scalers only ever change what they own: instances carrying their scaler id,
 * plus "stale" instances of the same app whose scaler no longer exists (left by an upgrade), which the
 * scaler for the same id adopts so upgrades replace in place instead of stopping and starting.
 */
import type { StringMap } from '../../../lattice/types.js';
import { APPSPEC_KEY, MANAGED_BY_KEY, MANAGED_BY_VALUE, SCALER_KEY, SPREAD_KEY } from '../constants.js';
import type { ReconcileContext, WorkloadScalerSpec } from './types.js';

export type Ownership = 'own' | 'stale' | 'foreign';

export function ownershipOf(annotations: StringMap, spec: WorkloadScalerSpec, ctx: ReconcileContext): Ownership {
  const scaler = annotations[SCALER_KEY];
  if (scaler === spec.id) return 'own';
  if (
    spec.adoptStale &&
    annotations[MANAGED_BY_KEY] === MANAGED_BY_VALUE &&
    annotations[APPSPEC_KEY] === spec.modelName &&
    !ctx.appScalerIds.has(scaler ?? '')
  ) {
    return 'stale';
  }
  return 'foreign';
}

export function spreadNameOf(annotations: StringMap): string | undefined {
  return annotations[SPREAD_KEY];
}

/** True when the annotations already say "this scaler, this spread". */
export function carriesOwnership(annotations: StringMap, scalerId: string, spreadName: string): boolean {
  return annotations[SCALER_KEY] === scalerId && annotations[SPREAD_KEY] === spreadName;
}
