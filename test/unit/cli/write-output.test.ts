/**
 * writeOutput (src/cli/write-output.ts): `wash app validate` writes its report to fd 1 with fs.writeSync instead of
 * process.stdout. Every byte must arrive, in order, through a pipe much larger than its buffer, and a reader that
 * closes the pipe early must not turn into an error. Runs dist/cli/write-output.js in a child (needs a build).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/cli.js';

const moduleUrl = pathToFileURL(join(repoRoot, 'dist', 'cli', 'write-output.js')).href;

function runShell(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', script], { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
      const raw = (err as { code?: unknown } | null)?.code;
      resolve({ code: err ? (typeof raw === 'number' ? raw : -1) : 0, stdout, stderr });
    });
  });
}

function child(body: string): string {
  const code = `import { writeOutput } from ${JSON.stringify(moduleUrl)};\n${body}`;
  return `'${process.execPath}' --input-type=module -e '${code.replaceAll("'", `'\\''`)}'`;
}

describe('writeOutput', () => {
  it('writes every byte of a 4 MB text (multi-byte characters included) through a pipe, in order', async () => {
    const lines = 'line ü €\n'.repeat(400_000);
    const r = await runShell(
      child(
        `const lines = 'line ü €\\n'.repeat(400_000); writeOutput(1, lines); writeOutput(2, 'stderr line\\n'); writeOutput(1, 'end\\n');`,
      ) + ' | cat',
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('stderr line\n');
    expect(r.stdout.length).toBe(lines.length + 4);
    expect(r.stdout).toBe(`${lines}end\n`);
  });

  it('stops quietly when the reader closes the pipe (no error, the process carries on)', async () => {
    const r = await runShell(
      `{ ${child(`writeOutput(1, 'x'.repeat(8 * 1024 * 1024)); writeOutput(2, 'carried on\\n');`)}; echo "exit $?" >&2; } | head -c 10`,
    );
    expect(r.stdout).toBe('xxxxxxxxxx');
    expect(r.stderr).toBe('carried on\nexit 0\n');
  });
});
