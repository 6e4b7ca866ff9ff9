import { beforeAll, describe, expect, it } from 'vitest';
import { capModuleMemory, MemoryLimitError } from '../../../src/host/runtime/memory-limit.js';
import { CoreStateSnapshot } from '../../../src/host/runtime/recycler.js';
import { exportMutableState } from '../../../src/host/runtime/state-exports.js';

const PAGE = 65536;

// A module with imported and defined globals, a memory, a table and an ordinary export.
const WAT = `(module
  (import "env" "g_in" (global $gin (mut i32)))
  (global $counter (mut i32) (i32.const 7))
  (global $wide (mut i64) (i64.const 40))
  (global $fixed i32 (i32.const 3))
  (memory 1 4)
  (table 2 funcref)
  (func (export "bump") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (global.set $wide (i64.add (global.get $wide) (i64.const 2)))
    (i32.store (i32.const 100) (i32.add (i32.load (i32.const 100)) (i32.const 5)))
    (global.get $counter))
  (func (export "cell") (result i32) (i32.load (i32.const 100)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`;

let moduleBytes: Uint8Array;
beforeAll(async () => {
  const { parse } = await import('@bytecodealliance/jco');
  moduleBytes = await parse(WAT);
});

function instantiate(bytes: Uint8Array): WebAssembly.Instance {
  const gin = new WebAssembly.Global({ value: 'i32', mutable: true }, 0);
  return new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), { env: { g_in: gin } });
}

type Exports = { bump(): number; cell(): number; grow(pages: number): number };

describe('exportMutableState', () => {
  it('exports defined mutable globals, memories and tables, and nothing else changes', () => {
    const { bytes, globals, memories, tables } = exportMutableState(moduleBytes);
    expect(globals).toEqual(['__wash_global_1', '__wash_global_2']);
    expect(memories).toEqual(['__wash_memory_0']);
    expect(tables).toEqual(['__wash_table_0']);
    const names = WebAssembly.Module.exports(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).map(
      (e) => e.name,
    );
    expect(names).toEqual(expect.arrayContaining(['bump', 'cell', 'grow', ...globals, ...memories, ...tables]));
    const instance = instantiate(bytes);
    expect((instance.exports.bump as () => number)()).toBe(8);
  });
});

describe('CoreStateSnapshot', () => {
  it('puts memory and globals back to the captured state', () => {
    const instance = instantiate(exportMutableState(moduleBytes).bytes);
    const ex = instance.exports as unknown as Exports;
    const snapshot = new CoreStateSnapshot([instance]);
    expect(snapshot.bytes).toBe(PAGE);
    ex.bump();
    ex.bump();
    expect(ex.cell()).toBe(10);
    expect(snapshot.restore()).toBe(true);
    expect(ex.cell()).toBe(0);
    expect(ex.bump()).toBe(8);
    expect((instance.exports.__wash_global_2 as WebAssembly.Global).value).toBe(42n);
  });

  it('refuses to restore after the memory grew', () => {
    const instance = instantiate(exportMutableState(moduleBytes).bytes);
    const ex = instance.exports as unknown as Exports;
    const snapshot = new CoreStateSnapshot([instance]);
    ex.bump();
    expect(ex.grow(1)).toBe(1);
    expect(snapshot.restore()).toBe(false);
    expect(ex.cell()).toBe(5);
  });
});

describe('capModuleMemory', () => {
  it('lowers the maximum so memory.grow past the cap fails inside the guest', () => {
    const capped = capModuleMemory(moduleBytes, 2 * PAGE);
    const ex = instantiate(capped).exports as unknown as Exports;
    expect(ex.grow(1)).toBe(1);
    expect(ex.grow(1)).toBe(-1);
  });

  it('never caps below one page: a sub-page limit leaves the 1-page module unable to grow', () => {
    const ex = instantiate(capModuleMemory(moduleBytes, PAGE / 2)).exports as unknown as Exports;
    expect(ex.grow(1)).toBe(-1);
    expect(ex.bump()).toBe(8);
  });

  it('names the sizes when the start-up memory is over the limit', async () => {
    const { parse } = await import('@bytecodealliance/jco');
    const big = await parse('(module (memory 8))');
    expect(() => capModuleMemory(big, 4 * PAGE)).toThrow(MemoryLimitError);
    expect(() => capModuleMemory(big, 4 * PAGE)).toThrow(/524288 bytes.*262144-byte limit/);
  });
});
