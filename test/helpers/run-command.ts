import fs from 'node:fs';
import { vi } from 'vitest';

export interface InProcessRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Runs an oclif command class in this process, capturing stdout/stderr (written through the streams, or with
 * `fs.writeSync` on fds 1 and 2 as src/cli/write-output.ts does) and the exit code it sets.
 */
export async function runCommandInProcess(
  command: { run(argv: string[], root: string): Promise<unknown> },
  argv: string[],
  root: string,
): Promise<InProcessRun> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const writeSync = fs.writeSync;
  const sync = vi.spyOn(fs, 'writeSync').mockImplementation(((
    fd: number,
    data: string | NodeJS.ArrayBufferView,
    offset?: number,
    length?: number,
  ) => {
    if (fd !== 1 && fd !== 2) return (writeSync as (...a: unknown[]) => number)(fd, data, offset, length);
    const bytes =
      typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const start = typeof data === 'string' ? 0 : (offset ?? 0);
    const end = typeof data === 'string' ? bytes.length : start + (length ?? bytes.length - start);
    const text = bytes.toString('utf8', start, end);
    if (fd === 1) stdout += text;
    else stderr += text;
    return end - start;
  }) as typeof fs.writeSync);
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await command.run(argv, root);
    return { stdout, stderr, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    out.mockRestore();
    err.mockRestore();
    sync.mockRestore();
    process.exitCode = before;
  }
}
