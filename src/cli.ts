import { errorDocument } from './output/json.js';
import { outputModeFromArgv, renderTextError, withoutOutputFlag } from './output/render.js';
import { exitCodeFor } from './errors.js';

/**
 * Entry point of the `wash` binary. `--version`/`-V` is answered without loading oclif (it is the most
 * frequently scripted call); everything else goes through oclif with its pre-built manifest.
 */
export async function main(argv: string[], root: string): Promise<void> {
  const mode = outputModeFromArgv(argv);
  const rest = withoutOutputFlag(argv);
  if (rest.length === 1 && (rest[0] === '--version' || rest[0] === '-V')) {
    const { printVersion } = await import('./version.js');
    printVersion(mode);
    return;
  }
  try {
    if (argv.length === 0) {
      // No subcommand: help on stderr, exit 2 (as wash v1).
      const [{ Config }, { Help }] = await Promise.all([import('@oclif/core/config'), import('@oclif/core/help')]);
      const config = await Config.load(root);
      const help = new Help(config, { stripAnsi: true });
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((chunk: string | Uint8Array) => process.stderr.write(chunk)) as typeof process.stdout.write;
      try { await help.showHelp([]); } finally { process.stdout.write = write; }
      process.exitCode = 2;
      return;
    }
    // Subpath imports: the @oclif/core index also runs a semver check of the Node version on load (~25 ms).
    const [{ run }, { flush }] = await Promise.all([import('@oclif/core/run'), import('@oclif/core/flush')]);
    await run(argv, root);
    await flush();
  } catch (err) {
    process.exitCode = exitCodeFor(err);
    process.stderr.write(mode === 'json' ? errorDocument(err) : renderTextError(err));
  }
}
