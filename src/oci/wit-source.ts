/**
 * `oci://registry/prefix` sources of `[[registry.pull.sources]]` (wasmcloud.toml §11): WIT packages published
 * as wasm OCI artifacts (an `application/wasm` layer holding the binary-encoded WIT package), found where wkg
 * looks for them: `registry/<prefix>/<namespace>/<name>:<version>`.
 */
import { mkdir, copyFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { RegistryClient } from './client.js';
import { OciError } from './errors.js';
import { pullArtifact } from './pull.js';
import { credentialFor, parseMirrors, parseRegistryList, resolveLocation, type OciSettings } from './settings.js';
import { parseReference } from './reference.js';

import type { WitSource, WitSourceResolver } from '../dev/wit-deps.js';

export type { WitSource, WitSourceResolver };

interface Target {
  namespace: string;
  name: string;
  version?: string;
}

function parseTarget(target: string): Target {
  const m = /^([a-z][a-z0-9-]*):([a-z][a-z0-9-]*)(?:@(\S+))?$/.exec(target.trim());
  if (!m)
    throw new UserError(`[[registry.pull.sources]] target '${target}' is not a WIT package name`, {
      suggestion: 'write it as namespace:name, e.g. wasmcloud:bus (optionally @version)',
    });
  return { namespace: m[1], name: m[2], version: m[3] };
}

/** Highest semver release tag (pre-releases only when there is no release); undefined when no tag is a version. */
export function highestVersion(tags: readonly string[]): string | undefined {
  const parsed = tags.flatMap((t) => {
    const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(t);
    return m ? [{ tag: t, nums: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] }] : [];
  });
  parsed.sort((a, b) => {
    for (let i = 0; i < 3; i++) if (a.nums[i] !== b.nums[i]) return a.nums[i] - b.nums[i];
    if (a.pre === b.pre) return 0;
    if (a.pre === undefined) return 1;
    if (b.pre === undefined) return -1;
    return a.pre.localeCompare(b.pre, 'en', { numeric: true });
  });
  const releases = parsed.filter((p) => p.pre === undefined);
  return (releases.length > 0 ? releases : parsed).at(-1)?.tag;
}

/** Registry settings for WIT fetches from the environment (the same WASMCLOUD_OCI_* variables as the host). */
export function ociSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): OciSettings {
  const creds: Record<string, { username: string; password: string }> = {};
  if (env.WASMCLOUD_OCI_REGISTRY && env.WASMCLOUD_OCI_REGISTRY_USER !== undefined) {
    creds[env.WASMCLOUD_OCI_REGISTRY] = {
      username: env.WASMCLOUD_OCI_REGISTRY_USER,
      password: env.WASMCLOUD_OCI_REGISTRY_PASSWORD ?? '',
    };
  }
  return {
    allowedInsecure: parseRegistryList(env.WASMCLOUD_OCI_ALLOWED_INSECURE ? [env.WASMCLOUD_OCI_ALLOWED_INSECURE] : []),
    mirrors: parseMirrors(
      env.WASMCLOUD_OCI_REGISTRY_MIRRORS ? [env.WASMCLOUD_OCI_REGISTRY_MIRRORS] : [],
      'WASMCLOUD_OCI_REGISTRY_MIRRORS',
    ),
    credentials: creds,
    caFile: env.WASMCLOUD_OCI_TLS_CA_FILE || undefined,
  };
}

/**
 * A resolver for `oci://` WIT sources. It writes the binary WIT package as `<destDir>/<namespace>-<name>.wasm`
 * (the only file there); the dev loop's `resolveWitDeps` then places it as `wit/deps/<namespace>-<name>.wasm`,
 * where wit-parser (jco, componentize-js, wasm-tools, wit-bindgen, cargo-component) reads binary packages.
 * Without `@version` the highest semver tag of the repository is used.
 */
export function ociWitSource(settings: OciSettings = ociSettingsFromEnv()): WitSourceResolver {
  return async (source, destDir) => {
    if (!source.url.startsWith('oci://'))
      throw new UserError(`WIT source '${source.url}' for ${source.target} is not an oci:// source`);
    const target = parseTarget(source.target);
    const base = source.url.slice('oci://'.length).replace(/\/+$/, '');
    const repoRef = `${base}/${target.namespace}/${target.name}`;
    let version = target.version;
    if (!version) {
      const probe = parseReference(`${repoRef}:probe`);
      const loc = resolveLocation(probe, settings);
      const client = new RegistryClient(
        {
          registry: loc.registry,
          repository: loc.repository,
          insecure: loc.insecure,
          display: `${repoRef} (${source.target})`,
          credential: credentialFor(settings.credentials, loc.registry),
          caFile: settings.caFile,
        },
        settings.timeoutMs,
      );
      const res = await client.request({ path: `${loc.repository}/tags/list`, actions: 'pull', expect: [200] });
      let tags: string[] = [];
      try {
        tags = (JSON.parse(await res.text()) as { tags?: string[] | null }).tags ?? [];
      } catch {
        /* no tags */
      }
      version = highestVersion(tags);
      if (!version)
        throw new OciError(
          'not-found',
          `no version tags for WIT package ${source.target} at ${repoRef} (tags: ${tags.join(', ') || 'none'})`,
          { suggestion: `pin a version in the target, e.g. ${source.target}@0.1.0` },
        );
    }
    const pulled = await pullArtifact(`${repoRef}:${version}`, { ...settings, allowLatest: true }).catch(
      (err: unknown) => {
        if (err instanceof Error) err.message = `WIT package ${source.target} from ${source.url}: ${err.message}`;
        throw err;
      },
    );
    await mkdir(destDir, { recursive: true });
    const dest = join(destDir, `${target.namespace}-${target.name}.wasm`);
    const tmp = `${dest}.tmp-${process.pid}`;
    try {
      await copyFile(pulled.path, tmp);
      await rename(tmp, dest);
    } finally {
      await rm(tmp, { force: true });
    }
  };
}

/** The resolver with settings from the environment; the signature the dev loop's scheme registry expects. */
export const resolveOciWitSource: WitSourceResolver = (source, destDir) => ociWitSource()(source, destDir);
