import { describe, expect, it } from 'vitest';
import { manifestToScalers } from '../../../src/wadm/engine/manifest-to-scalers.js';
import type { LinkScalerSpec, ScalerSpec } from '../../../src/wadm/engine/scalers/index.js';
import { fixture, itWithFixtures, parseManifest } from './helpers.js';

const summary = (s: ScalerSpec) => `${s.kind}:${s.name}`;
const links = (scalers: ScalerSpec[]) => scalers.filter((s): s is LinkScalerSpec => s.role === 'link');

describe('manifestToScalers', () => {
  itWithFixtures('outdatedApp_oneScalerPerTraitPlusImplicitProviderScalers', () => {
    const { scalers, warnings } = manifestToScalers(fixture('outdatedapp.yaml'));
    expect(scalers.map(summary)).toEqual([
      'SpreadScaler:updateapp-dog_fetcher',
      'SpreadScaler:http_hello_world',
      'SpreadScaler:updateapp-kvcounter',
      'LinkScaler:updateapp-kvcounter -(wasi:keyvalue)-> keyvalue_redis',
      'LinkScaler:http_server -(wasi:http)-> http_hello_world',
      'LinkScaler:http_server -(wasi:http)-> updateapp-dog_fetcher',
      'SpreadScaler:http_server',
      'SpreadScaler:keyvalue_redis',
    ]);
    expect(warnings).toEqual([]);
    const kv = links(scalers)[0];
    expect(kv.link.target_config).toEqual(['updateapp-kvconfig']);
    expect(kv.prerequisites).toEqual([
      expect.objectContaining({
        kind: 'ConfigScaler',
        name: 'updateapp-kvconfig',
        properties: { URL: 'redis://127.0.0.1:6379' },
      }),
    ]);
    expect(links(scalers)[1].link).toMatchObject({ name: 'hello', source_config: ['updateapp-hello_world_address'] });
  });

  itWithFixtures('sharedReferences_linksUseTheSharedAppsIds_scalersIgnored', () => {
    const { scalers } = manifestToScalers(fixture('shared/shared_http_dev.yaml'));
    expect(scalers.map(summary)).toEqual([
      'SpreadScaler:shared_http_dev-hello',
      'LinkScaler:shared_http_dev-hello -(wasi:http)-> shared_http-httpclient',
      'LinkScaler:shared_http-httpserver -(wasi:http)-> shared_http_dev-hello',
    ]);
    const fromShared = links(scalers)[1];
    // The link held by this manifest is modelled under the shared app; its config belongs to this manifest.
    expect(fromShared.modelName).toBe('shared-http');
    expect(fromShared.link.source_config).toEqual(['shared_http_dev-httpaddr']);
  });

  itWithFixtures('sharedComponentDev_providerAndComponentLinksToSharedComponent', () => {
    const { scalers } = manifestToScalers(fixture('shared/shared_component_dev.yaml'));
    const targets = links(scalers).map((l) => `${l.link.source_id}->${l.link.target}`);
    expect(targets).toEqual([
      'shared_component_dev-hello->shared_component-link_to_meee',
      'shared_component-link_to_meee->shared_component_dev-hello',
      'shared_component_dev-httpserver->shared_component-link_to_meee',
    ]);
    expect(links(scalers)[1].link.target_config).toEqual(['shared_component_dev-someconfig']);
  });

  it('scalerTraitOnSharedReference_ignoredWithWarning', () => {
    const m = parseManifest(
      JSON.stringify({
        apiVersion: 'core.oam.dev/v1beta1',
        kind: 'Application',
        metadata: { name: 'consumer', annotations: {} },
        spec: {
          components: [
            {
              name: 'c',
              type: 'component',
              properties: { application: { name: 'shared', component: 'x' } },
              traits: [{ type: 'spreadscaler', properties: { instances: 2 } }],
            },
          ],
        },
      }),
    );
    const { scalers, warnings } = manifestToScalers(m);
    expect(scalers).toEqual([]);
    expect(warnings).toEqual(['Unsupported SpreadScaler trait specified for a shared component x']);
  });

  it('neitherImageNorApplication_failedStatusScaler', () => {
    const m = parseManifest(
      JSON.stringify({
        apiVersion: 'core.oam.dev/v1beta1',
        kind: 'Application',
        metadata: { name: 'broken', annotations: {} },
        spec: { components: [{ name: 'c', type: 'component', properties: {}, traits: [] }] },
      }),
    );
    const [s] = manifestToScalers(m).scalers;
    expect(s).toMatchObject({
      role: 'status',
      kind: 'SpreadScaler',
      name: 'c',
      status: { type: 'failed', message: 'Application did not specify an image or shared application reference' },
    });
    expect(manifestToScalers(m).scalers[0].id).toBe(s.id);
  });

  it('componentWithoutScalerTrait_getsNoScaler', () => {
    const m = parseManifest(
      JSON.stringify({
        apiVersion: 'core.oam.dev/v1beta1',
        kind: 'Application',
        metadata: { name: 'idle', annotations: {} },
        spec: { components: [{ name: 'c', type: 'component', properties: { image: 'x:1' } }] },
      }),
    );
    expect(manifestToScalers(m).scalers).toEqual([]);
  });

  it('providerToProviderLink_skippedWithWarning', () => {
    const m = parseManifest(
      JSON.stringify({
        apiVersion: 'core.oam.dev/v1beta1',
        kind: 'Application',
        metadata: { name: 'pp', annotations: {} },
        spec: {
          components: [
            {
              name: 'a',
              type: 'capability',
              properties: { image: 'a:1' },
              traits: [
                {
                  type: 'link',
                  properties: { namespace: 'n', package: 'p', interfaces: ['i'], target: { name: 'b' } },
                },
              ],
            },
            { name: 'b', type: 'capability', properties: { image: 'b:1' } },
          ],
        },
      }),
    );
    const { scalers, warnings } = manifestToScalers(m);
    expect(scalers.map((s) => s.kind)).toEqual(['SpreadScaler', 'SpreadScaler']);
    expect(warnings).toEqual(['Provider a cannot link to provider b, only components']);
  });

  it('componentConfigAndSecrets_namesInOrderAndInTheScalerId', () => {
    const m = parseManifest(
      JSON.stringify({
        apiVersion: 'core.oam.dev/v1beta1',
        kind: 'Application',
        metadata: { name: 'cfg', annotations: {} },
        spec: {
          policies: [{ name: 'p', type: 'policy.secret.wasmcloud.dev/v1alpha1', properties: { backend: 'b' } }],
          components: [
            {
              name: 'c',
              type: 'component',
              properties: {
                image: 'x:1',
                config: [{ name: 'owned', properties: { a: '1' } }, { name: 'external' }],
                secrets: [{ name: 's', properties: { policy: 'p', key: 'k' } }],
              },
              traits: [{ type: 'spreadscaler', properties: { instances: 1 } }],
            },
          ],
        },
      }),
    );
    const [s] = manifestToScalers(m).scalers;
    if (s.role !== 'component') throw new Error('expected component scaler');
    expect(s.config).toEqual(['cfg-owned', 'external', 'SECRET_cfg-s']);
    const withoutConfig = manifestToScalers(
      parseManifest(
        JSON.stringify({ ...m, spec: { components: [{ ...m.spec.components[0], properties: { image: 'x:1' } }] } }),
      ),
    ).scalers[0];
    expect(withoutConfig.id).not.toBe(s.id);
  });
});
