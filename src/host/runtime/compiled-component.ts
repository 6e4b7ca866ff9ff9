/**
 * A component ready to instantiate: transpiled once per content digest (cached on disk as `.mjs` glue
 * plus core `.wasm` files), glue imported once, core modules compiled once per runtime.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ASYNC_INTERFACE_FUNCTIONS, asyncPlan, type AsyncPlan, type CustomFunctions } from './async-plan.js';
import { capModuleMemory } from './memory-limit.js';
import { exportMutableState } from './state-exports.js';
import { coreExportNames } from './wasm-bytes.js';
import { trackMemoryWrites, type WriteTracking, WRITE_TRACKING_VERSION } from './write-tracking.js';
import { detectServingStyle, producedByComponentizeJs } from './style.js';
import { patchGlue } from './glue.js';
import { resolveTranspiler, transpileInWorker, TRANSPILE_OPTIONS } from './transpile.js';
import type { ServingStyle } from './types.js';
import type { ImportObject } from './wasi/imports.js';

/** The exports object of one instance; `incomingHandler` is there when the component serves HTTP. */
export interface ComponentExports {
  incomingHandler?: { handle(request: unknown, responseOut: unknown): void | Promise<void> };
  [name: string]: unknown;
}

export interface ComponentInstance {
  exports: ComponentExports;
  /** Core instances in creation order (for state snapshots). */
  cores: WebAssembly.Instance[];
}

export interface CompiledComponent {
  digest: string;
  imports: string[];
  exports: string[];
  style: ServingStyle;
  /** Built by componentize-js (StarlingMonkey). */
  componentizeJs: boolean;
  /** Core modules export their mutable state (see state-exports.ts), so instances can be recycled. */
  stateExported: boolean;
  /** Every core module that can write memory records the pages it wrote (write-tracking.ts). */
  writesTracked: boolean;
  /**
   * Imports some host functions asynchronously (JSPI, see async-plan.ts): its HTTP handler returns a
   * promise, and other calls into it may be in flight while one instance waits.
   */
  async: boolean;
  /** Synchronous: core modules are compiled already. */
  instantiate(imports: ImportObject): ComponentInstance;
}

interface CacheMeta {
  key: string;
  imports: string[];
  exports: string[];
  componentizeJs: boolean;
  wasmFiles: string[];
  gluePatches: string[];
  /** Patches whose pattern was absent from this glue (the component runs on jco's unpatched code there). */
  gluePatchesMissed: string[];
  /** JSPI functions and exports, or null for fully synchronous glue. */
  asyncPlan: AsyncPlan | null;
}

type GlueModule = {
  instantiate(
    getCoreModule: (name: string) => WebAssembly.Module,
    imports: ImportObject,
    instantiateCore: (module: WebAssembly.Module, imports: WebAssembly.Imports) => WebAssembly.Instance,
  ): ComponentExports;
};

const GLUE_FILE = 'component.mjs';
/** Bumped when the cache layout or the glue patches change. */
const CACHE_FORMAT = 11;

