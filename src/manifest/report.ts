/** Text rendering of validation reports, compiler style (`file:line: error: message [path]`). No runtime imports. */
import type { Finding, ValidationReport } from './findings.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function location(file: string, f: Finding): string {
  if (f.line === undefined) return file;
  return f.column !== undefined ? `${file}:${f.line}:${f.column}` : `${file}:${f.line}`;
}

function renderFinding(file: string, f: Finding): string {
  const where = f.path ? ` [${f.path}]` : '';
  return `  ${location(file, f)}: ${f.level === 'Error' ? 'error' : 'warning'}: ${f.msg}${where}`;
}

/** Findings in file order (by line), then those without a line, keeping rule order among equals. */
function byLine(findings: readonly Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => (a.f.line ?? Infinity) - (b.f.line ?? Infinity) || a.i - b.i)
    .map(({ f }) => f);
}

export function renderReportText(file: string, report: ValidationReport): string {
  const counts = [
    ...(report.errors.length > 0 ? [plural(report.errors.length, 'error')] : []),
    ...(report.warnings.length > 0 ? [plural(report.warnings.length, 'warning')] : []),
  ];
  const head = `${file}: ${report.valid ? 'valid' : 'invalid'}${counts.length > 0 ? ` (${counts.join(', ')})` : ''}`;
  const lines = byLine([...report.errors, ...report.warnings]).map((f) => renderFinding(file, f));
  return [head, ...lines].join('\n') + '\n';
}

export function renderReportsText(reports: readonly { file: string; report: ValidationReport }[]): string {
  const body = reports.map(({ file, report }) => renderReportText(file, report)).join('');
  if (reports.length < 2) return body;
  const invalid = reports.filter((r) => !r.report.valid).length;
  const summary =
    invalid === 0
      ? `all ${reports.length} manifests are valid`
      : `${invalid} of ${reports.length} manifests are invalid`;
  return `${body}${summary}\n`;
}
