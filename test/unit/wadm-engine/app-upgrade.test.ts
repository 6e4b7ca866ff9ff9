import { describe, expect } from 'vitest';
import {
  appConfigNames,
  createApp,
  reconcileApp,
  undeployApp,
  upgradeApp,
  type AppRuntime,
} from '../../../src/wadm/engine/app.js';
import type { Command, TaggedCommand } from '../../../src/wadm/engine/commands.js';
import { NO_HOSTS_MESSAGE } from '../../../src/wadm/types.js';
import { createLatticeState, type LatticeState } from '../../../src/wadm/engine/state.js';
import { configsAbsent, converge, fixture, itWithFixtures, runOnHosts, stateWith, T0 } from './helpers.js';

const cmds = (tagged: readonly TaggedCommand[]): Command[] => tagged.map((t) => t.command);
const brief = (c: Command): string => {
  switch (c.type) {
    case 'ScaleComponent':
      return `scale ${c.componentId} ${c.count}`;
    case 'UpdateComponent':
      return `update ${c.componentId} ${c.reference}`;
    case 'StartProvider':
      return `start ${c.providerId} ${c.reference}${c.config.length ? ` [${c.config.join(',')}]` : ''}`;
    case 'StopProvider':
      return `stop ${c.providerId}`;
    case 'PutLink':
      return `link ${c.link.source_id}->${c.link.target}`;
    case 'DeleteLink':
      return `unlink ${c.sourceId} ${c.namespace}:${c.package} ${c.name}`;
    case 'PutConfig':
      return `config ${c.name}=${JSON.stringify(c.values)}`;
    case 'DeleteConfig':
      return `delconfig ${c.name}`;
  }
};

function deployed(file: string, state: LatticeState): AppRuntime {
  const app = createApp(fixture(file));
  configsAbsent(state, appConfigNames(app));
  converge(app, state);
  return app;
}

/** Upgrade as the engine does: cleanup first, then reconcile until quiet. */
function upgrade(app: AppRuntime, file: string, state: LatticeState) {
  const u = upgradeApp(app, fixture(file), state);
  configsAbsent(state, appConfigNames(u.app));
  runOnHosts(state, u.app, u.cleanup, T0 + 1000);
  const run = converge(u.app, state, T0 + 2000);
  return { ...u, ...run };
}

describe('reconcileApp', () => {
  itWithFixtures('noHostsInLattice_waitingAndNoCommands', () => {
    const app = createApp(fixture('outdatedapp.yaml'));
    const { commands, status } = reconcileApp(app, createLatticeState(), T0);
    expect(commands).toEqual([]);
    expect(status.status).toEqual({ type: 'waiting', message: NO_HOSTS_MESSAGE });
    expect(status.scalers?.every((s) => s.status.type === 'waiting')).toBe(true);
  });

  itWithFixtures('freshDeploy_configsFirstThenWorkloadsAndLinks_thenDeployed', () => {
    const state = stateWith([{ id: 'H1' }, { id: 'H2' }]);
    const app = createApp(fixture('outdatedapp.yaml'));
    configsAbsent(state, appConfigNames(app));
    const first = reconcileApp(app, state, T0);
    expect(first.status.status.type).toBe('reconciling');
    runOnHosts(state, app, first.commands, T0 + 1);
    const run = converge(app, state);
    const all = [...cmds(first.commands), ...cmds(run.issued)].map(brief).sort();
    expect(all).toEqual([
      'config updateapp-dog_fetcher_address={"address":"0.0.0.0:8081"}',
      'config updateapp-hello_world_address={"address":"0.0.0.0:8080"}',
      'config updateapp-kvconfig={"URL":"redis://127.0.0.1:6379"}',
      'link http_server->http_hello_world',
      'link http_server->updateapp-dog_fetcher',
      'link updateapp-kvcounter->keyvalue_redis',
      'scale http_hello_world 3',
      'scale updateapp-dog_fetcher 5',
      'scale updateapp-kvcounter 3',
      'start http_server ghcr.io/wasmcloud/http-server:0.20.1',
      'start keyvalue_redis ghcr.io/wasmcloud/keyvalue-redis:0.26.0',
    ]);
    expect(run.status.status).toEqual({ type: 'deployed' });
    expect(run.status.scalers?.find((s) => s.name === 'updateapp-dog_fetcher')).toMatchObject({
      desired: 5,
      observed: 5,
    });
    const used = new Set(
      [...state.components.values(), ...state.providers.values()].flatMap((byHost) => [...byHost.keys()]),
    );
    expect(run.status.observed).toEqual({ hosts: used.size, components: 11, providers: 2, links: 3 });
  });

  itWithFixtures('sameStateAgain_noCommands_levelBased', () => {
    const state = stateWith([{ id: 'H1' }]);
    const app = deployed('outdatedapp.yaml', state);
    expect(reconcileApp(app, state, T0 + 60_000).commands).toEqual([]);
  });
});

