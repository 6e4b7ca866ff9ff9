import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { LatticeCommand } from '../cli/lattice-command.js';

export default class Label extends LatticeCommand {
  static override summary =
    'Set (or with --delete remove) labels on a host; labels drive auctions and wadm spread rules';
  static override aliases = ['tag'];
  static override strict = false;
  static override usage = 'label HOST-ID KEY=VALUE[,KEY=VALUE...] [--delete]';
  static override examples = [
    '<%= config.bin %> label NCBAWBHRT6JNSQIYQEURM3AQZ74I6HTQRRCFMTVPC3OAX4BUTCNTYADZ zone=us-east-1',
    '<%= config.bin %> label wild-river zone=us-east-1,gpu=true',
    '<%= config.bin %> label wild-river zone --delete',
    '<%= config.bin %> tag wild-river cloud=aws -o json',
  ];

  static override args = {
    'host-id': Args.string({ description: 'Host id, id prefix or friendly name', required: true }),
    label: Args.string({ description: 'key=value (comma-separated or repeated); only keys with --delete' }),
  };

  static override flags = {
    delete: Flags.boolean({ description: 'Remove the labels instead of setting them', default: false }),
  };

  async run(): Promise<void> {
    const { args, argv, flags } = await this.parse(Label);
    const { labelHost, parseLabelArgs } = await import('../lattice/operations.js');
    const labels = parseLabelArgs((argv as string[]).slice(1), flags.delete);
    const result = await this.withLattice(flags, 'Labeling host ...', ({ client }) =>
      labelHost(client, { host: args['host-id'], labels, delete: flags.delete }),
    );
    const who = result.friendly_name ?? result.host_id;
    const list = labels.map(([k, v]) => (flags.delete ? k : `${k}=${v}`)).join(',');
    this.emit(
      { deleted: result.deleted, processed: result.processed },
      `Host \`${who}\` ${flags.delete ? 'unlabeled' : 'labeled'} with \`${list}\``,
    );
  }
}
