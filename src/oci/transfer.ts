import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { readWasmFile, assertComponent } from '../component/inspect.js';
import { UserError } from '../errors.js';
import { cliCaFile, cliCredentials, cliMirrors, type RegistryCliFlags, type RegistryDefaults } from './cli-options.js';
import { pullArtifact } from './pull.js';
import { pushComponent, type PushResult } from './push.js';
import { parseReference } from './reference.js';

/** `wash push`: reads and checks the component file, then pushes it (flags over project defaults). */
export async function pushFile(
  ref: string | undefined,
  file: string,
  flags: RegistryCliFlags & { annotation?: string[] },
  defaults: RegistryDefaults = {},
): Promise<PushResult> {
  const reference = ref ?? defaults.url;
  if (!reference)
    throw new UserError('no reference to push to', {
      suggestion:
        'give one, e.g. wash push ghcr.io/org/name:0.1.0 build/name_s.wasm, or set [registry] url in wasmcloud.toml',
    });
  const bytes = await readWasmFile(file);
  assertComponent(bytes, file);
  const { registry } = parseReference(reference);
  return pushComponent({
    reference,
    bytes,
    insecure: flags.insecure ?? defaults.insecure ?? false,
    credentials: cliCredentials(registry, flags, defaults),
    allowLatest: flags['allow-latest'],
    annotations: parseAnnotations(flags.annotation),
    caFile: cliCaFile(flags),
  });
}

function parseAnnotations(entries: string[] | undefined): Record<string, string> | undefined {
  if (!entries?.length) return undefined;
  const out: Record<string, string> = {};
  for (const e of entries) {
    const eq = e.indexOf('=');
    if (eq <= 0)
      throw new UserError(`--annotation '${e}' is not key=value`, {
        suggestion: 'e.g. --annotation org.opencontainers.image.source=https://github.com/org/repo',
      });
    out[e.slice(0, eq)] = e.slice(eq + 1);
  }
  return out;
}

export interface PullFileResult {
  url: string;
  digest: string;
  destination: string;
  location: string;
}

/** `wash pull`: pulls into the digest cache, then copies the component to `destination` (default `<name>.wasm`). */
export async function pullToFile(
  ref: string,
  destination: string | undefined,
  flags: RegistryCliFlags,
  opts: { cacheDir?: string } = {},
): Promise<PullFileResult> {
  const parsed = parseReference(ref);
  const mirrors = cliMirrors(flags);
  const target = mirrors[parsed.registry]?.replace(/\/.*$/, '') ?? parsed.registry;
  const pulled = await pullArtifact(ref, {
    allowLatest: flags['allow-latest'],
    allowedInsecure: flags.insecure ? [target] : [],
    mirrors,
    credentials: cliCredentials(target, flags),
    caFile: cliCaFile(flags),
    cacheDir: opts.cacheDir,
  });
  const dest = resolve(destination ?? `${basename(parsed.repository)}.wasm`);
  await mkdir(dirname(dest), { recursive: true });
  const tmp = `${dest}.tmp-${process.pid}`;
  try {
    await copyFile(pulled.path, tmp);
    await rename(tmp, dest);
  } catch (cause) {
    await rm(tmp, { force: true });
    throw new UserError(`cannot write ${dest}: ${(cause as Error).message}`, {
      cause,
      suggestion: 'choose another --destination',
    });
  }
  return { url: pulled.reference, digest: pulled.digest, destination: dest, location: pulled.location.display };
}

/** `wash inspect <ref>`: pulls into the digest cache and returns the cached file's path. */
export async function pullForInspect(
  ref: string,
  flags: RegistryCliFlags,
  opts: { cacheDir?: string } = {},
): Promise<string> {
  const parsed = parseReference(ref);
  const pulled = await pullArtifact(ref, {
    allowLatest: flags['allow-latest'],
    allowedInsecure: flags.insecure ? [parsed.registry] : [],
    credentials: cliCredentials(parsed.registry, flags),
    caFile: cliCaFile(flags),
    cacheDir: opts.cacheDir,
  });
  return pulled.path;
}
