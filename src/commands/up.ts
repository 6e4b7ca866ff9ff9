import * as Flags from '@oclif/core/flags';
import { loadContext } from '../lattice/options.js';
import { ociHostFlags } from './host.js';
import { WashCommand } from '../output/command.js';
import { UP_DEFAULTS } from '../up/options.js';
import { upOptionsFromFlags } from '../up/settings.js';
import type { UpResult } from '../up/local-lattice.js';

const NATS = 'NATS';
const HOST = 'HOST';
const WADM = 'WADM';

function upText(r: UpResult, detached: boolean): string {
  const lines: string[] = [];
  lines.push(
    r.already_running
      ? `wasmCloud is already running on lattice ${r.lattice}`
      : `wash up completed: lattice ${r.lattice} is ready`,
  );
  lines.push(
    `  NATS      ${r.nats_url}${r.nats_started ? ` (started by wash; config ${r.nats_config}, log ${r.nats_log})` : ''}`,
  );
  for (const h of r.hosts) lines.push(`  host      ${h.id} (pid ${h.pid}, log ${h.log})`);
  const wadm = r.wadm.running
    ? r.wadm.started
      ? 'running (started by wash)'
      : 'running'
    : r.wadm.disabled
      ? 'disabled (--disable-wadm)'
      : r.wadm.error
        ? `not running: ${r.wadm.error}`
        : 'not running';
  lines.push(`  wadm      ${wadm}`);
  if (r.supervisor_pid) lines.push(`  supervisor pid ${r.supervisor_pid}, log ${r.supervisor_log}`);
  if (r.deployed_wadm_manifest_path) lines.push(`  deployed  ${r.deployed_wadm_manifest_path}`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  lines.push(
    detached || r.already_running
      ? '\nTo stop it, run "wash down"'
      : '\nPress Ctrl+C to stop the hosts, wadm and NATS (if wash started it)',
  );
  return lines.join('\n');
}

export default class Up extends WashCommand {
  static override summary = 'Start a local wasmCloud lattice: NATS (reused or started), wadm and host(s)';
  static override description =
    `Reuses a NATS server that already answers at --nats-host/--nats-port, otherwise starts nats-server -js (never downloaded: install it, or give --nats-binary). Returns only once every host has published host_started and the wadm API answers. Running it again while the lattice is up reports what is running and exits 0.

Foreground (default): host logs stream to stderr; Ctrl+C stops the hosts gracefully (they publish host_stopped), then wadm, then NATS if wash started it. With --detached a background supervisor owns everything; stop it with \`wash down\`. Pid files and logs live under the wash data dir (WASH_DATA_DIR).`;
  static override examples = [
    '<%= config.bin %> up',
    '<%= config.bin %> up -d',
    '<%= config.bin %> up -d -o json',
    '<%= config.bin %> up -d --nats-port 4333 --lattice dev',
    '<%= config.bin %> up -d --hosts 3 --label zone=a',
    '<%= config.bin %> up -d --wadm-manifest ./wadm.yaml',
    '<%= config.bin %> up --nats-connect-only --nats-host nats.internal',
    '<%= config.bin %> up -d --nats-connect-only --nats-port 4222 --js-replicas 3',
    '<%= config.bin %> up -d --nats-remote-url tls://connect.ngs.global --nats-credsfile ./user.creds',
    '<%= config.bin %> up -d --registry-mirror ghcr.io=127.0.0.1:5001 --allowed-insecure 127.0.0.1:5001',
  ];

  static override flags = {
    detached: Flags.boolean({
      char: 'd',
      aliases: ['detach'],
      description: 'Run in the background (a supervisor process owns NATS, wadm and the hosts); stop with `wash down`',
      default: false,
    }),
    supervise: Flags.string({
      hidden: true,
      description: 'internal: run as the detached supervisor for this request file',
    }),
    'nats-host': Flags.string({
      env: 'WASMCLOUD_NATS_HOST',
      description: `NATS host to connect to, or to start NATS on [default: ${UP_DEFAULTS.natsHost}]`,
      helpGroup: NATS,
    }),
    'nats-port': Flags.integer({
      env: 'WASMCLOUD_NATS_PORT',
      description: `NATS port to connect to, or to start NATS on [default: ${UP_DEFAULTS.natsPort}]`,
      helpGroup: NATS,
    }),
    'nats-connect-only': Flags.boolean({
      env: 'NATS_CONNECT_ONLY',
      description: 'Never start NATS; fail if none answers',
      default: false,
      helpGroup: NATS,
    }),
    'nats-binary': Flags.string({
      description: 'nats-server executable (else WASH_NATS_BIN, the wash downloads dir, then PATH)',
      helpGroup: NATS,
    }),
    'nats-js-domain': Flags.string({
      env: 'NATS_JS_DOMAIN',
      description: 'JetStream domain of the NATS server wash starts [default: core]',
      helpGroup: NATS,
    }),
    'nats-websocket-port': Flags.integer({
      env: 'NATS_WEBSOCKET_PORT',
      description: 'Also listen for websocket clients on this port (no TLS); off unless given',
      helpGroup: NATS,
    }),
    'nats-remote-url': Flags.string({
      env: 'NATS_REMOTE_URL',
      description: 'Start NATS as a leaf node of this remote (its errors are reported)',
      helpGroup: NATS,
    }),
    'nats-credsfile': Flags.string({
      env: 'NATS_CREDSFILE',
      description: 'Credentials for the leaf-node remote (needs --nats-remote-url)',
      helpGroup: NATS,
    }),
    'nats-config-file': Flags.string({
      env: 'NATS_CONFIG',
      description: 'Start nats-server with this config file instead of the generated one',
      helpGroup: NATS,
    }),
    lattice: Flags.string({
      char: 'x',
      aliases: ['lattice-prefix'],
      env: 'WASMCLOUD_LATTICE',
      description: `Lattice name [default: ${UP_DEFAULTS.lattice}]`,
      helpGroup: HOST,
    }),
    hosts: Flags.integer({ description: 'Number of local hosts to start', default: 1, helpGroup: HOST }),
    'host-seed': Flags.string({
      env: 'WASMCLOUD_HOST_SEED',
      description: 'nkey server seed (SN…) fixing the host id',
      helpGroup: HOST,
    }),
    label: Flags.string({
      char: 'l',
      aliases: ['labels'],
      multiple: true,
      description: 'Host label key=value (repeatable)',
      helpGroup: HOST,
    }),
    'allow-file-load': Flags.boolean({
      allowNo: true,
      helpGroup: HOST,
      description:
        'Let hosts start components from file:// references: bare = any path, =<dir,…> = only there (also WASMCLOUD_ALLOW_FILE_LOAD) [default: the current directory and the --wadm-manifest folder]',
    }),
    'allow-file-load-dirs': Flags.string({
      hidden: true,
      description: 'internal: the value form of --allow-file-load',
    }),
    'multi-local': Flags.boolean({
      description: 'Start another local host even though one is already running',
      default: false,
      helpGroup: HOST,
    }),
    'log-level': Flags.string({
      aliases: ['structured-log-level'],
      env: 'WASMCLOUD_LOG_LEVEL',
      options: ['error', 'warn', 'info', 'debug', 'trace'],
      default: 'info',
      description: 'Host log level',
      helpGroup: HOST,
    }),
    'enable-structured-logging': Flags.boolean({
      env: 'WASMCLOUD_STRUCTURED_LOGGING_ENABLED',
      description: 'Hosts log JSON lines',
      default: false,
      helpGroup: HOST,
    }),
    'host-log-path': Flags.string({
      env: 'WASMCLOUD_HOST_LOG_PATH',
      description: 'Log file of the host [default: <logs dir>/wasmcloud.log]',
      helpGroup: HOST,
    }),
    'host-path': Flags.string({
      env: 'WASMCLOUD_HOST_PATH',
      description: 'Run this host executable (configured through WASMCLOUD_* variables) instead of `wash host`',
      helpGroup: HOST,
    }),
    'max-execution-time-ms': Flags.integer({
      aliases: ['max-time-ms'],
      env: 'WASMCLOUD_MAX_EXECUTION_TIME_MS',
      description: 'Longest a component invocation may run',
      helpGroup: HOST,
    }),
    'wasmcloud-js-domain': Flags.string({
      env: 'WASMCLOUD_JS_DOMAIN',
      description: 'JetStream domain the hosts use',
      helpGroup: HOST,
    }),
    'host-ready-timeout-ms': Flags.integer({
      description: 'How long each host may take to publish host_started',
      default: UP_DEFAULTS.hostReadyTimeoutMs,
      helpGroup: HOST,
    }),
    'disable-wadm': Flags.boolean({ description: 'Do not run wadm', default: false, helpGroup: WADM }),
    'js-replicas': Flags.integer({
      env: 'WASH_JS_REPLICAS',
      description:
        'JetStream replicas of the buckets and streams hosts and wadm create (needs a NATS cluster, e.g. --nats-connect-only to a 3-node one) [default: 1]',
      helpGroup: WADM,
    }),
    'wadm-js-domain': Flags.string({
      env: 'WADM_JS_DOMAIN',
      description: 'JetStream domain wadm uses',
      helpGroup: WADM,
    }),
    'wadm-manifest': Flags.string({
      env: 'WADM_MANIFEST',
      description: 'Deploy this application manifest once the hosts are up',
      helpGroup: WADM,
    }),
    ...ociHostFlags,
    context: Flags.string({
      env: 'WASH_CONTEXT',
      description: 'Stored context whose ctl host/port/lattice are the defaults',
    }),
    'nats-version': Flags.string({
      hidden: true,
      description: 'accepted for wash v1 compatibility; wash never downloads NATS',
    }),
    'wadm-version': Flags.string({ hidden: true, description: 'accepted for wash v1 compatibility; wadm is built in' }),
    'wasmcloud-version': Flags.string({
      hidden: true,
      description: 'accepted for wash v1 compatibility; the host is `wash host`',
    }),
    'wasmcloud-start-only': Flags.boolean({
      hidden: true,
      description: 'accepted for wash v1 compatibility (nothing is downloaded anyway)',
    }),
  };

  async run(): Promise<void> {
    const { normalizeAllowFileLoadArgv } = await import('../host/settings.js');
    const { flags } = await this.parse(Up, normalizeAllowFileLoadArgv(this.argv));
    if (flags.supervise) {
      const { runSupervisor } = await import('../up/run-up.js');
      process.exitCode = await runSupervisor(flags.supervise);
      return;
    }
    const o = upOptionsFromFlags(flags, loadContext(flags.context) ?? {});
    for (const f of ['nats-version', 'wadm-version', 'wasmcloud-version'] as const) {
      if (flags[f]) this.note(`--${f} is ignored: wash never downloads NATS, wadm or the host`);
    }
    const run = await import('../up/run-up.js');
    const note = (m: string) => this.note(m);
    if (o.detached) {
      const result = await run.upDetached(o, { note });
      this.emit({ ...result }, () => upText(result, true));
      return;
    }
    const hostOutput = this.json
      ? undefined
      : (i: number, _id: string, line: string) => process.stderr.write(`[host${o.hosts > 1 ? ` ${i}` : ''}] ${line}\n`);
    const { logUnexpectedRejections } = await import('../output/process-guard.js');
    logUnexpectedRejections((m) => process.stderr.write(`wash up: ${m}\n`));
    const fg = await run.upForeground(o, { note, hostOutput });
    this.emit({ ...fg.result }, () => upText(fg.result, false));
    const code = await fg.untilStopped();
    if (code !== 0) process.exitCode = code;
  }
}
