import type { NatsConnection } from '@nats-io/transport-node';
import { wadmAnswers } from './lattice-probe.js';

export interface RunningWadm {
  close(): Promise<void>;
}

interface WadmModule {
  startWadm(nc: NatsConnection, o: { lattices: string[]; jsDomain?: string }): Promise<{ close(): Promise<void> | void }> | { close(): Promise<void> | void };
}

/**
 * Runs the wadm engine inside this process (the foreground `wash up`, or the detached supervisor). The
 * module is resolved at run time so `wash up` keeps working (without wadm, with a warning) in a build
 * that does not have it.
 */
export async function startWadmInProcess(nc: NatsConnection, o: { lattice: string; jsDomain?: string }): Promise<RunningWadm> {
  const specifier = '../wadm/index.js';
  let mod: WadmModule;
  try {
    mod = (await import(specifier)) as WadmModule;
  } catch (cause) {
    throw new Error('the wadm engine is not available in this build of wash', { cause });
  }
  if (typeof mod.startWadm !== 'function') throw new Error('the wadm engine module has no startWadm()');
  const handle = await mod.startWadm(nc, { lattices: [o.lattice], jsDomain: o.jsDomain });
  return { close: async () => { await handle.close(); } };
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
