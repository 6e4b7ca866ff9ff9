import type { HealthCheckTiming } from './providers.js';
import type { BackoffPolicy } from './provider-process/backoff.js';
import type { HostLogger, LogLevel } from './log.js';
import type { Labels } from './labels.js';
import type { HostOciOptions } from './oci-fetcher.js';
import type { RuntimeFactory } from './runtime-port.js';

/** One NATS connection's settings (the ctl one, or the rpc one). */
export interface NatsEndpoint {
  /** Full server URL; wins over host/port. */
  url?: string;
  host?: string;
  port?: number;
  /** User/password auth (a `user:pass@` in the URL or host works too). */
  user?: string;
  pass?: string;
  jwt?: string;
  seed?: string;
  credsfile?: string;
  /** Require TLS. */
  tls?: boolean;
  tlsCaFile?: string;
  tlsFirst?: boolean;
}

export interface HostOptions {
  /** Lattice name (`default`). */
  lattice?: string;
  /** Control interface + events connection (default nats://127.0.0.1:4222). */
  ctl?: NatsEndpoint;
  /** RPC connection; the ctl settings when left out (one connection is shared then). */
  rpc?: NatsEndpoint;
  rpcTimeoutMs?: number;
  /** nkey server seed fixing the host id; random otherwise. */
  hostSeed?: string;
  /** User labels; `hostcore.*` keys are refused. The built-in `hostcore.*` labels are added. */
  labels?: Labels;
  /** Defaults to a random `adjective-noun-NNNN`. */
  friendlyName?: string;
  /** Heartbeat period; the first heartbeat comes one period after start (v1: 30 s). */
  heartbeatIntervalMs?: number;
  /** Allow `file://` component refs (v1 host default: off). */
  allowFileLoad?: boolean;
  /** Registry access for OCI component refs: latest policy, plain-HTTP registries, mirrors, credentials. */
  oci?: HostOciOptions;
  /** With allowFileLoad: the only directories `file://` refs may point into (symlinks resolved); undefined = any. */
  allowFileLoadDirs?: string[];
  maxComponents?: number;
  maxLinearMemoryBytes?: number;
  maxExecutionTimeMs?: number;
  maxComponentSizeBytes?: number;
  /** JetStream domain of the KV buckets. */
  jsDomain?: string;
  /** JetStream replicas of the KV buckets the host creates (default 1; 3 on a 3-node cluster). */
  jsReplicas?: number;
  /** `wasmbus.ctl` unless changed. */
  ctlTopicPrefix?: string;
  componentAuctions?: boolean;
  providerAuctions?: boolean;
  /** Where compiled components are cached (and, under `providers/`, executables from provider archives). */
  cacheDir?: string;
  providerHealthCheck?: Partial<HealthCheckTiming>;
  /** Restart delays of provider processes that exit on their own (1 s doubling to 60 s, reset after a 60 s run). */
  providerRestartBackoff?: Partial<BackoffPolicy>;
  /** How long a provider process may take to exit after the shutdown request before it is killed (3 s). */
  providerStopGraceMs?: number;
  /** Graceful stop deadline when `host.stop` gives none. */
  stopTimeoutMs?: number;
  /** A logger; otherwise one is made from `logLevel`/`structuredLogging`, writing to stderr. */
  logger?: HostLogger;
  logLevel?: LogLevel;
  structuredLogging?: boolean;
  /** Replaces the jco runtime (tests). */
  runtime?: RuntimeFactory;
}

export const HOST_DEFAULTS = {
  lattice: 'default',
  natsHost: '127.0.0.1',
  natsPort: 4222,
  heartbeatIntervalMs: 30_000,
  ctlTopicPrefix: 'wasmbus.ctl',
  rpcTimeoutMs: 2_000,
  maxExecutionTimeMs: 600_000,
  maxLinearMemoryBytes: 256 * 1024 * 1024,
  maxComponentSizeBytes: 50 * 1024 * 1024,
  stopTimeoutMs: 10_000,
} as const;

/** The server URL, credentials included when the URL or host carried them (mask it before showing it). */
export function endpointUrl(e: NatsEndpoint | undefined): string {
  if (e?.url) return e.url;
  return `nats://${e?.host ?? HOST_DEFAULTS.natsHost}:${e?.port ?? HOST_DEFAULTS.natsPort}`;
}

/** Two endpoints that would open identical connections (so one can be shared). */
export function sameEndpoint(a: NatsEndpoint | undefined, b: NatsEndpoint | undefined): boolean {
  const norm = (e: NatsEndpoint | undefined) =>
    JSON.stringify([
      endpointUrl(e),
      e?.user,
      e?.pass,
      e?.jwt,
      e?.seed,
      e?.credsfile,
      Boolean(e?.tls),
      e?.tlsCaFile,
      Boolean(e?.tlsFirst),
    ]);
  return norm(a) === norm(b);
}
