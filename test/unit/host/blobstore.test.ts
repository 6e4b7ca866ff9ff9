import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobBackend } from '../../../src/host/capabilities/blobstore/backend.js';
import { FsBlobstore } from '../../../src/host/capabilities/blobstore/fs.js';
import {
  blobstoreImports,
  inclusiveRange,
  type Container,
  type IncomingValue,
  type OutgoingValue,
} from '../../../src/host/capabilities/blobstore/interface.js';
import { builtinKind } from '../../../src/host/capabilities/kinds.js';
import { asyncPlan } from '../../../src/host/runtime/async-plan.js';
import type { OutputStream } from '../../../src/host/runtime/wasi/io.js';

let dir: string;
let root: string;
let outside: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wash-blob-unit-'));
  root = join(dir, 'root');
  outside = join(dir, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret'), 'secret');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined): string | undefined =>
  b === undefined ? undefined : new TextDecoder().decode(b);

describe('FsBlobstore', () => {
  it('stores containers as directories and objects as files under the root', async () => {
    const fs = new FsBlobstore(root);
    expect(await fs.containerCreatedAt('photos')).toBeUndefined();
    expect(await fs.createContainer('photos')).toBeGreaterThan(1_600_000_000);
    await fs.put('photos', 'a/b.txt', bytes('nested'));
    await fs.put('photos', 'c.txt', bytes('flat'));
    expect(readFileSync(join(root, 'photos', 'a', 'b.txt'), 'utf8')).toBe('nested');
    expect((await fs.list('photos')).sort()).toEqual(['a/b.txt', 'c.txt']);
    expect(text(await fs.get('photos', 'c.txt'))).toBe('flat');
    expect(await fs.info('photos', 'a/b.txt')).toMatchObject({ size: 6 });
    await fs.delete('photos', 'c.txt');
    await fs.delete('photos', 'never-there');
    expect(await fs.get('photos', 'c.txt')).toBeUndefined();
    await fs.deleteContainer('photos');
    expect(existsSync(join(root, 'photos'))).toBe(false);
  });

  it('refuses names that would leave the root: .., absolute, empty segments, NUL, / in container names', async () => {
    const fs = new FsBlobstore(root);
    await fs.createContainer('c');
    for (const name of [
      '../../outside/secret',
      '../c2/x',
      '/etc/passwd',
      'a//b',
      './x',
      'a/../../x',
      'x\0y',
      '..\\x',
    ]) {
      await expect(fs.get('c', name), name).rejects.toThrow(/object name/);
      await expect(fs.put('c', name, bytes('x')), name).rejects.toThrow(/object name/);
    }
    for (const name of ['..', '.', '', 'a/b', '/tmp'])
      await expect(fs.createContainer(name), name).rejects.toThrow(/container name/);
    expect(readFileSync(join(outside, 'secret'), 'utf8')).toBe('secret');
  });

  it('refuses symlinks that lead outside the root (object, directory and container links)', async () => {
    const fs = new FsBlobstore(root);
    await fs.createContainer('c');
    symlinkSync(join(outside, 'secret'), join(root, 'c', 'link'));
    symlinkSync(outside, join(root, 'c', 'dirlink'));
    symlinkSync(outside, join(root, 'escape'));
    await expect(fs.get('c', 'link')).rejects.toThrow(/symlink/);
    await expect(fs.put('c', 'link', bytes('overwritten'))).rejects.toThrow(/symlink/);
    await expect(fs.get('c', 'dirlink/secret')).rejects.toThrow(/outside the blobstore root/);
    await expect(fs.put('c', 'dirlink/new', bytes('x'))).rejects.toThrow(/outside the blobstore root/);
    await expect(fs.createContainer('escape')).rejects.toThrow(/outside the blobstore root/);
    expect(await fs.containerCreatedAt('escape')).toBeUndefined();
    expect(await fs.list('c')).toEqual([]);
    expect(readFileSync(join(outside, 'secret'), 'utf8')).toBe('secret');
    expect(existsSync(join(outside, 'new'))).toBe(false);
  });
});

describe('wasi:blobstore host functions', () => {
  const fsStore = (timeoutMs = 5000) => {
    const backend = new FsBlobstore(root);
    return blobstoreImports(async () => ({ backend, timeoutMs, label: 'blobstore link default' }));
  };
  type Api = {
    createContainer(n: string): Promise<Container>;
    getContainer(n: string): Promise<Container>;
    copyObject(a: object, b: object): Promise<void>;
    moveObject(a: object, b: object): Promise<void>;
  };
  type Types = { OutgoingValue: typeof OutgoingValue; IncomingValue: typeof IncomingValue };

  it('write-data / get-data / list / copy / move round trip, bytes written after write-data land at finish', async () => {
    const imports = fsStore();
    const api = imports['wasi:blobstore/blobstore'] as unknown as Api;
    const types = imports['wasi:blobstore/types'] as unknown as Types;
    const c = await api.createContainer('docs');
    const early = types.OutgoingValue.newOutgoingValue();
    (early.outgoingValueWriteBody() as OutputStream).write(bytes('hello world'));
    await c.writeData('early', early);
    await types.OutgoingValue.finish(early);
    const late = types.OutgoingValue.newOutgoingValue();
    const body = late.outgoingValueWriteBody() as OutputStream;
    await c.writeData('late', late);
    body.write(bytes('written late'));
    await types.OutgoingValue.finish(late);
    expect(readFileSync(join(root, 'docs', 'late'), 'utf8')).toBe('written late');
    const part = await c.getData('early', 6n, 100n);
    expect(part.size()).toBe(5n);
    expect(text(types.IncomingValue.incomingValueConsumeSync(part))).toBe('world');
    await api.copyObject({ container: 'docs', object: 'early' }, { container: 'docs', object: 'copy' });
    await api.moveObject({ container: 'docs', object: 'late' }, { container: 'docs', object: 'moved' });
    const names = await c.listObjects();
    expect(names.readStreamObjectNames(2n)).toEqual([['copy', 'early'], false]);
    expect(names.readStreamObjectNames(2n)).toEqual([['moved'], true]);
    expect(await c.objectInfo('moved')).toMatchObject({ name: 'moved', container: 'docs', size: 12n });
  });

  it('failures are the error string (never an Error, which would trap)', async () => {
    const imports = fsStore();
    const api = imports['wasi:blobstore/blobstore'] as unknown as Api;
    await expect(api.getContainer('nope')).rejects.toBe("container 'nope' does not exist");
    const c = await api.createContainer('c');
    await expect(c.getData('missing', 0n, 10n)).rejects.toBe("object 'missing' does not exist in container 'c'");
    await expect(c.getData('../../outside/secret', 0n, 10n)).rejects.toMatch(
      /^object name '..\/..\/outside\/secret' has a '..' path segment/,
    );
    const slow: BlobBackend = {
      ...new FsBlobstore(root),
      containerCreatedAt: () => new Promise(() => undefined),
    } as unknown as BlobBackend;
    const stuck = blobstoreImports(async () => ({ backend: slow, timeoutMs: 50, label: 'blobstore link slow' }))[
      'wasi:blobstore/blobstore'
    ] as unknown as Api;
    await expect(stuck.getContainer('c')).rejects.toBe(
      'blobstore link slow (get-container) did not answer within 50 ms',
    );
  });

  it('inclusiveRange clamps the end and refuses start > end', () => {
    const b = bytes('0123456789');
    expect(text(inclusiveRange(b, 0n, 18446744073709551615n))).toBe('0123456789');
    expect(text(inclusiveRange(b, 2n, 4n))).toBe('234');
    expect(inclusiveRange(b, 10n, 20n).length).toBe(0);
    expect(() => inclusiveRange(b, 5n, 4n)).toThrow();
  });
});

describe('blobstore kinds and async plan', () => {
  it('recognises the upstream refs', () => {
    expect(builtinKind('ghcr.io/wasmcloud/blobstore-fs:0.10.1')).toBe('blobstore-fs');
    expect(builtinKind('wasmcloud+builtin://blobstore-fs')).toBe('blobstore-fs');
    expect(builtinKind('wasmcloud+builtin://blobstore-nats')).toBe('blobstore-nats');
    expect(builtinKind('ghcr.io/wasmcloud/blobstore-nats:0.2.0')).toBe('blobstore-nats');
  });
  it('makes the backend-touching blobstore functions async, not the in-memory ones', () => {
    const plan = asyncPlan(
      [
        'wasi:blobstore/blobstore@0.2.0-draft',
        'wasi:blobstore/container@0.2.0-draft',
        'wasi:blobstore/types@0.2.0-draft',
      ],
      ['wasi:http/incoming-handler@0.2.10'],
    );
    expect(plan?.asyncImports).toEqual(
      expect.arrayContaining([
        'wasi:blobstore/blobstore#create-container',
        'wasi:blobstore/container#[method]container.write-data',
        'wasi:blobstore/types#[static]outgoing-value.finish',
      ]),
    );
    expect(plan?.asyncImports).not.toContain('wasi:blobstore/container#[method]container.name');
    expect(plan?.asyncImports).not.toContain('wasi:blobstore/types#[static]incoming-value.incoming-value-consume-sync');
  });
});

describe('FsBlobstore errors', () => {
  it('do not carry the host path of the root (the guest sees them)', async () => {
    const fs = new FsBlobstore(root);
    await fs.createContainer('c');
    mkdirSync(join(root, 'c', 'adir'));
    const err = await fs.put('c', 'adir', bytes('x')).catch((e: Error) => e);
    expect(String((err as Error).message)).toBe("'adir': EISDIR: illegal operation on a directory");
    expect(String((err as Error).message)).not.toContain(root);
  });
});

describe('BuiltinCapabilities blobstore resolution (named links)', () => {
  it('the container name picks the link of that name, else default, else the error lists the names', async () => {
    const { BuiltinCapabilities } = await import('../../../src/host/capabilities/resolver.js');
    const { silentLogger } = await import('../../../src/host/log.js');
    const link = (name: string, target: string, config: string[]) => ({
      source_id: 'app',
      target,
      name,
      wit_namespace: 'wasi',
      wit_package: 'blobstore',
      interfaces: ['blobstore'],
      source_config: [],
      target_config: config,
    });
    let links = [link('files', 'fs-a', ['a']), link('archive', 'fs-b', ['b'])];
    const caps = new BuiltinCapabilities({
      nats: () => {
        throw new Error('no NATS in this test');
      },
      linksFrom: () => links,
      targetKind: () => 'blobstore-fs',
      config: (names): Record<string, string> =>
        names[0] === 'a' ? { root: join(dir, 'a') } : { ROOT: join(dir, 'b') },
      defaultTimeoutMs: 5000,
      log: silentLogger,
    });
    const api = caps.resolver('app')('wasi:blobstore/blobstore@0.2.0-draft') as unknown as {
      createContainer(n: string): Promise<unknown>;
    };
    await api.createContainer('files');
    await api.createContainer('archive');
    expect(existsSync(join(dir, 'a', 'files'))).toBe(true);
    expect(existsSync(join(dir, 'b', 'archive'))).toBe(true);
    await expect(api.createContainer('other')).rejects.toBe(
      "no wasi:blobstore link named 'other' and no 'default' link: its wasi:blobstore links are named archive, files",
    );
    links = [...links, link('default', 'fs-a', ['a'])];
    await api.createContainer('other');
    expect(existsSync(join(dir, 'a', 'other'))).toBe(true);
    await caps.close();
  });
});
