// wadm deploy / undeploy latency with one real wash host (child process, warm transpile cache) and the wash
// wadm engine (`wash wadm` child process by default; BENCH_WADM=in-process runs startWadm in this process), on
// a private nats-server on 127.0.0.1. Prints one JSON document.
//
// Each of BENCH_RUNS rounds (default 5, after one unmeasured warm-up) deploys a new app (the minimal component
// behind the built-in http-server on its own port) twice over:
// - CLI: `wash app deploy <file> --wait -o json`: the CLI's exit, the first pushed `deployed` status
//   (wadm.status.{lattice}.{app}) and the first HTTP 200 with the component's body, all from the CLI spawn;
//   then `wash app undeploy <app> --wait`: exit, pushed `undeployed`, and the port refusing connections.
// - library: WadmClient `put` + `deploy` requests on an open NATS connection (no CLI start-up): the request
//   round trips, `deployed`, first 200; then `undeploy`: ack, `undeployed`, port closed.
// Baseline from the same run: the CLI's own start-up (`wash --version`, `wash app deploy --help`).
//
//   node bench/wadm-deploy.mjs
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  answers,
  ensureBuilt,
  freePort,
  loadAverage,
  log as logTo,
  nowMs,
  pollHttp,
  refused,
  root,
  round1,
  runBench,
  sleep,
  startPrivateNats,
  startWashHost,
  stats,
  tempDir,
  wash,
  washBin,
  washEnv,
  watFixture,
} from './lib/lattice-kit.mjs';
import { isMain, row, runScriptJson } from './lib/rows.mjs';

const BENCH = 'wadm-deploy';
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const WADM_MODE = process.env.BENCH_WADM === 'in-process' ? 'in-process' : 'wash wadm';
const LATTICE = 'wadm-bench';
const BODY = 'hello from wash v1\n';
const WAIT_MS = 60_000;
const log = (line) => logTo(BENCH, line);

/** The hello app manifest (src/testing/hello-app.ts, as built into dist/). */
async function manifest(name, image, port) {
  const { helloApp } = await import(join(root, 'dist', 'testing', 'hello-app.js'));
  return helloApp({ name, image, port });
}

/** Pushed statuses of one app from now on; `when(type)` resolves with the time the first one of that type arrived. */
function watchStatus(client, name) {
  const seen = new Map();
  const waiters = [];
  const watch = client.watchStatus(name);
  void (async () => {
    for await (const s of watch) {
      if (!seen.has(s.status.type)) seen.set(s.status.type, nowMs());
      for (const w of waiters.splice(0)) w();
    }
  })().catch(() => {});
  return {
    async when(type, timeoutMs = WAIT_MS) {
      const deadline = nowMs() + timeoutMs;
      while (!seen.has(type)) {
        if (nowMs() > deadline)
          throw new Error(
            `no pushed "${type}" status for ${name} within ${timeoutMs} ms (saw ${[...seen.keys()].join(', ') || 'none'})`,
          );
        await Promise.race([new Promise((r) => waiters.push(r)), sleep(250)]);
      }
      return seen.get(type);
    },
    stop: () => watch.stop(),
  };
}

