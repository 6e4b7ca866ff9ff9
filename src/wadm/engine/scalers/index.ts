/** Dispatch from a scaler spec to its pure reconcile and cleanup functions. */
import { assertNever, type Command } from '../commands.js';
import { COMPONENT_EXPECT_MS, LINK_EXPECT_MS, PROVIDER_EXPECT_MS, DEFAULT_EXPECT_MS } from '../constants.js';
import type { LatticeState } from '../state.js';
import { cleanupComponent, reconcileComponentDaemon, reconcileComponentSpread } from './component.js';
import { cleanupLink, reconcileLink } from './link.js';
import { cleanupProvider, reconcileProviderDaemon, reconcileProviderSpread } from './provider.js';
import type { ReconcileContext, ScalerResult, ScalerSpec } from './types.js';

export * from './types.js';
export { computeSpread } from '../spread.js';
export { reconcilePrerequisite, cleanupPrerequisite } from './prerequisites.js';

export function reconcileScaler(spec: ScalerSpec, state: LatticeState, ctx: ReconcileContext): ScalerResult {
  switch (spec.role) {
    case 'component':
      return spec.kind === 'SpreadScaler'
        ? reconcileComponentSpread(spec, state, ctx)
        : reconcileComponentDaemon(spec, state, ctx);
    case 'provider':
      return spec.kind === 'SpreadScaler'
        ? reconcileProviderSpread(spec, state, ctx)
        : reconcileProviderDaemon(spec, state, ctx);
    case 'link':
      return reconcileLink(spec, state);
    case 'status':
      return { commands: [], status: spec.status };
    default:
      return assertNever(spec);
  }
}

/** The workload commands that undo what the scaler did (prerequisites are cleaned separately). */
export function cleanupScaler(spec: ScalerSpec, state: LatticeState, ctx: ReconcileContext): Command[] {
  switch (spec.role) {
    case 'component':
      return cleanupComponent(spec, state, ctx);
    case 'provider':
      return cleanupProvider(spec, state, ctx);
    case 'link':
      return cleanupLink(spec, state);
    case 'status':
      return [];
    default:
      return assertNever(spec);
  }
}

/** How long the scaler waits for the events its commands should cause (§4.9). */
export function expectWindowMs(spec: ScalerSpec): number {
  switch (spec.role) {
    case 'component':
      return COMPONENT_EXPECT_MS;
    case 'provider':
      return PROVIDER_EXPECT_MS;
    case 'link':
      return LINK_EXPECT_MS;
    case 'status':
      return DEFAULT_EXPECT_MS;
    default:
      return assertNever(spec);
  }
}

/** The component/provider id a workload scaler manages, if it is one. */
export function workloadIdOf(spec: ScalerSpec): string | undefined {
  return spec.role === 'component' ? spec.componentId : spec.role === 'provider' ? spec.providerId : undefined;
}
