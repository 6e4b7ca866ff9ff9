/**
 * Starts and supervises a local lattice inside the current process: NATS (reused or started), the wadm
 * engine, and N host child processes. Used by the foreground `wash up` and by the detached supervisor.
 * Returns only when every host has published `host_started` (or fails, after undoing what it started).
 */
import { existsSync } from 'node:fs';
import type { NatsConnection } from '@nats-io/transport-node';
import { UserError } from '../errors.js';
import { HostEventWatcher } from './lattice-probe.js';
import { hostSpawnSpec, spawnHost, type SpawnedHost } from './host-process.js';
import { waitForLeafnode } from './leafnode-check.js';
import { tailFile } from './log-tail.js';
import {
  findNatsServer,
  NATS_INSTALL_HINT,
  startNatsServer,
  tcpReachable,
  type RunningNatsServer,
} from './nats-server.js';
import type { UpOptions } from './options.js';
import { upPaths, type UpPaths } from './paths.js';
import { ensureUpDirs } from './writable-dirs.js';
import { readPidFile, removePidFile, writePidFile } from './pid-file.js';
import { signalIfSame, waitUntilGone } from './process-control.js';
import { hostPort, scanLocalState, type HostPidInfo, type NatsPidInfo, type SupervisorPidInfo } from './state.js';
import { startWadmInProcess, waitForWadmApi, type RunningWadm } from './wadm-runner.js';
import type { ProcessIdentity } from './process-identity.js';

export interface UpHostResult {
  id: string;
  pid: number;
  log: string;
}

export interface UpWadmResult {
  running: boolean;
  /** --disable-wadm was given. */
  disabled?: boolean;
  /** Started by this `wash up` (false: another wadm already answered, or disabled). */
  started: boolean;
  error?: string;
}

/** The `wash up` JSON document (wash v1 keys first). */
export interface UpResult {
  wasmcloud_log: string;
  kill_cmd: string;
  nats_url: string;
  already_running: boolean;
  lattice: string;
  nats_started: boolean;
  nats_config?: string;
  nats_log?: string;
  hosts: UpHostResult[];
  wadm: UpWadmResult;
  deployed_wadm_manifest_path?: string;
  supervisor_pid?: number;
  supervisor_log?: string;
  warnings: string[];
}

export interface UpIo {
  /** Progress and notices for people (stderr). */
  note(message: string): void;
  /** Foreground mode: each line a host prints (else hosts write only to their log files). */
  hostOutput?(index: number, hostId: string, line: string): void;
}

export interface HostExit {
  hostId: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Last lines of its log when it failed. */
  tail: string;
}

export interface LocalLattice {
  result: UpResult;
  /** Settles once every host has exited after start-up; `crashed` are those that exited with an error. */
  hostsGone: Promise<{ crashed: HostExit[] }>;
  /** Hosts (gracefully: they publish host_stopped), then wadm, then NATS if this process started it. */
  shutdown(o?: { force?: boolean }): Promise<void>;
}

const HOST_STOP_GRACE_MS = 15_000;

function hostFailed(h: SpawnedHost): boolean {
  return h.exit?.code !== 0 || h.exit.signal !== null;
}

function describeExit(h: SpawnedHost): string {
  if (!h.exit) return 'is still running';
  return h.exit.signal ? `was killed by ${h.exit.signal}` : `exited with code ${h.exit.code}`;
}

function freeLogSlot(paths: UpPaths, taken: Set<string>): number {
  for (let slot = 0; ; slot++) if (!taken.has(paths.hostLog(slot))) return slot;
}

async function connectNats(url: string): Promise<NatsConnection> {
  const { natsConnect } = await import('../lattice/connect.js');
  return natsConnect(
    url,
    {},
    { name: 'wash-up', timeout: 2000, reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 250 },
  );
}

/** The nats-server binary wash would start when nothing answers at the NATS address; throws what stands in the way. */
function natsServerToStart(o: UpOptions): string {
  const where = `${o.natsHost}:${o.natsPort}`;
  if (o.natsConnectOnly) {
    throw new UserError(`no NATS server answers at ${where} and --nats-connect-only was given`, {
      suggestion:
        'start your NATS server (with JetStream: `nats-server -js`), fix --nats-host/--nats-port, or drop --nats-connect-only to let wash start one',
    });
  }
  const binary = findNatsServer({ explicit: o.natsBinary });
  if (!binary) {
    throw new UserError(
      o.natsBinary
        ? `--nats-binary ${o.natsBinary} does not exist`
        : 'nats-server was not found (wash does not download it)',
      {
        suggestion: NATS_INSTALL_HINT,
      },
    );
  }
  if (o.natsCredsfile && !existsSync(o.natsCredsfile))
    throw new UserError(`--nats-credsfile ${o.natsCredsfile} does not exist`);
  if (o.natsConfigFile && !existsSync(o.natsConfigFile))
    throw new UserError(`--nats-config-file ${o.natsConfigFile} does not exist`);
  return binary;
}

