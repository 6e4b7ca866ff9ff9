// wRPC round trips over a private nats-server on 127.0.0.1, with a real provider process (wash's TypeScript
// provider SDK, test/fixtures/providers/calc-logger.mjs) started by a wash host through provider.start file://.
// Prints one JSON document; latencies in µs (median, p99), throughput in calls/s. Measured on whatever else
// the machine is doing: read figures as "under the current load".
//
//   baseline_nats_request          plain NATS request/reply between two connections of this process (no wRPC)
//   wrpc_in_process                wRPC invoke ↔ serve in this process (handshake, params EOF, results, EOF)
//   provider_direct                this process → provider process `log` (what a host sends for a guest import)
//   component_to_provider          guest calc.add (JSPI) → import example:calc/host.log → wRPC → provider → back
//   component_provider_component   as above, and the provider calls component calc-b's export add over wRPC
//                                  before answering (component → provider process → component)
// Each: BENCH_WRPC_CALLS sequential calls (default 2000) after a warm-up; then BENCH_WRPC_PARALLEL (default 8)
// concurrent callers (separate guest instances for the component paths) for calls/s.
// `bench()` gives bench/run.mjs its rows (quick: 200 calls, 4 callers).
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ensureBuilt,
  loadAverage,
  log as logTo,
  root,
  runBench,
  startPrivateNats,
  tempDir,
} from './lib/lattice-kit.mjs';
import { isMain, row, runScriptJson } from './lib/rows.mjs';

const BENCH = 'wrpc-roundtrip';
const CALLS = Number(process.env.BENCH_WRPC_CALLS ?? 2000);
const WARMUP = Math.min(300, CALLS);
const PARALLEL = Number(process.env.BENCH_WRPC_PARALLEL ?? 8);
const log = (line) => logTo(BENCH, line);
const dist = (p) => import(pathToFileURL(join(root, 'dist', p)).href);

function summary(samplesNs) {
  const us = samplesNs.map((n) => Number(n) / 1000).sort((a, b) => a - b);
  const at = (q) => us[Math.min(us.length - 1, Math.floor(q * us.length))];
  const mean = us.reduce((a, b) => a + b, 0) / us.length;
  return {
    calls: us.length,
    median_us: Math.round(at(0.5)),
    p99_us: Math.round(at(0.99)),
    sequential_calls_per_s: Math.round(1e6 / mean),
  };
}

async function sequential(fn) {
  for (let i = 0; i < WARMUP; i++) await fn(i);
  const samples = [];
  for (let i = 0; i < CALLS; i++) {
    const t0 = process.hrtime.bigint();
    await fn(i);
    samples.push(process.hrtime.bigint() - t0);
  }
  return summary(samples);
}

/** `workers` loops, each awaiting its own calls; total completed calls per second over the run. */
async function parallel(workers) {
  const per = Math.max(1, Math.floor(CALLS / workers.length));
  const t0 = process.hrtime.bigint();
  await Promise.all(
    workers.map(async (fn) => {
      for (let i = 0; i < per; i++) await fn(i);
    }),
  );
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return { parallel: workers.length, calls: per * workers.length, calls_per_s: Math.round((per * workers.length) / s) };
}

/** jco JSPI glue, with async import errors rethrown (see test/helpers/jspi-component.ts). */
async function instantiateJspi(bytes, { asyncImports, asyncExports, imports }, cleanup) {
  const { transpileBytes } = await import('@bytecodealliance/jco-transpile');
  const out = await transpileBytes(bytes, {
    name: 'component',
    instantiation: { tag: 'async' },
    asyncMode: 'jspi',
    asyncImports,
    asyncExports,
  });
  const dir = tempDir(cleanup, 'wash-bench-jspi-');
  for (const [name, data] of Object.entries(out.files)) {
    if (name.includes('/')) continue;
    if (name === 'component.js') {
      const glue = Buffer.from(data)
        .toString('utf8')
        .replace(
          /task\.reject\(err\);\s*task\.exit\(\);\s*return task\.completionPromise\(\);/g,
          'task.reject(err); task.exit(); throw err;',
        );
      writeFileSync(join(dir, 'component.mjs'), glue);
    } else writeFileSync(join(dir, name), data);
  }
  const glue = await import(pathToFileURL(join(dir, 'component.mjs')).href);
  return glue.instantiate(
    (n) => new WebAssembly.Module(readFileSync(join(dir, n))),
    imports,
    (m, i) => new WebAssembly.Instance(m, i),
  );
}

