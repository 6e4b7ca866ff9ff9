import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { LatticeCommand } from '../../cli/lattice-command.js';
import { validateComponentId, validateSubjectToken } from '../../lattice/validate.js';

export default class LinkPut extends LatticeCommand {
  static override summary = 'Link a source to a target on a WIT interface (e.g. wasi:http/incoming-handler)';
  static override examples = [
    '<%= config.bin %> link put http-server hello wasi http --interface incoming-handler',
    '<%= config.bin %> link put hello kvredis wasi keyvalue --interface store --interface atomics --target-config redis-url',
    '<%= config.bin %> link put hello nats wasmcloud messaging --interface consumer --link-name secondary -o json',
  ];

  static override args = {
    'source-id': Args.string({ description: 'Id of the component or provider the link starts from', required: true }),
    target: Args.string({ description: 'Id of the component or provider the link points to', required: true }),
    'wit-namespace': Args.string({
      description: 'WIT namespace, e.g. "wasi" in wasi:http/incoming-handler',
      required: true,
    }),
    'wit-package': Args.string({
      description: 'WIT package, e.g. "http" in wasi:http/incoming-handler',
      required: true,
    }),
  };

  static override flags = {
    interface: Flags.string({
      description: 'Interface of the link, e.g. "incoming-handler" (repeatable)',
      aliases: ['interfaces'],
      multiple: true,
      required: true,
    }),
    'source-config': Flags.string({
      description: 'Named configuration given to the source (repeatable)',
      multiple: true,
    }),
    'target-config': Flags.string({
      description: 'Named configuration given to the target (repeatable)',
      multiple: true,
    }),
    'link-name': Flags.string({
      char: 'l',
      description: 'Link name, to tell several links on the same interface apart',
      default: 'default',
    }),
  };

  async run(): Promise<void> {
    const { args, flags: parsed } = await this.parse(LinkPut);
    const flags = {
      ...parsed,
      'source-config': parsed['source-config'] ?? [],
      'target-config': parsed['target-config'] ?? [],
    };
    const sourceId = validateComponentId(args['source-id'], '<source-id>');
    const target = validateComponentId(args.target, '<target>');
    for (const c of [...flags['source-config'], ...flags['target-config']]) validateSubjectToken(c, 'config name');
    await this.withLattice(flags, `Defining link ${sourceId} -> ${target} ...`, ({ client }) =>
      client.putLink({
        source_id: sourceId,
        target,
        name: flags['link-name'],
        wit_namespace: args['wit-namespace'],
        wit_package: args['wit-package'],
        interfaces: flags.interface,
        source_config: flags['source-config'],
        target_config: flags['target-config'],
      }),
    );
    this.emit({ source_id: sourceId, target }, `Published link (${sourceId}) -> (${target}) successfully`);
  }
}
