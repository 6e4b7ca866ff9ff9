import { UserError } from '../errors.js';
import type { UpResult } from './local-lattice.js';
import type { UpOptions } from './options.js';
import { upPaths } from './paths.js';
import { hostPort, scanLocalState, type LocalState } from './state.js';

/** What an earlier `wash up` started for this lattice, after deleting stale pid files. */
export function existingEnvironment(
  o: Pick<UpOptions, 'lattice'>,
  env: NodeJS.ProcessEnv = process.env,
): { state: LocalState; hosts: LocalState['hosts'] } {
  refuseUnreadablePidFiles(scanLocalState(upPaths(env)));
  const state = scanLocalState(upPaths(env), { clean: true });
  return { state, hosts: state.hosts.filter((h) => h.info.lattice === o.lattice) };
}

/**
 * A pid file that cannot be parsed hides a process that may still run (NATS, a host, a supervisor): starting
 * anew would add a second environment beside it (and reuse its NATS). Refuse, before anything is started.
 */
function refuseUnreadablePidFiles(state: LocalState): void {
  const unreadable = state.stale.filter((s) => s.reason === 'unreadable').map((s) => s.path);
  if (unreadable.length === 0) return;
  throw new UserError(
    `wash up found unreadable pid files (${unreadable.join(', ')}); the processes they recorded may still be running, so nothing was started`,
    {
      suggestion:
        'run `wash down` (it removes unreadable pid files and lists the hosts it sees; they no longer say which hosts were ours, so stop them with `wash down --host-id <id>` or `--all`), check that nothing is left (`wash get hosts`), then run `wash up` again',
    },
  );
}

/**
 * wash v1 step 4, per environment: hosts started by one earlier `wash up` → "already running" (the caller
 * reports it and exits 0); hosts of several `wash up` runs on this lattice and no --multi-local → error.
 * Returns undefined when a new environment should be started.
 */
export function alreadyRunningResult(
  o: UpOptions,
  env: NodeJS.ProcessEnv = process.env,
  note: (m: string) => void = () => {},
): UpResult | undefined {
  const { state, hosts } = existingEnvironment(o, env);
  for (const s of state.stale) note(`Removed stale pid file ${s.path} (${s.reason})`);
  if (o.multiLocal) return undefined;
  if (hosts.length === 0) return undefined;
  const owners = new Set(hosts.map((h) => h.info.supervisorPid));
  if (owners.size > 1) {
    throw new UserError(
      `several local hosts are already running on lattice ${o.lattice} (${hosts.map((h) => h.info.hostId).join(', ')})`,
      {
        suggestion: 'use --multi-local to start yet another, or `wash down --all` to stop them',
      },
    );
  }
  const owner = state.supervisors.find((s) => s.pid === hosts[0].info.supervisorPid);
  return {
    wasmcloud_log: hosts[0].info.log,
    kill_cmd: 'wash down',
    nats_url: hostPort(hosts[0].info.natsUrl),
    already_running: true,
    lattice: o.lattice,
    nats_started: false,
    hosts: hosts.map((h) => ({ id: h.info.hostId, pid: h.pid, log: h.info.log })),
    wadm: { running: owner?.info.wadm ?? false, started: false },
    supervisor_pid: owner?.pid,
    supervisor_log: owner?.info.log,
    warnings: owner
      ? []
      : [
          'the process that started these hosts is gone (wadm with it); `wash down` then `wash up` gives a fresh environment',
        ],
  };
}
