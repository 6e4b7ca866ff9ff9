import * as Flags from '@oclif/core/flags';
import { UsageError } from '../../errors.js';
import { WashCommand } from '../../output/command.js';

export default class New extends WashCommand {
  static override summary = 'Create a project from a template (see `wash new component`)';
  static override description = 'With --list, shows the templates `wash new component <name> --template <t>` can use.';
  static override examples = [
    '<%= config.bin %> new --list',
    '<%= config.bin %> new --list -o json',
    '<%= config.bin %> new component hello --template hello-world-typescript',
  ];
  static override flags = {
    list: Flags.boolean({ description: 'List the available templates', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(New);
    if (!flags.list)
      throw new UsageError('nothing to do', {
        suggestion: 'run `wash new --list` to see the templates, or `wash new component <name> --template <t>`',
      });
    const { listTemplates } = await import('../../dev/templates.js');
    const templates = listTemplates().map(({ name, language, description }) => ({ name, language, description }));
    const width = Math.max(...templates.map((t) => t.name.length));
    this.emit({ templates }, () =>
      [
        'Templates (wash new component <name> --template <template>):',
        ...templates.map((t) => `  ${t.name.padEnd(width)}  ${t.language.padEnd(10)}  ${t.description}`),
      ].join('\n'),
    );
  }
}
