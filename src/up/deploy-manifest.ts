import { readUserFileSync } from '../fs/read-user-file.js';
import { MANIFEST_MAX_BYTES } from '../manifest/constants.js';
import type { NatsConnection } from '@nats-io/transport-node';
import { UserError } from '../errors.js';

/** Name and version annotation of a manifest file (YAML or JSON). */
export async function manifestIdentity(text: string, file: string): Promise<{ name: string; version?: string }> {
  const { parse } = await import('yaml');
  let doc: { metadata?: { name?: unknown; annotations?: Record<string, unknown> } } | null;
  try {
    doc = parse(text) as typeof doc;
  } catch (cause) {
    throw new UserError(`--wadm-manifest ${file} is not valid YAML or JSON`, { cause });
  }
  const name = doc?.metadata?.name;
  if (typeof name !== 'string' || name === '') throw new UserError(`--wadm-manifest ${file} has no metadata.name`);
  const version = doc?.metadata?.annotations?.version;
  return { name, version: typeof version === 'string' ? version : undefined };
}

/**
 * Stores and deploys a manifest file (wadm put + deploy). A manifest whose version is already stored is
 * deployed as it is, so running `wash up --wadm-manifest f` twice is harmless.
 */
export async function deployManifestFile(
  nc: NatsConnection,
  lattice: string,
  file: string,
  timeoutMs = 5000,
): Promise<{ name: string; version?: string }> {
  const text = readUserFileSync(file, { what: '--wadm-manifest', maxBytes: MANIFEST_MAX_BYTES }).toString('utf8');
  const { name, version } = await manifestIdentity(text, file);
  const { WadmClient, WadmApiError } = await import('../wadm/client/index.js');
  const client = new WadmClient(nc, lattice, { timeoutMs });
  let deployVersion: string | undefined;
  try {
    deployVersion = (await client.put(text)).current_version || undefined;
  } catch (err) {
    if (!(err instanceof WadmApiError && version && /already exists/i.test(err.message))) throw err;
    deployVersion = version;
  }
  const dep = await client.deploy(name, deployVersion);
  if (dep.result !== 'acknowledged') throw new UserError(`wadm did not deploy ${name}: ${dep.message || dep.result}`);
  return { name, version: dep.version ?? deployVersion };
}
