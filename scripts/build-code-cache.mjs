// Writes dist/wash.cjs.cache: V8's code cache for the bundled CLI, taken after a warm-up run so it holds the
// compiled functions of the common start-up paths (command lookup, flag parsing, help, manifest validation),
// not only the top level. Runs after scripts/bundle-cli.mjs and `oclif manifest` (oclif reads the manifest).
// The warm-up runs in a child process whose output is discarded; it touches no user directories.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = join(root, 'dist');
const cacheFile = join(distDir, 'wash.cjs.cache');

const work = mkdtempSync(join(tmpdir(), 'wash-code-cache-'));
const valid = join(work, 'valid.yaml');
const invalid = join(work, 'invalid.yaml');
writeFileSync(valid, [
  'apiVersion: core.oam.dev/v1beta1',
  'kind: Application',
  'metadata:',
  '  name: warm-up',
  '  annotations:',
  '    version: v0.0.1',
  'spec:',
  '  components:',
  '    - name: api',
  '      type: component',
  '      properties:',
  '        image: file://./api.wasm',
  '      traits:',
  '        - type: spreadscaler',
  '          properties:',
  '            instances: 1',
  '        - type: link',
  '          properties:',
  '            target: kv',
  '            namespace: wasi',
  '            package: keyvalue',
  '            interfaces: [store]',
  '    - name: kv',
  '      type: capability',
  '      properties:',
  '        image: ghcr.io/wasmcloud/keyvalue-nats:0.3.1',
  '',
].join('\n'));
writeFileSync(invalid, 'apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: Bad Name\nspec:\n  components: []\n');

// The child loads the bundle exactly as bin/run.js does, runs a few commands, then writes the cache.
const warmUp = [
  ['app', 'validate', valid],
  ['app', 'validate', valid, '-o', 'json'],
  ['app', 'validate', invalid, '-o', 'json'],
  ['app', 'validate', '--help'],
];
const child = `
const { loadBundle, writeCodeCache } = require(${JSON.stringify(join(root, 'bin', 'load-bundle.cjs'))});
const dist = ${JSON.stringify(distDir)};
const loaded = loadBundle(dist, { useCache: false });
(async () => {
  for (const argv of ${JSON.stringify(warmUp)}) await loaded.exports.main(argv, ${JSON.stringify(pathToFileURL(join(root, 'bin', 'run.js')).href)});
  writeCodeCache(dist, loaded);
  process.exitCode = 0;
})().catch((err) => { console.error(err); process.exitCode = 70; });
`;
try {
  rmSync(cacheFile, { force: true });
  const r = spawnSync(process.execPath, ['-e', child], {
    cwd: work,
    env: { ...process.env, NO_COLOR: '1', WASH_CONFIG_DIR: work, WASH_CACHE_DIR: work, WASH_DATA_DIR: work, XDG_CONFIG_HOME: work, XDG_CACHE_HOME: work, XDG_DATA_HOME: work },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0 || !existsSync(cacheFile)) {
    throw new Error(`code cache warm-up failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}):\n${r.stderr}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (!process.argv.includes('--quiet')) console.log(`wrote ${cacheFile} (${Math.round(statSync(cacheFile).size / 1024)} KiB)`);
