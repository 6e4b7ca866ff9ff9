// wasi:keyvalue get/set through a component (js-keyvalue, componentize-js, JSPI host calls) for each built-in
// backend, against the same call made directly from Node to that backend, in the same run. Prints one JSON
// document.
//
// Setup: a private nats-server -js and redis-server on free 127.0.0.1 ports, an in-process wash host (dist/)
// with the real jco runtime, the component linked to keyvalue-nats ('cache'), keyvalue-redis ('sessions') and
// keyvalue-inmemory ('mem'), served by the built-in http-server.
//
// Per-call cost through the component: the guest makes the call R times in one request (`?repeat=R`); requests
// with R and with 0 calls alternate and the per-call figure is the median of (time with R − time with 0) / R,
// so HTTP and request set-up are not counted. Direct: the same operation with the same 64-byte value from
// Node (@nats-io/kv; ioredis with the host's own client options, via connectRedis), R calls awaited in
// sequence right after each request pair; median per call. Wall time and CPU time of this process (host + client, where the component
// runs) are both reported; under a loaded machine the CPU figures are the steadier ones.
// Ratio = component per-call / direct per-call (target ≤ 2). Also reported: the whole request with one call.
//
//   node bench/keyvalue.mjs        Knobs: BENCH_REPEAT (20), BENCH_REQUESTS (40 per measurement), BENCH_ROUNDS (3),
//                                  BENCH_STORES (cache,sessions,mem: the link names measured), BENCH_WARMUP (20
//                                  requests, and as many direct calls, before each measurement)
// `bench()` gives bench/run.mjs its rows (quick: one round of 8 requests with 5 calls each).
import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMain, row, runScriptJson } from './lib/rows.mjs';
import {
  ensureBuilt,
  freePort,
  jsFixtures,
  loadAverage,
  log as logTo,
  median,
  root,
  runBench,
  sleep,
  startPrivateNats,
  tempDir,
} from './lib/lattice-kit.mjs';

const BENCH = 'keyvalue';
const REPEAT = Number(process.env.BENCH_REPEAT ?? 20);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 40);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const STORES = (process.env.BENCH_STORES ?? 'cache,sessions,mem').split(',');
const log = (line) => logTo(BENCH, line);
const us = (ms) => Math.round(ms * 10000) / 10;

