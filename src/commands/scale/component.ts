import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { LatticeCommand } from '../../cli/lattice-command.js';
import { parseKeyValues, resolveImageRef, validateComponentId, validateSubjectToken } from '../../lattice/validate.js';

const UNBOUNDED = 4294967295;

export default class ScaleComponent extends LatticeCommand {
  static override summary = 'Set how many instances of a component a host may run (0 stops it) and wait for the change';
  static override examples = [
    '<%= config.bin %> scale component wild-river ghcr.io/wasmcloud/components/http-hello-world-rust:0.1.0 hello --max-instances 50',
    '<%= config.bin %> scale component NCBAWBHRT6JNSQIYQEURM3AQZ74I6HTQRRCFMTVPC3OAX4BUTCNTYADZ ./build/hello_s.wasm hello -c 0',
    '<%= config.bin %> scale component wild-river ghcr.io/acme/api:1.3.0 api -c 5 --allow-update -a team=web',
    '<%= config.bin %> scale component wild-river ghcr.io/acme/api:1.2.0 api --skip-wait -o json',
  ];

  static override args = {
    'host-id': Args.string({ description: 'Host id, id prefix or friendly name', required: true }),
    'component-ref': Args.string({ description: 'Image reference (OCI) or path of the component', required: true }),
    'component-id': Args.string({ description: 'Id of the component', required: true }),
  };

  static override flags = {
    'max-instances': Flags.integer({
      char: 'c',
      description: 'Maximum concurrent instances (0 stops the component; default unbounded)',
      aliases: ['max-concurrent', 'max', 'count'],
      default: UNBOUNDED,
      min: 0,
      max: UNBOUNDED,
    }),
    annotations: Flags.string({
      char: 'a',
      description: 'Annotation key=value attached to the request (repeatable)',
      multiple: true,
    }),
    config: Flags.string({ description: 'Named configuration for the component (repeatable)', multiple: true }),
    'skip-wait': Flags.boolean({ description: 'Return once the host accepted the request', default: false }),
    'wait-timeout-ms': Flags.integer({
      description: 'How long to wait for the host to report the new scale',
      default: 5000,
      min: 1,
    }),
    'allow-update': Flags.boolean({
      description: 'Update the component if it runs with a different reference',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const { args, flags: parsed } = await this.parse(ScaleComponent);
    const flags = { ...parsed, annotations: parsed.annotations ?? [], config: parsed.config ?? [] };
    const componentId = validateComponentId(args['component-id'], '<component-id>');
    const annotations = parseKeyValues(flags.annotations, '--annotations');
    for (const c of flags.config) validateSubjectToken(c, '--config');
    const componentRef = resolveImageRef(args['component-ref']);
    const { scaleComponent } = await import('../../lattice/operations.js');
    const { warning, ...result } = await this.withLattice(
      flags,
      `Scaling component ${componentId} ...`,
      ({ client, progress }) =>
        scaleComponent(client, {
          host: args['host-id'],
          componentRef,
          componentId,
          maxInstances: flags['max-instances'],
          annotations,
          config: flags.config,
          allowUpdate: flags['allow-update'],
          skipWait: flags['skip-wait'],
          waitTimeoutMs: flags['wait-timeout-ms'],
          progress,
        }),
    );
    if (warning) this.note(`warning: ${warning}`);
    this.emit(result, result.result);
  }
}
