import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { UserError } from '../../errors.js';
import { waitFlags, WadmCommand } from '../../cli/wadm-command.js';

export default class AppRollback extends WadmCommand {
  static override summary = 'Deploy the version of an application that was deployed before the current one';
  static override description = [
    'The target is the version deployed before the current deploy, taken from the deploy history `wash wadm` keeps (key "wash_deploy_history" in the app record, which Rust wadm ignores); rolling back twice therefore returns to where you started. Without a history (Rust wadm, or records it wrote) the target is the version stored just before the deployed one. --to picks the version explicitly.',
    'JSON: {"deployed": true, "model_name", "model_version", "previous_version", "basis": "deploy-history"|"insertion-order"|"requested", "status"? (with --wait), "success": true}.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> app rollback hello',
    '<%= config.bin %> app rollback hello --to v0.0.1',
    '<%= config.bin %> app rollback hello --wait --wait-timeout-ms 60000',
    '<%= config.bin %> app rollback hello -o json',
  ];
  static override args = {
    name: Args.string({ description: 'Application name', required: true }),
  };
  static override flags = {
    to: Flags.string({ description: 'Version to roll back to (default: the previously deployed version)' }),
    ...waitFlags,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(AppRollback);
    const name = args.name;
    const { plan, result, status } = await this.withWadm(flags, `Rolling back ${name} ...`, async (ctx) => {
      const versions = await ctx.client.versions(name);
      if (versions.result === 'notfound')
        throw new UserError(`application ${name} not found`, {
          suggestion: 'list the stored applications with `wash app list`',
        });
      const { rollbackTarget } = await import('../../wadm/client/rollback.js');
      const plan = rollbackTarget(name, versions.versions ?? [], versions.deploy_history, flags.to);
      ctx.progress(`Deploying ${name} ${plan.target} (was ${plan.from}) ...`);
      const { result, status } = await this.requestAndWait(ctx, name, 'deployed', flags, () =>
        ctx.client.deploy(name, plan.target),
      );
      return { plan, result, status };
    });
    this.emit(
      {
        deployed: true,
        model_name: name,
        model_version: result.version ?? plan.target,
        previous_version: plan.from,
        basis: plan.basis,
        ...(status ? { status } : {}),
      },
      `Rolled ${name} back from ${plan.from} to ${plan.target}${status ? `: ${status.status.type}` : ' (acknowledged)'}`,
    );
  }
}
