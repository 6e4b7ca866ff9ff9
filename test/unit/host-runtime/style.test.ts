import { describe, expect, it } from 'vitest';
import { detectServingStyle, producedByComponentizeJs } from '../../../src/host/runtime/style.js';

const HANDLE = 'wasi:http/incoming-handler@0.2.10#handle';

describe('detectServingStyle', () => {
  it('treats components not built by componentize-js as reusable', () => {
    expect(detectServingStyle({ componentizeJs: false, coreModuleExports: [[HANDLE]] })).toBe('reusable');
  });
  it('recognises a JS incomingHandler export by its generated post-return', () => {
    expect(
      detectServingStyle({
        componentizeJs: true,
        coreModuleExports: [['memory'], ['memory', HANDLE, `cabi_post_${HANDLE}`]],
      }),
    ).toBe('reusable');
  });
  it('recognises the FetchEvent dispatcher (native handle export, no post-return)', () => {
    expect(
      detectServingStyle({
        componentizeJs: true,
        coreModuleExports: [['memory', 'wizer.resume', HANDLE, 'cabi_realloc']],
      }),
    ).toBe('fetch-event');
  });
  it('falls to the safe side when the layout is unknown', () => {
    expect(detectServingStyle({ componentizeJs: true, coreModuleExports: [['memory']] })).toBe('fetch-event');
  });
});

describe('producedByComponentizeJs', () => {
  it('finds the producers marker', () => {
    expect(producedByComponentizeJs(new TextEncoder().encode('\0asm…processed-by…ComponentizeJS\x060.23.0'))).toBe(
      true,
    );
    expect(producedByComponentizeJs(new TextEncoder().encode('\0asm…processed-by…wit-component'))).toBe(false);
  });
});
