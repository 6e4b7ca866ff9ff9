import { describe, expect, it } from 'vitest';
import { asyncPlan } from '../../../src/host/runtime/async-plan.js';

describe('asyncPlan with custom interfaces', () => {
  it("a custom import alone makes the plan async, with the component's custom exports entered through promising", () => {
    expect(
      asyncPlan(['example:calc/host@0.1.0'], ['example:calc/calc@0.1.0'], {
        imports: ['example:calc/host#log'],
        exports: ['example:calc/calc#add'],
      }),
    ).toEqual({ asyncImports: ['example:calc/host#log'], asyncExports: ['example:calc/calc#add'] });
  });

  it('custom exports without async imports keep the synchronous glue', () => {
    expect(
      asyncPlan([], ['example:calc/host@0.1.0'], { imports: [], exports: ['example:calc/host#log'] }),
    ).toBeUndefined();
  });

  it('custom imports join the network interfaces and poll; HTTP handler and custom exports are both async', () => {
    const plan = asyncPlan(
      ['wasi:keyvalue/atomics@0.2.0-draft', 'wasi:io/poll@0.2.10', 'example:calc/calc@0.1.0'],
      ['wasi:http/incoming-handler@0.2.10', 'example:calc/host@0.1.0'],
      { imports: ['example:calc/calc#add'], exports: ['example:calc/host#log'] },
    );
    expect(plan).toEqual({
      asyncImports: [
        'example:calc/calc#add',
        'wasi:io/poll#[method]pollable.block',
        'wasi:io/poll#poll',
        'wasi:keyvalue/atomics#increment',
      ],
      asyncExports: ['example:calc/host#log', 'wasi:http/incoming-handler#handle'],
    });
  });
});
