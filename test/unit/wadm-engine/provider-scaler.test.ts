import { describe, expect, it } from 'vitest';
import { workloadAnnotations } from '../../../src/wadm/engine/ids.js';
import { manifestToScalers } from '../../../src/wadm/engine/manifest-to-scalers.js';
import {
  cleanupScaler,
  reconcileScaler,
  type ProviderScalerSpec,
  type ReconcileContext,
} from '../../../src/wadm/engine/scalers/index.js';
import { applyEvent } from '../../../src/wadm/engine/state.js';
import { preferenceOrder } from '../../../src/wadm/engine/spread.js';
import { evt, parseManifest, stateWith } from './helpers.js';

const IMAGE = 'ghcr.io/wasmcloud/http-server:0.23.0';
const PID = 'myapp-httpserver';

function spec(
  trait?: { type: 'spreadscaler' | 'daemonscaler'; instances: number; spread?: unknown[] },
  image = IMAGE,
): ProviderScalerSpec {
  const m = parseManifest(
    JSON.stringify({
      apiVersion: 'core.oam.dev/v1beta1',
      kind: 'Application',
      metadata: { name: 'myapp', annotations: {} },
      spec: {
        components: [
          {
            name: 'httpserver',
            type: 'capability',
            properties: { image },
            traits: trait
              ? [{ type: trait.type, properties: { instances: trait.instances, spread: trait.spread ?? [] } }]
              : [],
          },
        ],
      },
    }),
  );
  const s = manifestToScalers(m).scalers[0];
  if (s.role !== 'provider') throw new Error('not a provider scaler');
  return s;
}
const ctxOf = (s: { id: string }): ReconcileContext => ({ appScalerIds: new Set([s.id]) });
const ours = (s: ProviderScalerSpec, spread = 'default') => workloadAnnotations('myapp', s.id, spread);

