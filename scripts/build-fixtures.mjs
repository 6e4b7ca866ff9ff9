#!/usr/bin/env node
// Builds wash's test components from the sources in test/fixtures/components/, with no Rust or Go toolchain.
//
//   node scripts/build-fixtures.mjs             WAT components (committed) + JS components (cached)
//   node scripts/build-fixtures.mjs --wat       only the WAT components
//   node scripts/build-fixtures.mjs --js        only the JS components (rebuilt when missing or stale)
//   node scripts/build-fixtures.mjs --force     rebuild the JS components even when the cache is fresh
//   node scripts/build-fixtures.mjs --check     rebuild the WAT components in memory, exit 1 if any differs
//   node scripts/build-fixtures.mjs --sync-wit  re-derive the wasi 0.2.10 WIT deps from jco's bundled 0.2.12
//
// WAT components are small and committed; rebuilding them is byte-for-byte reproducible for a given
// jco-transpile (wit-component) version. JS components (componentize-js, ~12 MB, ~13 s each) are written to
// test/fixtures/components/build/ (gitignored), keyed by a hash of their inputs.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES_DIR = join(ROOT, 'test', 'fixtures', 'components');
export const WIT_DIR = join(FIXTURES_DIR, 'wit');
export const JS_BUILD_DIR = join(FIXTURES_DIR, 'build');

/** Bump when the componentize options below change, so cached JS components are rebuilt. */
const JS_RECIPE = 'componentize-default-features-v1';
const WASI_DEPS = ['http', 'io', 'clocks', 'random', 'cli', 'filesystem', 'sockets'];

export const WAT_FIXTURES = [
  { name: 'http-hello-v1', wat: 'http-hello.wat', world: 'http-hello', body: 'hello from wash v1\n' },
  { name: 'http-hello-v2', wat: 'http-hello.wat', world: 'http-hello', body: 'hello from wash v2\n' },
  { name: 'http-trap', wat: 'http-trap.wat', world: 'http-hello' },
  { name: 'calc', wat: 'calc.wat', world: 'calc' },
  { name: 'calc-sink', wat: 'calc-sink.wat', world: 'calc-sink' },
  { name: 'calc-http', wat: 'calc-http.wat', world: 'calc-http' },
];

export const JS_FIXTURES = [
  { name: 'js-hello-fetch', source: 'hello-fetch.js', world: 'js-hello-fetch' },
  { name: 'js-config', source: 'config.js', world: 'js-config' },
  { name: 'js-keyvalue', source: 'keyvalue.js', world: 'js-keyvalue' },
  { name: 'js-messaging', source: 'messaging.js', world: 'js-messaging' },
  { name: 'js-blobstore', source: 'blobstore.js', world: 'js-blobstore' },
];

export function watFixturePath(name) {
  return join(FIXTURES_DIR, `${name}.wasm`);
}

export function jsFixturePath(name) {
  return join(JS_BUILD_DIR, `${name}.wasm`);
}

/**
 * jco's wasm-tools and componentize-js read WIT through preview2-shim's filesystem, which starts with no
 * preopens. Open `/` for the duration of the build and close it again if nothing was open before.
 */
async function withRootPreopen(fn) {
  const fs = await import('@bytecodealliance/preview2-shim/filesystem');
  const hadNone = fs.preopens.getDirectories().length === 0;
  fs._setPreopens({ '/': '/' });
  try {
    return await fn();
  } finally {
    if (hadNone) fs._setPreopens({});
  }
}

