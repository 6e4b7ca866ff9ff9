// `wash get hosts` / `wash get inventory` on lattices started by `wash up -d` with 1 and with 5 hosts, against
// `node -e 0` in the same run (interleaved, so load from other work hits all alike). Median wall ms and the
// ratio to `node -e 0`; target: ≤ 5× on one host (the query must not wait out its 2 s window). Each lattice
// uses a fresh data dir and a free NATS port. Prints one JSON document (`node bench/lattice-query.mjs`);
// `bench()` gives bench/run.mjs its rows. Knobs: BENCH_RUNS (11), BENCH_WARMUP (2).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { round } from './lib/process-timing.mjs';
import { isMain, row, runScriptJson } from './lib/rows.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wash = join(root, 'bin', 'run.js');
const runs = Number(process.env.BENCH_RUNS ?? 11);
const warmup = Number(process.env.BENCH_WARMUP ?? 2);

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function run(args, env, expectOk = true) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8', timeout: 120_000 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (expectOk && r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function lattice(hosts) {
  const dataDir = mkdtempSync(join(tmpdir(), 'wash-bench-query-'));
  const port = await freePort();
  const env = { ...process.env, WASH_DATA_DIR: dataDir, WASMCLOUD_CTL_PORT: String(port) };
  delete env.WASMCLOUD_LATTICE;
  try {
    run([wash, 'up', '-d', '--nats-port', String(port), '--hosts', String(hosts), '-o', 'json'], env);
    const cases = {
      baseline: ['-e', '0'],
      get_hosts: [wash, 'get', 'hosts', '-o', 'json'],
      get_inventory: [wash, 'get', 'inventory', '-o', 'json'],
    };
    const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    // Fewest hosts any one query saw: a query that misses a host shows here.
    const seen = { get_hosts: Infinity, get_inventory: Infinity };
    for (let i = 0; i < warmup + runs; i++) {
      for (const [name, args] of Object.entries(cases)) {
        const r = run(args, env);
        if (i < warmup) continue;
        times[name].push(r.ms);
        if (name === 'get_hosts') seen.get_hosts = Math.min(seen.get_hosts, JSON.parse(r.stdout).hosts.length);
        if (name === 'get_inventory')
          seen.get_inventory = Math.min(seen.get_inventory, JSON.parse(r.stdout).inventories.length);
      }
    }
    const base = median(times.baseline);
    return {
      hosts,
      baseline_node_e0_ms: round(base),
      get_hosts_ms: round(median(times.get_hosts)),
      get_hosts_ratio: round(median(times.get_hosts) / base),
      get_inventory_ms: round(median(times.get_inventory)),
      get_inventory_ratio: round(median(times.get_inventory) / base),
      hosts_answering: seen,
    };
  } finally {
    run([wash, 'down', '--all', '-o', 'json'], env, false);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runLatticeQueryBench() {
  const loadBefore = loadavg()[0];
  const results = [await lattice(1), await lattice(5)];
  return {
    bench: 'lattice-query',
    runs,
    load_average_1m: round(Math.max(loadBefore, loadavg()[0])),
    lattices: results,
    target_ratio_one_host: 5,
  };
}

/** Rows for bench/run.mjs (quick: one measured run after one warm-up per lattice). */
export async function bench({ quick = false, log = () => {} } = {}) {
  const knobs = quick
    ? { BENCH_RUNS: process.env.BENCH_RUNS ?? '1', BENCH_WARMUP: process.env.BENCH_WARMUP ?? '1' }
    : {};
  log('wash up -d lattices of 1 and 5 hosts');
  const doc = await runScriptJson(import.meta.url, knobs);
  const rows = [];
  for (const l of doc.lattices) {
    const where = `on a \`wash up -d\` lattice of ${l.hosts} host${l.hosts === 1 ? '' : 's'}`;
    // Issue 9: ≤ 5× `node -e 0`, and no query may miss a host that answers within the window.
    for (const [cmd, key] of [
      ['get hosts', 'get_hosts'],
      ['get inventory', 'get_inventory'],
    ]) {
      rows.push(
        row({
          name: `\`wash ${cmd} -o json\` ${where}`,
          value: l[`${key}_ms`],
          unit: 'ms',
          baseline: l.baseline_node_e0_ms,
          baselineName: 'node -e 0',
          // Issue 9 sets the ratio target for one host; with five it is measured and reported only.
          ...(l.hosts === 1
            ? { target: { on: 'ratio', op: '<=', limit: doc.target_ratio_one_host } }
            : { note: `target (≤ ${doc.target_ratio_one_host}×) applies to one host` }),
        }),
      );
      rows.push(
        row({
          name: `hosts in every \`wash ${cmd}\` answer ${where} (fewest seen)`,
          value: l.hosts_answering[key],
          unit: 'hosts',
          target: { on: 'value', op: '>=', limit: l.hosts },
        }),
      );
    }
  }
  return { rows, details: doc };
}

if (await isMain(import.meta.url)) {
  try {
    console.log(JSON.stringify(await runLatticeQueryBench(), null, 2));
  } catch (err) {
    console.log(JSON.stringify({ bench: 'lattice-query', error: String(err?.stack ?? err) }));
    process.exitCode = 1;
  }
}
