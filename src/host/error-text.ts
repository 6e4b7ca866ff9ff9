import { errorChain } from '../errors.js';

/** An error's whole cause chain on one line (what v1 hosts put in `error` fields of failure events). */
export function errorText(err: unknown): string {
  return errorChain(err).join(': ');
}
