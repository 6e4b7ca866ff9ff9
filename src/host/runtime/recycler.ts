/**
 * Recycling instances of components that can serve only one request per instance (componentize-js
 * FetchEvent components, StarlingMonkey#247).
 *
 * A fresh instance's entire mutable core state — its linear memories, mutable globals (made reachable
 * by state-exports.ts) — is copied right after instantiation, before the guest has run any code. After
 * a request the copy is written back, which puts the guest exactly where a newly created instance
 * would be, at the cost of one memcpy instead of allocating and initialising a new 20+ MB instance
 * (and later garbage-collecting it). The restore is refused, and the instance dropped, whenever the
 * state could not be reproduced faithfully: a memory grew, a table changed size, or the call failed.
 * Host-side state in the jco glue (resource tables) is per instance and only holds handles the guest
 * has not dropped; a restored guest never refers to those again.
 *
 * A request touches little: a componentize-js FetchEvent instance (9.5 MB, 58 % of it zero pages) changes ~60 of
 * its 2,320 4 KiB pages. When every core module that can write a memory records the pages it wrote
 * (write-tracking.ts), only those pages are copied back (each with the page after it, for a write that straddled
 * the boundary). Otherwise the restore compares the whole memory chunk by chunk (64 KiB): a chunk that still equals
 * the saved bytes is left alone, a chunk saved as zeros is only checked for zeros — correct for any module, but
 * reading 9.5 MB per request was most of the request's cost.
 * `verify` runs the full compare after a tracked restore as well and counts the chunks it still had to repair
 * (tests assert none).
 */
import { GLOBAL_EXPORT_PREFIX, MEMORY_EXPORT_PREFIX, TABLE_EXPORT_PREFIX } from './state-exports.js';
import { DIRTY_EXPORT, DIRTY_TARGET_EXPORT, PAGE_SHIFT } from './write-tracking.js';

const CHUNK = 64 * 1024;
const ZEROS = Buffer.alloc(CHUNK);

interface SavedMemory {
  memory: WebAssembly.Memory;
  bytes: Buffer;
  /** Per chunk: saved as all zeros. */
  zero: boolean[];
  /** Per-chunk views of the live memory, valid while its buffer is this one (it changes only on grow). */
  views?: { buffer: ArrayBuffer; chunks: Buffer[]; whole: Uint8Array };
  /** Written-page maps of the modules that write this memory; none: not tracked (full compare). */
  dirty: Uint8Array[];
}

function chunkViews(buffer: ArrayBuffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < buffer.byteLength; at += CHUNK)
    chunks.push(Buffer.from(buffer, at, Math.min(CHUNK, buffer.byteLength - at)));
  return chunks;
}

function liveViews(saved: SavedMemory): NonNullable<SavedMemory['views']> {
  const buffer = saved.memory.buffer as ArrayBuffer;
  if (saved.views?.buffer !== buffer)
    saved.views = { buffer, chunks: chunkViews(buffer), whole: new Uint8Array(buffer) };
  return saved.views;
}

/** Full compare; returns how many chunks differed (and were restored). */
function compareAndRestore(saved: SavedMemory): number {
  const live = liveViews(saved).chunks;
  let repaired = 0;
  for (let i = 0; i < live.length; i++) {
    const chunk = live[i];
    const at = i * CHUNK;
    if (saved.zero[i]) {
      if (chunk.compare(ZEROS, 0, chunk.length) !== 0) {
        chunk.fill(0);
        repaired++;
      }
    } else if (chunk.compare(saved.bytes, at, at + chunk.length) !== 0) {
      chunk.set(saved.bytes.subarray(at, at + chunk.length));
      repaired++;
    }
  }
  return repaired;
}

