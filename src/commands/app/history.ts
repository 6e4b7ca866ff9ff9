import * as Args from '@oclif/core/args';
import { UserError } from '../../errors.js';
import { WadmCommand } from '../../cli/wadm-command.js';

export default class AppHistory extends WadmCommand {
  static override summary = 'List the stored versions of an application (oldest first) and which one is deployed';
  static override description =
    'JSON: {"revisions": [{"version", "deployed"}], "deploy_history": [{"version", "deployed_at"}], "success": true}. Versions are in the order they were stored, not semver order. deploy_history is only known to the wash wadm (`wash wadm`); it is [] with Rust wadm.';
  static override examples = [
    '<%= config.bin %> app history hello',
    '<%= config.bin %> app history hello -o json',
    "<%= config.bin %> app history hello -o json | jq -r '.revisions[] | select(.deployed) | .version'",
  ];
  static override args = {
    name: Args.string({ description: 'Application name', required: true }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(AppHistory);
    const name = args.name;
    const reply = await this.withWadm(flags, `Retrieving versions of ${name} ...`, (ctx) => ctx.client.versions(name));
    if (reply.result === 'notfound')
      throw new UserError(`application ${name} not found`, {
        suggestion: 'list the stored applications with `wash app list`',
      });
    const { historyText } = await import('../../cli/app-render.js');
    const history = reply.deploy_history ?? [];
    this.emit({ revisions: reply.versions ?? [], deploy_history: history }, () =>
      historyText(name, reply.versions ?? [], history),
    );
  }
}
