/**
 * Rewrites a core module so that it records which 4 KiB pages of its linear memory it wrote: a second memory
 * (`__wash_dirty`, one byte per page of the first) gets a 1 at a page's index whenever the page may have changed.
 * The instance recycler (recycler.ts) then resets only those pages after a request instead of comparing the
 * whole memory with its snapshot (a componentize-js FetchEvent instance holds 9.5 MB and a request changes ~60
 * of its 2,320 pages: the compare was most of a request's cost).
 *
 * Every way a page can change is marked:
 * - the guest's own writes: each store (scalar and SIMD) marks the page of its effective address; memory.fill,
 *   memory.copy and memory.init mark their destination range (an added function, `mark`);
 * - the host writing results through a return pointer: a call to an imported function, and every call_indirect
 *   (a table may hold imported functions), marks the page of its last i32 argument, which is where the canonical
 *   ABI passes the return area (over-marking other i32s costs a page copy, nothing more); call_ref (typed
 *   function references) is not supported;
 * - the host writing arguments, strings and lists into memory the guest allocated for it: every exported function
 *   with realloc's signature `(i32, i32, i32, i32) -> i32` is wrapped to mark the block it returns.
 * A store that straddles a page boundary marks the first page; the recycler resets each marked page together with
 * the next one, and a return area is smaller than a page.
 * Modules this cannot represent faithfully (several or 64-bit or shared memories, atomics, GC instructions,
 * typed function references, component-model async built-ins, which write into buffers named by pointer and
 * length, unknown opcodes) are reported untracked; their instances are reset by the full compare. Branch-hint
 * sections (code offsets the rewrite moves) are dropped.
 */
import { encodeU32Leb } from '../../component/leb128.js';
import { ByteReader, ByteWriter, exportEntry, readSections, type Section, WasmFormatError } from './wasm-bytes.js';

export const DIRTY_EXPORT = '__wash_dirty';
export const DIRTY_TARGET_EXPORT = '__wash_dirty_target';
export const PAGE_SHIFT = 12;
/** Bumped whenever the rewrite changes (cached rewritten modules carry it in their file name). */
export const WRITE_TRACKING_VERSION = 2;
/** The rewrite gives the event loop a turn this often. */
const YIELD_AFTER_MS = 10;
/** One byte per 4 KiB page of a 4 GiB memory: 2^20 bytes = 16 wasm pages. */
const DIRTY_MEMORY_PAGES = 16;

const I32 = 0x7f;
const I64 = 0x7e;
const F32 = 0x7d;
const F64 = 0x7c;
const V128 = 0x7b;

export type WriteTracking =
  | { tracked: true; bytes: Uint8Array /** false: the module has no memory, nothing to track */; instrumented: boolean }
  | { tracked: false; bytes: Uint8Array; reason: string };

class Unsupported extends Error {}

