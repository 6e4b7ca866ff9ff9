import { describe, expect, it } from 'vitest';
import type { ScaleComponent } from '../../../src/wadm/engine/commands.js';
import { APPSPEC_KEY, MANAGED_BY_KEY, SCALER_KEY, SPREAD_KEY } from '../../../src/wadm/engine/constants.js';
import { workloadAnnotations } from '../../../src/wadm/engine/ids.js';
import { manifestToScalers } from '../../../src/wadm/engine/manifest-to-scalers.js';
import {
  cleanupScaler,
  reconcileScaler,
  type ComponentScalerSpec,
  type ReconcileContext,
} from '../../../src/wadm/engine/scalers/index.js';
import { preferenceOrder } from '../../../src/wadm/engine/spread.js';
import { componentApp, stateWith, type HostSeed } from './helpers.js';

const IMAGE = 'ghcr.io/x/hello:0.1.0';
const COMPONENT = 'myapp-hello';

function spec(opts: Parameters<typeof componentApp>[0] = {}): ComponentScalerSpec {
  const s = manifestToScalers(componentApp(opts)).scalers[0];
  if (s.role !== 'component') throw new Error('not a component scaler');
  return s;
}
const ctxOf = (...specs: { id: string }[]): ReconcileContext => ({ appScalerIds: new Set(specs.map((s) => s.id)) });
const hosts = (...ids: string[]): HostSeed[] => ids.map((id) => ({ id }));
const ours = (s: ComponentScalerSpec, spread = 'default') => workloadAnnotations('myapp', s.id, spread);
const favourite = (ids: string[]) =>
  preferenceOrder(
    COMPONENT,
    ids.map((id) => ({ id })),
  )[0].id;

