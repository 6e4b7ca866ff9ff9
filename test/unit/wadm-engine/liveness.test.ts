import { describe, expect, it } from 'vitest';
import { judgeProbe, livenessOptions, LivenessProbe, type ObservedHost } from '../../../src/wadm/engine/liveness.js';

const h = (id: string, lastSeen = 0): ObservedHost => ({ id, lastSeen });

describe('liveness probe', () => {
  it('judgeProbe_dropsAHostSilentForThresholdProbesInARow', () => {
    const missed = new Map<string, number>();
    const hosts = [h('A'), h('B')];
    expect(judgeProbe(missed, hosts, new Set(['A']), 100, 2)).toEqual([]);
    expect(missed.get('B')).toBe(1);
    expect(judgeProbe(missed, hosts, new Set(['A']), 200, 2)).toEqual(['B']);
    expect(missed.size).toBe(0);
  });

  it('judgeProbe_anythingHeardSinceTheProbeStarted_resetsTheCount', () => {
    const missed = new Map<string, number>([['B', 1]]);
    expect(judgeProbe(missed, [h('A'), h('B', 250)], new Set(['A']), 200, 2)).toEqual([]);
    expect(missed.has('B')).toBe(false);
  });

  it('judgeProbe_nobodyAnswering_countsNothing_ourConnectionIsTheSuspect', () => {
    const missed = new Map<string, number>([
      ['A', 1],
      ['B', 1],
    ]);
    expect(judgeProbe(missed, [h('A'), h('B')], new Set(), 200, 2)).toEqual([]);
    expect(missed).toEqual(
      new Map([
        ['A', 1],
        ['B', 1],
      ]),
    );
  });

  it('judgeProbe_forgetsHostsNoLongerKnown', () => {
    const missed = new Map<string, number>([['GONE', 1]]);
    judgeProbe(missed, [h('A')], new Set(['A']), 1, 3);
    expect(missed.size).toBe(0);
  });

  it('probe_reportsAnsweredAndDead_skipsOverlappingTicks_andPingFailures', async () => {
    let t = 1000;
    const known = new Map<string, ObservedHost>([
      ['A', h('A', 0)],
      ['B', h('B', 0)],
    ]);
    const answered: string[][] = [];
    const dead: string[][] = [];
    let fail = false;
    let release: (() => void) | undefined;
    const probe = new LivenessProbe(
      {
        ping: async () => {
          if (fail) throw new Error('no connection');
          if (release === undefined)
            await new Promise<void>((r) => {
              release = r;
            });
          return ['A'];
        },
        hosts: () => known.values(),
        onAnswered: (ids, at) => {
          answered.push([...ids]);
          for (const id of ids) known.get(id)!.lastSeen = at;
        },
        onDead: (ids) => dead.push([...ids]),
        now: () => (t += 10),
      },
      livenessOptions(1000, 2),
    );
    const first = probe.tick();
    await probe.tick(); // skipped: the first is still collecting
    release!();
    await first;
    fail = true;
    await probe.tick(); // a failed ping counts nothing
    fail = false;
    await probe.tick();
    expect(answered).toEqual([['A'], ['A']]);
    expect(dead).toEqual([['B']]);
  });

  it('options_windowFitsTheInterval_zeroDisables', () => {
    expect(livenessOptions()).toEqual({ intervalMs: 1000, windowMs: 750, misses: 2 });
    expect(livenessOptions(400, 0)).toEqual({ intervalMs: 400, windowMs: 300, misses: 1 });
    expect(livenessOptions(0).intervalMs).toBe(0);
  });
});
