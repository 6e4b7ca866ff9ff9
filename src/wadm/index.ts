/**
 * wadm in one call: the API server for the given lattices plus one reconciliation engine per lattice, on
 * an existing NATS connection. Several processes may run this for the same lattices: API requests are
 * shared by queue group, and only each lattice's lease holder reconciles.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { startApiServer, type ApiServer } from './api/server.js';
import { startEngine, type Engine, type EngineLog, type EngineOptions } from './engine/engine.js';

export interface WadmOptions {
  lattices: string[];
  jsDomain?: string;
  /** JetStream replicas of every bucket and stream wadm creates (default 1). */
  jsReplicas?: number;
  /** ctl subject prefix, `wasmbus.ctl` by default. */
  ctlTopicPrefix?: string;
  /** Diagnostics; the library never prints. */
  log?: EngineLog;
  /** Extra engine settings applied to every lattice. */
  engine?: Omit<EngineOptions, 'lattice' | 'jsDomain' | 'jsReplicas' | 'ctlTopicPrefix' | 'log'>;
}

export interface Wadm {
  readonly engines: readonly Engine[];
  /** Resolves when every engine knows whether it leads (and leaders have built their view). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export async function startWadm(nc: NatsConnection, opts: WadmOptions): Promise<Wadm> {
  const lattices = [...new Set(opts.lattices)];
  if (lattices.length === 0) throw new Error('startWadm: no lattices given');
  const api: ApiServer = await startApiServer(nc, {
    lattices,
    jsDomain: opts.jsDomain,
    jsReplicas: opts.jsReplicas,
    ctlTopicPrefix: opts.ctlTopicPrefix,
    log: opts.log,
  });
  const engines = lattices.map((lattice) =>
    startEngine(nc, {
      ...opts.engine,
      lattice,
      jsDomain: opts.jsDomain,
      jsReplicas: opts.jsReplicas,
      ctlTopicPrefix: opts.ctlTopicPrefix,
      log: opts.log,
    }),
  );
  let closed = false;
  return {
    engines,
    ready: Promise.all(engines.map((e) => e.ready)).then(() => undefined),
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([api.close(), ...engines.map((e) => e.close())]);
    },
  };
}

export { startEngine, type Engine, type EngineOptions, type EngineLog } from './engine/engine.js';
