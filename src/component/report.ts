import { claimsDocument, claimsProblems, type EmbeddedClaims } from './claims.js';
import type { InspectResult } from './inspect.js';

/** The `wash inspect -o json` document (without `success`, which the output contract adds). */
export function inspectDocument(result: InspectResult, options: { wit?: boolean } = {}): Record<string, unknown> {
  const doc: Record<string, unknown> = { imports: result.imports, exports: result.exports };
  if (options.wit) doc.wit = result.wit;
  if (result.claims) doc.claims = claimsDocument(result.claims);
  if (result.claimsError) doc.claims_error = result.claimsError;
  return doc;
}

function formatDate(date: Date | undefined, fallback: string): string {
  return date ? date.toISOString().replace('.000Z', 'Z') : fallback;
}

/** A date with upstream's relative form: `2027-01-15T08:00:00Z (in 1month 10days)`. */
function formatWindow(date: Date | undefined, human: string, fallback: string, flag: string | false): string {
  return date ? `${formatDate(date, fallback)} (${human})${flag ? `  ${flag}` : ''}` : fallback;
}

function signatureText(claims: EmbeddedClaims): string {
  const v = claims.validation;
  return v.signatureValid ? 'valid (Ed25519, by the issuer)' : `NOT VALID: ${v.signatureProblem ?? 'unknown reason'}`;
}

function moduleHashText(claims: EmbeddedClaims): string | undefined {
  const check = claims.moduleHashCheck;
  if (!check) return undefined;
  if (check.valid) return `matches (${check.computed})`;
  return `DOES NOT MATCH: signed ${check.signed || '(none)'}, computed ${check.computed}${check.enforced ? '' : ' (not checked by upstream for wascap revision < 3)'}`;
}

/** A warning naming `label` when the claims have problems (bad signature, outside their validity window…). */
export function claimsWarning(claims: EmbeddedClaims, label: string): string | undefined {
  const problems = claimsProblems(claims);
  return problems.length > 0 ? `${label}: its embedded claims are not valid: ${problems.join('; ')}` : undefined;
}

export function claimsText(claims: EmbeddedClaims): string[] {
  const rows: [string, string][] = [
    ['name', claims.name ?? '(none)'],
    ['issuer', claims.issuer],
    ['subject', claims.subject],
    ['version', claims.version ?? '(none)'],
    ['revision', String(claims.revision ?? 0)],
    ['tags', claims.tags.length > 0 ? claims.tags.join(', ') : '(none)'],
    ['issued', formatDate(claims.issuedAt, 'unknown')],
    [
      'not before',
      formatWindow(
        claims.notBefore,
        claims.validation.notBeforeHuman,
        'immediately',
        claims.validation.cannotUseYet && 'NOT YET VALID',
      ),
    ],
    [
      'expires',
      formatWindow(claims.expires, claims.validation.expiresHuman, 'never', claims.validation.expired && 'EXPIRED'),
    ],
    ['signature', signatureText(claims)],
  ];
  const hash = moduleHashText(claims);
  if (hash) rows.push(['module hash', hash]);
  if (claims.capabilities) rows.push(['capabilities', claims.capabilities.join(', ') || '(none)']);
  if (claims.callAlias) rows.push(['call alias', claims.callAlias]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return [`Claims (embedded)`, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)];
}

/** Human-readable `wash inspect` output. */
export function inspectText(result: InspectResult, label: string): string {
  const lines = [`Component  ${label} (${result.size.toLocaleString('en-US')} bytes)`, ''];
  lines.push(
    `Imports (${result.imports.length})`,
    ...result.importItems.map((i) => `  ${i.name}${i.kind === 'interface' ? '' : `  (${i.kind})`}`),
  );
  if (result.imports.length === 0) lines.push('  (none)');
  lines.push(
    '',
    `Exports (${result.exports.length})`,
    ...result.exportItems.map((i) => `  ${i.name}${i.kind === 'interface' ? '' : `  (${i.kind})`}`),
  );
  if (result.exports.length === 0) lines.push('  (none)');
  if (result.claims) lines.push('', ...claimsText(result.claims));
  else if (result.claimsError) lines.push('', `Claims: present but unreadable (${result.claimsError})`);
  else lines.push('', 'Claims: none (not signed)');
  return lines.join('\n') + '\n';
}