/** A WAT string literal: printable ASCII as is, everything else (and `"`, `\`) as `\hh` byte escapes. */
function watString(text) {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const printable = byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c;
    out += printable ? String.fromCharCode(byte) : `\\${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

function renderWat(fixture) {
  const template = readFileSync(join(FIXTURES_DIR, 'wat', fixture.wat), 'utf8');
  if (fixture.body === undefined) return template;
  const bodyLength = Buffer.byteLength(fixture.body, 'utf8');
  const heapBase = (1024 + bodyLength + 7) & ~7;
  return template
    .replaceAll('{{BODY}}', watString(fixture.body))
    .replaceAll('{{BODY_LEN}}', String(bodyLength))
    .replaceAll('{{HEAP_BASE}}', String(heapBase));
}

/** Builds every WAT fixture in memory: name → component bytes. Writes nothing. */
export async function buildWatFixtures() {
  const { parse, componentEmbed, componentNew } = await import('@bytecodealliance/jco-transpile/wasm-tools');
  return withRootPreopen(async () => {
    const built = new Map();
    for (const fixture of WAT_FIXTURES) {
      const core = await parse(renderWat(fixture));
      const embedded = await componentEmbed({ binary: core, witPath: WIT_DIR, world: fixture.world });
      built.set(fixture.name, await componentNew(embedded));
    }
    return built;
  });
}

/** Names of the committed WAT fixtures whose bytes differ from a fresh in-memory build. */
export async function checkWatFixtures() {
  const built = await buildWatFixtures();
  const drifted = [];
  for (const [name, bytes] of built) {
    const path = watFixturePath(name);
    if (!existsSync(path) || !Buffer.from(bytes).equals(readFileSync(path))) drifted.push(name);
  }
  return drifted;
}

async function writeWatFixtures(log) {
  const built = await buildWatFixtures();
  for (const [name, bytes] of built) {
    const path = watFixturePath(name);
    const same = existsSync(path) && Buffer.from(bytes).equals(readFileSync(path));
    if (!same) writeFileSync(path, bytes);
    log(`${same ? 'unchanged' : 'wrote    '} ${relative(ROOT, path)} (${bytes.length} bytes)`);
  }
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}

function componentizeVersion() {
  const pkg = join(ROOT, 'node_modules', '@bytecodealliance', 'componentize-js', 'package.json');
  return JSON.parse(readFileSync(pkg, 'utf8')).version;
}

/** Cache key of a JS fixture: its source (and js/lib/ if it imports it), the whole WIT tree, the componentize-js version and the recipe. */
export function jsFixtureKey(fixture) {
  const hash = createHash('sha256');
  const add = (label, data) => hash.update(`${label}\0${data.length}\0`).update(data);
  add('recipe', JS_RECIPE);
  add('componentize-js', componentizeVersion());
  add('world', fixture.world);
  const source = readFileSync(join(FIXTURES_DIR, 'js', fixture.source));
  add('source', source);
  // Shared guest code (js/lib/) the source imports by relative path.
  if (source.includes('./lib/'))
    for (const file of listFiles(join(FIXTURES_DIR, 'js', 'lib')))
      add(`lib/${relative(join(FIXTURES_DIR, 'js', 'lib'), file)}`, readFileSync(file));
  for (const file of listFiles(WIT_DIR)) add(relative(WIT_DIR, file).split('\\').join('/'), readFileSync(file));
  return hash.digest('hex');
}

function metaPath(name) {
  return join(JS_BUILD_DIR, `${name}.json`);
}

/** JS fixtures whose cached component is missing or was built from other inputs. */
export function staleJsFixtures() {
  return JS_FIXTURES.filter((fixture) => {
    if (!existsSync(jsFixturePath(fixture.name)) || !existsSync(metaPath(fixture.name))) return true;
    try {
      return JSON.parse(readFileSync(metaPath(fixture.name), 'utf8')).key !== jsFixtureKey(fixture);
    } catch {
      return true;
    }
  });
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Cross-process lock (a directory) so parallel test workers do not build the same component twice. */
async function withBuildLock(fn, log) {
  mkdirSync(JS_BUILD_DIR, { recursive: true });
  const lock = join(JS_BUILD_DIR, '.lock');
  const deadline = Date.now() + 10 * 60_000;
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        /* being created or removed */
      }
      if (Number.isInteger(owner) && owner > 0 && !processAlive(owner)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${lock}`);
      if (!announced) log(`waiting for another build (lock ${relative(ROOT, lock)})`);
      announced = true;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function componentizeFixture(fixture) {
  const { componentize } = await import('@bytecodealliance/componentize-js');
  return withRootPreopen(async () => {
    const { component } = await componentize({
      sourcePath: join(FIXTURES_DIR, 'js', fixture.source),
      witPath: WIT_DIR,
      worldName: fixture.world,
    });
    return component;
  });
}

