/**
 * OAM Application manifests: the public API. This module is cheap to import: zod and yaml are loaded on first
 * use by the async functions below (the same functions, synchronous, are in `./sync.js`).
 */
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import { readUserFile, readUserFileSync } from '../fs/read-user-file.js';
import { MANIFEST_MAX_BYTES } from './constants.js';
import { toReport, type Finding, type ValidationReport } from './findings.js';
import { checkFileImages, resolveFileImages } from './image-refs.js';
import type { ManifestFormat } from './serialize.js';
import type { Manifest } from './schema.js';
import type { ParseOptions, ParseResult } from './parse.js';
import type { ValidateOptions } from './rules.js';
import type { ManifestValidation } from './sync.js';

export * from './constants.js';
export type { Finding, FindingLevel, ValidationReport } from './findings.js';
export { toReport } from './findings.js';
export {
  componentId,
  isSharedApp,
  isValidLinkName,
  isValidManifestName,
  isValidOamKey,
  manifestVersion,
  sanitize,
} from './names.js';
export { formatPath, type PathSegment } from './paths.js';
export { checkFileImages, fileImagePath, resolveFileImages } from './image-refs.js';
export { renderReportText, renderReportsText } from './report.js';
export type {
  Component,
  ComponentProperties,
  ConfigDefinition,
  ConfigProperty,
  CustomTraitProperty,
  LinkProperty,
  Manifest,
  ManifestInput,
  Metadata,
  Policy,
  SecretProperty,
  SharedApplicationRef,
  Specification,
  Spread,
  SpreadScalerProperty,
  TargetConfig,
  Trait,
  TraitProperty,
} from './schema.js';
export type { ParseOptions, ParseResult } from './parse.js';
export type { ValidateOptions } from './rules.js';
export type { ManifestFormat } from './serialize.js';
export type { TraitPropertyClass } from './traits.js';
export type { ManifestValidation } from './sync.js';

const engine = () => import('./sync.js');

/** Text (YAML or JSON) → normalised manifest plus syntax and schema findings. Validation rules are not run. */
export async function parseManifestText(text: string, options: ParseOptions = {}): Promise<ParseResult> {
  return (await engine()).parseManifestText(text, options);
}

/** Parse and run every rule; all findings, each with its field path and line. */
export async function validateManifestText(text: string, options: ParseOptions = {}): Promise<ManifestValidation> {
  return (await engine()).validateManifestText(text, options);
}

/** Rules only, on an already normalised manifest (e.g. one read from storage). */
export async function validateManifest(manifest: Manifest, options: ValidateOptions = {}): Promise<Finding[]> {
  return (await engine()).validateManifest(manifest, options);
}

/** The JSON Schema (draft-07) of the manifest input, generated from the zod schema. */
export async function manifestJsonSchema(): Promise<Record<string, unknown>> {
  return (await engine()).manifestJsonSchema();
}

/** The manifest in wadm's wire form: no deprecated keys or aliases, empty lists left out. */
export async function serializeManifest(manifest: Manifest, format: ManifestFormat): Promise<string> {
  return (await engine()).serializeManifest(manifest, format);
}

/** Reads a manifest file's text; a missing or unreadable file, one that is not a regular file or over the size limit, is a UserError. */
async function readManifestFile(file: string, sync = false): Promise<string> {
  const o = { what: 'manifest file', maxBytes: MANIFEST_MAX_BYTES };
  return (sync ? readUserFileSync(file, o) : await readUserFile(file, o)).toString('utf8');
}

export interface ValidateFileOptions {
  /** Also check that `file://` images exist (relative paths from the manifest's folder). OCI refs are not checked. */
  checkImageRefs?: boolean;
  /**
   * Read the file with synchronous calls. For one-shot CLI runs: the first asynchronous fs call starts libuv's
   * thread pool (~3 ms of a ~70 ms `wash app validate`). Servers keep the default.
   */
  readSync?: boolean;
}

/** Validates one manifest file. A missing file is a UserError; everything wrong inside it is a finding. */
export async function validateManifestFile(
  file: string,
  options: ValidateFileOptions = {},
): Promise<ManifestValidation> {
  const text = await readManifestFile(file, options.readSync);
  const result = await validateManifestText(text, { file });
  if (!options.checkImageRefs || !result.manifest) return result;
  const extra = await checkFileImages(result.manifest, dirname(file), result.sourceMap);
  if (extra.length === 0) return result;
  return { ...result, ...toReport([...result.errors, ...result.warnings, ...extra]) };
}

/** The result of validating several manifest files, as `wash app validate` reports it. */
export interface ManifestFilesValidation {
  /** True when every file is valid. */
  valid: boolean;
  /** Each file with its report, in the order given. */
  results: { file: string; report: ValidationReport }[];
  /**
   * The JSON document: one file's report as it is, or for several files `valid`, every finding of every file
   * (each with its `file`) and the per-file reports under `files`.
   */
  document: Record<string, unknown>;
}

/** Validates each file in turn (a missing file is a UserError, as in `validateManifestFile`). */
export async function validateManifestFiles(
  files: readonly string[],
  options: ValidateFileOptions = {},
): Promise<ManifestFilesValidation> {
  const results: { file: string; report: ValidationReport }[] = [];
  for (const file of files) {
    const r = await validateManifestFile(file, options);
    results.push({ file, report: { valid: r.valid, errors: r.errors, warnings: r.warnings } });
  }
  const valid = results.every((r) => r.report.valid);
  const document =
    results.length === 1
      ? { ...results[0].report }
      : {
          valid,
          errors: results.flatMap((r) => r.report.errors.map((f) => ({ file: r.file, ...f }))),
          warnings: results.flatMap((r) => r.report.warnings.map((f) => ({ file: r.file, ...f }))),
          files: results.map((r) => ({ file: r.file, ...r.report })),
        };
  return { valid, results, document };
}

export interface LoadManifestOptions {
  /** Make relative `file://` images absolute, relative to the manifest's folder (what `app put/deploy` send). */
  resolveFileImages?: boolean;
}

export interface LoadedManifest {
  manifest: Manifest;
  file: string;
  /** Warnings of the validation (errors make loading fail). */
  warnings: Finding[];
  report: ValidationReport;
}

function summarize(file: string, errors: readonly Finding[], max = 5): string {
  const lines = errors
    .slice(0, max)
    .map((e) => `  ${file}${e.line !== undefined ? `:${e.line}` : ''}: ${e.path ? `${e.path}: ` : ''}${e.msg}`);
  if (errors.length > max) lines.push(`  … and ${errors.length - max} more`);
  return lines.join('\n');
}

/** Reads, parses and validates a manifest file; any Error-level finding is a UserError listing them. */
export async function loadManifestFile(file: string, options: LoadManifestOptions = {}): Promise<LoadedManifest> {
  const result = await validateManifestFile(file);
  if (!result.valid || !result.manifest) {
    const count = result.errors.length;
    throw new UserError(
      `manifest ${file} is invalid (${count} error${count === 1 ? '' : 's'}):\n${summarize(file, result.errors)}`,
      {
        suggestion: `run \`wash app validate ${file}\` for the full report`,
      },
    );
  }
  const manifest = options.resolveFileImages ? resolveFileImages(result.manifest, dirname(file)) : result.manifest;
  return {
    manifest,
    file,
    warnings: result.warnings,
    report: { valid: result.valid, errors: result.errors, warnings: result.warnings },
  };
}
