import { UserError } from '../errors.js';

/** What went wrong, so callers (the host's `component_scale_failed`, tests) can tell failures apart. */
export type OciErrorKind =
  | 'invalid-reference'
  | 'latest-refused'
  | 'insecure-refused'
  | 'unreachable'
  | 'tls'
  | 'unauthorized'
  | 'not-found'
  | 'media-type'
  | 'digest-mismatch'
  | 'too-large'
  | 'registry';

/** A registry operation failed in a way the user can act on; the message names the resolved location. */
export class OciError extends UserError {
  override name = 'OciError';
  constructor(
    readonly kind: OciErrorKind,
    message: string,
    options: { suggestion?: string; cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

export function isOciError(err: unknown): err is OciError {
  return err instanceof Error && err.name === 'OciError' && typeof (err as { kind?: unknown }).kind === 'string';
}
