/**
 * A 3-node (by default) `nats-server` cluster with JetStream on loopback: free client and route ports, one temp
 * store dir per node, a generated config per node. Nodes can be killed (SIGKILL) and restarted with the same
 * port, config and store. Every pid is recorded for the global teardown, like test/helpers/nats.ts.
 */
import { appendFileSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { natsConnect } from '../../src/lattice/connect.js';
import { freePort, startNatsServer, type RunningNatsServer } from '../../src/up/nats-server.js';

export interface ClusterNode {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  /** The running server, undefined while killed. */
  server?: RunningNatsServer;
}

export interface TestNatsCluster {
  readonly nodes: ClusterNode[];
  /** Every node's URL (a client given all of them can fail over). */
  readonly urls: string[];
  /** SIGKILL of one node; resolves once the process is gone. */
  kill(index: number): Promise<void>;
  /** Starts a killed node again (same port, config, store) and waits until the cluster serves JetStream. */
  restart(index: number): Promise<void>;
  /** Resolves once JetStream answers on every running node and an R3 stream can be created. */
  waitForJetStream(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const live = new Set<RunningNatsServer>();
process.once('exit', () => {
  for (const s of live)
    try {
      process.kill(s.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
});

function nodeConfig(name: string, routePort: number, routePorts: number[]): string {
  return [
    `server_name: ${name}`,
    // store_dir comes from -sd on the command line (startNatsServer with userConfig)
    'cluster {',
    '  name: wash-test',
    `  listen: 127.0.0.1:${routePort}`,
    `  routes: [${routePorts
      .filter((p) => p !== routePort)
      .map((p) => `nats-route://127.0.0.1:${p}`)
      .join(', ')}]`,
    '}',
    '',
  ].join('\n');
}

export async function startTestNatsCluster(size = 3): Promise<TestNatsCluster> {
  const root = mkdtempSync(join(tmpdir(), 'wash-test-nats-cluster-'));
  const ports: number[] = [];
  const routePorts: number[] = [];
  while (ports.length < size * 2) {
    const p = await freePort();
    if (!ports.includes(p)) ports.push(p);
  }
  routePorts.push(...ports.splice(size));
  const nodes: ClusterNode[] = ports.map((port, i) => ({ name: `n${i}`, port, url: `nats://127.0.0.1:${port}` }));
  const configs = nodes.map((n, i) => {
    const dir = join(root, n.name);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'nats.conf');
    writeFileSync(file, nodeConfig(n.name, routePorts[i]!, routePorts));
    return { dir, file };
  });

  const start = async (i: number) => {
    const n = nodes[i]!;
    const server = await startNatsServer({
      host: '127.0.0.1',
      port: n.port,
      storeDir: join(configs[i]!.dir, 'js'),
      userConfig: configs[i]!.file,
      logFile: join(configs[i]!.dir, 'nats.log'),
    });
    live.add(server);
    if (process.env.WASH_TEST_PIDS) appendFileSync(process.env.WASH_TEST_PIDS, `${server.pid} ${root}\n`);
    n.server = server;
  };

  async function waitForJetStream(timeoutMs = 30_000): Promise<void> {
    const { jetstreamManager } = await import('@nats-io/jetstream');
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    const running = nodes.filter((n) => n.server);
    const conns: NatsConnection[] = await Promise.all(
      running.map((n) => natsConnect(n.url, {}, { name: 'cluster-probe' })),
    );
    try {
      while (Date.now() < deadline) {
        try {
          for (const nc of conns) await (await jetstreamManager(nc, { timeout: 2000 })).getAccountInfo();
          const jsm = await jetstreamManager(conns[0]!, { timeout: 5000 });
          const name = `ready_${Math.random().toString(36).slice(2, 8)}`;
          await jsm.streams.add({
            name,
            subjects: [`cluster.ready.${name}`],
            num_replicas: Math.min(3, running.length),
          });
          await jsm.streams.delete(name);
          return;
        } catch (err) {
          last = err;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      throw new Error(`the NATS cluster did not serve JetStream within ${timeoutMs} ms: ${String(last)}`);
    } finally {
      await Promise.all(conns.map((c) => c.close().catch(() => undefined)));
    }
  }

  try {
    await Promise.all(nodes.map((_, i) => start(i)));
    await waitForJetStream(60_000);
  } catch (err) {
    for (const n of nodes) await n.server?.stop();
    rmSync(root, { recursive: true, force: true });
    throw err;
  }

  return {
    nodes,
    urls: nodes.map((n) => n.url),
    async kill(i) {
      const s = nodes[i]!.server;
      if (!s) return;
      nodes[i]!.server = undefined;
      const gone = new Promise((r) =>
        s.child.exitCode !== null || s.child.signalCode !== null ? r(undefined) : s.child.once('exit', r),
      );
      s.child.kill('SIGKILL');
      await gone;
      live.delete(s);
    },
    async restart(i) {
      if (nodes[i]!.server) return;
      await start(i);
      await waitForJetStream();
    },
    waitForJetStream,
    async close() {
      await Promise.all(
        nodes.map(async (n) => {
          if (!n.server) return;
          await n.server.stop();
          live.delete(n.server);
          n.server = undefined;
        }),
      );
      rmSync(root, { recursive: true, force: true });
    },
  };
}
