/**
 * Workloads an app stopped wanting — on undeploy, or scalers an upgrade removed — are stopped by cleanup commands
 * computed from what is observed at that moment. A start still under way then (the host accepted the scale but
 * has not reported `component_scaled` yet) would appear afterwards and run forever, owned by no scaler. So the
 * removed workload scalers are watched for a while, and whatever of theirs appears is cleaned up the same way.
 * The commands come from the same pure cleanup as the undeploy's (`scalerCleanup`); a command is not repeated
 * while an earlier copy may still be taking effect.
 */
import { scalerCleanup } from './app.js';
import { describeCommand, type TaggedCommand } from './commands.js';
import { COMPONENT_EXPECT_MS } from './constants.js';
import { type ReconcileContext, type ScalerSpec, workloadIdOf } from './scalers/index.js';
import type { LatticeState } from './state.js';

/** How long removed workloads are watched (a start in flight reports well within this). */
export const LEFTOVER_WATCH_MS = 30_000;

interface Watched {
  specs: Map<string, ScalerSpec>;
  ctx: ReconcileContext;
  until: number;
}

export class Leftovers {
  readonly #byApp = new Map<string, Watched>();
  readonly #workloads = new Map<string, number>();
  readonly #sentAt = new Map<string, number>();

  get size(): number {
    return this.#byApp.size;
  }

  /**
   * Watches the workload scalers among `specs` (links and configs are cleaned up once, by the caller); `sent` is
   * the cleanup the caller just ran for them, not to be repeated while it takes effect.
   */
  add(
    app: string,
    specs: readonly ScalerSpec[],
    ctx: ReconcileContext,
    now: number,
    sent: readonly TaggedCommand[] = [],
  ): void {
    for (const tagged of sent) this.#sentAt.set(`${app} ${describeCommand(tagged.command)}`, now);
    const workloads = specs.filter((s) => workloadIdOf(s) !== undefined);
    if (workloads.length === 0) return;
    const watched = this.#byApp.get(app) ?? { specs: new Map(), ctx, until: 0 };
    for (const spec of workloads) {
      if (!watched.specs.has(spec.id)) this.#count(workloadIdOf(spec)!, 1);
      watched.specs.set(spec.id, spec);
    }
    watched.ctx = ctx;
    watched.until = now + LEFTOVER_WATCH_MS;
    this.#byApp.set(app, watched);
  }

  /** Whether a change to this component or provider id may concern a watched workload. */
  watches(workloadId: string): boolean {
    return this.#workloads.has(workloadId);
  }

  /**
   * Cleanup for what of the watched workloads is observed now, except what `keptOf(app)` (the app's live scalers,
   * if it was deployed again) adopts. Watches that ran out are dropped.
   */
  sweep(state: LatticeState, keptOf: (app: string) => readonly ScalerSpec[], now: number): TaggedCommand[] {
    const out: TaggedCommand[] = [];
    for (const [app, watched] of this.#byApp) {
      if (now > watched.until) {
        this.#byApp.delete(app);
        for (const spec of watched.specs.values()) this.#count(workloadIdOf(spec)!, -1);
        continue;
      }
      for (const tagged of scalerCleanup(app, [...watched.specs.values()], keptOf(app), state, watched.ctx)) {
        const key = `${app} ${describeCommand(tagged.command)}`;
        if ((this.#sentAt.get(key) ?? -Infinity) > now - COMPONENT_EXPECT_MS) continue;
        this.#sentAt.set(key, now);
        out.push(tagged);
      }
    }
    for (const [key, at] of this.#sentAt) if (at <= now - COMPONENT_EXPECT_MS) this.#sentAt.delete(key);
    return out;
  }

  #count(workloadId: string, delta: number): void {
    const n = (this.#workloads.get(workloadId) ?? 0) + delta;
    if (n > 0) this.#workloads.set(workloadId, n);
    else this.#workloads.delete(workloadId);
  }
}
