/**
 * `wash down`: stops hosts gracefully (ctl host.stop, then signals for local ones that linger), then the
 * supervisor(s) running wadm, then NATS if wash started it. Every signal goes through a verified pid file.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { UserError } from '../errors.js';
import type { ConnectionOptions } from '../lattice/options.js';
import { HostEventWatcher, pingHosts, requestHostStop } from './lattice-probe.js';
import { upPaths } from './paths.js';
import { removePidFile, updatePidFileInfo } from './pid-file.js';
import { stopRecordedProcess, waitUntilGone } from './process-control.js';
import { checkIdentity } from './process-identity.js';
import { checkPurgeAllowed, selectHosts, type PurgeChoice } from './down-policy.js';
import { hostPort, scanLocalState, type LocalState, type SupervisorPidInfo } from './state.js';

export { PURGE_CHOICES, selectHosts, type PurgeChoice } from './down-policy.js';

export interface DownOptions {
  conn: ConnectionOptions;
  /** The NATS address came from a flag, env var or context; otherwise the one `wash up` recorded is used. */
  natsExplicit: boolean;
  hostId?: string;
  all: boolean;
  purgeJetstream: PurgeChoice;
  /** With an explicitly named server: purge JetStream even though `wash up` did not start that server. */
  force?: boolean;
  /** How long a host gets to stop after host.stop before it is signalled. */
  hostStopTimeoutMs?: number;
}

export interface DownResult {
  hosts_stopped: string[];
  wadm_stopped: boolean;
  nats_stopped: boolean;
  hosts_remaining: string[];
  /** Hosts that answered on the lattice but were not started by `wash up` (left alone without --all/--host-id). */
  other_hosts: string[];
  purged: string[];
  stale_pid_files_removed: string[];
  warnings: string[];
}

export interface DownIo {
  note(message: string): void;
}

const HOST_ID = /^N[A-Z2-7]{55}$/;
/** How long a supervisor whose hosts are gone gets to stop wadm and exit by itself before it is signalled. */
const SUPERVISOR_SELF_STOP_MS = 30_000;

function natsUrlFor(o: DownOptions, state: LocalState): string {
  const explicit = `nats://${o.conn.ctlHost}:${o.conn.ctlPort}`;
  if (o.natsExplicit) return explicit;
  const recorded =
    state.hosts.find((h) => h.info.lattice === o.conn.lattice)?.info.natsUrl ??
    state.supervisors.find((s) => s.info.lattice === o.conn.lattice)?.info.natsUrl ??
    state.nats?.info.url;
  return recorded ?? explicit;
}

async function tryConnect(url: string, o: DownOptions): Promise<NatsConnection | undefined> {
  const { natsConnect } = await import('../lattice/connect.js');
  try {
    return await natsConnect(
      url,
      {
        jwt: o.conn.ctlJwt,
        seed: o.conn.ctlSeed,
        credsfile: o.conn.ctlCredsfile,
        tlsCaFile: o.conn.ctlTlsCaFile,
        tlsFirst: o.conn.ctlTlsFirst,
      },
      { name: 'wash-down', timeout: Math.min(o.conn.timeoutMs, 3000), reconnect: false },
    );
  } catch {
    return undefined;
  }
}

async function purgeJetstream(
  nc: NatsConnection,
  choice: PurgeChoice,
  lattice: string,
  jsDomain: string | undefined,
): Promise<string[]> {
  if (choice === 'none') return [];
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const jsm = await jetstreamManager(nc, jsDomain ? { domain: jsDomain } : {});
  const streams: string[] = [];
  if (choice === 'all' || choice === 'wasmcloud') streams.push(`KV_CONFIGDATA_${lattice}`, `KV_LATTICEDATA_${lattice}`);
  if (choice === 'all' || choice === 'wadm') {
    streams.push(
      'KV_wadm_manifests',
      'KV_wadm_state',
      'KV_wadm_leases',
      'wadm_commands',
      'wadm_events',
      'wadm_mirror',
      'wadm_notify',
      'wadm_status',
      'wadm_event_consumer',
      'wasmbus_events',
    );
  }
  const purged: string[] = [];
  for (const name of streams) {
    try {
      if (await jsm.streams.delete(name)) purged.push(name);
    } catch {
      /* not there */
    }
  }
  return purged;
}

