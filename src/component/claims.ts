import { UserError } from '../errors.js';
import { customSections } from './binary.js';
import { legacyModuleHash, wascapModuleHash } from './module-hash.js';
import { type TokenValidation, validateToken, validationDocument, validationProblems } from './wascap-token.js';

/** Custom-section names wascap has used for the embedded JWT (current signers write `wasmcloud_jwt`). */
export const CLAIMS_SECTION_NAMES = ['wasmcloud_jwt', 'jwt'] as const;

/** wascap revisions from this one on hash the re-encoded binary, and upstream refuses a mismatch. */
export const MIN_HASHED_WASCAP_REVISION = 3;

/** How the module hash signed into the claims compares with the bytes they were read from. */
export interface ModuleHashCheck {
  /** `wascap.hash`, as signed. */
  signed: string;
  /** The hash of the bytes, computed the way the claims' wascap revision did. */
  computed: string;
  valid: boolean;
  /** Upstream refuses a mismatch (wascap revision ≥ 3); older revisions' hashes are only reported. */
  enforced: boolean;
}

/**
 * wasmCloud claims embedded in a signed component or module, with the token's validation (signature,
 * validity window) as upstream's `validate_token` reports it.
 */
export interface EmbeddedClaims {
  validation: TokenValidation;
  /** Set by readClaims (it needs the bytes): the module hash check. */
  moduleHashCheck?: ModuleHashCheck;
  /** The custom section the token was found in. */
  section: string;
  token: string;
  name?: string;
  /** `iss`: the account (A…) key that signed. */
  issuer: string;
  /** `sub`: the component (M…) key. */
  subject: string;
  version?: string;
  revision?: number;
  tags: string[];
  /** Capability contract IDs of pre-component actors (`wascap.caps`). */
  capabilities?: string[];
  callAlias?: string;
  moduleHash?: string;
  issuedAt?: Date;
  notBefore?: Date;
  /** Absent means the claims never expire. */
  expires?: Date;
  wascapRevision?: number;
}

interface WascapPayload {
  iss?: unknown;
  sub?: unknown;
  iat?: unknown;
  nbf?: unknown;
  exp?: unknown;
  wascap_revision?: unknown;
  wascap?: {
    name?: unknown;
    ver?: unknown;
    rev?: unknown;
    tags?: unknown;
    caps?: unknown;
    call_alias?: unknown;
    hash?: unknown;
  };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
const seconds = (v: unknown): Date | undefined => (num(v) === undefined ? undefined : new Date((v as number) * 1000));

/**
 * Decodes the payload of a wascap JWT (header.payload.signature, base64url JSON) and validates the token
 * (signature, validity window; `now` is for tests). Throws only when it is not a readable wascap token.
 */
export function decodeClaimsToken(token: string, section = 'wasmcloud_jwt', now = new Date()): EmbeddedClaims {
  const parts = token.trim().split('.');
  if (parts.length !== 3)
    throw new UserError(
      `embedded claims in section "${section}" are not a JWT (expected 3 dot-separated parts, found ${parts.length})`,
    );
  let payload: WascapPayload;
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as WascapPayload;
  } catch (err) {
    throw new UserError(`embedded claims in section "${section}" have a payload that is not base64url JSON`, {
      cause: err,
    });
  }
  if (payload === null || typeof payload !== 'object')
    throw new UserError(`embedded claims in section "${section}" have a non-object payload`);
  const issuer = str(payload.iss);
  const subject = str(payload.sub);
  if (!issuer || !subject)
    throw new UserError(`embedded claims in section "${section}" lack an issuer ("iss") or subject ("sub")`);
  const wascap = payload.wascap && typeof payload.wascap === 'object' ? payload.wascap : {};
  const claims: EmbeddedClaims = {
    validation: validateToken(token, issuer, { notBefore: num(payload.nbf), expires: num(payload.exp) }, now),
    section,
    token: token.trim(),
    issuer,
    subject,
    tags: strings(wascap.tags) ?? [],
  };
  const optional: Partial<EmbeddedClaims> = {
    name: str(wascap.name),
    version: str(wascap.ver),
    revision: num(wascap.rev),
    capabilities: strings(wascap.caps),
    callAlias: str(wascap.call_alias),
    moduleHash: str(wascap.hash),
    issuedAt: seconds(payload.iat),
    notBefore: seconds(payload.nbf),
    expires: seconds(payload.exp),
    wascapRevision: num(payload.wascap_revision),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (claims as unknown as Record<string, unknown>)[key] = value;
  }
  return claims;
}

