import * as Flags from '@oclif/core/flags';
import { ociTlsCaFileFlag } from '../cli/oci-flags.js';
import { UserError } from '../errors.js';
import { WashCommand } from '../output/command.js';

const NATS = 'NATS';
const CTL = 'CONTROL CONNECTION';
const RPC = 'RPC CONNECTION';
const LIMITS = 'LIMITS';
const OCI = 'OCI REGISTRIES';

function connectionFlags(kind: 'ctl' | 'rpc', group: string) {
  const env = kind.toUpperCase();
  const what = kind === 'ctl' ? 'control interface' : 'RPC';
  return {
    [`${kind}-host`]: Flags.string({
      env: `WASMCLOUD_${env}_HOST`,
      description: `NATS host for the ${what} connection [default: --nats-host]`,
      helpGroup: group,
    }),
    [`${kind}-port`]: Flags.integer({
      env: `WASMCLOUD_${env}_PORT`,
      description: `NATS port for the ${what} connection [default: --nats-port]`,
      helpGroup: group,
    }),
    [`${kind}-jwt`]: Flags.string({
      env: `WASMCLOUD_${env}_JWT`,
      description: `JWT for the ${what} connection (with --${kind}-seed)`,
      helpGroup: group,
    }),
    [`${kind}-seed`]: Flags.string({
      env: `WASMCLOUD_${env}_SEED`,
      description: `nkey seed for the ${what} connection`,
      helpGroup: group,
    }),
    [`${kind}-credsfile`]: Flags.string({
      env: `WASMCLOUD_${env}_CREDS`,
      description: `NATS credentials file for the ${what} connection`,
      helpGroup: group,
    }),
    [`${kind}-tls`]: Flags.boolean({
      env: `WASMCLOUD_${env}_TLS`,
      description: `Require TLS for the ${what} connection`,
      helpGroup: group,
    }),
    [`${kind}-tls-ca-file`]: Flags.string({
      env: `WASMCLOUD_${env}_TLS_CA_FILE`,
      description: `CA file for TLS on the ${what} connection`,
      helpGroup: group,
    }),
    [`${kind}-tls-first`]: Flags.boolean({
      env: `WASMCLOUD_${env}_TLS_FIRST`,
      description: `TLS handshake before the NATS INFO exchange (${what})`,
      helpGroup: group,
    }),
  };
}

/** Registry flags of the host (also passed through by `wash up`). */
export const ociHostFlags = {
  'allow-latest': Flags.boolean({
    env: 'WASMCLOUD_OCI_ALLOW_LATEST',
    description: "Allow OCI references tagged 'latest' (or untagged)",
    helpGroup: OCI,
  }),
  'allowed-insecure': Flags.string({
    multiple: true,
    env: 'WASMCLOUD_OCI_ALLOWED_INSECURE',
    description: 'Registry host[:port] reached over plain HTTP (repeatable or comma-separated)',
    helpGroup: OCI,
  }),
  'registry-mirror': Flags.string({
    multiple: true,
    env: 'WASMCLOUD_OCI_REGISTRY_MIRRORS',
    description:
      'Pull REGISTRY through MIRROR: REGISTRY=MIRROR[/prefix], e.g. ghcr.io=127.0.0.1:5000 (repeatable or comma-separated)',
    helpGroup: OCI,
  }),
  'oci-registry': Flags.string({
    env: 'WASMCLOUD_OCI_REGISTRY',
    description: 'Registry that --oci-user/--oci-password log in to',
    helpGroup: OCI,
  }),
  'oci-user': Flags.string({
    env: 'WASMCLOUD_OCI_REGISTRY_USER',
    description: 'User name for --oci-registry',
    helpGroup: OCI,
  }),
  'oci-password': Flags.string({
    env: 'WASMCLOUD_OCI_REGISTRY_PASSWORD',
    description: 'Password or token for --oci-registry',
    helpGroup: OCI,
  }),
  'oci-tls-ca-file': ociTlsCaFileFlag(OCI),
};

export default class Host extends WashCommand {
  static override summary = 'Run a wasmCloud host in this process (foreground) that joins a lattice over NATS';
  static override description = [
    'The wash host speaks the wasmCloud v1 control interface and lattice events, keeps lattice state in the',
    'LATTICEDATA_/CONFIGDATA_ JetStream KV buckets, and runs WebAssembly components from OCI registries',
    '(pulled once per digest into the wash cache; see the OCI REGISTRIES flags) or from file:// references',
    '(with --allow-file-load). The built-in http-server provider (wasmcloud+builtin://http-server, also started',
    'for ghcr.io/wasmcloud/http-server:* references) serves linked components over HTTP.',
    'Built-in capabilities, started for their upstream refs (ghcr.io/wasmcloud/<name>:*) or wasmcloud+builtin://<name>:',
    'keyvalue-nats (link config bucket, enable_bucket_auto_create, cluster_uri, js_domain), keyvalue-redis (URL),',
    'keyvalue-inmemory, http-client (allowed_hosts) and messaging-nats (subscriptions, cluster_uris). A component',
    'may link one package several times under',
    'distinct names; store::open("<name>") picks that link, else the default one. Every call through a link is',
    "bounded by timeout_ms in its config (default --rpc-timeout-ms) and fails as the interface's error.",
    'Blobstore: blobstore-fs (ROOT: a directory; names may not leave it) and blobstore-nats (one JetStream object',
    'store bucket per container; cluster_uri, js_domain); create-container("<name>") picks the link as above.',
    '',
    'It runs until Ctrl+C / SIGTERM or a host.stop request, then stops its components and providers, publishes',
    'host_stopped and exits. Logs go to stderr (text lines, or JSON lines with --structured-logging).',
    'With -o json, one JSON document describing the host (host_id, friendly_name, lattice, labels, ctl_host,',
    'version) is printed to stdout as soon as the host has joined the lattice; nothing else is written to stdout.',
  ].join('\n');

