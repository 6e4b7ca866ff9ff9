import { describe, expect, it } from 'vitest';
import { decodeS33Leb, decodeU32Leb, encodeU32Leb, readU32Leb, skipLeb } from '../../../src/component/leb128.js';

const source = (bytes: number[]) => {
  let i = 0;
  return {
    next: () => {
      if (i >= bytes.length) throw new Error('end');
      return bytes[i++]!;
    },
    get pos() {
      return i;
    },
  };
};

describe('LEB128', () => {
  it('round-trips u32 values at every width, up to 2^32 - 1', () => {
    for (const v of [0, 1, 127, 128, 300, 16_383, 16_384, 2 ** 21, 2 ** 28 + 5, 2 ** 32 - 1]) {
      const bytes = encodeU32Leb(v);
      expect(readU32Leb(Uint8Array.from([9, ...bytes, 9]), 1)).toEqual([v, 1 + bytes.length]);
    }
    expect(encodeU32Leb(624_485)).toEqual([0xe5, 0x8e, 0x26]);
  });

  it('refuses a truncated or over-long u32', () => {
    expect(() => readU32Leb(Uint8Array.from([0x80, 0x80]), 0)).toThrow(/truncated LEB128 at offset 0/);
    expect(() => decodeU32Leb(source([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]).next)).toThrow(/longer than 5 bytes/);
  });

  it('reads signed s33 values and skips any LEB', () => {
    expect(decodeS33Leb(source([0x7f]).next)).toBe(-1);
    expect(decodeS33Leb(source([0x40]).next)).toBe(-64);
    expect(decodeS33Leb(source([0xc0, 0x00]).next)).toBe(64);
    const s = source([0xff, 0xff, 0x7f, 0x05]);
    skipLeb(s.next);
    expect(s.pos).toBe(3);
  });
});
