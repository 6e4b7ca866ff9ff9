/** Text → normalised manifest plus syntax and schema findings. Loads yaml and zod. */
import type { Finding } from './findings.js';
import { issueFindings } from './issues.js';
import { ManifestSchema, PARSE_OPTIONS, type Manifest } from './schema.js';
import { readManifestSource, type SourceMap, type SourceFormat } from './source.js';

export interface ParseResult {
  /** The normalised manifest; undefined when the text has syntax or schema errors. */
  manifest?: Manifest;
  /** Syntax, size and schema findings (validation rules are not run here). */
  findings: Finding[];
  /** The data as read from the text, before normalisation (used by raw-text checks). */
  raw?: unknown;
  format: SourceFormat;
  sourceMap: SourceMap;
  file?: string;
}

export interface ParseOptions {
  /** Shown with findings by reports; not read. */
  file?: string;
}

/** Schema-checks and normalises already-parsed data (e.g. JSON received over NATS). */
export function parseManifestValue(
  value: unknown,
  sourceMap?: SourceMap,
): { manifest?: Manifest; findings: Finding[] } {
  const result = ManifestSchema.safeParse(value, PARSE_OPTIONS);
  if (result.success) return { manifest: result.data, findings: [] };
  return { findings: issueFindings(result.error.issues, value, sourceMap) };
}

export function parseManifestText(text: string, options: ParseOptions = {}): ParseResult {
  const source = readManifestSource(text);
  const base = {
    format: source.format,
    sourceMap: source.sourceMap,
    ...(options.file !== undefined ? { file: options.file } : {}),
  };
  if (source.data === undefined) return { ...base, findings: source.findings };
  const { manifest, findings } = parseManifestValue(source.data, source.sourceMap);
  return { ...base, raw: source.data, findings: [...source.findings, ...findings], ...(manifest ? { manifest } : {}) };
}
