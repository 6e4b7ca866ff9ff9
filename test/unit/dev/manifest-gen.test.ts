import { describe, expect, it } from 'vitest';
import { generateDevManifest, type WitInterface } from '../../../src/dev/manifest-gen.js';
import { validateManifestText } from '../../../src/manifest/index.js';

const i = (spec: string): WitInterface => {
  const m = /^([a-z-]+):([a-z-]+)\/([a-z-]+)(?:@(.+))?$/.exec(spec)!;
  return { namespace: m[1], package: m[2], interface: m[3], version: m[4] };
};
const base = { componentId: 's1-app', sessionId: 's1', image: 'file:///tmp/app.wasm' };
type Comp = {
  name: string;
  type: string;
  properties: Record<string, unknown>;
  traits?: { type: string; properties: Record<string, any> }[];
};
const components = (m: Record<string, unknown>) => (m.spec as { components: Comp[] }).components;
const links = (c: Comp) => (c.traits ?? []).filter((t) => t.type === 'link').map((t) => t.properties);

async function expectValid(m: Record<string, unknown>) {
  const report = await validateManifestText(JSON.stringify(m), { file: 'gen.json' });
  expect(report.errors).toEqual([]);
}

describe('dev manifest generation (§8.4/§8.5)', () => {
  it('maps http + keyvalue + outgoing http + blobstore + messaging, ignores host-served interfaces', async () => {
    const gen = generateDevManifest({
      ...base,
      imports: [
        'wasi:http/types@0.2.0',
        'wasi:io/streams@0.2.0',
        'wasi:config/store@0.2.0-draft',
        'wasi:logging/logging@0.1.0-draft',
        'wasi:keyvalue/store@0.2.0-draft',
        'wasi:keyvalue/atomics@0.2.0-draft',
        'wasi:http/outgoing-handler@0.2.0',
        'wasi:blobstore/blobstore@0.2.0-draft',
        'wasi:blobstore/container@0.2.0-draft',
        'wasmcloud:messaging/consumer@0.2.0',
      ].map(i),
      exports: ['wasi:http/incoming-handler@0.2.0', 'wasmcloud:messaging/handler@0.2.0'].map(i),
    });
    expect(gen.placeholders).toEqual([]);
    expect(gen.dependencies.map((d) => d.name).sort()).toEqual([
      'blobstore-fs',
      'http-client',
      'http-server',
      'keyvalue-nats',
      'messaging-nats',
    ]);
    const [app, ...providers] = components(gen.manifest);
    expect(app.properties).toEqual({ image: 'file:///tmp/app.wasm', id: 's1-app' });
    expect(providers.map((p) => p.properties.image).sort()).toEqual([
      'ghcr.io/wasmcloud/blobstore-fs:0.10.1',
      'ghcr.io/wasmcloud/http-client:0.12.1',
      'ghcr.io/wasmcloud/http-server:0.24.0',
      'ghcr.io/wasmcloud/keyvalue-nats:0.3.1',
      'ghcr.io/wasmcloud/messaging-nats:0.23.1',
    ]);
    const kv = links(app).find((l) => l.package === 'keyvalue')!;
    expect(kv).toEqual({
      namespace: 'wasi',
      package: 'keyvalue',
      interfaces: ['atomics', 'store'],
      target: {
        name: 's1-dep-keyvalue-nats',
        config: [
          { name: 'wasi-keyvalue-config', properties: { bucket: 'wasmcloud', enable_bucket_auto_create: 'true' } },
        ],
      },
    });
    const http = providers.find((p) => p.name === 's1-dep-http-server')!;
    expect(links(http)).toEqual([
      {
        namespace: 'wasi',
        package: 'http',
        interfaces: ['incoming-handler'],
        source: { config: [{ name: 'wasi-http-config', properties: { address: '127.0.0.1:8000' } }] },
        target: { name: 's1-app' },
      },
    ]);
    const messaging = providers.find((p) => p.name === 's1-dep-messaging-nats')!;
    expect(links(messaging)[0].source.config[0]).toEqual({
      name: 'wasmcloud-messaging-config',
      properties: { subscriptions: 'wasmcloud.dev' },
    });
    expect(links(app).find((l) => l.package === 'messaging')?.interfaces).toEqual(['consumer']);
    expect(gen.httpAddresses).toEqual(['127.0.0.1:8000']);
    await expectValid(gen.manifest);
  });

  it('a package wildcard override swaps NATS KV for Redis with the given link config', async () => {
    const gen = generateDevManifest({
      ...base,
      imports: ['wasi:keyvalue/store@0.2.0-draft', 'wasi:keyvalue/atomics@0.2.0-draft'].map(i),
      exports: [i('wasi:http/incoming-handler@0.2.0')],
      overrides: {
        imports: [
          {
            interface: 'wasi:keyvalue@0.2.0-draft',
            image_ref: 'ghcr.io/wasmcloud/keyvalue-redis:0.28.2',
            link_config: [{ values: { url: 'redis://127.0.0.1:7000' } }],
          },
        ],
        exports: [
          { interface: 'wasi:http/incoming-handler@0.2.0', link_config: [{ values: { address: '127.0.0.1:9090' } }] },
        ],
      },
    });
    const [app, ...providers] = components(gen.manifest);
    expect(providers.find((p) => p.name === 's1-dep-keyvalue-nats')?.properties.image).toBe(
      'ghcr.io/wasmcloud/keyvalue-redis:0.28.2',
    );
    expect(links(app)[0].target.config).toEqual([
      { name: 'keyvalue-nats-target-config', properties: { url: 'redis://127.0.0.1:7000' } },
    ]);
    expect(links(app)[0].interfaces).toEqual(['atomics', 'store']);
    expect(gen.httpAddresses).toEqual(['127.0.0.1:9090']);
    await expectValid(gen.manifest);
  });

  it('an override with an incompatible version does not apply', () => {
    const gen = generateDevManifest({
      ...base,
      imports: [i('wasi:keyvalue/store@0.2.0-draft')],
      exports: [],
      overrides: { imports: [{ interface: 'wasi:keyvalue@0.3.0', image_ref: 'x/redis:1' }], exports: [] },
    });
    expect(gen.dependencies[0].image).toBe('ghcr.io/wasmcloud/keyvalue-nats:0.3.1');
  });

  it('several named links to one package: one provider per link name', async () => {
    const gen = generateDevManifest({
      ...base,
      imports: [i('wasi:keyvalue/store@0.2.0-draft')],
      exports: [],
      overrides: {
        imports: [
          { interface: 'wasi:keyvalue/store', link_name: 'cache' },
          {
            interface: 'wasi:keyvalue/store',
            link_name: 'sessions',
            image_ref: 'ghcr.io/wasmcloud/keyvalue-redis:0.28.2',
          },
        ],
        exports: [],
      },
    });
    const [app] = components(gen.manifest);
    expect(links(app).map((l) => [l.name, l.target.name])).toEqual([
      ['cache', 's1-dep-keyvalue-nats'],
      ['sessions', 's1-dep-keyvalue-nats-sessions'],
    ]);
    await expectValid(gen.manifest);
  });

  it('custom interfaces get a placeholder with a paste-ready snippet, and an override with an image wires them', async () => {
    const custom = generateDevManifest({
      ...base,
      imports: [i('acme:inventory/lookup@0.1.0')],
      exports: [i('wasi:http/incoming-handler@0.2.0')],
    });
    expect(custom.placeholders).toEqual([
      {
        direction: 'import',
        interfaces: ['acme:inventory/lookup@0.1.0'],
        snippet: expect.stringContaining(
          '[[dev.overrides.imports]]\ninterface = "acme:inventory/lookup@0.1.0"\nimage_ref = ',
        ),
      },
    ]);
    expect(components(custom.manifest).map((c) => c.name)).toEqual(['s1-app', 's1-dep-http-server']);
    await expectValid(custom.manifest);

    const wired = generateDevManifest({
      ...base,
      imports: [i('acme:inventory/lookup@0.1.0')],
      exports: [],
      overrides: {
        imports: [
          {
            interface: 'acme:inventory/lookup@0.1.0',
            image_ref: 'ghcr.io/acme/inventory-provider:0.3.0',
            config: [{ name: 'inventory-settings' }],
          },
        ],
        exports: [],
      },
    });
    expect(wired.placeholders).toEqual([]);
    const provider = components(wired.manifest)[1];
    expect(provider.properties).toEqual({
      image: 'ghcr.io/acme/inventory-provider:0.3.0',
      config: [{ name: 'inventory-settings' }],
    });
    expect(links(components(wired.manifest)[0])[0]).toMatchObject({
      namespace: 'acme',
      package: 'inventory',
      interfaces: ['lookup'],
    });
  });

  it('[dev].config values become a config of the component; fingerprint changes only with the wiring', () => {
    const a = generateDevManifest({
      ...base,
      imports: [],
      exports: [i('wasi:http/incoming-handler@0.2.0')],
      devConfig: [{ values: { greeting: 'hi' } }, { name: 'shared' }],
      extraConfigNames: ['s1-app-dev-source'],
    });
    expect(components(a.manifest)[0].properties.config).toEqual([
      { name: 'shared' },
      { name: 'dev-overrides', properties: { greeting: 'hi' } },
      { name: 's1-app-dev-source' },
    ]);
    const same = generateDevManifest({
      ...base,
      imports: [],
      exports: [i('wasi:http/incoming-handler@0.2.0')],
      devConfig: [{ values: { greeting: 'hi' } }, { name: 'shared' }],
      extraConfigNames: ['s1-app-dev-source'],
    });
    expect(same.fingerprint).toBe(a.fingerprint);
    const other = generateDevManifest({
      ...base,
      imports: [],
      exports: [i('wasi:http/incoming-handler@0.2.0')],
      devConfig: [{ values: { greeting: 'hello' } }],
      extraConfigNames: ['s1-app-dev-source'],
    });
    expect(other.fingerprint).not.toBe(a.fingerprint);
  });
});
