import { LatticeCommand } from '../../cli/lattice-command.js';
import { hostsTable } from '../../cli/lattice-render.js';

export default class GetHosts extends LatticeCommand {
  static override summary = 'List the hosts of the lattice (every host that answers a ping)';
  static override examples = [
    '<%= config.bin %> get hosts',
    '<%= config.bin %> get hosts -o json',
    '<%= config.bin %> get hosts --lattice prod --ctl-host nats.internal',
    '<%= config.bin %> get hosts --timeout-ms 5000',
  ];

  async run(): Promise<void> {
    const { flags } = await this.parse(GetHosts);
    const hosts = await this.withLattice(flags, 'Retrieving hosts ...', ({ client }) => client.pingHosts());
    this.emit({ hosts }, () => hostsTable(hosts));
  }
}
