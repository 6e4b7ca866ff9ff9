import { beforeAll, describe, expect, it } from 'vitest';
import { CoreStateSnapshot } from '../../../src/host/runtime/recycler.js';
import { exportMutableState } from '../../../src/host/runtime/state-exports.js';
import { DIRTY_EXPORT, DIRTY_TARGET_EXPORT, trackMemoryWrites } from '../../../src/host/runtime/write-tracking.js';

let parse: (wat: string) => Promise<Uint8Array>;
beforeAll(async () => {
  ({ parse } = await import('@bytecodealliance/jco'));
});

async function tracked(bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const result = await trackMemoryWrites(bytes);
  if (!result.tracked) throw new Error(`not tracked: ${result.reason}`);
  expect(result.instrumented).toBe(true);
  return result.bytes as Uint8Array<ArrayBuffer>;
}

function instantiate(bytes: Uint8Array, imports: WebAssembly.Imports = {}): WebAssembly.Instance {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), imports);
}

/** Indices of the pages the instance's written-page map names. */
function writtenPages(instance: WebAssembly.Instance): number[] {
  const map = new Uint8Array((instance.exports[DIRTY_EXPORT] as WebAssembly.Memory).buffer);
  const pages: number[] = [];
  for (let i = 0; i < map.length; i++) if (map[i]) pages.push(i);
  return pages;
}

function clearMap(instance: WebAssembly.Instance): void {
  new Uint8Array((instance.exports[DIRTY_EXPORT] as WebAssembly.Memory).buffer).fill(0);
}

const STORES = `(module
  (memory (export "memory") 4)
  (func (export "scalars")
    (i32.store (i32.const 100) (i32.const 1))
    (i64.store offset=8192 (i32.const 16) (i64.const 2))
    (f32.store (i32.const 12288) (f32.const 3))
    (f64.store offset=4 (i32.const 16380) (f64.const 4))
    (i32.store8 (i32.const 20480) (i32.const 5))
    (i32.store16 (i32.const 24576) (i32.const 6))
    (i64.store8 (i32.const 28672) (i64.const 7))
    (i64.store16 (i32.const 32768) (i64.const 8))
    (i64.store32 offset=40000 (i32.const 960) (i64.const 9)))
  (func (export "simd")
    (v128.store (i32.const 45056) (v128.const i32x4 1 2 3 4))
    (v128.store8_lane offset=1 1 (i32.const 49151) (v128.const i32x4 5 6 7 8)))
  (func (export "sum") (result i64)
    (i64.add
      (i64.add (i64.extend_i32_u (i32.load (i32.const 100))) (i64.load (i32.const 8208)))
      (i64.add (i64.load32_u (i32.const 40960)) (i64.extend_i32_u (i32.load8_u (i32.const 20480)))))))`;

