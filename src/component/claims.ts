import { UserError } from '../errors.js';
import { customSections } from './binary.js';

/** Custom-section names wascap has used for the embedded JWT (current signers write `wasmcloud_jwt`). */
export const CLAIMS_SECTION_NAMES = ['wasmcloud_jwt', 'jwt'] as const;

/**
 * wasmCloud claims embedded in a signed component or module. Decoded from the JWT payload only: the
 * Ed25519 signature and the module hash are NOT verified.
 */
export interface EmbeddedClaims {
  verified: false;
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

/** Decodes the payload of a wascap JWT (header.payload.signature, base64url JSON). */
export function decodeClaimsToken(token: string, section = 'wasmcloud_jwt'): EmbeddedClaims {
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
    verified: false,
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

/** The embedded claims of a module or component, or undefined when it is not signed. */
export function readClaims(bytes: Uint8Array): EmbeddedClaims | undefined {
  const section = customSections(bytes).find((s) => (CLAIMS_SECTION_NAMES as readonly string[]).includes(s.name));
  if (!section) return undefined;
  return decodeClaimsToken(new TextDecoder().decode(section.data), section.name);
}

/** JSON shape (snake_case, dates as RFC 3339, `expires: "never"` when unset) used by `wash inspect -o json`. */
export function claimsDocument(claims: EmbeddedClaims): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    verified: false,
    name: claims.name ?? null,
    issuer: claims.issuer,
    subject: claims.subject,
    version: claims.version ?? null,
    revision: claims.revision ?? 0,
    tags: claims.tags,
    expires: claims.expires?.toISOString() ?? 'never',
    not_before: claims.notBefore?.toISOString() ?? null,
    issued_at: claims.issuedAt?.toISOString() ?? null,
  };
  if (claims.capabilities) doc.capabilities = claims.capabilities;
  if (claims.callAlias) doc.call_alias = claims.callAlias;
  if (claims.moduleHash) doc.module_hash = claims.moduleHash;
  return doc;
}

/** One line describing claims for error messages: `"Echo Messaging" v0.1.5 (rev 0), subject M…`. */
export function claimsSummary(claims: EmbeddedClaims): string {
  const name = claims.name ? `"${claims.name}"` : 'an unnamed component';
  const version = claims.version ? ` v${claims.version}` : '';
  return `${name}${version} (rev ${claims.revision ?? 0}), subject ${claims.subject}, issuer ${claims.issuer}`;
}
