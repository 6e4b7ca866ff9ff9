/**
 * The dev engine: what makes a TypeScript/JavaScript save show up in well under two seconds.
 *
 * componentize-js spends 13–35 s per build (splicing, Wizer pre-initialisation of SpiderMonkey, component
 * encoding) and the host then spends 1–3 s transpiling the 12 MB result. In dev mode that work is done once
 * per WIT world: the component is built from a generated *loader* instead of the user's code. The loader
 * imports every interface of the world, reads the user's esbuild bundle (CommonJS) from the wasi:config key
 * `wash-dev-source` and evaluates it with `new Function` on the first request after the digest key
 * `wash-dev-digest` changes, then delegates every export to it. A save therefore costs an esbuild run plus one
 * config put; the component, the host's transpile cache and the running instances stay as they are.
 *
 * Trade-offs (dev only; `wash build` uses the normal path): the user's code is not pre-initialised (its top
 * level runs on the first request after each change, and on every request for FetchEvent-style components,
 * whose instances are reset after each request), the bundle rides in lattice config (NATS payload limit),
 * and the dev component additionally imports wasi:config/store.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../errors.js';
import type { WitInterface } from '../manifest-gen.js';
import { withRootPreopen, worldMetadata, type WorldMetadata } from './wit-tools.js';

export const DEV_SOURCE_KEY = 'wash-dev-source';
export const DEV_DIGEST_KEY = 'wash-dev-digest';
const LOADER_VERSION = 'wash-dev-loader-v1';
const CONFIG_STORE = 'wasi:config/store@0.2.0-draft';
const LOADER_WORLD = 'wash-dev-loader';

export type EngineStyle = 'handler' | 'fetch-event';

function specifier(i: WitInterface): string {
  return `${i.namespace}:${i.package}/${i.interface}${i.version ? `@${i.version}` : ''}`;
}

function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** FetchEvent unless the code exports something (componentize-js's own rule, for the incoming handler). */
export function engineStyle(world: WorldMetadata, userExports: readonly string[]): EngineStyle {
  const http = world.exports.some(
    (e) => e.namespace === 'wasi' && e.package === 'http' && e.interface === 'incoming-handler',
  );
  return http && !userExports.includes('incomingHandler') ? 'fetch-event' : 'handler';
}

