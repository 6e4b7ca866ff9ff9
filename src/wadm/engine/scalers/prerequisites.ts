/** Config and secret scalers: prerequisites a workload or link waits for (wadm.md §4.4 ConfigScaler/SecretScaler). */
import type { StringMap } from '../../../lattice/types.js';
import type { Command } from '../commands.js';
import type { LatticeState } from '../state.js';
import { deployed, failed, reconciling, type Prerequisite, type ScalerResult } from './types.js';

function sameValues(a: StringMap, b: StringMap): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** The values wadm writes for this prerequisite, or undefined for an externally managed config. */
export function ownedValues(p: Prerequisite): StringMap | undefined {
  return p.kind === 'SecretScaler' ? p.values : p.properties;
}

export function reconcilePrerequisite(p: Prerequisite, state: LatticeState): ScalerResult {
  const seen = state.configs.get(p.name);
  const values = ownedValues(p);
  if (!seen || seen.state === 'unknown')
    return { commands: [], status: reconciling(`Reading configuration ${p.name}`) };
  if (seen.state === 'error') return { commands: [], status: failed(seen.error) };
  if (values === undefined) {
    return seen.state === 'present'
      ? { commands: [], status: deployed() }
      : { commands: [], status: failed(`Specified configuration ${p.name} does not exist`) };
  }
  if (seen.state === 'present' && sameValues(seen.values, values)) return { commands: [], status: deployed() };
  const message = p.kind === 'SecretScaler' ? 'Secret out of sync' : 'Configuration out of sync';
  return { commands: [{ type: 'PutConfig', name: p.name, values: { ...values } }], status: reconciling(message) };
}

/** Only configs wadm owns (with properties, and secret references) are deleted. */
export function cleanupPrerequisite(p: Prerequisite): Command[] {
  return ownedValues(p) === undefined ? [] : [{ type: 'DeleteConfig', name: p.name }];
}
