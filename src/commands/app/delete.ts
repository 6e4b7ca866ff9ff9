import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { UsageError } from '../../errors.js';
import { WadmCommand } from '../../cli/wadm-command.js';

export default class AppDelete extends WadmCommand {
  static override summary = 'Delete an application from wadm (every version, or one version)';
  static override description = [
    'Without VERSION every stored version is deleted (a deployed app is undeployed first by wadm). With VERSION only that version; if it was the deployed one the app is undeployed. NAME may also be a manifest file, whose application name is used. --all-undeployed deletes every application that is not deployed.',
    'JSON: one app: {"deleted": true, "already_deleted": true|false, "message", "success": true} ("deleted" is always true for one app, as wash 0.43 prints it; "already_deleted" says nothing was left to delete); --all-undeployed: {"deleted_applications": [{"model_name", "version"}]} ({} when there was none).',
  ].join('\n\n');
  static override aliases = ['app:del'];
  static override examples = [
    '<%= config.bin %> app delete hello',
    '<%= config.bin %> app delete hello v0.0.1',
    '<%= config.bin %> app del wadm.yaml -o json',
    '<%= config.bin %> app delete --all-undeployed',
  ];
  static override args = {
    name: Args.string({ description: 'Application name, or a manifest file to take the name from' }),
    version: Args.string({ description: 'Delete only this version' }),
  };
  static override flags = {
    'all-undeployed': Flags.boolean({
      description: 'Delete every application that has no deployed version',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(AppDelete);
    if (flags['all-undeployed']) {
      if (args.name !== undefined)
        throw new UsageError('--all-undeployed deletes every undeployed application: drop the NAME argument');
      const deleted = await this.withWadm(flags, 'Deleting undeployed applications ...', async (ctx) => {
        const idle = (await ctx.client.list()).filter((m) => m.deployed_version === null);
        const out: Array<{ model_name: string; version: string }> = [];
        for (const m of idle) {
          const r = await ctx.client.delete(m.name);
          if (r.result === 'deleted') out.push({ model_name: m.name, version: m.version });
        }
        return out;
      });
      if (deleted.length === 0) this.emit({}, 'No undeployed applications to delete');
      else this.emit({ deleted_applications: deleted }, `Deleted ${deleted.map((d) => d.model_name).join(', ')}`);
      return;
    }
    if (args.name === undefined) throw new UsageError('give an application NAME (or --all-undeployed)');
    const { appNameOf } = await import('../../wadm/client/manifest-source.js');
    const name = await appNameOf(args.name);
    const r = await this.withWadm(flags, `Deleting ${name} ...`, (ctx) => ctx.client.delete(name, args.version));
    const deleted = r.result === 'deleted';
    this.emit(
      { deleted: true, already_deleted: !deleted, message: r.message },
      deleted
        ? r.message + (r.undeploy ? ' (it is no longer deployed)' : '')
        : `Already deleted application: ${name} (${r.message})`,
    );
  }
}
