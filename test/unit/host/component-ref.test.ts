import { describe, expect, it } from 'vitest';
import { componentFilePath, OCI_NOT_SUPPORTED } from '../../../src/host/component-ref.js';

describe('componentFilePath', () => {
  it('fileUrl_allowed_returnsPath', () => {
    expect(componentFilePath('file:///tmp/a%20b.wasm', true)).toBe('/tmp/a b.wasm');
    expect(componentFilePath('file://build/x.wasm', true, '/proj')).toBe('/proj/build/x.wasm');
  });

  it('fileUrl_notAllowed_explainsFlag', () => {
    expect(() => componentFilePath('file:///tmp/x.wasm', false)).toThrow(/--allow-file-load/);
  });

  it('ociRefs_notSupported', () => {
    for (const ref of ['ghcr.io/wasmcloud/components/http-hello-world-rust:0.1.0', 'oci://ghcr.io/x/y:1', 'https://example.com/x']) {
      expect(() => componentFilePath(ref, true)).toThrow(OCI_NOT_SUPPORTED);
    }
  });

  it('emptyAndBuiltinRefs_rejected', () => {
    expect(() => componentFilePath('  ', true)).toThrow(/empty/);
    expect(() => componentFilePath('wasmcloud+builtin://http-server', true)).toThrow(/built-in provider/);
  });
});
