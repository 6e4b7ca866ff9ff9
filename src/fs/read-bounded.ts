/**
 * The one way to read a file a user (or a remote request) named: only regular files, never more than
 * `maxBytes`. `stat().size` is 0 for devices and FIFOs (`/dev/zero` would otherwise be read without end), so the
 * type is checked on the open descriptor and the read itself is bounded. The file is opened with O_NONBLOCK so
 * opening a FIFO with no writer returns at once instead of hanging the process.
 *
 * Uses the callback API of `node:fs` (already loaded at CLI start-up; `node:fs/promises` is a module of its own).
 */
import { close, closeSync, constants, fstat, fstatSync, open, openSync, read, readSync, type Stats } from 'node:fs';

export type BoundedReadFailure = 'not-found' | 'directory' | 'not-a-file' | 'too-large' | 'unreadable';

/** Why a bounded read failed; `reason` lets callers phrase their own message (a UserError, a ctl error…). */
export class BoundedReadError extends Error {
  override name = 'BoundedReadError';
  constructor(
    readonly path: string,
    readonly reason: BoundedReadFailure,
    message: string,
    readonly size?: number,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

// O_NONBLOCK does not exist on Windows; there FIFOs are not files anyway.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

function openFailure(path: string, err: unknown): BoundedReadError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return new BoundedReadError(path, 'not-found', `cannot read ${path}: it does not exist`, undefined, err);
  if (code === 'EISDIR')
    return new BoundedReadError(
      path,
      'directory',
      `cannot read ${path}: it is a directory, not a file`,
      undefined,
      err,
    );
  return new BoundedReadError(path, 'unreadable', `cannot read ${path}: ${(err as Error).message}`, undefined, err);
}

function checkStats(path: string, st: Stats, maxBytes: number): void {
  if (st.isDirectory())
    throw new BoundedReadError(path, 'directory', `cannot read ${path}: it is a directory, not a file`);
  if (!st.isFile())
    throw new BoundedReadError(
      path,
      'not-a-file',
      `cannot read ${path}: it is not a regular file (a device, FIFO or socket)`,
    );
  if (st.size > maxBytes) throw tooLarge(path, maxBytes, st.size);
}

function tooLarge(path: string, maxBytes: number, size?: number): BoundedReadError {
  const what = size === undefined ? '' : ` ${size} bytes,`;
  return new BoundedReadError(
    path,
    'too-large',
    `cannot read ${path}: it is${what} over the limit of ${maxBytes} bytes`,
    size,
  );
}

/**
 * The read loop of both forms: buffers sized by fstat, plus one byte to notice a file that grew since (it is
 * refused, not truncated).
 */
class BoundedChunks {
  private readonly chunks: Buffer[] = [];
  private total = 0;
  constructor(
    private readonly path: string,
    private readonly maxBytes: number,
    private readonly statSize: number,
  ) {}

  /** The buffer for the next read. */
  next(): Buffer {
    const room = Math.min(Math.max(this.statSize - this.total, 0) + 1, this.maxBytes + 1 - this.total, 1024 * 1024);
    return Buffer.allocUnsafe(room);
  }

  /** Takes the first `n` bytes of `chunk`; false at the end of the file. */
  add(chunk: Buffer, n: number): boolean {
    if (n === 0) return false;
    this.total += n;
    if (this.total > this.maxBytes) throw tooLarge(this.path, this.maxBytes);
    this.chunks.push(chunk.subarray(0, n));
    return true;
  }

  content(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.total);
  }
}

/** Reads a regular file of at most `maxBytes` bytes; anything else is a `BoundedReadError`. */
export function readBoundedFileSync(path: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (err) {
    throw openFailure(path, err);
  }
  try {
    const st = fstatSync(fd);
    checkStats(path, st, maxBytes);
    const chunks = new BoundedChunks(path, maxBytes, st.size);
    for (;;) {
      const buf = chunks.next();
      if (!chunks.add(buf, readSync(fd, buf, 0, buf.length, null))) break;
    }
    return chunks.content();
  } catch (err) {
    throw readFailure(path, err);
  } finally {
    closeSync(fd);
  }
}

const p = <T>(fn: (cb: (err: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));

/** Async form of `readBoundedFileSync` (the host's event loop keeps running while it reads). */
export async function readBoundedFile(path: string, maxBytes: number): Promise<Buffer> {
  let fd: number;
  try {
    fd = await p<number>((cb) => open(path, OPEN_FLAGS, cb));
  } catch (err) {
    throw openFailure(path, err);
  }
  try {
    const st = await p<Stats>((cb) => fstat(fd, cb));
    checkStats(path, st, maxBytes);
    const chunks = new BoundedChunks(path, maxBytes, st.size);
    for (;;) {
      const buf = chunks.next();
      if (!chunks.add(buf, await p<number>((cb) => read(fd, buf, 0, buf.length, null, cb)))) break;
    }
    return chunks.content();
  } catch (err) {
    throw readFailure(path, err);
  } finally {
    await p<void>((cb) => close(fd, (err) => cb(err, undefined))).catch(() => undefined);
  }
}

function readFailure(path: string, err: unknown): BoundedReadError {
  return err instanceof BoundedReadError ? err : openFailure(path, err);
}

/** Same, as UTF-8 text. */
export function readBoundedTextSync(path: string, maxBytes: number): string {
  return readBoundedFileSync(path, maxBytes).toString('utf8');
}

export async function readBoundedText(path: string, maxBytes: number): Promise<string> {
  return (await readBoundedFile(path, maxBytes)).toString('utf8');
}
