import { Command, Flags } from '@oclif/core';
import { UserError, errorChain, exitCodeFor, isUserFacing } from '../errors.js';
import { errorDocument, successDocument } from './json.js';
import type { OutputMode } from './mode.js';

/** Detects `-o json` / `--output json` / `--output=json` / `-ojson` even when flag parsing failed. */
export function outputModeFromArgv(argv: readonly string[]): OutputMode {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    if ((a === '-o' || a === '--output') && argv[i + 1] === 'json') return 'json';
    if (a === '--output=json' || a === '-ojson' || a === '-o=json') return 'json';
  }
  return 'text';
}

export const outputFlag = Flags.option({
  char: 'o',
  description: 'Output format: text for people, json for scripts (exactly one JSON document on stdout)',
  options: ['text', 'json'] as const,
  default: 'text',
  helpGroup: 'GLOBAL',
})();

/**
 * The one base class: owns the output contract. Subclasses parse flags, call the library and hand the
 * result to `emit`. Errors are rendered here (JSON on stderr in JSON mode), never deeper.
 */
export abstract class WashCommand extends Command {
  static override baseFlags = { output: outputFlag };

  protected get mode(): OutputMode {
    return outputModeFromArgv(this.argv);
  }

  protected get json(): boolean {
    return this.mode === 'json';
  }

  /** Print the result: JSON document in JSON mode, the text (if any) otherwise. */
  protected emit(result: Record<string, unknown>, text?: string | (() => string), opts: { addSuccess?: boolean } = {}): void {
    if (this.json) {
      process.stdout.write(successDocument(result, opts.addSuccess ?? true));
      return;
    }
    const body = typeof text === 'function' ? text() : text;
    if (body !== undefined && body !== '') process.stdout.write(body.endsWith('\n') ? body : body + '\n');
  }

  /** A notice for people (stderr, text mode only). */
  protected note(message: string): void {
    if (!this.json) process.stderr.write(message.endsWith('\n') ? message : message + '\n');
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<void> {
    const code = exitCodeFor(err);
    process.exitCode = code;
    if (this.json) {
      process.stderr.write(errorDocument(err));
      return;
    }
    process.stderr.write(renderTextError(err));
  }
}

export function renderTextError(err: unknown): string {
  const chain = errorChain(err);
  const lines = [`Error: ${chain[0] ?? 'unknown error'}`];
  for (const cause of chain.slice(1)) lines.push(`  caused by: ${cause}`);
  const suggestion = (err as { suggestion?: string } | null)?.suggestion;
  if (suggestion) lines.push(`  hint: ${suggestion}`);
  if (!isUserFacing(err) && process.env.WASH_DEBUG && err instanceof Error && err.stack) lines.push(err.stack);
  if (!isUserFacing(err) && !process.env.WASH_DEBUG) lines.push('  (unexpected error; set WASH_DEBUG=1 for a stack trace)');
  return lines.join('\n') + '\n';
}

export { UserError };