/**
 * Builds the JS fixtures that are missing or stale (all of them with `force`) and returns name → path.
 * Safe to call from several processes at once.
 */
export async function ensureJsFixtures({ force = false, log = () => {} } = {}) {
  const needed = () => (force ? JS_FIXTURES : staleJsFixtures());
  if (needed().length > 0) {
    await withBuildLock(async () => {
      const todo = needed();
      if (todo.length === 0) log('up to date  (built meanwhile by another process)');
      for (const fixture of todo) {
        const started = Date.now();
        const key = jsFixtureKey(fixture);
        const bytes = await componentizeFixture(fixture);
        const path = jsFixturePath(fixture.name);
        const tmp = `${path}.tmp-${process.pid}`;
        writeFileSync(tmp, bytes);
        renameSync(tmp, path);
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        writeFileSync(
          metaPath(fixture.name),
          JSON.stringify({ key, sha256, bytes: bytes.length, componentizeJs: componentizeVersion() }, null, 2) + '\n',
        );
        log(
          `built     ${relative(ROOT, path)} (${bytes.length} bytes, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
        );
      }
    }, log);
  } else {
    for (const fixture of JS_FIXTURES) log(`cached    ${relative(ROOT, jsFixturePath(fixture.name))}`);
  }
  return Object.fromEntries(JS_FIXTURES.map((fixture) => [fixture.name, jsFixturePath(fixture.name)]));
}

/**
 * Re-derives the wasi:* 0.2.10 WIT deps from jco's bundled 0.2.12 copy. componentize-js 0.22/0.23 embed
 * StarlingMonkey built against WASI 0.2.10, and jco only bundles a partial 0.2.10 tree.
 */
export function syncWasiWit(log = () => {}) {
  const bundled = join(ROOT, 'node_modules', '@bytecodealliance', 'jco', 'lib', 'wit', 'builtin', '0.2.12');
  for (const pkg of WASI_DEPS) {
    let text = readFileSync(join(bundled, `wasi-${pkg}`, 'package.wit'), 'utf8').replaceAll('@0.2.12', '@0.2.10');
    // componentize-js 0.22 (nested in jco) rejects this feature gate when merging wasi:sockets
    if (pkg === 'sockets')
      text = text
        .split('\n')
        .filter((line) => !line.includes('@unstable(feature = network-error-code)'))
        .join('\n');
    const target = join(WIT_DIR, 'deps', pkg, 'package.wit');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
    log(`synced    ${relative(ROOT, target)}`);
  }
}

async function main(argv) {
  const flags = new Set(argv);
  const known = ['--wat', '--js', '--force', '--check', '--sync-wit'];
  const unknown = [...flags].filter((flag) => !known.includes(flag));
  if (unknown.length > 0) {
    process.stderr.write(`unknown option(s): ${unknown.join(' ')}\nknown: ${known.join(' ')}\n`);
    return 2;
  }
  const log = (line) => process.stdout.write(`${line}\n`);
  if (flags.has('--sync-wit')) {
    syncWasiWit(log);
    return 0;
  }
  if (flags.has('--check')) {
    const drifted = await checkWatFixtures();
    if (drifted.length === 0) {
      log(`all ${WAT_FIXTURES.length} WAT fixtures match their committed bytes`);
      return 0;
    }
    process.stderr.write(`out of date: ${drifted.join(', ')} (run: npm run fixtures -- --wat)\n`);
    return 1;
  }
  const onlyJs = flags.has('--js') && !flags.has('--wat');
  const onlyWat = flags.has('--wat') && !flags.has('--js');
  if (!onlyJs) await writeWatFixtures(log);
  if (!onlyWat) await ensureJsFixtures({ force: flags.has('--force'), log });
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`build-fixtures failed: ${err?.stack ?? err}\n`);
      process.exitCode = 1;
    },
  );
}