const PATHS = {
  wrpc_in_process: 'wRPC invoke ↔ serve in one process',
  provider_direct: 'wRPC to a provider process (no guest)',
  component_to_provider: 'component → provider process (wRPC import)',
  component_provider_component: 'component → provider process → component',
};

/** Rows for bench/run.mjs (issue 11: median and p99 µs, calls/s); latencies against a plain NATS request/reply. */
export async function bench({ quick = false, log: progress = () => {} } = {}) {
  const knobs = quick
    ? {
        BENCH_WRPC_CALLS: process.env.BENCH_WRPC_CALLS ?? '200',
        BENCH_WRPC_PARALLEL: process.env.BENCH_WRPC_PARALLEL ?? '4',
      }
    : {};
  progress(`${knobs.BENCH_WRPC_CALLS ?? CALLS} sequential calls per path`);
  const doc = await runScriptJson(import.meta.url, knobs);
  const base = doc.baseline_nats_request;
  const rows = [];
  for (const [key, label] of Object.entries(PATHS)) {
    const r = doc[key];
    rows.push(
      row({
        name: `${label}: round trip, median`,
        value: r.median_us,
        unit: 'µs',
        baseline: base.median_us,
        baselineName: 'NATS request/reply, median',
      }),
    );
    rows.push(
      row({
        name: `${label}: round trip, p99`,
        value: r.p99_us,
        unit: 'µs',
        baseline: base.p99_us,
        baselineName: 'NATS request/reply, p99',
      }),
    );
    rows.push(
      row({
        name: `${label}: ${r.parallel.parallel} concurrent callers`,
        value: r.parallel.calls_per_s,
        unit: 'calls/s',
      }),
    );
  }
  return { rows, details: doc };
}

