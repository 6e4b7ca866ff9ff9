/**
 * Validation of a wascap JWT as upstream's `wascap::jwt::validate_token` does it: the header must say
 * `{"typ":"jwt","alg":"Ed25519"}`, the signature is the issuer's (`iss`, a public nkey) Ed25519 signature of
 * `header.payload` (the two base64url segments as they appear in the token), and the validity window is
 * judged against the system clock (`exp` in the past: expired; `nbf` in the future: cannot be used yet).
 */
import { fromPublic } from '@nats-io/nkeys';

const HEADER_TYPE = 'jwt';
const HEADER_ALGORITHM = 'Ed25519';

/** Upstream's `TokenValidation` (same meanings; the JSON document uses its snake_case names). */
export interface TokenValidation {
  /** `exp` is in the past. */
  expired: boolean;
  /** `nbf` is in the future. */
  cannotUseYet: boolean;
  /** "never", or relative like upstream's: "in 3days", "2h ago". */
  expiresHuman: string;
  /** "immediately", or relative like upstream's. */
  notBeforeHuman: string;
  /** The issuer's Ed25519 signature over `header.payload` checks out. */
  signatureValid: boolean;
  /** Why the signature is not valid (wash's addition, for messages). */
  signatureProblem?: string;
}

/**
 * The JWT's header is wascap's (`typ` jwt, `alg` Ed25519), or a message saying what it is instead. Upstream
 * refuses such tokens outright ("Invalid JWT algorithm. WASCAP only supports Ed25519").
 */
function tokenHeaderProblem(headerSegment: string): string | undefined {
  let header: { typ?: unknown; alg?: unknown };
  try {
    header = JSON.parse(Buffer.from(headerSegment, 'base64url').toString('utf8'));
  } catch {
    return 'its header is not base64url JSON';
  }
  if (header?.alg !== HEADER_ALGORITHM)
    return `its algorithm is ${JSON.stringify(header?.alg)}, but wascap only supports Ed25519`;
  if (header.typ !== HEADER_TYPE) return `its header type is ${JSON.stringify(header.typ)}, not "jwt"`;
  return undefined;
}

function signatureProblem(segments: string[], issuer: string): string | undefined {
  const headerProblem = tokenHeaderProblem(segments[0]);
  if (headerProblem) return headerProblem;
  let key: ReturnType<typeof fromPublic>;
  try {
    key = fromPublic(issuer);
  } catch {
    return `its issuer ${issuer} is not a public nkey`;
  }
  const signature = Buffer.from(segments[2], 'base64url');
  const signed = new TextEncoder().encode(`${segments[0]}.${segments[1]}`);
  let valid = false;
  try {
    valid = signature.length === 64 && key.verify(signed, signature);
  } catch {
    valid = false;
  }
  return valid ? undefined : `it was not signed by its issuer ${issuer} (the Ed25519 signature does not match)`;
}

/** humantime's `format_duration` of whole seconds: "1year 2months 3days 4h 5m 6s", "0s". */
function formatDuration(totalSeconds: number): string {
  const YEAR = 31_557_600;
  const MONTH = 2_630_016;
  const DAY = 86_400;
  const parts: string[] = [];
  const plural = (value: number, unit: string) => value > 0 && parts.push(`${value}${unit}${value > 1 ? 's' : ''}`);
  const plain = (value: number, unit: string) => value > 0 && parts.push(`${value}${unit}`);
  plural(Math.floor(totalSeconds / YEAR), 'year');
  const yearRest = totalSeconds % YEAR;
  plural(Math.floor(yearRest / MONTH), 'month');
  const monthRest = yearRest % MONTH;
  plural(Math.floor(monthRest / DAY), 'day');
  const dayRest = monthRest % DAY;
  plain(Math.floor(dayRest / 3600), 'h');
  plain(Math.floor((dayRest % 3600) / 60), 'm');
  plain(dayRest % 60, 's');
  return parts.length > 0 ? parts.join(' ') : '0s';
}

/** Upstream's `stamp_to_human`: the distance from now, rounded down to days, hours or minutes, "in …" / "… ago". */
export function stampToHuman(stampSeconds: number, nowSeconds: number): string {
  let diff = Math.abs(nowSeconds - stampSeconds);
  if (diff >= 86_400) diff -= diff % 86_400;
  else if (diff >= 3600) diff -= diff % 3600;
  else if (diff >= 60) diff -= diff % 60;
  const text = formatDuration(diff);
  return nowSeconds > stampSeconds ? `${text} ago` : `in ${text}`;
}

export interface TokenTimes {
  /** `nbf`, seconds since the epoch. */
  notBefore?: number;
  /** `exp`, seconds since the epoch. */
  expires?: number;
}

/**
 * Validates a wascap token whose payload was already decoded (`issuer` = `iss`; times from `nbf`/`exp`).
 * `now` is for tests. Never throws: the caller decides what an invalid token means (see claims-policy).
 */
export function validateToken(token: string, issuer: string, times: TokenTimes, now = new Date()): TokenValidation {
  const segments = token.trim().split('.');
  const nowMs = now.getTime();
  const nowSeconds = Math.floor(nowMs / 1000);
  const problem =
    segments.length === 3
      ? signatureProblem(segments, issuer)
      : `it is not a JWT (expected 3 segments, found ${segments.length})`;
  const validation: TokenValidation = {
    expired: times.expires !== undefined && times.expires * 1000 < nowMs,
    cannotUseYet: times.notBefore !== undefined && nowMs < times.notBefore * 1000,
    expiresHuman: times.expires === undefined ? 'never' : stampToHuman(times.expires, nowSeconds),
    notBeforeHuman: times.notBefore === undefined ? 'immediately' : stampToHuman(times.notBefore, nowSeconds),
    signatureValid: problem === undefined,
  };
  if (problem) validation.signatureProblem = problem;
  return validation;
}

/** The token's validity problems in upstream's words ("token expired at `2days ago`"), empty when none. */
export function validationProblems(v: TokenValidation): string[] {
  const problems: string[] = [];
  if (v.expired) problems.push(`token expired at \`${v.expiresHuman}\``);
  if (v.cannotUseYet) problems.push(`token cannot be used before \`${v.notBeforeHuman}\``);
  if (!v.signatureValid) problems.push(`signature is not valid: ${v.signatureProblem ?? 'unknown reason'}`);
  return problems;
}

/** The `validation` member of JSON documents: upstream's `TokenValidation` serialized as is. */
export function validationDocument(v: TokenValidation): Record<string, unknown> {
  return {
    expired: v.expired,
    cannot_use_yet: v.cannotUseYet,
    expires_human: v.expiresHuman,
    not_before_human: v.notBeforeHuman,
    signature_valid: v.signatureValid,
  };
}
