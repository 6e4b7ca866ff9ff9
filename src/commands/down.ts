import * as Flags from '@oclif/core/flags';
import { connectionFlags } from '../cli/connection-flags.js';
import { loadContext, resolveConnection } from '../lattice/options.js';
import { WashCommand } from '../output/command.js';
import { otherHostsAdvice, type PurgeChoice } from '../up/down-policy.js';
import type { DownResult } from '../up/run-down.js';

function downText(r: DownResult, lattice: string): string {
  const lines: string[] = [];
  if (r.hosts_stopped.length === 0) lines.push('No host started by `wash up` was running');
  for (const id of r.hosts_stopped) lines.push(`Stopped host ${id}`);
  const ownRemaining = r.hosts_remaining.filter((id) => !r.other_hosts.includes(id));
  if (ownRemaining.length) lines.push(`Hosts still running: ${ownRemaining.join(', ')} (wadm and NATS left running)`);
  const advice = otherHostsAdvice(lattice, r.other_hosts);
  if (advice) lines.push(advice);
  if (r.wadm_stopped) lines.push('Stopped wadm');
  if (r.nats_stopped) lines.push('Stopped NATS');
  if (r.purged.length) lines.push(`Deleted JetStream streams: ${r.purged.join(', ')}`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

export default class Down extends WashCommand {
  static override summary =
    'Stop the local lattice `wash up` started: hosts (gracefully), wadm, and NATS if wash started it';
  static override description =
    `Stops only what \`wash up\` started and recorded in the wash data dir: asks each of its hosts to stop over the control interface (host.stop) and waits for it to exit; a local host that does not is sent SIGTERM, then SIGKILL. Then the wash up supervisor (which runs wadm) stops, then nats-server if wash started it — a NATS server you run yourself is left alone. Stale pid files (process gone, or its pid now used by another program) are removed and never acted on.

Hosts that \`wash up\` did not start are never stopped unless you name them (--host-id) or ask for every host of the lattice (--all); with nothing recorded, \`wash down\` stops nothing, lists the hosts it sees and the commands that would stop them, and exits 0. --purge-jetstream deletes streams only on the NATS server \`wash up\` started, unless you name the server (--ctl-host/--ctl-port) and add --force. Without --ctl-host/--ctl-port, the NATS server recorded by \`wash up\` is used.`;
  static override examples = [
    '<%= config.bin %> down',
    '<%= config.bin %> down -o json',
    '<%= config.bin %> down --all',
    '<%= config.bin %> down --host-id NB2XK…',
    '<%= config.bin %> down --purge-jetstream all',
    '<%= config.bin %> down --ctl-port 4222 --purge-jetstream wadm --force',
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
      description:
        'Also delete JetStream data once everything is stopped: wasmcloud (lattice KV), wadm (wadm buckets and streams) or all',
    }),
    force: Flags.boolean({
      description:
        'With --purge-jetstream and a named server (--ctl-host/--ctl-port): purge even though `wash up` did not start that server',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Down);
    const conn = resolveConnection(flags);
    const ctx = loadContext(flags.context) ?? {};
    const natsExplicit =
      flags['ctl-host'] !== undefined ||
      flags['ctl-port'] !== undefined ||
      ctx.ctl_host !== undefined ||
      ctx.ctl_port !== undefined;
    const { washDown } = await import('../up/run-down.js');
    const result = await washDown(
      {
        conn,
        natsExplicit,
        hostId: flags['host-id'],
        all: flags.all,
        purgeJetstream: flags['purge-jetstream'] as PurgeChoice,
        force: flags.force,
      },
      { note: (m) => this.note(m) },
    );
    this.emit({ ...result }, () => downText(result, conn.lattice));
  }
}
