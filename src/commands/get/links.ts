import { LatticeCommand } from '../../cli/lattice-command.js';
import { linksTable } from '../../cli/lattice-render.js';

export default class GetLinks extends LatticeCommand {
  static override summary = 'List every link of the lattice (same as `wash link query`)';
  static override examples = [
    '<%= config.bin %> get links',
    '<%= config.bin %> get links -o json',
    '<%= config.bin %> get links -o json | jq \'.links[] | select(.source_id == "http-server")\'',
    '<%= config.bin %> get links --lattice prod',
  ];

  async run(): Promise<void> {
    const { flags } = await this.parse(GetLinks);
    const links = await this.withLattice(flags, 'Retrieving links ...', ({ client }) => client.getLinks());
    this.emit({ links }, () => linksTable(links));
  }
}
