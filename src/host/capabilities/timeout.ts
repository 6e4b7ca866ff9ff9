export class CapabilityTimeout extends Error {
  override name = 'CapabilityTimeout';
}

interface Deadline {
  at: number;
  expire: () => void;
  settled: boolean;
}

/**
 * Deadlines of one length, in the order they were set (so also in deadline order), watched by one timer.
 * A capability call costs an array push instead of a setTimeout/clearTimeout pair — those were a visible
 * share of a ~40 µs Redis call. A settled entry is dropped when the timer reaches it.
 */
class DeadlineQueue {
  #items: Deadline[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly ms: number) {}

  add(expire: () => void): Deadline {
    const deadline: Deadline = { at: performance.now() + this.ms, expire, settled: false };
    this.#items.push(deadline);
    if (!this.#timer) this.#arm(this.ms);
    return deadline;
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, Math.ceil(ms)));
    // A host stays up through its servers and connections; a pending deadline alone keeps no process alive.
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    const now = performance.now();
    while (this.#head < this.#items.length) {
      const d = this.#items[this.#head];
      if (!d.settled && d.at > now) break;
      this.#head++;
      if (!d.settled) {
        d.settled = true;
        d.expire();
      }
    }
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
      return;
    }
    if (this.#head > 1024) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    this.#arm(this.#items[this.#head].at - now);
  }
}

const queues = new Map<number, DeadlineQueue>();

/** `work`, or a CapabilityTimeout after `ms` (the work itself is not cancelled; its late result is dropped). */
export function bounded<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let queue = queues.get(ms);
  if (!queue) queues.set(ms, (queue = new DeadlineQueue(ms)));
  const q = queue;
  return new Promise<T>((resolve, reject) => {
    const deadline = q.add(() => reject(new CapabilityTimeout(`${what} did not answer within ${ms} ms`)));
    work.then(
      (value) => {
        deadline.settled = true;
        resolve(value);
      },
      (err: unknown) => {
        deadline.settled = true;
        reject(err);
      },
    );
  });
}
