/**
 * The task-free host-call rewrite on JSPI glue: the calc component (imports example:calc/host#log, exports
 * example:calc/calc#add) transpiled by jco-transpile with `log` async and `add` entered through promising,
 * patched, and run with a host `log` that awaits before answering — and one that throws.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patchGlue } from '../../../src/host/runtime/glue.js';
import { transpileOptions } from '../../../src/host/runtime/transpile.js';
import { fixturePath } from '../../helpers/fixtures.js';

type Glue = {
  instantiate(
    get: (n: string) => WebAssembly.Module,
    imports: unknown,
    inst: (m: WebAssembly.Module, i: WebAssembly.Imports) => WebAssembly.Instance,
  ): { calc: { add(a: number, b: number): Promise<number> } };
};

const dir = mkdtempSync(join(tmpdir(), 'wash-glue-jspi-'));
let glue: Glue;
let modules: Map<string, WebAssembly.Module>;
let applied: string[];

beforeAll(async () => {
  const { transpileBytes } = await import('@bytecodealliance/jco-transpile');
  const { files } = await transpileBytes(readFileSync(fixturePath('calc')), {
    ...transpileOptions({ asyncImports: ['example:calc/host#log'], asyncExports: ['example:calc/calc#add'] }),
  } as Parameters<typeof transpileBytes>[1]);
  modules = new Map();
  for (const [name, data] of Object.entries(files)) {
    if (name.endsWith('.wasm')) modules.set(name, await WebAssembly.compile(data as Uint8Array<ArrayBuffer>));
    else if (name === 'component.js') {
      const patched = patchGlue(Buffer.from(data as Uint8Array).toString('utf8'), { jspi: true });
      applied = patched.applied;
      writeFileSync(join(dir, 'component.mjs'), patched.source);
    }
  }
  glue = (await import(pathToFileURL(join(dir, 'component.mjs')).href)) as Glue;
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function instantiate(log: (message: string) => Promise<void>) {
  return glue.instantiate(
    (n) => modules.get(n)!,
    { 'example:calc/host': { log } },
    (m, i) => new WebAssembly.Instance(m, i),
  ).calc;
}

describe('glue patches on JSPI glue', () => {
  it('applies the task-free host-call rewrite (calc has no resources, so no created-reps patch)', () => {
    expect(applied).toEqual([
      'rethrow-async-import-errors',
      'debug-log-noop',
      'lower-import-rest-params',
      'promising-without-throw',
      'sync-host-calls-without-tasks',
    ]);
  });

  it('suspends the guest in an async host call and resumes it with the result', async () => {
    const logged: string[] = [];
    const calc = instantiate(async (message) => {
      await new Promise((r) => setTimeout(r, 5));
      logged.push(message);
    });
    expect(await calc.add(2, 40)).toBe(42);
    expect(await calc.add(-1, 1)).toBe(0);
    expect(logged).toEqual(['calc.add called', 'calc.add called']);
  });

  it('a host function that rejects traps the call (rejection), it never hangs', async () => {
    const calc = instantiate(async () => {
      await null;
      throw new Error('backend down');
    });
    await expect(calc.add(1, 2)).rejects.toThrow('backend down');
  });

  it('two instances suspended at once both finish with their own results', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const a = instantiate(() => gate);
    const b = instantiate(() => gate);
    const both = Promise.all([a.add(1, 1), b.add(10, 10)]);
    release();
    expect(await both).toEqual([2, 20]);
  });
});
