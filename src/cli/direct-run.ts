/**
 * Runs a command without oclif's Config.load: the command id is found in a build-time index
 * (dist/command-index.json, from oclif.manifest.json by scripts/build-help-index.mjs) and the command class is
 * instantiated and run as oclif's own run → Config.runCommand → Command.run would, with a small config holding
 * the few members oclif's Command and parser read (bin, userAgent, scoped env var names, hooks — wash has none).
 * oclif's Config.load reads package.json and the 220 KB manifest, builds every command permutation, and is done
 * twice per command (Command.run reloads it). Anything the index cannot answer exactly as oclif would (help,
 * `--version`, aliases, an unknown word after a command without arguments, `get:hosts` ids) is left to oclif.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exitCodeFor } from '../errors.js';
import { errorDocument } from '../output/json.js';
import { outputModeFromArgv, renderTextError } from '../output/render.js';
import { writeOutput } from './write-output.js';

export interface CommandIndexEntry {
  /** Has positional arguments or takes any (strict: false): oclif stops reading id words at the first argument. */
  takesArgs: boolean;
}

export interface CommandIndex {
  format: 1;
  name: string;
  version: string;
  bin: string;
  /** Canonical command ids. */
  commands: Record<string, CommandIndexEntry>;
  /** Every prefix of a command id or alias (oclif's collectUsableIds). */
  usableIds: string[];
  helpFlags: string[];
}

export const COMMAND_INDEX_FORMAT = 1;

/**
 * The command id and its argv when oclif would run exactly that command for `argv` (its run →
 * normalizeArgv → collateSpacedCmdIDFromArgs → findCommand), or undefined for anything else.
 */
export function resolveDirect(
  argv: readonly string[],
  index: CommandIndex,
): { id: string; argv: string[] } | undefined {
  if (argv.length === 0 || argv[0] === '--version' || argv[0].includes(':')) return undefined;
  for (const a of argv) {
    if (a === '--') break;
    if (index.helpFlags.includes(a)) return undefined;
  }
  const usable = new Set(index.usableIds);
  const words: string[] = [];
  for (const a of argv) {
    const candidate = [...words, a].join(':');
    if (!a.startsWith('-') && usable.has(candidate)) words.push(a);
    else break;
  }
  const id = words.join(':');
  if (!Object.hasOwn(index.commands, id)) return undefined;
  const rest = argv.slice(words.length);
  // oclif adds a following plain word to the id (→ "command not found") unless the command takes arguments.
  const next = rest[0];
  if (next !== undefined && !next.startsWith('-') && !next.includes('=') && !index.commands[id].takesArgs)
    return undefined;
  return { id, argv: rest };
}

/** What oclif's Command, parser and our commands read from `this.config` (see @oclif/core/lib/command.js). */
export function directConfig(index: CommandIndex, root: string) {
  const scopedEnvVarKey = (k: string) =>
    [index.bin, k]
      .map((p) => p.replaceAll('@', '').replaceAll(/[/-]/g, '_'))
      .join('_')
      .toUpperCase();
  const scopedEnvVar = (k: string) => process.env[scopedEnvVarKey(k)];
  return {
    root,
    name: index.name,
    version: index.version,
    bin: index.bin,
    binAliases: undefined,
    topicSeparator: ' ',
    platform: process.platform,
    arch: process.arch,
    userAgent: `${index.name}/${index.version} ${process.platform}-${process.arch} node-${process.version}`,
    theme: undefined,
    isSingleCommandCLI: false,
    get commandIDs() {
      return Object.keys(index.commands);
    },
    findCommand: (id: string) =>
      Object.hasOwn(index.commands, id) ? { id, args: {}, strict: !index.commands[id].takesArgs } : undefined,
    scopedEnvVarKey,
    scopedEnvVarKeys: (k: string) => [scopedEnvVarKey(k)],
    scopedEnvVar,
    scopedEnvVarTrue: (k: string) => ['1', 'true'].includes(scopedEnvVar(k) ?? ''),
    // No plugins, so no hooks (oclif's runHook over an empty plugin list).
    runHook: async () => ({ successes: [], failures: [] }),
  };
}

export function readCommandIndex(distDir: string): CommandIndex | undefined {
  try {
    const index = JSON.parse(readFileSync(join(distDir, 'command-index.json'), 'utf8')) as CommandIndex;
    return index.format === COMMAND_INDEX_FORMAT ? index : undefined;
  } catch {
    return undefined;
  }
}

type CommandClass = (new (
  argv: string[],
  config: unknown,
) => { _run(): Promise<unknown>; debug: (...args: unknown[]) => void }) & { id?: string };

/**
 * Runs the command `argv` names if the index answers it exactly (see the file comment) and `commands` (id → class
 * getters: src/commands-index.ts, or a topic bundle's part of it) holds it; false, having done nothing, otherwise.
 */
export async function runDirect(argv: string[], root: string, commands: Record<string, unknown>): Promise<boolean> {
  const index = readCommandIndex(join(root, 'dist'));
  const target = index && resolveDirect(argv, index);
  if (!index || !target || !Object.hasOwn(commands, target.id)) return false;
  const Command = commands[target.id] as CommandClass;
  Command.id = target.id; // as oclif's Plugin.findCommand does
  const command = new Command(target.argv, directConfig(index, root));
  // oclif's `debug` logs through the `debug` package, which prints only under DEBUG (never a direct run: see
  // main) but loads node:tty, net and streams, and builds process.stderr, on its first call (Command.init's).
  command.debug = () => {};
  await command._run();
  // No oclif `flush()` (which oclif's run does before it may call process.exit): reading process.stdout would
  // build the stream (~10M instructions) for commands that print with fs.writeSync, and nothing exits the process
  // after a direct run, so writes still pending on a stream keep Node's event loop alive until they are done.
  return true;
}

/** oclif prints debug output, or runs in its development mode, under these variables: left to oclif. */
export function directRunAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.DEBUG && !env.WASH_DEBUG && env.NODE_ENV !== 'development' && env.NODE_ENV !== 'test';
}

/**
 * The direct-run part of src/cli.ts's main for a topic bundle (dist/wash-<topic>.cjs, which holds only that topic's
 * commands: scripts/bundle-cli.mjs): the same run and the same rendering of an error escaping it. False, having
 * done nothing, for anything main must handle (version flags, the variables above, argv the index leaves to
 * oclif): bin/run.js then loads the CLI bundle and calls main.
 */
export async function directMain(commands: Record<string, unknown>, argv: string[], root: string): Promise<boolean> {
  if (argv.includes('--version') || argv.includes('-V') || !directRunAllowed()) return false;
  try {
    return await runDirect(argv, root.startsWith('file:') ? fileURLToPath(root) : root, commands);
  } catch (err) {
    process.exitCode = exitCodeFor(err);
    writeOutput(2, outputModeFromArgv(argv) === 'json' ? errorDocument(err) : renderTextError(err));
    return true;
  }
}
