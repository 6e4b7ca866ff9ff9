/** Base class of the lattice (ctl v1) commands: `withLattice` hands `fn` a connected `CtlClient`. */
import type { CtlClient } from '../lattice/ctl-client.js';
import type { ConnectionFlagValues } from '../lattice/options.js';
import { ConnectedCommand, type ConnectedContext } from './connected-command.js';

export type LatticeContext = ConnectedContext<CtlClient>;

export abstract class LatticeCommand extends ConnectedCommand {
  /** Connects to the lattice, runs `fn` with a ctl client, and always closes the connection. */
  protected withLattice<T>(
    flags: ConnectionFlagValues,
    spinnerText: string,
    fn: (ctx: LatticeContext) => Promise<T>,
  ): Promise<T> {
    return this.withClient(
      flags,
      spinnerText,
      async (nc, conn) => (await import('../lattice/ctl-client.js')).CtlClient.fromConnection(nc, conn),
      fn,
    );
  }
}
