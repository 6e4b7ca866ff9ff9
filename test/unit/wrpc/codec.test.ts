import { describe, expect, it } from 'vitest';
import {
  ByteWriter,
  Incomplete,
  WrpcCodecError,
  decode,
  decodeTuple,
  encode,
  encodeTuple,
} from '../../../src/wrpc/codec.js';
import type { WrpcType } from '../../../src/wrpc/types.js';

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
const bytes = (h: string) =>
  Uint8Array.from(
    h
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((x) => parseInt(x, 16)),
  );

/** Golden vectors from reference/wrpc.md §2.5 and §5.3: encode gives the bytes, decode gives the value back. */
function golden(t: WrpcType, value: unknown, expected: string) {
  expect(hex(encode(t, value))).toBe(hex(bytes(expected)));
  expect(decode(t, bytes(expected))).toEqual(value);
}

const kvError: WrpcType = {
  variant: [{ name: 'no-such-store' }, { name: 'access-denied' }, { name: 'other', type: 'string' }],
};

describe('wRPC value encoding: golden vectors', () => {
  it('strings (§5.3 #3)', () => {
    golden('string', 'hi', '02 68 69');
    golden('string', 'héllo', '06 68 c3 a9 6c 6c 6f');
    golden('string', '', '00');
  });

  it('keyvalue get params (§5.3 #4)', () => {
    expect(hex(encodeTuple(['string', 'string'], ['default', 'foo']))).toBe('07 64 65 66 61 75 6c 74 03 66 6f 6f');
  });

  it('result<option<list<u8>>, error> (§5.3 #5)', () => {
    const t: WrpcType = { result: { ok: { option: { list: 'u8' } }, err: kvError } };
    golden(t, { tag: 'ok', val: Uint8Array.of(1, 2) }, '00 01 02 01 02');
    golden(t, { tag: 'ok', val: undefined }, '00 00');
    golden(t, { tag: 'err', val: { tag: 'other', val: 'x' } }, '01 02 01 78');
    golden(t, { tag: 'err', val: { tag: 'no-such-store' } }, '01 00');
  });

  it('increment params and result (§5.3 #6)', () => {
    expect(hex(encodeTuple(['string', 'string', 'u64'], ['b', 'k', 300n]))).toBe('01 62 01 6b ac 02');
    golden({ result: { ok: 'u64', err: kvError } }, { tag: 'ok', val: 301n }, '00 ad 02');
  });

  it('list-keys and get-many results (§5.3 #7)', () => {
    const keyResponse: WrpcType = {
      record: [
        { name: 'keys', type: { list: 'string' } },
        { name: 'cursor', type: { option: 'u64' } },
      ],
    };
    golden(
      { result: { ok: keyResponse, err: kvError } },
      { tag: 'ok', val: { keys: ['a', 'b'], cursor: undefined } },
      '00 02 01 61 01 62 00',
    );
    const many: WrpcType = {
      result: { ok: { list: { option: { tuple: ['string', { list: 'u8' }] } } }, err: kvError },
    };
    golden(many, { tag: 'ok', val: [['a', Uint8Array.of(1)], undefined] }, '00 02 01 01 61 01 01 00');
  });

  it('messaging handle-message (§5.3 #8)', () => {
    const msg: WrpcType = {
      record: [
        { name: 'subject', type: 'string' },
        { name: 'body', type: { list: 'u8' } },
        { name: 'reply-to', type: { option: 'string' } },
      ],
    };
    golden(msg, { subject: 's', body: new TextEncoder().encode('hi'), replyTo: 'r' }, '01 73 02 68 69 01 01 72');
    golden(msg, { subject: 's', body: new TextEncoder().encode('hi'), replyTo: undefined }, '01 73 02 68 69 00');
    golden({ result: { err: 'string' } }, { tag: 'err', val: 'boom' }, '01 04 62 6f 6f 6d');
    golden({ result: { err: 'string' } }, { tag: 'ok', val: undefined }, '00');
    expect(hex(encodeTuple(['string', { list: 'u8' }, 'u32'], ['s', new TextEncoder().encode('hi'), 1000]))).toBe(
      '01 73 02 68 69 e8 07',
    );
  });

  it('integers (§5.3 #11) and signed LEB examples (§2.1)', () => {
    golden('s32', -129, 'ff 7e');
    golden('s32', 64, 'c0 00');
    golden('u16', 200, 'c8 01');
    golden('u64', 2n ** 63n, '80 80 80 80 80 80 80 80 80 01');
    golden('s64', -(2n ** 63n), '80 80 80 80 80 80 80 80 80 7f');
    golden('s8', -1, 'ff');
    golden('u32', 0, '00');
    for (const [v, h] of [
      [-1, '7f'],
      [-2, '7e'],
      [63, '3f'],
      [-64, '40'],
      [-65, 'bf 7f'],
    ] as const)
      golden('s32', v, h);
    golden({ list: 'u32' }, [1, 300], '02 01 ac 02');
  });

  it('floats, char, bool (§5.3 #12)', () => {
    golden('f32', 1.5, '00 00 c0 3f');
    golden('f64', -0.5, '00 00 00 00 00 00 e0 bf');
    golden('char', '😀', 'f0 9f 98 80');
    golden('char', 'é', 'c3 a9');
    golden('bool', true, '01');
  });

  it('flags, enum, variant, record, tuple (§5.3 #13, §2.5)', () => {
    golden({ flags: ['read', 'write', 'exec'] }, { read: true, write: false, exec: true }, '05');
    const ten = Array.from({ length: 10 }, (_, i) => `f${i}`);
    golden({ flags: ten }, Object.fromEntries(ten.map((n, i) => [n, i === 0 || i === 9])), '01 02');
    const twenty = Array.from({ length: 20 }, (_, i) => `f${i}`);
    golden({ flags: twenty }, Object.fromEntries(twenty.map((n, i) => [n, i === 19])), '00 00 08');
    golden({ enum: ['red', 'green', 'blue'] }, 'blue', '02');
    golden(
      { variant: [{ name: 'none' }, { name: 'int', type: 's32' }, { name: 'str', type: 'string' }] },
      { tag: 'int', val: -2 },
      '01 7e',
    );
    golden(
      {
        record: [
          { name: 'x', type: 's32' },
          { name: 'y', type: 's32' },
        ],
      },
      { x: 1, y: -1 },
      '01 7f',
    );
    golden({ tuple: ['u8', 'string'] }, [1, 'a'], '01 01 61');
  });

  it('resource handles and inline async values (§2.5)', () => {
    golden({ own: 'r' }, new TextEncoder().encode('abc'), '03 61 62 63');
    golden({ future: 'u32' }, 300, '01 ac 02');
    golden({ stream: 'u8' }, new TextEncoder().encode('hello'), '05 68 65 6c 6c 6f');
    expect(() => decode({ future: 'u32' }, bytes('00'))).toThrow(/pending future/);
  });

  it('record field names are lowerCamelCase as jco has them; nested options are tagged', () => {
    golden({ record: [{ name: 'first-name', type: 'string' }] }, { firstName: 'a' }, '01 61');
    golden({ option: { option: 'u8' } }, { tag: 'some', val: undefined }, '01 00');
    golden({ option: { option: 'u8' } }, { tag: 'none' }, '00');
    golden({ option: { option: 'u8' } }, { tag: 'some', val: 7 }, '01 01 07');
    golden({ flags: ['is-set'] }, { isSet: true }, '01');
  });
});

