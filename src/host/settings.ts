/**
 * `wash host` flags (each already merged with its environment variable by oclif) → `HostOptions`. Adds what
 * oclif cannot express: `WASMCLOUD_NATS_*` as a shorthand for both connections, `WASMCLOUD_LABEL_*`, and
 * validation with messages naming the flag.
 */
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { parseDirList } from '../fs/allowed-dirs.js';
import { checkJsReplicas } from '../lattice/js-replicas.js';
import { assertUserLabels, labelsFromEnv, parseLabelArgs } from './labels.js';
import { LOG_LEVELS, type LogLevel } from './log.js';
import { parseMirrors, parseRegistryList, type RegistryCredential } from '../oci/settings.js';
import { caBundle } from '../oci/tls.js';
import type { HostOciOptions } from './oci-fetcher.js';
import type { HostOptions, NatsEndpoint } from './options.js';

/** The OCI flags `wash host` and `wash up` share (each merged with its environment variable by oclif). */
export interface OciFlagValues {
  'allow-latest'?: boolean;
  'allowed-insecure'?: string[];
  'registry-mirror'?: string[];
  'oci-registry'?: string;
  'oci-user'?: string;
  'oci-password'?: string;
  'oci-tls-ca-file'?: string;
}

export interface HostFlagValues extends OciFlagValues {
  lattice?: string;
  'host-seed'?: string;
  'nats-url'?: string;
  /** Flags given on the command line (not from the environment); when absent every set flag counts as given. */
  explicit?: ReadonlySet<string>;
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
  'allow-file-load-dirs'?: string;
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

/**
 * `--allow-latest`, `--allowed-insecure`, `--registry-mirror`, `--oci-registry/-user/-password`, `--oci-tls-ca-file`
 * → the host's OCI settings.
 */
export function hostOciOptionsFromFlags(f: OciFlagValues): HostOciOptions {
  const credentials: Record<string, RegistryCredential> = {};
  if (f['oci-user'] !== undefined || f['oci-password'] !== undefined) {
    const registry = f['oci-registry']?.trim().replace(/^(oci|https?):\/\//, '');
    if (!registry) {
      throw new UserError(
        '--oci-user/--oci-password need --oci-registry (WASMCLOUD_OCI_REGISTRY) naming the registry they are for',
        {
          suggestion:
            'e.g. --oci-registry ghcr.io --oci-user me --oci-password $TOKEN; credentials are never sent to other registries',
        },
      );
    }
    credentials[registry] = { username: f['oci-user'] ?? '', password: f['oci-password'] ?? '' };
  }
  const oci: HostOciOptions = {
    allowLatest: f['allow-latest'] || undefined,
    allowedInsecure: parseRegistryList(f['allowed-insecure']),
    mirrors: parseMirrors(f['registry-mirror'], '--registry-mirror'),
    credentials,
  };
  const caFile = f['oci-tls-ca-file']?.trim();
  if (caFile) {
    caBundle(caFile); // a missing or non-PEM file stops the host at start, not at its first pull
    oci.caFile = resolve(caFile);
  }
  return oci;
}

function port(value: number | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > 65535)
    throw new UserError(`${flag} ${value} is not a valid port (1-65535)`);
  return value;
}

function positive(value: number | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value <= 0) throw new UserError(`${flag} must be a positive number, got ${value}`);
  return value;
}

function endpoint(f: HostFlagValues, kind: 'ctl' | 'rpc', env: NodeJS.ProcessEnv): NatsEndpoint {
  const K = kind.toUpperCase();
  const given = (name: string) => (f.explicit ? f.explicit.has(name) : f[name as keyof HostFlagValues] !== undefined);
  // --ctl-port beats --nats-port, unless only --nats-port was given on the command line (the other from the env).
  const pick = <T>(specific: `${typeof kind}-${string}`, general: keyof HostFlagValues): T | undefined => {
    const s = f[specific as keyof HostFlagValues] as T | undefined;
    const g = f[general] as T | undefined;
    return given(general) && !given(specific) ? (g ?? s) : (s ?? g);
  };
  const e: NatsEndpoint = {
    host: pick<string>(`${kind}-host`, 'nats-host'),
    // Passwords only from the environment (a flag value shows in `ps`); `user:pass@` in a URL/host works too.
    user: env[`WASMCLOUD_${K}_USER`] || env.WASMCLOUD_NATS_USER || undefined,
    pass: env[`WASMCLOUD_${K}_PASSWORD`] || env.WASMCLOUD_NATS_PASSWORD || undefined,
    port:
      given('nats-port') && !given(`${kind}-port`)
        ? port(f['nats-port'], '--nats-port')
        : (port(f[`${kind}-port`], `--${kind}-port`) ?? port(f['nats-port'], '--nats-port')),
    jwt: pick<string>(`${kind}-jwt`, 'nats-jwt'),
    seed: pick<string>(`${kind}-seed`, 'nats-seed'),
    credsfile: pick<string>(`${kind}-credsfile`, 'nats-creds'),
    tls: f[`${kind}-tls`] || undefined,
    tlsCaFile: f[`${kind}-tls-ca-file`],
    tlsFirst: f[`${kind}-tls-first`] || undefined,
  };
  // --nats-url names the server for both connections unless a specific host/port was given on the command line
  // (one that only came from WASMCLOUD_*_HOST/PORT does not override an explicit URL and its credentials).
  const specific = given(`${kind}-host`) || given(`${kind}-port`);
  if (f['nats-url'] && !specific) e.url = f['nats-url'];
  for (const k of Object.keys(e) as (keyof NatsEndpoint)[]) if (e[k] === undefined) delete e[k];
  return e;
}

