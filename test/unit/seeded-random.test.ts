import { describe, expect, it } from 'vitest';
import { seededRandom, seedFromEnv } from '../helpers/seeded-random.js';

describe('seededRandom', () => {
  it('replays the same sequence for a seed, a different one for another seed, within [0, 1)', () => {
    const a = Array.from({ length: 5 }, seededRandom(42).next);
    expect(Array.from({ length: 5 }, seededRandom(42).next)).toEqual(a);
    expect(Array.from({ length: 5 }, seededRandom(43).next)).not.toEqual(a);
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
  });
  it('takes WASH_TEST_SEED when given and refuses a non-integer', () => {
    expect(seedFromEnv({ WASH_TEST_SEED: '1234' })).toBe(1234);
    expect(() => seedFromEnv({ WASH_TEST_SEED: 'x' })).toThrow(/WASH_TEST_SEED/);
    expect(Number.isInteger(seedFromEnv({}))).toBe(true);
  });
});
