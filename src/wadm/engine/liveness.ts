/**
 * Noticing a dead host in seconds rather than after two missed 30 s heartbeats (wasmCloud's interval, which
 * our reaper also honours). The leader pings the lattice (`host.ping`, a v1 control request every host
 * answers, ours and upstream's) every `intervalMs`; a known host that neither answered nor sent anything
 * else (heartbeat, event, inventory) for `misses` probes in a row is dropped, so its workloads are
 * rescheduled at once and app status shows the loss.
 *
 * A probe that nobody answers does not count: that is our own connection (or NATS) being down, not every
 * host dying at once, and dropping every host then would only cause churn when the connection returns.
 *
 * Measured (two `wash host` processes, kill -9 of the one serving an app, 2 cores shared with other work):
 * see `test/integration/e2e/host-kill.test.ts`.
 */

export interface LivenessOptions {
  /** Time between probes; 0 disables probing (default 1000 ms). */
  intervalMs: number;
  /** How long a probe collects answers (default 3/4 of the interval, at most 750 ms). */
  windowMs: number;
  /** Consecutive unanswered probes before a host is dropped (default 2). */
  misses: number;
}

export const DEFAULT_LIVENESS: LivenessOptions = { intervalMs: 1_000, windowMs: 750, misses: 2 };

export function livenessOptions(intervalMs?: number, misses?: number): LivenessOptions {
  const interval = intervalMs ?? DEFAULT_LIVENESS.intervalMs;
  return {
    intervalMs: interval,
    windowMs: Math.min(DEFAULT_LIVENESS.windowMs, Math.round(interval * 0.75)),
    misses: Math.max(1, misses ?? DEFAULT_LIVENESS.misses),
  };
}

export interface ObservedHost {
  id: string;
  /** ms since epoch of the last thing heard from the host. */
  lastSeen: number;
}

/**
 * One probe's verdict (pure): updates `missed` (host id → consecutive misses) and returns the hosts to drop.
 * A host counts as heard from when it answered, or when anything from it arrived after the probe started.
 */
export function judgeProbe(
  missed: Map<string, number>,
  hosts: Iterable<ObservedHost>,
  answered: ReadonlySet<string>,
  startedAt: number,
  threshold: number,
): string[] {
  if (answered.size === 0) return [];
  const dead: string[] = [];
  const known = new Set<string>();
  for (const h of hosts) {
    known.add(h.id);
    if (answered.has(h.id) || h.lastSeen >= startedAt) {
      missed.delete(h.id);
      continue;
    }
    const n = (missed.get(h.id) ?? 0) + 1;
    if (n >= threshold) {
      missed.delete(h.id);
      dead.push(h.id);
    } else {
      missed.set(h.id, n);
    }
  }
  for (const id of missed.keys()) if (!known.has(id)) missed.delete(id);
  return dead;
}

export interface LivenessDeps {
  /** Ids of the hosts answering a lattice ping within `windowMs`. */
  ping(windowMs: number): Promise<string[]>;
  hosts(): Iterable<ObservedHost>;
  /** Hosts that answered (refresh them; fetch the inventory of ones not known). */
  onAnswered(ids: readonly string[], at: number): void;
  onDead(ids: readonly string[]): void;
  now?: () => number;
}

/** The probe loop's state; `tick` is called every `intervalMs` by the engine (overlapping ticks are skipped). */
export class LivenessProbe {
  private readonly missed = new Map<string, number>();
  private running = false;

  constructor(
    private readonly deps: LivenessDeps,
    readonly opts: LivenessOptions = DEFAULT_LIVENESS,
  ) {}

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const now = this.deps.now ?? Date.now;
    try {
      const startedAt = now();
      let ids: string[];
      try {
        ids = await this.deps.ping(this.opts.windowMs);
      } catch {
        return;
      }
      const answered = new Set(ids);
      if (answered.size) this.deps.onAnswered([...answered], now());
      const dead = judgeProbe(this.missed, this.deps.hosts(), answered, startedAt, this.opts.misses);
      if (dead.length) this.deps.onDead(dead);
    } finally {
      this.running = false;
    }
  }
}
