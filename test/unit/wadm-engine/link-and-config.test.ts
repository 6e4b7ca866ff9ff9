import { describe, expect, it } from 'vitest';
import type { Link } from '../../../src/lattice/types.js';
import { manifestToScalers } from '../../../src/wadm/engine/manifest-to-scalers.js';
import {
  cleanupPrerequisite,
  cleanupScaler,
  reconcilePrerequisite,
  reconcileScaler,
  type LinkScalerSpec,
} from '../../../src/wadm/engine/scalers/index.js';
import { applyConfig, applyLinks, createLatticeState } from '../../../src/wadm/engine/state.js';
import { parseManifest, stateWith } from './helpers.js';

function linkApp(interfaces = ['incoming-handler'], sourceConfig?: unknown[]) {
  return parseManifest(
    JSON.stringify({
      apiVersion: 'core.oam.dev/v1beta1',
      kind: 'Application',
      metadata: { name: 'web', annotations: {} },
      spec: {
        components: [
          {
            name: 'hello',
            type: 'component',
            properties: { image: 'ghcr.io/x/hello:1' },
            traits: [{ type: 'spreadscaler', properties: { instances: 1 } }],
          },
          {
            name: 'httpserver',
            type: 'capability',
            properties: { image: 'ghcr.io/x/http:1' },
            traits: [
              {
                type: 'link',
                properties: {
                  namespace: 'wasi',
                  package: 'http',
                  interfaces,
                  target: { name: 'hello' },
                  ...(sourceConfig ? { source: { config: sourceConfig } } : {}),
                },
              },
            ],
          },
        ],
      },
    }),
  );
}
const linkSpec = (m = linkApp()): LinkScalerSpec =>
  manifestToScalers(m).scalers.find((s): s is LinkScalerSpec => s.role === 'link')!;
const ctx = { appScalerIds: new Set<string>() };
const lattice = (links: Link[]) => {
  const state = stateWith([{ id: 'H1' }]);
  applyLinks(state, links);
  return state;
};

describe('link scaler', () => {
  it('missingLink_putWithWadmMessage', () => {
    const s = linkSpec();
    const r = reconcileScaler(s, lattice([]), ctx);
    expect(r.commands).toEqual([
      {
        type: 'PutLink',
        modelName: 'web',
        link: {
          source_id: 'web-httpserver',
          target: 'web-hello',
          name: 'default',
          wit_namespace: 'wasi',
          wit_package: 'http',
          interfaces: ['incoming-handler'],
          source_config: [],
          target_config: [],
        },
      },
    ]);
    expect(r.status).toEqual({
      type: 'reconciling',
      message: 'Putting link definition between web-httpserver and web-hello',
    });
    expect(s.name).toBe('web-httpserver -(wasi:http)-> web-hello');
  });

  it('identicalLinkPresent_deployed', () => {
    const s = linkSpec();
    expect(reconcileScaler(s, lattice([s.link]), ctx)).toMatchObject({ commands: [], status: { type: 'deployed' } });
  });

  it('interfacesChangedInTheLattice_linkPutAgain', () => {
    const s = linkSpec(linkApp(['incoming-handler', 'outgoing-handler']));
    const r = reconcileScaler(s, lattice([{ ...s.link, interfaces: ['incoming-handler'] }]), ctx);
    expect(r.commands).toEqual([expect.objectContaining({ type: 'PutLink' })]);
    expect(r.status.message).toBe('Updating link definition between web-httpserver and web-hello');
  });

  it('interfaceOrderDiffers_stillDeployed', () => {
    const s = linkSpec(linkApp(['a', 'b']));
    expect(reconcileScaler(s, lattice([{ ...s.link, interfaces: ['b', 'a'] }]), ctx).commands).toEqual([]);
  });

  it('sourceConfigNamesChanged_linkPutAgain', () => {
    const s = linkSpec(linkApp(['incoming-handler'], [{ name: 'addr', properties: { address: '0.0.0.0:8080' } }]));
    expect(s.link.source_config).toEqual(['web-addr']);
    expect(reconcileScaler(s, lattice([{ ...s.link, source_config: [] }]), ctx).commands).toHaveLength(1);
  });

  it('cleanup_deletesOurLinkButNotOneToAnotherTarget', () => {
    const s = linkSpec();
    expect(cleanupScaler(s, lattice([s.link]), ctx)).toEqual([
      {
        type: 'DeleteLink',
        modelName: 'web',
        sourceId: 'web-httpserver',
        namespace: 'wasi',
        package: 'http',
        name: 'default',
      },
    ]);
    expect(cleanupScaler(s, lattice([{ ...s.link, target: 'someone-else' }]), ctx)).toEqual([]);
  });

  it('linkListNotReadYet_waitsWithoutCommands', () => {
    const state = createLatticeState();
    expect(reconcileScaler(linkSpec(), state, ctx).commands).toEqual([]);
  });
});

