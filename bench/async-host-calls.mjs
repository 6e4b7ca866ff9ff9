// How a synchronous guest call can wait on async host I/O: JSPI on the main thread vs the guest in a worker.
// Prints one JSON document. Both designs run the same core module: `run(n)` calls the import `h.get` n times.
//
//   jspi:   the import is `new WebAssembly.Suspending(async () => …)` and `run` is entered through
//           `WebAssembly.promising`; the guest stays on the main thread and is suspended while the host awaits.
//   worker: the guest runs in a worker thread; its import posts a request to the main thread and blocks in
//           Atomics.wait until the main thread (which did the async work) writes the answer and notifies —
//           the preview2-shim pattern, reversed.
//
// The host side answers from an already-settled promise, so the figures are the per-call overhead of each
// design, not I/O time. Reported: wall and CPU µs per call (CPU is process-wide: both threads).
//
//   node bench/async-host-calls.mjs     Knobs: BENCH_CALLS (20000), BENCH_ROUNDS (3)
// `bench()` gives bench/run.mjs its rows (quick: 2,000 calls, one round).
import { cpus, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { isMain, row, runScriptJson } from './lib/rows.mjs';

const CALLS = Number(process.env.BENCH_CALLS ?? 20000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const round1 = (x) => Math.round(x * 10) / 10;

// (func (export "run") (param $n i32) (result i32) — loop calling import h.get, summing the results)
const WAT = `(module
  (import "h" "get" (func $get (result i32)))
  (func (export "run") (param $n i32) (result i32) (local $acc i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $acc (i32.add (local.get $acc) (call $get)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))
    (local.get $acc)))`;

async function measure(fn) {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const result = await fn();
  const wall = performance.now() - t;
  const used = process.cpuUsage(cpu);
  if (result !== CALLS) throw new Error(`run returned ${result}, expected ${CALLS}`);
  return {
    wall_us_per_call: round1((wall * 1000) / CALLS),
    cpu_us_per_call: round1((used.user + used.system) / CALLS),
  };
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const cell = new Int32Array(workerData.sab);
const instance = new WebAssembly.Instance(new WebAssembly.Module(workerData.wasm), { h: { get: () => {
  Atomics.store(cell, 0, 0);
  parentPort.postMessage(0);
  Atomics.wait(cell, 0, 0);
  return Atomics.load(cell, 1);
} } });
parentPort.on('message', (n) => parentPort.postMessage({ done: instance.exports.run(n) }));
`;

async function main() {
  if (typeof WebAssembly.Suspending !== 'function')
    throw new Error(
      `this Node (${process.version}) has no JSPI; run with the project's Node (npm scripts / node_modules/.bin/node)`,
    );
  const { parse } = await import('@bytecodealliance/jco-transpile/wasm-tools');
  const wasm = await parse(WAT);
  const module = await WebAssembly.compile(wasm);

  const jspi = new WebAssembly.Instance(module, { h: { get: new WebAssembly.Suspending(async () => 1) } });
  const runJspi = WebAssembly.promising(jspi.exports.run);

  const sab = new SharedArrayBuffer(8);
  const cell = new Int32Array(sab);
  const worker = new Worker(WORKER, { eval: true, workerData: { sab, wasm } });
  let finish;
  worker.on('message', async (msg) => {
    if (typeof msg === 'object') return finish(msg.done);
    const value = await Promise.resolve(1); // the async host work
    Atomics.store(cell, 1, value);
    Atomics.store(cell, 0, 1);
    Atomics.notify(cell, 0);
  });
  const runWorker = (n) =>
    new Promise((resolve) => {
      finish = resolve;
      worker.postMessage(n);
    });

  const doc = {
    bench: 'async-host-calls',
    conditions: {
      calls: CALLS,
      rounds: ROUNDS,
      cpus: cpus().length,
      load_average: loadavg().map(round1),
      node: process.version,
      note: 'shared 2-core machine; noisy',
    },
    rounds: [],
  };
  await runJspi(1000);
  await runWorker(1000);
  for (let r = 0; r < ROUNDS; r++) {
    doc.rounds.push({ jspi: await measure(() => runJspi(CALLS)), worker: await measure(() => runWorker(CALLS)) });
  }
  await worker.terminate();
  const best = (k, f) => Math.min(...doc.rounds.map((x) => x[k][f]));
  doc.best = {
    jspi: { wall_us_per_call: best('jspi', 'wall_us_per_call'), cpu_us_per_call: best('jspi', 'cpu_us_per_call') },
    worker: {
      wall_us_per_call: best('worker', 'wall_us_per_call'),
      cpu_us_per_call: best('worker', 'cpu_us_per_call'),
    },
  };
  console.log(JSON.stringify(doc, null, 2));
}

/** Rows for bench/run.mjs: the design the host uses (JSPI) against the worker + Atomics.wait alternative. */
export async function bench({ quick = false } = {}) {
  const knobs = quick
    ? { BENCH_CALLS: process.env.BENCH_CALLS ?? '2000', BENCH_ROUNDS: process.env.BENCH_ROUNDS ?? '1' }
    : {};
  const doc = await runScriptJson(import.meta.url, knobs);
  const rows = [];
  for (const f of ['wall', 'cpu']) {
    rows.push(
      row({
        name: `synchronous guest → async host import, JSPI, per call (${f}, best round)`,
        value: doc.best.jspi[`${f}_us_per_call`],
        unit: 'µs',
        baseline: doc.best.worker[`${f}_us_per_call`],
        baselineName: 'guest in a worker, Atomics.wait per call',
      }),
    );
  }
  return { rows, details: doc };
}

if (await isMain(import.meta.url)) {
  await main().catch((err) => {
    console.log(JSON.stringify({ bench: 'async-host-calls', error: String(err?.stack ?? err) }));
    process.exitCode = 1;
  });
}