/** Cheap checks before anything is spawned, so obvious mistakes fail fast (the supervisor repeats them). */
export async function preflight(o: UpOptions): Promise<void> {
  if (await tcpReachable(o.natsHost, o.natsPort, 500)) return;
  natsServerToStart(o);
}

/** Resolves the NATS server: reuse one that answers, or start ours. */
async function ensureNats(
  o: UpOptions,
  paths: UpPaths,
  io: UpIo,
  warnings: string[],
): Promise<{ url: string; started?: RunningNatsServer; identity?: ProcessIdentity }> {
  const url = `nats://${o.natsHost}:${o.natsPort}`;
  if (await tcpReachable(o.natsHost, o.natsPort, 500)) {
    if (o.natsRemoteUrl) {
      throw new UserError(
        `--nats-remote-url needs wash to start its own leaf-node NATS server, but ${hostPort(url)} is already taken`,
        {
          suggestion: 'stop what listens there (`wash down` if wash started it) or pick another --nats-port',
        },
      );
    }
    // Prove it is NATS before using it.
    const nc = await connectNats(url).catch((cause) => {
      throw new UserError(`something listens on ${hostPort(url)} but it is not a NATS server wash can connect to`, {
        cause,
        suggestion: 'pick another --nats-port',
      });
    });
    await nc.close();
    io.note(`Using the NATS server already running at ${hostPort(url)}`);
    return { url };
  }
  const binary = natsServerToStart(o);
  io.note(
    `Starting nats-server (${binary}) on ${hostPort(url)}; config ${o.natsConfigFile ?? paths.natsConfig}, log ${paths.natsLog}`,
  );
  const started = await startNatsServer({
    binary,
    host: o.natsHost,
    port: o.natsPort,
    storeDir: paths.jetstreamDir(o.natsPort),
    jsDomain: o.natsJsDomain,
    websocketPort: o.natsWebsocketPort,
    remoteUrl: o.natsRemoteUrl,
    credsfile: o.natsCredsfile,
    configPath: paths.natsConfig,
    userConfig: o.natsConfigFile,
    logFile: paths.natsLog,
    detached: true,
  });
  const info: NatsPidInfo = {
    url: started.url,
    host: started.host,
    port: started.port,
    configPath: started.configPath,
    logPath: paths.natsLog,
    storeDir: paths.jetstreamDir(o.natsPort),
  };
  let identity: ProcessIdentity | undefined;
  try {
    identity = writePidFile(paths.natsPidFile, 'nats', started.pid, info).identity;
  } catch (cause) {
    await started.stop();
    throw new UserError(`nats-server exited right after start-up; see ${paths.natsLog}`, {
      cause,
      suggestion: tailFile(paths.natsLog, 15) || undefined,
    });
  }
  if (o.natsRemoteUrl) {
    const leaf = await waitForLeafnode(paths.natsLog, 5000);
    if (!leaf.connected) {
      const detail = leaf.errors.length ? leaf.errors.slice(-3).join('; ') : 'no connection within 5 s';
      warnings.push(
        `leaf-node connection to ${o.natsRemoteUrl} is not up (${detail}); config ${started.configPath}, log ${paths.natsLog}`,
      );
    } else {
      io.note(`Leaf-node connection to ${o.natsRemoteUrl} is up`);
    }
  }
  return { url, started, identity };
}

