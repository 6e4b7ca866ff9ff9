// CLI start-up: median wall time of `wash --version` and `wash app validate` (3 components), each as a ratio
// to `node -e 0` measured in the same run. Prints one JSON document.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { medianWallMs, round } from './lib/process-timing.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wash = join(root, 'bin', 'run.js');
const manifest = join(root, 'bench', 'fixtures', 'three-components.yaml');
const runs = Number(process.env.BENCH_RUNS ?? 21);

export function runStartupBench() {
  const baseline = medianWallMs(process.execPath, ['-e', '0'], { runs });
  const version = medianWallMs(process.execPath, [wash, '--version'], { runs });
  const validate = medianWallMs(process.execPath, [wash, 'app', 'validate', manifest], { runs });
  return {
    bench: 'cli-startup',
    runs,
    baseline_node_e0_ms: round(baseline),
    wash_version_ms: round(version),
    wash_version_ratio: round(version / baseline),
    wash_app_validate_ms: round(validate),
    wash_app_validate_ratio: round(validate / baseline),
    target_ratio: 1.5,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(runStartupBench(), null, 2));
