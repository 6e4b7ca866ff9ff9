/**
 * Publishes app statuses to `wadm.status.{lattice}.{name}` through JetStream (stream `wadm_status`), only
 * when they changed: compared with what this engine last published, or for the first publish of an app,
 * with the last message already in the stream (so a restarted engine does not repeat itself).
 */
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { wadmStatusSubject } from '../../lattice/subjects.js';
import { readLastStatus } from '../store/status-stream.js';
import type { Status } from '../types.js';
import { BoundedQueue } from './executor.js';
import { statusKey } from './status.js';

export class StatusPublisher {
  private readonly last = new Map<string, string>();
  private readonly queue = new BoundedQueue(64);
  /** Latest status waiting to be sent per app (a newer one replaces an unsent older one). */
  private readonly pending = new Map<string, Status>();

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly lattice: string,
    private readonly onError: (err: Error, app: string) => void,
  ) {}

  publish(app: string, status: Status): void {
    const key = statusKey(status);
    if (this.last.get(app) === key) return;
    const queued = this.pending.has(app);
    this.pending.set(app, status);
    if (!queued) this.queue.push(() => this.send(app));
  }

  private async send(app: string): Promise<void> {
    const status = this.pending.get(app);
    this.pending.delete(app);
    if (!status) return;
    const key = statusKey(status);
    try {
      if (!this.last.has(app)) {
        const previous = await readLastStatus(this.jsm, this.lattice, app);
        if (previous && statusKey(previous) === key) {
          this.last.set(app, key);
          return;
        }
      }
      if (this.last.get(app) === key) return;
      await this.js.publish(wadmStatusSubject(this.lattice, app), JSON.stringify(status));
      this.last.set(app, key);
    } catch (err) {
      this.onError(err as Error, app);
    }
  }

  /** The status last published for an app by this engine. */
  lastPublished(app: string): Status | undefined {
    const key = this.last.get(app);
    return key === undefined ? undefined : (JSON.parse(key) as Status);
  }

  forget(): void {
    this.last.clear();
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }
}
