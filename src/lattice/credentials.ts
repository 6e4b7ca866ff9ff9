/**
 * NATS user/password credentials: where they come from (a server URL's `user:pass@`, or variables) and the one
 * masking helper every message and log line that could hold a secret goes through. No heavy imports.
 */
import { UserError } from '../errors.js';

export interface ServerCredentials {
  /** The server URL without credentials (`nats://host:port`). */
  url: string;
  user?: string;
  pass?: string;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * `[scheme://][user[:pass]@]host[:port]` → URL without credentials plus user/pass. The scheme defaults to
 * `nats://`, the port to `defaultPort`. Errors never repeat the password.
 */
export function splitServerCredentials(server: string, what = 'NATS server', defaultPort = 4222): ServerCredentials {
  const text = server.trim();
  const withScheme = SCHEME.test(text) ? text : `nats://${text}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new UserError(`${what} "${maskSecrets(server)}" is not a valid address`, {
      suggestion: 'use host:port, e.g. 127.0.0.1:4222 (user:pass@host:port for credentials)',
    });
  }
  if (!u.hostname)
    throw new UserError(`${what} "${maskSecrets(server)}" has no host`, {
      suggestion: 'use host:port, e.g. 127.0.0.1:4222',
    });
  const out: ServerCredentials = { url: `${u.protocol}//${u.port ? u.host : `${u.host}:${defaultPort}`}` };
  if (u.username) out.user = decodeURIComponent(u.username);
  if (u.password) out.pass = decodeURIComponent(u.password);
  return out;
}

// `user:secret@` at the start of a URL or host string (not `repo:tag@sha256:` inside an image ref); the user stays.
const URL_PASSWORD = /(^|[\s'"=(,<[]|[a-z][a-z0-9+.-]*:\/\/)([^\s:/@'"]+):([^\s@/'"]*)@/gim;
// Secrets with recognisable shapes: nkey seeds (S + type letter + base32) and JWTs.
const NKEY_SEED = /\bS[UANOCPX][A-Z2-7]{56}\b/g;
const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g;

const knownSecrets = new Set<string>();

/** Remembers secrets (passwords, seeds) given to this process so `maskSecrets` hides them wherever they show up. */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 3) knownSecrets.add(secret);
}

/** The text with every credential it may hold replaced by `***` (URL passwords, nkey seeds, JWTs, registered secrets). */
export function maskSecrets(text: string): string {
  let out = text.replace(
    URL_PASSWORD,
    (_m, lead: string, who: string, pass: string) => `${lead}${who}:${pass === '' ? '' : '***'}@`,
  );
  out = out.replace(NKEY_SEED, '***').replace(JWT, '***');
  for (const s of knownSecrets) if (out.includes(s)) out = out.split(s).join('***');
  return out;
}

/**
 * A seed alone is not a way to log in to NATS (it signs the nonce for a user JWT); we do not guess what was meant.
 * `flags` names the options in messages (e.g. `--ctl-seed`/`--ctl-jwt`).
 */
export function assertSeedHasJwt(
  auth: { seed?: string; jwt?: string; credsfile?: string },
  flags = { seed: '--ctl-seed', jwt: '--ctl-jwt' },
): void {
  if (auth.seed && !auth.jwt && !auth.credsfile) {
    throw new UserError(
      `an nkey seed (${flags.seed}) was given without a user JWT (${flags.jwt}); NATS cannot authenticate with the seed alone`,
      {
        suggestion: `add ${flags.jwt} with the user's JWT, or use a credentials file (.creds) holding both`,
      },
    );
  }
}
