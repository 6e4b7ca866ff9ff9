/**
 * The observer (pure, time passed in): folds a lattice event into the observed state and says which apps must
 * be reconciled because of it — apps waiting for that event, the app named by its `wasmcloud.dev/appspec`
 * annotation, and apps depending on a touched workload, link or config (`AppIndex`); `all` when hosts changed.
 */
import type { LatticeEvent } from '../../lattice/events.js';
import { observeAppEvent, type AppRuntime } from './app.js';
import type { AppIndex } from './app-index.js';
import { eventExpectationKey, expectationKey } from './commands.js';
import { applyEvent, type LatticeState, type Touched } from './state.js';

export interface Observation {
  touched: Touched;
  /** Apps to reconcile. */
  dirty: Set<string>;
  /** Every app must be reconciled (the set of hosts changed). */
  all: boolean;
}

/** Apps affected by a state change (`applyEvent`, an inventory, links, a config read). */
export function appsTouched(index: AppIndex, touched: Touched, into: Set<string> = new Set()): Observation {
  for (const id of [...(touched.componentIds ?? []), ...(touched.providerIds ?? [])])
    for (const a of index.appsUsingWorkload(id)) into.add(a);
  for (const key of touched.links ?? []) for (const a of index.appsUsingLink(key)) into.add(a);
  for (const name of touched.configs ?? []) for (const a of index.appsUsingConfig(name)) into.add(a);
  return { touched, dirty: into, all: touched.hosts === true };
}

/** Applies a lattice (host) event to `state` and the apps expecting it; returns what to reconcile. */
export function observeEvent(
  state: LatticeState,
  index: AppIndex,
  apps: ReadonlyMap<string, AppRuntime>,
  event: LatticeEvent,
  now: number,
): Observation {
  const touched = applyEvent(state, event, now);
  const dirty = new Set<string>();
  const key = eventExpectationKey(event);
  if (key) {
    for (const name of index.appsExpecting(key)) {
      const app = apps.get(name);
      if (app && observeAppEvent(app, event, now)) dirty.add(name);
      if (!app?.scalers.some((rt) => rt.expected.some((e) => expectationKey(e) === key))) index.fulfilled(name, key);
    }
  }
  const appspec = (event.data as { annotations?: Record<string, string> }).annotations?.['wasmcloud.dev/appspec'];
  if (appspec && apps.has(appspec)) dirty.add(appspec);
  return appsTouched(index, touched, dirty);
}
