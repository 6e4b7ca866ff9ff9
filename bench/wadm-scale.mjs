// wadm engine scale: N apps × 2 components on H simulated hosts (a separate process), for N = 100, 1000, 5000.
// The apps are written to the manifest store as deployed, then an engine starts (a restarted wadm): measured
// are the time until every app reports `deployed`, the engine process's CPU time (process.cpuUsage) and its
// peak memory. Prints one JSON document. `node bench/wadm-scale.mjs [N...]`; BENCH_HOSTS overrides H.
// BENCH_IDLE_S=30 also measures the converged engine's CPU over that many seconds, with hosts heartbeating
// every 10 s (three times the usual rate), as `idle_cpu_percent`.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { row } from './lib/rows.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
let HOSTS = Number(process.env.BENCH_HOSTS ?? 10);
const LATTICE = 'bench';
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 0);
const HEARTBEAT_MS = 10_000;

async function bundleKit(dir) {
  const { build } = await import('esbuild');
  const outfile = join(dir, 'wadm-kit.mjs');
  await build({
    entryPoints: [join(here, 'lib', 'wadm-kit.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    target: 'node20',
    logLevel: 'error',
    absWorkingDir: root,
  });
  return outfile;
}

// ---------------------------------------------------------------------------------------------------------
// Child: the simulated hosts

async function runHosts(kitPath, url, count, heartbeatMs) {
  const kit = await import(kitPath);
  const nc = await kit.natsConnect(url);
  const shared = kit.createSimLattice();
  const hosts = [];
  for (let i = 0; i < count; i++)
    hosts.push(
      await kit.startSimHost(nc, {
        lattice: LATTICE,
        shared,
        labels: { zone: `z${i % 3}` },
        announce: false,
        heartbeatMs,
      }),
    );
  process.stdout.write('ready\n');
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'counts') {
      const totals = {};
      let components = 0;
      for (const h of hosts) {
        for (const [op, n] of Object.entries(h.counts)) totals[op] = (totals[op] ?? 0) + n;
        components += h.components().length;
      }
      process.stdout.write(JSON.stringify({ totals, components }) + '\n');
    }
    if (line === 'stop') break;
  }
  for (const h of hosts) await h.stop({ graceful: false });
  await nc.close();
  process.exit(0); // stdin stays open otherwise
}

// ---------------------------------------------------------------------------------------------------------
// Parent: store, engine, measurements

function manifest(i) {
  const name = `app${String(i).padStart(5, '0')}`;
  const component = (c) => ({
    name: `c${c}`,
    type: 'component',
    properties: { image: `ghcr.io/bench/${name}-c${c}:0.1.0` },
    traits: [{ type: 'spreadscaler', properties: { instances: 1, spread: [] } }],
  });
  return {
    apiVersion: 'core.oam.dev/v1beta1',
    kind: 'Application',
    metadata: { name, annotations: { version: 'v1' } },
    spec: { components: [component(0), component(1)] },
  };
}

function lines(child) {
  const rl = createInterface({ input: child.stdout });
  const queue = [];
  const waiters = [];
  rl.on('line', (l) => (waiters.length ? waiters.shift()(l) : queue.push(l)));
  return () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiters.push(r)));
}

