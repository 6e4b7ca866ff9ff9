import * as Flags from '@oclif/core/flags';
import { connectionFlags } from '../cli/connection-flags.js';
import { loadContext, resolveConnection } from '../lattice/options.js';
import { WashCommand } from '../output/command.js';
import type { DownResult, PurgeChoice } from '../up/run-down.js';

function downText(r: DownResult): string {
  const lines: string[] = [];
  if (r.hosts_stopped.length === 0) lines.push('No host was running');
  for (const id of r.hosts_stopped) lines.push(`Stopped host ${id}`);
  if (r.hosts_remaining.length) lines.push(`Hosts still running: ${r.hosts_remaining.join(', ')} (wadm and NATS left running)`);
  if (r.wadm_stopped) lines.push('Stopped wadm');
  if (r.nats_stopped) lines.push('Stopped NATS');
  if (r.purged.length) lines.push(`Deleted JetStream streams: ${r.purged.join(', ')}`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

export default class Down extends WashCommand {
  static override summary = 'Stop the local lattice `wash up` started: hosts (gracefully), wadm, and NATS if wash started it';
  static override description = `Asks each host to stop over the control interface (host.stop) and waits for it to exit; a local host that does not is sent SIGTERM, then SIGKILL. Once no host of the lattice remains, the wash up supervisor (which runs wadm) is stopped, then nats-server if wash started it — a NATS server you run yourself is left alone. Stale pid files (process gone, or its pid now used by another program) are removed and never acted on.

Several hosts of other origins on the lattice need --host-id or --all. Without --ctl-host/--ctl-port, the NATS server recorded by \`wash up\` is used.`;
  static override examples = [
    '<%= config.bin %> down',
    '<%= config.bin %> down -o json',
    '<%= config.bin %> down --all',
    '<%= config.bin %> down --host-id NB2XK…',
    '<%= config.bin %> down --purge-jetstream all',
    '<%= config.bin %> down --lattice dev --ctl-port 4333',
  ];

  static override flags = {
    ...connectionFlags,
    'host-id': Flags.string({ description: 'Stop only this host (56-character id starting with N)' }),
    all: Flags.boolean({ description: 'Stop every host of the lattice', default: false, exclusive: ['host-id'] }),
    'purge-jetstream': Flags.string({
      aliases: ['flush-jetstream'],
      options: ['none', 'all', 'wadm', 'wasmcloud'],
      default: 'none',
      description: 'Also delete JetStream data once everything is stopped: wasmcloud (lattice KV), wadm (wadm buckets and streams) or all',
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Down);
    const conn = resolveConnection(flags);
    const ctx = loadContext(flags.context) ?? {};
    const natsExplicit = flags['ctl-host'] !== undefined || flags['ctl-port'] !== undefined || ctx.ctl_host !== undefined || ctx.ctl_port !== undefined;
    const { washDown } = await import('../up/run-down.js');
    const result = await washDown(
      { conn, natsExplicit, hostId: flags['host-id'], all: flags.all, purgeJetstream: flags['purge-jetstream'] as PurgeChoice },
      { note: (m) => this.note(m) },
    );
    this.emit({ ...result }, () => downText(result));
  }
}
