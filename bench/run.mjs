// `npm run bench [-- [--quick] [--note "text"] [name...]]`: runs the bench modules below, each in its own Node
// process, and writes bench/report.json (every row plus each module's raw details) and bench/REPORT.md (one table:
// figure, value, baseline measured in the same run, ratio, target, pass/fail, and the machine).
// --quick: small sizes and single rounds, to smoke-check the harness; writes bench/report.quick.json and
// bench/REPORT.quick.md instead (not committed). Names select modules (default: all).
//
// A bench module is bench/<name>.mjs exporting
//     export async function bench({ quick, log }) → { rows: Row[], details?: object }
// where each Row comes from row() in bench/lib/rows.mjs: { name, value, unit, baseline, baseline_name, ratio,
// target, pass }. Measure the baseline in the same run (e.g. `node -e 0`, bare node:http), never a stored figure.
// `log(line)` writes progress to stderr. Registering a module is one line in MODULES. Details: bench/README.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { machine, renderMarkdown } from './lib/report.mjs';

const MODULES = [
  'startup', //          CLI start-up of every command vs `node -e 0`
  'http-throughput', //  minimal / FetchEvent JS components vs bare node:http and `jco serve` (needs wrk)
  'wadm-scale', //       N apps on H simulated hosts → all deployed
  'wadm-deploy', //      deploy → first 200, undeploy → port closed (CLI and library)
  'host-latency', //     start → first 200, zero-downtime update, memory per component
  'up-down', //          `wash up -d` ready, `wash down` done
  'lattice-query', //    `wash get hosts|inventory` on `wash up` lattices of 1 and 5 hosts vs `node -e 0` (issue 9)
  'dev-reload', //       `wash dev` save → served, build/reload split, failed requests (issue 10)
  'keyvalue', //         wasi:keyvalue through a component vs the direct call, per backend (issue 11)
  'async-host-calls', // JSPI vs worker + Atomics.wait per host call
  'wrpc-roundtrip', //   wRPC component → provider process → component: median/p99 µs, calls/s (issue 11)
  'oci-pull', //         registry pull + start → first 200 vs file://, cold and warm (issue 12)
  'host-failure', //     kill -9 of the host serving an app → survivor serving again, status shows the loss (issue 13)
];

const here = dirname(fileURLToPath(import.meta.url));
const MODULE_TIMEOUT_MS = { full: 40 * 60_000, quick: 6 * 60_000 };

async function runChild(name, quick, resultFile) {
  const mod = await import(pathToFileURL(join(here, `${name}.mjs`)).href);
  if (typeof mod.bench !== 'function') throw new Error(`bench/${name}.mjs does not export bench({ quick, log })`);
  try {
    const out = await mod.bench({ quick, log: (line) => process.stderr.write(`[${name}] ${line}\n`) });
    if (!out || !Array.isArray(out.rows)) throw new Error(`bench/${name}.mjs: bench() must resolve to { rows: [...] }`);
    writeFileSync(resultFile, JSON.stringify(out));
  } catch (err) {
    process.stderr.write(`[${name}] failed: ${err?.stack ?? err}\n`);
    writeFileSync(resultFile, JSON.stringify({ error: String(err?.message ?? err).slice(0, 1000) }));
    process.exitCode = 1;
  }
}

function runModule(name, quick) {
  const dir = mkdtempSync(join(tmpdir(), 'wash-bench-'));
  const resultFile = join(dir, 'result.json');
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [fileURLToPath(import.meta.url), '--child', name, resultFile, ...(quick ? ['--quick'] : [])],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    const timer = setTimeout(() => child.kill('SIGKILL'), quick ? MODULE_TIMEOUT_MS.quick : MODULE_TIMEOUT_MS.full);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const seconds = Math.round((Date.now() - started) / 100) / 10;
      let entry;
      try {
        entry = {
          name,
          date: new Date(started).toISOString(),
          seconds,
          ...JSON.parse(readFileSync(resultFile, 'utf8')),
        };
      } catch {
        entry = {
          name,
          seconds,
          error:
            signal === 'SIGKILL' ? 'timed out' : `exited ${code ?? signal} without a result (see its stderr above)`,
        };
      }
      rmSync(dir, { recursive: true, force: true });
      resolve(entry);
    });
  });
}

function readPrevious(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return runChild(args[1], args.includes('--quick'), args[2]);
  let quick = false;
  let note = process.env.BENCH_NOTE;
  const names = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--quick') quick = true;
    else if (args[i] === '--note') note = args[++i];
    else if (args[i].startsWith('--')) {
      console.error(`unknown option ${args[i]} (known: --quick, --note <text>)`);
      process.exit(2);
    } else names.push(args[i]);
  }
  const wanted = names.length ? names : MODULES;
  const unknown = wanted.filter((n) => !MODULES.includes(n) && !existsSync(join(here, `${n}.mjs`)));
  if (unknown.length) {
    console.error(`unknown bench module(s): ${unknown.join(', ')}; known: ${MODULES.join(', ')}`);
    process.exit(2);
  }
  const base = quick ? 'report.quick' : 'report';
  const report = { date: new Date().toISOString(), quick, ...(note ? { note } : {}), machine: machine(), modules: [] };
  const fresh = [];
  for (const name of wanted) {
    process.stderr.write(`bench: ${name}${quick ? ' (quick)' : ''}…\n`);
    fresh.push(await runModule(name, quick));
  }
  report.machine.load_average_1m_at_end = Math.round(loadavg()[0] * 100) / 100;
  // Some modules named: the other modules' entries of the existing report stay (each entry carries its date).
  const previous = names.length ? readPrevious(join(here, `${base}.json`)) : undefined;
  const order = [...MODULES, ...wanted.filter((n) => !MODULES.includes(n))];
  const merged = new Map((previous?.modules ?? []).map((m) => [m.name, m]));
  for (const m of fresh) merged.set(m.name, m);
  report.modules = [...merged.values()].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  if (previous && fresh.length < report.modules.length)
    report.note = [
      report.note,
      `Modules ${fresh.map((m) => m.name).join(', ')} re-run on ${report.date}; the others are from earlier runs (see each module's date in report.json).`,
    ]
      .filter(Boolean)
      .join(' ');
  writeFileSync(join(here, `${base}.json`), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(here, quick ? 'REPORT.quick.md' : 'REPORT.md'), renderMarkdown(report));
  const rows = report.modules.flatMap((m) => m.rows ?? []);
  process.stderr.write(
    `bench: wrote bench/${base}.json and bench/${quick ? 'REPORT.quick.md' : 'REPORT.md'} (${rows.length} figures, ${rows.filter((r) => r.pass === false).length} targets missed, ${report.modules.filter((m) => m.error).length} modules failed)\n`,
  );
}

await main();
