import * as Args from '@oclif/core/args';
import { LatticeCommand } from '../../cli/lattice-command.js';
import { refuseSecretConfigName, validateSubjectToken } from '../../lattice/validate.js';

export default class ConfigDel extends LatticeCommand {
  static override summary = 'Delete a named configuration from the lattice';
  static override aliases = ['config:delete'];
  static override examples = [
    '<%= config.bin %> config del http-config',
    '<%= config.bin %> config delete app-settings -o json',
    '<%= config.bin %> config del app-settings --lattice prod',
  ];

  static override args = {
    name: Args.string({ description: 'Name of the configuration', required: true }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ConfigDel);
    const name = validateSubjectToken(args.name, '<name>');
    refuseSecretConfigName(name, '<name>');
    await this.withLattice(flags, 'Deleting configuration ...', ({ client }) => client.deleteConfig(name));
    const message = `Configuration '${name}' deleted successfully.`;
    this.emit({ message }, message);
  }
}
