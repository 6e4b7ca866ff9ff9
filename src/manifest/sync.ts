/**
 * The synchronous manifest API. Importing this module loads zod and yaml (~100 ms): commands and anything they
 * load at start-up use the async wrappers in `index.ts` instead; long-running code (wadm, the dev loop) may
 * import this directly once it is up.
 */
import { toReport, type ValidationReport } from './findings.js';
import { parseManifestText, type ParseOptions } from './parse.js';
import { validateManifest } from './rules.js';
import type { Manifest } from './schema.js';
import type { SourceFormat, SourceMap } from './source.js';

export { parseManifestText, parseManifestValue, type ParseOptions, type ParseResult } from './parse.js';
export { validateManifest, type ValidateOptions } from './rules.js';
export { serializeManifest, toWireManifest, type ManifestFormat } from './serialize.js';
export { buildManifestJsonSchema as manifestJsonSchema } from './json-schema.js';
export {
  asLinkProperty,
  asSpreadScalerProperty,
  classifyTraitProperty,
  isLinkTrait,
  isScalerTrait,
  type TraitPropertyClass,
} from './traits.js';
export {
  ManifestSchema,
  ComponentSchema,
  TraitSchema,
  LinkPropertySchema,
  SpreadScalerPropertySchema,
} from './schema.js';
export { SourceMap, readManifestSource } from './source.js';

export interface ManifestValidation extends ValidationReport {
  /** The normalised manifest when the text parsed and matched the schema (even if rules found errors). */
  manifest?: Manifest;
  format: SourceFormat;
  sourceMap: SourceMap;
  file?: string;
}

/** Parse, schema-check and run every validation rule; all findings are reported, not just the first. */
export function validateManifestText(text: string, options: ParseOptions = {}): ManifestValidation {
  const parsed = parseManifestText(text, options);
  const findings = [...parsed.findings];
  if (parsed.manifest)
    findings.push(...validateManifest(parsed.manifest, { raw: parsed.raw, sourceMap: parsed.sourceMap }));
  return {
    ...toReport(findings),
    format: parsed.format,
    sourceMap: parsed.sourceMap,
    ...(parsed.manifest ? { manifest: parsed.manifest } : {}),
    ...(options.file !== undefined ? { file: options.file } : {}),
  };
}
