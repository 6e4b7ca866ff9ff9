/**
 * A seeded PRNG for randomised tests (mulberry32). The seed comes from `WASH_TEST_SEED` when set, else from the
 * clock; tests put `seedNote(rng)` in their assertion messages so a failure prints the seed to re-run with.
 */
export interface SeededRandom {
  readonly seed: number;
  /** [0, 1) */
  next(): number;
  int(maxExclusive: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
  shuffle<T>(xs: T[]): T[];
}

export function seededRandom(seed = seedFromEnv()): SeededRandom {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    seed: seed >>> 0,
    next,
    int,
    pick: (xs) => xs[int(xs.length)]!,
    chance: (p) => next() < p,
    shuffle(xs) {
      for (let i = xs.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [xs[i], xs[j]] = [xs[j]!, xs[i]!];
      }
      return xs;
    },
  };
}

/** `WASH_TEST_SEED` when given (an integer), else a fresh seed. */
export function seedFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = env.WASH_TEST_SEED;
  if (fromEnv !== undefined && fromEnv !== '') {
    const n = Number(fromEnv);
    if (!Number.isInteger(n)) throw new Error(`WASH_TEST_SEED must be an integer, got ${fromEnv}`);
    return n;
  }
  return (Date.now() ^ (process.pid << 16)) >>> 0;
}

export const seedNote = (rng: SeededRandom) => `(seed ${rng.seed}; re-run with WASH_TEST_SEED=${rng.seed})`;
