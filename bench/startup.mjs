// CLI start-up: median wall time of `wash --version` and `wash app validate` (3 components), each as a ratio
// to `node -e 0` measured in the same run. Prints one JSON document.
//
// The three commands run interleaved (baseline, version, validate, baseline, …) so that load from other work on
// the machine hits all of them alike; the medians and their ratios are the figures, the minima (best case, least
// disturbed by load) and the load average are reported beside them.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { round } from './lib/process-timing.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wash = join(root, 'bin', 'run.js');
const manifest = join(root, 'bench', 'fixtures', 'three-components.yaml');
const runs = Number(process.env.BENCH_RUNS ?? 21);
const warmup = 3;

function wallMs(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const min = (xs) => Math.min(...xs);

export function runStartupBench() {
  const cases = {
    baseline: ['-e', '0'],
    version: [wash, '--version'],
    validate: [wash, 'app', 'validate', manifest],
  };
  const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  const loadBefore = loadavg()[0];
  for (let i = 0; i < warmup + runs; i++) {
    for (const [name, args] of Object.entries(cases)) {
      const ms = wallMs(args);
      if (i >= warmup) times[name].push(ms);
    }
  }
  const base = median(times.baseline);
  const baseMin = min(times.baseline);
  return {
    bench: 'cli-startup',
    runs,
    load_average_1m: round(Math.max(loadBefore, loadavg()[0])),
    baseline_node_e0_ms: round(base),
    wash_version_ms: round(median(times.version)),
    wash_version_ratio: round(median(times.version) / base),
    wash_app_validate_ms: round(median(times.validate)),
    wash_app_validate_ratio: round(median(times.validate) / base),
    min_ratios: {
      wash_version: round(min(times.version) / baseMin),
      wash_app_validate: round(min(times.validate) / baseMin),
    },
    target_ratio: 1.5,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(runStartupBench(), null, 2));
