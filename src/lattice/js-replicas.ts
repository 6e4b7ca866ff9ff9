import { UserError } from '../errors.js';

/** JetStream keeps at most 5 copies of a stream; each needs its own server in the cluster. */
export const MAX_JS_REPLICAS = 5;

/**
 * Checks a `--js-replicas` value: replicas of every KV bucket and stream wash creates (existing ones are used
 * as they are). Undefined stays undefined (the default, 1).
 */
export function checkJsReplicas(value: number | undefined, flag = '--js-replicas'): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > MAX_JS_REPLICAS) {
    throw new UserError(`${flag} ${value} is not a JetStream replica count (1-${MAX_JS_REPLICAS})`, {
      suggestion: 'use 1 on a single nats-server, 3 on a 3-node cluster',
    });
  }
  return value;
}