/** The loader module componentize-js turns into the dev engine. */
export function loaderSource(world: WorldMetadata, style: EngineStyle): string {
  const lines: string[] = [];
  const entries: string[] = [];
  const imports = [...world.imports];
  if (!imports.some((i) => specifier(i) === CONFIG_STORE))
    imports.push({ namespace: 'wasi', package: 'config', interface: 'store', version: '0.2.0-draft' });
  imports.forEach((i, n) => {
    lines.push(`import * as m${n} from '${specifier(i)}';`);
    entries.push(`['${specifier(i)}', m${n}]`, `['${i.namespace}:${i.package}/${i.interface}', m${n}]`);
  });
  const store = imports.findIndex((i) => specifier(i) === CONFIG_STORE);
  lines.push(
    `const modules = new Map([${entries.join(', ')}]);`,
    `const cfg = (key) => m${store}.get(key);`,
    'let loaded;',
    'let loadedDigest;',
    'function load() {',
    `  const digest = cfg('${DEV_DIGEST_KEY}');`,
    '  if (loaded && digest === loadedDigest) return loaded;',
    `  const source = cfg('${DEV_SOURCE_KEY}');`,
    `  if (typeof source !== 'string') throw new Error('wash dev: no source in config key ${DEV_SOURCE_KEY}');`,
    '  const module = { exports: {} };',
    '  const listeners = [];',
    '  const require = (s) => {',
    '    const m = modules.get(s);',
    "    if (!m) throw new Error(`wash dev: ${s} is not imported by the component's WIT world`);",
    '    return m;',
    '  };',
    "  const addEventListener = (type, fn) => { if (type === 'fetch') listeners.push(fn); else globalThis.addEventListener(type, fn); };",
    "  new Function('require', 'module', 'exports', 'addEventListener', source)(require, module, module.exports, addEventListener);",
    '  loaded = { exports: module.exports, listeners };',
    '  loadedDigest = digest;',
    '  return loaded;',
    '}',
    'const member = (name) => { const v = load().exports[name]; if (v === undefined) throw new Error(`wash dev: the code does not export ${name}`); return v; };',
  );
  if (style === 'fetch-event') {
    lines.push(
      "addEventListener('fetch', (event) => {",
      '  const { listeners } = load();',
      "  if (listeners.length === 0) throw new Error('wash dev: the code neither exports incomingHandler nor adds a fetch listener');",
      '  for (const l of listeners) l(event);',
      '});',
    );
  }
  for (const e of world.exports) {
    const name = camel(e.interface);
    if (style === 'fetch-event' && name === 'incomingHandler') continue;
    lines.push(
      `export const ${name} = new Proxy({}, { get: (_, fn) => (...args) => member('${name}')[fn](...args) });`,
    );
  }
  return lines.join('\n') + '\n';
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function componentizeVersion(): string {
  const main = fileURLToPath(import.meta.resolve('@bytecodealliance/componentize-js'));
  const pkg = join(dirname(main), '..', 'package.json');
  return JSON.parse(readFileSync(pkg, 'utf8')).version as string;
}

/** wash's own copy of wasi:config (for worlds that do not import it). */
function bundledConfigWit(): string {
  return fileURLToPath(new URL('../../../templates/hello-world-typescript/wit/deps/config', import.meta.url));
}

export interface DevEngine {
  path: string;
  style: EngineStyle;
  world: WorldMetadata;
  /** True when this call built it (slow); false when it came from the cache. */
  built: boolean;
  ms: number;
}

/**
 * Returns the dev engine for this WIT world and style, building it (componentize-js, once) when the cache has
 * none. Cache key: the whole WIT tree, the world, the loader source and the componentize-js version.
 */
export { defaultWorld };

/** In-process memo: WIT tree digest + world + style-relevant exports → engine (skips reading the world again). */
const memo = new Map<string, DevEngine>();

export async function ensureDevEngine(o: {
  witDir: string;
  world?: string;
  userExports: readonly string[];
  cacheDir: string;
  onBuildStart?: () => void;
}): Promise<DevEngine> {
  const started = performance.now();
  const tree = createHash('sha256');
  for (const f of filesUnder(o.witDir)) tree.update(`${relative(o.witDir, f)}\0`).update(readFileSync(f));
  const memoKey = `${o.cacheDir}\0${tree.digest('hex')}\0${o.world ?? ''}\0${o.userExports.includes('incomingHandler')}`;
  const known = memo.get(memoKey);
  if (known && existsSync(known.path)) return { ...known, built: false, ms: performance.now() - started };
  const engine = await ensureDevEngineUncached(o, started);
  memo.set(memoKey, engine);
  return engine;
}

async function ensureDevEngineUncached(
  o: { witDir: string; world?: string; userExports: readonly string[]; cacheDir: string; onBuildStart?: () => void },
  started: number,
): Promise<DevEngine> {
  const worldName = o.world ?? defaultWorld(o.witDir);
  const world = await worldMetadata(o.witDir, worldName);
  const style = engineStyle(world, o.userExports);
  const loader = loaderSource(world, style);
  const hash = createHash('sha256');
  hash.update(`${LOADER_VERSION}\0${componentizeVersion()}\0${worldName}\0${loader}\0`);
  for (const f of filesUnder(o.witDir)) hash.update(`${relative(o.witDir, f)}\0`).update(readFileSync(f));
  const key = hash.digest('hex').slice(0, 24);
  const dir = join(o.cacheDir, 'dev-engines');
  const path = join(dir, `${key}.wasm`);
  if (existsSync(path)) return { path, style, world, built: false, ms: performance.now() - started };

  o.onBuildStart?.();
  mkdirSync(dir, { recursive: true });
  const work = join(tmpdir(), `wash-dev-engine-${process.pid}-${key}`);
  rmSync(work, { recursive: true, force: true });
  try {
    const wit = join(work, 'wit');
    cpSync(o.witDir, wit, { recursive: true });
    const hasConfig = filesUnder(wit).some(
      (f) => f.endsWith('.wit') && /package\s+wasi:config@/.test(readFileSync(f, 'utf8')),
    );
    if (!hasConfig) cpSync(bundledConfigWit(), join(wit, 'deps', 'wash-wasi-config'), { recursive: true });
    writeFileSync(
      join(wit, `${LOADER_WORLD}.wit`),
      `world ${LOADER_WORLD} {\n  include ${worldName};\n  import ${CONFIG_STORE};\n}\n`,
    );
    const source = join(work, 'loader.js');
    writeFileSync(source, loader);
    const { componentize } = await import('@bytecodealliance/componentize-js');
    let component: Uint8Array;
    try {
      ({ component } = await withRootPreopen(() =>
        componentize({ sourcePath: source, witPath: wit, worldName: LOADER_WORLD }),
      ));
    } catch (err) {
      throw new UserError(`building the dev component failed: ${(err as Error).message}`, {
        suggestion: 'check that `wash build` works for this project',
      });
    }
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, component);
    renameSync(tmp, path);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { path, style, world, built: true, ms: performance.now() - started };
}

/** The only world of the root package, when wasmcloud.toml names none. */
function defaultWorld(witDir: string): string {
  const worlds = readdirSync(witDir)
    .filter((f) => f.endsWith('.wit'))
    .flatMap((f) =>
      [...readFileSync(join(witDir, f), 'utf8').matchAll(/^\s*world\s+([a-z][a-z0-9-]*)/gm)].map((m) => m[1]),
    )
    .filter((w) => w !== LOADER_WORLD);
  if (worlds.length !== 1) {
    throw new UserError(
      `cannot tell which WIT world to build in ${dirname(witDir)}/wit (found ${worlds.length ? worlds.join(', ') : 'none'})`,
      { suggestion: 'set [component] wit_world in wasmcloud.toml' },
    );
  }
  return worlds[0];
}
