/**
 * `claims.get` entries exactly as a wasmCloud 1.9 host sends them (`crates/host/src/wasmbus/claims.rs`): a stored
 * `CLAIMS_{subject}` record (`StoredClaims`, component or provider; `iss`/`rev`/`sub` accepted as aliases and
 * component `tags` as an array or a comma-joined string) becomes a flat string map with the `iss`/`rev`/`sub`
 * duplicates, component `tags` comma-joined and provider `config_schema` ("" when absent). A record that does
 * not decode as either kind, or whose subject is not its key's, is not listed (upstream skips it too).
 */
import type { ClaimsMap } from '../lattice/types.js';

type Fields = Record<string, unknown>;

const str = (v: unknown): v is string => typeof v === 'string';
const pick = (r: Fields, name: string, alias: string): unknown => (r[name] !== undefined ? r[name] : r[alias]);

function tagsOf(v: unknown): string[] | undefined {
  if (str(v)) return v.split(',');
  if (Array.isArray(v) && v.every(str)) return v;
  return undefined;
}

export function claimsEntry(record: unknown, subjectKey?: string): ClaimsMap | undefined {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return undefined;
  const r = record as Fields;
  const issuer = pick(r, 'issuer', 'iss');
  const revision = pick(r, 'revision', 'rev');
  const subject = pick(r, 'subject', 'sub');
  const { name, version } = r;
  if (!str(issuer) || !str(revision) || !str(subject) || !str(name) || !str(version)) return undefined;
  if (subjectKey !== undefined && subject !== subjectKey) return undefined;
  const common = { iss: issuer, issuer, name, rev: revision, revision, sub: subject, subject, version };
  const tags = tagsOf(r.tags);
  // serde's untagged enum tries the component shape first: it needs call_alias and tags.
  if (str(r.call_alias) && tags) return { call_alias: r.call_alias, ...common, tags: tags.join(',') };
  const schema = r.config_schema;
  if (schema !== undefined && schema !== null && !str(schema)) return undefined;
  return { ...common, config_schema: schema ?? '' };
}