describe('config and secret prerequisites', () => {
  const owned = { kind: 'ConfigScaler' as const, id: 'c1', name: 'web-addr', properties: { address: '0.0.0.0:8080' } };
  const external = { kind: 'ConfigScaler' as const, id: 'ext', name: 'shared-settings' };

  it('externalConfigMissing_failedWithWadmMessage', () => {
    const state = createLatticeState();
    applyConfig(state, 'shared-settings', { state: 'absent' });
    expect(reconcilePrerequisite(external, state)).toEqual({
      commands: [],
      status: { type: 'failed', message: 'Specified configuration shared-settings does not exist' },
    });
  });

  it('externalConfigPresent_deployedAndNeverDeleted', () => {
    const state = createLatticeState();
    applyConfig(state, 'shared-settings', { state: 'present', values: { a: 'b' } });
    expect(reconcilePrerequisite(external, state).status).toEqual({ type: 'deployed' });
    expect(cleanupPrerequisite(external)).toEqual([]);
  });

  it('ownedConfigAbsentOrDifferent_put', () => {
    const state = createLatticeState();
    applyConfig(state, 'web-addr', { state: 'absent' });
    expect(reconcilePrerequisite(owned, state)).toEqual({
      commands: [{ type: 'PutConfig', name: 'web-addr', values: { address: '0.0.0.0:8080' } }],
      status: { type: 'reconciling', message: 'Configuration out of sync' },
    });
    applyConfig(state, 'web-addr', { state: 'present', values: { address: '0.0.0.0:9090' } });
    expect(reconcilePrerequisite(owned, state).commands).toHaveLength(1);
    applyConfig(state, 'web-addr', { state: 'present', values: { address: '0.0.0.0:8080' } });
    expect(reconcilePrerequisite(owned, state)).toEqual({ commands: [], status: { type: 'deployed' } });
    expect(cleanupPrerequisite(owned)).toEqual([{ type: 'DeleteConfig', name: 'web-addr' }]);
  });

  it('configNotReadYet_waits', () => {
    expect(reconcilePrerequisite(owned, createLatticeState())).toMatchObject({
      commands: [],
      status: { type: 'reconciling' },
    });
  });

  it('secret_referenceStoredAsConfigWithPolicyJson', () => {
    const m = parseManifest(
      JSON.stringify({
        apiVersion: 'core.oam.dev/v1beta1',
        kind: 'Application',
        metadata: { name: 'sec-app', annotations: {} },
        spec: {
          policies: [
            {
              name: 'nats-kv',
              type: 'policy.secret.wasmcloud.dev/v1alpha1',
              properties: { backend: 'nats-kv', zone: 'b', area: 'a' },
            },
          ],
          components: [
            {
              name: 'api',
              type: 'component',
              properties: {
                image: 'ghcr.io/x/api:1',
                secrets: [
                  { name: 'api-key', properties: { policy: 'nats-kv', key: 'key1', field: 'f', version: '2' } },
                ],
              },
              traits: [{ type: 'spreadscaler', properties: { instances: 1 } }],
            },
          ],
        },
      }),
    );
    const [s] = manifestToScalers(m).scalers;
    if (s.role !== 'component') throw new Error('expected a component scaler');
    expect(s.config).toEqual(['SECRET_sec_app-api_key']);
    const secret = s.prerequisites[0];
    expect(secret.kind).toBe('SecretScaler');
    if (secret.kind !== 'SecretScaler') return;
    expect(secret.values).toEqual({
      name: 'api-key',
      type: 'secret.wasmcloud.dev/v1alpha1',
      backend: 'nats-kv',
      key: 'key1',
      field: 'f',
      version: '2',
      policy: '{"type":"properties.secret.wasmcloud.dev/v1alpha1","properties":{"area":"a","zone":"b"}}',
    });
    const state = createLatticeState();
    applyConfig(state, secret.name, { state: 'absent' });
    expect(reconcilePrerequisite(secret, state).status).toEqual({ type: 'reconciling', message: 'Secret out of sync' });
  });
});
