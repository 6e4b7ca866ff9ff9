/**
 * Manifest sources for `wash app put/deploy`: a file path, `-` (stdin), or an http(s) URL. The manifest is
 * validated with every wadm rule BEFORE anything is sent (all findings, with lines), relative `file://` images
 * are made absolute against the manifest's folder, and a deploy refuses local images that do not exist
 * (wasmCloud#3034).
 */
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UserError } from '../../errors.js';
import { readUserFile } from '../../fs/read-user-file.js';
import { MANIFEST_MAX_BYTES } from '../../manifest/constants.js';
import type { Finding, Manifest } from '../../manifest/index.js';

export interface ManifestText {
  text: string;
  /** How to name the source in messages: the path, the URL or `<stdin>`. */
  origin: string;
  /** Folder relative `file://` images are resolved against (none for URLs). */
  baseDir?: string;
}

export interface LoadedManifestSource extends ManifestText {
  /** Normalised, with relative `file://` images made absolute. */
  manifest: Manifest;
  /** The JSON sent to wadm. */
  json: string;
  name: string;
  /** The version annotation (absent: wadm assigns a ULID). */
  version?: string;
  warnings: Finding[];
}

export const isUrl = (arg: string) => /^https?:\/\//i.test(arg);
/** Looks like a file name rather than an app name (app names have no dots or slashes). */
export const looksLikePath = (arg: string) => /[\\/]/.test(arg) || /\.(ya?ml|json)$/i.test(arg);

async function readStdin(stdin: NodeJS.ReadableStream & { isTTY?: boolean }): Promise<string> {
  if (stdin.isTTY) {
    throw new UserError('`-` reads the manifest from stdin, but stdin is a terminal', {
      suggestion: 'pipe a manifest in (`cat app.yaml | wash app put -`) or give a file path',
    });
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buf.length;
    if (total > MANIFEST_MAX_BYTES)
      throw new UserError(`the manifest on stdin is larger than the limit of ${MANIFEST_MAX_BYTES} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function fetchText(url: string, timeoutMs: number): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    throw new UserError(`cannot download the manifest from ${url}: ${(cause as Error).message}`, { cause });
  }
  if (!res.ok) throw new UserError(`cannot download the manifest from ${url}: HTTP ${res.status} ${res.statusText}`);
  const tooLarge = () =>
    new UserError(`the manifest at ${url} is larger than the limit of ${MANIFEST_MAX_BYTES} bytes`);
  if (Number(res.headers.get('content-length') ?? 0) > MANIFEST_MAX_BYTES) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of (res.body ?? []) as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > MANIFEST_MAX_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Whether `arg` names a manifest source (stdin, URL, an existing file, or something path-like). */
export async function isManifestSource(arg: string): Promise<boolean> {
  if (arg === '-' || isUrl(arg) || looksLikePath(arg)) return true;
  return stat(arg).then(
    (s) => s.isFile(),
    () => false,
  );
}

export async function readManifestText(
  arg: string,
  opts: { stdin?: NodeJS.ReadableStream & { isTTY?: boolean }; cwd?: string; timeoutMs?: number } = {},
): Promise<ManifestText> {
  const cwd = opts.cwd ?? process.cwd();
  if (arg === '-') return { text: await readStdin(opts.stdin ?? process.stdin), origin: '<stdin>', baseDir: cwd };
  if (isUrl(arg)) return { text: await fetchText(arg, opts.timeoutMs ?? 15_000), origin: arg };
  const file = resolve(cwd, arg);
  const bytes = await readUserFile(file, { what: 'manifest file', maxBytes: MANIFEST_MAX_BYTES });
  return { text: bytes.toString('utf8'), origin: arg, baseDir: dirname(file) };
}

/**
 * Reads, validates (refusing an invalid manifest with every finding), resolves relative `file://` images and,
 * with `checkImages`, refuses missing local image files.
 */
export async function loadManifestSource(
  arg: string,
  opts: { checkImages?: boolean; stdin?: NodeJS.ReadableStream & { isTTY?: boolean }; cwd?: string } = {},
): Promise<LoadedManifestSource> {
  const source = await readManifestText(arg, opts);
  const m = await import('../../manifest/index.js');
  const report = await m.validateManifestText(source.text, { file: source.origin });
  if (!report.valid || !report.manifest) {
    const n = report.errors.length;
    const findings = m.renderReportText(source.origin, report).trimEnd();
    throw new UserError(
      `manifest ${source.origin} is invalid (${n} error${n === 1 ? '' : 's'}); nothing was sent to wadm\n${findings}`,
      {
        suggestion: `fix the errors above (\`wash app validate ${arg === '-' ? '<file>' : arg}\` checks offline)`,
      },
    );
  }
  let manifest = report.manifest;
  if (source.baseDir !== undefined) {
    if (opts.checkImages) {
      const missing = await m.checkFileImages(manifest, source.baseDir, report.sourceMap);
      if (missing.length > 0) {
        const lines = missing.map((f) => `  ${source.origin}${f.line !== undefined ? `:${f.line}` : ''}: ${f.msg}`);
        throw new UserError(
          `manifest ${source.origin} refers to local image files that do not exist; nothing was deployed\n${lines.join('\n')}`,
          {
            suggestion:
              "build the component first (e.g. `wash build`), or fix the file:// path (relative paths are resolved from the manifest's folder)",
          },
        );
      }
    }
    manifest = m.resolveFileImages(manifest, source.baseDir);
  }
  const json = await m.serializeManifest(manifest, 'json');
  const version = m.manifestVersion(manifest);
  return {
    ...source,
    manifest,
    json,
    name: manifest.metadata.name,
    ...(version !== undefined ? { version } : {}),
    warnings: report.warnings,
  };
}

/** The app name of a NAME-or-manifest argument (undeploy/delete accept both): a manifest gives its metadata.name. */
export async function appNameOf(arg: string): Promise<string> {
  if (!(await isManifestSource(arg))) return arg;
  const source = await readManifestText(arg);
  const { parseManifestText } = await import('../../manifest/index.js');
  const parsed = await parseManifestText(source.text, { file: source.origin });
  const raw = parsed.raw as { metadata?: { name?: unknown } } | undefined;
  const name = parsed.manifest?.metadata.name ?? raw?.metadata?.name;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new UserError(`cannot read metadata.name from ${source.origin}`, {
      suggestion: `check it with \`wash app validate ${arg}\``,
    });
  }
  return name.trim();
}
