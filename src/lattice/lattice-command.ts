/**
 * Base class of the lattice commands: connection flags, connect → `CtlClient` → close, and a spinner
 * (text mode on a TTY only) that library code can update through `progress`. NATS and the ctl client are
 * loaded lazily so `--help` and flag errors stay fast.
 */
import { WashCommand } from '../output/command.js';
import { startProgress } from '../output/progress.js';
import type { CtlClient } from './ctl-client.js';
import { connectionFlags, resolveConnection, type ConnectionFlagValues, type ConnectionOptions } from './options.js';

export interface LatticeContext {
  client: CtlClient;
  conn: ConnectionOptions;
  /** Updates the spinner text (no-op in JSON mode / when piped). */
  progress: (text: string) => void;
}

export abstract class LatticeCommand extends WashCommand {
  static override baseFlags = { ...WashCommand.baseFlags, ...connectionFlags };

  /** Connects to the lattice, runs `fn` with a ctl client, and always closes the connection. */
  protected async withLattice<T>(flags: ConnectionFlagValues, spinnerText: string, fn: (ctx: LatticeContext) => Promise<T>): Promise<T> {
    const conn = resolveConnection(flags);
    const [{ connectLattice }, { CtlClient }] = await Promise.all([import('./connect.js'), import('./ctl-client.js')]);
    const progress = await startProgress(this.mode, spinnerText);
    let nc: Awaited<ReturnType<typeof connectLattice>> | undefined;
    try {
      nc = await connectLattice(conn);
      return await fn({ client: CtlClient.fromConnection(nc, conn), conn, progress: (t) => progress.update(t) });
    } finally {
      progress.stop();
      await nc?.close().catch(() => undefined);
    }
  }
}
