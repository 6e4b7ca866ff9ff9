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
    const oclif = await import('@oclif/core');
    if (argv.length === 0) {
      // No subcommand: help on stderr, exit 2 (as wash v1).
      const config = await oclif.Config.load(root);
      const help = new oclif.Help(config, { stripAnsi: true });
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((chunk: string | Uint8Array) => process.stderr.write(chunk)) as typeof process.stdout.write;
      try { await help.showHelp([]); } finally { process.stdout.write = write; }
      process.exitCode = 2;
      return;
    }
    await oclif.run(argv, root);
    await oclif.flush();
  } catch (err) {
    process.exitCode = exitCodeFor(err);
    process.stderr.write(mode === 'json' ? errorDocument(err) : renderTextError(err));
  }
}
