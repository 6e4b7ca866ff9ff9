import { WashCommand } from '../output/command.js';
import { printVersion } from '../version.js';

export default class Version extends WashCommand {
  static override summary = 'Show the versions of wash and of what it runs';
  static override description = 'Same as `wash --version`. The JSON form has no "success" key, as in wash v1.';
  static override examples = [
    '<%= config.bin %> --version',
    '<%= config.bin %> --version -o json',
    '<%= config.bin %> version -o json',
  ];

  async run(): Promise<void> {
    await this.parse(Version);
    printVersion(this.mode);
  }
}
