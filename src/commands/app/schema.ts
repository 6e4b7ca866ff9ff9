import { WashCommand } from '../../output/command.js';

export default class AppSchema extends WashCommand {
  static override summary = 'Print the JSON Schema of application manifests';
  static override description =
    'The schema (draft-07) is generated from the same definition `wash app validate` uses. Point your editor at it, e.g. with a `# yaml-language-server: $schema=./oam.schema.json` comment. It checks structure only; the cross-field rules (links, names, secrets) need `wash app validate`.';
  static override examples = [
    '<%= config.bin %> app schema > oam.schema.json',
    '<%= config.bin %> app schema -o json',
    '<%= config.bin %> app schema | jq .definitions.LinkProperty',
  ];

  async run(): Promise<void> {
    await this.parse(AppSchema);
    const { manifestJsonSchema } = await import('../../manifest/index.js');
    const schema = await manifestJsonSchema();
    this.emit({ schema }, () => JSON.stringify(schema, null, 2));
  }
}
