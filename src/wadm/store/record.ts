/**
 * The KV value of one app (wadm.md §3.1): `{"manifests":{"<v>":Manifest,…},"deployed_version":…}` where the key
 * order of `manifests` IS the version order (a Rust IndexMap). `JSON.parse` would reorder integer-like keys
 * ("1", "2"), so the order is read with a small scanner and values are looked up by key. We add
 * `wash_deploy_history` (ignored by Rust wadm, which keeps no deploy history).
 */
import type { DeployRecord, RecordOwner, StoredApp, StoredVersion, WadmManifest } from '../types.js';

export const DEPLOY_HISTORY_KEY = 'wash_deploy_history';
export const OWNER_LATTICE_KEY = 'wash_lattice';
export const OWNER_NAME_KEY = 'wash_name';
/** Entries kept in `wash_deploy_history` (oldest dropped first). */
export const DEPLOY_HISTORY_LIMIT = 50;

export class RecordFormatError extends Error {
  override name = 'RecordFormatError';
}

const WS = new Set([' ', '\t', '\n', '\r']);

function skipWs(s: string, i: number): number {
  while (i < s.length && WS.has(s[i])) i++;
  return i;
}

/** Index just past the string literal starting at `i` (which must be a `"`). */
function endOfString(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s[j] === '"') return j + 1;
  }
  throw new RecordFormatError('unterminated string in JSON');
}

/**
 * Walks one JSON value starting at `i` and returns the index after it. When the value is an object at
 * `want` (a key path from the root), its keys are pushed to `out` in document order.
 */
function walk(s: string, i: number, path: string[], want: readonly string[], out: string[]): number {
  i = skipWs(s, i);
  const c = s[i];
  if (c === '{') {
    const collect = path.length === want.length && path.every((p, k) => p === want[k]);
    i = skipWs(s, i + 1);
    if (s[i] === '}') return i + 1;
    for (;;) {
      i = skipWs(s, i);
      if (s[i] !== '"') throw new RecordFormatError(`expected an object key at offset ${i}`);
      const end = endOfString(s, i);
      const key = JSON.parse(s.slice(i, end)) as string;
      if (collect) out.push(key);
      i = skipWs(s, end);
      if (s[i] !== ':') throw new RecordFormatError(`expected ':' at offset ${i}`);
      // Only descend along the wanted path; other subtrees are skipped the same way (cheap).
      i = walk(s, i + 1, [...path, key], want, out);
      i = skipWs(s, i);
      if (s[i] === ',') {
        i++;
        continue;
      }
      if (s[i] === '}') return i + 1;
      throw new RecordFormatError(`expected ',' or '}' at offset ${i}`);
    }
  }
  if (c === '[') {
    i = skipWs(s, i + 1);
    if (s[i] === ']') return i + 1;
    for (;;) {
      i = walk(s, i, [...path, '[]'], want, out);
      i = skipWs(s, i);
      if (s[i] === ',') {
        i++;
        continue;
      }
      if (s[i] === ']') return i + 1;
      throw new RecordFormatError(`expected ',' or ']' at offset ${i}`);
    }
  }
  if (c === '"') return endOfString(s, i);
  // number, true, false, null
  let j = i;
  while (j < s.length && !WS.has(s[j]) && s[j] !== ',' && s[j] !== '}' && s[j] !== ']') j++;
  if (j === i) throw new RecordFormatError(`unexpected character at offset ${i}`);
  return j;
}

/** Keys of the object at `path` in the JSON `text`, in document order (`[]` when it is not an object). */
export function objectKeyOrder(text: string, path: readonly string[]): string[] {
  const out: string[] = [];
  walk(text, 0, [], path, out);
  return [...new Set(out)];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Decodes a KV value into a StoredApp. Throws RecordFormatError on a value that is not an app record. */
export function decodeAppRecord(name: string, text: string, revision: number): StoredApp {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new RecordFormatError(`stored record of ${name} is not valid JSON: ${(cause as Error).message}`);
  }
  if (!isObject(raw) || !isObject(raw.manifests))
    throw new RecordFormatError(`stored record of ${name} has no "manifests" map`);
  const manifests = raw.manifests;
  const versions: StoredVersion[] = objectKeyOrder(text, ['manifests']).map((version) => ({
    version,
    manifest: manifests[version] as WadmManifest,
  }));
  const deployed = typeof raw.deployed_version === 'string' ? raw.deployed_version : null;
  const history = Array.isArray(raw[DEPLOY_HISTORY_KEY])
    ? (raw[DEPLOY_HISTORY_KEY] as unknown[]).filter(
        (e): e is DeployRecord => isObject(e) && typeof e.version === 'string' && typeof e.deployed_at === 'string',
      )
    : [];
  const app: StoredApp = { name, versions, deployed_version: deployed, deploy_history: history, revision };
  if (typeof raw[OWNER_LATTICE_KEY] === 'string' && typeof raw[OWNER_NAME_KEY] === 'string') {
    app.owner = { lattice: raw[OWNER_LATTICE_KEY], name: raw[OWNER_NAME_KEY] };
  }
  return app;
}

/** Encodes an app record, writing `manifests` in version order (and the owner, when given). */
export function encodeAppRecord(
  app: Pick<StoredApp, 'versions' | 'deployed_version' | 'deploy_history'>,
  owner?: RecordOwner,
): string {
  const manifests = app.versions.map((v) => `${JSON.stringify(v.version)}:${JSON.stringify(v.manifest)}`).join(',');
  let text = `{"manifests":{${manifests}},"deployed_version":${JSON.stringify(app.deployed_version)}`;
  if (app.deploy_history.length > 0)
    text += `,"${DEPLOY_HISTORY_KEY}":${JSON.stringify(app.deploy_history.slice(-DEPLOY_HISTORY_LIMIT))}`;
  if (owner)
    text += `,"${OWNER_LATTICE_KEY}":${JSON.stringify(owner.lattice)},"${OWNER_NAME_KEY}":${JSON.stringify(owner.name)}`;
  return text + '}';
}

/** The lattice index value: a sorted JSON array of app names. */
export function decodeIndex(text: string): string[] {
  try {
    const raw = JSON.parse(text) as unknown;
    return Array.isArray(raw) ? raw.filter((n): n is string => typeof n === 'string') : [];
  } catch {
    return [];
  }
}

export function encodeIndex(names: Iterable<string>): string {
  // Rust sorts with a BTreeSet (byte order); plain `<` compares UTF-16 code units, the same for BMP names.
  return JSON.stringify([...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
}
