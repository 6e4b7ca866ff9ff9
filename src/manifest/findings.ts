/** Findings and reports: the result shapes of parsing and validation. No runtime imports. */

export type FindingLevel = 'Error' | 'Warning';

/** One problem in a manifest. `path` is a field path (`spec.components[1].name`, '' for the whole file). */
export interface Finding {
  level: FindingLevel;
  msg: string;
  path: string;
  /** 1-based line in the source text, when known. */
  line?: number;
  /** 1-based column; only set where it is exact (syntax errors). */
  column?: number;
}

export interface ValidationReport {
  /** No Error-level findings. */
  valid: boolean;
  errors: Finding[];
  warnings: Finding[];
}

export function toReport(findings: readonly Finding[]): ValidationReport {
  const errors = findings.filter((f) => f.level === 'Error');
  const warnings = findings.filter((f) => f.level === 'Warning');
  return { valid: errors.length === 0, errors, warnings };
}
