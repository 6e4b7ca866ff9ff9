import { LatticeCommand } from '../../cli/lattice-command.js';
import { linksTable } from '../../cli/lattice-render.js';

export default class LinkQuery extends LatticeCommand {
  static override summary = 'List every link of the lattice (same as `wash get links`)';
  static override aliases = ['link:get'];
  static override examples = [
    '<%= config.bin %> link query',
    '<%= config.bin %> link get -o json',
    '<%= config.bin %> link query --lattice prod',
  ];

  async run(): Promise<void> {
    const { flags } = await this.parse(LinkQuery);
    const links = await this.withLattice(flags, 'Retrieving links ...', ({ client }) => client.getLinks());
    this.emit({ links }, () => linksTable(links));
  }
}
