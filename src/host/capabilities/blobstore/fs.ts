/**
 * A directory as a blobstore (the `blobstore-fs` provider's `ROOT` link config key): a container is a
 * directory directly under the root, an object a file below it (`/` in an object name makes
 * subdirectories). Every name is confined to the root: empty, `.` and `..` segments, absolute names, NUL
 * bytes and symlinks that lead outside the root are refused.
 */
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, rm, stat, unlink } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { seconds, type BlobBackend, type ObjectMeta } from './backend.js';

function refuse(what: string, name: string, why: string): never {
  throw new Error(`${what} name '${name}' ${why}`);
}

function checkSegments(what: string, name: string, allowSlash: boolean): string[] {
  if (name.length === 0) refuse(what, name, 'is empty');
  if (name.includes('\0')) refuse(what, name, 'contains a NUL byte');
  if (name.includes('\\')) refuse(what, name, 'contains a backslash');
  if (name.startsWith('/')) refuse(what, name, 'is absolute; names are relative to the blobstore root');
  const segments = name.split('/');
  if (!allowSlash && segments.length > 1) refuse(what, name, "contains '/'");
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..')
      refuse(what, name, `has a '${s}' path segment; it must stay inside its container`);
  }
  return segments;
}

/** An errno error without the host path Node puts in its message (the guest sees the message). */
function withoutPath(err: unknown, name: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (!e || typeof e.code !== 'string' || typeof e.message !== 'string') return err;
  return new Error(`'${name}': ${e.message.split(', ')[0]}`);
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export class FsBlobstore implements BlobBackend {
  readonly #root: string;
  #realRoot: Promise<string> | undefined;

  constructor(root: string) {
    this.#root = resolve(root);
  }

  #rootReal(): Promise<string> {
    this.#realRoot ??= mkdir(this.#root, { recursive: true }).then(() => realpath(this.#root));
    this.#realRoot.catch(() => (this.#realRoot = undefined));
    return this.#realRoot;
  }

  /** Refuses a path whose real location (symlinks resolved) is not below the root. */
  async #confined(path: string, name: string): Promise<void> {
    const root = await this.#rootReal();
    const real = await realpath(path);
    if (real !== root && !real.startsWith(root + sep))
      refuse('object', name, 'resolves outside the blobstore root (symlink)');
  }

  async #containerDir(container: string): Promise<string> {
    checkSegments('container', container, false);
    const root = await this.#rootReal();
    return join(root, container);
  }

  async #objectPath(container: string, object: string): Promise<string> {
    const dir = await this.#containerDir(container);
    return join(dir, ...checkSegments('object', object, true));
  }

  async createContainer(container: string): Promise<number> {
    const dir = await this.#containerDir(container);
    await mkdir(dir, { recursive: true });
    await this.#confined(dir, container);
    const info = await stat(dir);
    return seconds(info.birthtimeMs || info.ctimeMs);
  }

  async containerCreatedAt(container: string): Promise<number | undefined> {
    const dir = await this.#containerDir(container);
    try {
      const info = await lstat(dir);
      if (!info.isDirectory()) return undefined;
      return seconds(info.birthtimeMs || info.ctimeMs);
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async deleteContainer(container: string): Promise<void> {
    const dir = await this.#containerDir(container);
    const info = await lstat(dir).catch((err) => (isMissing(err) ? undefined : Promise.reject(err)));
    if (info && !info.isDirectory()) refuse('container', container, 'is not a directory under the blobstore root');
    await rm(dir, { recursive: true, force: true });
  }

  get(container: string, object: string): Promise<Uint8Array | undefined> {
    return this.#get(container, object).catch((err) => Promise.reject(withoutPath(err, object)));
  }

  async #get(container: string, object: string): Promise<Uint8Array | undefined> {
    const path = await this.#objectPath(container, object);
    let handle;
    try {
      await this.#confined(join(path, '..'), object);
      handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (err) {
      if (isMissing(err)) return undefined;
      if ((err as NodeJS.ErrnoException)?.code === 'ELOOP') refuse('object', object, 'is a symlink');
      throw err;
    }
    try {
      if (!(await handle.stat()).isFile()) return undefined;
      return new Uint8Array(await handle.readFile());
    } finally {
      await handle.close();
    }
  }

  put(container: string, object: string, data: Uint8Array): Promise<void> {
    return this.#put(container, object, data).catch((err) => Promise.reject(withoutPath(err, object)));
  }

  async #put(container: string, object: string, data: Uint8Array): Promise<void> {
    const dir = await this.#containerDir(container);
    if ((await this.containerCreatedAt(container)) === undefined)
      throw new Error(`container '${container}' does not exist`);
    const path = await this.#objectPath(container, object);
    const parent = join(path, '..');
    await this.#confined(dir, container);
    await mkdir(parent, { recursive: true });
    await this.#confined(parent, object);
    let handle;
    try {
      handle = await open(
        path,
        constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
        0o644,
      );
    } catch (err) {
      if ((err as NodeJS.ErrnoException)?.code === 'ELOOP') refuse('object', object, 'is a symlink');
      throw err;
    }
    try {
      await handle.writeFile(data);
    } finally {
      await handle.close();
    }
  }

  async list(container: string): Promise<string[]> {
    const dir = await this.#containerDir(container);
    if ((await this.containerCreatedAt(container)) === undefined)
      throw new Error(`container '${container}' does not exist`);
    const entries = await readdir(dir, { withFileTypes: true, recursive: true });
    return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
  }

  async delete(container: string, object: string): Promise<void> {
    const path = await this.#objectPath(container, object);
    try {
      await this.#confined(join(path, '..'), object);
      await unlink(path);
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
  }

  async info(container: string, object: string): Promise<ObjectMeta | undefined> {
    const path = await this.#objectPath(container, object);
    try {
      await this.#confined(join(path, '..'), object);
      const info = await lstat(path);
      if (!info.isFile()) return undefined;
      return { size: info.size, createdAt: seconds(info.birthtimeMs || info.mtimeMs) };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }
}
