import * as Args from '@oclif/core/args';
import { UserError } from '../../errors.js';
import { LatticeCommand } from '../../cli/lattice-command.js';
import { configTable } from '../../cli/lattice-render.js';
import { validateSubjectToken } from '../../lattice/validate.js';

export default class ConfigGet extends LatticeCommand {
  static override summary = 'Show a named configuration (JSON: the bare key/value map, no "success" key)';
  static override examples = [
    '<%= config.bin %> config get http-config',
    '<%= config.bin %> config get http-config -o json',
    '<%= config.bin %> config get app-settings -o json | jq -r .greeting',
  ];

  static override args = {
    name: Args.string({ description: 'Name of the configuration', required: true }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ConfigGet);
    const name = validateSubjectToken(args.name, '<name>');
    const config = await this.withLattice(flags, 'Getting configuration ...', ({ client }) => client.getConfig(name));
    if (!config) {
      throw new UserError(`No configuration found for name: ${name}`, {
        suggestion: 'create it with `wash config put <name> key=value`',
      });
    }
    // wash v1 prints the raw map here, without the usual "success" key.
    this.emit(config, () => configTable(config), { addSuccess: false });
  }
}
