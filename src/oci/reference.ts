import { OciError } from './errors.js';

/** A parsed image reference: `registry/repository[:tag][@digest]`. */
export interface OciReference {
  registry: string;
  repository: string;
  /** Set when the ref names a tag, or defaults to `latest` when it names neither tag nor digest. */
  tag?: string;
  digest?: string;
  /** True when no tag and no digest was written (the tag is then `latest`). */
  defaultTag: boolean;
}

export const DEFAULT_REGISTRY = 'docker.io';
export const DEFAULT_TAG = 'latest';

// Distribution spec grammar (github.com/distribution/reference).
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY_RE = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const DIGEST_RE = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const REGISTRY_RE =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

/** Schemes that mean "an OCI image" (the host treats `http(s)://` refs as OCI without the scheme, as v1 does). */
const OCI_SCHEMES = ['oci://', 'https://', 'http://'];

/** True for refs that are fetched from a registry (not `file://`, not `wasmcloud+builtin://`). */
export function isOciReference(ref: string): boolean {
  const r = ref.trim();
  if (OCI_SCHEMES.some((s) => r.startsWith(s))) return true;
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(r) && r !== '';
}

function invalid(ref: string, why: string): OciError {
  return new OciError('invalid-reference', `'${ref}' is not a valid OCI reference: ${why}`, {
    suggestion:
      'write it as registry/repository:tag or registry/repository@sha256:<digest>, e.g. ghcr.io/org/component:0.1.0',
  });
}

/**
 * Parses `oci://reg/repo:tag`, bare `reg/repo:tag`, `reg/repo@sha256:…`, `localhost:5000/repo`, `127.0.0.1:5000/repo`.
 * The first path segment is the registry when it has a `.` or `:` or is `localhost` (as Docker decides);
 * otherwise the registry is docker.io (and a single-segment name lives under `library/`).
 */
export function parseReference(input: string): OciReference {
  let rest = input.trim();
  for (const s of OCI_SCHEMES)
    if (rest.startsWith(s)) {
      rest = rest.slice(s.length);
      break;
    }
  if (rest === '') throw invalid(input, 'it is empty');
  if (/\s/.test(rest)) throw invalid(input, 'it contains whitespace');

  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) throw invalid(input, `'${digest}' is not a digest (sha256:<64 hex digits>)`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag))
      throw invalid(input, `'${tag}' is not a valid tag (letters, digits, '_', '.', '-'; at most 128)`);
  }

  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  let registry: string;
  let repository: string;
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['))) {
    registry = first;
    repository = rest.slice(slash + 1);
  } else {
    registry = DEFAULT_REGISTRY;
    repository = slash >= 0 ? rest : `library/${rest}`;
  }
  if (!REGISTRY_RE.test(registry)) throw invalid(input, `'${registry}' is not a registry host[:port]`);
  if (!REPOSITORY_RE.test(repository)) {
    throw invalid(
      input,
      `repository '${repository}' must be lowercase path components of letters, digits and separators (. _ __ -)`,
    );
  }
  const defaultTag = tag === undefined && digest === undefined;
  return { registry, repository, tag: defaultTag ? DEFAULT_TAG : tag, digest, defaultTag };
}

/** `registry/repository[:tag][@digest]` — the canonical text of a reference. */
export function formatReference(ref: Pick<OciReference, 'registry' | 'repository' | 'tag' | 'digest'>): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** What to ask the registry for: the digest when pinned, else the tag. */
export function manifestReference(ref: OciReference): string {
  return ref.digest ?? ref.tag ?? DEFAULT_TAG;
}

/** A tag of `latest`, written or implied. */
export function isLatest(ref: OciReference): boolean {
  return ref.digest === undefined && (ref.tag ?? DEFAULT_TAG) === DEFAULT_TAG;
}