describe('trackMemoryWrites', () => {
  it('marks the page of every store at its effective address (offset included), and stores the same values', async () => {
    const original = await parse(STORES);
    const plain = instantiate(original);
    const instance = instantiate(await tracked(original));
    (plain.exports.scalars as () => void)();
    (instance.exports.scalars as () => void)();
    // 100, 8192+16, 12288, 16380+4, 20480, 24576, 28672, 32768, 40000+960
    expect(writtenPages(instance)).toEqual([0, 2, 3, 4, 5, 6, 7, 8, 10]);
    expect((instance.exports.sum as () => bigint)()).toBe((plain.exports.sum as () => bigint)());
    const memory = (i: WebAssembly.Instance) => new Uint8Array((i.exports.memory as WebAssembly.Memory).buffer);
    expect(Buffer.compare(memory(instance), memory(plain))).toBe(0);

    clearMap(instance);
    (instance.exports.simd as () => void)();
    expect(writtenPages(instance)).toEqual([11, 12]); // 45056; 49151+1
  });

  it('marks the whole destination of memory.fill, memory.copy and memory.init', async () => {
    const instance = instantiate(
      await tracked(
        await parse(`(module
          (memory 8)
          (data $d "0123456789")
          (func (export "fill") (memory.fill (i32.const 5000) (i32.const 7) (i32.const 10000)))
          (func (export "copy") (memory.copy (i32.const 40960) (i32.const 0) (i32.const 4097)))
          (func (export "init") (memory.init $d (i32.const 65530) (i32.const 0) (i32.const 10)))
          (func (export "empty") (memory.fill (i32.const 90000) (i32.const 1) (i32.const 0))))`),
      ),
    );
    (instance.exports.fill as () => void)();
    expect(writtenPages(instance)).toEqual([1, 2, 3]);
    clearMap(instance);
    (instance.exports.copy as () => void)();
    expect(writtenPages(instance)).toEqual([10, 11]);
    clearMap(instance);
    (instance.exports.init as () => void)();
    expect(writtenPages(instance)).toEqual([15, 16]);
    clearMap(instance);
    (instance.exports.empty as () => void)();
    expect(writtenPages(instance)).toEqual([]);
  });

  it('marks the return area of host calls (their last i32 argument), direct and through a table', async () => {
    let memory: WebAssembly.Memory | undefined;
    const host = (_handle: number, retptr: number) => {
      // The host writes its results where the guest asked, without any guest store.
      new DataView(memory!.buffer).setInt32(retptr, 42, true);
    };
    const instance = instantiate(
      await tracked(
        await parse(`(module
          (type $hostfn (func (param i32 i32)))
          (import "host" "call" (func $host (type $hostfn)))
          (memory (export "memory") 4)
          (table 1 funcref)
          (elem (i32.const 0) $host)
          (func (export "direct") (call $host (i32.const 3) (i32.const 20000)))
          (func (export "indirect") (call_indirect (type $hostfn) (i32.const 3) (i32.const 50000) (i32.const 0))))`),
      ),
      { host: { call: host } },
    );
    memory = instance.exports.memory as WebAssembly.Memory;
    (instance.exports.direct as () => void)();
    expect(writtenPages(instance)).toEqual([4]);
    expect(new DataView(memory.buffer).getInt32(20000, true)).toBe(42);
    clearMap(instance);
    (instance.exports.indirect as () => void)();
    expect(writtenPages(instance)).toEqual([12]);
  });

  it('wraps realloc-shaped exports so the block the host writes into is marked', async () => {
    const instance = instantiate(
      await tracked(
        await parse(`(module
          (memory (export "memory") 4)
          (global $next (mut i32) (i32.const 32768))
          (func $realloc (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
            (global.get $next)
            (global.set $next (i32.add (global.get $next) (local.get 3))))
          (func (export "inner") (result i32) (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 10))))`),
      ),
    );
    const realloc = instance.exports.cabi_realloc as (a: number, b: number, c: number, d: number) => number;
    expect(realloc(0, 0, 1, 9000)).toBe(32768);
    expect(writtenPages(instance)).toEqual([8, 9, 10]);
    clearMap(instance);
    // The guest's own calls go to the original function (no marks: the guest writes what it allocates itself).
    expect((instance.exports.inner as () => number)()).toBe(32768 + 9000);
    expect(writtenPages(instance)).toEqual([]);
  });

  it('tracks writes to an imported memory and names it as the target', async () => {
    const memory = new WebAssembly.Memory({ initial: 2 });
    const instance = instantiate(
      await tracked(
        await parse(`(module
          (import "env" "memory" (memory 1))
          (func (export "poke") (i32.store (i32.const 70000) (i32.const 1))))`),
      ),
      { env: { memory } },
    );
    expect(instance.exports[DIRTY_TARGET_EXPORT]).toBe(memory);
    (instance.exports.poke as () => void)();
    expect(writtenPages(instance)).toEqual([17]);
  });

  it('leaves a module without memory alone, and reports modules it cannot represent as untracked', async () => {
    const noMemory = await parse('(module (func (export "f") (result i32) (i32.const 1)))');
    expect(await trackMemoryWrites(noMemory)).toEqual({ tracked: true, bytes: noMemory, instrumented: false });
    const two = await parse('(module (memory 1) (memory 1) (func (i32.store 1 (i32.const 0) (i32.const 1))))');
    expect(await trackMemoryWrites(two)).toMatchObject({ tracked: false, reason: 'several memories' });
    const atomics = await parse('(module (memory 1 1 shared) (func (i32.atomic.store (i32.const 0) (i32.const 1))))');
    expect(await trackMemoryWrites(atomics)).toMatchObject({ tracked: false, reason: 'shared memory' });
    const streams = await parse(
      '(module (import "$root" "[stream-read-0]x" (func (param i32 i32 i32) (result i32))) (memory 1))',
    );
    expect(await trackMemoryWrites(streams)).toMatchObject({
      tracked: false,
      reason: 'component-model async built-in [stream-read-0]x',
    });
  });
});

describe('CoreStateSnapshot with written-page maps', () => {
  const WAT = `(module
    (memory (export "memory") 2)
    (global $g (mut i32) (i32.const 5))
    (data (i32.const 4090) "snapshot bytes")
    (func (export "scribble")
      (i64.store (i32.const 4092) (i64.const -1))
      (i32.store (i32.const 70000) (i32.const 99))
      (global.set $g (i32.const 6))))`;

  it('copies back only the written pages (and the page after each run); verify repairs and counts the rest', async () => {
    const instance = instantiate(exportMutableState(await tracked(await parse(WAT))).bytes);
    const snapshot = new CoreStateSnapshot([instance], { tracked: true, verify: true });
    const memory = new Uint8Array((instance.exports.memory as WebAssembly.Memory).buffer);
    const fresh = memory.slice();
    (instance.exports.scribble as () => void)();
    memory[100_000] = 1; // a write nobody marked (pages are restored from the maps only)
    expect(snapshot.restore()).toBe(true);
    expect(Buffer.compare(memory, fresh)).toBe(0); // verify's full compare put the unmarked byte back…
    expect(snapshot.missedChunks).toBe(1); // …and counted it
    expect(writtenPages(instance)).toEqual([]);

    const quiet = new CoreStateSnapshot([instance], { tracked: true });
    (instance.exports.scribble as () => void)();
    memory[100_000] = 1;
    expect(quiet.restore()).toBe(true);
    expect(memory[100_000]).toBe(1); // not marked, not restored: the maps are the whole story
    expect(Buffer.compare(memory.subarray(0, 90_000), fresh.subarray(0, 90_000))).toBe(0); // 4092..4099 spans pages 0-1
  });

  it('without tracking, restores by comparing the whole memory', async () => {
    const instance = instantiate(exportMutableState(await parse(WAT)).bytes);
    const snapshot = new CoreStateSnapshot([instance], { tracked: true });
    const memory = new Uint8Array((instance.exports.memory as WebAssembly.Memory).buffer);
    const fresh = memory.slice();
    (instance.exports.scribble as () => void)();
    memory[100_000] = 1;
    expect(snapshot.restore()).toBe(true);
    expect(Buffer.compare(memory, fresh)).toBe(0);
  });
});
