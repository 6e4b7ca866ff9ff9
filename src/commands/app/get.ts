import * as Args from '@oclif/core/args';
import { UserError } from '../../errors.js';
import { WadmCommand } from '../../cli/wadm-command.js';

export default class AppGet extends WadmCommand {
  static override summary = 'Show the manifest of a stored application (or list every application without a name)';
  static override description =
    'With a name: the latest stored version, or the given one, as YAML; JSON: {"application": Manifest, "success": true}. Without a name it is `wash app list`: {"applications": [...]}.';
  static override examples = [
    '<%= config.bin %> app get hello',
    '<%= config.bin %> app get hello v0.0.1',
    '<%= config.bin %> app get hello -o json | jq .application.spec',
    '<%= config.bin %> app get',
  ];
  static override args = {
    name: Args.string({ description: 'Application name (omit to list every application)' }),
    version: Args.string({ description: 'Version to show (default: the latest stored)' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(AppGet);
    const { appsTable } = await import('../../cli/app-render.js');
    if (args.name === undefined) {
      const apps = await this.withWadm(flags, 'Retrieving applications ...', (ctx) => ctx.client.list());
      this.emit({ applications: apps }, () => appsTable(apps));
      return;
    }
    const name = args.name;
    const manifest = await this.withWadm(flags, `Retrieving ${name} ...`, (ctx) => ctx.client.get(name, args.version));
    if (!manifest) {
      throw new UserError(
        args.version ? `application ${name} has no version ${args.version}` : `application ${name} not found`,
        {
          suggestion: args.version
            ? `list its versions with \`wash app history ${name}\``
            : 'list the stored applications with `wash app list`',
        },
      );
    }
    const { stringify } = await import('yaml');
    this.emit({ application: manifest }, () => stringify(manifest));
  }
}
