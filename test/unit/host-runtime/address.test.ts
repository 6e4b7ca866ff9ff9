import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { addressKey, parseListenAddress } from '../../../src/host/runtime/address.js';

describe('parseListenAddress', () => {
  it.each([
    ['127.0.0.1:8000', '127.0.0.1', 8000],
    ['0.0.0.0:80', '0.0.0.0', 80],
    ['localhost:65535', 'localhost', 65535],
    ['[::1]:8080', '::1', 8080],
    [':9000', '0.0.0.0', 9000],
    [' 127.0.0.1:1 ', '127.0.0.1', 1],
  ])('%s → %s port %i', (address, host, port) => {
    expect(parseListenAddress(address)).toEqual({ host, port });
  });

  it.each([
    '8000',
    '127.0.0.1',
    '127.0.0.1:0',
    '127.0.0.1:70000',
    '::1:8000',
    'http://127.0.0.1:8000',
    '127.0.0.1:80a',
    '',
  ])('rejects %j with a UserError naming it', (address) => {
    let caught: unknown;
    try {
      parseListenAddress(address);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UserError);
    expect((caught as UserError).message).toContain(`"${address}"`);
    expect((caught as UserError).suggestion).toMatch(/host:port/);
  });

  it('gives one key per listener spelling', () => {
    expect(addressKey(' 127.0.0.1:8000')).toBe('127.0.0.1:8000');
    expect(addressKey('[::1]:8000')).toBe('[::1]:8000');
    expect(addressKey(':8000')).toBe('0.0.0.0:8000');
  });
});
