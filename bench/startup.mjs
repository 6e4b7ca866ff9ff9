// CLI start-up: median wall time of `wash --version`, `wash app validate` (3 components), `wash <command> --help`
// for every command in oclif.manifest.json, and real commands: `wash new --list`, a flag error, a lattice query
// that fails fast (NATS at a closed loopback port: loads the NATS client, connects, renders the error) — each as a
// ratio to `node -e 0` measured in the same run. Target: every ratio ≤ 1.5. `wash inspect` of a small component is
// reported too, without a target: its time is the command's work (see commandWork below).
//
// All cases run interleaved (baseline, version, validate, each command, baseline, …) so that load from other work on
// the machine hits them alike; medians are the figures. `node bench/startup.mjs` prints the rows as JSON.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { median, row } from './lib/rows.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wash = join(root, 'bin', 'run.js');
const manifest = join(root, 'bench', 'fixtures', 'three-components.yaml');
const TARGET = { on: 'ratio', op: '<=', limit: 1.5 };

function wallMs(args, expectedStatus = 0) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== expectedStatus)
    throw new Error(`node ${args.join(' ')} exited ${r.status} (expected ${expectedStatus}): ${r.stderr}`);
  return ms;
}

/** Real commands (not help): [argv, expected exit status]. */
const realCommands = {
  'wash new --list': [['new', '--list'], 0],
  'wash get hosts --no-such-flag (flag error)': [['get', 'hosts', '--no-such-flag'], 2],
  'wash get hosts -o json (NATS at a closed port)': [
    ['get', 'hosts', '--ctl-host', '127.0.0.1', '--ctl-port', '1', '-o', 'json'],
    1,
  ],
};

/**
 * Commands whose time is their work, not start-up: `wash inspect` derives imports/exports from the WIT world that
 * jco's wasm-tools module decodes, and compiling that ~1 MB wasm module is most of the run (~1G instructions
 * against ~0.2G for the rest). Reported with the same baseline but no start-up target.
 */
const commandWork = {
  "wash inspect (7.8 KB component; the command's work: compiling jco's wasm-tools module)": [
    ['inspect', join(root, 'test', 'fixtures', 'components', 'http-hello-v1.wasm')],
    0,
  ],
};
const expected = { ...realCommands, ...commandWork };

function commandIds() {
  const m = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8'));
  return Object.keys(m.commands).sort();
}

export async function bench({ quick = false, log = () => {} } = {}) {
  const runs = Number(process.env.BENCH_RUNS ?? (quick ? 2 : 9));
  const warmup = quick ? 1 : 2;
  const ids = quick ? commandIds().slice(0, 3) : commandIds();
  const cases = {
    'node -e 0': ['-e', '0'],
    'wash --version': [wash, '--version'],
    'wash app validate (3 components)': [wash, 'app', 'validate', manifest],
    ...Object.fromEntries(Object.entries(expected).map(([name, [argv]]) => [name, [wash, ...argv]])),
    ...Object.fromEntries(
      ids.map((id) => [`wash ${id.replace(/:/g, ' ')} --help`, [wash, ...id.split(':'), '--help']]),
    ),
  };
  log(`${Object.keys(cases).length} cases × ${runs} runs`);
  const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  const loadBefore = loadavg()[0];
  for (let i = 0; i < warmup + runs; i++) {
    for (const [name, args] of Object.entries(cases)) {
      const ms = wallMs(args, expected[name]?.[1] ?? 0);
      if (i >= warmup) times[name].push(ms);
    }
  }
  const base = median(times['node -e 0']);
  const rows = [row({ name: 'node -e 0', value: base, unit: 'ms' })];
  for (const name of Object.keys(cases).slice(1))
    rows.push(
      row({
        name,
        value: median(times[name]),
        unit: 'ms',
        baseline: base,
        baselineName: 'node -e 0',
        target: name in commandWork ? undefined : TARGET,
      }),
    );
  const worst = rows
    .slice(1)
    .filter((r) => !(r.name in commandWork))
    .reduce((a, b) => (b.ratio > a.ratio ? b : a));
  rows.push(
    row({
      name: `slowest command start-up (${worst.name})`,
      value: worst.value,
      unit: 'ms',
      baseline: base,
      baselineName: 'node -e 0',
      target: TARGET,
    }),
  );
  return { rows, details: { runs, warmup, load_average_1m: Math.max(loadBefore, loadavg()[0]), samples_ms: times } };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href)
  console.log(JSON.stringify((await bench({ quick: process.argv.includes('--quick') })).rows, null, 2));
