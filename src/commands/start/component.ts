import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { LatticeCommand } from '../../cli/lattice-command.js';
import { parseKeyValues, resolveImageRef, validateComponentId, validateSubjectToken } from '../../lattice/validate.js';

export default class StartComponent extends LatticeCommand {
  static override summary = 'Start a component on a host (auctioned when no --host-id) and wait until it runs';
  static override examples = [
    '<%= config.bin %> start component ghcr.io/wasmcloud/components/http-hello-world-rust:0.1.0 hello',
    '<%= config.bin %> start component ./build/hello_s.wasm hello --max-instances 10',
    '<%= config.bin %> start component ghcr.io/acme/api:1.2.0 api -c zone=us-east-1 --config api-settings',
    '<%= config.bin %> start component ghcr.io/acme/api:1.2.0 api --host-id wild-river --skip-wait -o json',
  ];

  static override args = {
    'component-ref': Args.string({ description: 'Image reference (OCI) or path of the component', required: true }),
    'component-id': Args.string({
      description: 'Unique id for the component (letters, digits, "_" and "-")',
      required: true,
    }),
  };

  static override flags = {
    'host-id': Flags.string({
      description: 'Host id, id prefix or friendly name; without it the component is auctioned',
    }),
    'max-instances': Flags.integer({
      description: 'Maximum concurrent instances',
      aliases: ['max-concurrent', 'max', 'count'],
      default: 1,
      min: 1,
    }),
    constraint: Flags.string({
      char: 'c',
      description: 'Auction constraint label=value (repeatable; ignored with --host-id)',
      multiple: true,
    }),
    'auction-timeout-ms': Flags.integer({ description: 'How long to wait for auction replies', default: 2000, min: 1 }),
    'skip-wait': Flags.boolean({
      description: 'Return once the host accepted the request, without waiting for the component to run',
      default: false,
    }),
    config: Flags.string({ description: 'Named configuration for the component (repeatable)', multiple: true }),
    'allow-update': Flags.boolean({
      description: 'Update the component if it already runs with a different reference',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const { args, flags: parsed } = await this.parse(StartComponent);
    const flags = { ...parsed, constraint: parsed.constraint ?? [], config: parsed.config ?? [] };
    const componentId = validateComponentId(args['component-id'], '<component-id>');
    const constraints = parseKeyValues(flags.constraint, '--constraint');
    for (const c of flags.config) validateSubjectToken(c, '--config');
    const componentRef = resolveImageRef(args['component-ref']);
    const { DEFAULT_START_COMPONENT_WAIT_MS, startComponent } = await import('../../lattice/operations.js');
    const { warning, ...result } = await this.withLattice(
      flags,
      `Starting component ${componentId} ...`,
      ({ client, progress }) =>
        startComponent(client, {
          componentRef,
          componentId,
          hostId: flags['host-id'],
          maxInstances: flags['max-instances'],
          constraints,
          auctionTimeoutMs: flags['auction-timeout-ms'],
          config: flags.config,
          allowUpdate: flags['allow-update'],
          skipWait: flags['skip-wait'],
          waitTimeoutMs: flags['timeout-ms'] ?? DEFAULT_START_COMPONENT_WAIT_MS,
          progress,
        }),
    );
    if (warning) this.note(`warning: ${warning}`);
    this.emit(result, result.result);
  }
}
