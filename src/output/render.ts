import { errorChain, isUserFacing } from '../errors.js';
import { maskSecrets } from '../lattice/credentials.js';
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

/** argv without the global output flag. */
export function withoutOutputFlag(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-o' || a === '--output') {
      i++;
      continue;
    }
    if (a.startsWith('--output=') || a.startsWith('-o=') || a === '-ojson' || a === '-otext') continue;
    out.push(a);
  }
  return out;
}

export function renderTextError(err: unknown): string {
  const chain = errorChain(err);
  const lines = [`Error: ${chain[0] ?? 'unknown error'}`];
  for (const cause of chain.slice(1)) lines.push(`  caused by: ${cause}`);
  const suggestion = (err as { suggestion?: string } | null)?.suggestion;
  if (suggestion) lines.push(`  hint: ${suggestion}`);
  if (!isUserFacing(err)) {
    if (process.env.WASH_DEBUG && err instanceof Error && err.stack) lines.push(err.stack);
    else lines.push('  (unexpected error; set WASH_DEBUG=1 for a stack trace)');
  }
  return maskSecrets(lines.join('\n')) + '\n';
}
