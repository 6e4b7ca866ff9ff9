import { readFileSync } from 'node:fs';
import type { NatsConnection } from '@nats-io/transport-node';
import { UserError } from '../errors.js';
import { wadmApiSubject } from '../lattice/subjects.js';

interface WadmReply {
  result?: string;
  message?: string;
  current_version?: string;
  version?: string | null;
}

async function call(nc: NatsConnection, subject: string, body: Uint8Array, timeoutMs: number): Promise<WadmReply> {
  let data: Uint8Array;
  try {
    data = (await nc.request(subject, body, { timeout: timeoutMs })).data;
  } catch (cause) {
    throw new UserError(`wadm did not answer on ${subject}`, { cause, suggestion: 'is wadm running on this lattice? (`wash up` starts it unless --disable-wadm)' });
  }
  try {
    return JSON.parse(new TextDecoder().decode(data)) as WadmReply;
  } catch (cause) {
    throw new UserError(`wadm sent an unreadable reply on ${subject}`, { cause });
  }
}

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
export async function deployManifestFile(nc: NatsConnection, lattice: string, file: string, timeoutMs = 5000): Promise<{ name: string; version?: string }> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (cause) {
    throw new UserError(`cannot read --wadm-manifest ${file}`, { cause });
  }
  const { name, version } = await manifestIdentity(bytes.toString('utf8'), file);
  const put = await call(nc, wadmApiSubject(lattice, 'put'), bytes, timeoutMs);
  let deployVersion: string | undefined;
  if (put.result === 'created' || put.result === 'newversion') deployVersion = put.current_version;
  else if (version && /already exists/i.test(put.message ?? '')) deployVersion = version;
  else throw new UserError(`wadm refused manifest ${file}: ${put.message ?? put.result ?? 'no reason given'}`, { suggestion: `check it with \`wash app validate ${file}\`` });
  const body = new TextEncoder().encode(JSON.stringify(deployVersion ? { version: deployVersion } : {}));
  const dep = await call(nc, wadmApiSubject(lattice, 'deploy', name), body, timeoutMs);
  if (dep.result !== 'acknowledged') throw new UserError(`wadm did not deploy ${name}: ${dep.message ?? dep.result ?? 'no reason given'}`);
  return { name, version: dep.version ?? deployVersion };
}
