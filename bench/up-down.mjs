// `wash up -d` → ready (every host published host_started, wadm answered) and `wash down` → everything gone:
// median wall seconds over BENCH_UP_RUNS runs (default 5). Each run uses a fresh data dir and a free NATS port,
// so the machine's own NATS and ~/.local/share/wash are never touched. Prints one JSON document.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { row } from './lib/rows.mjs';
import { round } from './lib/process-timing.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wash = join(root, 'bin', 'run.js');
let runs = Number(process.env.BENCH_UP_RUNS ?? 5);

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

function listening(port) {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function timed(args, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [wash, ...args, '-o', 'json'], { env, encoding: 'utf8', timeout: 120_000 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`wash ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { seconds, doc: JSON.parse(r.stdout) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runUpDownBench() {
  const up = [];
  const down = [];
  let wadm;
  let leftovers = 0;
  for (let i = 0; i < runs; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'wash-bench-up-'));
    const port = await freePort();
    const env = { ...process.env, WASH_DATA_DIR: dataDir };
    try {
      const u = timed(['up', '-d', '--nats-port', String(port)], env);
      up.push(u.seconds);
      wadm = u.doc.wadm;
      const d = timed(['down'], env);
      down.push(d.seconds);
      if (!d.doc.nats_stopped || (await listening(port))) leftovers++;
    } finally {
      // --ctl-port: only this run's NATS, never whatever listens on the default 4222.
      spawnSync(process.execPath, [wash, 'down', '--all', '--ctl-port', String(port)], {
        env,
        stdio: 'ignore',
        timeout: 60_000,
      });
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return {
    bench: 'up-down',
    runs,
    up_ready_median_s: round(median(up)),
    down_median_s: round(median(down)),
    up_samples_s: up.map((x) => round(x)),
    down_samples_s: down.map((x) => round(x)),
    wadm,
    runs_with_leftovers: leftovers,
  };
}

/** Rows for bench/run.mjs. Baseline: the CLI's own start-up (`wash up --help`), measured in the same run. */
export async function bench({ quick = false } = {}) {
  if (quick) runs = Number(process.env.BENCH_UP_RUNS ?? 1);
  const help = [];
  for (let i = 0; i < Math.max(3, runs); i++) help.push(timedHelp());
  const doc = await runUpDownBench();
  const base = median(help);
  return {
    rows: [
      row({
        name: '`wash up -d` → ready (NATS, host, wadm)',
        value: doc.up_ready_median_s,
        unit: 's',
        baseline: base,
        baselineName: '`wash up --help` start-up',
      }),
      row({
        name: '`wash down` → everything stopped',
        value: doc.down_median_s,
        unit: 's',
        baseline: base,
        baselineName: '`wash up --help` start-up',
      }),
      row({
        name: 'runs that left a process or port behind',
        value: doc.runs_with_leftovers,
        unit: 'runs',
        target: { on: 'value', op: '<=', limit: 0 },
      }),
    ],
    details: { ...doc, cli_help_samples_s: help.map((x) => round(x)) },
  };
}

function timedHelp() {
  const t0 = process.hrtime.bigint();
  spawnSync(process.execPath, [wash, 'up', '--help'], { stdio: 'ignore' });
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href)
  console.log(JSON.stringify(await runUpDownBench(), null, 2));
