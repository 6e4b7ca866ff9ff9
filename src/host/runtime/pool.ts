/**
 * Instances of one running component, bounded by maxInstances.
 *
 * reuse: an instance goes back to the idle list after a healthy request (a broken one — trapped,
 * timed out — is dropped). fresh: every request takes a never-used instance and drops it afterwards;
 * a few fresh instances are kept pre-warmed and refilled one per scheduler turn, between requests,
 * so instantiation cost is mostly paid off the request path.
 */

export interface PoolOptions<T> {
  create: () => T;
  max: number;
  mode: 'reuse' | 'fresh';
  /** How many unused instances to keep ready in fresh mode (capped by max). */
  prewarm: number;
  /** Runs background work later (setImmediate in production, manual in tests). */
  schedule: (work: () => void) => void;
  onCreateError?: (err: unknown) => void;
}

interface Waiter<T> {
  resolve: (instance: T) => void;
  reject: (err: unknown) => void;
}

export class InstancePool<T> {
  readonly #create: () => T;
  readonly #schedule: (work: () => void) => void;
  readonly #onCreateError: (err: unknown) => void;
  #mode: 'reuse' | 'fresh';
  #max: number;
  #prewarm: number;
  #ready: T[] = [];
  #inUse = 0;
  #waiters: Waiter<T>[] = [];
  #refillScheduled = false;
  #closed = false;

  constructor(opts: PoolOptions<T>) {
    this.#create = opts.create;
    this.#schedule = opts.schedule;
    this.#onCreateError = opts.onCreateError ?? (() => {});
    this.#mode = opts.mode;
    this.#max = Math.max(1, opts.max);
    this.#prewarm = opts.prewarm;
  }

  get mode(): 'reuse' | 'fresh' {
    return this.#mode;
  }
  get size(): number {
    return this.#ready.length + this.#inUse;
  }
  get inUse(): number {
    return this.#inUse;
  }
  get waiting(): number {
    return this.#waiters.length;
  }

  /** Creates the first instance (or the pre-warmed set) now, so start-up errors surface at start. */
  warmUp(): void {
    const target = this.#mode === 'fresh' ? this.#prewarmTarget() : 1;
    while (this.#ready.length < target && this.size < this.#max) this.#ready.push(this.#create());
  }

  /** An instance at once when one is ready or may be created; otherwise waits for a release. */
  acquire(): T | Promise<T> {
    if (this.#closed) throw new Error('instance pool is closed');
    const ready = this.#ready.pop();
    if (ready !== undefined) {
      this.#inUse++;
      this.#scheduleRefill();
      return ready;
    }
    if (this.size < this.#max) {
      const instance = this.#create();
      this.#inUse++;
      return instance;
    }
    return new Promise<T>((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Gives an instance back; `healthy` false (or fresh mode) drops it. */
  release(instance: T, healthy: boolean): void {
    this.#inUse--;
    if (this.#mode === 'reuse' && healthy && !this.#closed && this.size < this.#max) {
      const waiter = this.#waiters.shift();
      if (waiter) {
        this.#inUse++;
        waiter.resolve(instance);
      } else {
        this.#ready.push(instance);
      }
      return;
    }
    this.#serveWaiter();
    this.#scheduleRefill();
  }

  setMax(max: number): void {
    this.#max = Math.max(1, max);
    while (this.size > this.#max && this.#ready.length > 0) this.#ready.pop();
    while (this.#waiters.length > 0 && this.size < this.#max) this.#serveWaiter();
    this.#scheduleRefill();
  }

  /** Switches a reusing pool to fresh instances (a component found to serve one request per instance). */
  switchToFresh(prewarm: number): void {
    this.#mode = 'fresh';
    this.#prewarm = prewarm;
    this.#ready = [];
    this.#scheduleRefill();
  }

  /** Drops the idle instances (new ones are created on demand). */
  dropIdle(): void {
    this.#ready = [];
  }

  /** Drops idle instances and refuses new acquisitions; instances in use are dropped on release. */
  close(): void {
    this.#closed = true;
    this.#ready = [];
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new Error('component stopped'));
  }

  #prewarmTarget(): number {
    return Math.min(this.#prewarm, this.#max);
  }

  #serveWaiter(): void {
    if (this.#closed || this.size >= this.#max) return;
    const waiter = this.#waiters.shift();
    if (!waiter) return;
    try {
      const instance = this.#create();
      this.#inUse++;
      waiter.resolve(instance);
    } catch (err) {
      waiter.reject(err);
    }
  }

  #scheduleRefill(): void {
    if (this.#mode !== 'fresh' || this.#refillScheduled || this.#closed) return;
    if (this.#ready.length >= this.#prewarmTarget() || this.size >= this.#max) return;
    this.#refillScheduled = true;
    this.#schedule(() => {
      this.#refillScheduled = false;
      if (this.#closed || this.#mode !== 'fresh') return;
      if (this.#ready.length < this.#prewarmTarget() && this.size < this.#max) {
        try {
          this.#ready.push(this.#create());
        } catch (err) {
          this.#onCreateError(err);
          return;
        }
      }
      this.#scheduleRefill();
    });
  }
}