const ASYNC_BUILTIN = /^\[(async-lower|stream-|future-|waitable|subtask|task-|context-|backpressure|error-context)/;
/** Custom sections holding code offsets, which the rewrite moves (branch hints). */
const CODE_OFFSET_SECTION = /^metadata\.code\./;

interface FuncType {
  params: number[];
  results: number[];
}

interface ModuleInfo {
  types: FuncType[];
  /** Type index of every function, imported first. */
  funcTypes: number[];
  importedFuncs: number;
  memories: number;
  exports: { name: string; kind: number; index: number }[];
}

function readLimits(r: ByteReader, what: string): void {
  const flags = r.byte();
  if (flags & 0x02) throw new Unsupported(`shared ${what}`);
  if (flags & 0x04) throw new Unsupported(`64-bit ${what}`);
  r.u32();
  if (flags & 0x01) r.u32();
}

function readModule(module: Uint8Array, sections: Section[]): ModuleInfo {
  const info: ModuleInfo = { types: [], funcTypes: [], importedFuncs: 0, memories: 0, exports: [] };
  for (const s of sections) {
    const r = new ByteReader(module, s.contentStart);
    if (s.id === 1) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        if (r.byte() !== 0x60) throw new Unsupported('GC type definitions');
        const params = Array.from({ length: r.u32() }, () => r.valType());
        const results = Array.from({ length: r.u32() }, () => r.valType());
        info.types.push({ params, results });
      }
    } else if (s.id === 2) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        r.skipName();
        const field = r.name();
        const kind = r.byte();
        if (kind === 0x00) {
          // Component-model async built-ins write into buffers the guest names by pointer and length.
          if (ASYNC_BUILTIN.test(field)) throw new Unsupported(`component-model async built-in ${field}`);
          info.funcTypes.push(r.u32());
          info.importedFuncs++;
        } else if (kind === 0x01) {
          r.valType();
          readLimits(r, 'table');
        } else if (kind === 0x02) {
          readLimits(r, 'memory');
          info.memories++;
        } else if (kind === 0x03) {
          r.valType();
          r.byte();
        } else if (kind === 0x04) {
          r.byte();
          r.u32();
        } else throw new WasmFormatError(`unknown import kind ${kind}`);
      }
    } else if (s.id === 3) {
      const count = r.u32();
      for (let i = 0; i < count; i++) info.funcTypes.push(r.u32());
    } else if (s.id === 5) {
      const count = r.u32();
      for (let i = 0; i < count; i++) readLimits(r, 'memory');
      info.memories += count;
    } else if (s.id === 7) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        const name = r.name();
        info.exports.push({ name, kind: r.byte(), index: r.u32() });
      }
    }
  }
  return info;
}

/** The locals a function body gets appended for the rewrite, allocated on first use. */
class ExtraLocals {
  readonly #first: number;
  readonly types: number[] = [];
  readonly #byKey = new Map<string, number>();
  constructor(first: number) {
    this.#first = first;
  }
  get(key: string, type: number): number {
    let index = this.#byKey.get(key);
    if (index === undefined) {
      index = this.#first + this.types.length;
      this.types.push(type);
      this.#byKey.set(key, index);
    }
    return index;
  }
}

/** Value type stored by each scalar store opcode (0x36…0x3e). */
const STORE_TYPE: Record<number, number> = {
  54: I32,
  55: I64,
  56: F32,
  57: F64,
  58: I32,
  59: I32,
  60: I64,
  61: I64,
  62: I64,
};

class BodyRewriter {
  readonly #r: ByteReader;
  readonly #out: ByteWriter;
  #copied: number;

  /** `out` is emptied and receives the rewritten instructions. */
  constructor(
    out: ByteWriter,
    private readonly module: Uint8Array,
    private readonly info: ModuleInfo,
    private readonly dirty: number,
    private readonly mark: number,
    private readonly locals: ExtraLocals,
    start: number,
  ) {
    this.#r = new ByteReader(module, start);
    this.#copied = start;
    this.#out = out;
    out.reset();
  }

  /** Copies the original bytes up to `to`. */
  #flush(to: number): void {
    if (to > this.#copied) this.#out.bytes(this.module.subarray(this.#copied, to));
    this.#copied = to;
  }

