import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { WadmCommand } from '../../cli/wadm-command.js';
import { redraw, untilInterrupted } from '../../cli/watch-loop.js';
import type { Status } from '../../wadm/types.js';

export default class AppStatus extends WadmCommand {
  static override summary = 'Show the status of an application and of each of its scalers';
  static override description = [
    'JSON: {"status": Status, "success": true}, where Status is {"status": {"type", "message"?}, "scalers": [{"id", "kind", "name", "status", "desired"?, "observed"?}]?, "version": "", "components": []} and type is waiting, undeployed, reconciling, deployed, failed or unhealthy.',
    'When Rust wadm also serves the lattice, a wash wadm engine there stands by and does not reconcile (only one implementation may): the JSON then carries "other_wadm" with the reason, and the text says so.',
    'With --watch the status is redrawn on every update (pushed by wadm, and refreshed every --watch-interval-ms) until Ctrl+C; with -o json the final status is printed once when you stop.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> app status hello',
    '<%= config.bin %> app status hello -o json',
    '<%= config.bin %> app status hello --watch',
    '<%= config.bin %> app status hello --watch -o json > final-status.json',
  ];
  static override args = {
    name: Args.string({ description: 'Application name', required: true }),
  };
  static override flags = {
    watch: Flags.boolean({ char: 'w', description: 'Redraw on every status change until Ctrl+C', default: false }),
    'watch-interval-ms': Flags.integer({
      description: 'Refresh interval for --watch in milliseconds (updates pushed by wadm show at once)',
      default: 2000,
      min: 100,
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(AppStatus);
    const { statusText } = await import('../../cli/app-render.js');
    const name = args.name;
    let otherWadm: string | undefined;
    const status = await this.withWadm(flags, `Retrieving status of ${name} ...`, async (ctx) => {
      if (!flags.watch) {
        const [st, other] = await Promise.all([ctx.client.status(name), ctx.client.otherWadm()]);
        otherWadm = other;
        return st;
      }
      const watch = ctx.client.watchStatus(name);
      let latest: Status = await ctx.client.status(name);
      let pushed: Status | undefined;
      let wakeUp: (() => void) | undefined;
      void (async () => {
        for await (const s of watch) {
          pushed = s;
          wakeUp?.();
        }
      })().catch(() => {});
      try {
        await untilInterrupted(flags['watch-interval-ms'], async (wake) => {
          wakeUp = wake;
          latest = pushed ?? (await ctx.client.status(name));
          pushed = undefined;
          ctx.progress('');
          if (!this.json) redraw(statusText(name, latest) + '\n(watching, Ctrl+C to stop)\n');
        });
      } finally {
        watch.stop();
      }
      return latest;
    });
    if (flags.watch && !this.json) return;
    const standby =
      otherWadm && `note: ${otherWadm}; a wash wadm engine on this lattice stands by and does not reconcile\n`;
    this.emit(
      { status, ...(otherWadm ? { other_wadm: otherWadm } : {}) },
      () => statusText(name, status) + (standby ? `\n${standby}` : ''),
    );
  }
}
