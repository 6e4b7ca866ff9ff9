import { describe, expect, it } from 'vitest';
import { engineStyle, loaderSource } from '../../../src/dev/build/dev-engine.js';
import { classify, isIgnored } from '../../../src/dev/watch.js';

describe('watch filters', () => {
  const o = { configFile: '/p/wasmcloud.toml', witDir: '/p/wit' };
  it('ignores build output, node_modules, .git and --ignore-dir, never paths outside the project', () => {
    expect(isIgnored('/p/build/x.wasm', '/p', ['/p/build'])).toBe(true);
    expect(isIgnored('/p/build', '/p', ['/p/build'])).toBe(true);
    expect(isIgnored('/p/node_modules/a/index.js', '/p', [])).toBe(true);
    expect(isIgnored('/p/.git/HEAD', '/p', [])).toBe(true);
    expect(isIgnored('/p/generated/a.ts', '/p', ['/p/generated'])).toBe(true);
    expect(isIgnored('/p/src/index.ts', '/p', ['/p/build', '/p/generated'])).toBe(false);
    expect(isIgnored('/p/builder/a.ts', '/p', ['/p/build'])).toBe(false);
    expect(isIgnored('/p/out.wasm', '/p', [])).toBe(true);
    expect(isIgnored('/p/target/wasm32-wasip2/release/x.d', '/p', ['/p/target'])).toBe(true);
    expect(isIgnored('/other/x.ts', '/p', [])).toBe(true);
  });
  it('classifies config, WIT and source changes', () => {
    expect(classify('/p/wasmcloud.toml', o)).toBe('config');
    expect(classify('/p/wit/world.wit', o)).toBe('wit');
    expect(classify('/p/src/index.ts', o)).toBe('source');
  });
});

describe('dev engine loader', () => {
  const world = {
    imports: [{ namespace: 'wasi', package: 'http', interface: 'types', version: '0.2.10' }],
    exports: [{ namespace: 'wasi', package: 'http', interface: 'incoming-handler', version: '0.2.10' }],
  };
  it('picks FetchEvent style unless the code exports incomingHandler', () => {
    expect(engineStyle(world, [])).toBe('fetch-event');
    expect(engineStyle(world, ['incomingHandler'])).toBe('handler');
  });
  it('imports every world interface plus wasi:config/store and delegates the exports', () => {
    const handler = loaderSource(world, 'handler');
    expect(handler).toContain("import * as m0 from 'wasi:http/types@0.2.10';");
    expect(handler).toContain("import * as m1 from 'wasi:config/store@0.2.0-draft';");
    expect(handler).toContain('export const incomingHandler = ');
    const fetch = loaderSource(world, 'fetch-event');
    expect(fetch).not.toContain('export const incomingHandler');
    expect(fetch).toContain("addEventListener('fetch'");
  });
});
