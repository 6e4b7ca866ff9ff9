/**
 * `wash … --help` answered from help text that oclif's own Help class rendered at build time
 * (scripts/build-help-index.mjs → dist/help-index.json), so help does not load oclif, read its manifest or
 * render anything. Used only where oclif's output is known to be exactly that text: stdout not a terminal (oclif
 * then wraps at 80 columns and adds no colour), no variable or flag that changes colour, width or debug output,
 * and the same Node version and platform as the build (the root help prints them). Anything else → oclif.
 * Bundled on its own to dist/help-fast-path.cjs (bin/run.js loads it before the CLI bundle).
 */
import { readFileSync } from 'node:fs';

/** What oclif printed for one argv at build time. */
export interface HelpAnswer {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface HelpIndex {
  format: 1;
  /** process.version, platform and arch of the build (the root help's VERSION line names them). */
  node: string;
  platform: string;
  arch: string;
  /** oclif's help flags (`--help` plus package.json's oclif.additionalHelpFlags). */
  helpFlags: string[];
  /** `<command or topic words> --help`, keyed by the words joined with a space ('' for `wash --help`). */
  help: Record<string, HelpAnswer>;
  /** `wash` with no arguments (src/cli.ts: root help on stderr, exit 2). */
  noArgs: HelpAnswer;
}

export const HELP_INDEX_FORMAT = 1;

export interface Surroundings {
  env: NodeJS.ProcessEnv;
  stdoutIsTTY: boolean;
  node: string;
  platform: string;
  arch: string;
}

/**
 * Whether oclif would render plain 80-column help here: not a terminal (oclif's width and supports-color both
 * look at stdout), no FORCE_COLOR / OCLIF_COLUMNS (other than 80) / debug variables / NODE_ENV=development|test
 * (oclif's development mode: TypeScript lookup, warnings), no `--color…` argument (supports-color reads argv), and the build's Node and platform.
 */
export function plainHelpSurroundings(argv: readonly string[], index: HelpIndex, s: Surroundings): boolean {
  if (s.stdoutIsTTY) return false;
  if (s.node !== index.node || s.platform !== index.platform || s.arch !== index.arch) return false;
  const { env } = s;
  if (env.FORCE_COLOR !== undefined || oclifDevelopmentMode(env)) return false;
  if (env.DEBUG || env.WASH_DEBUG) return false;
  const columns = Number.parseInt(env.OCLIF_COLUMNS ?? '', 10);
  if (columns && columns !== 80) return false;
  return !argv.some((a) => /^--(no-)?colou?rs?(=|$)/.test(a));
}

/** oclif's `isProd()` is false: it then looks for TypeScript sources and prints development warnings. */
export function oclifDevelopmentMode(env: NodeJS.ProcessEnv): boolean {
  return env.NODE_ENV === 'development' || env.NODE_ENV === 'test';
}

/**
 * The index entry oclif would print for `argv`, or undefined when the argv is not plainly a help request:
 * command/topic words, then flags, with a help flag before any `--`. This is the subset of oclif's own rules
 * (run → helpAddition, Help.showHelp → standardizeIDFromArgv) where the words before the first flag are exactly
 * the help subject; any other shape is left to oclif.
 */
export function helpAnswerFor(argv: readonly string[], index: HelpIndex): HelpAnswer | undefined {
  if (argv.length === 0) return index.noArgs;
  if (argv[0] === '--version') return undefined; // oclif's version flag wins over help
  const helpAt = argv.findIndex((a) => a === '--' || index.helpFlags.includes(a));
  if (helpAt < 0 || argv[helpAt] === '--') return undefined;
  const firstFlag = argv.findIndex((a) => a.startsWith('-'));
  const words = argv.slice(0, firstFlag);
  if (words.some((w) => w === '' || w.includes(':') || w.includes('='))) return undefined;
  const key = words.join(' ');
  return Object.hasOwn(index.help, key) ? index.help[key] : undefined;
}

/** Prints the pre-rendered help and sets the exit code if `argv` can be answered here; false otherwise. */
export function helpFastPath(argv: readonly string[], indexFile: string): boolean {
  let index: HelpIndex;
  try {
    index = JSON.parse(readFileSync(indexFile, 'utf8')) as HelpIndex;
  } catch {
    return false; // no index (a partial build): oclif answers
  }
  if (index.format !== HELP_INDEX_FORMAT) return false;
  const surroundings: Surroundings = {
    env: process.env,
    stdoutIsTTY: process.stdout.isTTY === true,
    node: process.version,
    platform: process.platform,
    arch: process.arch,
  };
  if (!plainHelpSurroundings(argv, index, surroundings)) return false;
  const answer = helpAnswerFor(argv, index);
  if (!answer) return false;
  if (answer.stdout) process.stdout.write(answer.stdout);
  if (answer.stderr) process.stderr.write(answer.stderr);
  if (answer.exitCode !== 0) process.exitCode = answer.exitCode;
  return true;
}