describe('component spreadscaler', () => {
  it('nothingRunning_scalesWholeSpreadOnThePreferredHost', () => {
    const s = spec({ instances: 3 });
    const r = reconcileScaler(s, stateWith(hosts('H1', 'H2', 'H3')), ctxOf(s));
    expect(r.commands).toEqual([
      {
        type: 'ScaleComponent',
        componentId: COMPONENT,
        hostId: favourite(['H1', 'H2', 'H3']),
        count: 3,
        reference: IMAGE,
        modelName: 'myapp',
        annotations: { [MANAGED_BY_KEY]: 'wadm', [APPSPEC_KEY]: 'myapp', [SCALER_KEY]: s.id, [SPREAD_KEY]: 'default' },
        config: [],
      },
    ]);
    expect(r.status).toEqual({ type: 'reconciling', message: 'Scaling component on 1 host(s)' });
    expect([r.desired, r.observed]).toEqual([3, 0]);
  });

  it('sameStateTwice_sameCommands_deterministic', () => {
    const s = spec({ instances: 2 });
    const a = reconcileScaler(s, stateWith(hosts('H1', 'H2', 'H3', 'H4')), ctxOf(s));
    const b = reconcileScaler(s, stateWith(hosts('H4', 'H3', 'H2', 'H1')), ctxOf(s));
    expect(b.commands).toEqual(a.commands);
  });

  it('targetRunning_deployedWithoutCommands', () => {
    const s = spec({ instances: 3 });
    const state = stateWith([
      { id: 'H1', components: [{ id: COMPONENT, image: IMAGE, count: 3, annotations: ours(s) }] },
      { id: 'H2' },
    ]);
    const r = reconcileScaler(s, state, ctxOf(s));
    expect(r.commands).toEqual([]);
    expect(r.status).toEqual({ type: 'deployed' });
    expect([r.desired, r.observed]).toEqual([3, 3]);
  });

  it('partlyRunningOnLessPreferredHost_growsThereInsteadOfStartingElsewhere', () => {
    const s = spec({ instances: 4 });
    const ids = ['H1', 'H2', 'H3'];
    const other = ids.find((h) => h !== favourite(ids))!;
    const state = stateWith(
      ids.map((id) => ({
        id,
        components: id === other ? [{ id: COMPONENT, image: IMAGE, count: 1, annotations: ours(s) }] : [],
      })),
    );
    const r = reconcileScaler(s, state, ctxOf(s));
    expect(r.commands).toHaveLength(1);
    expect(r.commands[0]).toMatchObject({ type: 'ScaleComponent', hostId: other, count: 4 });
  });

  it('tooManyOnTwoHosts_shrinksLeastPreferredFirst', () => {
    const s = spec({ instances: 3 });
    const ids = ['H1', 'H2'];
    const [best, worst] = preferenceOrder(
      COMPONENT,
      ids.map((id) => ({ id })),
    ).map((h) => h.id);
    const state = stateWith([
      { id: best, components: [{ id: COMPONENT, image: IMAGE, count: 2, annotations: ours(s) }] },
      { id: worst, components: [{ id: COMPONENT, image: IMAGE, count: 2, annotations: ours(s) }] },
    ]);
    const r = reconcileScaler(s, state, ctxOf(s));
    expect(r.commands).toEqual([expect.objectContaining({ type: 'ScaleComponent', hostId: worst, count: 1 })]);
  });

  it('labelRequirements_eachSpreadLandsOnAMatchingHostWithItsShare', () => {
    const s = spec({
      instances: 5,
      spreads: [
        { name: 'east', requirements: { zone: 'east' }, weight: 60 },
        { name: 'west', requirements: { zone: 'west' }, weight: 40 },
      ],
    });
    const state = stateWith([
      { id: 'E1', labels: { zone: 'east' } },
      { id: 'W1', labels: { zone: 'west' } },
      { id: 'N1', labels: { zone: 'north' } },
    ]);
    const r = reconcileScaler(s, state, ctxOf(s));
    const cmds = r.commands as ScaleComponent[];
    expect(cmds.map((c) => [c.hostId, c.count, c.annotations[SPREAD_KEY]]).sort()).toEqual([
      ['E1', 3, 'east'],
      ['W1', 2, 'west'],
    ]);
  });

  it('noEligibleHost_failedWithWadmMessage', () => {
    const s = spec({ instances: 1, spreads: [{ name: 'gpu', requirements: { gpu: 'yes' } }] });
    const r = reconcileScaler(s, stateWith(hosts('H1')), ctxOf(s));
    expect(r.commands).toEqual([]);
    expect(r.status).toEqual({
      type: 'failed',
      message: `Could not satisfy spread gpu for ${IMAGE}, 0/1 eligible hosts found.`,
    });
  });

  it('ownedInstanceOnIneligibleHost_removedBeforeAnythingElse', () => {
    const s = spec({ instances: 1, spreads: [{ name: 'east', requirements: { zone: 'east' } }] });
    const state = stateWith([
      {
        id: 'W1',
        labels: { zone: 'west' },
        components: [{ id: COMPONENT, image: IMAGE, count: 1, annotations: ours(s, 'east') }],
      },
      { id: 'E1', labels: { zone: 'east' } },
    ]);
    const r = reconcileScaler(s, state, ctxOf(s));
    expect(r.commands).toEqual([expect.objectContaining({ type: 'ScaleComponent', hostId: 'W1', count: 0 })]);
    expect(r.status).toEqual({
      type: 'reconciling',
      message: 'Found components running on ineligible hosts, removing them.',
    });
  });

  it('foreignInstanceOnIneligibleHost_leftAlone', () => {
    const s = spec({ instances: 1, spreads: [{ name: 'east', requirements: { zone: 'east' } }] });
    const state = stateWith([
      {
        id: 'W1',
        labels: { zone: 'west' },
        components: [{ id: COMPONENT, image: IMAGE, count: 1, annotations: { owner: 'me' } }],
      },
      { id: 'E1', labels: { zone: 'east' } },
    ]);
    const r = reconcileScaler(s, state, ctxOf(s));
    expect(r.commands).toEqual([expect.objectContaining({ hostId: 'E1', count: 1 })]);
  });

  it('foreignInstanceOnPreferredHost_placesOnAnotherHost', () => {
    const s = spec({ instances: 1 });
    const ids = ['H1', 'H2'];
    const fav = favourite(ids);
    const state = stateWith(
      ids.map((id) => ({
        id,
        components: id === fav ? [{ id: COMPONENT, image: IMAGE, count: 1, annotations: {} }] : [],
      })),
    );
    const r = reconcileScaler(s, state, ctxOf(s));
    expect(r.commands).toEqual([expect.objectContaining({ hostId: ids.find((h) => h !== fav), count: 1 })]);
  });

  it('everyEligibleHostRunsItForSomeoneElse_failed', () => {
    const s = spec({ instances: 1 });
    const state = stateWith([
      { id: 'H1', components: [{ id: COMPONENT, image: IMAGE, count: 1, annotations: { owner: 'other' } }] },
    ]);
    const r = reconcileScaler(s, state, ctxOf(s));
    expect(r.commands).toEqual([]);
    expect(r.status.type).toBe('failed');
  });

  it('threeSpreadsOneHost_spreadConflictFailedAndNoCommands', () => {
    const s = spec({
      instances: 103,
      spreads: [
        { name: 'ComplexOne', requirements: {}, weight: 42 },
        { name: 'ComplexThree', requirements: {}, weight: 37 },
        { name: 'ComplexFour', requirements: {}, weight: 384 },
      ],
    });
    const r = reconcileScaler(s, stateWith(hosts('H1')), ctxOf(s));
    expect(r.commands).toEqual([]);
    expect(r.status.type).toBe('failed');
    expect(r.status.message).toMatch(
      /^Spread requirement conflict: .*spread requires \d+ instances vs \d+ computed from reconciliation commands/,
    );
  });

  it('threeSpreadsThreeHosts_oneHostPerSpread', () => {
    const s = spec({
      instances: 103,
      spreads: [
        { name: 'One', requirements: {}, weight: 42 },
        { name: 'Three', requirements: {}, weight: 37 },
        { name: 'Four', requirements: {}, weight: 384 },
      ],
    });
    const r = reconcileScaler(s, stateWith(hosts('H1', 'H2', 'H3')), ctxOf(s));
    const cmds = r.commands as ScaleComponent[];
    // 103 over weights 384/42/37: floors 85/9/8 (102), the leftover goes to the heaviest.
    expect(cmds.map((c) => c.count).sort((a, b) => a - b)).toEqual([8, 9, 86]);
    expect(new Set(cmds.map((c) => c.hostId)).size).toBe(3);
    expect(r.status.type).toBe('reconciling');
  });

  it('staleInstanceOfSameAppOnOldImage_updatedInPlace', () => {
    const s = spec({ instances: 2, image: 'ghcr.io/x/hello:0.2.0' });
    const old = spec({ instances: 2, image: 'ghcr.io/x/hello:0.1.0' });
    const state = stateWith([
      { id: 'H1', components: [{ id: COMPONENT, image: 'ghcr.io/x/hello:0.1.0', count: 2, annotations: ours(old) }] },
      { id: 'H2' },
    ]);
    const r = reconcileScaler(s, state, ctxOf(s));
    expect(r.commands).toEqual([
      {
        type: 'UpdateComponent',
        componentId: COMPONENT,
        hostId: 'H1',
        reference: 'ghcr.io/x/hello:0.2.0',
        modelName: 'myapp',
        annotations: ours(s),
      },
    ]);
    expect(r.status).toEqual({ type: 'reconciling', message: 'Updating component on 1 host(s)' });
  });

  it('staleInstanceOnSameImage_relabelledAtTheSameCountOnce', () => {
    const s = spec({ instances: 2 });
    const state = stateWith([
      {
        id: 'H1',
        components: [
          {
            id: COMPONENT,
            image: IMAGE,
            count: 2,
            annotations: workloadAnnotations('myapp', 'gone-scaler', 'default'),
          },
        ],
      },
    ]);
    const r = reconcileScaler(s, state, ctxOf(s));
    expect(r.commands).toEqual([
      expect.objectContaining({ type: 'ScaleComponent', hostId: 'H1', count: 2, annotations: ours(s) }),
    ]);
    expect(r.labelled).toEqual(['H1']);
    // Hosts keep old annotations when nothing else changes: once asked, the instance counts as adopted.
    const again = reconcileScaler(s, state, { ...ctxOf(s), labelled: new Set(['H1']) });
    expect(again).toMatchObject({ commands: [], status: { type: 'deployed' }, observed: 2 });
  });

  it('instanceOfAnotherApp_neverAdopted', () => {
    const s = spec({ instances: 1 });
    const state = stateWith([
      {
        id: 'H1',
        components: [
          { id: COMPONENT, image: IMAGE, count: 1, annotations: workloadAnnotations('otherapp', 'x', 'default') },
        ],
      },
      { id: 'H2' },
    ]);
    const r = reconcileScaler(s, state, ctxOf(s));
    expect(r.commands).toEqual([expect.objectContaining({ hostId: 'H2', count: 1, annotations: ours(s) })]);
  });

  it('placeholderHostFromAStrayEvent_neverScheduledOn', () => {
    const s = spec({ instances: 1 });
    const state = stateWith(hosts('H1'));
    state.hosts.set('HP', {
      ...state.hosts.get('H1')!,
      id: 'HP',
      partial: true,
      components: new Set(),
      providers: new Set(),
    });
    const r = reconcileScaler(s, state, ctxOf(s));
    expect(r.commands).toEqual([expect.objectContaining({ hostId: 'H1' })]);
  });

  it('zeroInstances_scalesOwnedToZero', () => {
    const s = spec({ instances: 0 });
    const state = stateWith([
      { id: 'H1', components: [{ id: COMPONENT, image: IMAGE, count: 2, annotations: ours(s) }] },
    ]);
    const r = reconcileScaler(s, state, ctxOf(s));
    expect(r.commands).toEqual([expect.objectContaining({ hostId: 'H1', count: 0 })]);
  });

  it('cleanup_stopsOwnedOnly', () => {
    const s = spec({ instances: 2 });
    const state = stateWith([
      { id: 'H1', components: [{ id: COMPONENT, image: IMAGE, count: 2, annotations: ours(s) }] },
      { id: 'H2', components: [{ id: COMPONENT, image: IMAGE, count: 1, annotations: {} }] },
    ]);
    expect(cleanupScaler(s, state, ctxOf(s))).toEqual([
      expect.objectContaining({ type: 'ScaleComponent', hostId: 'H1', count: 0 }),
    ]);
  });
});

