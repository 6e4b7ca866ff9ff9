import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { UserError } from '../../errors.js';
import { LatticeCommand, type LatticeContext } from '../../cli/lattice-command.js';
import { inventoriesText } from '../../cli/lattice-render.js';
import { redraw, untilInterrupted } from '../../cli/watch-loop.js';
import type { HostInventory } from '../../lattice/types.js';

export default class GetInventory extends LatticeCommand {
  static override summary = 'Show what runs on each host (components, providers, labels)';
  static override aliases = ['get:inventories'];
  static override examples = [
    '<%= config.bin %> get inventory',
    '<%= config.bin %> get inventory NCBAWBHRT6JNSQIYQEURM3AQZ74I6HTQRRCFMTVPC3OAX4BUTCNTYADZ',
    '<%= config.bin %> get inventory wild-river -o json',
    '<%= config.bin %> get inventories --watch --watch-interval-ms 2000',
  ];

  static override args = {
    'host-id': Args.string({ description: 'Host id, id prefix or friendly name (default: every host)' }),
  };

  static override flags = {
    watch: Flags.boolean({
      char: 'w',
      description: 'Redraw the inventory until Ctrl+C (text mode only)',
      default: false,
    }),
    'watch-interval-ms': Flags.integer({
      description: 'Redraw interval for --watch in milliseconds',
      default: 5000,
      min: 100,
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(GetInventory);
    if (flags.watch && this.json)
      throw new UserError('--watch redraws a table for people and cannot be combined with -o json', {
        suggestion: 'drop --watch, or poll `wash get inventory -o json` yourself',
      });
    const fetch = async (ctx: LatticeContext): Promise<HostInventory[]> => {
      const { resolveHostId } = await import('../../lattice/operations.js');
      if (args['host-id'] !== undefined) {
        const host = await resolveHostId(ctx.client, args['host-id'], '<host-id>');
        return [await ctx.client.getInventory(host.id)];
      }
      const invs = await ctx.client.getInventories();
      if (invs.length === 0) {
        throw new UserError('No hosts are available for inventory query.', {
          suggestion: `start a host with \`wash up\`, or check --lattice (currently "${ctx.conn.lattice}")`,
        });
      }
      return invs;
    };

    if (!flags.watch) {
      const inventories = await this.withLattice(
        flags,
        args['host-id']
          ? `Retrieving inventory for host ${args['host-id']} ...`
          : 'Retrieving hosts for inventory query ...',
        fetch,
      );
      this.emit({ inventories }, () => inventoriesText(inventories));
      return;
    }
    await this.withLattice(flags, 'Retrieving inventory ...', async (ctx) => {
      await untilInterrupted(flags['watch-interval-ms'], async () => {
        const invs = await fetch(ctx);
        ctx.progress('');
        redraw(inventoriesText(invs));
      });
    });
    this.emit({}, 'Completed Watching Inventory');
  }
}
