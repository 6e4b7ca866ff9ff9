import { dirname, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { parseMirrors } from '../oci/settings.js';
import { caBundle } from '../oci/tls.js';
import { fileLoadSettings } from '../host/settings.js';
import { checkJsReplicas } from '../lattice/js-replicas.js';
import { dict } from '../lattice/dict.js';

/** Everything `wash up` needs, resolved from flags, env and context (serialisable: it is handed to the supervisor). */
export interface UpOptions {
  lattice: string;
  natsHost: string;
  natsPort: number;
  natsConnectOnly: boolean;
  natsBinary?: string;
  natsJsDomain?: string;
  natsWebsocketPort?: number;
  natsRemoteUrl?: string;
  natsCredsfile?: string;
  /** The user's own nats-server config, used instead of the generated one. */
  natsConfigFile?: string;
  hosts: number;
  hostSeed?: string;
  labels: Record<string, string>;
  allowFileLoad: boolean;
  /** With allowFileLoad: the only directories hosts load `file://` components from (undefined: any path). */
  allowFileLoadDirs?: string[];
  multiLocal: boolean;
  logLevel: string;
  structuredLogging: boolean;
  hostLogPath?: string;
  /** Another host executable (e.g. a wasmCloud host binary), configured through WASMCLOUD_* variables. */
  hostPath?: string;
  maxExecutionTimeMs?: number;
  /** JetStream domain the hosts use. */
  hostJsDomain?: string;
  disableWadm: boolean;
  wadmJsDomain?: string;
  /** JetStream replicas of every bucket and stream the hosts and wadm create (default 1). */
  jsReplicas?: number;
  wadmManifest?: string;
  detached: boolean;
  hostReadyTimeoutMs: number;
  ctlTopicPrefix: string;
  /** Registry settings handed to every host (through WASMCLOUD_OCI_* variables, so secrets stay out of `ps`). */
  oci?: UpOciOptions;
}

export interface UpOciOptions {
  allowLatest?: boolean;
  allowedInsecure?: string[];
  /** `REGISTRY=MIRROR` entries. */
  mirrors?: string[];
  registry?: string;
  user?: string;
  password?: string;
  /** `--oci-tls-ca-file`, absolute. */
  caFile?: string;
}

export const UP_DEFAULTS = {
  natsHost: '127.0.0.1',
  natsPort: 4222,
  lattice: 'default',
  logLevel: 'info',
  hostReadyTimeoutMs: 30_000,
} as const;

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug', 'trace'] as const;

/** `-l key=value` flags → a label map; `hostcore.*` keys belong to the host and are refused. */
export function parseLabels(values: readonly string[] | undefined): Record<string, string> {
  const labels: Record<string, string> = dict();
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0)
      throw new UserError(`--label '${v}' is not of the form key=value`, { suggestion: 'e.g. --label region=eu' });
    const key = v.slice(0, eq).trim();
    if (key === '') throw new UserError(`--label '${v}' has an empty key`);
    if (key.toLowerCase().startsWith('hostcore.')) {
      throw new UserError(`--label '${key}' uses the reserved hostcore. prefix`, {
        suggestion: 'hosts set hostcore.* labels themselves; pick another key',
      });
    }
    labels[key] = v.slice(eq + 1);
  }
  return labels;
}

