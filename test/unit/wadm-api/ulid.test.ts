import { describe, expect, it } from 'vitest';
import { isUlid, ulid, ulidUuid } from '../../../src/lattice/ulid.js';

describe('ulid', () => {
  it('encodes the time in the first 10 Crockford characters (spec example 01ARYZ6S41)', () => {
    expect(ulid(1469918176385).slice(0, 10)).toBe('01ARYZ6S41');
  });

  it('is 26 canonical characters and sorts by creation even within one millisecond', () => {
    const ids = Array.from({ length: 200 }, () => ulid(1_700_000_000_000));
    for (const id of ids) expect(isUlid(id)).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ulid(1_700_000_000_001) > ids.at(-1)!).toBe(true);
  });

  it('isUlid rejects lower case, I/L/O/U and wrong lengths, and UUID-form ids', () => {
    expect(isUlid('01ARYZ6S41TSV4RRFFQ69G5FAV')).toBe(true);
    expect(isUlid('01aryz6s41tsv4rrffq69g5fav')).toBe(false);
    expect(isUlid('01ARYZ6S41TSV4RRFFQ69G5FAI')).toBe(false);
    expect(isUlid('81ARYZ6S41TSV4RRFFQ69G5FAV')).toBe(false);
    expect(isUlid('01ARYZ6S41')).toBe(false);
    expect(isUlid(ulidUuid())).toBe(false);
  });
});
