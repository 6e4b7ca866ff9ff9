/**
 * Publishes app statuses to `wadm.status.{lattice}.{name}` through JetStream (stream `wadm_status`), only
 * when they changed: compared with what this engine last published, or for the first publish of an app,
 * with the last message already in the stream (so a restarted engine does not repeat itself).
 */
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { wadmStatusSubject } from '../../lattice/subjects.js';
import { readLastPerSubject } from '../store/last-per-subject.js';
import { parseStatus, readLastStatus } from '../store/status-stream.js';
import { STATUS_STREAM, type Status } from '../types.js';
import { BoundedQueue } from './executor.js';
import { statusKey } from './status.js';

export class StatusPublisher {
  private readonly last = new Map<string, string>();
  private readonly queue = new BoundedQueue(64);
  /** Latest status (as its key, which is its JSON) waiting to be sent per app (a newer one replaces an unsent older one). */
  private readonly pending = new Map<string, string>();
  /** True once `preload` read the stream: apps it did not see have no status yet. */
  private preloaded = false;

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly lattice: string,
    private readonly onError: (err: Error, app: string) => void,
  ) {}

  /** Learns the last status of every app of the lattice in one pass over the stream (last message per subject). */
  async preload(): Promise<void> {
    await readLastPerSubject(this.js, STATUS_STREAM, wadmStatusSubject(this.lattice, '*'), (m) => {
      const app = m.subject.slice(m.subject.lastIndexOf('.') + 1);
      let status: Status | undefined;
      try {
        status = parseStatus(m.json());
      } catch {
        return; // not JSON: as if there were no status
      }
      if (status && !this.last.has(app)) this.last.set(app, statusKey(status));
    });
    this.preloaded = true;
  }

  publish(app: string, status: Status): void {
    const key = statusKey(status);
    if (this.last.get(app) === key) return;
    const queued = this.pending.has(app);
    this.pending.set(app, key);
    if (!queued) this.queue.push(() => this.send(app));
  }

  private async send(app: string): Promise<void> {
    const key = this.pending.get(app);
    this.pending.delete(app);
    if (key === undefined) return;
    try {
      if (!this.preloaded && !this.last.has(app)) {
        const previous = await readLastStatus(this.jsm, this.lattice, app);
        if (previous && statusKey(previous) === key) {
          this.last.set(app, key);
          return;
        }
      }
      if (this.last.get(app) === key) return;
      await this.js.publish(wadmStatusSubject(this.lattice, app), key); // the key is the status's JSON
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
    this.preloaded = false;
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }
}
