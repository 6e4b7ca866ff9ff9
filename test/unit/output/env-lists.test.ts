import { describe, expect, it } from 'vitest';
import { listsFromEnv } from '../../../src/output/env-lists.js';

describe('listsFromEnv', () => {
  const defs = { lattice: { multiple: true, env: 'WASMCLOUD_LATTICE' }, label: { multiple: true }, host: { env: 'H' } };

  it('turns the one string oclif read from the variable into a list', () => {
    const v: Record<string, unknown> = { lattice: 'staging' };
    listsFromEnv(defs, v);
    expect(v.lattice).toEqual(['staging']);
  });

  it('splits a comma-separated list, trimming blanks and dropping empty items', () => {
    const v: Record<string, unknown> = { lattice: ' a, b,,c ' };
    listsFromEnv(defs, v);
    expect(v.lattice).toEqual(['a', 'b', 'c']);
  });

  it('leaves command-line arrays, single-valued flags and flags without env alone', () => {
    const v: Record<string, unknown> = { lattice: ['x,y'], label: 'k=v', host: 'a,b' };
    listsFromEnv(defs, v);
    expect(v).toEqual({ lattice: ['x,y'], label: 'k=v', host: 'a,b' });
  });
});
