import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lineSplitter } from './log-tail.js';
import type { UpOptions } from './options.js';

/** The package root (holds bin/run.js); the same relative place from src/up and dist/up. */
export function packageRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

export function washBin(): string {
  return join(packageRoot(), 'bin', 'run.js');
}

export interface HostSpawnSpec {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** Variables understood by wasmCloud hosts (reference §5) — also what `--host-path` binaries are configured with. */
export function hostEnv(o: UpOptions, seed: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  // Inherited host settings would point this host somewhere else; ours win.
  for (const key of Object.keys(env)) if (key.startsWith('WASMCLOUD_LABEL_')) delete env[key];
  const port = String(o.natsPort);
  Object.assign(env, {
    WASMCLOUD_LATTICE: o.lattice,
    WASMCLOUD_HOST_SEED: seed,
    WASMCLOUD_NATS_HOST: o.natsHost,
    WASMCLOUD_NATS_PORT: port,
    WASMCLOUD_CTL_HOST: o.natsHost,
    WASMCLOUD_CTL_PORT: port,
    WASMCLOUD_RPC_HOST: o.natsHost,
    WASMCLOUD_RPC_PORT: port,
    WASMCLOUD_ALLOW_FILE_LOAD: String(o.allowFileLoad),
    WASMCLOUD_LOG_LEVEL: o.logLevel,
    WASMCLOUD_STRUCTURED_LOGGING_ENABLED: String(o.structuredLogging),
  });
  if (o.hostJsDomain) env.WASMCLOUD_JS_DOMAIN = o.hostJsDomain;
  else delete env.WASMCLOUD_JS_DOMAIN;
  if (o.jsReplicas !== undefined) env.WASMCLOUD_JS_REPLICAS = String(o.jsReplicas);
  else delete env.WASMCLOUD_JS_REPLICAS;
  if (o.maxExecutionTimeMs !== undefined) env.WASMCLOUD_MAX_EXECUTION_TIME_MS = String(o.maxExecutionTimeMs);
  for (const [k, v] of Object.entries(o.labels)) env[`WASMCLOUD_LABEL_${k}`] = v;
  if (o.ctlTopicPrefix !== 'wasmbus.ctl') env.WASMCLOUD_CTL_TOPIC_PREFIX = o.ctlTopicPrefix;
  const oci = o.oci ?? {};
  if (oci.allowLatest) env.WASMCLOUD_OCI_ALLOW_LATEST = 'true';
  if (oci.allowedInsecure?.length) env.WASMCLOUD_OCI_ALLOWED_INSECURE = oci.allowedInsecure.join(',');
  if (oci.mirrors?.length) env.WASMCLOUD_OCI_REGISTRY_MIRRORS = oci.mirrors.join(',');
  if (oci.registry) env.WASMCLOUD_OCI_REGISTRY = oci.registry;
  if (oci.user !== undefined) env.WASMCLOUD_OCI_REGISTRY_USER = oci.user;
  if (oci.password !== undefined) env.WASMCLOUD_OCI_REGISTRY_PASSWORD = oci.password;
  if (oci.caFile) env.WASMCLOUD_OCI_TLS_CA_FILE = oci.caFile;
  return env;
}

/**
 * How to run one host: `wash host` (this package, same Node) with flags, or `--host-path` with only the
 * environment. The seed travels in the environment in both cases, so it never shows up in `ps`.
 */
export function hostSpawnSpec(o: UpOptions, seed: string, base: NodeJS.ProcessEnv = process.env): HostSpawnSpec {
  const env = hostEnv(o, seed, base);
  if (o.hostPath) return { command: o.hostPath, args: [], env };
  const args = [
    washBin(),
    'host',
    '--lattice',
    o.lattice,
    '--nats-host',
    o.natsHost,
    '--nats-port',
    String(o.natsPort),
    '--log-level',
    o.logLevel,
  ];
  for (const [k, v] of Object.entries(o.labels)) args.push('--label', `${k}=${v}`);
  if (o.allowFileLoad)
    args.push(o.allowFileLoadDirs ? `--allow-file-load=${o.allowFileLoadDirs.join(',')}` : '--allow-file-load');
  if (o.hostJsDomain) args.push('--js-domain', o.hostJsDomain);
  if (o.jsReplicas !== undefined) args.push('--js-replicas', String(o.jsReplicas));
  if (o.maxExecutionTimeMs !== undefined) args.push('--max-execution-time-ms', String(o.maxExecutionTimeMs));
  if (o.structuredLogging) args.push('--structured-logging');
  return { command: process.execPath, args, env };
}

export interface SpawnedHost {
  hostId: string;
  child: ChildProcess;
  pid: number;
  log: string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Set once exited. */
  exit?: { code: number | null; signal: NodeJS.Signals | null };
}

/**
 * Starts one host in its own process group (a terminal's Ctrl+C reaches only `wash up`, which then stops
 * hosts gracefully). Output goes to `log`; with `echo`, each line is also handed to `echo` (foreground
 * mode prints it with a prefix). Without `echo` the host writes to the file directly, so it keeps running
 * even if the supervisor dies.
 */
export function spawnHost(
  spec: HostSpawnSpec,
  o: { hostId: string; log: string; echo?: (line: string) => void },
): SpawnedHost {
  mkdirSync(dirname(o.log), { recursive: true });
  const fd = openSync(o.log, 'w');
  let child: ChildProcess;
  try {
    child = spawn(spec.command, spec.args, {
      env: spec.env,
      detached: true,
      stdio: ['ignore', o.echo ? 'pipe' : fd, o.echo ? 'pipe' : fd],
    });
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  if (o.echo) {
    const echo = o.echo;
    const tee = lineSplitter((line) => {
      try {
        writeSync(fd, line + '\n');
      } catch {
        /* log file gone */
      }
      echo(line);
    });
    child.stdout?.on('data', (b: Buffer) => tee.push(b));
    child.stderr?.on('data', (b: Buffer) => tee.push(b));
    child.once('close', () => {
      tee.end();
      try {
        closeSync(fd);
      } catch {
        /* closed */
      }
    });
  } else {
    closeSync(fd);
  }
  const host: SpawnedHost = {
    hostId: o.hostId,
    child,
    pid: child.pid ?? -1,
    log: o.log,
    exited: new Promise((resolve) => {
      child.once('error', (err) => {
        host.exit = { code: 127, signal: null };
        try {
          const f = openSync(o.log, 'a');
          writeSync(f, `could not start ${spec.command}: ${err.message}\n`);
          closeSync(f);
        } catch {
          /* nothing to add */
        }
        resolve(host.exit);
      });
      child.once('exit', (code, signal) => {
        host.exit = { code, signal };
        resolve(host.exit);
      });
    }),
  };
  return host;
}
