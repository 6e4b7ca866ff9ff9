/** When to restart a provider process that exited unexpectedly (pure; the supervisor owns the clock). */

export interface BackoffPolicy {
  /** Delay before the first restart (1 s). */
  initialMs: number;
  /** Upper bound of the doubling (60 s). */
  maxMs: number;
  /** A process that ran at least this long before exiting counts as healthy: the delay starts over (60 s). */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 60_000, resetAfterMs: 60_000 };

/**
 * Capped exponential backoff: 1 s, 2 s, 4 s … 60 s for a process that keeps dying soon after starting; back
 * to 1 s once a run lasted `resetAfterMs`. So a crash loop never restarts faster than the schedule allows.
 */
export class RestartBackoff {
  private failures = 0;

  constructor(private readonly policy: BackoffPolicy = DEFAULT_BACKOFF) {}

  /** The delay before the next restart, given how long the process ran before this exit. */
  next(ranForMs: number): number {
    if (ranForMs >= this.policy.resetAfterMs) this.failures = 0;
    const delay = Math.min(this.policy.maxMs, this.policy.initialMs * 2 ** Math.min(this.failures, 30));
    this.failures++;
    return delay;
  }
}
