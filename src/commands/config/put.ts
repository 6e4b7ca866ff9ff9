import * as Args from '@oclif/core/args';
import { LatticeCommand } from '../../cli/lattice-command.js';
import { parseKeyValues, refuseSecretConfigName, validateSubjectToken } from '../../lattice/validate.js';

export default class ConfigPut extends LatticeCommand {
  static override summary = 'Create or replace a named configuration (string key/value pairs) in the lattice';
  static override aliases = ['config:create'];
  static override strict = false;
  static override usage = 'config put NAME [KEY=VALUE...]';
  static override examples = [
    '<%= config.bin %> config put http-config address=0.0.0.0:8080',
    '<%= config.bin %> config put app-settings greeting=hello mode=debug',
    '<%= config.bin %> config put app-settings url=https://example.com/?a=b -o json',
    '<%= config.bin %> config create empty-config',
  ];

  static override args = {
    name: Args.string({ description: 'Name of the configuration', required: true }),
    values: Args.string({ description: 'Values as key=value (repeat for several)' }),
  };

  async run(): Promise<void> {
    const { args, argv, flags } = await this.parse(ConfigPut);
    const name = validateSubjectToken(args.name, '<name>');
    refuseSecretConfigName(name, '<name>');
    const values = parseKeyValues((argv as string[]).slice(1), '<values>');
    await this.withLattice(flags, 'Putting configuration ...', ({ client }) => client.putConfig(name, values));
    const message = `Configuration '${name}' put successfully.`;
    this.emit({ message }, message);
  }
}
