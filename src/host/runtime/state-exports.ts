/**
 * Rewrites a core module so that all of its own mutable state is reachable from JS: every defined
 * mutable global and every defined memory gets an extra export (`__wash_global_N`, `__wash_memory_N`).
 * Nothing else changes, so the jco glue (which looks exports up by name) works as before. The
 * instance recycler (recycler.ts) uses these exports to snapshot a fresh instance and restore it.
 */

import { ByteReader, ByteWriter, exportEntry, readSections } from './wasm-bytes.js';

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

export function exportMutableState(module: Uint8Array): StateExports {
  const sections = readSections(module);
  let importedGlobals = 0;
  let importedMemories = 0;
  let importedTables = 0;
  const tables: number[] = [];
  const mutableGlobals: number[] = [];
  const memories: number[] = [];
  for (const s of sections) {
    const r = new ByteReader(module, s.contentStart);
    if (s.id === 2) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        r.skipName();
        r.skipName();
        const kind = r.byte();
        if (kind === 0x00) r.u32();
        else if (kind === 0x01) {
          r.valType();
          r.skipLimits();
          importedTables++;
        } else if (kind === 0x02) {
          r.skipLimits();
          importedMemories++;
        } else if (kind === 0x03) {
          r.valType();
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
        r.valType();
        const mutable = r.byte() & 0x01;
        r.skipConstExpr();
        if (mutable) mutableGlobals.push(importedGlobals + i);
      }
    }
  }

  const entries = new ByteWriter(256);
  const exported = (prefix: string, kind: number) => (index: number) => {
    const name = `${prefix}${index}`;
    exportEntry(entries, name, kind, index);
    return name;
  };
  const globals = mutableGlobals.map(exported(GLOBAL_EXPORT_PREFIX, 0x03));
  const memoryNames = memories.map(exported(MEMORY_EXPORT_PREFIX, 0x02));
  const tableNames = tables.map(exported(TABLE_EXPORT_PREFIX, 0x01));
  const added = globals.length + memoryNames.length + tableNames.length;
  if (added === 0) return { bytes: module, globals, memories: memoryNames, tables: tableNames };

  const existing = sections.find((s) => s.id === 7);
  const body = new ByteWriter(entries.length + 16);
  let replaceStart: number;
  let replaceEnd: number;
  if (existing) {
    const r = new ByteReader(module, existing.contentStart);
    body.u32(r.u32() + added);
    body.bytes(module.subarray(r.pos, existing.end));
    replaceStart = existing.start;
    replaceEnd = existing.end;
  } else {
    // A new export section goes after the last section that orders before it (type … global, and tag = 13).
    const before = sections.filter((s) => (s.id >= 1 && s.id <= 6) || s.id === 13).pop();
    replaceStart = replaceEnd = before ? before.end : 8;
    body.u32(added);
  }
  body.bytes(entries.view());
  const section = new ByteWriter(body.length + 8);
  section.byte(7);
  section.sized(body);
  const out = new Uint8Array(module.length - (replaceEnd - replaceStart) + section.length);
  out.set(module.subarray(0, replaceStart), 0);
  out.set(section.view(), replaceStart);
  out.set(module.subarray(replaceEnd), replaceStart + section.length);
  return { bytes: out, globals, memories: memoryNames, tables: tableNames };
}
