import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { LatticeCommand } from '../../cli/lattice-command.js';
import { validateComponentId } from '../../lattice/validate.js';

export default class StopComponent extends LatticeCommand {
  static override summary = 'Stop a component (scale it to 0) and wait until the host reports it stopped';
  static override examples = [
    '<%= config.bin %> stop component hello',
    '<%= config.bin %> stop component hello --host-id wild-river',
    '<%= config.bin %> stop component hello --skip-wait -o json',
  ];

  static override args = {
    'component-id': Args.string({ description: 'Id of the running component', required: true }),
  };

  static override flags = {
    'host-id': Flags.string({ description: 'Host id, id prefix or friendly name (default: the only host running it)' }),
    'skip-wait': Flags.boolean({ description: 'Return once the host accepted the request', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(StopComponent);
    const componentId = validateComponentId(args['component-id'], '<component-id>');
    const { DEFAULT_COMPONENT_OPERATION_WAIT_MS, stopComponent } = await import('../../lattice/operations.js');
    const result = await this.withLattice(flags, `Stopping component ${componentId} ...`, ({ client, progress }) =>
      stopComponent(client, {
        componentId,
        hostId: flags['host-id'],
        skipWait: flags['skip-wait'],
        waitTimeoutMs: flags['timeout-ms'] ?? DEFAULT_COMPONENT_OPERATION_WAIT_MS,
        progress,
      }),
    );
    this.emit(result, result.result);
  }
}