/** Seconds (decimals allowed) → ms. */
export function parseSeconds(text: string, flag: string): number {
  const n = Number(text.trim().replace(/s$/, ''));
  if (!Number.isFinite(n) || n <= 0)
    throw new UserError(`${flag} must be a positive number of seconds, got '${text}'`, {
      suggestion: `e.g. ${flag} 30`,
    });
  return Math.round(n * 1000);
}

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off', ''];

/**
 * oclif flags either always or never take a value, but `--allow-file-load` is both: bare (any path, as wasmCloud
 * hosts) or `--allow-file-load=<dir,…>`. The value form is rewritten to the hidden `--allow-file-load-dirs`.
 */
export function normalizeAllowFileLoadArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (const arg of argv) {
    if (arg === '--') return [...out, ...argv.slice(out.length)];
    const m = /^--allow-file-load=(.*)$/s.exec(arg);
    if (!m) out.push(arg);
    else if (TRUE_WORDS.includes(m[1].toLowerCase())) out.push('--allow-file-load');
    else if (FALSE_WORDS.includes(m[1].toLowerCase())) out.push('--no-allow-file-load');
    else out.push(`--allow-file-load-dirs=${m[1]}`);
  }
  return out;
}

/** `{ allowFileLoad, allowFileLoadDirs }` from the flags, else WASMCLOUD_ALLOW_FILE_LOAD (true/false or a dir list). */
export function fileLoadSettings(
  f: HostFlagValues,
  env: NodeJS.ProcessEnv,
  cwd: string = process.cwd(),
): Pick<HostOptions, 'allowFileLoad' | 'allowFileLoadDirs'> {
  const dirs = (text: string, where: string) => {
    const list = parseDirList(text, cwd);
    if (list.length === 0)
      throw new UserError(`${where} names no directory`, {
        suggestion: 'give --allow-file-load=<dir,…>, or the bare --allow-file-load to allow any path',
      });
    return { allowFileLoad: true, allowFileLoadDirs: list };
  };
  if (f['allow-file-load-dirs'] !== undefined) return dirs(f['allow-file-load-dirs'], '--allow-file-load');
  if (f['allow-file-load'] !== undefined) return { allowFileLoad: f['allow-file-load'] };
  const v = env.WASMCLOUD_ALLOW_FILE_LOAD;
  if (v === undefined || FALSE_WORDS.includes(v.trim().toLowerCase())) return { allowFileLoad: false };
  if (TRUE_WORDS.includes(v.trim().toLowerCase())) return { allowFileLoad: true };
  return dirs(v, 'WASMCLOUD_ALLOW_FILE_LOAD');
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
    throw new UserError(`--lattice '${lattice}' may contain only letters, digits, '_' and '-'`, {
      suggestion: 'it becomes part of NATS subjects and KV bucket names',
    });
  }

  const opts: HostOptions = {
    lattice,
    ctl: endpoint(f, 'ctl', env),
    rpc: endpoint(f, 'rpc', env),
    rpcTimeoutMs: positive(f['rpc-timeout-ms'], '--rpc-timeout-ms'),
    hostSeed: f['host-seed'] || undefined,
    labels,
    heartbeatIntervalMs:
      f['heartbeat-interval'] !== undefined ? parseSeconds(f['heartbeat-interval'], '--heartbeat-interval') : undefined,
    ...fileLoadSettings(f, env),
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
    oci: hostOciOptionsFromFlags(f),
  };
  for (const k of Object.keys(opts) as (keyof HostOptions)[]) if (opts[k] === undefined) delete opts[k];
  return opts;
}
