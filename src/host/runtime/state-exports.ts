/**
 * Rewrites a core module so that all of its own mutable state is reachable from JS: every defined
 * mutable global and every defined memory gets an extra export (`__wash_global_N`, `__wash_memory_N`).
 * Nothing else changes, so the jco glue (which looks exports up by name) works as before. The
 * instance recycler (recycler.ts) uses these exports to snapshot a fresh instance and restore it.
 */

import { decodeU32Leb, encodeU32Leb, skipLeb } from '../../component/leb128.js';

export const GLOBAL_EXPORT_PREFIX = '__wash_global_';
export const MEMORY_EXPORT_PREFIX = '__wash_memory_';
export const TABLE_EXPORT_PREFIX = '__wash_table_';

export interface StateExports {
  bytes: Uint8Array;
  globals: string[];
  memories: string[];
  /** Defined tables: a recycled instance is only safe while these keep their size. */
  tables: string[];
}

class Reader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    pos: number,
  ) {
    this.pos = pos;
  }
  byte(): number {
    const b = this.bytes[this.pos++];
    if (b === undefined) throw new Error('unexpected end of wasm module');
    return b;
  }
  u32(): number {
    return decodeU32Leb(() => this.byte());
  }
  /** Skips a signed LEB128 of any width. */
  skipLeb(): void {
    skipLeb(() => this.byte());
  }
  skipName(): void {
    const len = this.u32();
    this.pos += len;
  }
  skipLimits(): void {
    const flags = this.byte();
    this.u32();
    if (flags & 0x01) this.u32();
  }
  skipValType(): void {
    const t = this.byte();
    // (ref null? ht) with a heap-type index: 0x63 / 0x64 followed by a signed LEB
    if (t === 0x63 || t === 0x64) this.skipLeb();
  }
  /** Skips a constant expression (up to and including `end`). */
  skipConstExpr(): void {
    for (;;) {
      const op = this.byte();
      switch (op) {
        case 0x0b:
          return;
        case 0x41: // i32.const
        case 0x42: // i64.const
          this.skipLeb();
          break;
        case 0x43: // f32.const
          this.pos += 4;
          break;
        case 0x44: // f64.const
          this.pos += 8;
          break;
        case 0x23: // global.get
        case 0xd2: // ref.func
          this.u32();
          break;
        case 0xd0: // ref.null ht
          this.skipLeb();
          break;
        case 0x6a:
        case 0x6b:
        case 0x6c:
        case 0x7c:
        case 0x7d:
        case 0x7e: // extended-const arithmetic
          break;
        case 0xfd: // v128.const
          this.u32();
          this.pos += 16;
          break;
        default:
          throw new Error(`unsupported opcode 0x${op.toString(16)} in a constant expression`);
      }
    }
  }
}

function exportEntry(name: string, kind: number, index: number): number[] {
  const utf8 = [...Buffer.from(name, 'utf8')];
  return [...encodeU32Leb(utf8.length), ...utf8, kind, ...encodeU32Leb(index)];
}

export function exportMutableState(module: Uint8Array): StateExports {
  const sections: { id: number; start: number; contentStart: number; end: number }[] = [];
  let pos = 8;
  while (pos < module.length) {
    const r = new Reader(module, pos + 1);
    const size = r.u32();
    sections.push({ id: module[pos], start: pos, contentStart: r.pos, end: r.pos + size });
    pos = r.pos + size;
  }
  let importedGlobals = 0;
  let importedMemories = 0;
  let importedTables = 0;
  const tables: number[] = [];
  const mutableGlobals: number[] = [];
  const memories: number[] = [];
  for (const s of sections) {
    const r = new Reader(module, s.contentStart);
    if (s.id === 2) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        r.skipName();
        r.skipName();
        const kind = r.byte();
        if (kind === 0x00) r.u32();
        else if (kind === 0x01) {
          r.skipValType();
          r.skipLimits();
          importedTables++;
        } else if (kind === 0x02) {
          r.skipLimits();
          importedMemories++;
        } else if (kind === 0x03) {
          r.skipValType();
          r.byte();
          importedGlobals++;
        } else if (kind === 0x04) {
          r.byte();
          r.u32();
        } else throw new Error(`unknown import kind ${kind}`);
      }
    } else if (s.id === 4) {
      const count = r.u32();
      for (let i = 0; i < count; i++) tables.push(importedTables + i);
    } else if (s.id === 5) {
      const count = r.u32();
      for (let i = 0; i < count; i++) memories.push(importedMemories + i);
    } else if (s.id === 6) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        r.skipValType();
        const mutable = r.byte() & 0x01;
        r.skipConstExpr();
        if (mutable) mutableGlobals.push(importedGlobals + i);
      }
    }
  }

  const entries: number[][] = [];
  const globals = mutableGlobals.map((index) => {
    const name = `${GLOBAL_EXPORT_PREFIX}${index}`;
    entries.push(exportEntry(name, 0x03, index));
    return name;
  });
  const memoryNames = memories.map((index) => {
    const name = `${MEMORY_EXPORT_PREFIX}${index}`;
    entries.push(exportEntry(name, 0x02, index));
    return name;
  });
  const tableNames = tables.map((index) => {
    const name = `${TABLE_EXPORT_PREFIX}${index}`;
    entries.push(exportEntry(name, 0x01, index));
    return name;
  });
  if (entries.length === 0) return { bytes: module, globals, memories: memoryNames, tables: tableNames };

  const existing = sections.find((s) => s.id === 7);
  let body: number[];
  let replaceStart: number;
  let replaceEnd: number;
  if (existing) {
    const r = new Reader(module, existing.contentStart);
    const count = r.u32();
    body = [...encodeU32Leb(count + entries.length), ...module.subarray(r.pos, existing.end), ...entries.flat()];
    replaceStart = existing.start;
    replaceEnd = existing.end;
  } else {
    // A new export section goes after the last section that orders before it (type … global, and tag = 13).
    const before = sections.filter((s) => (s.id >= 1 && s.id <= 6) || s.id === 13).pop();
    replaceStart = replaceEnd = before ? before.end : 8;
    body = [...encodeU32Leb(entries.length), ...entries.flat()];
  }
  const section = Uint8Array.from([7, ...encodeU32Leb(body.length), ...body]);
  const out = new Uint8Array(module.length - (replaceEnd - replaceStart) + section.length);
  out.set(module.subarray(0, replaceStart), 0);
  out.set(section, replaceStart);
  out.set(module.subarray(replaceEnd), replaceStart + section.length);
  return { bytes: out, globals, memories: memoryNames, tables: tableNames };
}