if (await isMain(import.meta.url))
  await runBench(BENCH, async (cleanup, doc) => {
    ensureBuilt(BENCH);
    doc.load_average_before = loadAverage();
    doc.note = 'measured on a shared 2-core machine under whatever load other work put on it';
    const nats = await startPrivateNats(cleanup);
    const { startHost } = await dist('host/index.js');
    const { silentLogger } = await dist('host/log.js');
    const { natsConnect } = await dist('lattice/connect.js');
    const { CtlClient } = await dist('lattice/ctl-client.js');
    const { WrpcTransport, componentFunctionTypes, wrpcImportResolver, customFunctionNames, serveComponentExports } =
      await dist('wrpc/index.js');

    const lattice = 'bench-wrpc';
    const dir = mkdtempSync(join(tmpdir(), 'wash-bench-wrpc-'));
    cleanup.defer(() => rmSync(dir, { recursive: true, force: true }));
    const loggerExe = join(dir, 'calc-logger');
    writeFileSync(
      loggerExe,
      `#!/bin/sh\nexec "${process.execPath}" "${join(root, 'test', 'fixtures', 'providers', 'calc-logger.mjs')}"\n`,
    );
    chmodSync(loggerExe, 0o755);

    const host = await startHost({
      lattice,
      ctl: { url: nats.url },
      allowFileLoad: true,
      logger: silentLogger,
      providerHealthCheck: { initialDelayMs: 100, intervalMs: 1000 },
    });
    cleanup.defer(() => host.stop());
    const ctlNc = await natsConnect(nats.url);
    cleanup.defer(() => ctlNc.close());
    const client = new CtlClient(ctlNc, { lattice, timeoutMs: 5000, collectMs: 200 });
    await client.putConfig('plain', { mode: 'plain' });
    await client.putConfig('callback', { callback: 'calc-b' });
    await client.startProvider({
      provider_id: 'logger-plain',
      provider_ref: `file://${loggerExe}`,
      host_id: host.id,
      config: ['plain'],
    });
    await client.startProvider({
      provider_id: 'logger-callback',
      provider_ref: `file://${loggerExe}`,
      host_id: host.id,
      config: ['callback'],
    });

    const connA = await natsConnect(nats.url);
    const connB = await natsConnect(nats.url);
    cleanup.defer(() => connA.close());
    cleanup.defer(() => connB.close());
    const tA = await WrpcTransport.open(connA);
    const tB = await WrpcTransport.open(connB);
    const logSig = { params: [{ name: 'message', type: 'string' }], results: [] };
    const waitServed = async (prefix) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        try {
          await tA.invoke(prefix, 'example:calc/host@0.1.0', 'log', logSig, ['ping'], {
            headers: { 'source-id': 'bench' },
            timeoutMs: 2000,
          });
          return;
        } catch (err) {
          if (Date.now() > deadline) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };
    log('waiting for the provider processes');
    await waitServed(`${lattice}.logger-plain`);

    // 1. Baselines
    const echoSub = connB.subscribe('bench.echo', { callback: (_e, m) => m.respond(m.data) });
    cleanup.defer(() => echoSub.unsubscribe());
    await connB.flush();
    const payload = new TextEncoder().encode('calc.add called');
    log('baseline: NATS request/reply');
    doc.baseline_nats_request = await sequential(() => connA.request('bench.echo', payload, { timeout: 5000 }));
    const served = tB.serve(`${lattice}.inproc`, 'example:calc/host@0.1.0', 'log', logSig, () => []);
    await connB.flush();
    log('wRPC in process');
    doc.wrpc_in_process = await sequential(() =>
      tA.invoke(`${lattice}.inproc`, 'example:calc/host@0.1.0', 'log', logSig, ['calc.add called'], {
        headers: { 'source-id': 'bench' },
      }),
    );
    doc.wrpc_in_process.parallel = await parallel(
      Array.from(
        { length: PARALLEL },
        () => () =>
          tA.invoke(`${lattice}.inproc`, 'example:calc/host@0.1.0', 'log', logSig, ['x'], {
            headers: { 'source-id': 'bench' },
          }),
      ),
    );
    served.stop();

    // 2. To the provider process, no guest
    log('provider process, direct');
    const direct = () =>
      tA.invoke(`${lattice}.logger-plain`, 'example:calc/host@0.1.0', 'log', logSig, ['calc.add called'], {
        headers: { 'source-id': 'calc-a', 'link-name': 'default' },
      });
    doc.provider_direct = await sequential(direct);
    doc.provider_direct.parallel = await parallel(Array.from({ length: PARALLEL }, () => direct));

    // 3. Real guests: calc-a's import goes over wRPC to the provider; calc-b's export is served over wRPC.
    const calcBytes = readFileSync(join(root, 'test', 'fixtures', 'components', 'calc.wasm'));
    const types = componentFunctionTypes(calcBytes);
    const callee = await instantiateJspi(
      calcBytes,
      { asyncImports: [], asyncExports: [], imports: { 'example:calc/host': { log: () => undefined } } },
      cleanup,
    );
    const exportsServed = serveComponentExports({
      transport: tB,
      lattice,
      componentId: 'calc-b',
      types,
      call: (_i, f, args) => callee.calc[f](...args),
    });
    cleanup.defer(() => exportsServed.stop());
    await connB.flush();
    let target = 'logger-plain';
    const resolve = wrpcImportResolver({
      transport: tA,
      lattice,
      componentId: 'calc-a',
      types,
      target: () => target,
      timeoutMs: 10_000,
    });
    const guests = [];
    for (let i = 0; i < PARALLEL; i++) {
      guests.push(
        await instantiateJspi(
          calcBytes,
          {
            asyncImports: customFunctionNames(types.imports),
            asyncExports: ['example:calc/calc#add'],
            imports: { 'example:calc/host': resolve('example:calc/host@0.1.0') },
          },
          cleanup,
        ),
      );
    }
    const add = (g) => async (i) => {
      const r = await g.calc.add(i, 1);
      if (r !== i + 1) throw new Error(`add(${i}, 1) gave ${r}`);
    };
    log('component → provider process');
    doc.component_to_provider = await sequential(add(guests[0]));
    doc.component_to_provider.parallel = await parallel(guests.map(add));
    log('component → provider process → component');
    target = 'logger-callback';
    await waitServed(`${lattice}.logger-callback`);
    doc.component_provider_component = await sequential(add(guests[0]));
    doc.component_provider_component.parallel = await parallel(guests.map(add));
    doc.load_average_after = loadAverage();
  });