/** Copies back the pages the written-page maps name (and the page after each run), then clears the maps. */
function restoreWrittenPages(saved: SavedMemory): void {
  const live = liveViews(saved).whole;
  const maps = saved.dirty;
  const pages = saved.bytes.length >>> PAGE_SHIFT;
  const written = (page: number) => {
    for (let m = 0; m < maps.length; m++) if (maps[m][page] !== 0) return true;
    return false;
  };
  for (let page = 0; page < pages; page++) {
    if (!written(page)) continue;
    const first = page;
    while (page < pages && written(page)) page++;
    const end = Math.min(page + 1, pages) << PAGE_SHIFT;
    live.set(saved.bytes.subarray(first << PAGE_SHIFT, end), first << PAGE_SHIFT);
  }
  for (const map of maps) map.fill(0, 0, pages);
}
interface SavedGlobal {
  global: WebAssembly.Global;
  value: unknown;
}
interface SavedTable {
  table: WebAssembly.Table;
  length: number;
}

export class CoreStateSnapshot {
  readonly #memories: SavedMemory[] = [];
  readonly #globals: SavedGlobal[] = [];
  readonly #tables: SavedTable[] = [];
  readonly bytes: number;
  readonly #verify: boolean;
  /** Chunks the full compare still found changed after a tracked restore (with `verify`). */
  missedChunks = 0;

  /**
   * Captures the state of the given core instances (only exports added by state-exports.ts are read).
   * `tracked`: every module that can write memory records its writes (write-tracking.ts).
   */
  constructor(instances: WebAssembly.Instance[], opts: { tracked?: boolean; verify?: boolean } = {}) {
    this.#verify = opts.verify ?? false;
    const seen = new Set<unknown>();
    const dirtyMaps = new Map<WebAssembly.Memory, Uint8Array[]>();
    for (const instance of instances) {
      const map = instance.exports[DIRTY_EXPORT];
      const target = instance.exports[DIRTY_TARGET_EXPORT];
      if (!(map instanceof WebAssembly.Memory) || !(target instanceof WebAssembly.Memory)) continue;
      seen.add(map);
      const maps = dirtyMaps.get(target) ?? [];
      maps.push(new Uint8Array(map.buffer));
      dirtyMaps.set(target, maps);
    }
    for (const instance of instances) {
      for (const [name, value] of Object.entries(instance.exports)) {
        if (seen.has(value)) continue;
        if (name.startsWith(MEMORY_EXPORT_PREFIX) && value instanceof WebAssembly.Memory) {
          seen.add(value);
          const bytes = Buffer.from(new Uint8Array(value.buffer).slice().buffer);
          const zero: boolean[] = [];
          for (let at = 0; at < bytes.length; at += CHUNK) {
            const end = Math.min(at + CHUNK, bytes.length);
            zero.push(bytes.compare(ZEROS, 0, end - at, at, end) === 0);
          }
          const dirty = opts.tracked ? (dirtyMaps.get(value) ?? []) : [];
          // Pages written before the snapshot are part of it (the map holds no more pages than the memory has).
          for (const map of dirty) map.fill(0, 0, bytes.length >>> PAGE_SHIFT);
          this.#memories.push({ memory: value, bytes, zero, dirty });
        } else if (name.startsWith(GLOBAL_EXPORT_PREFIX) && value instanceof WebAssembly.Global) {
          seen.add(value);
          this.#globals.push({ global: value, value: value.value });
        } else if (name.startsWith(TABLE_EXPORT_PREFIX) && value instanceof WebAssembly.Table) {
          seen.add(value);
          this.#tables.push({ table: value, length: value.length });
        }
      }
    }
    this.bytes = this.#memories.reduce((n, m) => n + m.bytes.length, 0);
  }

  get empty(): boolean {
    return this.#memories.length === 0 && this.#globals.length === 0;
  }

  /** Writes the captured state back; false (and nothing written) when it cannot be reproduced. */
  restore(): boolean {
    for (const m of this.#memories) if (m.memory.buffer.byteLength !== m.bytes.length) return false;
    for (const t of this.#tables) if (t.table.length !== t.length) return false;
    for (const m of this.#memories) {
      if (m.dirty.length === 0) compareAndRestore(m);
      else {
        restoreWrittenPages(m);
        if (this.#verify) this.missedChunks += compareAndRestore(m);
      }
    }
    for (const g of this.#globals) g.global.value = g.value;
    return true;
  }
}
