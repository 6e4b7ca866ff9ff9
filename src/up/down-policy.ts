/**
 * What `wash down` may touch, as pure functions: it stops what `wash up` started and recorded, and anything
 * else only when the user names it (`--host-id`, `--all`; `--force` for JetStream on a server wash did not start).
 */
import { UserError } from '../errors.js';

export const PURGE_CHOICES = ['none', 'all', 'wadm', 'wasmcloud'] as const;
export type PurgeChoice = (typeof PURGE_CHOICES)[number];

/**
 * Which hosts to stop: the named one, every host of the lattice with `all`, otherwise only the hosts
 * `wash up` recorded (`local`, including ones that no longer answer pings). `pinged` is every host that
 * answered on the lattice.
 */
export function selectHosts(
  o: { hostId?: string; all: boolean; lattice: string },
  pinged: string[],
  local: string[],
): string[] {
  const known = [...new Set([...pinged, ...local])].sort();
  if (o.hostId) {
    if (!known.includes(o.hostId)) {
      throw new UserError(`host ${o.hostId} is not running on lattice ${o.lattice}`, {
        suggestion: known.length ? `running hosts: ${known.join(', ')}` : 'no host answers on this lattice',
      });
    }
    return [o.hostId];
  }
  if (o.all) return known;
  return [...new Set(local)].sort();
}

/** The commands that would stop hosts `wash down` saw but leaves alone (they were not started by `wash up`). */
export function otherHostsAdvice(lattice: string, others: string[]): string {
  if (others.length === 0) return '';
  const lines = [`Not stopped (not started by \`wash up\`): ${others.length} host(s) on lattice ${lattice}:`];
  for (const id of others) lines.push(`  ${id}: \`wash stop host ${id}\` or \`wash down --host-id ${id}\``);
  lines.push(
    `  every host of lattice ${lattice}: \`wash down --all${lattice === 'default' ? '' : ` --lattice ${lattice}`}\``,
  );
  return lines.join('\n');
}

function serverKey(url: string): string {
  return url.replace(/^[a-z]+:\/\//, '').replace(/^localhost:/, '127.0.0.1:');
}

/**
 * Deleting JetStream streams is allowed on the NATS server `wash up` started (recorded), or on a server the
 * user named (flag, env var or context) together with `--force`. Throws before anything is stopped.
 */
export function checkPurgeAllowed(
  o: { choice: PurgeChoice; force: boolean; natsExplicit: boolean },
  url: string,
  recordedNatsUrl: string | undefined,
): void {
  if (o.choice === 'none') return;
  if (recordedNatsUrl && serverKey(recordedNatsUrl) === serverKey(url)) return;
  if (o.natsExplicit && o.force) return;
  const where = serverKey(url);
  if (!o.natsExplicit) {
    throw new UserError(
      `--purge-jetstream ${o.choice}: no NATS server started by \`wash up\` is recorded at ${where}; wash only deletes JetStream data on a server it started`,
      {
        suggestion: `to delete it on another server anyway, name the server (--ctl-host/--ctl-port) and add --force, e.g. \`wash down --ctl-port ${where.split(':').pop()} --purge-jetstream ${o.choice} --force\``,
      },
    );
  }
  throw new UserError(
    `--purge-jetstream ${o.choice}: the NATS server at ${where} was not started by \`wash up\`; deleting its streams affects everyone using it`,
    {
      suggestion: 'add --force to delete them anyway',
    },
  );
}
