import * as Flags from '@oclif/core/flags';
import { connectionFlags } from '../cli/connection-flags.js';
import { resolveConnection, natsUrl } from '../lattice/options.js';
import { WashCommand } from '../output/command.js';
import { UserError } from '../errors.js';
import type { NatsServerAddress } from '../wadm/engine/process.js';

export default class Wadm extends WashCommand {
  static override summary = 'Run wadm (API server and reconciliation engine) in the foreground for existing lattices';
  static override description =
    `Serves the wadm API (wadm.api.{lattice}.model.*) and reconciles deployed applications against the hosts of each lattice, until Ctrl+C or SIGTERM. Connects like the other lattice commands (--ctl-host/--ctl-port, contexts, credentials), or to wadm's own --nats-server / WADM_NATS_SERVER address (host:port, user:pass@host:port honoured).

Several wadm processes may serve the same lattice: API requests are shared, and only the lease holder of a lattice reconciles it (another takes over within a few seconds if it stops). Logs go to stderr; with -o json one document is printed when it stops.`;
  static override examples = [
    '<%= config.bin %> wadm',
    '<%= config.bin %> wadm --lattice default --lattice staging',
    '<%= config.bin %> wadm --nats-server 10.0.0.5:4222',
    'WADM_NATS_SERVER=user:secret@nats.internal:4222 <%= config.bin %> wadm --lattice prod',
    '<%= config.bin %> wadm --ctl-credsfile ./wadm.creds --js-domain core --log-level debug',
    '<%= config.bin %> wadm --mirror-state -o json',
    '<%= config.bin %> wadm --nats-server nats-a.internal:4222 --js-replicas 3',
  ];

  static override flags = {
    ...connectionFlags,
    lattice: Flags.string({
      char: 'x',
      aliases: ['lattice-prefix'],
      env: 'WASMCLOUD_LATTICE',
      multiple: true,
      description:
        'Lattice to manage (repeatable; WASMCLOUD_LATTICE may hold a comma-separated list) [default: default]',
      helpGroup: 'CONNECTION',
    }),
    'nats-server': Flags.string({
      env: 'WADM_NATS_SERVER',
      description: 'NATS address as wadm takes it: host:port, user:pass@ honoured (overrides --ctl-host/--ctl-port)',
      helpGroup: 'CONNECTION',
    }),
    'log-level': Flags.option({
      options: ['debug', 'info', 'warn', 'error'] as const,
      default: 'info',
      env: 'WADM_LOG_LEVEL',
      description: 'Least severe log level printed on stderr',
    })(),
    'js-replicas': Flags.integer({
      env: 'WADM_JS_REPLICAS',
      description:
        'JetStream replicas of the buckets and streams wadm creates (3 on a 3-node NATS cluster) [default: 1]',
    }),
    'mirror-state': Flags.boolean({
      default: false,
      description: 'Also keep the observed lattice state in KV wadm_state (Rust wadm’s layout) for inspection',
    }),
    'lease-ttl-ms': Flags.integer({ hidden: true, description: 'Leadership lease time-to-live' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Wadm);
    const lattices = [...new Set(flags.lattice ?? [])];
    const conn = resolveConnection({ ...flags, lattice: lattices[0] });
    if (lattices.length === 0) lattices.push(conn.lattice);
    const jsDomain = flags['js-domain'] ?? process.env.WADM_JETSTREAM_DOMAIN ?? conn.jsDomain;
    const { checkJsReplicas } = await import('../lattice/js-replicas.js');
    const jsReplicas = checkJsReplicas(flags['js-replicas']);

    const [{ natsConnect }, { startWadm }, { parseNatsServerAddress, stderrLog }] = await Promise.all([
      import('../lattice/connect.js'),
      import('../wadm/index.js'),
      import('../wadm/engine/process.js'),
    ]);
    // WADM_NATS_SERVER overrides --ctl-host/--ctl-port from the environment or a context, but not ones given here.
    const server = this.flagSources.yieldsTo('nats-server', ['ctl-host', 'ctl-port'])
      ? undefined
      : flags['nats-server'];
    const address: NatsServerAddress = parseNatsServerAddress(server ?? natsUrl(conn));
    const log = stderrLog(flags['log-level']);
    const { logUnexpectedRejections } = await import('../output/process-guard.js');
    logUnexpectedRejections((m) => log('error', m));
    const nc = await natsConnect(
      address.url,
      {
        user: address.user ?? conn.ctlUser,
        pass: address.pass ?? conn.ctlPassword,
        jwt: conn.ctlJwt,
        seed: conn.ctlSeed,
        credsfile: conn.ctlCredsfile,
        tlsCaFile: conn.ctlTlsCaFile,
        tlsFirst: conn.ctlTlsFirst,
      },
      { name: 'wash-wadm', maxReconnectAttempts: -1, noAsyncTraces: true },
    );

    let wadm: Awaited<ReturnType<typeof startWadm>> | undefined;
    const stop = new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    try {
      wadm = await startWadm(nc, {
        lattices,
        jsDomain,
        jsReplicas,
        ctlTopicPrefix: conn.ctlTopicPrefix,
        log,
        engine: {
          mirrorState: flags['mirror-state'],
          ...(flags['lease-ttl-ms'] ? { leaseTtlMs: flags['lease-ttl-ms'] } : {}),
        },
      });
      await wadm.ready;
      const leading = wadm.engines.filter((e) => e.isLeader()).map((e) => e.lattice);
      log(
        'info',
        `wadm serving lattice(s) ${lattices.join(', ')} on ${address.url}${leading.length ? `; reconciling ${leading.join(', ')}` : '; another wadm reconciles for now'}`,
      );
      const lost = nc.closed().then((err) => ({ lost: err ?? undefined }));
      const outcome = await Promise.race([stop, lost]);
      if (typeof outcome !== 'string') {
        throw new UserError(
          `lost the NATS connection to ${address.url}${outcome.lost ? `: ${outcome.lost.message}` : ''}`,
          { suggestion: 'check that the NATS server is running, then start wadm again' },
        );
      }
      log('info', `${outcome}: stopping wadm`);
    } finally {
      await wadm?.close();
      await nc.close().catch(() => undefined);
    }
    this.emit({ lattices, nats_server: address.url, stopped: true }, 'wadm stopped');
  }
}
