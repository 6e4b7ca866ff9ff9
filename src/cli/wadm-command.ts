/**
 * Base class of the `wash app` commands that talk to wadm: `withWadm` hands `fn` a connected `WadmClient`;
 * the shared `--wait` flags and wait/watch loops.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import * as Flags from '@oclif/core/flags';
import type { ConnectionFlagValues, ConnectionOptions } from '../lattice/options.js';
import type { WadmClient } from '../wadm/client/client.js';
import type { AppTarget } from '../wadm/client/wait.js';
import type { Status } from '../wadm/types.js';
import { ConnectedCommand, type ConnectedContext } from './connected-command.js';

export type WadmContext = ConnectedContext<WadmClient>;

export const DEFAULT_WAIT_TIMEOUT_MS = 120_000;

export const waitFlags = {
  wait: Flags.boolean({
    description:
      "Block until the application is deployed (or undeployed), showing progress; a failed status exits 1 with the failing scaler's message",
    default: false,
  }),
  'wait-timeout-ms': Flags.integer({
    description: `How long --wait waits, in milliseconds [default: ${DEFAULT_WAIT_TIMEOUT_MS}]`,
    min: 1,
  }),
};

export abstract class WadmCommand extends ConnectedCommand {
  /** Connects, runs `fn` with a wadm client, and always closes the connection. */
  protected withWadm<T>(
    flags: ConnectionFlagValues,
    spinnerText: string,
    fn: (ctx: WadmContext) => Promise<T>,
  ): Promise<T> {
    const makeClient = async (nc: NatsConnection, conn: ConnectionOptions) =>
      new (await import('../wadm/client/client.js')).WadmClient(nc, conn.lattice, { timeoutMs: conn.timeoutMs });
    return this.withClient(flags, spinnerText, makeClient, fn);
  }

  /**
   * Runs `request` and, when `wait` is set, blocks until the app reaches `target` (subscribing before the
   * request so no status update is missed). Returns the request's result and the final status.
   */
  protected async requestAndWait<T>(
    ctx: WadmContext,
    name: string,
    target: AppTarget,
    wait: { wait: boolean; 'wait-timeout-ms'?: number },
    request: () => Promise<T>,
  ): Promise<{ result: T; status?: Status }> {
    if (!wait.wait) return { result: await request() };
    const { armAppWait } = await import('../wadm/client/wait.js');
    const handle = await armAppWait(ctx.client, name, target, {
      timeoutMs: wait['wait-timeout-ms'] ?? DEFAULT_WAIT_TIMEOUT_MS,
      onProgress: (text) => ctx.progress(`${name}: ${text}`),
    });
    let result: T;
    try {
      result = await request();
    } catch (err) {
      handle.cancel();
      throw err;
    }
    ctx.progress(`Waiting for ${name} to be ${target} ...`);
    return { result, status: await handle.wait() };
  }
}

export { redraw } from './watch-loop.js';
