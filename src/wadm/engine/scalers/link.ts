/**
 * Link scaler (wadm.md §4.4). Unlike upstream, a link that exists with other interfaces or config names
 * is put again, so changing those in a manifest (or by hand in the lattice) converges.
 */
import type { Command } from '../commands.js';
import { findLinks, type LatticeState } from '../state.js';
import { deployed, reconciling, type LinkScalerSpec, type ScalerResult } from './types.js';

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sa = new Set(a);
  return b.every((x) => sa.has(x));
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function reconcileLink(spec: LinkScalerSpec, state: LatticeState): ScalerResult {
  const want = spec.link;
  if (!state.linksKnown) return { commands: [], status: reconciling('Waiting for the lattice link list') };
  const have = findLinks(state, want.source_id, want.wit_namespace, want.wit_package, want.name).find(
    (l) => l.target === want.target,
  );
  if (
    have &&
    sameSet(have.interfaces, want.interfaces) &&
    sameList(have.source_config, want.source_config) &&
    sameList(have.target_config, want.target_config)
  ) {
    return { commands: [], status: deployed(), desired: 1, observed: 1 };
  }
  const put: Command = {
    type: 'PutLink',
    modelName: spec.modelName,
    link: {
      ...want,
      interfaces: [...want.interfaces],
      source_config: [...want.source_config],
      target_config: [...want.target_config],
    },
  };
  const verb = have ? 'Updating' : 'Putting';
  return {
    commands: [put],
    status: reconciling(`${verb} link definition between ${want.source_id} and ${want.target}`),
    desired: 1,
    observed: have ? 1 : 0,
  };
}

/** Delete the link, unless the lattice shows that identity pointing at another target (not ours). */
export function cleanupLink(spec: LinkScalerSpec, state: LatticeState): Command[] {
  const l = spec.link;
  if (
    state.linksKnown &&
    !findLinks(state, l.source_id, l.wit_namespace, l.wit_package, l.name).some((x) => x.target === l.target)
  )
    return [];
  return [
    {
      type: 'DeleteLink',
      modelName: spec.modelName,
      sourceId: l.source_id,
      namespace: l.wit_namespace,
      package: l.wit_package,
      name: l.name,
    },
  ];
}