let transpilerVersion: Promise<string> | undefined;
function cacheKey(): Promise<string> {
  transpilerVersion ??= (async () => {
    const entry = resolveTranspiler();
    const pkg = JSON.parse(await readFile(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
    return `jco-transpile@${pkg.version}/format-${CACHE_FORMAT}/${JSON.stringify(TRANSPILE_OPTIONS)}/${JSON.stringify(ASYNC_INTERFACE_FUNCTIONS)}`;
  })();
  return transpilerVersion;
}

export function componentDigest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function readMeta(dir: string, key: string): Promise<CacheMeta | undefined> {
  try {
    const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as CacheMeta;
    if (meta.key !== key || !existsSync(join(dir, GLUE_FILE))) return undefined;
    return meta;
  } catch {
    return undefined;
  }
}

/**
 * jco names of the component's custom-interface functions (answered / served over wRPC). A binary whose
 * types cannot be read gets none: the host does not put it on wRPC either (see src/wrpc/component-types.ts).
 */
async function customFunctions(bytes: Uint8Array): Promise<CustomFunctions> {
  const [{ componentFunctionTypes }, { customFunctionNames }] = await Promise.all([
    import('../../wrpc/component-types.js'),
    import('../../wrpc/host-bridge.js'),
  ]);
  let types;
  try {
    types = componentFunctionTypes(bytes);
  } catch {
    return { imports: [], exports: [] };
  }
  return { imports: customFunctionNames(types.imports), exports: customFunctionNames(types.exports) };
}

async function transpileToCache(bytes: Uint8Array, dir: string, key: string): Promise<CacheMeta> {
  const { inspectComponent } = await import('../../component/inspect.js');
  const info = await inspectComponent(bytes, { label: 'the component' });
  const plan = asyncPlan(info.imports, info.exports, await customFunctions(bytes));
  const { files } = await transpileInWorker(bytes, plan);
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { recursive: true });
  const wasmFiles: string[] = [];
  let gluePatches: string[] = [];
  let gluePatchesMissed: string[] = [];
  for (const [name, data] of Object.entries(files)) {
    if (name.endsWith('.wasm')) {
      wasmFiles.push(name);
      await writeFile(join(tmp, name), data);
    } else if (name === `${TRANSPILE_OPTIONS.name}.js`) {
      const patched = patchGlue(Buffer.from(data).toString('utf8'), { jspi: plan !== undefined });
      gluePatches = patched.applied;
      gluePatchesMissed = patched.missed;
      await writeFile(join(tmp, GLUE_FILE), patched.source);
    }
  }
  const meta: CacheMeta = {
    key,
    imports: info.imports,
    exports: info.exports,
    componentizeJs: producedByComponentizeJs(bytes),
    wasmFiles,
    gluePatches,
    gluePatchesMissed,
    asyncPlan: plan ?? null,
  };
  await writeFile(join(tmp, 'meta.json'), JSON.stringify(meta, null, 2));
  await rm(dir, { recursive: true, force: true });
  try {
    await rename(tmp, dir);
  } catch (err) {
    // Another process finished the same digest first: use theirs.
    await rm(tmp, { recursive: true, force: true });
    if (!existsSync(join(dir, 'meta.json'))) throw err;
  }
  return meta;
}

/**
 * The module with write tracking, cached beside the transpiled files (instrumenting a 13 MB StarlingMonkey module
 * takes ~0.3 s); keyed by the instrumenter's version and the memory cap, which changes the module it starts from.
 */
async function trackedModule(
  dir: string,
  name: string,
  code: Uint8Array,
  maxLinearMemoryBytes: number | undefined,
): Promise<WriteTracking> {
  const file = join(dir, `${name}.writes-v${WRITE_TRACKING_VERSION}-${maxLinearMemoryBytes ?? 'uncapped'}.wasm`);
  try {
    return { tracked: true, bytes: new Uint8Array(await readFile(file)), instrumented: true };
  } catch {
    // not cached yet
  }
  const tracking = await trackMemoryWrites(code);
  if (tracking.tracked && tracking.instrumented) {
    const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
    try {
      await writeFile(tmp, tracking.bytes);
      await rename(tmp, file);
    } catch {
      await rm(tmp, { force: true });
    }
  }
  return tracking;
}

export async function compileComponent(
  bytes: Uint8Array,
  opts: {
    cacheDir: string;
    maxLinearMemoryBytes?: number;
    digest?: string;
    log?: (level: 'debug', message: string) => void;
  },
): Promise<CompiledComponent> {
  const digest = opts.digest ?? componentDigest(bytes);
  const key = await cacheKey();
  const dir = join(opts.cacheDir, 'components', digest);
  const meta = (await readMeta(dir, key)) ?? (await transpileToCache(bytes, dir, key));
  if (meta.gluePatchesMissed.length > 0) {
    opts.log?.(
      'debug',
      `jco glue patterns not found (jco's unpatched code runs there): ${meta.gluePatchesMissed.join(', ')}`,
    );
  }

  const codes = await Promise.all(
    meta.wasmFiles.map(async (name) => {
      let code: Uint8Array<ArrayBuffer> = new Uint8Array(await readFile(join(dir, name)));
      if (opts.maxLinearMemoryBytes !== undefined)
        code = capModuleMemory(code, opts.maxLinearMemoryBytes) as Uint8Array<ArrayBuffer>;
      return { name, code };
    }),
  );
  const style = detectServingStyle({
    componentizeJs: meta.componentizeJs,
    coreModuleExports: codes.map(({ code }) => coreExportNames(code)),
  });
  let stateExported = meta.componentizeJs;
  // Only FetchEvent instances are reset after each request; tracking their writes makes the reset cheap.
  let writesTracked = stateExported && style === 'fetch-event';
  const modules = new Map<string, WebAssembly.Module>();
  await Promise.all(
    codes.map(async ({ name, code: original }) => {
      let code = original;
      if (writesTracked) {
        const tracking = await trackedModule(dir, name, code, opts.maxLinearMemoryBytes);
        if (tracking.tracked) code = tracking.bytes as Uint8Array<ArrayBuffer>;
        else {
          writesTracked = false;
          opts.log?.('debug', `${name}: instance resets compare the whole memory (${tracking.reason})`);
        }
      }
      if (stateExported) {
        try {
          code = exportMutableState(code).bytes as Uint8Array<ArrayBuffer>;
        } catch {
          stateExported = false; // an unusual module: its instances are never recycled
        }
      }
      modules.set(name, await WebAssembly.compile(code));
    }),
  );
  const glue = (await import(pathToFileURL(join(dir, GLUE_FILE)).href)) as GlueModule;
  const getCoreModule = (name: string): WebAssembly.Module => {
    const module = modules.get(name);
    if (!module) throw new Error(`transpiled component is missing core module ${name}`);
    return module;
  };
  return {
    digest,
    imports: meta.imports,
    exports: meta.exports,
    style,
    componentizeJs: meta.componentizeJs,
    stateExported,
    writesTracked: writesTracked && stateExported,
    async: meta.asyncPlan !== null && meta.asyncPlan !== undefined,
    instantiate: (imports) => {
      const cores: WebAssembly.Instance[] = [];
      const instantiateCore = (module: WebAssembly.Module, coreImports: WebAssembly.Imports): WebAssembly.Instance => {
        const instance = new WebAssembly.Instance(module, coreImports);
        cores.push(instance);
        return instance;
      };
      return { exports: glue.instantiate(getCoreModule, imports, instantiateCore), cores };
    },
  };
}
