/**
 * The setup the wadm end-to-end tests share: a real nats-server, a connection to it, real `wash host` child
 * processes and the in-process wadm engine, plus a temp dir; everything started here is stopped by `stop()`
 * (hosts and engines alone by `stopWorkloads()`, e.g. in `afterEach`).
 *
 *   let lat: TestLattice;
 *   beforeAll(async () => { lat = await startTestLattice({ lattice: 'e2e', tmpPrefix: 'wash-e2e-' }); });
 *   afterAll(() => lat?.stop());
 *   …  await lat.wadm(); const host = await lat.host(['-l', 'zone=a']);
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { natsConnect } from '../../src/lattice/connect.js';
import { CtlClient } from '../../src/lattice/ctl-client.js';
import { WadmClient } from '../../src/wadm/client/client.js';
import { startWadm, type Wadm, type WadmOptions } from '../../src/wadm/index.js';
import { assertFreshBuild, EventLog, spawnHost, type ChildHost } from '../integration/host/helpers.js';
import { requireBuiltCli } from './cli.js';
import { startTestNats, type TestNats } from './nats.js';

export interface TestLatticeOptions {
  /** The lattice hosts, engines and clients use unless told another. */
  lattice: string;
  /** Prefix of the temp dir (`dir`). */
  tmpPrefix?: string;
}

export interface TestLattice {
  readonly lattice: string;
  readonly nats: TestNats;
  readonly nc: NatsConnection;
  /** A temp dir, removed by `stop()`. */
  readonly dir: string;
  /** Hosts started by `host()` and not stopped yet. */
  readonly hosts: ChildHost[];
  /** A `wash host` child process joined to the lattice (extra CLI arguments, e.g. labels). */
  host(args?: string[], lattice?: string): Promise<ChildHost>;
  /** The in-process wadm engine for the lattice (or `opts.lattices`), once ready. */
  wadm(opts?: Partial<WadmOptions>): Promise<Wadm>;
  ctl(opts?: { lattice?: string; timeoutMs?: number; collectMs?: number }): CtlClient;
  wadmClient(opts?: { lattice?: string; timeoutMs?: number }): WadmClient;
  /** Every event of the lattice from now on. */
  events(lattice?: string): Promise<EventLog>;
  /** Closes the engines started so far. */
  stopWadms(): Promise<void>;
  /** Kills the hosts (SIGKILL) and closes the engines started so far. */
  stopWorkloads(): Promise<void>;
  stop(): Promise<void>;
}

/** Needs the built CLI (`npm run build`), as the hosts run dist/. */
export async function startTestLattice(o: TestLatticeOptions): Promise<TestLattice> {
  requireBuiltCli();
  assertFreshBuild();
  const dir = mkdtempSync(join(tmpdir(), o.tmpPrefix ?? 'wash-test-lattice-'));
  const nats = await startTestNats();
  const nc = await natsConnect(nats.url);
  const hosts: ChildHost[] = [];
  const wadms: Wadm[] = [];
  const logs: EventLog[] = [];
  const stopWadms = async () => {
    await Promise.all(wadms.splice(0).map((w) => w.close()));
  };
  const stopWorkloads = async () => {
    await Promise.all(hosts.splice(0).map((h) => h.signal('SIGKILL')));
    await stopWadms();
  };
  return {
    lattice: o.lattice,
    nats,
    nc,
    dir,
    hosts,
    async host(args = [], lattice = o.lattice) {
      const h = await spawnHost(nats.url, lattice, args);
      hosts.push(h);
      return h;
    },
    async wadm(opts = {}) {
      const w = await startWadm(nc, { lattices: [o.lattice], ...opts });
      wadms.push(w);
      await w.ready;
      return w;
    },
    ctl: (c = {}) =>
      new CtlClient(nc, {
        lattice: c.lattice ?? o.lattice,
        timeoutMs: c.timeoutMs ?? 3000,
        collectMs: c.collectMs ?? 500,
      }),
    wadmClient: (c = {}) => new WadmClient(nc, c.lattice ?? o.lattice, { timeoutMs: c.timeoutMs ?? 10_000 }),
    async events(lattice = o.lattice) {
      const log = await new EventLog(nc, lattice).start();
      logs.push(log);
      return log;
    },
    stopWadms,
    stopWorkloads,
    async stop() {
      await stopWorkloads();
      for (const log of logs) log.stop();
      await nc.close().catch(() => undefined);
      await nats.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