describe('provider spreadscaler', () => {
  it('capabilityWithoutScalerTrait_implicitSpreadOfOne', () => {
    const s = spec();
    expect([s.kind, s.instances, s.spreads]).toEqual(['SpreadScaler', 1, []]);
    const ids = ['H1', 'H2', 'H3'];
    const r = reconcileScaler(s, stateWith(ids.map((id) => ({ id }))), ctxOf(s));
    expect(r.commands).toEqual([
      {
        type: 'StartProvider',
        providerId: PID,
        hostId: preferenceOrder(
          PID,
          ids.map((id) => ({ id })),
        )[0].id,
        reference: IMAGE,
        modelName: 'myapp',
        annotations: ours(s),
        config: [],
      },
    ]);
    expect(r.status).toEqual({ type: 'reconciling', message: 'Scaling provider on 1 host(s)' });
  });

  it('alreadyRunningForAnotherApp_countsAndStartsNothing', () => {
    const s = spec();
    const state = stateWith([
      { id: 'H1', providers: [{ id: PID, image: IMAGE, annotations: workloadAnnotations('other', 'x', 'default') }] },
      { id: 'H2' },
    ]);
    const r = reconcileScaler(s, state, ctxOf(s));
    expect(r.commands).toEqual([]);
    expect(r.status).toEqual({ type: 'deployed' });
  });

  it('moreThanWanted_stopsOnlyOwnSurplus', () => {
    const s = spec({ type: 'spreadscaler', instances: 1 });
    const state = stateWith([
      { id: 'H1', providers: [{ id: PID, image: IMAGE, annotations: ours(s) }] },
      { id: 'H2', providers: [{ id: PID, image: IMAGE, annotations: ours(s) }] },
      { id: 'H3', providers: [{ id: PID, image: IMAGE, annotations: {} }] },
    ]);
    const r = reconcileScaler(s, state, ctxOf(s));
    expect(r.commands).toHaveLength(2);
    expect(r.commands.every((c) => c.type === 'StopProvider' && c.hostId !== 'H3')).toBe(true);
  });

  it('fewerHostsThanInstances_startsWhatItCanAndFails', () => {
    const s = spec({ type: 'spreadscaler', instances: 3 });
    const r = reconcileScaler(s, stateWith([{ id: 'H1' }, { id: 'H2' }]), ctxOf(s));
    expect(r.commands.map((c) => c.type)).toEqual(['StartProvider', 'StartProvider']);
    expect(r.status).toEqual({
      type: 'failed',
      message: `Could not satisfy spread default for ${IMAGE}, 0/3 eligible hosts found.`,
    });
  });

  it('ownOnIneligibleHost_stopped', () => {
    const s = spec({ type: 'spreadscaler', instances: 1, spread: [{ name: 'edge', requirements: { tier: 'edge' } }] });
    const state = stateWith([
      { id: 'C1', labels: { tier: 'core' }, providers: [{ id: PID, image: IMAGE, annotations: ours(s, 'edge') }] },
      { id: 'E1', labels: { tier: 'edge' } },
    ]);
    const r = reconcileScaler(s, state, ctxOf(s));
    expect(r.commands).toEqual([
      { type: 'StopProvider', providerId: PID, hostId: 'C1', modelName: 'myapp', annotations: expect.any(Object) },
    ]);
    expect(r.status.message).toBe('Found providers running on ineligible hosts, removing them.');
  });

  it('failedHealthCheck_unhealthyStatus', () => {
    const s = spec();
    const state = stateWith([{ id: 'H1', providers: [{ id: PID, image: IMAGE, annotations: ours(s) }] }]);
    applyEvent(state, evt('health_check_failed', { host_id: 'H1', provider_id: PID }), 0);
    expect(reconcileScaler(s, state, ctxOf(s)).status).toEqual({
      type: 'unhealthy',
      message: 'Unhealthy provider on 1 host(s)',
    });
    applyEvent(state, evt('health_check_passed', { host_id: 'H1', provider_id: PID }), 0);
    expect(reconcileScaler(s, state, ctxOf(s)).status).toEqual({ type: 'deployed' });
  });

  it('staleInstanceOfSameApp_stoppedSoItRestartsWithNewImageAndConfig', () => {
    const s = spec();
    const state = stateWith([
      {
        id: 'H1',
        providers: [{ id: PID, image: IMAGE, annotations: workloadAnnotations('myapp', 'old-scaler', 'default') }],
      },
    ]);
    expect(reconcileScaler(s, state, ctxOf(s)).commands).toEqual([
      expect.objectContaining({ type: 'StopProvider', hostId: 'H1' }),
    ]);
  });

  it('staleInstanceOnOldImage_stoppedSoTheNewImageStarts', () => {
    const s = spec(undefined, 'ghcr.io/wasmcloud/http-server:0.24.0');
    const state = stateWith([
      {
        id: 'H1',
        providers: [{ id: PID, image: IMAGE, annotations: workloadAnnotations('myapp', 'old-scaler', 'default') }],
      },
    ]);
    const r = reconcileScaler(s, state, ctxOf(s));
    expect(r.commands).toEqual([expect.objectContaining({ type: 'StopProvider', hostId: 'H1' })]);
  });

  it('cleanup_stopsOwnedOnly', () => {
    const s = spec();
    const state = stateWith([
      { id: 'H1', providers: [{ id: PID, image: IMAGE, annotations: ours(s) }] },
      { id: 'H2', providers: [{ id: PID, image: IMAGE, annotations: {} }] },
    ]);
    expect(cleanupScaler(s, state, ctxOf(s))).toEqual([
      expect.objectContaining({ type: 'StopProvider', hostId: 'H1' }),
    ]);
  });
});

describe('provider daemonscaler', () => {
  it('startsOnEveryEligibleHostWithoutIt', () => {
    const s = spec({ type: 'daemonscaler', instances: 1 });
    const state = stateWith([
      { id: 'A' },
      { id: 'B', providers: [{ id: PID, image: IMAGE, annotations: ours(s) }] },
      { id: 'C' },
    ]);
    const r = reconcileScaler(s, state, ctxOf(s));
    expect(r.commands.map((c) => (c.type === 'StartProvider' ? c.hostId : '?')).sort()).toEqual(['A', 'C']);
    expect([r.desired, r.observed]).toEqual([3, 1]);
  });

  it('zeroInstances_stopsOwned', () => {
    const s = spec({ type: 'daemonscaler', instances: 0 });
    const state = stateWith([{ id: 'A', providers: [{ id: PID, image: IMAGE, annotations: ours(s) }] }]);
    expect(reconcileScaler(s, state, ctxOf(s)).commands).toEqual([
      expect.objectContaining({ type: 'StopProvider', hostId: 'A' }),
    ]);
  });

  it('noMatchingHost_failed', () => {
    const s = spec({ type: 'daemonscaler', instances: 1, spread: [{ name: 'edge', requirements: { tier: 'edge' } }] });
    expect(reconcileScaler(s, stateWith([{ id: 'A' }]), ctxOf(s)).status).toEqual({
      type: 'failed',
      message: `Could not satisfy daemonscaler edge for ${IMAGE}, 0 eligible hosts found.`,
    });
  });
});
