import { describe, expect, it } from 'vitest';
import { InstancePool } from '../../../src/host/runtime/pool.js';

function harness(mode: 'reuse' | 'fresh', max: number, prewarm = 0) {
  let created = 0;
  const queue: (() => void)[] = [];
  const pool = new InstancePool<number>({
    create: () => ++created,
    max,
    mode,
    prewarm,
    schedule: (work) => queue.push(work),
  });
  const runScheduled = () => {
    while (queue.length > 0) queue.shift()!();
  };
  return { pool, runScheduled, created: () => created, scheduled: () => queue.length };
}

describe('InstancePool', () => {
  it('reuses a released healthy instance', () => {
    const { pool, created } = harness('reuse', 2);
    const a = pool.acquire() as number;
    pool.release(a, true);
    expect(pool.acquire()).toBe(a);
    expect(created()).toBe(1);
  });

  it('drops an unhealthy instance and creates a new one next time', () => {
    const { pool } = harness('reuse', 2);
    const a = pool.acquire() as number;
    pool.release(a, false);
    expect(pool.size).toBe(0);
    expect(pool.acquire()).not.toBe(a);
  });

  it('creates up to max concurrently, then queues until a release', async () => {
    const { pool } = harness('reuse', 2);
    const a = pool.acquire() as number;
    const b = pool.acquire() as number;
    expect(a).not.toBe(b);
    const waiting = pool.acquire();
    expect(waiting).toBeInstanceOf(Promise);
    expect(pool.waiting).toBe(1);
    pool.release(a, true);
    await expect(waiting).resolves.toBe(a);
    expect(pool.inUse).toBe(2);
  });

  it('serves a waiter with a new instance when the released one was broken', async () => {
    const { pool } = harness('reuse', 1);
    const a = pool.acquire() as number;
    const waiting = pool.acquire() as Promise<number>;
    pool.release(a, false);
    const b = await waiting;
    expect(b).not.toBe(a);
    expect(pool.size).toBe(1);
  });

  it('never reuses in fresh mode and refills the pre-warmed set in the background', () => {
    const { pool, runScheduled, created } = harness('fresh', 5, 2);
    pool.warmUp();
    expect(created()).toBe(2);
    const a = pool.acquire() as number;
    pool.release(a, true);
    runScheduled();
    expect(pool.size).toBe(2);
    const seen = new Set<number>();
    for (let i = 0; i < 4; i++) {
      const x = pool.acquire() as number;
      expect(seen.has(x)).toBe(false);
      seen.add(x);
      pool.release(x, true);
      runScheduled();
    }
    expect(seen.has(a)).toBe(false);
  });

  it('lowering max trims idle instances; raising it serves waiters', async () => {
    const { pool } = harness('reuse', 3);
    const xs = [pool.acquire(), pool.acquire(), pool.acquire()] as number[];
    for (const x of xs) pool.release(x, true);
    expect(pool.size).toBe(3);
    pool.setMax(1);
    expect(pool.size).toBe(1);
    const held = pool.acquire() as number;
    const waiting = pool.acquire();
    expect(waiting).toBeInstanceOf(Promise);
    pool.setMax(2);
    await expect(waiting).resolves.toBeTypeOf('number');
    expect(pool.inUse).toBe(2);
    pool.release(held, true);
  });

  it('close rejects waiters and refuses new work', async () => {
    const { pool } = harness('reuse', 1);
    const a = pool.acquire() as number;
    const waiting = pool.acquire() as Promise<number>;
    pool.close();
    await expect(waiting).rejects.toThrow(/stopped/);
    pool.release(a, true);
    expect(pool.size).toBe(0);
    expect(() => pool.acquire()).toThrow(/closed/);
  });

  it('switchToFresh stops reusing', () => {
    const { pool, runScheduled } = harness('reuse', 3);
    const a = pool.acquire() as number;
    pool.release(a, true);
    pool.switchToFresh(1);
    runScheduled();
    const b = pool.acquire() as number;
    expect(b).not.toBe(a);
    expect(pool.mode).toBe('fresh');
  });
});