/** Cross-flag checks that oclif's per-flag parsing cannot do. */
export function validateUpOptions(o: UpOptions): void {
  if (!Number.isInteger(o.natsPort) || o.natsPort < 1 || o.natsPort > 65535)
    throw new UserError(`--nats-port ${o.natsPort} is not a valid port (1-65535)`);
  if (
    o.natsWebsocketPort !== undefined &&
    (!Number.isInteger(o.natsWebsocketPort) || o.natsWebsocketPort < 1 || o.natsWebsocketPort > 65535)
  ) {
    throw new UserError(`--nats-websocket-port ${o.natsWebsocketPort} is not a valid port (1-65535)`);
  }
  if (o.natsWebsocketPort !== undefined && o.natsWebsocketPort === o.natsPort)
    throw new UserError('--nats-websocket-port must differ from --nats-port');
  if (!Number.isInteger(o.hosts) || o.hosts < 1 || o.hosts > 32)
    throw new UserError(`--hosts ${o.hosts} must be between 1 and 32`);
  if (o.hostSeed && o.hosts > 1) {
    throw new UserError('--host-seed gives one host id; it cannot be used with --hosts greater than 1', {
      suggestion: 'drop --host-seed to get a fresh id per host',
    });
  }
  if (o.hostLogPath && o.hosts > 1)
    throw new UserError('--host-log-path names one file; it cannot be used with --hosts greater than 1');
  if (o.natsCredsfile && !o.natsRemoteUrl)
    throw new UserError('--nats-credsfile is only used for the leaf-node connection', {
      suggestion: 'add --nats-remote-url <url>',
    });
  if (o.natsConnectOnly && o.natsRemoteUrl) {
    throw new UserError('--nats-connect-only cannot be combined with --nats-remote-url', {
      suggestion: 'a leaf-node needs a NATS server started by wash; drop one of the two flags',
    });
  }
  if (o.natsConnectOnly && o.natsConfigFile)
    throw new UserError('--nats-config-file has no effect with --nats-connect-only (wash does not start NATS)');
  if (!(LOG_LEVELS as readonly string[]).includes(o.logLevel))
    throw new UserError(`--log-level '${o.logLevel}' is not one of ${LOG_LEVELS.join(', ')}`);
  if (o.maxExecutionTimeMs !== undefined && (!Number.isInteger(o.maxExecutionTimeMs) || o.maxExecutionTimeMs <= 0)) {
    throw new UserError(`--max-execution-time-ms must be a positive integer, got ${o.maxExecutionTimeMs}`);
  }
  if (!/^[A-Za-z0-9_-]+$/.test(o.lattice))
    throw new UserError(`--lattice '${o.lattice}' may contain only letters, digits, '-' and '_'`);
  checkJsReplicas(o.jsReplicas);
  if (o.hostReadyTimeoutMs <= 0) throw new UserError('--host-ready-timeout-ms must be positive');
  parseMirrors(o.oci?.mirrors, '--registry-mirror');
  if (o.oci?.caFile) caBundle(o.oci.caFile);
  if ((o.oci?.user !== undefined || o.oci?.password !== undefined) && !o.oci?.registry) {
    throw new UserError(
      '--oci-user/--oci-password need --oci-registry (WASMCLOUD_OCI_REGISTRY) naming the registry they are for',
    );
  }
}

/**
 * What `wash up` lets its hosts load from files: `--allow-file-load` (any path), `--allow-file-load=<dir,…>`,
 * `--no-allow-file-load`, WASMCLOUD_ALLOW_FILE_LOAD; by default only what it needs: the current directory
 * (the project) and the folder of `--wadm-manifest`.
 */
export function upFileLoadSettings(
  f: { 'allow-file-load'?: boolean; 'allow-file-load-dirs'?: string },
  env: NodeJS.ProcessEnv,
  cwd: string,
  wadmManifest?: string,
): Pick<UpOptions, 'allowFileLoad' | 'allowFileLoadDirs'> {
  if (
    f['allow-file-load'] === undefined &&
    f['allow-file-load-dirs'] === undefined &&
    env.WASMCLOUD_ALLOW_FILE_LOAD === undefined
  ) {
    const dirs = [resolve(cwd)];
    if (wadmManifest) dirs.push(dirname(resolve(cwd, wadmManifest)));
    return { allowFileLoad: true, allowFileLoadDirs: [...new Set(dirs)] };
  }
  const s = fileLoadSettings(f, env, cwd);
  return {
    allowFileLoad: s.allowFileLoad ?? false,
    ...(s.allowFileLoadDirs ? { allowFileLoadDirs: s.allowFileLoadDirs } : {}),
  };
}
