import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { WashCommand } from '../../output/command.js';

export default class NewComponent extends WashCommand {
  static override summary = 'Create a component project from a template';
  static override description =
    'Copies the template into ./<name> (or --path/<name>) and names the component. Then: cd <name> && wash dev.';
  static override examples = [
    '<%= config.bin %> new component hello --template hello-world-typescript',
    '<%= config.bin %> new component counter --template keyvalue-counter-typescript --path ./apps',
    '<%= config.bin %> new component hello -t hello-world-javascript -o json',
  ];
  static override args = {
    name: Args.string({
      description: 'Project (and component) name: lower-case letters, digits, dashes',
      required: true,
    }),
  };
  static override flags = {
    template: Flags.string({
      char: 't',
      aliases: ['template-name'],
      description: 'Template to use (`wash new --list`)',
      default: 'hello-world-typescript',
    }),
    path: Flags.string({ description: 'Directory to create the project in [default: current directory]' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(NewComponent);
    const { createProject } = await import('../../dev/templates.js');
    const { projectDir, files } = createProject({
      name: args.name,
      template: flags.template,
      parentDir: flags.path ?? process.cwd(),
    });
    this.emit(
      { project_path: projectDir, template: flags.template, files },
      `Created ${projectDir} from ${flags.template}\n\nNext:\n  cd ${projectDir}\n  wash dev`,
    );
  }
}