/** `wash wadm` as a child process (or startWadm in this process); resolves once the wadm API answers. */
async function startWadmEngine(ctx, client) {
  if (WADM_MODE === 'in-process') {
    const { startWadm } = await import(join(root, 'dist', 'wadm', 'index.js'));
    const wadm = await startWadm(ctx.nc, { lattices: [LATTICE] });
    ctx.cleanup.defer(() => wadm.close());
    await wadm.ready;
    return;
  }
  const child = spawn(process.execPath, [washBin, 'wadm', '-x', LATTICE, '--log-level', 'warn'], {
    cwd: root,
    env: ctx.env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (b) => (err = (err + b).slice(-4000)));
  const exited = new Promise((r) => child.once('exit', r));
  ctx.cleanup.defer(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 8000);
    await exited;
    clearTimeout(t);
  });
  const deadline = nowMs() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wash wadm exited ${child.exitCode}: ${err}`);
    try {
      await client.list();
      return;
    } catch (e) {
      if (nowMs() > deadline) throw new Error(`wash wadm did not answer within 30 s: ${e.message}; ${err}`);
      await sleep(100);
    }
  }
}

async function setUp(cleanup) {
  ensureBuilt(BENCH);
  const nats = await startPrivateNats(cleanup);
  const home = tempDir(cleanup, 'wash-bench-home-');
  const env = washEnv(nats.port, home);
  const { natsConnect } = await import(join(root, 'dist', 'lattice', 'connect.js'));
  const { WadmClient } = await import(join(root, 'dist', 'wadm', 'client', 'index.js'));
  const nc = await natsConnect(nats.url);
  cleanup.defer(() => nc.close());
  const client = new WadmClient(nc, LATTICE, { timeoutMs: 10_000 });
  const ctx = { cleanup, nats, nc, client, env, home, image: pathToFileURL(await watFixture('http-hello-v1')).href };
  const host = await startWashHost(cleanup, {
    natsUrl: nats.url,
    lattice: LATTICE,
    cacheDir: tempDir(cleanup, 'wash-bench-warm-cache-'),
    env,
  });
  ctx.hostId = host.id;
  await startWadmEngine(ctx, client);
  return ctx;
}

const app = (ctx, ...args) => wash(['app', ...args, '-o', 'json', '-x', LATTICE], ctx.env, { timeoutMs: 120_000 });

/** Deploy and undeploy through the CLI, `--wait`. */
async function viaCli(ctx, name) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const file = join(ctx.home, `${name}.yaml`);
  writeFileSync(file, await manifest(name, ctx.image, port));

  let watch = watchStatus(ctx.client, name);
  const t0 = nowMs();
  const [deploy, first200] = await Promise.all([
    app(ctx, 'deploy', file, '--wait'),
    pollHttp(url, answers(BODY), { timeoutMs: WAIT_MS, intervalMs: 5 }),
  ]);
  if (deploy.json?.deployed !== true) throw new Error(`wash app deploy answered ${deploy.stdout}`);
  const deployed = await watch.when('deployed');
  watch.stop();

  watch = watchStatus(ctx.client, name);
  const u0 = nowMs();
  const [undeploy, gone] = await Promise.all([
    app(ctx, 'undeploy', name, '--wait'),
    pollHttp(url, refused, { timeoutMs: WAIT_MS, intervalMs: 5 }),
  ]);
  const undeployed = await watch.when('undeployed');
  watch.stop();
  await ctx.client.delete(name);
  return {
    deploy_cli_exit: deploy.ms,
    deploy_status_deployed: deployed - t0,
    deploy_first_200: first200 - t0,
    undeploy_cli_exit: undeploy.ms,
    undeploy_status_undeployed: undeployed - u0,
    undeploy_port_closed: gone - u0,
  };
}

/** The same through WadmClient on the open connection: put + deploy requests, then undeploy. */
async function viaClient(ctx, name) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const text = await manifest(name, ctx.image, port);

  let watch = watchStatus(ctx.client, name);
  const t0 = nowMs();
  await ctx.client.put(text, { contentType: 'application/yaml' });
  const putDone = nowMs();
  const first200P = pollHttp(url, answers(BODY), { timeoutMs: WAIT_MS, intervalMs: 5 });
  await ctx.client.deploy(name);
  const deployAck = nowMs();
  const [deployed, first200] = await Promise.all([watch.when('deployed'), first200P]);
  watch.stop();

  watch = watchStatus(ctx.client, name);
  const u0 = nowMs();
  const goneP = pollHttp(url, refused, { timeoutMs: WAIT_MS, intervalMs: 5 });
  await ctx.client.undeploy(name);
  const undeployAck = nowMs();
  const [undeployed, gone] = await Promise.all([watch.when('undeployed'), goneP]);
  watch.stop();
  await ctx.client.delete(name);
  return {
    put_request: putDone - t0,
    deploy_request: deployAck - putDone,
    deploy_status_deployed: deployed - t0,
    deploy_first_200: first200 - t0,
    undeploy_request: undeployAck - u0,
    undeploy_status_undeployed: undeployed - u0,
    undeploy_port_closed: gone - u0,
  };
}

function summarise(runs) {
  const out = {};
  for (const key of Object.keys(runs[0])) out[key] = stats(runs.map((r) => r[key]));
  return out;
}

/** Rows for bench/run.mjs (runs this script in its own process; quick: one round). */
export async function bench({ quick = false } = {}) {
  const doc = await runScriptJson(import.meta.url, quick ? { BENCH_RUNS: process.env.BENCH_RUNS ?? '1' } : {});
  const med = (s) => s?.median_ms ?? null;
  const help = med(doc.cli_startup_baseline.app_deploy_help);
  const helpName = '`wash app deploy --help` start-up';
  return {
    rows: [
      row({
        name: '`wash app deploy --wait` → CLI exit',
        value: med(doc.cli.deploy_cli_exit),
        unit: 'ms',
        baseline: help,
        baselineName: helpName,
      }),
      row({
        name: '`wash app deploy` → first HTTP 200',
        value: med(doc.cli.deploy_first_200),
        unit: 'ms',
        baseline: help,
        baselineName: helpName,
      }),
      row({
        name: 'WadmClient put+deploy → status deployed',
        value: med(doc.wadm_client.deploy_status_deployed),
        unit: 'ms',
      }),
      row({
        name: 'WadmClient put+deploy → first HTTP 200',
        value: med(doc.wadm_client.deploy_first_200),
        unit: 'ms',
        baseline: med(doc.wadm_client.deploy_status_deployed),
        baselineName: 'status deployed',
      }),
      row({
        name: '`wash app undeploy --wait` → CLI exit',
        value: med(doc.cli.undeploy_cli_exit),
        unit: 'ms',
        baseline: help,
        baselineName: helpName,
      }),
      row({ name: 'WadmClient undeploy → port closed', value: med(doc.wadm_client.undeploy_port_closed), unit: 'ms' }),
    ],
    details: doc,
  };
}

if (await isMain(import.meta.url))
  await runBench(BENCH, async (cleanup, doc) => {
    Object.assign(doc, {
      node: process.version,
      cores: cpus().length,
      wadm: WADM_MODE,
      hosts: 1,
      runs: RUNS,
      loadavg_at_start: loadAverage(),
    });
    const ctx = await setUp(cleanup);
    log('warm-up deploy (transpile cache, JIT)…');
    await viaCli(ctx, 'warmup-cli');
    await viaClient(ctx, 'warmup-lib');
    const cli = [];
    const lib = [];
    const baseline = { version: [], deploy_help: [] };
    for (let r = 0; r < RUNS; r++) {
      log(`round ${r + 1}/${RUNS}…`);
      baseline.version.push((await wash(['--version'], ctx.env)).ms);
      baseline.deploy_help.push((await wash(['app', 'deploy', '--help'], ctx.env)).ms);
      cli.push(await viaCli(ctx, `cli-${r}`));
      lib.push(await viaClient(ctx, `lib-${r}`));
    }
    const cliSummary = summarise(cli);
    const libSummary = summarise(lib);
    const startup = { version: stats(baseline.version), app_deploy_help: stats(baseline.deploy_help) };
    const m = (s) => s.median_ms;
    Object.assign(doc, {
      what: 'ms from the start of the deploy (CLI spawn, or the WadmClient put request) to: the CLI exiting, the first pushed status of that type, the first HTTP 200 with the expected body (polled every 5 ms); undeploy likewise to the port refusing connections. Every run is a new app (minimal component + built-in http-server on its own 127.0.0.1 port) on the same warm host; apps are deleted after each run.',
      cli_startup_baseline: startup,
      cli: cliSummary,
      wadm_client: libSummary,
      ratios: {
        cli_deploy_exit_vs_cli_startup: round1(m(cliSummary.deploy_cli_exit) / m(startup.app_deploy_help)),
        cli_deploy_first_200_vs_client_first_200: round1(
          m(cliSummary.deploy_first_200) / m(libSummary.deploy_first_200),
        ),
        cli_deploy_first_200_minus_cli_startup_ms: round1(m(cliSummary.deploy_first_200) - m(startup.app_deploy_help)),
        client_first_200_minus_deployed_status_ms: round1(
          m(libSummary.deploy_first_200) - m(libSummary.deploy_status_deployed),
        ),
        cli_undeploy_exit_vs_cli_startup: round1(m(cliSummary.undeploy_cli_exit) / m(startup.app_deploy_help)),
      },
      median_deployed_status_ms: {
        cli: m(cliSummary.deploy_status_deployed),
        wadm_client: m(libSummary.deploy_status_deployed),
      },
      median_first_200_ms: { cli: m(cliSummary.deploy_first_200), wadm_client: m(libSummary.deploy_first_200) },
      median_undeployed_status_ms: {
        cli: m(cliSummary.undeploy_status_undeployed),
        wadm_client: m(libSummary.undeploy_status_undeployed),
      },
      loadavg_at_end: loadAverage(),
    });
  });
