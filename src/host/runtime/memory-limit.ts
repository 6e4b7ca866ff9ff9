/**
 * Caps the linear memories a core module defines by rewriting the maximum in its memory section, so a
 * `memory.grow` past the cap fails inside the guest (it sees -1, and usually traps) instead of the host
 * running out of memory. Imported memories are left alone: they are capped where they are defined.
 */

import { encodeU32Leb, readU32Leb } from '../../component/leb128.js';

const PAGE = 65536;

export class MemoryLimitError extends Error {
  override name = 'MemoryLimitError';
}

/** Returns the module with every defined 32-bit memory's maximum lowered to `maxBytes` (rounded down to pages). */
export function capModuleMemory(module: Uint8Array, maxBytes: number): Uint8Array {
  const maxPages = Math.max(1, Math.floor(maxBytes / PAGE));
  let pos = 8;
  while (pos < module.length) {
    const id = module[pos];
    const [size, contentStart] = readU32Leb(module, pos + 1);
    const contentEnd = contentStart + size;
    if (id === 5) {
      const [count, first] = readU32Leb(module, contentStart);
      const rewritten: number[] = [...encodeU32Leb(count)];
      let p = first;
      for (let i = 0; i < count; i++) {
        const flags = module[p++];
        if (flags & 0x04) throw new MemoryLimitError('64-bit linear memories are not supported');
        const [min, afterMin] = readU32Leb(module, p);
        p = afterMin;
        let max: number | undefined;
        if (flags & 0x01) [max, p] = readU32Leb(module, p);
        if (min > maxPages) {
          throw new MemoryLimitError(
            `the component needs ${min * PAGE} bytes of linear memory at start, more than the ${maxPages * PAGE}-byte limit`,
          );
        }
        const cap = max === undefined ? maxPages : Math.min(max, maxPages);
        rewritten.push(flags | 0x01, ...encodeU32Leb(min), ...encodeU32Leb(cap));
      }
      const body = Uint8Array.from(rewritten);
      const header = Uint8Array.from([5, ...encodeU32Leb(body.length)]);
      const out = new Uint8Array(pos + header.length + body.length + (module.length - contentEnd));
      out.set(module.subarray(0, pos), 0);
      out.set(header, pos);
      out.set(body, pos + header.length);
      out.set(module.subarray(contentEnd), pos + header.length + body.length);
      return out;
    }
    pos = contentEnd;
  }
  return module;
}