export async function washDown(o: DownOptions, io: DownIo, env: NodeJS.ProcessEnv = process.env): Promise<DownResult> {
  if (o.hostId && !HOST_ID.test(o.hostId)) {
    throw new UserError(`--host-id '${o.hostId}' is not a host id`, {
      suggestion: 'host ids are 56-character nkeys starting with N (see `wash get hosts`)',
    });
  }
  const paths = upPaths(env);
  const state = scanLocalState(paths, { clean: true });
  const result: DownResult = {
    hosts_stopped: [],
    wadm_stopped: false,
    nats_stopped: false,
    hosts_remaining: [],
    other_hosts: [],
    purged: [],
    stale_pid_files_removed: state.stale.map((s) => s.path),
    warnings: [],
  };
  for (const s of state.stale) io.note(`Removed stale pid file ${s.path} (${s.reason})`);
  const unreadable = state.stale.filter((s) => s.reason === 'unreadable').map((s) => s.path);
  if (unreadable.length)
    result.warnings.push(
      `unreadable pid files removed (${unreadable.join(', ')}): the processes they recorded are no longer known as ours: stop them with --host-id or --all`,
    );

  const url = natsUrlFor(o, state);
  // Refuse before anything is stopped: a half-done `down` is worse than none.
  checkPurgeAllowed(
    { choice: o.purgeJetstream, force: o.force ?? false, natsExplicit: o.natsExplicit },
    url,
    state.nats?.info.url,
  );
  const lattice = o.conn.lattice;
  const local = state.hosts.filter((h) => h.info.lattice === lattice);
  const supervisors = state.supervisors.filter((s) => s.info.lattice === lattice);
  const nothingRecorded = local.length === 0 && supervisors.length === 0 && !state.nats;
  const explicitTargets = o.all || o.hostId !== undefined;

  const nc = await tryConnect(url, o);
  try {
    let pinged: string[] = [];
    if (nc) {
      pinged = (await pingHosts(nc, { ctlPrefix: o.conn.ctlTopicPrefix, lattice, timeoutMs: o.conn.timeoutMs })).map(
        (h) => h.id,
      );
    } else if (local.length === 0 && (explicitTargets || o.purgeJetstream !== 'none')) {
      throw new UserError(`could not connect to NATS at ${hostPort(url)}`, {
        suggestion:
          'check --ctl-host/--ctl-port (WASMCLOUD_CTL_HOST/PORT); no host started by `wash up` is recorded on this machine either',
      });
    } else if (nothingRecorded) {
      io.note(
        `Nothing to stop: no process started by \`wash up\` is recorded (${paths.run}), and no NATS answers at ${hostPort(url)}`,
      );
      return result;
    } else {
      result.warnings.push(`NATS at ${hostPort(url)} does not answer; stopping recorded processes by signal`);
    }
    const localIds = local.map((h) => h.info.hostId);
    const targets = selectHosts({ hostId: o.hostId, all: o.all, lattice }, pinged, localIds);
    result.other_hosts = pinged.filter((id) => !targets.includes(id) && !localIds.includes(id)).sort();
    if (nothingRecorded && targets.length === 0) {
      io.note(`Nothing to stop: no process started by \`wash up\` is recorded (${paths.run})`);
    }

    // All of our own hosts go: take NATS over from the supervisors first, so that when they notice their
    // hosts are gone they leave NATS running for the purge below (this command stops it at the end).
    const allLocalTargeted = localIds.every((id) => targets.includes(id));
    if (allLocalTargeted) {
      for (const sup of supervisors.filter((s) => s.info.startedNats)) {
        updatePidFileInfo<SupervisorPidInfo>(sup.path, (info) => ({ ...info, startedNats: false }));
      }
    }

    // Watch for host_stopped before asking anyone to stop.
    const watcher = nc && targets.length ? await HostEventWatcher.open(nc, lattice) : undefined;
    const stopTimeout = o.hostStopTimeoutMs ?? 15_000;
    await Promise.all(
      targets.map(async (id) => {
        const record = local.find((h) => h.info.hostId === id);
        let asked = false;
        if (nc && pinged.includes(id)) {
          const reply = await requestHostStop(nc, {
            ctlPrefix: o.conn.ctlTopicPrefix,
            lattice,
            hostId: id,
            timeoutMs: o.conn.timeoutMs,
          });
          asked = reply.ok;
          if (!reply.ok)
            io.note(
              `Host ${id} did not accept host.stop (${reply.message}); ${record ? 'signalling it' : 'giving up on it'}`,
            );
        }
        if (record) {
          const outcome = await stopRecordedProcess(record.identity, {
            graceMs: asked ? stopTimeout : 0,
            termMs: 10_000,
            killGroup: true,
          });
          removePidFile(record.path);
          if (outcome === 'survived') {
            result.warnings.push(`host ${id} (pid ${record.pid}) survived SIGKILL`);
            return;
          }
          if (outcome === 'killed') result.warnings.push(`host ${id} did not stop gracefully and was killed`);
          result.hosts_stopped.push(id);
          return;
        }
        if (asked && watcher && (await watcher.until(() => watcher.hasStopped(id), stopTimeout))) {
          result.hosts_stopped.push(id);
        } else if (asked) {
          result.hosts_stopped.push(id);
          result.warnings.push(
            `host ${id} accepted host.stop but no host_stopped event arrived within ${stopTimeout} ms`,
          );
        }
      }),
    );
    watcher?.close();
    result.hosts_stopped.sort();
    const known = [...new Set([...pinged, ...localIds])];
    result.hosts_remaining = known.filter((id) => !result.hosts_stopped.includes(id)).sort();
    const localRemaining = localIds.filter((id) => !result.hosts_stopped.includes(id));
    if (localRemaining.length > 0) {
      io.note(
        `Hosts started by \`wash up\` remain on lattice ${lattice} (${localRemaining.join(', ')}); leaving wadm and NATS running`,
      );
      return result;
    }

    if (o.purgeJetstream !== 'none') {
      if (!nc) result.warnings.push('JetStream was not purged: NATS does not answer');
      else if (result.hosts_remaining.length > 0)
        result.warnings.push(
          `JetStream was not purged: hosts still run on lattice ${lattice} (${result.hosts_remaining.join(', ')})`,
        );
      else result.purged = await purgeJetstream(nc, o.purgeJetstream, lattice, o.conn.jsDomain);
    }

    // The supervisors of this lattice (detached or a foreground `wash up`) run wadm. One whose hosts we just
    // stopped shuts down by itself (and must not get a signal while it exits, which would kill it mid-way);
    // only one that does not within the grace period is sent SIGTERM.
    for (const sup of supervisors) {
      const ownHostsStopped = local.some(
        (h) => h.info.supervisorPid === sup.pid && result.hosts_stopped.includes(h.info.hostId),
      );
      const outcome = await stopRecordedProcess(sup.identity, {
        graceMs: ownHostsStopped ? SUPERVISOR_SELF_STOP_MS : 0,
        termMs: 20_000,
      });
      removePidFile(sup.path);
      if (sup.info.wadm && outcome !== 'survived') result.wadm_stopped = true;
    }

    // NATS only if wash started it and no host (ours of any lattice, or another one on this lattice) uses it.
    const after = scanLocalState(paths, { clean: true });
    if (state.nats) {
      if (after.hosts.length > 0) {
        io.note(
          `Leaving nats-server running: local hosts of other lattices use it (${after.hosts.map((h) => h.info.lattice).join(', ')})`,
        );
      } else if (result.hosts_remaining.length > 0) {
        io.note(
          `Leaving nats-server (started by \`wash up\`) running: hosts not started by \`wash up\` use it (\`wash down --all\` stops them and it)`,
        );
      } else {
        if (after.nats) await nc?.close().catch(() => undefined);
        const outcome = after.nats ? await stopRecordedProcess(after.nats.identity, { termMs: 5000 }) : 'exited';
        removePidFile(paths.natsPidFile);
        result.nats_stopped = outcome !== 'survived' && checkIdentity(state.nats.identity) !== 'alive';
        if (!result.nats_stopped)
          await waitUntilGone(state.nats.identity, 2000).then((gone) => {
            result.nats_stopped = gone;
          });
      }
    }
    return result;
  } finally {
    await nc?.close().catch(() => undefined);
  }
}
