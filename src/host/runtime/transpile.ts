/**
 * jco transpilation off the main thread. The worker is an inline (eval) script that imports
 * jco-transpile by URL, so it works the same from compiled `dist/` and from TypeScript sources
 * under the test runner, and a 12 MB component's 1–2 s transpile never stalls requests being served.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AsyncPlan } from './async-plan.js';

/** Path of jco-transpile's entry module (createRequire: import.meta.resolve is missing under vite-node). */
export function resolveTranspiler(): string {
  return createRequire(import.meta.url).resolve('@bytecodealliance/jco-transpile');
}

export interface TranspileOutput {
  files: Record<string, Uint8Array>;
}

/** Options chosen for the runtime: instantiate() with our own import object, no TypeScript, no WASI shim. */
export const TRANSPILE_OPTIONS = {
  name: 'component',
  instantiation: { tag: 'async' },
  emitTypescriptDeclarations: false,
  validLiftingOptimization: true,
  tracing: false,
} as const;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.transpilerUrl)
  .then((m) => m.transpileBytes(workerData.bytes, workerData.options))
  .then((r) => {
    const files = {};
    for (const [name, data] of Object.entries(r.files)) files[name] = data;
    parentPort.postMessage({ ok: true, files });
  })
  .catch((err) => parentPort.postMessage({ ok: false, message: String(err && err.stack || err) }));
`;

/** Options for one component: the base set, plus JSPI for the functions an async plan names. */
export function transpileOptions(plan: AsyncPlan | undefined): Record<string, unknown> {
  if (!plan) return { ...TRANSPILE_OPTIONS };
  return { ...TRANSPILE_OPTIONS, asyncMode: 'jspi', asyncImports: plan.asyncImports, asyncExports: plan.asyncExports };
}

export function transpileInWorker(bytes: Uint8Array, plan?: AsyncPlan): Promise<TranspileOutput> {
  const transpilerUrl = pathToFileURL(resolveTranspiler()).href;
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { transpilerUrl, bytes, options: transpileOptions(plan) },
    });
    let settled = false;
    worker.once('message', (msg: { ok: true; files: Record<string, Uint8Array> } | { ok: false; message: string }) => {
      settled = true;
      if (msg.ok) resolve({ files: msg.files });
      else reject(new Error(`jco transpile failed: ${msg.message}`));
      void worker.terminate();
    });
    worker.once('error', (err) => {
      if (!settled) reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`jco transpile worker exited with code ${code}`));
    });
  });
}
