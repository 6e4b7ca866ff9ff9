import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { UserError } from '../../errors.js';
import { LatticeCommand } from '../../cli/lattice-command.js';
import { validateComponentId } from '../../lattice/validate.js';

export default class LinkDel extends LatticeCommand {
  static override summary = 'Delete a link (or, with --all --force, every link of the lattice)';
  static override aliases = ['link:delete'];
  static override examples = [
    '<%= config.bin %> link del http-server wasi http',
    '<%= config.bin %> link del hello wasi keyvalue --link-name cache -o json',
    '<%= config.bin %> link delete --all --force',
  ];

  static override args = {
    'source-id': Args.string({ description: 'Id of the component or provider the link starts from' }),
    'wit-namespace': Args.string({ description: 'WIT namespace of the link' }),
    'wit-package': Args.string({ description: 'WIT package of the link' }),
  };

  static override flags = {
    'link-name': Flags.string({
      char: 'l',
      description: 'Link name (default "default"; required when several links match)',
    }),
    all: Flags.boolean({ description: 'Delete every link in the lattice', default: false }),
    force: Flags.boolean({ description: 'Confirm a risky operation such as --all', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(LinkDel);
    const ops = await import('../../lattice/operations.js');
    if (flags.all) {
      if (!flags.force)
        throw new UserError('--all deletes every link in the lattice; add --force to confirm', {
          suggestion: 'wash link del --all --force',
        });
      const deleted = await this.withLattice(flags, 'Deleting links ...', ({ client, progress }) =>
        ops.deleteAllLinks(client, progress),
      );
      this.emit({ deleted }, `Deleted all links (${deleted.length}) successfully`);
      return;
    }
    const missing = (['source-id', 'wit-namespace', 'wit-package'] as const).filter((k) => args[k] === undefined);
    if (missing.length)
      throw new UserError(`missing ${missing.map((m) => `<${m}>`).join(', ')}`, {
        suggestion: 'wash link del <source-id> <wit-namespace> <wit-package> [--link-name name], or --all --force',
      });
    const sourceId = validateComponentId(args['source-id']!, '<source-id>');
    const req = await this.withLattice(
      flags,
      `Deleting link for ${sourceId} on ${args['wit-namespace']}:${args['wit-package']} ...`,
      ({ client }) =>
        ops.deleteLink(client, {
          sourceId,
          witNamespace: args['wit-namespace']!,
          witPackage: args['wit-package']!,
          linkName: flags['link-name'],
        }),
    );
    this.emit(
      { source_id: req.source_id, wit_namespace: req.wit_namespace, wit_package: req.wit_package, link_name: req.name },
      `Deleted link for ${req.source_id} on ${req.wit_namespace}:${req.wit_package} (${req.name}) successfully`,
    );
  }
}