function checkModuleHash(bytes: Uint8Array, claims: EmbeddedClaims): ModuleHashCheck {
  const enforced = (claims.wascapRevision ?? 0) >= MIN_HASHED_WASCAP_REVISION;
  let computed: string;
  try {
    computed = enforced ? wascapModuleHash(bytes) : legacyModuleHash(bytes);
  } catch (err) {
    throw new UserError(`the module hash of the signed binary cannot be computed: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const signed = claims.moduleHash ?? '';
  return { signed, computed, valid: signed === computed, enforced };
}

/**
 * The embedded claims of a module or component, or undefined when it is not signed. The token is validated
 * (see `validation`) and the module hash checked as upstream's `extract_claims` does: a mismatch throws for
 * wascap revision ≥ 3 (the bytes were changed after signing), and is only reported for older revisions.
 */
export function readClaims(bytes: Uint8Array, now = new Date()): EmbeddedClaims | undefined {
  const section = customSections(bytes).find((s) => (CLAIMS_SECTION_NAMES as readonly string[]).includes(s.name));
  if (!section) return undefined;
  const claims = decodeClaimsToken(new TextDecoder().decode(section.data), section.name, now);
  const check = checkModuleHash(bytes, claims);
  if (check.enforced && !check.valid)
    throw new UserError(
      `embedded claims in section "${section.name}" do not match the binary: they were signed for module hash ${check.signed || '(none)'}, but it hashes to ${check.computed} (it was changed after it was signed)`,
    );
  claims.moduleHashCheck = check;
  return claims;
}

/**
 * JSON shape (snake_case, dates as RFC 3339, `expires: "never"` when unset) used by `wash inspect -o json`;
 * `can_be_used` and `validation` (upstream's TokenValidation) are what upstream's inspect reports.
 */
export function claimsDocument(claims: EmbeddedClaims): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    name: claims.name ?? null,
    issuer: claims.issuer,
    subject: claims.subject,
    version: claims.version ?? null,
    revision: claims.revision ?? 0,
    tags: claims.tags,
    expires: claims.expires?.toISOString() ?? 'never',
    not_before: claims.notBefore?.toISOString() ?? null,
    issued_at: claims.issuedAt?.toISOString() ?? null,
    can_be_used: claims.validation.notBeforeHuman,
    validation: validationDocument(claims.validation),
  };
  if (claims.capabilities) doc.capabilities = claims.capabilities;
  if (claims.callAlias) doc.call_alias = claims.callAlias;
  if (claims.moduleHash) doc.module_hash = claims.moduleHash;
  return doc;
}

/**
 * What is wrong with the claims (signature, validity window, in upstream's words; a module hash that does
 * not match, even where upstream no longer checks it), empty when nothing is.
 */
export function claimsProblems(claims: EmbeddedClaims): string[] {
  const problems = validationProblems(claims.validation);
  const hash = claims.moduleHashCheck;
  if (hash && !hash.valid)
    problems.push(
      `module hash does not match (signed ${hash.signed || '(none)'}, computed ${hash.computed}${hash.enforced ? '' : '; upstream does not check hashes of wascap revision < 3'})`,
    );
  return problems;
}

/** One line describing claims for error messages: `"Echo Messaging" v0.1.5 (rev 0), subject M…`. */
export function claimsSummary(claims: EmbeddedClaims): string {
  const name = claims.name ? `"${claims.name}"` : 'an unnamed component';
  const version = claims.version ? ` v${claims.version}` : '';
  return `${name}${version} (rev ${claims.revision ?? 0}), subject ${claims.subject}, issuer ${claims.issuer}`;
}
