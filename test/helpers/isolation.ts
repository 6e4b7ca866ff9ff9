/**
 * Tests never reach a NATS server they did not start (the machine's 127.0.0.1:4222 belongs to someone else).
 * Every connection variable wash reads is set for every process the tests spawn: to the test's own server,
 * or by default to a closed port, so a test that forgets a connection option fails loudly instead of
 * silently using (and possibly stopping) whatever listens on the default port.
 */

/** Nothing listens on port 1 (privileged; the tests only ever start servers on free ephemeral ports). */
export const CLOSED_PORT = 1;

export const CONNECTION_VARIABLES = [
  'WASMCLOUD_NATS_HOST',
  'WASMCLOUD_NATS_PORT',
  'WASMCLOUD_CTL_HOST',
  'WASMCLOUD_CTL_PORT',
  'WASMCLOUD_RPC_HOST',
  'WASMCLOUD_RPC_PORT',
  'WADM_NATS_SERVER',
] as const;

/** Connection variables pointing every NATS address wash uses at 127.0.0.1:`port`. */
export function connectionEnv(port: number = CLOSED_PORT): Record<(typeof CONNECTION_VARIABLES)[number], string> {
  const p = String(port);
  return {
    WASMCLOUD_NATS_HOST: '127.0.0.1',
    WASMCLOUD_NATS_PORT: p,
    WASMCLOUD_CTL_HOST: '127.0.0.1',
    WASMCLOUD_CTL_PORT: p,
    WASMCLOUD_RPC_HOST: '127.0.0.1',
    WASMCLOUD_RPC_PORT: p,
    WADM_NATS_SERVER: `127.0.0.1:${p}`,
  };
}
