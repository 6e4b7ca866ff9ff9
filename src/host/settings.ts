/**
 * `wash host` flags (each already merged with its environment variable by oclif) → `HostOptions`. Adds what
 * oclif cannot express: `WASMCLOUD_NATS_*` as a shorthand for both connections, `WASMCLOUD_LABEL_*`, and
 * validation with messages naming the flag.
 */
import { UserError } from '../errors.js';
import { checkJsReplicas } from '../lattice/js-replicas.js';
import { assertUserLabels, labelsFromEnv, parseLabelArgs } from './labels.js';
import { LOG_LEVELS, type LogLevel } from './log.js';
import type { HostOptions, NatsEndpoint } from './options.js';

export interface HostFlagValues {
  lattice?: string;
  'host-seed'?: string;
  'nats-url'?: string;
  'nats-host'?: string;
  'nats-port'?: number;
  'nats-jwt'?: string;
  'nats-seed'?: string;
  'nats-creds'?: string;
  'ctl-host'?: string;
  'ctl-port'?: number;
  'ctl-jwt'?: string;
  'ctl-seed'?: string;
  'ctl-credsfile'?: string;
  'ctl-tls'?: boolean;
  'ctl-tls-ca-file'?: string;
  'ctl-tls-first'?: boolean;
  'rpc-host'?: string;
  'rpc-port'?: number;
  'rpc-jwt'?: string;
  'rpc-seed'?: string;
  'rpc-credsfile'?: string;
  'rpc-tls'?: boolean;
  'rpc-tls-ca-file'?: string;
  'rpc-tls-first'?: boolean;
  'rpc-timeout-ms'?: number;
  label?: string[];
  'heartbeat-interval'?: string;
  'allow-file-load'?: boolean;
  'max-components'?: number;
  'max-linear-memory-bytes'?: number;
  'max-execution-time-ms'?: number;
  'max-component-size-bytes'?: number;
  'js-domain'?: string;
  'js-replicas'?: number;
  'ctl-topic-prefix'?: string;
  'log-level'?: string;
  'structured-logging'?: boolean;
  'component-auctions'?: boolean;
  'provider-auctions'?: boolean;
}

function port(value: number | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new UserError(`${flag} ${value} is not a valid port (1-65535)`);
  return value;
}

function positive(value: number | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value <= 0) throw new UserError(`${flag} must be a positive number, got ${value}`);
  return value;
}

function endpoint(f: HostFlagValues, kind: 'ctl' | 'rpc'): NatsEndpoint {
  const e: NatsEndpoint = {
    host: f[`${kind}-host`] ?? f['nats-host'],
    port: port(f[`${kind}-port`], `--${kind}-port`) ?? port(f['nats-port'], '--nats-port'),
    jwt: f[`${kind}-jwt`] ?? f['nats-jwt'],
    seed: f[`${kind}-seed`] ?? f['nats-seed'],
    credsfile: f[`${kind}-credsfile`] ?? f['nats-creds'],
    tls: f[`${kind}-tls`] || undefined,
    tlsCaFile: f[`${kind}-tls-ca-file`],
    tlsFirst: f[`${kind}-tls-first`] || undefined,
  };
  // --nats-url names the server for both connections unless a specific host/port was given.
  if (f['nats-url'] && f[`${kind}-host`] === undefined && f[`${kind}-port`] === undefined) e.url = f['nats-url'];
  for (const k of Object.keys(e) as (keyof NatsEndpoint)[]) if (e[k] === undefined) delete e[k];
  return e;
}

/** Seconds (decimals allowed) → ms. */
export function parseSeconds(text: string, flag: string): number {
  const n = Number(text.trim().replace(/s$/, ''));
  if (!Number.isFinite(n) || n <= 0) throw new UserError(`${flag} must be a positive number of seconds, got '${text}'`, { suggestion: `e.g. ${flag} 30` });
  return Math.round(n * 1000);
}

export function hostOptionsFromFlags(f: HostFlagValues, env: NodeJS.ProcessEnv = process.env): HostOptions {
  const labels = { ...labelsFromEnv(env) };
  assertUserLabels(labels, 'WASMCLOUD_LABEL_*');
  const flagLabels = parseLabelArgs(f.label ?? []);
  assertUserLabels(flagLabels, '--label');
  Object.assign(labels, flagLabels);

  const level = (f['log-level'] ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new UserError(`--log-level '${f['log-level']}' is not one of ${LOG_LEVELS.join(', ')}`);
  }
  const lattice = f.lattice ?? 'default';
  if (!/^[A-Za-z0-9_-]+$/.test(lattice)) {
    throw new UserError(`--lattice '${lattice}' may contain only letters, digits, '_' and '-'`, { suggestion: 'it becomes part of NATS subjects and KV bucket names' });
  }

  const opts: HostOptions = {
    lattice,
    ctl: endpoint(f, 'ctl'),
    rpc: endpoint(f, 'rpc'),
    rpcTimeoutMs: positive(f['rpc-timeout-ms'], '--rpc-timeout-ms'),
    hostSeed: f['host-seed'] || undefined,
    labels,
    heartbeatIntervalMs: f['heartbeat-interval'] !== undefined ? parseSeconds(f['heartbeat-interval'], '--heartbeat-interval') : undefined,
    allowFileLoad: f['allow-file-load'] ?? false,
    maxComponents: positive(f['max-components'], '--max-components'),
    maxLinearMemoryBytes: positive(f['max-linear-memory-bytes'], '--max-linear-memory-bytes'),
    maxExecutionTimeMs: positive(f['max-execution-time-ms'], '--max-execution-time-ms'),
    maxComponentSizeBytes: positive(f['max-component-size-bytes'], '--max-component-size-bytes'),
    jsDomain: f['js-domain'] || undefined,
    jsReplicas: checkJsReplicas(f['js-replicas']),
    ctlTopicPrefix: f['ctl-topic-prefix'] || undefined,
    componentAuctions: f['component-auctions'] ?? true,
    providerAuctions: f['provider-auctions'] ?? true,
    logLevel: level as LogLevel,
    structuredLogging: f['structured-logging'] ?? false,
  };
  for (const k of Object.keys(opts) as (keyof HostOptions)[]) if (opts[k] === undefined) delete opts[k];
  return opts;
}
