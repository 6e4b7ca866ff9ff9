/**
 * Error taxonomy. A UserError is something the user can fix (bad flag, bad file, nothing listening):
 * it is printed without a stack trace, with an optional suggestion, and exits 1. A UsageError exits 2.
 * Anything else is a bug and keeps its stack (shown with WASH_DEBUG=1).
 */
/**
 * Brand instead of `instanceof`: the bundled CLI (dist/wash.cjs) and the library modules it loads from dist/
 * hold two copies of this class, so class identity is not reliable across that boundary.
 */
const USER_ERROR = Symbol.for('wash.UserError');

export class UserError extends Error {
  override name = 'UserError';
  readonly [USER_ERROR] = true;
  readonly suggestion?: string;
  readonly exitCode: number;
  constructor(message: string, options: { suggestion?: string; cause?: unknown; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.suggestion = options.suggestion;
    this.exitCode = options.exitCode ?? 1;
  }
}

export class UsageError extends UserError {
  override name = 'UsageError';
  constructor(message: string, options: { suggestion?: string } = {}) {
    super(message, { ...options, exitCode: 2 });
  }
}

/** Messages of an error and its causes, outermost first. */
export function errorChain(err: unknown): string[] {
  const chain: string[] = [];
  let cur: unknown = err;
  const seen = new Set<unknown>();
  while (cur !== undefined && cur !== null && !seen.has(cur)) {
    seen.add(cur);
    if (cur instanceof Error) {
      chain.push(cur.message);
      cur = cur.cause;
    } else {
      chain.push(String(cur));
      break;
    }
  }
  return chain;
}

/** oclif's own parse errors (unknown flag, missing arg) carry exit code 2 in `oclif.exit`. */
export function isUserError(err: unknown): err is UserError {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[USER_ERROR] === true;
}

export function exitCodeFor(err: unknown): number {
  if (isUserError(err)) return err.exitCode;
  const oclif = (err as { oclif?: { exit?: number } } | null)?.oclif;
  if (oclif && typeof oclif.exit === 'number') return oclif.exit;
  return 1;
}

export function isUserFacing(err: unknown): boolean {
  if (isUserError(err)) return true;
  return Boolean((err as { oclif?: unknown } | null)?.oclif);
}
