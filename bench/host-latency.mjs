// The wash host as a user drives it, through the built CLI against a private nats-server on 127.0.0.1.
// Prints one JSON document with three measurements:
//
// 1. start → first HTTP 200: `wash start component` + `wash start provider` (built-in http-server) +
//    `wash link put`, then polling the linked address until it answers 200 with the component's body. Median
//    over BENCH_RUNS runs (default 5), each on a fresh `wash host` process, for the minimal WAT component and a
//    componentize-js component (js-hello-fetch), warm (transpile cache already populated) and cold (empty
//    WASH_CACHE_DIR). Baselines from the same run: the three CLI processes' start-up alone (`wash --version`
//    ×3, and the same three commands with `--help` ×3, which load the whole CLI but open no connection).
// 2. zero-downtime update: keep-alive load (BENCH_UPDATE_CONNECTIONS, default 10) while `wash update component`
//    flips v1 ↔ v2 (BENCH_UPDATE_ROUNDS, default 4); the load runs from 1.5 s before the update until 1.5 s
//    after the new body was first seen (at most BENCH_UPDATE_SECONDS, default 30); counts failed requests
//    (non-200, connection error or unexpected body) and the time until every response carries the new body.
// 3. memory: the host's VmRSS with no component, then with N running copies (distinct ids, each linked on its
//    own port and requested once) for N in BENCH_MEMORY_COUNTS (default 1,5,10), per component kind; the host
//    runs with bench/lib/host-gc-probe.cjs preloaded so readings follow full GCs, repeated until RSS is steady.
//
//   node bench/host-latency.mjs [start] [update] [memory]      (default: all three)
import { mkdtempSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import {
  answers,
  ensureBuilt,
  freePort,
  httpGet,
  jsFixtures,
  loadAverage,
  log as logTo,
  median,
  nowMs,
  pollHttp,
  procMemoryMb,
  root,
  round1,
  runBench,
  sleep,
  startPrivateNats,
  startWashHost,
  stats,
  tempDir,
  wash,
  washEnv,
  washSeriesMs,
  watFixture,
} from './lib/lattice-kit.mjs';
import { isMain, row, runScriptJson } from './lib/rows.mjs';

const BENCH = 'host-latency';
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const UPDATE_ROUNDS = Number(process.env.BENCH_UPDATE_ROUNDS ?? 4);
const UPDATE_SECONDS = Number(process.env.BENCH_UPDATE_SECONDS ?? 30);
const UPDATE_AT_MS = 1500;
const LOAD_AFTER_SWITCH_MS = 1500;
const UPDATE_CONNECTIONS = Number(process.env.BENCH_UPDATE_CONNECTIONS ?? 10);
const MEMORY_COUNTS = (process.env.BENCH_MEMORY_COUNTS ?? '1,5,10')
  .split(',')
  .map(Number)
  .filter((n) => n > 0)
  .sort((a, b) => a - b);
const SETTLE_MS = 1000;
const STEADY_READINGS = 8;
const log = (line) => logTo(BENCH, line);

/**
 * Every wait scales with the machine's load (1-minute load average per core, at least 1, at most 10; times
 * BENCH_TIMEOUT_SCALE when set): a busy machine makes the figures slower, never the run wrong.
 */
function waitScale() {
  const perCore = loadavg()[0] / cpus().length;
  return Math.min(10, Math.max(1, perCore)) * (Number(process.env.BENCH_TIMEOUT_SCALE) || 1);
}
const scaled = (ms) => Math.round(ms * waitScale());

/** Runs one step; a failure names the step, how long it ran, the load and the waits it was given. */
async function step(label, fn) {
  const t0 = nowMs();
  try {
    return await fn();
  } catch (err) {
    const [one] = loadavg();
    throw new Error(
      `${label} failed after ${Math.round(nowMs() - t0)} ms (load average ${one.toFixed(1)} on ${cpus().length} cores, waits scaled ×${waitScale().toFixed(1)}): ${err?.message ?? err}` +
        ' — on a busy machine raise BENCH_TIMEOUT_SCALE (e.g. 3) or run the bench when the machine is quieter',
      { cause: err },
    );
  }
}

/** `wash start component` with a wait for component_scaled that scales with load (a cold JS transpile is slow). */
function startComponent(w, ref, id) {
  const waitMs = scaled(30_000);
  return w('start', 'component', ref, id, '-t', String(waitMs));
}

/** Everything a measurement needs: NATS, the CLI environment, the shared (warm) transpile cache, the components. */
async function setUp(cleanup) {
  ensureBuilt(BENCH);
  const js = await jsFixtures(BENCH);
  const nats = await startPrivateNats(cleanup);
  const home = tempDir(cleanup, 'wash-bench-home-');
  const kinds = {
    minimal: { ref: pathToFileURL(await watFixture('http-hello-v1')).href, body: 'hello from wash v1\n' },
    js: { ref: pathToFileURL(js['js-hello-fetch']).href, body: 'hello from js-hello-fetch\n' },
  };
  return {
    cleanup,
    nats,
    env: washEnv(nats.port, home),
    warmCache: tempDir(cleanup, 'wash-bench-warm-cache-'),
    kinds,
    lattices: 0,
  };
}

const cli =
  (ctx, lattice) =>
  (...args) =>
    step(`wash ${args.slice(0, 2).join(' ')} (lattice ${lattice})`, () =>
      wash([...args, '-o', 'json', '-x', lattice], ctx.env, { timeoutMs: scaled(120_000) }),
    );

// ---------------------------------------------------------------------------------------------------------
// 1. start component + start provider + link put → first 200

async function startToFirst200(ctx, kindName, cache) {
  const kind = ctx.kinds[kindName];
  const lattice = `start-${kindName}-${cache}-${ctx.lattices++}`;
  const coldCache = cache === 'cold' ? mkdtempSync(join(tmpdir(), 'wash-bench-cold-cache-')) : undefined;
  const host = await startWashHost(ctx.cleanup, {
    natsUrl: ctx.nats.url,
    lattice,
    cacheDir: coldCache ?? ctx.warmCache,
    env: ctx.env,
    timeoutMs: scaled(60_000),
  });
  try {
    const w = cli(ctx, lattice);
    const port = await freePort();
    await w('config', 'put', 'listen', `address=127.0.0.1:${port}`);
    const t0 = nowMs();
    const component = await startComponent(w, kind.ref, 'bench');
    const provider = await w('start', 'provider', 'wasmcloud+builtin://http-server', 'http-server');
    const link = await w(
      'link',
      'put',
      'http-server',
      'bench',
      'wasi',
      'http',
      '--interface',
      'incoming-handler',
      '--source-config',
      'listen',
    );
    const first200 = await step(`first 200 from the ${kindName} component (${cache} cache)`, () =>
      pollHttp(`http://127.0.0.1:${port}/`, answers(kind.body), { timeoutMs: scaled(60_000), intervalMs: 5 }),
    );
    return {
      total: first200 - t0,
      start_component: component.ms,
      start_provider: provider.ms,
      link_put: link.ms,
      link_to_200: first200 - link.t1,
    };
  } finally {
    await host.stop();
    if (coldCache) rmSync(coldCache, { recursive: true, force: true });
  }
}

/** The CLI's own process start-up for three calls: the `--version` fast path, and the same commands with `--help`. */
async function cliBaseline(ctx) {
  const version = await washSeriesMs(['--version'], ctx.env, 3);
  const t0 = nowMs();
  for (const cmd of [
    ['start', 'component'],
    ['start', 'provider'],
    ['link', 'put'],
  ])
    await wash([...cmd, '--help'], ctx.env);
  return { version_x3: version, help_x3: nowMs() - t0 };
}

async function measureStart(ctx) {
  const variants = [
    ['minimal', 'warm'],
    ['minimal', 'cold'],
    ['js', 'warm'],
    ['js', 'cold'],
  ];
  log('warm-up (populates the warm transpile cache)…');
  await startToFirst200(ctx, 'minimal', 'warm');
  await startToFirst200(ctx, 'js', 'warm');
  const samples = Object.fromEntries(variants.map(([k, c]) => [`${k}_${c}`, []]));
  const baseline = [];
  const failures = [];
  // Variants interleaved per round, so load from other work on the machine spreads over all of them.
  for (let r = 0; r < RUNS; r++) {
    baseline.push(await cliBaseline(ctx));
    for (const [kind, cache] of variants) {
      log(`start → 200: round ${r + 1}/${RUNS} ${kind} ${cache}…`);
      try {
        samples[`${kind}_${cache}`].push(await startToFirst200(ctx, kind, cache));
      } catch (err) {
        // One failed run is reported and leaves the others standing; the medians are over the runs that completed.
        log(`start → 200: round ${r + 1} ${kind} ${cache} failed: ${err?.message ?? err}`);
        failures.push({ round: r + 1, variant: `${kind}_${cache}`, error: String(err?.message ?? err) });
      }
    }
  }
  const cliStartup = {
    version_x3: stats(baseline.map((b) => b.version_x3)),
    help_x3: stats(baseline.map((b) => b.help_x3)),
  };
  const results = {};
  const ratios = {};
  for (const [name, runs] of Object.entries(samples)) {
    if (runs.length === 0) {
      results[name] = { error: `no run completed (${failures.filter((f) => f.variant === name).length} failed)` };
      continue;
    }
    const stepMs = (key) => round1(median(runs.map((x) => x[key])));
    results[name] = {
      total: stats(runs.map((x) => x.total)),
      median_step_ms: {
        start_component: stepMs('start_component'),
        start_provider: stepMs('start_provider'),
        link_put: stepMs('link_put'),
        link_to_200: stepMs('link_to_200'),
      },
    };
    const total = results[name].total.median_ms;
    ratios[name] = {
      total_vs_cli_startup_help_x3: round1(total / cliStartup.help_x3.median_ms),
      cli_startup_share_of_total: Math.round((cliStartup.help_x3.median_ms / total) * 100) / 100,
      total_minus_cli_startup_ms: round1(total - cliStartup.help_x3.median_ms),
    };
  }
  const ratio = (a, b) => {
    const x = results[a].total?.median_ms;
    const y = results[b].total?.median_ms;
    return x !== undefined && y !== undefined ? round1(x / y) : undefined;
  };
  ratios.js_vs_minimal_warm = ratio('js_warm', 'minimal_warm');
  ratios.cold_vs_warm_minimal = ratio('minimal_cold', 'minimal_warm');
  ratios.cold_vs_warm_js = ratio('js_cold', 'js_warm');
  return {
    what: 'wall ms from spawning `wash start component` to the first 200 with the expected body; start component, start provider and link put run one after another, each a new CLI process; fresh host process per run',
    runs: RUNS,
    cli_startup_baseline: cliStartup,
    results,
    ratios,
    failed_runs: failures,
  };
}

// ---------------------------------------------------------------------------------------------------------
// 2. zero-downtime update under load

/**
 * Runs the load child; `during(started)` runs once the load began, and the load is told to stop when it
 * resolves. Resolves with the load's document after both ended (the child's own time limit is the backstop).
 */
async function runLoad(url, seconds, during) {
  const child = spawn(
    process.execPath,
    [join(root, 'bench', 'lib', 'http-load.mjs'), url, String(UPDATE_CONNECTIONS), String(seconds)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const docs = [];
  let onStarted;
  const started = new Promise((r) => (onStarted = r));
  createInterface({ input: child.stdout }).on('line', (line) => {
    docs.push(JSON.parse(line));
    if (docs.length === 1) onStarted(docs[0].started);
  });
  const closed = new Promise((r) => child.once('close', r)); // after stdout is drained
  try {
    const t = await Promise.race([started, closed.then(() => undefined)]);
    if (t === undefined) throw new Error('load generator exited before starting');
    await during(t);
    child.stdin.end('stop\n');
    await closed;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  if (docs.length < 2) throw new Error(`load generator exited (${child.exitCode}) without a result`);
  return docs[1];
}

/** Reads a load run around one update (times relative to the start of `wash update component`). */
function analyseUpdate(load, update, oldBody, newBody) {
  const u0 = update.t0 - load.started;
  const oldIdx = load.bodies.indexOf(oldBody);
  const newIdx = load.bodies.indexOf(newBody);
  const failed = (r) => r[2] !== 200 || (r[3] !== oldIdx && r[3] !== newIdx);
  let firstNew = Infinity;
  let lastOld = -Infinity;
  let lastRecordEnd = -Infinity;
  for (const [, end, status, body] of load.records) {
    lastRecordEnd = Math.max(lastRecordEnd, end);
    if (status === 200 && body === newIdx) firstNew = Math.min(firstNew, end);
    if (status === 200 && body === oldIdx) lastOld = Math.max(lastOld, end);
  }
  const switched = firstNew < Infinity && lastOld < lastRecordEnd - LOAD_AFTER_SWITCH_MS / 2; // no old answer near the end
  const windowEnd = Math.max(update.t1 - load.started, lastOld);
  const inWindow = load.records.filter((r) => r[1] >= u0 && r[0] <= windowEnd);
  const seconds = (load.ended - load.started) / 1000;
  return {
    requests: load.requests,
    rps: Math.round(load.requests / seconds),
    failed_total: load.records.filter(failed).length,
    failed_in_update_window: inWindow.filter(failed).length,
    requests_in_update_window: inWindow.length,
    wash_update_cli_ms: round1(update.ms),
    first_new_body_ms: firstNew < Infinity ? round1(firstNew - u0) : undefined,
    all_new_body_ms: switched ? round1(Math.max(lastOld, u0) - u0) : undefined,
    all_new_after_cli_exit_ms: switched ? round1(Math.max(lastOld, u0) - (update.t1 - load.started)) : undefined,
    switched,
    other_bodies: load.bodies.filter((b) => b !== oldBody && b !== newBody).slice(0, 3),
  };
}

async function measureUpdate(ctx) {
  const lattice = `update-${ctx.lattices++}`;
  const host = await startWashHost(ctx.cleanup, {
    natsUrl: ctx.nats.url,
    lattice,
    cacheDir: ctx.warmCache,
    env: ctx.env,
    timeoutMs: scaled(60_000),
  });
  try {
    const w = cli(ctx, lattice);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/`;
    const versions = [
      { ref: pathToFileURL(await watFixture('http-hello-v1')).href, body: 'hello from wash v1\n' },
      { ref: pathToFileURL(await watFixture('http-hello-v2')).href, body: 'hello from wash v2\n' },
    ];
    await w('config', 'put', 'listen', `address=127.0.0.1:${port}`);
    await startComponent(w, versions[0].ref, 'hello');
    await w('start', 'provider', 'wasmcloud+builtin://http-server', 'http-server');
    await w(
      'link',
      'put',
      'http-server',
      'hello',
      'wasi',
      'http',
      '--interface',
      'incoming-handler',
      '--source-config',
      'listen',
    );
    await step('first 200 before the updates', () =>
      pollHttp(url, answers(versions[0].body), { timeoutMs: scaled(60_000) }),
    );
    const rounds = [];
    for (let r = 0; r < UPDATE_ROUNDS; r++) {
      const from = versions[r % 2];
      const to = versions[(r + 1) % 2];
      log(`update round ${r + 1}/${UPDATE_ROUNDS}: ${from.body.trim()} → ${to.body.trim()} under load…`);
      let update;
      const load = await runLoad(url, Math.round(UPDATE_SECONDS * waitScale()), async (started) => {
        await sleep(Math.max(0, started + UPDATE_AT_MS - nowMs()));
        update = await w('update', 'component', 'hello', to.ref, '--host-id', host.id);
        await step(`the new body after \`wash update component\` (round ${r + 1})`, () =>
          pollHttp(url, answers(to.body), { timeoutMs: scaled(UPDATE_SECONDS * 1000), intervalMs: 20 }),
        );
        await sleep(LOAD_AFTER_SWITCH_MS);
      });
      rounds.push({
        from: from.body.trim(),
        to: to.body.trim(),
        first_time_this_ref: r === 0,
        ...analyseUpdate(load, update, from.body, to.body),
      });
    }
    const failed = rounds.reduce((n, x) => n + x.failed_total, 0);
    return {
      what: `keep-alive GET load (${UPDATE_CONNECTIONS} connections, Node client in its own process) from ${UPDATE_AT_MS} ms before \`wash update component --host-id\` until ${LOAD_AFTER_SWITCH_MS} ms after the new body was seen; failed = non-200, connection error or unexpected body; times are from the start of that CLI call (which competes for the 2 cores with the host and the load)`,
      rounds,
      failed_requests_total: failed,
      failed_requests_in_update_windows: rounds.reduce((n, x) => n + x.failed_in_update_window, 0),
      all_rounds_switched: rounds.every((x) => x.switched),
      // The first round loads a version the host never saw (transpile + compile); later rounds reuse it.
      first_round_all_new_body_ms: rounds[0]?.all_new_body_ms,
      median_all_new_body_ms_later_rounds: round1(
        median(
          rounds
            .slice(1)
            .map((x) => x.all_new_body_ms)
            .filter((x) => x !== undefined),
        ),
      ),
      median_wash_update_cli_ms: round1(median(rounds.map((x) => x.wash_update_cli_ms))),
      target_failed_requests: 0,
      meets_target: failed === 0 && rounds.every((x) => x.switched),
    };
  } finally {
    await host.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------
// 3. memory per running component

const GC_PROBE = ['--expose-gc', '--require', join(root, 'bench', 'lib', 'host-gc-probe.cjs')];

/** Two full GCs inside the host (SIGUSR2 → bench/lib/host-gc-probe.cjs); resolves with its process.memoryUsage(). */
async function collectGarbage(host) {
  host.gcSignals = (host.gcSignals ?? 0) + 1;
  const marker = `bench-memory ${host.gcSignals} `;
  process.kill(host.pid, 'SIGUSR2');
  const deadline = nowMs() + scaled(10_000);
  let line;
  while (
    !(line = host
      .stderr()
      .split('\n')
      .find((l) => l.startsWith(marker))) &&
    nowMs() < deadline
  )
    await sleep(50);
  if (!line) throw new Error('the host did not report its memory after SIGUSR2 (gc probe not loaded?)');
  return JSON.parse(line.slice(marker.length));
}

/**
 * Memory of the host once it is steady: GC + VmRSS every second until STEADY_READINGS readings in a row lie
 * within 0.5 MB (at most 40 rounds). V8 gives pages back on its own timers, 5–15 s after a burst of work
 * (measured: a fresh host drops from 82 to 68 MB about 6 s after its first forced GC), so a reading right
 * after a GC is not enough.
 */
async function settledMemory(host) {
  const readings = [];
  let usage;
  for (let i = 0; i < 40; i++) {
    await sleep(SETTLE_MS);
    usage = await collectGarbage(host);
    await sleep(100);
    readings.push(procMemoryMb(host.pid).rss);
    const last = readings.slice(-STEADY_READINGS);
    if (last.length === STEADY_READINGS && Math.max(...last) - Math.min(...last) < 0.5) break;
  }
  const mb = (bytes) => bytes / 2 ** 20;
  return {
    rss: readings[readings.length - 1],
    heapUsed: mb(usage.heapUsed),
    external: mb(usage.external),
    arrayBuffers: mb(usage.arrayBuffers),
    seconds: readings.length,
  };
}

async function measureMemory(ctx, kindName) {
  const kind = ctx.kinds[kindName];
  const lattice = `memory-${kindName}-${ctx.lattices++}`;
  const host = await startWashHost(ctx.cleanup, {
    natsUrl: ctx.nats.url,
    lattice,
    cacheDir: ctx.warmCache,
    env: ctx.env,
    timeoutMs: scaled(60_000),
    nodeArgs: GC_PROBE,
  });
  try {
    const w = cli(ctx, lattice);
    const idle = await settledMemory(host);
    await w('start', 'provider', 'wasmcloud+builtin://http-server', 'http-server');
    const base = await settledMemory(host);
    const urls = [];
    const steps = [];
    for (const n of MEMORY_COUNTS) {
      log(`memory: ${kindName} × ${n}…`);
      while (urls.length < n) {
        const i = urls.length;
        const port = await freePort();
        await w('config', 'put', `listen-${i}`, `address=127.0.0.1:${port}`);
        await startComponent(w, kind.ref, `c${i}`);
        await w(
          'link',
          'put',
          'http-server',
          `c${i}`,
          'wasi',
          'http',
          '--interface',
          'incoming-handler',
          '--source-config',
          `listen-${i}`,
          '--link-name',
          `c${i}`,
        );
        urls.push(`http://127.0.0.1:${port}/`);
        await step(`first 200 from ${kindName} copy ${i + 1}`, () =>
          pollHttp(urls[i], answers(kind.body), { timeoutMs: scaled(60_000) }),
        );
      }
      for (const url of urls) if (!answers(kind.body)(await httpGet(url))) throw new Error(`${url} stopped answering`);
      const m = await settledMemory(host);
      steps.push({
        components: n,
        rss_mb: round1(m.rss),
        mb_per_component: round1((m.rss - base.rss) / n),
        heap_used_mb: round1(m.heapUsed),
        external_mb: round1(m.external),
        array_buffers_mb: round1(m.arrayBuffers),
        settle_s: m.seconds,
      });
    }
    const first = steps[0];
    const last = steps[steps.length - 1];
    return {
      host_idle: { rss_mb: round1(idle.rss), heap_used_mb: round1(idle.heapUsed), external_mb: round1(idle.external) },
      host_with_http_server: {
        rss_mb: round1(base.rss),
        heap_used_mb: round1(base.heapUsed),
        external_mb: round1(base.external),
      },
      steps,
      marginal_mb_per_component:
        last.components > first.components
          ? round1((last.rss_mb - first.rss_mb) / (last.components - first.components))
          : undefined,
      host_peak_rss_mb: round1(procMemoryMb(host.pid).hwm),
    };
  } finally {
    await host.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------

/** Rows for bench/run.mjs (runs this script in its own process; quick: one run, one update round, one copy). */
export async function bench({ quick = false } = {}) {
  const knobs = quick ? { BENCH_RUNS: '1', BENCH_UPDATE_ROUNDS: '2', BENCH_MEMORY_COUNTS: '1,2' } : {};
  const doc = await runScriptJson(import.meta.url, {
    ...knobs,
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_'))),
  });
  const s = doc.start_to_first_200;
  const help3 = s?.cli_startup_baseline?.help_x3?.median_ms ?? null;
  const helpName = 'the 3 CLI commands --help (start-up only)';
  const rows = [];
  for (const [key, label] of [
    ['minimal_warm', 'minimal component, warm cache'],
    ['minimal_cold', 'minimal component, cold cache'],
    ['js_warm', 'FetchEvent JS component, warm cache'],
    ['js_cold', 'FetchEvent JS component, cold cache'],
  ]) {
    if (s?.results?.[key]?.total)
      rows.push(
        row({
          name: `start component + provider + link → first 200 (${label})`,
          value: s.results[key].total.median_ms,
          unit: 'ms',
          baseline: help3,
          baselineName: helpName,
        }),
      );
  }
  const u = doc.zero_downtime_update;
  if (u) {
    rows.push(
      row({
        name: 'zero-downtime update under load: failed requests',
        value: u.failed_requests_total,
        unit: 'requests',
        target: { on: 'value', op: '<=', limit: 0 },
      }),
    );
    rows.push(
      row({
        name: 'update: `wash update component` → every response new',
        value: u.median_all_new_body_ms_later_rounds ?? u.first_round_all_new_body_ms,
        unit: 'ms',
        baseline: u.median_wash_update_cli_ms,
        baselineName: '`wash update component` CLI exit',
      }),
    );
  }
  for (const kind of ['minimal', 'js']) {
    const m = doc.memory_per_component?.[kind];
    if (m)
      rows.push(
        row({
          name: `memory per extra ${kind === 'js' ? 'FetchEvent JS' : 'minimal'} component`,
          value: m.marginal_mb_per_component,
          unit: 'MB',
          baseline: m.host_with_http_server?.rss_mb,
          baselineName: 'host RSS with http-server, no component',
        }),
      );
  }
  const failures = [
    ['start → first 200', s?.error],
    ['zero-downtime update', u?.error],
    ['memory per minimal component', doc.memory_per_component?.minimal?.error],
    ['memory per FetchEvent JS component', doc.memory_per_component?.js?.error],
  ];
  for (const [name, error] of failures)
    if (error) rows.push(row({ name: `${name}: did not complete`, value: null, unit: '', note: error.slice(0, 400) }));
  return { rows, details: doc };
}

if (await isMain(import.meta.url))
  await runBench(BENCH, async (cleanup, doc) => {
    const wanted = new Set(process.argv.slice(2).length ? process.argv.slice(2) : ['start', 'update', 'memory']);
    Object.assign(doc, { node: process.version, cores: cpus().length, loadavg_at_start: loadAverage() });
    const ctx = await setUp(cleanup);
    // A section that fails records its error and the others still run (one slow step must not cost the report).
    const section = async (name, fn) => {
      try {
        return await fn();
      } catch (err) {
        log(`${name} failed: ${err?.message ?? err}`);
        return { error: String(err?.message ?? err) };
      }
    };
    if (wanted.has('start')) doc.start_to_first_200 = await section('start', () => measureStart(ctx));
    else if (wanted.has('memory') || wanted.has('update')) {
      log('warm-up (populates the warm transpile cache)…');
      await startToFirst200(ctx, 'minimal', 'warm');
      await startToFirst200(ctx, 'js', 'warm');
    }
    if (wanted.has('update')) doc.zero_downtime_update = await section('update', () => measureUpdate(ctx));
    if (wanted.has('memory')) {
      doc.memory_per_component = {
        what: `VmRSS of the wash host process once steady (two full GCs in the host every second until ${STEADY_READINGS} readings in a row lie within 0.5 MB; heap/external from its process.memoryUsage()): idle, with the http-server provider, then with N copies of one component (distinct ids, own port each, every one answered a request); mb_per_component = (rss − with_http_server) / N; copies share the compiled code, so marginal_mb_per_component (slope between the smallest and largest N) is the per-instance cost`,
      };
      doc.memory_per_component.minimal = await section('memory minimal', () => measureMemory(ctx, 'minimal'));
      doc.memory_per_component.js = await section('memory js', () => measureMemory(ctx, 'js'));
    }
    doc.loadavg_at_end = loadAverage();
  });
