import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** The last `lines` non-empty lines of a file (reads at most the last 64 KiB); '' when unreadable. */
export function tailFile(path: string, lines = 20): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    return lastLines(buf.toString('utf8'), lines);
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function lastLines(text: string, lines: number): string {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(-lines)
    .join('\n');
}

/**
 * Splits a byte stream into lines and hands each complete line to `onLine` (a trailing partial line is
 * flushed by calling the returned `end`).
 */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer | string): void; end(): void } {
  let pending = '';
  return {
    push(chunk) {
      pending += chunk.toString();
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        onLine(pending.slice(0, nl).replace(/\r$/, ''));
        pending = pending.slice(nl + 1);
      }
    },
    end() {
      if (pending !== '') onLine(pending);
      pending = '';
    },
  };
}
