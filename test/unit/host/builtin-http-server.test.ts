import { describe, expect, it } from 'vitest';
import { BuiltinHttpServer, isHttpServerProviderRef, planBindings } from '../../../src/host/builtin-http-server.js';
import { silentLogger } from '../../../src/host/log.js';
import type { Link } from '../../../src/lattice/types.js';
import { FakeIngress, FakeRunning, RecordingEvents } from './fakes.js';

const link = (over: Partial<Link> = {}): Link => ({
  source_id: 'http',
  target: 'hello',
  name: 'default',
  wit_namespace: 'wasi',
  wit_package: 'http',
  interfaces: ['incoming-handler'],
  source_config: [],
  target_config: [],
  ...over,
});

describe('built-in http-server', () => {
  it('isHttpServerProviderRef_acceptsBuiltinAndUpstreamImage', () => {
    expect(isHttpServerProviderRef('wasmcloud+builtin://http-server')).toBe(true);
    expect(isHttpServerProviderRef('ghcr.io/wasmcloud/http-server:0.27.0')).toBe(true);
    expect(isHttpServerProviderRef('oci://ghcr.io/wasmcloud/http-server:0.23.2')).toBe(true);
    expect(isHttpServerProviderRef('ghcr.io/wasmcloud/http-client:0.12.0')).toBe(false);
    expect(isHttpServerProviderRef('ghcr.io/wasmcloud/http-server-extra:1')).toBe(false);
    expect(isHttpServerProviderRef('wasmcloud+builtin://messaging-nats')).toBe(false);
  });

  it('planBindings_addressFromSourceConfig_defaultAndConflicts', () => {
    const configs: Record<string, Record<string, string>> = {
      a: { address: '0.0.0.0:9001' },
      b: { address: '0.0.0.0:9001' },
    };
    const cfg = (names: readonly string[]) => Object.assign({}, ...names.map((n) => configs[n] ?? {}));
    const { bindings, conflicts } = planBindings(
      [
        link({ target: 'one', source_config: ['a'] }),
        link({ target: 'two', name: 'second', source_config: ['b'] }),
        link({ target: 'three', name: 'third' }),
        link({ source_id: 'other' }),
        link({ wit_package: 'keyvalue' }),
      ],
      'http',
      cfg,
    );
    expect([...bindings.entries()].map(([a, b]) => [a, b.link.target])).toEqual([
      ['0.0.0.0:9001', 'one'],
      ['127.0.0.1:8000', 'three'],
    ]);
    expect(conflicts.map((c) => c.link.target)).toEqual(['two']);
  });

  it('sync_bindsRoutesByIdAndUnbindsRemovedLinks', async () => {
    const ingress = new FakeIngress();
    let links = [link({ source_config: ['c'] })];
    const running = new Map<string, FakeRunning>();
    const server = new BuiltinHttpServer('http', {
      hostId: 'N',
      ingress: async () => ingress,
      component: (id) => running.get(id),
      links: () => links,
      config: () => ({ address: '127.0.0.1:9100' }),
      events: new RecordingEvents(),
      log: silentLogger,
    });
    await server.sync();
    expect(server.addresses()).toEqual(['127.0.0.1:9100']);
    const target = ingress.routes.get('127.0.0.1:9100')!;
    expect(target()).toBeUndefined();
    const comp = new FakeRunning('hello', 'd', 1, {
      componentId: 'hello',
      maxInstances: 1,
      capabilities: { config: () => ({}) },
    });
    running.set('hello', comp);
    expect(target()).toBe(comp);
    links = [];
    await server.sync();
    expect(ingress.routes.size).toBe(0);
    expect(server.addresses()).toEqual([]);
  });

  it('sync_portInUse_reportsLinkdefSetFailedOnce_andRetriesLater', async () => {
    const ingress = new FakeIngress();
    ingress.busy.add('127.0.0.1:8000');
    const events = new RecordingEvents();
    const server = new BuiltinHttpServer('http', {
      hostId: 'N',
      ingress: async () => ingress,
      component: () => undefined,
      links: () => [link()],
      config: () => ({}),
      events,
      log: silentLogger,
    });
    await server.sync();
    await server.sync();
    expect(events.named('linkdef_set_failed')).toEqual([
      { ...link(), error: 'address 127.0.0.1:8000 is already in use' },
    ]);
    ingress.busy.delete('127.0.0.1:8000');
    await server.sync();
    expect(server.addresses()).toEqual(['127.0.0.1:8000']);
    await server.stop();
    expect(ingress.routes.size).toBe(0);
  });
});