  /** `i32.store8` of 1 into the dirty memory at the page index computed on the stack. */
  #markPageOnStack(): void {
    const o = this.#out;
    o.byte(0x41);
    o.byte(PAGE_SHIFT);
    o.byte(0x76); // i32.shr_u
    o.byte(0x41);
    o.byte(1);
    o.byte(0x3a); // i32.store8
    o.byte(0x40); // align 0, memory index follows
    o.u32(this.dirty);
    o.byte(0); // offset
  }

  /** Marks the page of the i32 on top of the stack, leaving it there. */
  #markTopOfStack(): void {
    const a = this.locals.get('a', I32);
    this.#out.byte(0x22);
    this.#out.u32(a);
    this.#out.byte(0x20);
    this.#out.u32(a);
    this.#markPageOnStack();
  }

  #memarg(): { offset: number } {
    const r = this.#r;
    const align = r.u32();
    if (align & 0x40 && r.u32() !== 0) throw new Unsupported('a second memory');
    return { offset: r.u32() };
  }

  #blockType(): void {
    const r = this.#r;
    const b = r.byte();
    if (b === 0x63 || b === 0x64) r.skipLeb();
    else if (b & 0x80) r.skipLeb();
  }

  /**
   * Rewrites the store whose opcode started at `at`; the reader is just past the opcode. `laneByte`: a SIMD lane
   * store, whose lane index follows the memarg.
   */
  #store(at: number, type: number, laneByte = false): void {
    const { offset } = this.#memarg();
    if (laneByte) this.#r.pos += 1;
    const end = this.#r.pos;
    const value = this.locals.get(`v${type}`, type);
    const addr = this.locals.get('a', I32);
    this.#flush(at);
    const o = this.#out;
    o.byte(0x21);
    o.u32(value);
    o.byte(0x22);
    o.u32(addr);
    o.byte(0x20);
    o.u32(value);
    this.#flush(end);
    o.byte(0x20);
    o.u32(addr);
    if (offset !== 0) {
      o.byte(0x41);
      o.s32(offset | 0);
      o.byte(0x6a); // i32.add
    }
    this.#markPageOnStack();
  }

  /** memory.fill / memory.copy / memory.init: [dest, x, len] on the stack; marks [dest, dest + len). */
  #bulk(at: number): void {
    const end = this.#r.pos;
    const a = this.locals.get('a', I32);
    const b = this.locals.get('b', I32);
    const c = this.locals.get('c', I32);
    this.#flush(at);
    const o = this.#out;
    for (const [op, index] of [
      [0x21, c],
      [0x21, b],
      [0x22, a],
      [0x20, b],
      [0x20, c],
    ] as const) {
      o.byte(op);
      o.u32(index);
    }
    this.#flush(end);
    o.byte(0x20);
    o.u32(a);
    o.byte(0x20);
    o.u32(c);
    o.byte(0x10);
    o.u32(this.mark);
  }

  #lastParamIsI32(typeIndex: number): boolean {
    const type = this.info.types[typeIndex];
    if (!type) throw new WasmFormatError(`type index ${typeIndex} out of range`);
    return type.params.length > 0 && type.params[type.params.length - 1] === I32;
  }

  /** A call that may reach the host: marks its last i32 argument's page (a return area) before the call. */
  #hostCall(at: number, typeIndex: number): void {
    if (!this.#lastParamIsI32(typeIndex)) return;
    this.#flush(at);
    this.#markTopOfStack();
  }

  /** The same for call_indirect, whose table index sits above the arguments. */
  #indirectCall(at: number, typeIndex: number): void {
    if (!this.#lastParamIsI32(typeIndex)) return;
    const index = this.locals.get('b', I32);
    this.#flush(at);
    this.#out.byte(0x21);
    this.#out.u32(index);
    this.#markTopOfStack();
    this.#out.byte(0x20);
    this.#out.u32(index);
  }

  /** Rewrites the instructions from the current position to `end`; returns the new instruction bytes. */
  rewrite(end: number): Uint8Array {
    const r = this.#r;
    while (r.pos < end) {
      const at = r.pos;
      const op = r.byte();
      if (op >= 0x45 && op <= 0xc4) continue; // numeric, no immediates
      if (op >= 0x28 && op <= 0x35) {
        this.#memarg();
        continue;
      }
      if (op >= 0x36 && op <= 0x3e) {
        this.#store(at, STORE_TYPE[op]);
        continue;
      }
      switch (op) {
        case 0x00:
        case 0x01:
        case 0x05:
        case 0x0a:
        case 0x0b:
        case 0x0f:
        case 0x19:
        case 0x1a:
        case 0x1b:
        case 0xd1:
        case 0xd3:
        case 0xd4:
          break;
        case 0x02:
        case 0x03:
        case 0x04:
        case 0x06:
          this.#blockType();
          break;
        case 0x07:
        case 0x08:
        case 0x09:
        case 0x0c:
        case 0x0d:
        case 0x18:
        case 0x20:
        case 0x21:
        case 0x22:
        case 0x23:
        case 0x24:
        case 0x25:
        case 0x26:
        case 0xd2:
        case 0xd5:
        case 0xd6:
          r.u32();
          break;
        case 0x3f:
        case 0x40:
          if (r.u32() !== 0) throw new Unsupported('a second memory');
          break;
        case 0x10:
        case 0x12: {
          const func = r.u32();
          if (func < this.info.importedFuncs) this.#hostCall(at, this.info.funcTypes[func]);
          break;
        }
        case 0x11:
        case 0x13: {
          const type = r.u32();
          r.u32();
          this.#indirectCall(at, type);
          break;
        }
        case 0x0e: {
          const n = r.u32();
          for (let i = 0; i <= n; i++) r.u32();
          break;
        }
        case 0x1c: {
          const n = r.u32();
          for (let i = 0; i < n; i++) r.valType();
          break;
        }
        case 0x1f: {
          this.#blockType();
          const n = r.u32();
          for (let i = 0; i < n; i++) {
            const kind = r.byte();
            if (kind <= 1) r.u32();
            r.u32();
          }
          break;
        }
        case 0x41:
        case 0x42:
        case 0xd0:
          r.skipLeb();
          break;
        case 0x43:
          r.pos += 4;
          break;
        case 0x44:
          r.pos += 8;
          break;
        case 0xfc:
          this.#prefixFc(at);
          break;
        case 0xfd:
          this.#prefixFd(at);
          break;
        default:
          throw new Unsupported(`opcode 0x${op.toString(16)}`);
      }
    }
    this.#flush(end);
    return this.#out.view();
  }

  #prefixFc(at: number): void {
    const r = this.#r;
    const sub = r.u32();
    if (sub <= 7) return;
    switch (sub) {
      case 8: // memory.init data mem
        r.u32();
        if (r.u32() !== 0) throw new Unsupported('a second memory');
        this.#bulk(at);
        return;
      case 10: // memory.copy dst src
        if (r.u32() !== 0 || r.u32() !== 0) throw new Unsupported('a second memory');
        this.#bulk(at);
        return;
      case 11: // memory.fill mem
        if (r.u32() !== 0) throw new Unsupported('a second memory');
        this.#bulk(at);
        return;
      case 9:
      case 13:
      case 15:
      case 16:
      case 17:
        r.u32();
        return;
      case 12:
      case 14:
        r.u32();
        r.u32();
        return;
      default:
        throw new Unsupported(`opcode 0xfc ${sub}`);
    }
  }

  #prefixFd(at: number): void {
    const r = this.#r;
    const sub = r.u32();
    if (sub === 11) this.#store(at, V128);
    else if (sub >= 88 && sub <= 91) this.#store(at, V128, true);
    else if (sub <= 10 || sub === 92 || sub === 93) this.#memarg();
    else if (sub === 12 || sub === 13) r.pos += 16;
    else if ((sub >= 21 && sub <= 34) || (sub >= 84 && sub <= 87)) {
      if (sub >= 84) this.#memarg();
      r.pos += 1;
    }
  }
}

