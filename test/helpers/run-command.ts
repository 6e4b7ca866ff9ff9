import { vi } from 'vitest';

export interface InProcessRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs an oclif command class in this process, capturing stdout/stderr and the exit code it sets. */
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
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await command.run(argv, root);
    return { stdout, stderr, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = before;
  }
}
