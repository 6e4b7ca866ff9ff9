import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { componentFunctionTypes } from '../../../src/wrpc/component-types.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'components');

describe('function types from a component binary', () => {
  it('calc: imported host.log and exported calc.add', () => {
    const types = componentFunctionTypes(readFileSync(join(FIXTURES, 'calc.wasm')));
    expect(types.imports.get('example:calc/host@0.1.0')?.functions.get('log')).toEqual({
      params: [{ name: 'message', type: 'string' }],
      results: [],
    });
    expect(types.exports.get('example:calc/calc@0.1.0')?.functions.get('add')).toEqual({
      params: [
        { name: 'a', type: 's32' },
        { name: 'b', type: 's32' },
      ],
      results: ['s32'],
    });
  });

  it('a wasi:http component: resources and records in imported interfaces', () => {
    const types = componentFunctionTypes(readFileSync(join(FIXTURES, 'http-hello-v1.wasm')));
    expect([...types.imports.keys()]).toEqual([
      'wasi:io/error@0.2.10',
      'wasi:io/streams@0.2.10',
      'wasi:http/types@0.2.10',
    ]);
    expect([...types.exports.keys()]).toEqual(['wasi:http/incoming-handler@0.2.10']);
  });

  it('refuses bytes that are not a component', () => {
    expect(() => componentFunctionTypes(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0))).toThrow(
      /not a WebAssembly component/,
    );
  });
});

describe('function types: larger components', () => {
  it('wasi:http types (resources, records, variants) and a 12 MB componentize-js component, fast', () => {
    const http = componentFunctionTypes(readFileSync(join(FIXTURES, 'http-hello-v1.wasm')));
    const types = http.imports.get('wasi:http/types@0.2.10')!.functions;
    expect(types.get('[method]fields.append')).toEqual({
      params: [
        { name: 'self', type: { borrow: 'fields' } },
        { name: 'name', type: 'string' },
        { name: 'value', type: { list: 'u8' } },
      ],
      results: [
        { result: { err: { variant: [{ name: 'invalid-syntax' }, { name: 'forbidden' }, { name: 'immutable' }] } } },
      ],
    });
    expect(types.get('[constructor]fields')).toEqual({ params: [], results: [{ own: 'fields' }] });
    const handle = http.exports.get('wasi:http/incoming-handler@0.2.10')!.functions.get('handle');
    expect(handle?.params.map((p) => p.name)).toEqual(['request', 'response-out']);
    const js = join(FIXTURES, 'build', 'js-config.wasm');
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(js);
    } catch {
      return;
    } // built by `npm run fixtures`
    const t0 = performance.now();
    const big = componentFunctionTypes(bytes);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(big.imports.get('wasi:config/store@0.2.0-draft')?.functions.get('get')).toEqual({
      params: [{ name: 'key', type: 'string' }],
      results: [
        {
          result: {
            ok: { option: 'string' },
            err: {
              variant: [
                { name: 'upstream', type: 'string' },
                { name: 'io', type: 'string' },
              ],
            },
          },
        },
      ],
    });
  });
});
