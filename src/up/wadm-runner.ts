import type { NatsConnection } from '@nats-io/transport-node';
import { wadmAnswers } from './lattice-probe.js';

export interface RunningWadm {
  close(): Promise<void>;
}

/**
 * Runs the wadm engine (API server + reconciler) inside this process: the foreground `wash up`, or the
 * detached supervisor. Its warnings and errors go to `log`.
 */
export async function startWadmInProcess(
  nc: NatsConnection,
  o: { lattice: string; jsDomain?: string; jsReplicas?: number; ctlTopicPrefix?: string; log?: (line: string) => void },
): Promise<RunningWadm> {
  const { startWadm } = await import('../wadm/index.js');
  const log = o.log;
  const wadm = await startWadm(nc, {
    lattices: [o.lattice],
    jsDomain: o.jsDomain,
    jsReplicas: o.jsReplicas,
    ctlTopicPrefix: o.ctlTopicPrefix,
    // The wadm_state mirror tells lattice queries (`wash get hosts`) which hosts to wait for.
    engine: { mirrorState: true },
    log: log
      ? (level, message) => {
          if (level === 'warn' || level === 'error') log(`[wadm] ${level}: ${message}`);
        }
      : undefined,
  });
  return { close: () => wadm.close() };
}

/** Polls wadm's API until it answers or `timeoutMs` passes. */
export async function waitForWadmApi(nc: NatsConnection, lattice: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await wadmAnswers(nc, lattice, Math.min(1000, Math.max(100, deadline - Date.now())))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
