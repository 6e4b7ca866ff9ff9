import { describe, expect, it } from 'vitest';
import { computeSpread, hostMatches, mostPreferred, preferenceOrder } from '../../../src/wadm/engine/spread.js';

const sp = (name: string, weight?: number) => ({ name, requirements: {}, ...(weight !== undefined ? { weight } : {}) });
const counts = (instances: number, spreads: ReturnType<typeof sp>[]) =>
  computeSpread(instances, spreads).map((t) => [t.spread.name, t.count]);

describe('computeSpread', () => {
  it('upstreamVectors_matchWadm', () => {
    expect(counts(1, [sp('Simple', 100)])).toEqual([['Simple', 1]]);
    expect(counts(10, [sp('a', 100), sp('b', 100)])).toEqual([
      ['a', 5],
      ['b', 5],
    ]);
    expect(counts(7, [sp('a', 30), sp('b', 40)])).toEqual([
      ['b', 4],
      ['a', 3],
    ]);
    expect(counts(7, [sp('a', 100), sp('b', 100)])).toEqual([
      ['a', 4],
      ['b', 3],
    ]);
    expect(counts(10, [sp('a'), sp('b')])).toEqual([
      ['a', 5],
      ['b', 5],
    ]);
    expect(counts(12, [])).toEqual([['default', 12]]);
    expect(
      counts(103, [sp('ComplexOne', 42), sp('ComplexTwo', 3), sp('ComplexThree', 37), sp('ComplexFour', 384)]),
    ).toEqual([
      ['ComplexFour', 85],
      ['ComplexOne', 10],
      ['ComplexThree', 8],
      ['ComplexTwo', 0],
    ]);
  });

  it('workedExamples_remainderGoesToHeaviestFirst', () => {
    expect(counts(4, [sp('a', 80), sp('b', 20)])).toEqual([
      ['a', 4],
      ['b', 0],
    ]);
    expect(counts(5, [sp('a', 40), sp('b', 40), sp('c', 20)])).toEqual([
      ['a', 2],
      ['b', 2],
      ['c', 1],
    ]);
  });

  it('allZeroWeights_splitEvenlyInsteadOfDividingByZero', () => {
    expect(counts(5, [sp('a', 0), sp('b', 0)])).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
  });

  it('zeroWeightNextToOthers_getsNothing', () => {
    expect(counts(3, [sp('a', 0), sp('b', 100)])).toEqual([
      ['b', 3],
      ['a', 0],
    ]);
  });

  it('sumAlwaysEqualsInstances', () => {
    for (let n = 0; n < 50; n++) {
      const total = computeSpread(n, [sp('a', 7), sp('b', 13), sp('c', 1)]).reduce((s, t) => s + t.count, 0);
      expect(total).toBe(n);
    }
  });
});

describe('host selection', () => {
  it('hostMatches_requiresEveryLabel', () => {
    expect(hostMatches({ labels: { zone: 'a', os: 'linux' } }, { zone: 'a' })).toBe(true);
    expect(hostMatches({ labels: { zone: 'b' } }, { zone: 'a' })).toBe(false);
    expect(hostMatches({ labels: {} }, {})).toBe(true);
  });

  it('preferenceOrder_isDeterministicAndStableWhenHostsComeAndGo', () => {
    const hosts = ['H1', 'H2', 'H3', 'H4', 'H5'].map((id) => ({ id }));
    const a = preferenceOrder('comp-x', hosts).map((h) => h.id);
    expect(preferenceOrder('comp-x', [...hosts].reverse()).map((h) => h.id)).toEqual(a);
    // Removing a host other than the favourite keeps the favourite.
    const without = preferenceOrder(
      'comp-x',
      hosts.filter((h) => h.id !== a[2]),
    ).map((h) => h.id);
    expect(without[0]).toBe(a[0]);
  });

  it('preferenceOrder_sameOrderAsHashingTheWholeKey', () => {
    // Engines of different versions must place alike: the score is FNV-1a of `${key}\0${hostId}` as it always was.
    const fnv = (text: string) => {
      let h = 0x811c9dc5;
      for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
      return h >>> 0;
    };
    const hosts = Array.from({ length: 40 }, (_, i) => ({ id: `N${(i * 7919).toString(36).toUpperCase()}HOST` }));
    for (const key of ['app1-c0', 'échelle-ü', 'x']) {
      const expected = [...hosts]
        .sort((a, b) => fnv(`${key}\u0000${b.id}`) - fnv(`${key}\u0000${a.id}`) || (a.id < b.id ? -1 : 1))
        .map((h) => h.id);
      expect(preferenceOrder(key, hosts).map((h) => h.id)).toEqual(expected);
    }
  });

  it('mostPreferred_isTheFirstAcceptedHostOfThePreferenceOrder', () => {
    const hosts = Array.from({ length: 30 }, (_, i) => ({ id: `H${i}` }));
    for (let n = 0; n < 50; n++) {
      const key = `app${n}-c${n % 3}`;
      const accept = (h: { id: string }) => Number(h.id.slice(1)) % (2 + (n % 4)) !== 0;
      expect(mostPreferred(key, hosts, accept)).toBe(preferenceOrder(key, hosts).find(accept));
    }
    expect(mostPreferred('k', hosts, () => false)).toBeUndefined();
    expect(mostPreferred('k', [], () => true)).toBeUndefined();
  });

  it('preferenceOrder_spreadsDifferentWorkloadsOverHosts', () => {
    const hosts = Array.from({ length: 10 }, (_, i) => ({ id: `H${i}` }));
    const favourites = new Set(Array.from({ length: 200 }, (_, i) => preferenceOrder(`app${i}-c`, hosts)[0].id));
    expect(favourites.size).toBeGreaterThanOrEqual(8);
  });
});
