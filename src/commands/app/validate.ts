import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { WashCommand } from '../../output/command.js';

export default class AppValidate extends WashCommand {
  static override summary = 'Check application manifests (OAM) offline, with every wadm rule';
  static override description = [
    'Reads each manifest (YAML or JSON) and reports every error and warning wadm would find, each with its file:line and field path. Exits 1 when any manifest is invalid. Needs no lattice and no wadm.',
    'JSON output for one file: {"valid", "errors": [Finding], "warnings": [Finding], "success"}, where a Finding is {"level": "Error"|"Warning", "msg", "path", "line"?}. For several files, "valid" is true only when every file is valid, "errors" and "warnings" hold the findings of all files (each with a "file" key), and "files" lists {"file", "valid", "errors", "warnings"} per file.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> app validate wadm.yaml',
    '<%= config.bin %> app validate wadm.yaml -o json',
    '<%= config.bin %> app validate apps/*.yaml',
    '<%= config.bin %> app validate wadm.yaml --check-image-refs',
  ];
  static override strict = false;
  static override args = {
    file: Args.string({ description: 'Manifest file(s) to validate', required: true }),
  };
  static override flags = {
    'check-image-refs': Flags.boolean({
      description: 'Also check that file:// images exist (relative to the manifest); OCI references are not fetched',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(AppValidate);
    const manifest = await import('../../manifest/index.js');
    const { valid, results, document } = await manifest.validateManifestFiles(argv as string[], {
      checkImageRefs: flags['check-image-refs'],
      readSync: true,
    });
    this.emit(document, () => manifest.renderReportsText(results));
    if (!valid) process.exitCode = 1;
  }
}
