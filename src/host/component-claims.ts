/**
 * The host's check of a component's embedded claims, as upstream's runtime does before starting it
 * (`wasmcloud_runtime::component::claims_token`): unsigned components start; signed ones are refused when
 * the module hash does not match (wascap revision ≥ 3), the token has expired or cannot be used yet, or the
 * issuer's signature is not valid.
 */
import { claimsSummary, type EmbeddedClaims, readClaims } from '../component/claims.js';
import { validationProblems } from '../component/wascap-token.js';

/** The component's valid claims, undefined when it is unsigned; throws saying what is wrong otherwise. */
export function checkComponentClaims(bytes: Uint8Array, now = new Date()): EmbeddedClaims | undefined {
  let claims: EmbeddedClaims | undefined;
  try {
    claims = readClaims(bytes, now);
  } catch (err) {
    throw new Error(`failed to extract module claims: ${(err as Error).message}`, { cause: err });
  }
  if (!claims) return undefined;
  const problems = validationProblems(claims.validation);
  if (problems.length > 0)
    throw new Error(`its embedded claims (${claimsSummary(claims)}) are refused: ${problems.join('; ')}`);
  return claims;
}
