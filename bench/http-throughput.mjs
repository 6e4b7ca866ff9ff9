// HTTP throughput of the wash component runtime, against a bare node:http server answering the same bytes and
// against `jco serve` on the same components, all measured in the same run with the same load tool (wrk) and
// concurrency, on 127.0.0.1 only. Prints one JSON document.
//
// Needs wrk:   apt-get update && apt-get install -y wrk      (or: WASH_BENCH_DEPS=1 bash scripts/install-system-deps.sh)
// Runs:        node bench/http-throughput.mjs                (builds dist/ and the JS fixtures when missing)
// Knobs (env): BENCH_SECONDS (5) per measurement, BENCH_ROUNDS (3; medians are reported), BENCH_CONNECTIONS (10),
//              BENCH_TARGETS (comma-separated target names, default all; ratios need both of their targets).
//
// Targets: bare node; http-hello-v1 (a minimal WAT component) under jco serve and under wash; js-hello-fetch
// (componentize-js, FetchEvent style: one request per instance, so jco serve needs --isolate-requests instance)
// under both; js-config (componentize-js, reusable, imports wasi:config + wasi:logging, which jco serve cannot
// provide) under wash only.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { row } from './lib/rows.mjs';
import { probe, startServer, stopServer } from './lib/servers.mjs';
import { haveWrk, runWrk } from './lib/wrk.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let seconds = Number(process.env.BENCH_SECONDS ?? 5);
let rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const round2 = (x) => Math.round(x * 100) / 100;

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function ensureBuilt() {
  const built = join(root, 'dist', 'host', 'runtime', 'index.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newestMtime(join(root, 'src', 'host', 'runtime'))) return;
  process.stderr.write('http-throughput: building dist/ (tsc)…\n');
  spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (!existsSync(built)) throw new Error('dist/host/runtime/index.js is missing after tsc');
}

async function measure(target, port, cacheDir) {
  const url = `http://127.0.0.1:${port}/`;
  const args = target.server(port, cacheDir);
  const server = await startServer(args[0], args.slice(1), {
    cwd: root,
    isReady: async (output) =>
      (target.readyLine ? output.includes(target.readyLine) : false) || (await probe(url)) !== undefined,
  });
  try {
    const check = await probe(url);
    if (check !== `200 ${target.body}`)
      throw new Error(`${target.name} answered ${JSON.stringify(check)}, expected 200 ${JSON.stringify(target.body)}`);
    runWrk(url, { seconds: 1, connections }); // warm-up (JIT, pools), not counted
    const result = runWrk(url, { seconds, connections });
    if (result.non2xx > 0 || result.socketErrors > 0) result.note = 'errors during the run';
    return result;
  } finally {
    await stopServer(server.child);
  }
}

async function measureAll() {
  if (!haveWrk())
    return {
      bench: 'http-throughput',
      error: 'wrk is not installed',
      suggestion: 'apt-get update && apt-get install -y wrk',
    };
  ensureBuilt();
  const { ensureJsFixtures, watFixturePath } = await import('../scripts/build-fixtures.mjs');
  const js = await ensureJsFixtures({ log: (line) => process.stderr.write(`${line}\n`) });
  const minimal = watFixturePath('http-hello-v1');
  const jco = join(root, 'node_modules', '@bytecodealliance', 'jco', 'dist', 'jco.js');
  const jcoBin = existsSync(jco) ? jco : join(root, 'node_modules', '.bin', 'jco');
  const washServer = (wasm) => (port, cacheDir) => [
    process.execPath,
    join(root, 'bench', 'lib', 'http-bench-server.mjs'),
    'wash',
    String(port),
    wasm,
    cacheDir,
  ];
  const jcoServe =
    (wasm, extra = []) =>
    (port) => [process.execPath, jcoBin, 'serve', wasm, '--port', String(port), '--host', '127.0.0.1', ...extra];

  const allTargets = [
    {
      name: 'bare_node',
      body: 'hello from wash v1\n',
      readyLine: 'ready',
      server: (port) => [process.execPath, join(root, 'bench', 'lib', 'http-bench-server.mjs'), 'bare', String(port)],
    },
    { name: 'jco_serve_minimal', body: 'hello from wash v1\n', server: jcoServe(minimal) },
    { name: 'wash_minimal', body: 'hello from wash v1\n', readyLine: 'ready', server: washServer(minimal) },
    {
      name: 'jco_serve_js_fetch',
      body: 'hello from js-hello-fetch\n',
      server: jcoServe(js['js-hello-fetch'], ['--isolate-requests', 'instance']),
    },
    {
      name: 'wash_js_fetch',
      body: 'hello from js-hello-fetch\n',
      readyLine: 'ready',
      server: washServer(js['js-hello-fetch']),
    },
    { name: 'wash_js_config', body: 'hello from config\n', readyLine: 'ready', server: washServer(js['js-config']) },
  ];
  const only = process.env.BENCH_TARGETS?.split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const unknown = only?.filter((name) => !allTargets.some((t) => t.name === name)) ?? [];
  if (unknown.length > 0)
    throw new Error(`unknown BENCH_TARGETS ${unknown.join(', ')}; known: ${allTargets.map((t) => t.name).join(', ')}`);
  const targets = only ? allTargets.filter((t) => only.includes(t.name)) : allTargets;

  const cacheDir = mkdtempSync(join(tmpdir(), 'wash-bench-cache-'));
  const runs = Object.fromEntries(targets.map((t) => [t.name, []]));
  let port = 18900 + Math.floor(Math.random() * 500);
  try {
    for (let r = 0; r < rounds; r++) {
      for (const target of targets) {
        process.stderr.write(`http-throughput: round ${r + 1}/${rounds} ${target.name}…\n`);
        runs[target.name].push(await measure(target, port++, cacheDir));
      }
    }
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }

  // Other processes on the machine only ever slow a run down, so the best of the rounds is the closest estimate of
  // what the machine can do; ratios are also given per round (targets measured back to back) and their median.
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const summary = {};
  for (const [name, results] of Object.entries(runs)) {
    summary[name] = {
      rps_best: round2(Math.max(...results.map((x) => x.rps))),
      rps_median: round2(median(results.map((x) => x.rps))),
      rps_runs: results.map((x) => round2(x.rps)),
      p50_ms: round2(median(results.map((x) => x.p50Ms ?? 0))),
      p99_ms: round2(median(results.map((x) => x.p99Ms ?? 0))),
      errors: results.reduce((n, x) => n + x.non2xx + x.socketErrors, 0),
    };
  }
  const pairs = {
    wash_minimal_vs_bare_node: ['wash_minimal', 'bare_node'],
    wash_minimal_vs_jco_serve: ['wash_minimal', 'jco_serve_minimal'],
    wash_js_fetch_vs_jco_serve: ['wash_js_fetch', 'jco_serve_js_fetch'],
    wash_js_config_vs_jco_serve_js_fetch: ['wash_js_config', 'jco_serve_js_fetch'],
  };
  const ratios = {};
  const ratiosPerRound = {};
  for (const [key, [a, b]] of Object.entries(pairs)) {
    if (!summary[a] || !summary[b]) continue;
    ratios[key] = round2(summary[a].rps_best / summary[b].rps_best);
    ratiosPerRound[key] = runs[a].map((x, i) => round2(x.rps / runs[b][i].rps));
  }
  const ratiosMedianOfRounds = Object.fromEntries(Object.entries(ratiosPerRound).map(([k, xs]) => [k, median(xs)]));
  const goals = { wash_minimal_vs_bare_node: 0.5, wash_minimal_vs_jco_serve: 10, wash_js_fetch_vs_jco_serve: 10 };
  const meets = (r) => Object.entries(goals).every(([k, t]) => r[k] === undefined || r[k] >= t);
  return {
    bench: 'http-throughput',
    load_tool: `wrk -t1 -c${connections} -d${seconds}s`,
    rounds,
    cores: cpus().length,
    loadavg_at_end: loadavg().map(round2),
    results: summary,
    ratios_best: ratios,
    ratios_median_of_rounds: ratiosMedianOfRounds,
    ratios_per_round: ratiosPerRound,
    targets: goals,
    targets_checked: Object.keys(goals).filter((k) => ratios[k] !== undefined),
    meets_targets_best: meets(ratios),
    meets_targets_median_of_rounds: meets(ratiosMedianOfRounds),
  };
}

/** Rows for bench/run.mjs. Targets (issue 13): minimal component ≥ 0.5× bare node, FetchEvent JS ≥ 3k req/s, ≥ 10× jco serve. */
export async function bench({ quick = false } = {}) {
  if (quick) {
    seconds = Number(process.env.BENCH_SECONDS ?? 1);
    rounds = Number(process.env.BENCH_ROUNDS ?? 1);
  }
  const r = await measureAll();
  if (r.error) throw new Error(`${r.error}: ${r.suggestion}`);
  const rps = (name) => r.results[name]?.rps_best ?? null;
  const errors = (which) =>
    Object.entries(r.results)
      .filter(([name]) => which(name))
      .reduce((n, [, x]) => n + x.errors, 0);
  return {
    rows: [
      row({ name: 'bare node:http, same bytes', value: rps('bare_node'), unit: 'req/s' }),
      row({
        name: 'minimal WAT component (wash) vs bare node',
        value: rps('wash_minimal'),
        unit: 'req/s',
        baseline: rps('bare_node'),
        baselineName: 'bare node:http',
        target: { on: 'ratio', op: '>=', limit: 0.5 },
      }),
      row({
        name: 'minimal WAT component (wash) vs jco serve',
        value: rps('wash_minimal'),
        unit: 'req/s',
        baseline: rps('jco_serve_minimal'),
        baselineName: 'jco serve',
        target: { on: 'ratio', op: '>=', limit: 10 },
      }),
      row({
        name: 'FetchEvent JS component (wash)',
        value: rps('wash_js_fetch'),
        unit: 'req/s',
        baseline: rps('jco_serve_js_fetch'),
        baselineName: 'jco serve --isolate-requests instance',
        target: { on: 'value', op: '>=', limit: 3000 },
      }),
      row({
        name: 'FetchEvent JS component (wash) vs jco serve',
        value: rps('wash_js_fetch'),
        unit: 'req/s',
        baseline: rps('jco_serve_js_fetch'),
        baselineName: 'jco serve --isolate-requests instance',
        target: { on: 'ratio', op: '>=', limit: 10 },
      }),
      row({
        name: 'reusable JS component with wasi:config (wash)',
        value: rps('wash_js_config'),
        unit: 'req/s',
        baseline: rps('bare_node'),
        baselineName: 'bare node:http',
      }),
      row({
        name: 'HTTP errors served by wash (all wash targets)',
        value: errors((name) => name.startsWith('wash_')),
        unit: 'requests',
        target: { on: 'value', op: '<=', limit: 0 },
      }),
      row({
        name: 'HTTP errors of the baselines (bare node, jco serve; not wash)',
        value: errors((name) => !name.startsWith('wash_')),
        unit: 'requests',
        note: 'jco serve --isolate-requests instance fails requests under load; this is the baseline, not wash',
      }),
    ],
    details: r,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await measureAll();
  console.log(JSON.stringify(r, null, 2));
  if (r.error) process.exitCode = 1;
}
