/**
 * Tests and benches only: a component transpiled by jco with JSPI (asyncMode 'jspi') so chosen imports can
 * be async host functions (`WebAssembly.Suspending`) and chosen exports are entered through
 * `WebAssembly.promising`. The host runtime makes the same choice per component (see its async plan); this
 * harness lets wRPC-backed imports be exercised with a real guest independently of it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { rethrowAsyncImportErrors } from '../../src/wrpc/jspi-glue.js';

export interface JspiComponent {
  exports: Record<string, any>;
  close(): void;
}

export async function instantiateJspi(
  bytes: Uint8Array,
  opts: { asyncImports: string[]; asyncExports: string[]; imports: Record<string, unknown> },
): Promise<JspiComponent> {
  const { transpileBytes } = await import('@bytecodealliance/jco-transpile');
  const out = (await transpileBytes(bytes, {
    name: 'component',
    instantiation: { tag: 'async' },
    asyncMode: 'jspi',
    asyncImports: opts.asyncImports,
    asyncExports: opts.asyncExports,
  } as never)) as unknown as { files: Record<string, Uint8Array> };
  const dir = mkdtempSync(join(tmpdir(), 'wash-jspi-'));
  for (const [name, data] of Object.entries(out.files)) {
    if (name.includes('/')) continue;
    if (name === 'component.js') {
      const { source, patched } = rethrowAsyncImportErrors(Buffer.from(data).toString('utf8'));
      if (opts.asyncImports.length > 0 && patched === 0)
        throw new Error('jco JSPI glue changed: the async-import error patch no longer applies');
      writeFileSync(join(dir, 'component.mjs'), source);
      continue;
    }
    writeFileSync(join(dir, name), data);
  }
  const glue = await import(pathToFileURL(join(dir, 'component.mjs')).href);
  const { readFileSync } = await import('node:fs');
  const exports = await glue.instantiate(
    (name: string) => new WebAssembly.Module(readFileSync(join(dir, name))),
    opts.imports,
    (m: WebAssembly.Module, i: WebAssembly.Imports) => new WebAssembly.Instance(m, i),
  );
  return { exports, close: () => rmSync(dir, { recursive: true, force: true }) };
}