async function startRedis(cleanup) {
  const dir = tempDir(cleanup, 'wash-bench-redis-');
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  cleanup.defer(
    () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  );
  const { Redis } = await import('ioredis');
  const probe = new Redis(`redis://127.0.0.1:${port}/`, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  for (let i = 0; ; i++) {
    try {
      await probe.connect();
      break;
    } catch {
      if (i > 100) throw new Error('redis-server did not start');
      await sleep(100);
    }
  }
  probe.disconnect();
  return `redis://127.0.0.1:${port}/`;
}

/** Wall and CPU (this process: host, client and all) milliseconds of one run of `fn`. */
async function timed(fn) {
  const cpu = process.cpuUsage();
  const t = performance.now();
  await fn();
  const used = process.cpuUsage(cpu);
  return { wall: performance.now() - t, cpu: (used.user + used.system) / 1000 };
}

/** Medians over `n` sequential runs of `fn`. */
async function medianOf(n, fn) {
  const rows = [];
  for (let i = 0; i < n; i++) rows.push(await timed(fn));
  return { wall: median(rows.map((r) => r.wall)), cpu: median(rows.map((r) => r.cpu)) };
}

/**
 * Per-call cost of what `many` does `repeat` times more than `zero`, and of `repeat` direct calls in a row:
 * the three are measured back to back for every sample (so load changes hit both sides alike) and the
 * medians of the per-sample figures are taken.
 */
async function perCall(n, repeat, zero, many, direct) {
  const through = { wall: [], cpu: [] };
  const straight = { wall: [], cpu: [] };
  const directRun = async () => {
    for (let k = 0; k < repeat; k++) await direct();
  };
  for (let i = 0; i < n; i++) {
    const a = await timed(zero);
    const b = await timed(many);
    through.wall.push((b.wall - a.wall) / repeat);
    through.cpu.push((b.cpu - a.cpu) / repeat);
    if (!direct) continue;
    const d = await timed(directRun);
    straight.wall.push(d.wall / repeat);
    straight.cpu.push(d.cpu / repeat);
  }
  const medians = (r) => ({ wall: median(r.wall), cpu: median(r.cpu) });
  return { through: medians(through), direct: direct ? medians(straight) : undefined };
}

async function request(url, init) {
  const res = await fetch(url, init);
  const body = await res.text();
  if (res.status !== 200 && res.status !== 404) throw new Error(`${url} answered ${res.status}: ${body}`);
  return body;
}

/** Rows for bench/run.mjs. Issue 11: a keyvalue call through the component ≤ 2× the same call made directly. */
export async function bench({ quick = false, log: progress = () => {} } = {}) {
  const env = (k, v) => process.env[k] ?? v;
  const knobs = quick
    ? {
        BENCH_ROUNDS: env('BENCH_ROUNDS', '1'),
        BENCH_REQUESTS: env('BENCH_REQUESTS', '8'),
        BENCH_REPEAT: env('BENCH_REPEAT', '5'),
        BENCH_WARMUP: env('BENCH_WARMUP', '3'),
      }
    : {};
  progress('keyvalue-nats, keyvalue-redis, keyvalue-inmemory through js-keyvalue');
  const doc = await runScriptJson(import.meta.url, knobs);
  const rows = [];
  for (const [key, r] of Object.entries(doc.results)) {
    const [backend, op] = key.split(' ');
    const name = `wasi:keyvalue ${op} through the component, per call, wall (${backend})`;
    if (!r.direct_from_node_us) {
      rows.push(
        row({
          name,
          value: r.through_component_per_call_us.wall,
          unit: 'µs',
          note: 'in-memory store: no direct call to compare with',
        }),
      );
      continue;
    }
    const client = key.startsWith('keyvalue-nats')
      ? '@nats-io/kv, own connection to the same nats-server'
      : "ioredis with the host's client options";
    rows.push(
      row({
        name,
        value: r.through_component_per_call_us.wall,
        unit: 'µs',
        baseline: r.direct_from_node_us.wall,
        baselineName: `same call, 64-byte value, from Node (${client})`,
        target: { on: 'ratio', op: '<=', limit: 2 },
        note: `CPU ratio ${r.ratio_cpu}`,
      }),
    );
  }
  return { rows, details: doc };
}

if (await isMain(import.meta.url))
  await runBench(BENCH, async (cleanup, doc) => {
    ensureBuilt(BENCH);
    const fixtures = await jsFixtures(BENCH);
    doc.conditions = {
      cpus: cpus().length,
      load_average_start: loadAverage(),
      node: process.version,
      repeat: REPEAT,
      requests: REQUESTS,
      rounds: ROUNDS,
      note: 'measured on a shared 2-core machine; noisy',
    };
    const nats = await startPrivateNats(cleanup);
    const redisUrl = await startRedis(cleanup);
    const dir = tempDir(cleanup, 'wash-bench-kv-');
    const wasm = join(dir, 'kv.wasm');
    copyFileSync(fixtures['js-keyvalue'], wasm);

    const { startHost } = await import(join(root, 'dist', 'host', 'index.js'));
    const { silentLogger } = await import(join(root, 'dist', 'host', 'log.js'));
    const { natsConnect } = await import(join(root, 'dist', 'lattice', 'connect.js'));
    const { CtlClient } = await import(join(root, 'dist', 'lattice', 'ctl-client.js'));
    const lattice = 'bench-kv';
    const host = await startHost({
      lattice,
      ctl: { url: nats.url },
      allowFileLoad: true,
      logger: silentLogger,
      cacheDir: join(dir, 'cache'),
      maxExecutionTimeMs: 60_000,
    });
    cleanup.defer(() => host.stop());
    const nc = await natsConnect(nats.url);
    cleanup.defer(() => nc.close());
    const client = new CtlClient(nc, { lattice, timeoutMs: 5000, collectMs: 300 });

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    await client.putConfig('http', { address: `127.0.0.1:${port}` });
    await client.putConfig('cache', { bucket: 'bench', enable_bucket_auto_create: 'true' });
    await client.putConfig('sessions', { URL: redisUrl });
    await client.scaleComponent({
      component_ref: pathToFileURL(wasm).href,
      component_id: 'kv',
      count: 1,
      host_id: host.id,
      config: [],
      allow_update: false,
      annotations: {},
    });
    for (const [id, ref] of [
      ['http-server', 'wasmcloud+builtin://http-server'],
      ['kv-nats', 'ghcr.io/wasmcloud/keyvalue-nats:0.3.1'],
      ['kv-redis', 'ghcr.io/wasmcloud/keyvalue-redis:0.28.1'],
      ['kv-mem', 'wasmcloud+builtin://keyvalue-inmemory'],
    ]) {
      await client.startProvider({ provider_id: id, provider_ref: ref, host_id: host.id, config: [] });
    }
    const kvLink = (name, target, config) => ({
      source_id: 'kv',
      target,
      name,
      wit_namespace: 'wasi',
      wit_package: 'keyvalue',
      interfaces: ['store'],
      source_config: [],
      target_config: config,
    });
    const links = [
      {
        source_id: 'http-server',
        target: 'kv',
        name: 'default',
        wit_namespace: 'wasi',
        wit_package: 'http',
        interfaces: ['incoming-handler'],
        source_config: ['http'],
        target_config: [],
      },
      kvLink('cache', 'kv-nats', ['cache']),
      kvLink('sessions', 'kv-redis', ['sessions']),
      kvLink('mem', 'kv-mem', []),
    ];
    for (const l of links) {
      const r = await client.putLink(l);
      if (r.message !== 'successfully set link') throw new Error(`link put failed: ${JSON.stringify(r)}`);
    }
    for (let i = 0; ; i++) {
      try {
        if ((await request(`${base}/kv/mem/x?repeat=0`)) === 'not found\n') break;
      } catch {
        /* not up yet */
      }
      if (i > 600) throw new Error('component did not come up');
      await sleep(100);
    }
    log('component serving; measuring');

    const value = 'v'.repeat(64);
    const { jetstream } = await import('@nats-io/jetstream');
    const { Kvm } = await import('@nats-io/kv');
    const kv = await new Kvm(jetstream(nc)).open('bench');
    // Like with like: the direct calls use the host's own Redis client set-up (connectRedis: same ioredis
    // options) and the same 64-byte value as bytes, as the host passes it on.
    const { connectRedis } = await import(join(root, 'dist', 'host', 'capabilities', 'keyvalue', 'redis.js'));
    const redis = await connectRedis(redisUrl, 5000, () => undefined);
    cleanup.defer(() => redis.disconnect());
    const bytes = Buffer.from(value);
    const direct = {
      cache: { get: () => kv.get('k'), set: () => kv.put('k', bytes) },
      sessions: { get: () => redis.getBuffer('k'), set: () => redis.set('k', bytes) },
    };
    const stores = { cache: 'keyvalue-nats', sessions: 'keyvalue-redis', mem: 'keyvalue-inmemory' };
    for (const store of Object.keys(stores)) if (!STORES.includes(store)) delete stores[store];
    for (const store of Object.keys(stores)) await request(`${base}/kv/${store}/k`, { method: 'PUT', body: value });

    const samples = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const [store, kind] of Object.entries(stores)) {
        for (const op of ['get', 'set']) {
          const init = op === 'set' ? { method: 'PUT', body: value } : undefined;
          const path = (n) => `${base}/kv/${store}/k?repeat=${n}`;
          // Warm-up: the guest's hot wasm code tiers up, the clients' JS gets optimised.
          for (let i = 0; i < WARMUP; i++) {
            await request(path(REPEAT), init);
            for (let k = 0; k < REPEAT; k++) await direct[store]?.[op]();
          }
          const { through, direct: directCost } = await perCall(
            REQUESTS,
            REPEAT,
            () => request(path(0), init),
            () => request(path(REPEAT), init),
            direct[store]?.[op],
          );
          const one = await medianOf(REQUESTS, () => request(path(1), init));
          const key = `${kind} ${op}`;
          (samples[key] ??= []).push({ through, one, direct: directCost });
        }
      }
      log(`round ${round + 1}/${ROUNDS} done`);
    }
    const ratio = (a, b) => Math.round((a / b) * 100) / 100;
    doc.results = Object.fromEntries(
      Object.entries(samples).map(([key, rows]) => {
        const pick = (f) => median(rows.map(f));
        const hasDirect = rows[0].direct !== undefined;
        return [
          key,
          {
            through_component_per_call_us: {
              wall: us(pick((r) => r.through.wall)),
              cpu: us(pick((r) => r.through.cpu)),
            },
            whole_request_one_call_us: { wall: us(pick((r) => r.one.wall)), cpu: us(pick((r) => r.one.cpu)) },
            direct_from_node_us: hasDirect
              ? { wall: us(pick((r) => r.direct.wall)), cpu: us(pick((r) => r.direct.cpu)) }
              : undefined,
            ratio_wall: hasDirect
              ? ratio(
                  pick((r) => r.through.wall),
                  pick((r) => r.direct.wall),
                )
              : undefined,
            ratio_cpu: hasDirect
              ? ratio(
                  pick((r) => r.through.cpu),
                  pick((r) => r.direct.cpu),
                )
              : undefined,
            per_round_ratio_wall: hasDirect ? rows.map((r) => ratio(r.through.wall, r.direct.wall)) : undefined,
          },
        ];
      }),
    );
    doc.conditions.load_average_end = loadAverage();
  });
