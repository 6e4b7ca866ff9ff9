/** Running build tools: child output is captured (never on our stdout) and shown only when the tool fails. */
import { delimiter, join } from 'node:path';
import { existsSync } from 'node:fs';
import { UserError } from '../../errors.js';

/** The executable `name` on PATH, or undefined. */
export function which(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (name.includes('/')) return existsSync(name) ? name : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

export function requireTool(name: string, why: string): string {
  const found = which(name);
  if (!found)
    throw new UserError(`${name} was not found on PATH (${why})`, {
      suggestion: `install ${name}, or set build_command and build_artifact in [component] of wasmcloud.toml`,
    });
  return found;
}

/** Last `n` lines of captured output. */
export function tail(text: string, n = 40): string {
  const lines = text.trimEnd().split('\n');
  return (lines.length > n ? ['…', ...lines.slice(-n)] : lines).join('\n');
}

/** Runs `file args` (or a shell `command`) in `cwd`, capturing stdout+stderr; a failure is a UserError with the output. */
export async function runCaptured(
  what: string,
  cmd: { file: string; args: string[] } | { command: string },
  cwd: string,
): Promise<string> {
  const { execa } = await import('execa');
  const opts = { cwd, all: true, reject: false, stdin: 'ignore' as const, env: { FORCE_COLOR: '0' } };
  const result =
    'command' in cmd ? await execa(cmd.command, { ...opts, shell: true }) : await execa(cmd.file, cmd.args, opts);
  const output = String(result.all ?? '');
  if (result.failed) {
    const why =
      result.exitCode !== undefined ? `exited with code ${result.exitCode}` : (result.shortMessage ?? 'failed');
    throw new UserError(`${what} ${why}${output ? `:\n${tail(output)}` : ''}`, {
      suggestion: `run it by hand in ${cwd} to see the whole output`,
    });
  }
  return output;
}
