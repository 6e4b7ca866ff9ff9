/**
 * Base class of the commands that talk to a lattice: connection flags, and connect → client → close with a
 * spinner (text mode on a TTY only) that library code can update through `progress`. NATS and the clients are
 * loaded lazily so `--help` and flag errors stay fast.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { resolveConnection, type ConnectionFlagValues, type ConnectionOptions } from '../lattice/options.js';
import { WashCommand } from '../output/command.js';
import { startProgress } from '../output/progress.js';
import { connectionFlags } from './connection-flags.js';

export interface ConnectedContext<C> {
  client: C;
  conn: ConnectionOptions;
  /** Updates the spinner text (no-op in JSON mode / when piped). */
  progress: (text: string) => void;
}

export abstract class ConnectedCommand extends WashCommand {
  static override baseFlags = { ...WashCommand.baseFlags, ...connectionFlags };

  /** Connects to the lattice, makes a client, runs `fn` with it, and always closes the connection. */
  protected async withClient<C, T>(
    flags: ConnectionFlagValues,
    spinnerText: string,
    makeClient: (nc: NatsConnection, conn: ConnectionOptions) => Promise<C>,
    fn: (ctx: ConnectedContext<C>) => Promise<T>,
  ): Promise<T> {
    const conn = resolveConnection(flags);
    const { connectLattice } = await import('../lattice/connect.js');
    const progress = await startProgress(this.mode, spinnerText);
    let nc: NatsConnection | undefined;
    try {
      nc = await connectLattice(conn);
      return await fn({ client: await makeClient(nc, conn), conn, progress: (t) => progress.update(t) });
    } finally {
      progress.stop();
      await nc?.close().catch(() => undefined);
    }
  }
}
