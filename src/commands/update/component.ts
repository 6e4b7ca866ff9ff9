import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { LatticeCommand } from '../../cli/lattice-command.js';
import { resolveImageRef, validateComponentId } from '../../lattice/validate.js';

export default class UpdateComponent extends LatticeCommand {
  static override summary = 'Replace a running component with a new image reference, keeping its id and scale';
  static override examples = [
    '<%= config.bin %> update component hello ghcr.io/wasmcloud/components/http-hello-world-rust:0.2.0',
    '<%= config.bin %> update component hello ./build/hello_s.wasm --host-id wild-river',
    '<%= config.bin %> update component api ghcr.io/acme/api:1.3.0 -o json',
  ];

  static override args = {
    'component-id': Args.string({ description: 'Id of the running component', required: true }),
    'new-component-ref': Args.string({ description: 'New image reference (OCI) or path', required: true }),
  };

  static override flags = {
    'host-id': Flags.string({ description: 'Host id, id prefix or friendly name (default: the only host running it)' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(UpdateComponent);
    const componentId = validateComponentId(args['component-id'], '<component-id>');
    const newComponentRef = resolveImageRef(args['new-component-ref']);
    const { updateComponent } = await import('../../lattice/operations.js');
    const result = await this.withLattice(flags, `Updating component ${componentId} ...`, ({ client }) =>
      updateComponent(client, { componentId, newComponentRef, hostId: flags['host-id'] }),
    );
    this.emit(result, result.result);
  }
}