  static override examples = [
    {
      description: 'Join the default lattice on a local NATS (e.g. started by `wash up --nats-connect-only`)',
      command: '<%= config.bin %> host',
    },
    {
      description: 'Allow file:// components and label the host',
      command: '<%= config.bin %> host --allow-file-load -l region=eu -l tier=gold',
    },
    {
      description: 'Allow file:// components only from two directories',
      command: '<%= config.bin %> host --allow-file-load=./build,/srv/components',
    },
    {
      description: 'Another lattice on a remote NATS with credentials',
      command: '<%= config.bin %> host -x prod --nats-host nats.example.com --nats-creds ./host.creds',
    },
    {
      description: 'NATS with user/password (-r/-p as in the lattice commands; the password is never printed)',
      command: 'WASMCLOUD_NATS_PASSWORD=… <%= config.bin %> host -r wash@nats.internal -p 4222',
    },
    {
      description: 'Print the host id for scripts, log JSON lines',
      command: '<%= config.bin %> host -o json --structured-logging 2>host.log',
    },
    {
      description: 'Pull ghcr.io components through a local mirror over plain HTTP',
      command: '<%= config.bin %> host --registry-mirror ghcr.io=127.0.0.1:5001 --allowed-insecure 127.0.0.1:5001',
    },
    {
      description: 'Log in to a private registry',
      command: 'WASMCLOUD_OCI_REGISTRY_PASSWORD=$TOKEN <%= config.bin %> host --oci-registry ghcr.io --oci-user me',
    },
    {
      description: 'Pull from a registry whose HTTPS certificate comes from a private CA',
      command: '<%= config.bin %> host --oci-tls-ca-file /etc/ssl/private-ca.pem',
    },
    {
      description: 'On a 3-node NATS cluster: lattice buckets with 3 replicas',
      command: '<%= config.bin %> host --nats-url nats://nats-b.internal:4222 --js-replicas 3',
    },
    {
      description: 'Fixed host id and faster heartbeats',
      command: 'WASMCLOUD_HOST_SEED=SN... <%= config.bin %> host --heartbeat-interval 5',
    },
    {
      description: 'Keyvalue calls through links time out after 500 ms unless a link sets timeout_ms',
      command: '<%= config.bin %> host --allow-file-load --rpc-timeout-ms 500',
    },
  ];

