// Shared pieces of the lattice benchmarks (bench/host-latency.mjs, bench/wadm-deploy.mjs): a private
// nats-server, `wash host` child processes, timed `wash` CLI calls, HTTP probes and a cleanup stack, all on
// the built dist/ and on 127.0.0.1 only. Nothing here touches the machine's own NATS (4222) or wash dirs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const washBin = join(root, 'bin', 'run.js');

export const median = (xs) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : undefined);
export const round1 = (x) => (x === undefined ? undefined : Math.round(x * 10) / 10);
export const nowMs = () => performance.timeOrigin + performance.now();
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const log = (bench, line) => process.stderr.write(`${bench}: ${line}\n`);
export const loadAverage = () => loadavg().map((x) => Math.round(x * 100) / 100);

/** min / median / max / samples of a list of milliseconds, rounded to 0.1 ms. */
export function stats(xs) {
  const ok = xs.filter((x) => typeof x === 'number');
  if (ok.length === 0) return { median_ms: undefined, runs: 0 };
  return {
    median_ms: round1(median(ok)),
    min_ms: round1(Math.min(...ok)),
    max_ms: round1(Math.max(...ok)),
    runs: ok.length,
    samples_ms: ok.map(round1),
  };
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Runs `npm run build` when dist/ is missing or older than src/ (the benchmarks drive the built CLI); BENCH_NO_BUILD=1 skips the check. */
export function ensureBuilt(bench) {
  if (process.env.BENCH_NO_BUILD === '1' && existsSync(join(root, 'dist', 'wash.cjs'))) return;
  const markers = [join(root, 'dist', 'wash.cjs'), join(root, 'dist', 'host', 'host.js')];
  const builtAt = markers.every((m) => existsSync(m)) ? Math.min(...markers.map((m) => statSync(m).mtimeMs)) : 0;
  if (builtAt >= newestMtime(join(root, 'src'))) return;
  log(bench, 'dist/ is missing or older than src/: npm run build…');
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 2, 2] }); // stdout stays the one JSON document
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status})`);
}

/** Things to stop, newest first; `close()` runs every one even when some fail. Also closes on SIGINT/SIGTERM. */
export class Cleanup {
  #stack = [];
  constructor() {
    const onSignal = (sig) => {
      void this.close().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  defer(fn) {
    this.#stack.push(fn);
    return fn;
  }
  /** Runs and forgets one deferred function (stopping a resource early). */
  async run(fn) {
    this.#stack = this.#stack.filter((f) => f !== fn);
    await fn();
  }
  async close() {
    while (this.#stack.length) {
      try {
        await this.#stack.pop()();
      } catch (err) {
        process.stderr.write(`cleanup: ${err?.message ?? err}\n`);
      }
    }
  }
}

export function tempDir(cleanup, prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanup.defer(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A private nats-server -js on a free 127.0.0.1 port with a temp store (stopped and removed by `cleanup`). */
export async function startPrivateNats(cleanup) {
  const { startNatsServer } = await import(join(root, 'dist', 'up', 'nats-server.js'));
  const storeDir = tempDir(cleanup, 'wash-bench-nats-');
  const nats = await startNatsServer({ storeDir, host: '127.0.0.1' });
  cleanup.defer(() => nats.stop());
  return nats;
}

export async function freePort() {
  const { freePort: free } = await import(join(root, 'dist', 'up', 'nats-server.js'));
  return free('127.0.0.1');
}

/** The environment for `wash` CLI calls: no ambient WASMCLOUD_ or WASH_ variables, this NATS port, a private HOME. */
export function washEnv(natsPort, home, extra = {}) {
  const env = { NO_COLOR: '1' };
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('WASMCLOUD_') && !k.startsWith('WASH_')) env[k] = v;
  return {
    ...env,
    HOME: home,
    WASH_CONFIG_DIR: join(home, 'config'),
    WASH_DATA_DIR: join(home, 'data'),
    WASH_CACHE_DIR: join(home, 'cache'),
    WASMCLOUD_CTL_PORT: String(natsPort),
    ...extra,
  };
}

/** Runs `wash <args>` to completion; `ms` is the wall time from spawn to exit. Throws on a non-zero exit unless `allowFail`. */
export function wash(args, env, { timeoutMs = 120_000, allowFail = false } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    const child = spawn(process.execPath, [washBin, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const ms = nowMs() - t0;
      let json;
      try {
        json = JSON.parse(code === 0 ? stdout : stderr || stdout);
      } catch {
        json = undefined;
      }
      if (code !== 0 && !allowFail)
        reject(new Error(`wash ${args.join(' ')} exited ${code ?? signal}: ${(stderr || stdout).slice(-1500)}`));
      else resolve({ ms, code, json, stdout, stderr, t0, t1: t0 + ms });
    });
  });
}

/** Median wall ms of running `wash <args>` `n` times in a row (process start-up figures). */
export async function washSeriesMs(args, env, n) {
  const t0 = nowMs();
  for (let i = 0; i < n; i++) await wash(args, env);
  return nowMs() - t0;
}

/**
 * `wash host -o json` as a child process; resolves once it printed its JSON document (joined the lattice).
 * `cacheDir` is its WASH_CACHE_DIR (transpiled components); `nodeArgs` go to node before the script.
 * Registered with `cleanup`; `stop()` ends it early.
 */
export async function startWashHost(
  cleanup,
  { natsUrl, lattice, cacheDir, env, args = [], nodeArgs = [], timeoutMs = 60_000 },
) {
  const child = spawn(
    process.execPath,
    [...nodeArgs, washBin, 'host', '-o', 'json', '--nats-url', natsUrl, '-x', lattice, '--allow-file-load', ...args],
    {
      cwd: root,
      env: { ...env, WASH_CACHE_DIR: cacheDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (err = (err + b).slice(-8000)));
  const exited = new Promise((r) => child.once('exit', (code, sig) => r(code ?? sig)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 8000);
    await exited;
    clearTimeout(t);
  };
  const deferred = cleanup.defer(stop);
  const doc = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`wash host did not join within ${timeoutMs} ms: ${err}`)),
      timeoutMs,
    );
    child.stdout.on('data', () => {
      try {
        const parsed = JSON.parse(out);
        clearTimeout(timer);
        resolve(parsed);
      } catch {
        /* not complete yet */
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`wash host exited (${code}) before joining: ${err}`));
    });
  });
  return { id: doc.host_id, pid: child.pid, child, stderr: () => err, stop: () => cleanup.run(deferred) };
}

/** VmRSS / VmHWM of a process in MiB, from /proc/<pid>/status. */
export function procMemoryMb(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/** One GET on a new connection: `{ status, body }`, or undefined on a connection error. */
export function httpGet(url, timeoutMs = 5000) {
  if (!url.startsWith('http://127.0.0.1:')) throw new Error(`refusing a non-loopback URL: ${url}`);
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** Polls every `intervalMs` until `accept(result)` (result undefined = connection error); resolves with the time it happened. */
export async function pollHttp(url, accept, { timeoutMs = 60_000, intervalMs = 10 } = {}) {
  const deadline = nowMs() + timeoutMs;
  let last;
  while (nowMs() < deadline) {
    last = await httpGet(url, 2000);
    if (accept(last)) return nowMs();
    await sleep(intervalMs);
  }
  throw new Error(`${url}: condition not met within ${timeoutMs} ms (last answer ${JSON.stringify(last)})`);
}

export const answers = (body) => (r) => r !== undefined && r.status === 200 && r.body === body;
export const refused = (r) => r === undefined;

/** Builds the componentize-js fixtures when missing (cached in test/fixtures/components/build/). */
export async function jsFixtures(bench) {
  const { ensureJsFixtures } = await import(join(root, 'scripts', 'build-fixtures.mjs'));
  return ensureJsFixtures({ log: (line) => log(bench, line) });
}

export async function watFixture(name) {
  const { watFixturePath } = await import(join(root, 'scripts', 'build-fixtures.mjs'));
  return watFixturePath(name);
}

/**
 * Runs `main(cleanup, doc)`, which fills `doc` as it goes, and prints `doc` as the one JSON document. When
 * `main` throws, what was measured so far is printed with an `error` field (exit 1). Cleanup always runs.
 */
export async function runBench(name, main) {
  const cleanup = new Cleanup();
  const doc = { bench: name };
  try {
    await main(cleanup, doc);
  } catch (err) {
    doc.error = String(err?.stack ?? err);
    process.exitCode = 1;
  } finally {
    await cleanup.close();
  }
  console.log(JSON.stringify(doc, null, 2));
}
