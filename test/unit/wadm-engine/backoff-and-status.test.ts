import { describe, expect, it } from 'vitest';
import {
  newRuntime,
  observeScalerEvent,
  scalerCommandFailed,
  scalerCommandNotSent,
  scalerCommandQueued,
  scalerCommandSent,
  scalerDeadline,
  stepScaler,
} from '../../../src/wadm/engine/backoff.js';
import { APPSPEC_KEY, MANAGED_BY_KEY, SCALER_KEY, SPREAD_KEY } from '../../../src/wadm/engine/constants.js';
import { manifestToScalers } from '../../../src/wadm/engine/manifest-to-scalers.js';
import type { ComponentScalerSpec } from '../../../src/wadm/engine/scalers/index.js';
import { applyConfig, applyEvent } from '../../../src/wadm/engine/state.js';
import { aggregateStatus, aggregateStatusType } from '../../../src/wadm/engine/status.js';
import { componentApp, evt, parseManifest, stateWith, T0 } from './helpers.js';

const COMPONENT = 'myapp-hello';

function wrapped(instances = 1) {
  const spec = manifestToScalers(componentApp({ instances })).scalers[0] as ComponentScalerSpec;
  return { spec, rt: newRuntime(spec), ctx: { appScalerIds: new Set([spec.id]) } };
}

function scaled(hostId: string, spec: ComponentScalerSpec, count: number, now = T0) {
  return evt(
    'component_scaled',
    {
      component_id: COMPONENT,
      image_ref: spec.reference,
      host_id: hostId,
      max_instances: count,
      annotations: { [MANAGED_BY_KEY]: 'wadm', [APPSPEC_KEY]: 'myapp', [SCALER_KEY]: spec.id, [SPREAD_KEY]: 'default' },
    },
    hostId,
    now,
  );
}

