import { LatticeCommand } from '../../cli/lattice-command.js';
import { claimsTable } from '../../cli/lattice-render.js';

export default class GetClaims extends LatticeCommand {
  static override summary = 'List the claims of the signed components and providers known to the lattice';
  static override examples = [
    '<%= config.bin %> get claims',
    '<%= config.bin %> get claims -o json',
    "<%= config.bin %> get claims -o json | jq -r '.claims[].name'",
  ];

  async run(): Promise<void> {
    const { flags } = await this.parse(GetClaims);
    const claims = await this.withLattice(flags, 'Retrieving claims ...', ({ client }) => client.getClaims());
    this.emit({ claims }, () => claimsTable(claims));
  }
}
