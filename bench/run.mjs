// `npm run bench [-- name...]`: runs the benchmark scripts in bench/ and prints one JSON document with all results.
// Each script prints a JSON document on stdout; names: startup, http-throughput, wadm-scale, up-down, host-latency,
// wadm-deploy, dev-reload.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const all = ['startup', 'http-throughput', 'wadm-scale', 'up-down', 'host-latency', 'wadm-deploy', 'dev-reload'];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : all;
const results = {};
for (const name of wanted) {
  const script = join(here, `${name}.mjs`);
  if (!existsSync(script)) { results[name] = { skipped: 'script not present' }; continue; }
  process.stderr.write(`bench: ${name}…\n`);
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 30 * 60_000 });
  try {
    results[name] = JSON.parse(r.stdout);
  } catch {
    results[name] = { error: `exit ${r.status}`, stdout: r.stdout.slice(-2000) };
  }
}
console.log(JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2));
