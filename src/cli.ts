import { errorDocument, successDocument } from './output/json.js';
import { outputModeFromArgv, renderTextError } from './output/render.js';
import { exitCodeFor } from './errors.js';
import { writeOutput } from './cli/write-output.js';
import { fileURLToPath } from 'node:url';

/**
 * oclif load options. No user plugins: oclif would read WASH_DATA_DIR/package.json (its data dir is ours) on
 * every start, and print a Node warning on stderr, outside the JSON document, when that dir is unusable.
 * `root` may be a file URL (bin/run.js passes one); oclif converts only a bare string itself.
 */
function oclifOptions(root: string): { root: string; userPlugins: false } {
  return { root: root.startsWith('file:') ? fileURLToPath(root) : root, userPlugins: false };
}

/**
 * Entry point of the `wash` binary. `--version`/`-V` is answered without loading oclif (it is the most
 * frequently scripted call); a plain command run goes straight to its class (src/cli/direct-run.ts) unless
 * `opts.direct` is false; everything else goes through oclif with its pre-built manifest.
 */
export async function main(argv: string[], root: string, opts: { direct?: boolean } = {}): Promise<void> {
  const mode = outputModeFromArgv(argv);
  // version.js loads node:child_process (nats-server --version): only for a version request.
  if (argv.includes('--version') || argv.includes('-V')) {
    const { versionFastPath } = await import('./version.js');
    if (versionFastPath(argv)) return;
  }
  try {
    if (opts.direct !== false) {
      const [{ runDirect, directRunAllowed }, { COMMANDS }] = await Promise.all([
        import('./cli/direct-run.js'),
        import('./commands-index.js'),
      ]);
      if (directRunAllowed() && (await runDirect(argv, oclifOptions(root).root, COMMANDS))) return;
    }
    if (argv.length === 0) {
      // No subcommand: help on stderr, exit 2 (as wash v1).
      const [{ Config }, { Help }] = await Promise.all([import('@oclif/core/config'), import('@oclif/core/help')]);
      const config = await Config.load(oclifOptions(root));
      const help = new Help(config, { stripAnsi: true });
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((chunk: string | Uint8Array) =>
        process.stderr.write(chunk)) as typeof process.stdout.write;
      try {
        await help.showHelp([]);
      } finally {
        process.stdout.write = write;
      }
      process.exitCode = 2;
      return;
    }
    // Subpath imports: the @oclif/core index also runs a semver check of the Node version on load (~25 ms).
    const [{ run }, { flush }] = await Promise.all([import('@oclif/core/run'), import('@oclif/core/flush')]);
    await run(argv, oclifOptions(root));
    await flush();
  } catch (err) {
    process.exitCode = exitCodeFor(err);
    process.stderr.write(mode === 'json' ? errorDocument(err) : renderTextError(err));
  }
}

interface PlainAppValidate {
  files: string[];
  checkImageRefs: boolean;
}

/**
 * `app validate <file…>` with only `--check-image-refs` and `-o`/`--output` (`json`|`text`, each flag at most
 * once) besides plain file names; undefined for anything else (help, other or repeated flags, `--`, no file),
 * which oclif then handles.
 */
export function plainAppValidateArgs(argv: readonly string[]): PlainAppValidate | undefined {
  if (argv[0] !== 'app' || argv[1] !== 'validate') return undefined;
  const files: string[] = [];
  let checkImageRefs = false;
  let output = false;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--check-image-refs') {
      if (checkImageRefs) return undefined;
      checkImageRefs = true;
    } else if (a === '-o' || a === '--output' || a === '--output=json' || a === '--output=text') {
      if (output) return undefined;
      output = true;
      if (a === '-o' || a === '--output') {
        if (argv[i + 1] !== 'json' && argv[i + 1] !== 'text') return undefined;
        i++;
      }
    } else if (a === '' || a.startsWith('-')) {
      return undefined;
    } else {
      files.push(a);
    }
  }
  return files.length > 0 ? { files, checkImageRefs } : undefined;
}

/**
 * `wash app validate` for the plain argv of `plainAppValidateArgs`, without loading oclif: the same output and
 * exit code as the command (src/commands/app/validate.ts, through WashCommand's emit and catch). bin/run.js
 * calls this from a small bundle (dist/validate.cjs) before anything else; it returns false, having done
 * nothing, for any other argv.
 */
export async function appValidateFastPath(argv: readonly string[]): Promise<boolean> {
  const plain = plainAppValidateArgs(argv);
  if (!plain) return false;
  const mode = outputModeFromArgv(argv.slice(2));
  try {
    const manifest = await import('./manifest/index.js');
    const result = await manifest.validateManifestFiles(plain.files, {
      checkImageRefs: plain.checkImageRefs,
      readSync: true,
    });
    if (mode === 'json') {
      writeOutput(1, successDocument(result.document));
    } else {
      const body = manifest.renderReportsText(result.results);
      if (body !== '') writeOutput(1, body.endsWith('\n') ? body : body + '\n');
    }
    if (!result.valid) process.exitCode = 1;
  } catch (err) {
    process.exitCode = exitCodeFor(err);
    writeOutput(2, mode === 'json' ? errorDocument(err) : renderTextError(err));
  }
  return true;
}
