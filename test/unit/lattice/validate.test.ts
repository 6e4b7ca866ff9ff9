import { mkdtempSync, rmSync, writeFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  isComponentId,
  isHostId,
  parseKeyValues,
  refuseSecretConfigName,
  resolveImageRef,
  sanitizeComponentId,
  validateComponentId,
  validateHostId,
  validateSubjectToken,
} from '../../../src/lattice/validate.js';
import { parseLabelArgs } from '../../../src/lattice/operations.js';

const HOST = 'NCBAWBHRT6JNSQIYQEURM3AQZ74I6HTQRRCFMTVPC3OAX4BUTCNTYADZ';

describe('host ids', () => {
  it('accepts 56-char nkeys starting with N only', () => {
    expect(isHostId(HOST)).toBe(true);
    expect(isHostId(HOST.slice(0, 55))).toBe(false);
    expect(isHostId('M' + HOST.slice(1))).toBe(false);
    expect(isHostId(HOST.toLowerCase())).toBe(false);
    expect(isHostId(HOST.slice(0, 55) + '1')).toBe(false); // 1 is not base32
  });
  it('names the argument in the error', () => {
    expect(() => validateHostId('wild-river', '--host-id')).toThrow(
      '--host-id "wild-river" is not a host id: host ids are 56-character nkeys starting with N',
    );
  });
});

describe('component ids', () => {
  it('allows letters, digits, _ and -', () => {
    for (const ok of ['hello', 'http-server', 'my_comp_2', 'ünïcode']) expect(isComponentId(ok)).toBe(true);
    for (const bad of ['', 'a.b', 'a b', 'a/b', 'a:b', 'a*']) expect(isComponentId(bad)).toBe(false);
  });
  it('errors name the argument and suggest a sanitised id', () => {
    let err: any;
    try {
      validateComponentId('ghcr.io/x', '<component-id>');
    } catch (e) {
      err = e;
    }
    expect(err.message).toBe('<component-id> "ghcr.io/x" is not a valid id: use only letters, digits, "_" and "-"');
    expect(err.suggestion).toBe('for example "ghcr_io_x"');
    expect(sanitizeComponentId('a.b:c')).toBe('a_b_c');
  });
});

describe('other arguments', () => {
  it('config names are single subject tokens and SECRET names are refused', () => {
    expect(validateSubjectToken('my-config', '<name>')).toBe('my-config');
    expect(() => validateSubjectToken('a.b', '<name>')).toThrow(/<name> "a.b" cannot be used/);
    expect(() => refuseSecretConfigName('SECRET_x', '<name>')).toThrow(/reserved for secret references/);
    expect(() => refuseSecretConfigName('secretive', '<name>')).not.toThrow();
  });
  it('key=value lists keep "=" in values and reject missing keys', () => {
    expect(parseKeyValues(['a=1', 'url=http://x/?q=1', 'empty='], '--constraint')).toEqual({
      a: '1',
      url: 'http://x/?q=1',
      empty: '',
    });
    expect(() => parseKeyValues(['novalue'], '--constraint')).toThrow(
      '--constraint "novalue" is not in key=value form',
    );
    expect(() => parseKeyValues(['=v'], '--constraint')).toThrow(/not in key=value form/);
  });
  it('label arguments split on commas; --delete needs only keys', () => {
    expect(parseLabelArgs(['a=1,b=2', 'c=3'], false)).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
    expect(parseLabelArgs(['a,b'], true)).toEqual([
      ['a', ''],
      ['b', ''],
    ]);
    expect(() => parseLabelArgs(['a'], false)).toThrow(/not in key=value form/);
    expect(() => parseLabelArgs([], false)).toThrow(/no labels given/);
  });
});

describe('resolveImageRef', () => {
  it('turns local paths into file:// URLs and leaves registry refs alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wash-ref-'));
    try {
      writeFileSync(join(dir, 'c.wasm'), '');
      const real = realpathSync(join(dir, 'c.wasm'));
      expect(resolveImageRef('c.wasm', dir)).toBe(`file://${real}`);
      expect(resolveImageRef('file://c.wasm', dir)).toBe(`file://${real}`);
      expect(resolveImageRef('/abs/x.wasm', dir)).toBe('file:///abs/x.wasm');
      expect(resolveImageRef('ghcr.io/acme/x:1', dir)).toBe('ghcr.io/acme/x:1');
      expect(resolveImageRef('missing.wasm', dir)).toBe('missing.wasm');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