export async function startLocalLattice(
  o: UpOptions,
  mode: 'foreground' | 'detached',
  io: UpIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LocalLattice> {
  const paths = upPaths(env);
  ensureUpDirs(paths, env);
  const warnings: string[] = [];
  const hosts: SpawnedHost[] = [];
  const hostPidFiles: string[] = [];
  let nats: { url: string; started?: RunningNatsServer; identity?: ProcessIdentity } | undefined;
  let nc: NatsConnection | undefined;
  let wadmNc: NatsConnection | undefined;
  let wadm: RunningWadm | undefined;
  let watcher: HostEventWatcher | undefined;
  let shuttingDown = false;
  const supervisorPidFile = paths.supervisorPidFile(process.pid);

  const stopHosts = async (force: boolean, graceMs: number) => {
    await Promise.all(
      hosts.map(async (h, i) => {
        if (h.exit) {
          removePidFile(hostPidFiles[i]);
          return;
        }
        if (!force) {
          // SIGTERM: the host stops its components, publishes host_stopped and exits.
          try {
            process.kill(h.pid, 'SIGTERM');
          } catch {
            /* gone */
          }
          const timer = new Promise((r) => setTimeout(r, graceMs).unref());
          await Promise.race([h.exited, timer]);
        }
        if (!h.exit) {
          try {
            process.kill(-h.pid, 'SIGKILL');
          } catch {
            try {
              process.kill(h.pid, 'SIGKILL');
            } catch {
              /* gone */
            }
          }
          await Promise.race([h.exited, new Promise((r) => setTimeout(r, 3000).unref())]);
        }
        removePidFile(hostPidFiles[i]);
      }),
    );
  };

  const stopNatsIfOurs = async (force: boolean) => {
    if (!nats?.started || !nats.identity) return;
    if (readPidFile<SupervisorPidInfo>(supervisorPidFile)?.info.startedNats === false && !force) {
      io.note('Leaving nats-server to `wash down`, which took it over');
      return;
    }
    // Another `wash up --multi-local` may still have hosts on this NATS server: leave it to `wash down`.
    const others = scanLocalState(paths).hosts.filter((h) => !hosts.some((own) => own.hostId === h.info.hostId));
    if (others.length > 0 && !force) {
      io.note(
        `Leaving nats-server running: ${others.length} other local host(s) use it (\`wash down --all\` stops everything)`,
      );
      return;
    }
    signalIfSame(nats.identity, force ? 'SIGKILL' : 'SIGTERM');
    if (!(await waitUntilGone(nats.identity, 5000))) signalIfSame(nats.identity, 'SIGKILL');
    await waitUntilGone(nats.identity, 2000);
    removePidFile(paths.natsPidFile);
  };

  const teardown = async (force = false, graceMs = HOST_STOP_GRACE_MS) => {
    shuttingDown = true;
    await stopHosts(force, graceMs);
    watcher?.close();
    if (wadm) await wadm.close().catch((err) => io.note(`wadm did not close cleanly: ${(err as Error).message}`));
    await wadmNc?.close().catch(() => undefined);
    await nc?.close().catch(() => undefined);
    await stopNatsIfOurs(force);
    removePidFile(supervisorPidFile);
  };

  try {
    nats = await ensureNats(o, paths, io, warnings);
    nc = await connectNats(nats.url);
    // Subscribe to host events BEFORE any host is spawned, so no host_started can be missed.
    watcher = await HostEventWatcher.open(nc, o.lattice);

    let wadmResult: UpWadmResult = { running: false, started: false };
    if (o.disableWadm) wadmResult.disabled = true;
    else {
      const { wadmAnswers } = await import('./lattice-probe.js');
      if (await wadmAnswers(nc, o.lattice, 500)) {
        wadmResult = { running: true, started: false };
        io.note(`wadm already answers on lattice ${o.lattice}; not starting another`);
      } else {
        try {
          wadmNc = await connectNats(nats.url);
          wadm = await startWadmInProcess(wadmNc, {
            lattice: o.lattice,
            jsDomain: o.wadmJsDomain,
            jsReplicas: o.jsReplicas,
            ctlTopicPrefix: o.ctlTopicPrefix,
            log: io.note,
          });
          wadmResult = { running: false, started: true };
        } catch (err) {
          const msg = (err as Error).message;
          wadmResult = { running: false, started: false, error: msg };
          warnings.push(`wadm could not be started: ${msg}`);
          await wadmNc?.close().catch(() => undefined);
          wadmNc = undefined;
        }
      }
    }

    const supInfo: SupervisorPidInfo = {
      mode,
      lattice: o.lattice,
      natsUrl: nats.url,
      wadm: wadm !== undefined,
      startedNats: nats.started !== undefined,
      log: mode === 'detached' ? paths.supervisorLog : undefined,
    };
    writePidFile(supervisorPidFile, 'supervisor', process.pid, supInfo);

    const { hostIdentity } = await import('../host/identity.js');
    const takenLogs = new Set(scanLocalState(paths).hosts.map((h) => h.info.log));
    for (let i = 0; i < o.hosts; i++) {
      const id = await hostIdentity(o.hostSeed);
      const log = o.hostLogPath ?? paths.hostLog(freeLogSlot(paths, takenLogs));
      takenLogs.add(log);
      const echo = io.hostOutput ? (line: string) => io.hostOutput!(i, id.publicKey, line) : undefined;
      io.note(`Starting host ${id.publicKey} (log ${log})`);
      const host = spawnHost(hostSpawnSpec(o, id.seed, env), { hostId: id.publicKey, log, echo });
      hosts.push(host);
      const pidFile = paths.hostPidFile(id.publicKey);
      hostPidFiles.push(pidFile);
      const info: HostPidInfo = {
        hostId: id.publicKey,
        lattice: o.lattice,
        natsUrl: nats.url,
        log,
        supervisorPid: process.pid,
      };
      try {
        if (host.pid > 0) writePidFile(pidFile, 'host', host.pid, info);
      } catch {
        /* exited already: reported below with its log */
      }
    }

    // Real readiness: each host must publish host_started; a host that exits first fails `wash up`.
    await Promise.all(
      hosts.map(async (h) => {
        const ok = await watcher!.until(() => watcher!.hasStarted(h.hostId), o.hostReadyTimeoutMs, h.exited);
        if (ok) return;
        const tail = tailFile(h.log, 20);
        if (h.exit) {
          throw new UserError(`host ${h.hostId} ${describeExit(h)} during start-up; log ${h.log}`, {
            suggestion: tail ? `last lines of its log:\n${tail}` : undefined,
          });
        }
        throw new UserError(
          `host ${h.hostId} did not report host_started within ${o.hostReadyTimeoutMs} ms; log ${h.log}`,
          {
            suggestion: tail
              ? `last lines of its log:\n${tail}`
              : 'raise --host-ready-timeout-ms if the machine is slow',
          },
        );
      }),
    );

    if (wadm) {
      if (await waitForWadmApi(nc, o.lattice, 15_000)) wadmResult.running = true;
      else {
        wadmResult.error = 'the wadm API did not answer within 15 s';
        warnings.push(`wadm started but its API did not answer on lattice ${o.lattice} within 15 s`);
      }
    }

    const result: UpResult = {
      wasmcloud_log: hosts[0].log,
      kill_cmd: 'wash down',
      nats_url: hostPort(nats.url),
      already_running: false,
      lattice: o.lattice,
      nats_started: nats.started !== undefined,
      hosts: hosts.map((h) => ({ id: h.hostId, pid: h.pid, log: h.log })),
      wadm: wadmResult,
      warnings,
    };
    if (nats.started) {
      result.nats_config = nats.started.configPath;
      result.nats_log = paths.natsLog;
    }

    if (o.wadmManifest) {
      const { deployManifestFile } = await import('./deploy-manifest.js');
      try {
        const app = await deployManifestFile(nc, o.lattice, o.wadmManifest);
        result.deployed_wadm_manifest_path = o.wadmManifest;
        io.note(`Deployed application ${app.name}${app.version ? ` (${app.version})` : ''} from ${o.wadmManifest}`);
      } catch (err) {
        warnings.push(`deploying ${o.wadmManifest} failed: ${(err as Error).message}`);
      }
    }

    const hostsGone = (async () => {
      await Promise.all(
        hosts.map(async (h, i) => {
          await h.exited;
          removePidFile(hostPidFiles[i]);
          if (!shuttingDown) {
            const how = describeExit(h);
            io.note(
              hostFailed(h)
                ? `Host ${h.hostId} ${how}; log ${h.log}\n${tailFile(h.log, 10)}`
                : `Host ${h.hostId} stopped`,
            );
          }
        }),
      );
      const crashed = hosts.filter(hostFailed).map((h) => ({
        hostId: h.hostId,
        code: h.exit?.code ?? null,
        signal: h.exit?.signal ?? null,
        tail: tailFile(h.log, 20),
      }));
      return { crashed: shuttingDown ? [] : crashed };
    })();

    let shutdownPromise: Promise<void> | undefined;
    return {
      result,
      hostsGone,
      shutdown: (so = {}) => {
        if (so.force) return teardown(true);
        shutdownPromise ??= teardown(false);
        return shutdownPromise;
      },
    };
  } catch (err) {
    await teardown(false, 5000).catch(() => undefined);
    throw err;
  }
}
