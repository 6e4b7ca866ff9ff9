/**
 * The body of `model.put`: content-type handling, parsing, and the server-side checks in wadm's order
 * (wadm.md §1.9 "Where the server uses these rules"): parse → version rule → name rule (trimmed) → every
 * validation rule. The reply carries the first Error; we add every Error in `errors`.
 *
 * Loads the manifest module (zod, yaml): only the running API server imports this.
 */
import type { WadmManifest } from '../types.js';

export type PutBody = { ok: true; manifest: WadmManifest } | { ok: false; message: string; errors?: string[] };

const JSON_MIME = 'application/json';
const YAML_MIME = 'application/yaml';

interface FindingLike {
  msg: string;
  path: string;
  line?: number;
}

function describe(f: FindingLike): string {
  const where = [f.path ? `at ${f.path}` : '', f.line !== undefined ? `line ${f.line}` : ''].filter(Boolean).join(', ');
  return where ? `${f.msg} (${where})` : f.msg;
}

/** `Content-Type` without parameters, lower case; undefined when absent. */
export function contentTypeOf(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value.split(';')[0].trim().toLowerCase();
}

export async function parsePutBody(payload: Uint8Array, contentType: string | undefined): Promise<PutBody> {
  const m = await import('../../manifest/sync.js');
  const { isValidManifestName } = await import('../../manifest/names.js');
  const text = new TextDecoder().decode(payload);
  const ct = contentTypeOf(contentType);
  if (ct !== undefined && ct !== JSON_MIME && ct !== YAML_MIME) {
    return { ok: false, message: `Unsupported content type ${contentType} given. Wadm supports YAML and JSON` };
  }

  let data: unknown;
  let sourceMap: InstanceType<typeof m.SourceMap> | undefined;
  if (ct === JSON_MIME) {
    try {
      data = JSON.parse(text);
    } catch (err) {
      return { ok: false, message: `Unable to parse manifest: JSON parsing failed: ${(err as Error).message}` };
    }
  } else {
    // YAML (JSON is YAML too); the reader reports syntax errors with line and column, never hiding them.
    const source = m.readManifestSource(text);
    const syntax = source.findings.filter((f) => f.level === 'Error');
    if (source.data === undefined || syntax.length > 0) {
      const all = syntax.length > 0 ? syntax : source.findings;
      return {
        ok: false,
        message: `Unable to parse manifest: ${all.map(describe).join('; ') || 'empty document'}`,
        errors: all.map(describe),
      };
    }
    data = source.data;
    sourceMap = source.sourceMap;
  }

  const parsed = m.parseManifestValue(data, sourceMap);
  if (!parsed.manifest) {
    const errors = parsed.findings.filter((f) => f.level === 'Error').map(describe);
    return { ok: false, message: `Unable to parse manifest: ${errors[0] ?? 'not an OAM application'}`, errors };
  }
  const manifest = parsed.manifest;

  if (manifest.metadata.annotations.version === 'latest') {
    return {
      ok: false,
      message: `invalid manifest version, errors: ${JSON.stringify('latest is not allowed in wadm')}`,
    };
  }
  const name = manifest.metadata.name.trim();
  if (!isValidManifestName(name)) {
    return {
      ok: false,
      message: `Manifest name ${name} contains invalid characters. Manifest names can only contain alphanumeric characters, dashes, and underscores.`,
    };
  }

  const errors = m.validateManifest(manifest, { sourceMap }).filter((f) => f.level === 'Error');
  if (errors.length > 0) return { ok: false, message: errors[0].msg, errors: errors.map(describe) };

  return { ok: true, manifest: m.toWireManifest(manifest) as unknown as WadmManifest };
}
