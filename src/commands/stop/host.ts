import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { LatticeCommand } from '../../cli/lattice-command.js';

export default class StopHost extends LatticeCommand {
  static override summary = 'Ask a host to stop its components and providers and shut down';
  static override examples = [
    '<%= config.bin %> stop host NCBAWBHRT6JNSQIYQEURM3AQZ74I6HTQRRCFMTVPC3OAX4BUTCNTYADZ',
    '<%= config.bin %> stop host wild-river --host-timeout 10000',
    '<%= config.bin %> stop host NCBAW -o json',
  ];

  static override args = {
    'host-id': Args.string({ description: 'Host id, id prefix or friendly name', required: true }),
  };

  static override flags = {
    'host-timeout': Flags.integer({
      description: 'Time the host gets for a graceful shutdown, in milliseconds',
      min: 1,
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(StopHost);
    const { stopHost } = await import('../../lattice/operations.js');
    const { result } = await this.withLattice(flags, 'Stopping host ...', ({ client, conn }) =>
      stopHost(client, { host: args['host-id'], hostTimeoutMs: flags['host-timeout'] ?? conn.timeoutMs }),
    );
    this.emit({ result }, result);
  }
}
