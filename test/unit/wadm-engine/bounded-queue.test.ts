import { describe, expect, it } from 'vitest';
import { BoundedQueue } from '../../../src/wadm/engine/executor.js';

describe('BoundedQueue', () => {
  it('thousandsOfTasks_runInOrderNeverMoreThanTheLimitAtOnce', async () => {
    const q = new BoundedQueue(8);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      q.push(async () => {
        started.push(i);
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((r) => setImmediate(r));
        running -= 1;
        if (i % 7 === 0) throw new Error('a failing task does not stop the queue');
      });
    }
    expect(q.size).toBe(10_000);
    await q.idle();
    expect(q.size).toBe(0);
    expect(peak).toBe(8);
    expect(started).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
  });

  it('idle_resolvesAtOnceWhenEmptyAndAgainAfterNewWork', async () => {
    const q = new BoundedQueue(2);
    await q.idle();
    let done = 0;
    for (let i = 0; i < 5; i++) q.push(async () => void (done += 1));
    await q.idle();
    expect(done).toBe(5);
  });
});
