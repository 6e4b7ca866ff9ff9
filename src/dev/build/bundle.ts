/**
 * esbuild for TypeScript/JavaScript components: one ES module (release, for componentize-js) or one CommonJS
 * script (dev, evaluated by the dev engine). WIT interface imports (`ns:pkg/iface@ver`) stay external: the
 * component provides them.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UserError } from '../../errors.js';
import type { ProjectConfig } from '../project-config.js';

/** Import specifiers that name WIT interfaces (`wasi:http/types@0.2.0`), as opposed to npm packages. */
export const WIT_IMPORT = /^[a-z][a-z0-9-]*:[a-z][a-z0-9-]*(\/|@|$)/;

export function entryPoint(cfg: ProjectConfig): string {
  const table = cfg.language === 'typescript' ? cfg.typescript : cfg.javascript;
  const rel = table?.entry ?? (cfg.language === 'typescript' ? 'src/index.ts' : 'src/index.js');
  const path = join(cfg.projectDir, rel);
  if (!existsSync(path)) {
    throw new UserError(`the entry point ${rel} does not exist in ${cfg.projectDir}`, {
      suggestion: `create it, or set [${cfg.language}] entry = "<file>" in wasmcloud.toml`,
    });
  }
  return path;
}

export interface Bundle {
  code: string;
  /** Names the entry module exports. */
  exports: string[];
  ms: number;
}

/** esbuild errors as one readable block (file:line:col: message). */
function buildError(cfg: ProjectConfig, err: unknown): UserError {
  const errors = (
    err as {
      errors?: { text: string; location?: { file: string; line: number; column: number; lineText: string } | null }[];
    }
  ).errors;
  if (!errors?.length) return new UserError(`bundling failed: ${(err as Error).message}`);
  const text = errors
    .map((e) =>
      e.location
        ? `${e.location.file}:${e.location.line}:${e.location.column + 1}: ${e.text}\n    ${e.location.lineText}`
        : e.text,
    )
    .join('\n');
  return new UserError(`build failed (${errors.length} error${errors.length > 1 ? 's' : ''}):\n${text}`, {
    suggestion: `fix ${relative(process.cwd(), cfg.projectDir) || '.'} and save again`,
  });
}

export async function bundleEntry(cfg: ProjectConfig, format: 'esm' | 'cjs'): Promise<Bundle> {
  const started = performance.now();
  const esbuild = await import('esbuild');
  const entry = entryPoint(cfg);
  let result;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      absWorkingDir: cfg.projectDir,
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      metafile: true,
      logLevel: 'silent',
      mainFields: ['module', 'main'],
      plugins: [
        {
          name: 'wit-imports',
          setup: (b) => b.onResolve({ filter: WIT_IMPORT }, (a) => ({ path: a.path, external: true })),
        },
      ],
    });
  } catch (err) {
    throw buildError(cfg, err);
  }
  const out = result.outputFiles[0];
  const meta = Object.values(result.metafile.outputs)[0];
  let code = out.text;
  if (format === 'cjs') code = (await esbuild.transform(code, { format: 'cjs', target: 'es2022', loader: 'js' })).code;
  return { code, exports: meta?.exports ?? [], ms: performance.now() - started };
}
