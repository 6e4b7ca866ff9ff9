import { describe, expect, it } from 'vitest';
import { augmentManifest, augmentManifests } from '../../../src/dev/manifest-augment.js';

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
      config: [{ name: 'existing' }, { name: 'dev-overrides', properties: { a: '1' } }, { name: 's1-api-dev-source' }],
    });
    expect(worker.properties).toEqual({ image: 'ghcr.io/acme/worker:1' });
    expect(manifest.spec.components[0].properties.image).toBe('ghcr.io/acme/api:1');
  });

  it('matches by image ref, and refuses when nothing (or, implicitly, more than one) matches', () => {
    const byRef = augmentManifest(manifest, { component_ref: 'ghcr.io/acme/worker:1' }, dev);
    expect((byRef.manifest.spec as { components: C[] }).components[1].properties.image).toBe('file:///p/engine.wasm');
    expect(() => augmentManifest(manifest, { component_name: 'nope' }, dev)).toThrow(
      '/p/wadm.yaml: no component matches the [dev].manifests entry (component_name = "nope")',
    );
    expect(() => augmentManifest(manifest, {}, dev)).toThrow(
      '/p/wadm.yaml: 2 components could take the dev build (api, worker)',
    );
  });

  it('[dev].config: names appended once, values merged into dev-overrides with later entries winning', () => {
    const withOwn = structuredClone(manifest);
    withOwn.spec.components[0].properties.config!.push({ name: 'dev-overrides', properties: { old: 'x' } } as never);
    const { manifest: out } = augmentManifest(
      withOwn,
      { component_name: 'api' },
      {
        ...dev,
        devConfig: [{ values: { a: '1', b: '1' } }, { name: 'shared' }, { values: { b: '2' } }, { name: 'shared' }],
        extraConfigNames: [],
      },
    );
    expect((out.spec as { components: C[] }).components[0].properties.config).toEqual([
      { name: 'existing' },
      { name: 'dev-overrides', properties: { a: '1', b: '2' } },
      { name: 'shared' },
    ]);
  });
});

describe('several [dev].manifests', () => {
  const providers = {
    metadata: { name: 'shared-providers' },
    spec: { components: [{ name: 'httpserver', type: 'capability', properties: { image: 'ghcr.io/x/http:1' } }] },
  };
  const backend = {
    metadata: { name: 'backend' },
    spec: { components: [{ name: 'db', type: 'component', properties: { image: 'file:///p/db.wasm' } }] },
  };
  const second = {
    metadata: { name: 'shop-admin' },
    spec: { components: [{ name: 'admin', type: 'component', properties: { image: 'ghcr.io/acme/api:1', id: 'x' } }] },
  };

  it('augments every manifest whose entry matches (by name in one, image ref in another); one without matchers stays as written', () => {
    const out = augmentManifests(
      [
        { doc: manifest, entry: { component_name: 'api' }, file: '/p/a.yaml' },
        { doc: second, entry: { component_ref: 'ghcr.io/acme/api:1' }, file: '/p/b.yaml' },
        { doc: providers, entry: {}, file: '/p/c.yaml' },
        { doc: backend, entry: {}, file: '/p/d.yaml' },
      ],
      { ...dev, projectFile: '/p/wasmcloud.toml' },
    );
    expect(out.map((m) => [m.name, m.replaced])).toEqual([
      ['shop', 1],
      ['shop-admin', 1],
      ['shared-providers', 0],
      ['backend', 0],
    ]);
    expect(out[3].manifest).toEqual(backend);
    expect((out[1].manifest.spec as { components: C[] }).components[0].properties).toMatchObject({
      image: 'file:///p/engine.wasm',
      id: 's1-api',
    });
    expect(out[2].manifest).toEqual(providers);
  });

  it('refuses two manifests with one app name, and a list where no manifest takes the dev build', () => {
    expect(() =>
      augmentManifests(
        [
          { doc: manifest, entry: { component_name: 'api' }, file: '/p/a.yaml' },
          { doc: manifest, entry: { component_name: 'worker' }, file: '/p/b.yaml' },
        ],
        { ...dev, projectFile: '/p/wasmcloud.toml' },
      ),
    ).toThrow('/p/wasmcloud.toml: [dev].manifests /p/a.yaml and /p/b.yaml both name app shop');
    expect(() =>
      augmentManifests([{ doc: providers, entry: {}, file: '/p/c.yaml' }], {
        ...dev,
        projectFile: '/p/wasmcloud.toml',
      }),
    ).toThrow('/p/c.yaml: no component of type component to run the dev build');
    expect(() =>
      augmentManifests(
        [
          { doc: providers, entry: {}, file: '/p/c.yaml' },
          { doc: backend, entry: {}, file: '/p/d.yaml' },
        ],
        { ...dev, projectFile: '/p/wasmcloud.toml' },
      ),
    ).toThrow('/p/wasmcloud.toml: none of the [dev].manifests holds a component to run the dev build');
  });
});