describe('component daemonscaler', () => {
  it('everyEligibleHost_getsTheInstanceCount', () => {
    const s = spec({ instances: 2, daemon: true, spreads: [{ name: 'edge', requirements: { tier: 'edge' } }] });
    const state = stateWith([
      { id: 'A', labels: { tier: 'edge' } },
      { id: 'B', labels: { tier: 'edge' } },
      { id: 'C', labels: { tier: 'core' } },
    ]);
    const r = reconcileScaler(s, state, ctxOf(s));
    expect((r.commands as ScaleComponent[]).map((c) => [c.hostId, c.count, c.annotations[SPREAD_KEY]]).sort()).toEqual([
      ['A', 2, 'edge'],
      ['B', 2, 'edge'],
    ]);
    expect(r.desired).toBe(4);
  });

  it('wrongCountOnOneHost_onlyThatHostIsScaled', () => {
    const s = spec({ instances: 2, daemon: true });
    const state = stateWith([
      { id: 'A', components: [{ id: COMPONENT, image: IMAGE, count: 2, annotations: ours(s) }] },
      { id: 'B', components: [{ id: COMPONENT, image: IMAGE, count: 5, annotations: ours(s) }] },
    ]);
    const r = reconcileScaler(s, state, ctxOf(s));
    expect(r.commands).toEqual([expect.objectContaining({ hostId: 'B', count: 2 })]);
  });

  it('hostRunningItForAnotherApp_skipped', () => {
    const s = spec({ instances: 1, daemon: true });
    const state = stateWith([
      { id: 'A', components: [{ id: COMPONENT, image: IMAGE, count: 1, annotations: { x: 'y' } }] },
      { id: 'B' },
    ]);
    const r = reconcileScaler(s, state, ctxOf(s));
    expect(r.commands).toEqual([expect.objectContaining({ hostId: 'B' })]);
  });

  it('noMatchingHost_failedWithDaemonMessage', () => {
    const s = spec({ instances: 1, daemon: true, spreads: [{ name: 'edge', requirements: { tier: 'edge' } }] });
    const r = reconcileScaler(s, stateWith(hosts('A')), ctxOf(s));
    expect(r.status).toEqual({
      type: 'failed',
      message: `Could not satisfy daemonscaler edge for ${IMAGE}, 0 eligible hosts found.`,
    });
  });

  it('allSatisfied_deployed', () => {
    const s = spec({ instances: 1, daemon: true });
    const state = stateWith([
      { id: 'A', components: [{ id: COMPONENT, image: IMAGE, count: 1, annotations: ours(s) }] },
    ]);
    expect(reconcileScaler(s, state, ctxOf(s)).status).toEqual({ type: 'deployed' });
  });
});
