'use strict';
// Loads the bundled CLI (dist/wash.cjs) with V8's code cache (dist/wash.cjs.cache, written at build time by
// scripts/build-code-cache.mjs after a warm-up run), so start-up skips parsing and compiling most of the
// bundle's functions. The cache is used only when its header names the bundle's content id (first line of the
// bundle); V8 itself rejects a cache made by another V8 version or with other flags. Any mismatch, or no cache
// file, just means an ordinary compile.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
// CommonJS's Module class (what `require('node:module')` exports) without loading the public node:module
// (which also loads Node's source-map support: ~1 ms of every start).
const Module = module.constructor;
const { pathToFileURL } = require('node:url');

/** The bundle is wrapped like a CommonJS module plus `__washImport` (see scripts/bundle-cli.mjs). */
const PARAMS = 'exports, require, module, __filename, __dirname, __washImport';
/**
 * Bundles loaded only through this loader (the topic bundles, validate.cjs) hold that wrapper themselves, after
 * the id line: the script is then the file's text as read, where wrapping it here makes V8 flatten a second copy
 * of the whole source in the young generation (for a 500 KB bundle, a scavenge during start-up). wash.cjs stays
 * plain, because oclif's manifest generator loads it with `require`.
 */
const WRAPPER_OPEN = `(function (${PARAMS}) {`;
const ID_LINE = /^\/\/ wash-bundle ([0-9a-f]{64})\n/;
const HEADER_BYTES = 64;

/**
 * `name`: the bundle's file in dist/: wash.cjs (the CLI) or validate.cjs (`app validate` without oclif).
 * `variant`: which of the bundle's code caches (`wash.cjs.<variant>.cache`; default `wash.cjs.cache`). Each cache
 * holds the functions its warm-up compiled, and V8 deserialises all of it on load, so commands that use the NATS
 * client get their own (`nats`) and the others do not pay for it.
 */
function bundlePaths(distDir, name = 'wash.cjs', variant = undefined) {
  const file = path.join(distDir, name);
  return { file, cache: variant ? `${file}.${variant}.cache` : `${file}.cache` };
}

function bundleId(source) {
  const m = ID_LINE.exec(source.slice(0, 100));
  return m ? m[1] : undefined;
}

function readCache(cacheFile, id) {
  if (!id) return undefined;
  let buf;
  try {
    buf = fs.readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  if (buf.length <= HEADER_BYTES || buf.toString('latin1', 0, HEADER_BYTES) !== id) return undefined;
  return buf.subarray(HEADER_BYTES);
}

/**
 * Compiles and runs the bundle as the CommonJS module `dist/<opts.name>` (default wash.cjs; opts.cacheVariant picks
 * the code cache, see bundlePaths; registered in require.cache, so oclif's
 * own `require` of its command target returns this instance). Returns the module exports and the script (the
 * build uses it to write the cache).
 */
function loadBundle(distDir, opts = {}) {
  const paths = bundlePaths(distDir, opts.name, opts.cacheVariant);
  const { cache } = paths;
  // The real path: Node's require (oclif loads its command target with it) keys require.cache by real path.
  const file = fs.realpathSync(paths.file);
  const existing = Module._cache[file];
  if (existing) return { exports: existing.exports, script: undefined, cacheUsed: false };
  // latin1: the build makes bundles pure ASCII (asciiOnly in scripts/bundle-cli.mjs), so this is the same text as
  // UTF-8, read into a one-byte string without decoding.
  const source = fs.readFileSync(file, 'latin1');
  const id = bundleId(source);
  const cachedData = opts.useCache === false ? undefined : readCache(cache, id);
  const wrapped = id !== undefined && source.startsWith(WRAPPER_OPEN, source.indexOf('\n') + 1);
  const script = new vm.Script(wrapped ? source : `${WRAPPER_OPEN}${source}\n})`, { filename: file, cachedData });
  const mod = new Module(file, null);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  const url = pathToFileURL(file).href;
  const washImport = (specifier) =>
    import(specifier.startsWith('./') || specifier.startsWith('../') ? new URL(specifier, url).href : specifier);
  Module._cache[file] = mod;
  try {
    script
      .runInThisContext()
      .call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file), washImport);
  } catch (err) {
    delete Module._cache[file];
    throw err;
  }
  mod.loaded = true;
  return {
    exports: mod.exports,
    script,
    cacheUsed: cachedData !== undefined && !script.cachedDataRejected,
    id,
    name: opts.name,
    cacheVariant: opts.cacheVariant,
  };
}

/** Writes the code cache for the loaded bundle: the content id header, then V8's data. */
function writeCodeCache(distDir, loaded) {
  if (!loaded.script || !loaded.id)
    throw new Error('writeCodeCache: the bundle was not compiled by this loader or has no content id');
  const { cache } = bundlePaths(distDir, loaded.name, loaded.cacheVariant);
  const tmp = `${cache}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat([Buffer.from(loaded.id, 'latin1'), loaded.script.createCachedData()]));
  fs.renameSync(tmp, cache);
}

module.exports = { loadBundle, writeCodeCache, bundlePaths, WRAPPER_OPEN };
