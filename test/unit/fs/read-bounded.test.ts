import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isInside, parseDirList, PathNotAllowedError, resolveAllowedPath } from '../../../src/fs/allowed-dirs.js';
import { BoundedReadError, readBoundedFile, readBoundedFileSync } from '../../../src/fs/read-bounded.js';

const dir = mkdtempSync(join(tmpdir(), 'wash-read-bounded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const failure = async (fn: () => unknown): Promise<BoundedReadError> => {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BoundedReadError);
    return err as BoundedReadError;
  }
  throw new Error('expected a BoundedReadError');
};

describe.each([
  ['async', readBoundedFile],
  ['sync', readBoundedFileSync],
] as const)('readBoundedFile (%s)', (_name, read) => {
  it('regularFile_underLimit_readWhole', async () => {
    const p = join(dir, 'ok.bin');
    writeFileSync(p, Buffer.alloc(3000, 7));
    const bytes = await read(p, 3000);
    expect(bytes.length).toBe(3000);
    expect(bytes.every((b) => b === 7)).toBe(true);
  });

  it('devZero_refusedAsNotARegularFile_withoutReading', async () => {
    const err = await failure(() => read('/dev/zero', 1024));
    expect(err.reason).toBe('not-a-file');
    expect(err.message).toMatch(/not a regular file/);
  });

  it('fifoWithoutWriter_refusedAtOnce_doesNotHang', async () => {
    const fifo = join(dir, `fifo-${_name}`);
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    const err = await failure(() => read(fifo, 1024));
    expect(err.reason).toBe('not-a-file');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('overLimit_refused_missing_andDirectory_named', async () => {
    const p = join(dir, 'big.bin');
    writeFileSync(p, Buffer.alloc(2049));
    expect((await failure(() => read(p, 2048))).reason).toBe('too-large');
    expect((await failure(() => read(join(dir, 'nope'), 10))).reason).toBe('not-found');
    expect((await failure(() => read(dir, 10))).reason).toBe('directory');
  });
});

describe('allowed directories', () => {
  const allowed = join(dir, 'allowed');
  mkdirSync(allowed, { recursive: true });
  writeFileSync(join(allowed, 'c.wasm'), 'x');
  symlinkSync('/etc/hostname', join(allowed, 'escape'));

  it('isInside_lexical', () => {
    expect(isInside('/a/b', '/a/b/c')).toBe(true);
    expect(isInside('/a/b', '/a/b')).toBe(true);
    expect(isInside('/a/b', '/a/bc')).toBe(false);
    expect(isInside('/a/b', '/a')).toBe(false);
    expect(parseDirList('x, /y,,', '/base')).toEqual(['/base/x', '/y']);
  });

  it('outsidePaths_refusedTheSameWay_existingOrNot', async () => {
    const msgs: string[] = [];
    for (const p of [
      '/etc/shadow',
      '/etc/does-not-exist',
      '/dev/zero',
      join(allowed, '..', 'x'),
      join(allowed, 'escape'),
    ]) {
      const err = await resolveAllowedPath(p, [allowed], 'the ref').catch((e: unknown) => e);
      expect(err, p).toBeInstanceOf(PathNotAllowedError);
      msgs.push((err as Error).message);
    }
    expect(new Set(msgs).size).toBe(1);
    expect(msgs[0]).not.toMatch(/shadow|exist|regular|device|fifo|directory,/i);
  });

  it('insidePaths_allowed_anyPathWithoutList', async () => {
    expect(await resolveAllowedPath(join(allowed, 'c.wasm'), [allowed])).toMatch(/c\.wasm$/);
    expect(await resolveAllowedPath('/etc/hostname', undefined)).toBe('/etc/hostname');
  });
});
