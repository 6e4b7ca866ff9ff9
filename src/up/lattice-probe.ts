/**
 * The few lattice calls `wash up`/`wash down` need: ping hosts, stop a host, watch host start/stop events,
 * ask whether wadm answers. Kept here (not in a general ctl client) because they are tuned for process
 * supervision: short windows, and an event watcher that is subscribed before anything is spawned.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { CtlClient } from '../lattice/ctl-client.js';
import { tryParseLatticeEvent } from '../lattice/events.js';
import { eventSubject, wadmApiSubject } from '../lattice/subjects.js';
import type { Host } from '../lattice/types.js';

/**
 * Every host of the lattice that answers `host.ping`. Collection ends `stallMs` after the last reply
 * (hosts on a reachable NATS answer within milliseconds), or after `timeoutMs` when nobody answers.
 */
export async function pingHosts(
  nc: NatsConnection,
  o: { ctlPrefix: string; lattice: string; timeoutMs: number; stallMs?: number },
): Promise<Host[]> {
  return new CtlClient(nc, { lattice: o.lattice, prefix: o.ctlPrefix }).pingHosts({
    timeoutMs: o.timeoutMs,
    stallMs: o.stallMs ?? 300,
  });
}

/** Asks a host to stop; resolves with the host's reply (success false → the message explains). */
export async function requestHostStop(
  nc: NatsConnection,
  o: { ctlPrefix: string; lattice: string; hostId: string; timeoutMs: number; graceMs?: number },
): Promise<{ ok: boolean; message: string }> {
  const client = new CtlClient(nc, { lattice: o.lattice, prefix: o.ctlPrefix, timeoutMs: o.timeoutMs });
  try {
    const ack = await client.stopHost({
      host_id: o.hostId,
      ...(o.graceMs !== undefined ? { timeout: o.graceMs } : {}),
    });
    return { ok: true, message: ack.message };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

/** True when something answers wadm's list request on this lattice within `timeoutMs`. */
export async function wadmAnswers(nc: NatsConnection, lattice: string, timeoutMs = 1000): Promise<boolean> {
  try {
    const msg = await nc.request(wadmApiSubject(lattice, 'get'), new Uint8Array(), { timeout: timeoutMs });
    const body = JSON.parse(new TextDecoder().decode(msg.data)) as { result?: unknown };
    return typeof body.result === 'string';
  } catch {
    return false;
  }
}

/**
 * Records `host_started` / `host_stopped` events of one lattice from the moment it is created, so a waiter
 * never misses an event that arrived before it asked.
 */
export class HostEventWatcher {
  private readonly started = new Set<string>();
  private readonly stopped = new Set<string>();
  private readonly waiters = new Set<() => void>();
  private readonly subs: Subscription[];

  private constructor(nc: NatsConnection, lattice: string) {
    this.subs = (['host_started', 'host_stopped'] as const).map((name) =>
      nc.subscribe(eventSubject(lattice, name), {
        callback: (err, msg) => {
          if (err) return;
          const ev = tryParseLatticeEvent(msg.data);
          if (!ev) return;
          if (ev.name === 'host_started') this.started.add(ev.source);
          else if (ev.name === 'host_stopped') this.stopped.add(ev.source);
          for (const w of this.waiters) w();
        },
      }),
    );
  }

  /** Subscribes and waits until the server has registered the subscriptions. */
  static async open(nc: NatsConnection, lattice: string): Promise<HostEventWatcher> {
    const w = new HostEventWatcher(nc, lattice);
    await nc.flush();
    return w;
  }

  hasStarted(hostId: string): boolean {
    return this.started.has(hostId);
  }

  hasStopped(hostId: string): boolean {
    return this.stopped.has(hostId);
  }

  /** Resolves true once `predicate` holds, false after `timeoutMs` or when `abort` settles first. */
  until(predicate: () => boolean, timeoutMs: number, abort?: Promise<unknown>): Promise<boolean> {
    if (predicate()) return Promise.resolve(true);
    return new Promise((resolve) => {
      let done = false;
      const finish = (v: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(v);
      };
      const check = () => {
        if (predicate()) finish(true);
      };
      const timer = setTimeout(() => finish(predicate()), timeoutMs);
      this.waiters.add(check);
      abort?.then(
        () => finish(predicate()),
        () => finish(predicate()),
      );
    });
  }

  close(): void {
    for (const s of this.subs) s.unsubscribe();
    for (const w of this.waiters) w();
  }
}
