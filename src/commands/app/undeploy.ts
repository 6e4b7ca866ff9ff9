import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { UsageError, UserError } from '../../errors.js';
import { waitFlags, WadmCommand } from '../../cli/wadm-command.js';

export default class AppUndeploy extends WadmCommand {
  static override summary = 'Undeploy an application (its versions stay stored)';
  static override description = [
    'NAME may also be a manifest file, whose application name is used. --all undeploys every deployed application of the lattice. --orphan leaves the running components, providers and links in place and only stops wadm managing them (supported by `wash wadm`; Rust wadm ignores it and cleans up).',
    'JSON: {"results": "Undeployed application: <name>" | "Undeployed [<n>] applications" | "No applications undeployed", "undeployed_application_names": [...], "success": true} (wash 0.43\'s texts).',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> app undeploy hello',
    '<%= config.bin %> app undeploy wadm.yaml --wait',
    '<%= config.bin %> app undeploy --all',
    '<%= config.bin %> app undeploy hello --orphan -o json',
  ];
  static override args = {
    name: Args.string({ description: 'Application name, or a manifest file to take the name from' }),
  };
  static override flags = {
    all: Flags.boolean({ description: 'Undeploy every deployed application', default: false }),
    orphan: Flags.boolean({
      description: 'Leave the running resources in place (non-destructive undeploy)',
      default: false,
    }),
    ...waitFlags,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(AppUndeploy);
    if (flags.all === (args.name !== undefined)) throw new UsageError('give either an application NAME or --all');
    const { appNameOf } = await import('../../wadm/client/manifest-source.js');
    const given = args.name === undefined ? undefined : await appNameOf(args.name);
    const names = await this.withWadm(
      flags,
      given ? `Undeploying ${given} ...` : 'Undeploying every application ...',
      async (ctx) => {
        const targets = given
          ? [given]
          : (await ctx.client.list()).filter((m) => m.deployed_version !== null).map((m) => m.name);
        const done: string[] = [];
        for (const name of targets) {
          await this.requestAndWait(ctx, name, 'undeployed', flags, async () => {
            const r = await ctx.client.undeploy(name, { orphan: flags.orphan });
            if (r.result === 'notfound')
              throw new UserError(`application ${name} not found`, {
                suggestion: 'list the stored applications with `wash app list`',
              });
            return r;
          });
          done.push(name);
        }
        return done;
      },
    );
    // wash 0.43's texts (scripts read "results").
    const results =
      names.length === 0
        ? 'No applications undeployed'
        : names.length === 1
          ? `Undeployed application: ${names[0]}`
          : `Undeployed [${names.length}] applications`;
    this.emit({ results, undeployed_application_names: names }, results);
  }
}