describe('upgrade and rollback (outdatedapp → upgradedapp → upgradedapp2)', () => {
  itWithFixtures('upgrade_unchangedScalersKept_removedCleanedUp_imageChangeUpdatedInPlace', () => {
    const state = stateWith([{ id: 'H1' }, { id: 'H2' }]);
    const before = deployed('outdatedapp.yaml', state);
    const helloId = before.scalers.find((s) => s.spec.name === 'http_hello_world')!.spec.id;
    const u = upgrade(before, 'upgradedapp.yaml', state);

    expect(u.kept).toContain(helloId);
    expect(u.kept).toHaveLength(3); // hello-world spreadscaler and both http links (same config names)
    expect(cmds(u.cleanup).map(brief)).toEqual([
      'scale updateapp-kvcounter 0',
      'unlink updateapp-kvcounter wasi:keyvalue default',
      'stop keyvalue_redis',
      'delconfig updateapp-kvconfig',
    ]);
    const issued = cmds(u.issued).map(brief);
    expect(issued).toContain('update updateapp-dog_fetcher ghcr.io/wasmcloud/components/dog-fetcher-rust:0.1.1');
    expect(issued).toContain('scale updateapp-echo_messaging 1');
    expect(issued).toContain('config updateapp-hello_world_address={"address":"0.0.0.0:8082"}');
    expect(issued).toContain('stop http_server');
    expect(issued).toContain('start http_server ghcr.io/wasmcloud/http-server:0.23.0');
    // Zero downtime: the component whose image changed is never scaled down or restarted.
    expect(issued.filter((c) => c.startsWith('scale updateapp-dog_fetcher'))).toEqual([]);
    expect(u.status.status).toEqual({ type: 'deployed' });
    expect(state.components.get('updateapp-dog_fetcher')?.size).toBe(1);
    expect([...state.components.get('updateapp-dog_fetcher')!.values()][0]).toMatchObject({
      imageRef: 'ghcr.io/wasmcloud/components/dog-fetcher-rust:0.1.1',
      count: 5,
    });
    expect(state.components.has('updateapp-kvcounter')).toBe(false);
    expect(state.providers.has('keyvalue_redis')).toBe(false);
  });

  itWithFixtures('upgrade2_providerConfigAdded_providerRestartedWithConfig_linkConfigRestored', () => {
    const state = stateWith([{ id: 'H1' }]);
    let app = deployed('outdatedapp.yaml', state);
    app = upgrade(app, 'upgradedapp.yaml', state).app;
    const u = upgrade(app, 'upgradedapp2.yaml', state);
    expect(cmds(u.cleanup)).toEqual([]);
    const issued = cmds(u.issued).map(brief);
    expect(issued).toEqual(
      expect.arrayContaining([
        'config updateapp-http_config={"number":"1"}',
        'config updateapp-hello_world_address={"address":"0.0.0.0:8080"}',
        'stop http_server',
        'start http_server ghcr.io/wasmcloud/http-server:0.23.0 [updateapp-http_config]',
      ]),
    );
    expect(issued.some((c) => c.startsWith('scale') || c.startsWith('update'))).toBe(false);
    expect(u.status.status.type).toBe('deployed');
  });

  itWithFixtures('rollback_toOutdated_imageUpdatedBackAndRemovedWorkloadsReturn', () => {
    const state = stateWith([{ id: 'H1' }, { id: 'H2' }]);
    let app = deployed('outdatedapp.yaml', state);
    app = upgrade(app, 'upgradedapp2.yaml', state).app;
    const back = upgrade(app, 'outdatedapp.yaml', state);
    const issued = cmds(back.issued).map(brief);
    expect(issued).toContain('update updateapp-dog_fetcher ghcr.io/wasmcloud/components/dog-fetcher-rust:0.1.0');
    expect(issued).toContain('scale updateapp-kvcounter 3');
    expect(issued).toContain('start keyvalue_redis ghcr.io/wasmcloud/keyvalue-redis:0.26.0');
    expect(cmds(back.cleanup).map(brief)).toEqual([
      'scale updateapp-echo_messaging 0',
      'delconfig updateapp-http_config',
    ]);
    expect(back.status.status.type).toBe('deployed');
  });

  itWithFixtures('redeploySameVersion_everythingKeptNothingCleaned', () => {
    const state = stateWith([{ id: 'H1' }]);
    const app = deployed('upgradedapp.yaml', state);
    const u = upgradeApp(app, fixture('upgradedapp.yaml'), state);
    expect(u.removed).toEqual([]);
    expect(u.cleanup).toEqual([]);
    expect(reconcileApp(u.app, state, T0 + 10_000).commands).toEqual([]);
  });

  itWithFixtures('undeploy_removesOwnedWorkloadsLinksAndOwnedConfigs', () => {
    const state = stateWith([{ id: 'H1' }]);
    const app = deployed('outdatedapp.yaml', state);
    const cleanup = cmds(undeployApp(app, state)).map(brief).sort();
    expect(cleanup).toEqual([
      'delconfig updateapp-dog_fetcher_address',
      'delconfig updateapp-hello_world_address',
      'delconfig updateapp-kvconfig',
      'scale http_hello_world 0',
      'scale updateapp-dog_fetcher 0',
      'scale updateapp-kvcounter 0',
      'stop http_server',
      'stop keyvalue_redis',
      'unlink http_server wasi:http dog',
      'unlink http_server wasi:http hello',
      'unlink updateapp-kvcounter wasi:keyvalue default',
    ]);
    runOnHosts(state, undefined, undeployApp(app, state), T0 + 5000);
    expect(state.components.size + state.providers.size + state.links.size).toBe(0);
  });
});
