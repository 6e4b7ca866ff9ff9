/**
 * Which version `wash app rollback` deploys. Rust wadm keeps no deploy history, so: our server's deploy history
 * (the `deploy_history` extension of the versions reply, stored under `wash_deploy_history` in the app record)
 * when it has one, else the version stored just before the deployed one.
 */
import { UserError } from '../../errors.js';
import type { DeployRecord, VersionInfo } from '../types.js';

export interface RollbackPlan {
  /** The version to deploy. */
  target: string;
  /** The version deployed now. */
  from: string;
  /** How the target was chosen. */
  basis: 'requested' | 'deploy-history' | 'insertion-order';
}

export function rollbackTarget(
  app: string,
  versions: readonly VersionInfo[],
  history: readonly DeployRecord[] | undefined,
  to?: string,
): RollbackPlan {
  const current = versions.find((v) => v.deployed)?.version;
  if (current === undefined) {
    throw new UserError(`application ${app} is not deployed, so there is nothing to roll back`, {
      suggestion: `deploy a version explicitly: \`wash app deploy ${app} <version>\` (versions: \`wash app history ${app}\`)`,
    });
  }
  const present = new Set(versions.map((v) => v.version));
  if (to !== undefined) {
    if (!present.has(to)) {
      throw new UserError(`application ${app} has no version ${to} (--to)`, {
        suggestion: `stored versions: ${versions.map((v) => v.version).join(', ')}`,
      });
    }
    if (to === current)
      throw new UserError(`version ${to} of ${app} is already the deployed version (--to)`, {
        suggestion: 'pick another version',
      });
    return { target: to, from: current, basis: 'requested' };
  }

  if (history && history.length > 0) {
    // Start just before the most recent deploy of the current version (or at the end when the history does not
    // know the current deploy, e.g. Rust wadm deployed it), walking back to an earlier, still stored version.
    let i = history.length - 1;
    while (i >= 0 && history[i].version !== current) i--;
    if (i < 0) i = history.length;
    for (let j = i - 1; j >= 0; j--) {
      const v = history[j].version;
      if (v !== current && present.has(v)) return { target: v, from: current, basis: 'deploy-history' };
    }
  }

  const at = versions.findIndex((v) => v.version === current);
  if (at > 0) return { target: versions[at - 1].version, from: current, basis: 'insertion-order' };
  throw new UserError(`application ${app} has no version older than the deployed ${current} to roll back to`, {
    suggestion: `stored versions: ${versions.map((v) => v.version).join(', ')}; use --to <version> to pick one`,
  });
}
