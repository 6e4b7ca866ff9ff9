import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { LatticeCommand } from '../../cli/lattice-command.js';
import { validateComponentId } from '../../lattice/validate.js';

export default class StopProvider extends LatticeCommand {
  static override summary = 'Stop a capability provider and wait until the host reports it stopped';
  static override examples = [
    '<%= config.bin %> stop provider http-server',
    '<%= config.bin %> stop provider http-server --host-id wild-river',
    '<%= config.bin %> stop provider kvredis --skip-wait -o json',
  ];

  static override args = {
    'provider-id': Args.string({ description: 'Id of the running provider', required: true }),
  };

  static override flags = {
    'host-id': Flags.string({ description: 'Host id, id prefix or friendly name (default: the only host running it)' }),
    'skip-wait': Flags.boolean({ description: 'Return once the host accepted the request', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(StopProvider);
    const providerId = validateComponentId(args['provider-id'], '<provider-id>');
    const { DEFAULT_COMPONENT_OPERATION_WAIT_MS, stopProvider } = await import('../../lattice/operations.js');
    const result = await this.withLattice(flags, `Stopping provider ${providerId} ...`, ({ client, progress }) =>
      stopProvider(client, {
        providerId,
        hostId: flags['host-id'],
        skipWait: flags['skip-wait'],
        waitTimeoutMs: flags['timeout-ms'] ?? DEFAULT_COMPONENT_OPERATION_WAIT_MS,
        progress,
      }),
    );
    this.emit(result, result.result);
  }
}