function localDecls(out: ByteWriter, original: Uint8Array, extra: number[]): void {
  // Original declarations are copied as they are; the extra locals follow, one entry each.
  const r = new ByteReader(original, 0);
  const count = r.u32();
  out.u32(count + extra.length);
  out.bytes(original.subarray(r.pos));
  for (const t of extra) {
    out.u32(1);
    out.byte(t);
  }
}

/** `mark(dest, len)`: sets the dirty byte of every page in [dest, dest + len). */
function markBody(dirty: number): ByteWriter {
  const b = new ByteWriter(64);
  const store8 = [0x3a, 0x40, ...encodeU32Leb(dirty), 0x00];
  b.bytes([0x01, 0x02, I32]); // locals: page, last
  b.bytes([0x20, 1, 0x45, 0x04, 0x40, 0x0f, 0x0b]); // if len == 0: return
  b.bytes([0x20, 0, 0x41, PAGE_SHIFT, 0x76, 0x21, 2]); // page = dest >> 12
  b.bytes([0x20, 0, 0x20, 1, 0x6a, 0x41, 1, 0x6b, 0x41, PAGE_SHIFT, 0x76, 0x21, 3]); // last = (dest+len-1) >> 12
  b.bytes([0x03, 0x40]); // loop
  b.bytes([0x20, 2, 0x41, 1, ...store8]);
  b.bytes([0x20, 2, 0x41, 1, 0x6a, 0x22, 2, 0x20, 3, 0x4d, 0x0d, 0]); // page += 1; br_if page <= last
  b.bytes([0x0b, 0x0b]);
  return b;
}

