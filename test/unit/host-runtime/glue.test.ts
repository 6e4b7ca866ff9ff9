import { describe, expect, it } from 'vitest';
import { patchGlue } from '../../../src/host/runtime/glue.js';

const SAMPLE = `"use components";
export function instantiate() {
  const _debugLog = (...args) => {
    if (!globalThis?.process?.env?.JCO_DEBUG) { return; }
    console.debug(...args);
  };
  function _lowerImportBackwardsCompat(args) {
    const params = [...arguments].slice(1);
    return params.length;
  }
  function rscTableCreateOwn(table, rep) {
    const free = table[0];
    table._createdReps.add(rep);
    return free;
  }
  try {
    realloc0Async = WebAssembly.promising(exports1.cabi_realloc);
  } catch(err) {
    realloc0Async = exports1.cabi_realloc;
  }
}`;

describe('patchGlue', () => {
  it('applies both patches and keeps the module valid', async () => {
    const { source, applied, missed } = patchGlue(SAMPLE);
    expect(applied).toEqual(['debug-log-noop', 'lower-import-rest-params', 'no-created-reps-leak', 'promising-without-throw']);
    expect(missed).toEqual([]);
    expect(source).toContain('const _debugLog = () => {};');
    expect(source).not.toContain('WebAssembly.promising(exports1');
    expect(source).not.toContain('_createdReps');
    expect(source).toContain('function _lowerImportBackwardsCompat(args, ...params) {');
    const mod = await import(`data:text/javascript,${encodeURIComponent(source)}`);
    expect(typeof mod.instantiate).toBe('function');
  });

  it('reports patterns it did not find instead of failing', () => {
    const { source, applied, missed } = patchGlue('export const x = 1;');
    expect(source).toBe('export const x = 1;');
    expect(applied).toEqual([]);
    expect(missed).toEqual(['debug-log-noop', 'lower-import-rest-params', 'no-created-reps-leak', 'promising-without-throw']);
  });
});
