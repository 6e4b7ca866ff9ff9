// Writes dist/wash.cjs.cache: V8's code cache for the bundled CLI (and dist/validate.cjs.cache likewise), taken after a warm-up run so it holds the
// compiled functions of the common start-up paths (command lookup, flag parsing, help, manifest validation),
// not only the top level. Runs after scripts/bundle-cli.mjs and `oclif manifest` (oclif reads the manifest).
// The warm-up runs in a child process whose output is discarded; it touches no user directories.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
// Commands print through src/cli/write-output.ts (fs.writeSync on fd 1, not process.stdout): captured there
// (the source of a function in both warm-up child scripts below).
const captureStdout = `
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
`;
const child = `
const { loadBundle, writeCodeCache } = require(${JSON.stringify(join(root, 'bin', 'load-bundle.cjs'))});
const fs = require('node:fs');
const dist = ${JSON.stringify(distDir)};
const variant = process.argv[2] || undefined;
${captureStdout}const loaded = loadBundle(dist, { useCache: false, cacheVariant: variant });
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

// Topic bundles (dist/wash-<topic>.cjs, run through their runDirect): each command's unknown-flag error (oclif's
// parser and the error rendering, which every run goes through), plus the direct runs above of that topic.
const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8'));
const topicWarmUps = new Map();
for (const [id, command] of Object.entries(manifest.commands).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
  const topic = id.split(':')[0];
  if (!existsSync(join(distDir, `wash-${topic}.cjs`))) continue;
  const steps = topicWarmUps.get(topic) ?? [];
  // (a command with strict: false would take the flag as an argument and run)
  if (command.strict !== false) steps.push({ argv: [...id.split(':'), '--no-such-flag'], exitCode: 2, stdout: '' });
  topicWarmUps.set(topic, steps);
}
for (const step of natsWarmUp) if (topicWarmUps.has(step.argv[0])) topicWarmUps.get(step.argv[0]).push(step);
const topicChild = `
const { loadBundle, writeCodeCache } = require(${JSON.stringify(join(root, 'bin', 'load-bundle.cjs'))});
const fs = require('node:fs');
const [topic, steps] = [process.argv[2], JSON.parse(process.argv[3])];
const loaded = loadBundle(${JSON.stringify(distDir)}, { name: 'wash-' + topic + '.cjs', useCache: false });
${captureStdout}
(async () => {
  for (const step of steps) {
    process.exitCode = undefined;
    const { result: done, out } = await captureStdout(() => loaded.exports.runDirect(step.argv, ${JSON.stringify(pathToFileURL(root).href)}));
    const code = process.exitCode ?? 0;
    if (done !== true || code !== step.exitCode || !out.includes(step.stdout)) {
      throw new Error('warm-up "wash ' + step.argv.join(' ') + '" returned ' + done + ', exited ' + code + ' (expected ' + step.exitCode + ') printing: ' + out.slice(0, 500));
    }
  }
  // What topic bundles leave out (cold-dependencies in scripts/bundle-cli.mjs: oclif's dependencies and the oclif
  // files a direct run does not use) must stay unused by direct runs: none of it may have been loaded.
  const cold = JSON.parse(fs.readFileSync(${JSON.stringify(join(distDir, 'cold-modules.json'))}, 'utf8'));
  const loadedCold = Object.keys(require.cache).filter((f) =>
    ['@oclif/core', ...cold.packages].some((p) => f.includes('/node_modules/' + p + '/')));
  if (loadedCold.length > 0)
    throw new Error('wash-' + topic + '.cjs: a direct run loaded ' + loadedCold.join(', ') + ', which scripts/bundle-cli.mjs leaves out of topic bundles as unused (cold-dependencies): bundle it again');
  writeCodeCache(${JSON.stringify(distDir)}, loaded);
  process.exitCode = 0;
})().catch((err) => { console.error(err); process.exitCode = 70; });
`;

function childEnv() {
  const env = { ...process.env };
  for (const k of ['NODE_ENV', 'DEBUG', 'WASH_DEBUG']) delete env[k]; // they keep commands on oclif's own path
  return {
    ...env,
    NO_COLOR: '1',
    WASH_CONFIG_DIR: work,
    WASH_CACHE_DIR: work,
    WASH_DATA_DIR: work,
    XDG_CONFIG_HOME: work,
    XDG_CACHE_HOME: work,
    XDG_DATA_HOME: work,
  };
}

/** Runs a warm-up child (`node -e script ...args`); rejects unless it exits 0 having written `expectedFiles`. */
function warm(script, args, expectedFiles) {
  return new Promise((resolve, reject) => {
    // (a first argument `inspect` would start Node's debugger: '--' and a placeholder come first)
    const child = spawn(process.execPath, ['-e', script, '--', 'warm-up', ...args], {
      cwd: work,
      env: childEnv(),
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 60_000,
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (status, signal) => {
      if (status === 0 && expectedFiles.every((f) => existsSync(f))) return resolve();
      reject(
        new Error(
          `code cache warm-up ${args.join(' ')} failed (exit ${status}${signal ? `, ${signal}` : ''}):\n${stderr}`,
        ),
      );
    });
  });
}

const topicCacheFiles = [...topicWarmUps.keys()].map((t) => join(distDir, `wash-${t}.cjs.cache`));
try {
  for (const f of [cacheFile, validateCacheFile, natsCacheFile, ...topicCacheFiles]) rmSync(f, { force: true });
  const jobs = [
    () => warm(child, [], [cacheFile, validateCacheFile]),
    () => warm(child, ['nats'], [natsCacheFile]),
    ...[...topicWarmUps].map(
      ([topic, steps]) =>
        () =>
          warm(topicChild, [topic, JSON.stringify(steps)], [join(distDir, `wash-${topic}.cjs.cache`)]),
    ),
  ];
  // Two at a time (the machine may be shared).
  await Promise.all(
    [0, 1].map(async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) await job();
    }),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (!process.argv.includes('--quiet')) {
  for (const f of [cacheFile, natsCacheFile, validateCacheFile, ...topicCacheFiles])
    console.log(`wrote ${f} (${Math.round(statSync(f).size / 1024)} KiB)`);
}
