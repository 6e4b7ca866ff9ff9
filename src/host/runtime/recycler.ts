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
 * The restore goes chunk by chunk (64 KiB): a chunk that still equals the saved bytes is left alone, a
 * chunk saved as zeros is only checked for zeros. Reading is cheaper than writing, and a request touches
 * little: a componentize-js FetchEvent instance (9.5 MB, 58 % of it zero pages) changed 61 of its 2,320
 * 4 KiB pages per request, so a whole-memory copy wrote ~40× more than needed.
 */
import { GLOBAL_EXPORT_PREFIX, MEMORY_EXPORT_PREFIX, TABLE_EXPORT_PREFIX } from './state-exports.js';

const CHUNK = 64 * 1024;
const ZEROS = Buffer.alloc(CHUNK);

interface SavedMemory {
  memory: WebAssembly.Memory;
  bytes: Buffer;
  /** Per chunk: saved as all zeros. */
  zero: boolean[];
  /** Per-chunk views of the live memory, valid while its buffer is this one (it changes only on grow). */
  views?: { buffer: ArrayBuffer; chunks: Buffer[] };
}

function chunkViews(buffer: ArrayBuffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < buffer.byteLength; at += CHUNK)
    chunks.push(Buffer.from(buffer, at, Math.min(CHUNK, buffer.byteLength - at)));
  return chunks;
}

function restoreMemory(saved: SavedMemory): void {
  const buffer = saved.memory.buffer as ArrayBuffer;
  if (saved.views?.buffer !== buffer) saved.views = { buffer, chunks: chunkViews(buffer) };
  const live = saved.views.chunks;
  for (let i = 0; i < live.length; i++) {
    const chunk = live[i];
    const at = i * CHUNK;
    if (saved.zero[i]) {
      if (chunk.compare(ZEROS, 0, chunk.length) !== 0) chunk.fill(0);
    } else if (chunk.compare(saved.bytes, at, at + chunk.length) !== 0) {
      chunk.set(saved.bytes.subarray(at, at + chunk.length));
    }
  }
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

  /** Captures the state of the given core instances (only exports added by state-exports.ts are read). */
  constructor(instances: WebAssembly.Instance[]) {
    const seen = new Set<unknown>();
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
          this.#memories.push({ memory: value, bytes, zero });
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
    for (const m of this.#memories) restoreMemory(m);
    for (const g of this.#globals) g.global.value = g.value;
    return true;
  }
}