async function runOne(kit, kitPath, apps) {
  const storeDir = mkdtempSync(join(tmpdir(), 'wash-bench-wadm-'));
  const nats = await kit.startNatsServer({ storeDir });
  const child = spawn(
    process.execPath,
    [
      fileURLToPath(import.meta.url),
      '--hosts-child',
      kitPath,
      nats.url,
      String(HOSTS),
      String(IDLE_S > 0 ? HEARTBEAT_MS : 0),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const next = lines(child);
  let engine;
  let nc;
  try {
    if ((await next()) !== 'ready') throw new Error('simulated hosts did not start');
    // As `wash wadm` connects: no async stack traces (an Error per request otherwise).
    nc = await kit.natsConnect(nats.url, {}, { noAsyncTraces: true });
    const kv = await kit.openManifestBucket(nc);
    const names = [];
    for (let i = 0; i < apps; i += 200) {
      await Promise.all(
        Array.from({ length: Math.min(200, apps - i) }, (_, k) => {
          const m = manifest(i + k);
          names.push(m.metadata.name);
          return kv.put(
            `${LATTICE}-${m.metadata.name}`,
            kit.encodeAppRecord({
              versions: [{ version: 'v1', manifest: m }],
              deployed_version: 'v1',
              deploy_history: [],
            }),
          );
        }),
      );
    }
    await kv.put(LATTICE, kit.encodeIndex(names));

    global.gc?.();
    const baseline = process.memoryUsage();
    let peakRss = baseline.rss;
    let peakHeap = baseline.heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 50);
    const deployed = new Set();
    let commands = 0;
    let statusUpdates = 0;
    let done;
    const converged = new Promise((r) => (done = r));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    engine = kit.startEngine(nc, {
      lattice: LATTICE,
      leaseTtlMs: Number(process.env.BENCH_LEASE_TTL_MS ?? 6_000),
      pingWindowMs: 500,
      heartbeatIntervalMs: IDLE_S > 0 ? HEARTBEAT_MS : 30_000,
      ...(process.env.BENCH_DEBUG
        ? { log: (level, message) => process.stderr.write(`[engine ${level}] ${message}\n`) }
        : {}),
      onCommand: () => {
        commands += 1;
      },
      onStatus: (app, status) => {
        statusUpdates += 1;
        if (status.status.type === 'deployed') deployed.add(app);
        else deployed.delete(app);
        if (deployed.size === apps) done();
      },
    });
    await engine.ready;
    const readyMs = performance.now() - t0;
    const timeout = setTimeout(() => done('timeout'), 300_000);
    const outcome = await converged;
    clearTimeout(timeout);
    const convergeMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    let idle;
    if (IDLE_S > 0 && outcome !== 'timeout') {
      const idle0 = process.cpuUsage();
      await new Promise((r) => setTimeout(r, IDLE_S * 1000));
      const used = process.cpuUsage(idle0);
      idle = +(((used.user + used.system) / 1e6 / IDLE_S) * 100).toFixed(2);
    }
    clearInterval(sampler);
    child.stdin.write('counts\n');
    const counts = JSON.parse(await next());
    return {
      apps,
      components: apps * 2,
      hosts: HOSTS,
      converged: outcome !== 'timeout',
      engine_ready_ms: Math.round(readyMs),
      time_to_converge_ms: Math.round(convergeMs),
      engine_cpu_user_s: +(cpu.user / 1e6).toFixed(2),
      engine_cpu_system_s: +(cpu.system / 1e6).toFixed(2),
      engine_cpu_s: +((cpu.user + cpu.system) / 1e6).toFixed(2),
      baseline_rss_mb: +(baseline.rss / 2 ** 20).toFixed(1),
      peak_rss_mb: +(peakRss / 2 ** 20).toFixed(1),
      peak_heap_used_mb: +(peakHeap / 2 ** 20).toFixed(1),
      commands_sent: commands,
      scale_requests_received: counts.totals['component.scale'] ?? 0,
      components_running: counts.components,
      status_updates: statusUpdates,
      ...(idle !== undefined ? { idle_cpu_percent: idle, idle_seconds: IDLE_S } : {}),
    };
  } finally {
    await engine?.close();
    child.stdin.write('stop\n');
    await new Promise((r) => child.once('exit', r));
    await nc?.close();
    await nats.stop();
    rmSync(storeDir, { recursive: true, force: true });
  }
}

/** Runs each [apps, hosts] size in turn with the bundled kit. */
async function measure(sizes) {
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'wash-bench-kit-'));
  try {
    const kitPath = await bundleKit(dir);
    const kit = await import(kitPath);
    const results = [];
    for (const [apps, hosts] of sizes) {
      HOSTS = hosts;
      process.stderr.write(`wadm-scale: ${apps} apps × 2 components on ${HOSTS} hosts…\n`);
      results.push(await runOne(kit, kitPath, apps));
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Rows for bench/run.mjs. Target (issue 13): 10,000 apps on 100 simulated hosts converge in ≤ 10 s. */
export async function bench({ quick = false } = {}) {
  const sizes = quick
    ? [[200, 10]]
    : [
        [1000, 10],
        [5000, 10],
        [10_000, 100],
      ];
  const results = await measure(sizes);
  const rows = [];
  for (const r of results) {
    const isTarget = r.apps === 10_000 && r.hosts === 100;
    rows.push(
      row({
        name: `${r.apps} apps × 2 components on ${r.hosts} simulated hosts → all deployed`,
        value: r.converged ? r.time_to_converge_ms / 1000 : null,
        unit: 's',
        ...(isTarget ? { target: { on: 'value', op: '<=', limit: 10 } } : {}),
        ...(r.converged ? {} : { note: 'did not converge within 300 s' }),
      }),
    );
    rows.push(row({ name: `${r.apps} apps on ${r.hosts} hosts: engine CPU`, value: r.engine_cpu_s, unit: 'CPU s' }));
    rows.push(
      row({
        name: `${r.apps} apps on ${r.hosts} hosts: engine peak RSS`,
        value: r.peak_rss_mb,
        unit: 'MB',
        baseline: r.baseline_rss_mb,
        baselineName: 'engine process before start',
      }),
    );
  }
  return { rows, details: { results } };
}

async function main() {
  if (process.argv[2] === '--hosts-child')
    return runHosts(process.argv[3], process.argv[4], Number(process.argv[5]), Number(process.argv[6]));
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  // Inside the repo so the bundle resolves packages from its node_modules.
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'wash-bench-kit-'));
  try {
    const kitPath = await bundleKit(dir);
    const kit = await import(kitPath);
    const results = [];
    for (const apps of sizes.length ? sizes : [100, 1000, 5000]) {
      process.stderr.write(`wadm-scale: ${apps} apps × 2 components on ${HOSTS} hosts…\n`);
      results.push(await runOne(kit, kitPath, apps));
    }
    console.log(JSON.stringify({ bench: 'wadm-scale', node: process.version, results }, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
