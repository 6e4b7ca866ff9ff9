/** Pure helpers: IDs and names as wadm computes them (wadm.md §4.6), versions, shared apps, link names. */
import { describe, expect, it } from 'vitest';
import {
  componentId,
  isSharedApp,
  isValidLinkName,
  isValidManifestName,
  manifestVersion,
  sanitize,
} from '../../../src/manifest/names.js';

const comp = (name: string, properties: Record<string, unknown> = {}) => ({
  name,
  properties: { config: [], secrets: [], ...properties },
});
const meta = (annotations: Record<string, string>) => ({ metadata: { name: 'a', annotations, labels: {} } });

describe('sanitize and componentId', () => {
  it('lower-cases and replaces every non-ASCII-alphanumeric character with _', () => {
    expect(sanitize('My ThInG')).toBe('my_thing');
    expect(sanitize('thing.wasm')).toBe('thing_wasm');
    expect(sanitize('héllo-wörld')).toBe('h_llo_w_rld');
  });

  it('derives IDs like wadm, or uses the explicit id', () => {
    expect(componentId('mymodel', comp('echo-component'))).toBe('mymodel-echo_component');
    expect(componentId('My ThInG', comp('thing.wasm'))).toBe('my_thing-thing_wasm');
    expect(componentId('app', comp('hello', { id: 'explicit' }))).toBe('explicit');
  });

  it('uses the shared app and component names for shared references', () => {
    expect(
      componentId(
        'shared-http-dev',
        comp('http-client-this', { application: { name: 'shared-http', component: 'httpserver' } }),
      ),
    ).toBe('shared_http-httpserver');
  });
});

describe('annotations', () => {
  it('reads the version, undefined when absent', () => {
    expect(manifestVersion(meta({ version: 'v0.0.1' }))).toBe('v0.0.1');
    expect(manifestVersion(meta({}))).toBeUndefined();
  });

  it('treats only the string "true" as shared (Rust bool parsing)', () => {
    expect(isSharedApp(meta({ 'experimental.wasmcloud.dev/shared': 'true' }))).toBe(true);
    for (const v of ['True', 'yes', '1', 'false'])
      expect(isSharedApp(meta({ 'experimental.wasmcloud.dev/shared': v }))).toBe(false);
    expect(isSharedApp(meta({}))).toBe(false);
  });
});

describe('link names', () => {
  it('are DNS labels', () => {
    for (const ok of ['default', 'cache', 'a', '0-x', 'redis-2']) expect(isValidLinkName(ok)).toBe(true);
    for (const bad of ['', 'Cache', '-x', 'a_b', 'a.b', 'x'.repeat(64)]) expect(isValidLinkName(bad)).toBe(false);
  });
});

describe('isValidManifestName (Rust `^[-\\w]+$`, Unicode-aware)', () => {
  it.each(['my-app', 'A_1', '-', '_', 'héllo_wörld', 'приложение', '名前', 'e\u0301', 'a\u200db', '٣'])(
    'accepts %j',
    (name) => {
      expect(isValidManifestName(name)).toBe(true);
    },
  );

  it.each(['', 'my app', 'my.app', 'app!', 'héllo!', 'приложение.', '名前 ', '€', 'a\u00a0b'])('rejects %j', (name) => {
    expect(isValidManifestName(name)).toBe(false);
  });
});
