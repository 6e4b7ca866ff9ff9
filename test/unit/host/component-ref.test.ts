import { describe, expect, it } from 'vitest';
import { componentSource } from '../../../src/host/component-ref.js';

describe('componentSource', () => {
  it('fileUrl_allowed_returnsPath', () => {
    expect(componentSource('file:///tmp/a%20b.wasm', true)).toEqual({ kind: 'file', path: '/tmp/a b.wasm' });
    expect(componentSource('file://build/x.wasm', true, '/proj')).toEqual({ kind: 'file', path: '/proj/build/x.wasm' });
  });

  it('fileUrl_notAllowed_explainsFlag', () => {
    expect(() => componentSource('file:///tmp/x.wasm', false)).toThrow(/--allow-file-load/);
  });

  it('ociRefs_areOci_evenWithoutFileLoad', () => {
    for (const ref of [
      'ghcr.io/wasmcloud/components/http-hello-world-rust:0.1.0',
      'oci://ghcr.io/x/y:1',
      'https://example.com/x',
      '127.0.0.1:5000/a/b@sha256:' + 'a'.repeat(64),
    ]) {
      expect(componentSource(` ${ref} `, false)).toEqual({ kind: 'oci', ref });
    }
  });

  it('emptyAndBuiltinRefs_rejected', () => {
    expect(() => componentSource('  ', true)).toThrow(/empty/);
    expect(() => componentSource('wasmcloud+builtin://http-server', true)).toThrow(/built-in provider/);
  });
});
