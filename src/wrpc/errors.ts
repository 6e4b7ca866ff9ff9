/**
 * Why a wRPC call did not produce results. The wire carries no error text (wasmCloud 1.1+): a failed callee
 * only closes its results stream, so `failed` cannot say more than that.
 */
export type WrpcErrorKind =
  /** Nobody serves the subject (NATS no-responders). */
  | 'not-found'
  /** No handshake or no complete results within the caller's deadline. */
  | 'timeout'
  /** The callee closed its results before a full value (trap, handler error, decode error). */
  | 'failed'
  /** The peer broke the protocol (no reply subject, bytes that do not decode). */
  | 'protocol'
  /** The transport was closed while the call was in flight. */
  | 'closed';

export class WrpcError extends Error {
  override name = 'WrpcError';
  constructor(
    readonly kind: WrpcErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isWrpcError(err: unknown): err is WrpcError {
  return err instanceof Error && err.name === 'WrpcError' && typeof (err as WrpcError).kind === 'string';
}
