/**
 * What `wash push` / `wash pull` need from flags, env, a wash context and the project's `[registry]` table,
 * turned into client settings. Credentials from flags/env apply only to the registry being talked to.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { washDirs } from '../config/dirs.js';
import { UserError } from '../errors.js';
import { parseMirrors, type RegistryCredential } from './settings.js';
import { caBundle } from './tls.js';

export interface RegistryCliFlags {
  user?: string;
  password?: string;
  insecure?: boolean;
  'allow-latest'?: boolean;
  context?: string;
  'registry-mirror'?: string[];
  'oci-tls-ca-file'?: string;
}

/** Defaults from a project (`[registry]` of wasmcloud.toml, see `registryPushDefaults`). */
export interface RegistryDefaults {
  /** Reference pushed when the command names none. */
  url?: string;
  insecure?: boolean;
  credentials?: Record<string, RegistryCredential>;
}

/** A wash context may carry `registry_credentials: { "<host>": { username, password } | { token } }`. */
function contextCredentials(name: string | undefined, env: NodeJS.ProcessEnv): Record<string, RegistryCredential> {
  const file = join(washDirs(env).contexts, `${name ?? 'default'}.json`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    if (name)
      throw new UserError(`context '${name}' not found (looked for ${file})`, {
        suggestion: 'create it, or omit --context',
      });
    return {};
  }
  try {
    const ctx = JSON.parse(text) as { registry_credentials?: Record<string, RegistryCredential> };
    return ctx.registry_credentials ?? {};
  } catch (cause) {
    throw new UserError(`context file ${file} is not valid JSON`, { cause, suggestion: 'fix or delete the file' });
  }
}

/** Credentials for `registry`: --user/--password (or WASMCLOUD_OCI_REGISTRY_USER/_PASSWORD) > project > context. */
export function cliCredentials(
  registry: string,
  flags: RegistryCliFlags,
  defaults: RegistryDefaults = {},
  env: NodeJS.ProcessEnv = process.env,
): Record<string, RegistryCredential> {
  const user = flags.user ?? env.WASH_REG_USER;
  const password = flags.password ?? env.WASH_REG_PASSWORD;
  if ((user === undefined) !== (password === undefined)) {
    throw new UserError(
      `${user === undefined ? '--password' : '--user'} was given without ${user === undefined ? '--user' : '--password'}`,
      {
        suggestion: 'give both (or WASMCLOUD_OCI_REGISTRY_USER and WASMCLOUD_OCI_REGISTRY_PASSWORD)',
      },
    );
  }
  const creds = { ...contextCredentials(flags.context, env), ...defaults.credentials };
  if (user !== undefined && password !== undefined) creds[registry] = { username: user, password };
  return creds;
}

/** `--oci-tls-ca-file`, checked (readable PEM) before any request. */
export function cliCaFile(flags: RegistryCliFlags): string | undefined {
  const file = flags['oci-tls-ca-file']?.trim();
  if (!file) return undefined;
  caBundle(file);
  return file;
}

export function cliMirrors(flags: RegistryCliFlags): Record<string, string> {
  return parseMirrors(flags['registry-mirror'], '--registry-mirror');
}

/**
 * Adapter for the `[registry]` table of wasmcloud.toml (§11): `url` (push target), `credentials` (path, relative
 * to the project dir, of a JSON map host → RegistryCredential), `push_insecure`. `table` is the parsed TOML table.
 */
export function registryPushDefaults(
  table: { url?: unknown; credentials?: unknown; push_insecure?: unknown } | undefined,
  projectDir: string,
): RegistryDefaults {
  if (!table) return {};
  const out: RegistryDefaults = {};
  if (table.url !== undefined) {
    if (typeof table.url !== 'string' || table.url.trim() === '')
      throw new UserError(
        '[registry] url in wasmcloud.toml must be a non-empty string such as "ghcr.io/org/name:0.1.0"',
      );
    out.url = table.url.trim();
  }
  if (table.push_insecure !== undefined) {
    if (typeof table.push_insecure !== 'boolean')
      throw new UserError('[registry] push_insecure in wasmcloud.toml must be true or false');
    out.insecure = table.push_insecure;
  }
  if (table.credentials !== undefined) {
    if (typeof table.credentials !== 'string')
      throw new UserError('[registry] credentials in wasmcloud.toml must be the path of a JSON credentials file');
    const file = join(projectDir, table.credentials);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (cause) {
      throw new UserError(
        `cannot read the registry credentials file ${file} ([registry] credentials in wasmcloud.toml)`,
        {
          cause,
          suggestion: 'it must be JSON: { "ghcr.io": { "username": "...", "password": "..." } }',
        },
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new UserError(
        `${file} must be a JSON object mapping registry hosts to { username, password } or { token }`,
      );
    }
    out.credentials = parsed as Record<string, RegistryCredential>;
  }
  return out;
}
