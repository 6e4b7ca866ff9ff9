import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  applyInventory,
  applyLinks,
  createLatticeState,
  findLinks,
  reapHosts,
} from '../../../src/wadm/engine/state.js';
import { evt, stateWith, T0 } from './helpers.js';

const inventory = (hostId: string, components: { id: string; image: string; count: number }[], labels = {}) => ({
  host_id: hostId,
  friendly_name: 'x',
  labels,
  version: '1.0.0',
  uptime_human: '1s',
  uptime_seconds: 1,
  components: components.map((c) => ({ id: c.id, image_ref: c.image, max_instances: c.count, revision: 0 })),
  providers: [],
});

describe('observed state reducers', () => {
  it('heartbeat_replacesTheHostsWorkloads', () => {
    const state = createLatticeState();
    applyInventory(
      state,
      inventory('H1', [
        { id: 'a', image: 'a:1', count: 2 },
        { id: 'b', image: 'b:1', count: 1 },
      ]),
      T0,
    );
    const touched = applyEvent(
      state,
      evt('host_heartbeat', inventory('H1', [{ id: 'a', image: 'a:1', count: 3 }]), 'H1', T0 + 30_000),
      T0 + 30_000,
    );
    expect(state.components.get('a')?.get('H1')?.count).toBe(3);
    expect(state.components.has('b')).toBe(false);
    expect(touched.componentIds?.sort()).toEqual(['a', 'b']);
    expect(state.hosts.get('H1')?.lastSeen).toBe(T0 + 30_000);
  });

  it('heartbeatWithoutChanges_touchesNothingButTheClock', () => {
    const state = createLatticeState();
    applyInventory(state, inventory('H1', [{ id: 'a', image: 'a:1', count: 2 }], { zone: 'x' }), T0);
    expect(
      applyInventory(state, inventory('H1', [{ id: 'a', image: 'a:1', count: 2 }], { zone: 'x' }), T0 + 1),
    ).toEqual({});
  });

  it('labelChange_reportedAsHostChange', () => {
    const state = createLatticeState();
    applyInventory(state, inventory('H1', [], { zone: 'x' }), T0);
    expect(applyInventory(state, inventory('H1', [], { zone: 'y' }), T0 + 1).hosts).toBe(true);
  });

  it('componentScaledToZeroForTheOldImage_afterAnUpdate_keepsTheNewRecord', () => {
    const state = stateWith([{ id: 'H1', components: [{ id: 'c', image: 'c:1', count: 2 }] }]);
    applyEvent(
      state,
      evt(
        'component_scaled',
        { component_id: 'c', image_ref: 'c:2', host_id: 'H1', max_instances: 2, annotations: {} },
        'H1',
      ),
      T0,
    );
    applyEvent(
      state,
      evt(
        'component_scaled',
        { component_id: 'c', image_ref: 'c:1', host_id: 'H1', max_instances: 0, annotations: {} },
        'H1',
      ),
      T0,
    );
    expect(state.components.get('c')?.get('H1')).toMatchObject({ imageRef: 'c:2', count: 2 });
    applyEvent(
      state,
      evt(
        'component_scaled',
        { component_id: 'c', image_ref: 'c:2', host_id: 'H1', max_instances: 0, annotations: {} },
        'H1',
      ),
      T0,
    );
    expect(state.components.has('c')).toBe(false);
  });

  it('eventFromUnknownHost_placeholderToFetchItsInventory', () => {
    const state = createLatticeState();
    const touched = applyEvent(
      state,
      evt('component_scaled', { component_id: 'c', image_ref: 'c:1', max_instances: 1, annotations: {} }, 'HNEW'),
      T0,
    );
    expect(touched.unknownHost).toBe('HNEW');
    expect(state.hosts.get('HNEW')?.partial).toBe(true);
    applyInventory(state, inventory('HNEW', [{ id: 'c', image: 'c:1', count: 1 }]), T0);
    expect(state.hosts.get('HNEW')?.partial).toBe(false);
  });

  it('hostStopped_removesHostAndEverythingOnIt', () => {
    const state = stateWith([
      { id: 'H1', components: [{ id: 'c', image: 'c:1', count: 1 }], providers: [{ id: 'p', image: 'p:1' }] },
      { id: 'H2' },
    ]);
    const touched = applyEvent(state, evt('host_stopped', { labels: {} }, 'H1'), T0);
    expect([...state.hosts.keys()]).toEqual(['H2']);
    expect(state.components.size + state.providers.size).toBe(0);
    expect(touched).toMatchObject({ hosts: true, componentIds: ['c'], providerIds: ['p'] });
  });

  it('hostStartedAgainWithSameId_forgetsWhatItRanBefore', () => {
    const state = stateWith([{ id: 'H1', components: [{ id: 'c', image: 'c:1', count: 1 }] }]);
    applyEvent(state, evt('host_started', { friendly_name: 'again', labels: { a: 'b' } }, 'H1'), T0);
    expect(state.components.size).toBe(0);
    expect(state.hosts.get('H1')?.labels).toEqual({ a: 'b' });
  });

  it('providerHealth_pendingRunningFailed', () => {
    const state = stateWith([{ id: 'H1' }]);
    applyEvent(
      state,
      evt('provider_started', { provider_id: 'p', image_ref: 'p:1', host_id: 'H1', annotations: {} }, 'H1'),
      T0,
    );
    expect(state.providers.get('p')?.get('H1')?.health).toBe('pending');
    applyEvent(state, evt('health_check_status', { provider_id: 'p', host_id: 'H1' }, 'H1'), T0);
    expect(state.providers.get('p')?.get('H1')?.health).toBe('running');
    applyEvent(state, evt('health_check_failed', { provider_id: 'p', host_id: 'H1' }, 'H1'), T0);
    expect(state.providers.get('p')?.get('H1')?.health).toBe('failed');
    applyEvent(state, evt('provider_stopped', { provider_id: 'p', host_id: 'H1', annotations: {} }, 'H1'), T0);
    expect(state.providers.size).toBe(0);
  });

  it('links_setReplacesSameTarget_deleteRemovesIdentity', () => {
    const state = createLatticeState();
    const link = {
      source_id: 's',
      target: 't',
      name: 'default',
      wit_namespace: 'wasi',
      wit_package: 'http',
      interfaces: ['a'],
      source_config: [],
      target_config: [],
    };
    applyLinks(state, [link]);
    applyEvent(state, evt('linkdef_set', { ...link, interfaces: ['a', 'b'] }), T0);
    expect(findLinks(state, 's', 'wasi', 'http', 'default')).toEqual([{ ...link, interfaces: ['a', 'b'] }]);
    applyEvent(
      state,
      evt('linkdef_deleted', { source_id: 's', name: 'default', wit_namespace: 'wasi', wit_package: 'http' }),
      T0,
    );
    expect(findLinks(state, 's', 'wasi', 'http', 'default')).toEqual([]);
  });

  it('configEvents_setMakesValueUnknownUntilReRead_deleteMakesItAbsent', () => {
    const state = createLatticeState();
    applyEvent(state, evt('config_set', { config_name: 'x' }), T0);
    expect(state.configs.get('x')).toEqual({ state: 'unknown' });
    applyEvent(state, evt('config_deleted', { config_name: 'x' }), T0);
    expect(state.configs.get('x')).toEqual({ state: 'absent' });
  });

  it('reaper_dropsHostsSilentLongerThanTheTtl', () => {
    const state = stateWith([{ id: 'OLD', components: [{ id: 'c', image: 'c:1', count: 1 }] }], T0);
    applyInventory(state, inventory('NEW', []), T0 + 60_000);
    expect(reapHosts(state, T0 + 70_001, 70_000)).toEqual(['OLD']);
    expect([...state.hosts.keys()]).toEqual(['NEW']);
    expect(state.components.size).toBe(0);
  });
});