  static override flags = {
    lattice: Flags.string({
      char: 'x',
      aliases: ['lattice-prefix'],
      env: 'WASMCLOUD_LATTICE',
      description: 'Lattice to join [default: default]',
    }),
    'host-seed': Flags.string({
      env: 'WASMCLOUD_HOST_SEED',
      description: 'nkey server seed (SN…) that fixes the host id; random when omitted',
    }),
    label: Flags.string({
      char: 'l',
      aliases: ['labels'],
      multiple: true,
      description:
        'Host label key=value (repeatable; also WASMCLOUD_LABEL_<key>=<value>); hostcore.* keys are reserved',
    }),
    'allow-file-load': Flags.boolean({
      allowNo: true,
      description:
        'Allow components from file:// references: bare = any path; --allow-file-load=<dir,…> = only inside those directories (also WASMCLOUD_ALLOW_FILE_LOAD=true|<dir,…>)',
    }),
    'allow-file-load-dirs': Flags.string({
      hidden: true,
      description: 'internal: the value form of --allow-file-load',
    }),
    'heartbeat-interval': Flags.string({
      aliases: ['heartbeat-interval-seconds'],
      env: 'WASMCLOUD_HEARTBEAT_INTERVAL',
      description: 'Seconds between host_heartbeat events (first one after one interval) [default: 30]',
    }),
    'js-domain': Flags.string({
      env: 'WASMCLOUD_JS_DOMAIN',
      description: 'JetStream domain of the lattice KV buckets',
    }),
    'js-replicas': Flags.integer({
      env: 'WASMCLOUD_JS_REPLICAS',
      description: 'JetStream replicas of the KV buckets the host creates (3 on a 3-node NATS cluster) [default: 1]',
    }),
    'ctl-topic-prefix': Flags.string({
      env: 'WASMCLOUD_CTL_TOPIC_PREFIX',
      description: 'Prefix of control interface subjects [default: wasmbus.ctl]',
    }),
    'log-level': Flags.string({
      aliases: ['structured-log-level'],
      env: 'WASMCLOUD_LOG_LEVEL',
      options: ['error', 'warn', 'info', 'debug', 'trace'],
      description: 'Log level [default: info]',
    }),
    'structured-logging': Flags.boolean({
      aliases: ['enable-structured-logging'],
      env: 'WASMCLOUD_STRUCTURED_LOGGING_ENABLED',
      description: 'Log JSON lines instead of text',
    }),
    'component-auctions': Flags.boolean({
      allowNo: true,
      env: 'WASMCLOUD_COMPONENT_AUCTION_ENABLED',
      description: 'Answer component auctions [default: true]',
    }),
    'provider-auctions': Flags.boolean({
      allowNo: true,
      env: 'WASMCLOUD_PROVIDER_AUCTION_ENABLED',
      description: 'Answer provider auctions [default: true]',
    }),
    'nats-url': Flags.string({
      description: 'NATS server URL for both connections (instead of --nats-host/--nats-port)',
      helpGroup: NATS,
    }),
    'nats-host': Flags.string({
      char: 'r',
      env: 'WASMCLOUD_NATS_HOST',
      description: 'NATS host for both connections [default: 127.0.0.1]',
      helpGroup: NATS,
    }),
    'nats-port': Flags.integer({
      char: 'p',
      env: 'WASMCLOUD_NATS_PORT',
      description: 'NATS port for both connections [default: 4222]',
      helpGroup: NATS,
    }),
    'nats-jwt': Flags.string({
      env: 'WASMCLOUD_NATS_JWT',
      description: 'JWT for both connections (with --nats-seed)',
      helpGroup: NATS,
    }),
    'nats-seed': Flags.string({
      env: 'WASMCLOUD_NATS_SEED',
      description: 'nkey seed for both connections',
      helpGroup: NATS,
    }),
    'nats-creds': Flags.string({
      aliases: ['nats-credsfile'],
      env: 'WASMCLOUD_NATS_CREDS',
      description: 'NATS credentials file for both connections',
      helpGroup: NATS,
    }),
    ...connectionFlags('ctl', CTL),
    ...connectionFlags('rpc', RPC),
    'rpc-timeout-ms': Flags.integer({
      env: 'WASMCLOUD_RPC_TIMEOUT_MS',
      description: 'RPC timeout in milliseconds [default: 2000]',
      helpGroup: RPC,
    }),
    'max-components': Flags.integer({
      env: 'WASMCLOUD_MAX_COMPONENTS',
      description: 'Most components this host runs at once [default: unlimited]',
      helpGroup: LIMITS,
    }),
    'max-linear-memory-bytes': Flags.integer({
      aliases: ['max-linear-memory'],
      env: 'WASMCLOUD_MAX_LINEAR_MEMORY',
      description: 'Linear memory limit per component instance [default: 268435456]',
      helpGroup: LIMITS,
    }),
    'max-execution-time-ms': Flags.integer({
      aliases: ['max-time-ms'],
      env: 'WASMCLOUD_MAX_EXECUTION_TIME_MS',
      description: 'Longest a request may run [default: 600000]',
      helpGroup: LIMITS,
    }),
    'max-component-size-bytes': Flags.integer({
      env: 'WASMCLOUD_MAX_COMPONENT_SIZE',
      description: 'Largest component file accepted [default: 52428800]',
      helpGroup: LIMITS,
    }),
    ...ociHostFlags,
  };

  async run(): Promise<void> {
    const { startHost, hostOptionsFromFlags, normalizeAllowFileLoadArgv } = await import('../host/index.js');
    const { flags } = await this.parse(Host, normalizeAllowFileLoadArgv(this.argv));
    const { logUnexpectedRejections } = await import('../output/process-guard.js');
    logUnexpectedRejections((m) => process.stderr.write(`${new Date().toISOString()} ERROR ${m}\n`));
    // First signal: graceful stop. A second one while stopping: default action (terminate at once). Caught from
    // before the start: `wash up` may stop a host the moment its host_started event arrives, and a signal with no
    // listener kills the process without the graceful stop (no host_stopped).
    let host: Awaited<ReturnType<typeof startHost>> | undefined;
    let stopRequested = false;
    const onSignal = (signal: NodeJS.Signals) => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      process.once(signal, () => process.kill(process.pid, signal));
      stopRequested = true;
      if (host) void host.stop({ reason: 'signal' });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      host = await startHost(hostOptionsFromFlags({ ...flags, explicit: this.flagSources.onArgv() }));
    } catch (err) {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      throw err;
    }
    if (stopRequested) void host.stop({ reason: 'signal' });

    const ping = host.ping();
    this.emit({
      host_id: host.id,
      friendly_name: host.friendlyName,
      lattice: host.lattice,
      labels: ping.labels,
      ctl_host: ping.ctl_host,
      version: ping.version,
    });

    const stopped = await host.closed;
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    if (stopped.reason === 'connection lost') {
      throw new UserError(
        `host ${host.friendlyName} lost its NATS connection and stopped${stopped.error ? `: ${stopped.error}` : ''}`,
        {
          suggestion: 'check that the NATS server is running and reachable, then start the host again',
        },
      );
    }
  }
}
