import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { LatticeCommand } from '../../cli/lattice-command.js';
import { parseKeyValues, resolveImageRef, validateComponentId, validateSubjectToken } from '../../lattice/validate.js';

export default class StartProvider extends LatticeCommand {
  static override summary =
    'Start a capability provider on a host (auctioned when no --host-id) and wait until it runs';
  static override examples = [
    '<%= config.bin %> start provider ghcr.io/wasmcloud/http-server:0.23.0 http-server',
    '<%= config.bin %> start provider ghcr.io/wasmcloud/keyvalue-redis:0.28.1 kvredis -c zone=us-east-1 --config redis-defaults',
    '<%= config.bin %> start provider wasmcloud+builtin://keyvalue-inmemory kvmem',
    '<%= config.bin %> start provider ghcr.io/wasmcloud/blobstore-fs:0.10.1 blobfs   # then: wash config put files ROOT=/srv/blobs; wash link put app blobfs wasi blobstore --interface blobstore --target-config files',
    '<%= config.bin %> start provider ./build/my-provider.par.gz my-provider --host-id wild-river',
    '<%= config.bin %> start provider ./providers/greeter greeter --config greeter-settings   # an executable, e.g. a TypeScript provider (wash runProvider); the host needs --allow-file-load',
    '<%= config.bin %> start provider ghcr.io/wasmcloud/http-server:0.23.0 http-server --skip-wait -o json',
  ];

  static override args = {
    'provider-ref': Args.string({
      description:
        'Image reference (OCI), or path of a provider executable or provider archive (.par.gz: the host extracts the executable for its machine); the wash host runs file:// providers as supervised processes',
      required: true,
    }),
    'provider-id': Args.string({
      description: 'Unique id for the provider (letters, digits, "_" and "-")',
      required: true,
    }),
  };

  static override flags = {
    'host-id': Flags.string({
      description: 'Host id, id prefix or friendly name; without it the provider is auctioned',
    }),
    'link-name': Flags.string({
      char: 'l',
      description: 'Link name (accepted for compatibility with wash v1; unused by v1 hosts)',
      default: 'default',
    }),
    constraint: Flags.string({
      char: 'c',
      description: 'Auction constraint label=value (repeatable; ignored with --host-id)',
      multiple: true,
    }),
    'auction-timeout-ms': Flags.integer({ description: 'How long to wait for auction replies', default: 2000, min: 1 }),
    config: Flags.string({ description: 'Named configuration for the provider (repeatable)', multiple: true }),
    'skip-wait': Flags.boolean({
      description: 'Return once the host accepted the request, without waiting for the provider to run',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const { args, flags: parsed } = await this.parse(StartProvider);
    const flags = { ...parsed, constraint: parsed.constraint ?? [], config: parsed.config ?? [] };
    const providerId = validateComponentId(args['provider-id'], '<provider-id>');
    const constraints = parseKeyValues(flags.constraint, '--constraint');
    for (const c of flags.config) validateSubjectToken(c, '--config');
    const providerRef = resolveImageRef(args['provider-ref']);
    const { DEFAULT_START_PROVIDER_WAIT_MS, startProvider } = await import('../../lattice/operations.js');
    const result = await this.withLattice(flags, `Starting provider ${providerId} ...`, ({ client, progress }) =>
      startProvider(client, {
        providerRef,
        providerId,
        hostId: flags['host-id'],
        constraints,
        auctionTimeoutMs: flags['auction-timeout-ms'],
        config: flags.config,
        skipWait: flags['skip-wait'],
        waitTimeoutMs: flags['timeout-ms'] ?? DEFAULT_START_PROVIDER_WAIT_MS,
        progress,
      }),
    );
    this.emit(result, result.result);
  }
}
