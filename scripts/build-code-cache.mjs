// Writes dist/wash.cjs.cache: V8's code cache for the bundled CLI (and dist/validate.cjs.cache likewise), taken after a warm-up run so it holds the
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
const validateCacheFile = join(distDir, 'validate.cjs.cache');

const work = mkdtempSync(join(tmpdir(), 'wash-code-cache-'));
const valid = join(work, 'valid.yaml');
const invalid = join(work, 'invalid.yaml');
writeFileSync(
  valid,
  [
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
  ].join('\n'),
);
writeFileSync(
  invalid,
  'apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: Bad Name\nspec:\n  components: []\n',
);

// The child loads the bundle exactly as bin/run.js does (same root argument), runs a few commands, checks
// that they did what they should (a broken warm-up would silently make a useless cache), then writes the cache.
const warmUp = [
  { argv: ['app', 'validate', valid], exitCode: 0, stdout: 'valid' },
  { argv: ['app', 'validate', valid, '-o', 'json'], exitCode: 0, stdout: '"valid": true' },
  { argv: ['app', 'validate', invalid, '-o', 'json'], exitCode: 1, stdout: '"valid": false' },
  // Direct command runs (src/cli/direct-run.ts): flag parsing, a flag error, and a lattice command that fails to
  // connect (port 1 on loopback: refused at once) — the NATS client's connect path.
  { argv: ['new', '--list'], exitCode: 0, stdout: 'hello-world' },
  { argv: ['new', '--list', '--no-such-flag'], exitCode: 2, stdout: '' },
];
// The CLI bundle's default cache: direct runs only (plain `app validate` runs from dist/validate.cjs, whose cache
// holds the manifest code, so this one need not).
const cliWarmUp = warmUp.filter((step) => step.argv[0] !== 'app');
// The `nats` cache (commands with connection flags, see dist/command-index.json): also the NATS client's
// connect path.
const natsWarmUp = [
  ...cliWarmUp,
  { argv: ['get', 'hosts', '--no-such-flag'], exitCode: 2, stdout: '' },
  { argv: ['get', 'hosts', '--ctl-host', '127.0.0.1', '--ctl-port', '1', '-o', 'json'], exitCode: 1, stdout: '' },
];
// dist/validate.cjs (plain `app validate` without oclif) gets its own cache from the same manifests.
const fastWarmUp = warmUp.filter((step) => step.argv[0] === 'app');
// Commands print through src/cli/write-output.ts (fs.writeSync on fd 1, not process.stdout): captured there.
const child = `
const { loadBundle, writeCodeCache } = require(${JSON.stringify(join(root, 'bin', 'load-bundle.cjs'))});
const fs = require('node:fs');
const dist = ${JSON.stringify(distDir)};
const variant = process.argv[1] || undefined;
async function captureStdout(run) {
  let out = '';
  const writeSync = fs.writeSync;
  fs.writeSync = (fd, buf, off, len) => {
    if (fd !== 1) return writeSync(fd, buf, off, len);
    out += Buffer.from(buf).toString('utf8', off, off + len);
    return len;
  };
  try { return { result: await run(), out }; } finally { fs.writeSync = writeSync; }
}
const loaded = loadBundle(dist, { useCache: false, cacheVariant: variant });
(async () => {
  for (const step of variant === 'nats' ? ${JSON.stringify(natsWarmUp)} : ${JSON.stringify(cliWarmUp)}) {
    process.exitCode = undefined;
    const { out } = await captureStdout(() => loaded.exports.main(step.argv, ${JSON.stringify(pathToFileURL(root).href)}));
    const code = process.exitCode ?? 0;
    if (code !== step.exitCode || !out.includes(step.stdout)) {
      throw new Error('warm-up "wash ' + step.argv.join(' ') + '" exited ' + code + ' (expected ' + step.exitCode + ') printing: ' + out.slice(0, 500));
    }
  }
  writeCodeCache(dist, loaded);
  process.exitCode = 0;
  if (variant) return;
  const fast = loadBundle(dist, { name: 'validate.cjs', useCache: false });
  for (const step of ${JSON.stringify(fastWarmUp)}) {
    process.exitCode = undefined;
    const { result: done, out } = await captureStdout(() => fast.exports.appValidateFastPath(step.argv));
    const code = process.exitCode ?? 0;
    if (done !== true || code !== step.exitCode || !out.includes(step.stdout)) {
      throw new Error('fast-path warm-up "wash ' + step.argv.join(' ') + '" returned ' + done + ', exited ' + code + ' (expected ' + step.exitCode + ') printing: ' + out.slice(0, 500));
    }
  }
  writeCodeCache(dist, fast);
  process.exitCode = 0;
})().catch((err) => { console.error(err); process.exitCode = 70; });
`;
const natsCacheFile = join(distDir, 'wash.cjs.nats.cache');
function warm(variant, expectedFiles) {
  const env = { ...process.env };
  for (const k of ['NODE_ENV', 'DEBUG', 'WASH_DEBUG']) delete env[k]; // they keep commands on oclif's own path
  const r = spawnSync(process.execPath, ['-e', child, ...(variant ? [variant] : [])], {
    cwd: work,
    env: {
      ...env,
      NO_COLOR: '1',
      WASH_CONFIG_DIR: work,
      WASH_CACHE_DIR: work,
      WASH_DATA_DIR: work,
      XDG_CONFIG_HOME: work,
      XDG_CACHE_HOME: work,
      XDG_DATA_HOME: work,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0 || !expectedFiles.every((f) => existsSync(f))) {
    throw new Error(`code cache warm-up failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}):\n${r.stderr}`);
  }
}
try {
  for (const f of [cacheFile, validateCacheFile, natsCacheFile]) rmSync(f, { force: true });
  warm(undefined, [cacheFile, validateCacheFile]);
  warm('nats', [natsCacheFile]);
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (!process.argv.includes('--quiet')) {
  for (const f of [cacheFile, natsCacheFile, validateCacheFile])
    console.log(`wrote ${f} (${Math.round(statSync(f).size / 1024)} KiB)`);
}
