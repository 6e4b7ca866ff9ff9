import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import type { Input, ParserOutput } from '@oclif/core/interfaces';
import { flagSources, FlagSources } from '../cli/flag-sources.js';
import { writeOutput } from '../cli/write-output.js';
import { UserError, exitCodeFor } from '../errors.js';
import { listsFromEnv } from './env-lists.js';
import { errorDocument, successDocument } from './json.js';
import type { OutputMode } from './mode.js';
import { outputModeFromArgv, renderTextError } from './render.js';

export const outputFlag = Flags.option({
  char: 'o',
  description: 'Output format: text for people, json for scripts (exactly one JSON document on stdout)',
  options: ['text', 'json'] as const,
  default: 'text',
  helpGroup: 'GLOBAL',
})();

/**
 * The one base class: owns the output contract. Output goes to fds 1 and 2 with `writeOutput` (synchronous, the
 * same bytes and order as the streams), so a command that prints only through here never builds Node's
 * process.stdout/stderr streams. Subclasses parse flags, call the library and hand the
 * result to `emit`. Errors are rendered here (JSON on stderr in JSON mode), never deeper.
 */
export abstract class WashCommand extends Command {
  static override baseFlags = { output: outputFlag };

  /** Where each flag value of the last `parse` came from (argv, environment, default). */
  protected flagSources = new FlagSources(new Map());

  protected get mode(): OutputMode {
    return outputModeFromArgv(this.argv);
  }

  protected get json(): boolean {
    return this.mode === 'json';
  }

  /**
   * oclif's parse, plus repeatable flags read from their environment variable as a list (`env-lists.ts`), and
   * `flagSources` recorded.
   */
  // Record<string, any>: oclif's FlagOutput / ArgOutput, which its package does not export.
  protected override async parse<
    F extends Record<string, any>,
    B extends Record<string, any>,
    A extends Record<string, any>,
  >(options?: Input<F, B, A>, argv?: string[]): Promise<ParserOutput<F, B, A>> {
    const out = await super.parse(options, argv);
    const defs = { ...(options?.baseFlags ?? {}), ...(options?.flags ?? {}) } as Record<
      string,
      { multiple?: boolean; env?: string }
    >;
    listsFromEnv(defs, out.flags as Record<string, unknown>);
    this.flagSources = flagSources(defs, out.flags as Record<string, unknown>, out.raw);
    return out;
  }

  /** Print the result: JSON document in JSON mode, the text (if any) otherwise. */
  protected emit(
    result: Record<string, unknown>,
    text?: string | (() => string),
    opts: { addSuccess?: boolean } = {},
  ): void {
    if (this.json) {
      writeOutput(1, successDocument(result, opts.addSuccess ?? true));
      return;
    }
    const body = typeof text === 'function' ? text() : text;
    if (body !== undefined && body !== '') writeOutput(1, body.endsWith('\n') ? body : body + '\n');
  }

  /** A notice for people (stderr, text mode only). */
  protected note(message: string): void {
    if (!this.json) writeOutput(2, message.endsWith('\n') ? message : message + '\n');
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<void> {
    const code = exitCodeFor(err);
    process.exitCode = code;
    if (this.json) {
      writeOutput(2, errorDocument(err));
      return;
    }
    writeOutput(2, renderTextError(err));
  }
}

export { UserError, outputModeFromArgv, renderTextError };