describe('backoff wrapper', () => {
  it('commandsInFlight_noDuplicateUntilTheEventArrives', () => {
    const { spec, rt, ctx } = wrapped(2);
    const state = stateWith([{ id: 'H1' }]);
    expect(stepScaler(rt, state, ctx, T0).commands).toHaveLength(1);
    const waiting = stepScaler(rt, state, ctx, T0 + 1000);
    expect(waiting.commands).toEqual([]);
    expect(waiting.status.type).toBe('reconciling');
    const e = scaled('H1', spec, 2, T0 + 1500);
    applyEvent(state, e, T0 + 1500);
    expect(observeScalerEvent(rt, e, T0 + 1500)).toBe(true);
    const done = stepScaler(rt, state, ctx, T0 + 1600);
    expect(done.commands).toEqual([]);
    expect(done.status).toEqual({ type: 'deployed' });
  });

  it('expectedEventNeverComes_reissuedAfterTheFiveSecondWindow', () => {
    const { rt, ctx } = wrapped();
    const state = stateWith([{ id: 'H1' }]);
    stepScaler(rt, state, ctx, T0);
    expect(scalerDeadline(rt)).toBe(T0 + 5000);
    expect(stepScaler(rt, state, ctx, T0 + 4999).commands).toEqual([]);
    expect(stepScaler(rt, state, ctx, T0 + 5000).commands).toHaveLength(1);
  });

  it('commandQueuedBeforeSending_windowStartsWhenItIsSent', () => {
    const { rt, ctx } = wrapped();
    const state = stateWith([{ id: 'H1' }]);
    const [cmd] = stepScaler(rt, state, ctx, T0).commands;
    scalerCommandSent(rt, cmd, T0 + 4000);
    expect(scalerDeadline(rt)).toBe(T0 + 9000);
    expect(stepScaler(rt, state, ctx, T0 + 6000).commands).toEqual([]);
    expect(stepScaler(rt, state, ctx, T0 + 9000).commands).toHaveLength(1);
  });

  it('commandStillQueuedAfterTheWindow_notIssuedAgain', () => {
    const { rt, ctx } = wrapped();
    const state = stateWith([{ id: 'H1' }]);
    const [cmd] = stepScaler(rt, state, ctx, T0).commands;
    scalerCommandQueued(rt, cmd);
    expect(scalerDeadline(rt)).toBeUndefined();
    expect(stepScaler(rt, state, ctx, T0 + 60_000).commands).toEqual([]);
    scalerCommandSent(rt, cmd, T0 + 60_000);
    expect(scalerDeadline(rt)).toBe(T0 + 65_000);
    expect(stepScaler(rt, state, ctx, T0 + 64_999).commands).toEqual([]);
    expect(stepScaler(rt, state, ctx, T0 + 65_000).commands).toHaveLength(1);
  });

  it('queuedCommandDroppedUnsent_nextPassIssuesItAgain', () => {
    const { rt, ctx } = wrapped();
    const state = stateWith([{ id: 'H1' }]);
    const [cmd] = stepScaler(rt, state, ctx, T0).commands;
    scalerCommandQueued(rt, cmd);
    scalerCommandNotSent(rt, cmd);
    expect(scalerDeadline(rt)).toBeUndefined();
    expect(stepScaler(rt, state, ctx, T0 + 10).commands).toEqual([cmd]);
  });

  it('failureEvent_failedForFiveSecondsThenRetries', () => {
    const { spec, rt, ctx } = wrapped();
    const state = stateWith([{ id: 'H1' }]);
    stepScaler(rt, state, ctx, T0);
    const fail = evt(
      'component_scale_failed',
      {
        component_id: COMPONENT,
        image_ref: spec.reference,
        host_id: 'H1',
        max_instances: 1,
        annotations: {},
        error: 'failed to fetch component',
      },
      'H1',
      T0 + 100,
    );
    expect(observeScalerEvent(rt, fail, T0 + 100)).toBe(true);
    const held = stepScaler(rt, state, ctx, T0 + 200);
    expect(held).toMatchObject({ commands: [], status: { type: 'failed', message: 'failed to fetch component' } });
    expect(stepScaler(rt, state, ctx, T0 + 5099).commands).toEqual([]);
    expect(stepScaler(rt, state, ctx, T0 + 5100).commands).toHaveLength(1);
  });

  it('unrelatedEvent_doesNotSettleAnything', () => {
    const { spec, rt, ctx } = wrapped();
    stepScaler(rt, stateWith([{ id: 'H1' }]), ctx, T0);
    expect(observeScalerEvent(rt, scaled('H2', spec, 1), T0)).toBe(false);
    expect(rt.expected).toHaveLength(1);
  });

  it('controlRequestFailed_surfacesAsFailedStatus', () => {
    const { rt, ctx } = wrapped();
    const state = stateWith([{ id: 'H1' }]);
    const [cmd] = stepScaler(rt, state, ctx, T0).commands;
    scalerCommandFailed(rt, cmd, 'scale request failed: host is stopping', T0 + 10);
    expect(rt.expected).toEqual([]);
    expect(stepScaler(rt, state, ctx, T0 + 20).status).toEqual({
      type: 'failed',
      message: 'scale request failed: host is stopping',
    });
  });

  it('ownedConfigMissing_configPutBeforeTheWorkload', () => {
    const m = parseManifest(
      JSON.stringify({
        apiVersion: 'core.oam.dev/v1beta1',
        kind: 'Application',
        metadata: { name: 'myapp', annotations: {} },
        spec: {
          components: [
            {
              name: 'hello',
              type: 'component',
              properties: { image: 'x:1', config: [{ name: 'greeting', properties: { text: 'hi' } }] },
              traits: [{ type: 'spreadscaler', properties: { instances: 1 } }],
            },
          ],
        },
      }),
    );
    const spec = manifestToScalers(m).scalers[0];
    const rt = newRuntime(spec);
    const ctx = { appScalerIds: new Set([spec.id]) };
    const state = stateWith([{ id: 'H1' }]);
    applyConfig(state, 'myapp-greeting', { state: 'absent' });
    expect(stepScaler(rt, state, ctx, T0).commands).toEqual([
      { type: 'PutConfig', name: 'myapp-greeting', values: { text: 'hi' } },
    ]);
    const set = evt('config_set', { config_name: 'myapp-greeting' }, 'H1', T0 + 10);
    applyEvent(state, set, T0 + 10);
    observeScalerEvent(rt, set, T0 + 10);
    applyConfig(state, 'myapp-greeting', { state: 'present', values: { text: 'hi' } });
    expect(stepScaler(rt, state, ctx, T0 + 20).commands).toEqual([
      expect.objectContaining({ type: 'ScaleComponent', config: ['myapp-greeting'] }),
    ]);
  });

  it('externalConfigMissing_failedAndWorkloadNotStarted', () => {
    const m = parseManifest(
      JSON.stringify({
        apiVersion: 'core.oam.dev/v1beta1',
        kind: 'Application',
        metadata: { name: 'myapp', annotations: {} },
        spec: {
          components: [
            {
              name: 'hello',
              type: 'component',
              properties: { image: 'x:1', config: [{ name: 'ops-settings' }] },
              traits: [{ type: 'spreadscaler', properties: { instances: 1 } }],
            },
          ],
        },
      }),
    );
    const spec = manifestToScalers(m).scalers[0];
    const state = stateWith([{ id: 'H1' }]);
    applyConfig(state, 'ops-settings', { state: 'absent' });
    const r = stepScaler(newRuntime(spec), state, { appScalerIds: new Set([spec.id]) }, T0);
    expect(r).toMatchObject({
      commands: [],
      status: { type: 'failed', message: 'Specified configuration ops-settings does not exist' },
    });
  });
});

describe('status aggregation', () => {
  it('precedence_failedUndeployedWaitingReconcilingUnhealthyDeployed', () => {
    expect(aggregateStatusType([])).toBe('undeployed');
    expect(aggregateStatusType(['deployed', 'deployed'])).toBe('deployed');
    expect(aggregateStatusType(['deployed', 'unhealthy'])).toBe('unhealthy');
    expect(aggregateStatusType(['unhealthy', 'reconciling', 'deployed'])).toBe('reconciling');
    expect(aggregateStatusType(['reconciling', 'waiting'])).toBe('waiting');
    expect(aggregateStatusType(['waiting', 'undeployed'])).toBe('undeployed');
    expect(aggregateStatusType(['undeployed', 'failed', 'deployed'])).toBe('failed');
  });

  it('messages_nonEmptyTrimmedJoinedWithComma', () => {
    const s = aggregateStatus([
      {
        id: 'a',
        kind: 'SpreadScaler',
        name: 'x',
        status: { type: 'reconciling', message: ' Scaling component on 1 host(s) ' },
      },
      { id: 'b', kind: 'LinkScaler', name: 'y', status: { type: 'deployed' } },
      { id: 'c', kind: 'SpreadScaler', name: 'z', status: { type: 'failed', message: 'boom' } },
    ]);
    expect(s.status).toEqual({ type: 'failed', message: 'Scaling component on 1 host(s), boom' });
    expect(s.version).toBe('');
    expect(s.components).toEqual([]);
  });

  it('noScalers_undeployedWithoutScalersKey', () => {
    const s = aggregateStatus([]);
    expect(s).toEqual({ status: { type: 'undeployed' }, version: '', components: [] });
  });
});
