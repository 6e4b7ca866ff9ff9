/**
 * A seeded pseudo-random generator (mulberry32) for randomised tests: the same seed gives the same sequence,
 * so a failure can be replayed with WASH_TEST_SEED=<seed>. `seedFromEnv` picks a fresh seed unless one is given.
 */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seedFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.WASH_TEST_SEED;
  if (given !== undefined && given !== '') {
    const n = Number(given);
    if (!Number.isInteger(n)) throw new Error(`WASH_TEST_SEED must be an integer, got ${given}`);
    return n;
  }
  return Math.floor(Math.random() * 2 ** 31);
}
