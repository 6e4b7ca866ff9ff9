/**
 * `wash up` flags (each already merged with its environment variable by oclif) and the selected context →
 * validated `UpOptions`, as `host/settings.ts` does for `wash host`.
 */
import { resolve } from 'node:path';
import type { OciFlagValues } from '../host/settings.js';
import type { WashContext } from '../lattice/options.js';
import { UP_DEFAULTS, parseLabels, upFileLoadSettings, validateUpOptions, type UpOptions } from './options.js';

export interface UpFlagValues extends OciFlagValues {
  lattice?: string;
  'nats-host'?: string;
  'nats-port'?: number;
  'nats-connect-only': boolean;
  'nats-binary'?: string;
  'nats-js-domain'?: string;
  'nats-websocket-port'?: number;
  'nats-remote-url'?: string;
  'nats-credsfile'?: string;
  'nats-config-file'?: string;
  hosts: number;
  'host-seed'?: string;
  label?: string[];
  'allow-file-load'?: boolean;
  'allow-file-load-dirs'?: string;
  'js-replicas'?: number;
  'multi-local': boolean;
  'log-level': string;
  'enable-structured-logging': boolean;
  'host-log-path'?: string;
  'host-path'?: string;
  'max-execution-time-ms'?: number;
  'wasmcloud-js-domain'?: string;
  'disable-wadm': boolean;
  'wadm-js-domain'?: string;
  'wadm-manifest'?: string;
  detached: boolean;
  'host-ready-timeout-ms': number;
}

export function upOptionsFromFlags(
  flags: UpFlagValues,
  ctx: WashContext = {},
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): UpOptions {
  const o: UpOptions = {
    lattice: flags.lattice ?? ctx.lattice ?? ctx.lattice_prefix ?? UP_DEFAULTS.lattice,
    natsHost: flags['nats-host'] ?? ctx.ctl_host ?? UP_DEFAULTS.natsHost,
    natsPort: flags['nats-port'] ?? ctx.ctl_port ?? UP_DEFAULTS.natsPort,
    natsConnectOnly: flags['nats-connect-only'],
    natsBinary: flags['nats-binary'],
    natsJsDomain: flags['nats-js-domain'],
    natsWebsocketPort: flags['nats-websocket-port'],
    natsRemoteUrl: flags['nats-remote-url'],
    natsCredsfile: flags['nats-credsfile'],
    natsConfigFile: flags['nats-config-file'],
    hosts: flags.hosts,
    hostSeed: flags['host-seed'] || undefined,
    labels: parseLabels(flags.label),
    ...upFileLoadSettings(flags, env, cwd, flags['wadm-manifest']),
    multiLocal: flags['multi-local'],
    logLevel: flags['log-level'],
    structuredLogging: flags['enable-structured-logging'],
    hostLogPath: flags['host-log-path'],
    hostPath: flags['host-path'],
    maxExecutionTimeMs: flags['max-execution-time-ms'],
    hostJsDomain: flags['wasmcloud-js-domain'] ?? ctx.js_domain,
    disableWadm: flags['disable-wadm'],
    wadmJsDomain: flags['wadm-js-domain'],
    jsReplicas: flags['js-replicas'],
    wadmManifest: flags['wadm-manifest'],
    detached: flags.detached,
    hostReadyTimeoutMs: flags['host-ready-timeout-ms'],
    ctlTopicPrefix: env.WASMCLOUD_CTL_TOPIC_PREFIX || 'wasmbus.ctl',
    oci: {
      allowLatest: flags['allow-latest'] || undefined,
      allowedInsecure: flags['allowed-insecure'],
      mirrors: flags['registry-mirror'],
      registry: flags['oci-registry'],
      user: flags['oci-user'],
      password: flags['oci-password'],
      caFile: flags['oci-tls-ca-file'] ? resolve(cwd, flags['oci-tls-ca-file']) : undefined,
    },
  };
  validateUpOptions(o);
  return o;
}
