/**
 * For long-running commands (host, wadm, up): an unexpected promise rejection is logged and the process keeps
 * serving. Node 20's default would terminate it, taking every component, app and lattice it runs down with it.
 */
export function logUnexpectedRejections(log: (message: string) => void): void {
  process.on('unhandledRejection', (reason) => {
    const text = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
    log(`unexpected error (still running): ${text}`);
  });
}
