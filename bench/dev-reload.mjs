// `wash dev` save → served: 10 edits of the TypeScript template (BENCH_DEV_EDITS), each timed from the file write
// to the first response carrying the new body, split into build (esbuild + dev-engine lookup, from the
// `reloaded` event) and reload (config put). A request loop runs throughout and counts failed requests.
// The dev engine is built once per WIT world and cached in test/fixtures/components/build/dev-cache (the first
// run pays 1–3 min of componentize-js). BENCH_DEV_RELEASE=1 also times one `wash build` (the release path).
// Prints one JSON document. Uses a fresh data dir and free ports; never touches the machine's NATS.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wash = join(root, 'bin', 'run.js');
const edits = Number(process.env.BENCH_DEV_EDITS ?? 10);
const dataDir = mkdtempSync(join(tmpdir(), 'wash-bench-dev-'));
const env = { ...process.env, WASH_DATA_DIR: dataDir, WASH_CONFIG_DIR: join(dataDir, 'config'), WASH_CACHE_DIR: join(root, 'test', 'fixtures', 'components', 'build', 'dev-cache') };
for (const k of Object.keys(env)) if (k.startsWith('WASMCLOUD_')) delete env[k];

const freePort = () => new Promise((resolve, reject) => {
  const srv = createServer();
  srv.on('error', reject);
  srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]; };
const stats = (xs) => ({ median: pct(xs, 50), p90: pct(xs, 90), min: Math.min(...xs), max: Math.max(...xs) });

const created = JSON.parse(spawnSync(process.execPath, [wash, 'new', 'component', 'bench', '--path', dataDir, '-o', 'json'], { env, encoding: 'utf8' }).stdout);
const project = created.project_path;
const source = join(project, 'src', 'index.ts');
const natsPort = await freePort();
const address = `127.0.0.1:${await freePort()}`;
const url = `http://${address}/`;
const child = spawn(process.execPath, [wash, 'dev', '-o', 'json', '--work-dir', project, '--nats-port', String(natsPort), '--http-address', address], { env, stdio: ['ignore', 'pipe', 'pipe'] });
const events = [];
let buf = '';
let stderr = '';
child.stdout.on('data', (b) => {
  buf += b;
  let nl;
  while ((nl = buf.indexOf('\n')) >= 0) { const line = buf.slice(0, nl); buf = buf.slice(nl + 1); if (line.trim()) events.push(JSON.parse(line)); }
});
child.stderr.on('data', (b) => { stderr += b; });
const nextEvent = async (pred, from, timeoutMs) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const e = events.slice(from).find(pred);
    if (e) return e;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no event; stderr:\n${stderr}`);
    await sleep(20);
  }
};

const result = { edits, measured_under: 'shared 2-core machine (other engineers running builds and tests): treat as indicative' };
try {
  const startedAt = Date.now();
  const started = await nextEvent((e) => e.event === 'started', 0, 20 * 60_000);
  result.start = { wall_ms: Date.now() - startedAt, build_ms: started.build_ms, deploy_ms: started.deploy_ms };

  let requests = 0;
  let failed = 0;
  let looping = true;
  const loop = (async () => {
    while (looping) {
      try { const r = await fetch(url); await r.text(); if (r.status !== 200) failed++; } catch { failed++; }
      requests++;
    }
  })();

  const served = [];
  const build = [];
  const reload = [];
  const original = readFileSync(source, 'utf8');
  for (let i = 1; i <= edits; i++) {
    const body = `Hello bench ${i}\n`;
    const mark = events.length;
    const t0 = performance.now();
    writeFileSync(source, original.replace('Hello from TypeScript!\\n', body.replace('\n', '\\n')));
    for (;;) {
      const r = await fetch(url).then((x) => x.text()).catch(() => '');
      if (r === body) break;
      if (performance.now() - t0 > 60_000) throw new Error(`edit ${i} never served`);
      await sleep(5);
    }
    served.push(Math.round(performance.now() - t0));
    const ev = await nextEvent((e) => e.event === 'reloaded' || e.event === 'build_failed', mark, 30_000);
    build.push(ev.build_ms);
    reload.push(ev.reload_ms);
    await sleep(300);
  }
  looping = false;
  await loop;
  result.save_to_served_ms = stats(served);
  result.build_ms = stats(build);
  result.reload_ms = stats(reload);
  result.reload_overhead_ms = stats(served.map((s, i) => s - build[i]));
  result.samples = { served, build, reload };
  result.requests_during_reloads = requests;
  result.failed_requests = failed;
} finally {
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
}
if (process.env.BENCH_DEV_RELEASE === '1') {
  const t = Date.now();
  const r = spawnSync(process.execPath, [wash, 'build', '--config-path', project, '-o', 'json'], { env, encoding: 'utf8' });
  result.release_build = { wall_ms: Date.now() - t, ok: r.status === 0 };
}
rmSync(dataDir, { recursive: true, force: true });
console.log(JSON.stringify(result, null, 2));
