import { describe, expect, it } from 'vitest';
import { augmentManifest } from '../../../src/dev/manifest-augment.js';

const manifest = {
  apiVersion: 'core.oam.dev/v1beta1',
  kind: 'Application',
  metadata: { name: 'shop', annotations: { version: 'v1' } },
  spec: {
    components: [
      {
        name: 'api',
        type: 'component',
        properties: { image: 'ghcr.io/acme/api:1', config: [{ name: 'existing' }] },
        traits: [],
      },
      { name: 'worker', type: 'component', properties: { image: 'ghcr.io/acme/worker:1' } },
      { name: 'httpserver', type: 'capability', properties: { image: 'ghcr.io/wasmcloud/http-server:0.24.0' } },
    ],
  },
};
const dev = {
  componentId: 's1-api',
  image: 'file:///p/engine.wasm',
  devConfig: [{ values: { a: '1' } }, { name: 'existing' }],
  extraConfigNames: ['s1-api-dev-source'],
  file: '/p/wadm.yaml',
};
type C = { name: string; properties: Record<string, unknown> };

describe('[dev].manifests augmentation', () => {
  it('swaps the dev image and id into the matching component and appends the dev configs', () => {
    const { manifest: out, name } = augmentManifest(manifest, { component_name: 'api' }, dev);
    expect(name).toBe('shop');
    const [api, worker] = (out.spec as { components: C[] }).components;
    expect(api.properties).toEqual({
      image: 'file:///p/engine.wasm',
      id: 's1-api',
      config: [
        { name: 'existing' },
        { name: 's1-api-dev-overrides', properties: { a: '1' } },
        { name: 's1-api-dev-source' },
      ],
    });
    expect(worker.properties).toEqual({ image: 'ghcr.io/acme/worker:1' });
    expect(manifest.spec.components[0].properties.image).toBe('ghcr.io/acme/api:1');
  });

  it('matches by image ref, and refuses when nothing (or, implicitly, more than one) matches', () => {
    const byRef = augmentManifest(manifest, { component_ref: 'ghcr.io/acme/worker:1' }, dev);
    expect((byRef.manifest.spec as { components: C[] }).components[1].properties.image).toBe('file:///p/engine.wasm');
    expect(() => augmentManifest(manifest, { component_name: 'nope' }, dev)).toThrow(/no single component/);
    expect(() => augmentManifest(manifest, {}, dev)).toThrow(
      /no single component to replace with the dev build \(2 match\)/,
    );
  });
});
