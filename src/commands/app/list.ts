import * as Flags from '@oclif/core/flags';
import { WadmCommand } from '../../cli/wadm-command.js';
import { redraw, untilInterrupted } from '../../cli/watch-loop.js';
import type { ModelSummary } from '../../wadm/types.js';

export default class AppList extends WadmCommand {
  static override summary = 'List the applications stored in wadm, with their deployed version and status';
  static override description = [
    'Asks wadm (model.get) for every application of the lattice. JSON: {"applications": [ModelSummary], "success": true}, where a ModelSummary is {"name", "version" (latest stored), "description", "deployed_version", "detailed_status": Status, "status", "status_message"}.',
    'With --watch the table is redrawn until Ctrl+C; with -o json and --watch, the final list is printed once when you stop.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> app list',
    '<%= config.bin %> app list -o json',
    '<%= config.bin %> app list --watch',
    '<%= config.bin %> app list --watch --watch-interval-ms 500 --lattice prod',
  ];
  static override flags = {
    watch: Flags.boolean({ char: 'w', description: 'Redraw the list until Ctrl+C', default: false }),
    'watch-interval-ms': Flags.integer({
      description: 'Refresh interval for --watch in milliseconds',
      default: 1000,
      min: 100,
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(AppList);
    const { appsTable } = await import('../../cli/app-render.js');
    const apps = await this.withWadm(flags, 'Retrieving applications ...', async (ctx) => {
      if (!flags.watch) return ctx.client.list();
      let latest: ModelSummary[] = [];
      await untilInterrupted(flags['watch-interval-ms'], async () => {
        latest = await ctx.client.list();
        ctx.progress('');
        if (!this.json) redraw(appsTable(latest) + '\n(watching, Ctrl+C to stop)\n');
      });
      return latest;
    });
    if (flags.watch && !this.json) {
      this.note('Completed watching applications');
      return;
    }
    this.emit({ applications: apps }, () => appsTable(apps));
  }
}