/** A realloc export's wrapper: calls it, marks the block it returns. */
function reallocWrapperBody(original: number, mark: number): ByteWriter {
  const b = new ByteWriter(32);
  b.bytes([0x01, 0x01, I32]);
  b.bytes([0x20, 0, 0x20, 1, 0x20, 2, 0x20, 3, 0x10, ...encodeU32Leb(original)]);
  b.bytes([0x22, 4, 0x20, 4, 0x20, 3, 0x10, ...encodeU32Leb(mark), 0x0b]);
  return b;
}

function isRealloc(t: FuncType | undefined): boolean {
  return (
    t !== undefined &&
    t.params.length === 4 &&
    t.params.every((p) => p === I32) &&
    t.results.length === 1 &&
    t.results[0] === I32
  );
}

async function instrument(module: Uint8Array, sections: Section[], info: ModuleInfo): Promise<Uint8Array> {
  if (info.memories > 1) throw new Unsupported('several memories');
  const dirty = info.memories; // index of the added memory
  const markType = info.types.length;
  const markFunc = info.funcTypes.length;
  const reallocs = info.exports.filter((e) => e.kind === 0x00 && isRealloc(info.types[info.funcTypes[e.index]]));
  const wrapperOf = new Map<number, number>();
  for (const e of reallocs) if (!wrapperOf.has(e.index)) wrapperOf.set(e.index, markFunc + 1 + wrapperOf.size);

  const out = new ByteWriter(module.length + (module.length >> 2));
  out.bytes(module.subarray(0, 8));
  const emit = (id: number, content: ByteWriter) => {
    out.byte(id);
    out.sized(content);
  };
  const ids = new Set(sections.map((s) => s.id));
  const addMemorySection = !ids.has(5);
  const addExportSection = !ids.has(7);
  const beforeMemory = new Set([1, 2, 3, 4]);
  const beforeExport = new Set([1, 2, 3, 4, 5, 6, 13]);
  const lastBefore = (set: Set<number>) => sections.filter((s) => set.has(s.id)).pop();
  const memoryAfter = lastBefore(beforeMemory);
  const exportAfter = lastBefore(beforeExport);

  const memorySection = (count: number, existing: Uint8Array) => {
    const w = new ByteWriter(existing.length + 8);
    w.u32(count + 1);
    w.bytes(existing);
    w.byte(0x00);
    w.u32(DIRTY_MEMORY_PAGES);
    return w;
  };
  const exportSection = (count: number, existingEntries: ByteWriter) => {
    const w = new ByteWriter(existingEntries.length + 64);
    w.u32(count + 2);
    w.bytes(existingEntries.view());
    exportEntry(w, DIRTY_EXPORT, 0x02, dirty);
    exportEntry(w, DIRTY_TARGET_EXPORT, 0x02, 0);
    return w;
  };
  if ((addMemorySection && !memoryAfter) || (addExportSection && !exportAfter))
    throw new Unsupported('a module without a type section');
  for (const s of sections) {
    const r = new ByteReader(module, s.contentStart);
    if (s.id === 1) {
      const w = new ByteWriter(s.end - s.contentStart + 8);
      w.u32(r.u32() + 1);
      w.bytes(module.subarray(r.pos, s.end));
      w.bytes([0x60, 2, I32, I32, 0]);
      emit(1, w);
    } else if (s.id === 3) {
      const w = new ByteWriter(s.end - s.contentStart + 8);
      w.u32(r.u32() + 1 + wrapperOf.size);
      w.bytes(module.subarray(r.pos, s.end));
      w.u32(markType);
      for (const original of wrapperOf.keys()) w.u32(info.funcTypes[original]);
      emit(3, w);
    } else if (s.id === 5) {
      const count = r.u32();
      emit(5, memorySection(count, module.subarray(r.pos, s.end)));
    } else if (s.id === 7) {
      const count = r.u32();
      const entries = new ByteWriter(s.end - s.contentStart);
      for (const e of info.exports)
        exportEntry(entries, e.name, e.kind, e.kind === 0 ? (wrapperOf.get(e.index) ?? e.index) : e.index);
      emit(7, exportSection(count, entries));
    } else if (s.id === 10) {
      const count = r.u32();
      const w = new ByteWriter(Math.ceil((s.end - s.contentStart) * 1.3));
      w.u32(count + 1 + wrapperOf.size);
      const code = new ByteWriter(1 << 16);
      const body = new ByteWriter(1 << 16);
      let slice = performance.now();
      for (let i = 0; i < count; i++) {
        // The rewrite of a 13 MB module takes ~0.3 s: requests of running components are served in between.
        if (performance.now() - slice > YIELD_AFTER_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          slice = performance.now();
        }
        const size = r.u32();
        const bodyEnd = r.pos + size;
        const type = info.types[info.funcTypes[info.importedFuncs + i]];
        if (!type) throw new WasmFormatError(`function ${i} has no type`);
        let declared = 0;
        const declStart = r.pos;
        const groups = r.u32();
        for (let g = 0; g < groups; g++) {
          declared += r.u32();
          r.valType();
        }
        const locals = new ExtraLocals(type.params.length + declared);
        new BodyRewriter(code, module, info, dirty, markFunc, locals, r.pos).rewrite(bodyEnd);
        body.reset();
        localDecls(body, module.subarray(declStart, r.pos), locals.types);
        body.bytes(code.view());
        w.sized(body);
        r.pos = bodyEnd;
      }
      w.sized(markBody(dirty));
      for (const original of wrapperOf.keys()) w.sized(reallocWrapperBody(original, markFunc));
      emit(10, w);
    } else if (!(s.id === 0 && CODE_OFFSET_SECTION.test(new ByteReader(module, s.contentStart).name()))) {
      out.byte(s.id);
      out.u32(s.end - s.contentStart);
      out.bytes(module.subarray(s.contentStart, s.end));
    }
    if (s === memoryAfter && addMemorySection) emit(5, memorySection(0, new Uint8Array()));
    if (s === exportAfter && addExportSection) emit(7, exportSection(0, new ByteWriter(0)));
  }
  if (!ids.has(10)) throw new Unsupported('a module without code');
  return out.view().slice();
}

/** Instruments `module` (see the file comment); never throws for a module it cannot handle. */
export async function trackMemoryWrites(module: Uint8Array): Promise<WriteTracking> {
  try {
    const sections = readSections(module);
    const info = readModule(module, sections);
    if (info.memories === 0) return { tracked: true, bytes: module, instrumented: false };
    return { tracked: true, bytes: await instrument(module, sections, info), instrumented: true };
  } catch (err) {
    if (err instanceof Unsupported || err instanceof WasmFormatError)
      return { tracked: false, bytes: module, reason: err.message };
    throw err;
  }
}