describe('wRPC value decoding: robustness (§5.3 #14)', () => {
  it.each([
    ['bool 02', 'bool', '02'],
    ['option 02', { option: 'u8' }, '02'],
    ['bad UTF-8 string', 'string', '02 c3 28'],
    ['u32 overflow', 'u32', 'ff ff ff ff 1f'],
    ['result 05', { result: {} }, '05'],
    ['variant case out of range', { variant: [{ name: 'a' }] }, '01'],
    ['s8-width sleb overflow', 's16', '80 80 04'],
  ] as const)('%s fails', (_name, t, h) => {
    expect(() => decode(t as WrpcType, bytes(h))).toThrow(WrpcCodecError);
  });

  it('a value split over messages (§5.3 #15) needs more bytes, then decodes', () => {
    const t: WrpcType[] = ['string', 'string'];
    expect(() => decodeTuple(t, bytes('07 64 65'))).toThrow(Incomplete);
    const all = bytes('07 64 65 66 61 75 6c 74 03 66 6f 6f');
    expect(decodeTuple(t, all)).toEqual({ values: ['default', 'foo'], used: 12 });
  });

  it('a huge list count with few bytes is incomplete, not an allocation', () => {
    expect(() => decode({ list: 'string' }, bytes('ff ff ff ff 0f'))).toThrow(Incomplete);
  });

  it('trailing bytes are an error', () => {
    expect(() => decode('u8', bytes('01 02'))).toThrow(/trailing/);
  });
});

describe('wRPC value encoding: bad JS values name the type', () => {
  it.each([
    ['u8', 256, /out of range for u8/],
    ['u32', -1, /out of range/],
    ['s32', 1.5, /not an integer/],
    ['string', 3, /not a valid value for string/],
    ['char', 'ab', /one Unicode scalar/],
    [{ enum: ['a'] }, 'b', /not a case/],
    [{ variant: [{ name: 'a' }] }, { tag: 'b' }, /unknown case 'b'/],
    [{ result: {} }, { tag: 'maybe' }, /neither ok nor err/],
  ] as const)('%j with %j', (t, v, re) => {
    expect(() => encode(t as WrpcType, v)).toThrow(re);
  });

  it('writer grows past its initial buffer', () => {
    const w = new ByteWriter();
    for (let i = 0; i < 1000; i++) w.byte(i & 0xff);
    expect(w.finish().length).toBe(1000);
  });
});
