import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { washDirs } from '../config/dirs.js';
import { UserError } from '../errors.js';
import { readUserFileSync, SMALL_FILE_MAX_BYTES } from '../fs/read-user-file.js';

/** Everything needed to reach a lattice's control plane (wash v1 `CliConnectionOpts`). */
export interface ConnectionOptions {
  ctlHost: string;
  ctlPort: number;
  /** User/password auth (also `-r user:pass@host`): WASMCLOUD_CTL_USER / WASMCLOUD_CTL_PASSWORD. */
  ctlUser?: string;
  ctlPassword?: string;
  ctlJwt?: string;
  ctlSeed?: string;
  ctlCredsfile?: string;
  ctlTlsCaFile?: string;
  ctlTlsFirst?: boolean;
  lattice: string;
  timeoutMs: number;
  jsDomain?: string;
  /** `wasmbus.ctl` unless WASMCLOUD_CTL_TOPIC_PREFIX says otherwise. */
  ctlTopicPrefix: string;
}

export const DEFAULT_CONNECTION: ConnectionOptions = {
  ctlHost: '127.0.0.1',
  ctlPort: 4222,
  lattice: 'default',
  timeoutMs: 2000,
  ctlTopicPrefix: 'wasmbus.ctl',
};

/** Connection values as the CLI flags carry them (see `src/cli/connection-flags.ts`). */
export type ConnectionFlagValues = {
  'ctl-host'?: string;
  'ctl-port'?: number;
  'ctl-jwt'?: string;
  'ctl-seed'?: string;
  'ctl-credsfile'?: string;
  'ctl-tls-ca-file'?: string;
  'ctl-tls-first'?: boolean;
  'js-domain'?: string;
  lattice?: string;
  'timeout-ms'?: number;
  context?: string;
};

/** Stored context (JSON file in the contexts dir), field names as in wash v1. */
export interface WashContext {
  name?: string;
  ctl_host?: string;
  ctl_port?: number;
  ctl_jwt?: string;
  ctl_seed?: string;
  ctl_credsfile?: string;
  ctl_timeout?: number;
  ctl_tls_ca_file?: string;
  ctl_tls_first?: boolean;
  lattice?: string;
  lattice_prefix?: string;
  js_domain?: string;
}

export function loadContext(name: string | undefined, env: NodeJS.ProcessEnv = process.env): WashContext | undefined {
  const dir = washDirs(env).contexts;
  const file = join(dir, `${name ?? 'default'}.json`);
  if (!existsSync(file)) {
    if (name)
      throw new UserError(`context '${name}' not found (looked for ${file})`, {
        suggestion: `create it, or omit --context`,
      });
    return undefined;
  }
  const text = readUserFileSync(file, { what: 'context file', maxBytes: SMALL_FILE_MAX_BYTES }).toString('utf8');
  try {
    return JSON.parse(text) as WashContext;
  } catch (cause) {
    throw new UserError(`context file ${file} is not valid JSON`, { cause, suggestion: 'fix or delete the file' });
  }
}

export function resolveConnection(
  flags: ConnectionFlagValues,
  env: NodeJS.ProcessEnv = process.env,
): ConnectionOptions {
  const ctx = loadContext(flags.context, env) ?? {};
  const d = DEFAULT_CONNECTION;
  const port = flags['ctl-port'] ?? ctx.ctl_port ?? d.ctlPort;
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new UserError(`--ctl-port ${port} is not a valid port (1-65535)`);
  const timeoutMs = flags['timeout-ms'] ?? ctx.ctl_timeout ?? d.timeoutMs;
  if (timeoutMs <= 0) throw new UserError(`--timeout-ms must be positive, got ${timeoutMs}`);
  return {
    ctlHost: flags['ctl-host'] ?? ctx.ctl_host ?? d.ctlHost,
    ctlPort: port,
    ctlUser: env.WASMCLOUD_CTL_USER || undefined,
    ctlPassword: env.WASMCLOUD_CTL_PASSWORD || undefined,
    ctlJwt: flags['ctl-jwt'] ?? ctx.ctl_jwt,
    ctlSeed: flags['ctl-seed'] ?? ctx.ctl_seed,
    ctlCredsfile: flags['ctl-credsfile'] ?? ctx.ctl_credsfile,
    ctlTlsCaFile: flags['ctl-tls-ca-file'] ?? ctx.ctl_tls_ca_file,
    ctlTlsFirst: flags['ctl-tls-first'] || ctx.ctl_tls_first || undefined,
    lattice: flags.lattice ?? ctx.lattice ?? ctx.lattice_prefix ?? d.lattice,
    timeoutMs,
    jsDomain: flags['js-domain'] ?? ctx.js_domain,
    ctlTopicPrefix: env.WASMCLOUD_CTL_TOPIC_PREFIX || d.ctlTopicPrefix,
  };
}

export function natsUrl(opts: Pick<ConnectionOptions, 'ctlHost' | 'ctlPort'>): string {
  return `nats://${opts.ctlHost}:${opts.ctlPort}`;
}
