import type { NatsConnection, ConnectionOptions as NatsOptions } from '@nats-io/transport-node';
import { UserError } from '../errors.js';
import { readUserFileSync, SMALL_FILE_MAX_BYTES } from '../fs/read-user-file.js';
import type { ConnectionOptions } from './options.js';
import { assertSeedHasJwt, maskSecrets, registerSecret, splitServerCredentials } from './credentials.js';
import { natsUrl } from './options.js';

export interface NatsAuth {
  /** User/password auth; a `user:pass@` in the server URL is used when these are absent. */
  user?: string;
  pass?: string;
  jwt?: string;
  seed?: string;
  credsfile?: string;
  tlsCaFile?: string;
  tlsFirst?: boolean;
  /** How the seed/JWT options are named in messages (default `--ctl-seed`/`--ctl-jwt`). */
  flagNames?: { seed: string; jwt: string };
  /** What to suggest when connecting fails, in the caller's option names (default: the lattice commands'). */
  hints?: Partial<ConnectHints>;
}

export interface ConnectHints {
  /** Nothing answered. */
  unreachable: string;
  /** The TLS handshake failed (most often: a certificate this machine does not trust). */
  tls: string;
  /** The server refused the credentials. */
  denied: string;
}

const LATTICE_HINTS: ConnectHints = {
  unreachable:
    'start a lattice with `wash up`, or point --ctl-host/--ctl-port (WASMCLOUD_CTL_HOST/PORT) at your NATS server',
  tls: "pass the CA that signed the server's certificate with --ctl-tls-ca-file (WASMCLOUD_CTL_TLS_CA_FILE); add --ctl-tls-first if the server expects the TLS handshake first",
  denied:
    'check the credentials: user:password in the URL (or WASMCLOUD_CTL_USER/WASMCLOUD_CTL_PASSWORD), --ctl-jwt with --ctl-seed, or --ctl-credsfile',
};

const TLS_ERROR_CODE = /^(UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_|CERT_|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH)/;

/** A failure of the TLS handshake or of certificate verification, anywhere in the cause chain. */
export function isTlsFailure(err: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e = err; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TLS_ERROR_CODE.test(code)) return true;
    if (/certificate|\btls\b|\bssl\b/i.test(e.message)) return true;
  }
  return false;
}

/** Builds nats.js options from our auth fields; the transport is imported lazily (start-up cost). */
export async function natsConnect(
  servers: string | string[],
  auth: NatsAuth = {},
  extra: Partial<NatsOptions> = {},
): Promise<NatsConnection> {
  // Credentials are taken out of the URLs (nats.js would not use them) so no message or log repeats them.
  const parsed = (Array.isArray(servers) ? servers : [servers]).map((s) => splitServerCredentials(s));
  const user = auth.user ?? parsed.find((p) => p.user !== undefined)?.user;
  const pass = auth.pass ?? parsed.find((p) => p.pass !== undefined)?.pass;
  registerSecret(pass);
  registerSecret(auth.seed);
  assertSeedHasJwt(auth, auth.flagNames);
  const urls = parsed.map((p) => p.url);
  const { connect, credsAuthenticator, jwtAuthenticator } = await import('@nats-io/transport-node');
  // noAsyncTraces: nats.js would otherwise build an Error (stack capture) for every request it sends.
  const opts: NatsOptions = { servers: urls, noAsyncTraces: true, ...extra };
  if (user !== undefined) {
    opts.user = user;
    opts.pass = pass ?? '';
  }
  if (auth.credsfile) {
    const creds = readUserFileSync(auth.credsfile, { what: 'NATS credentials file', maxBytes: SMALL_FILE_MAX_BYTES });
    opts.authenticator = credsAuthenticator(creds);
  } else if (auth.jwt) {
    const seed = auth.seed ? new TextEncoder().encode(auth.seed) : undefined;
    opts.authenticator = jwtAuthenticator(auth.jwt, seed);
  }
  if (auth.tlsCaFile || auth.tlsFirst) opts.tls = { caFile: auth.tlsCaFile, handshakeFirst: auth.tlsFirst };
  try {
    return await connect(opts);
  } catch (cause) {
    const where = urls.join(',');
    const denied = /authori[sz]ation|authentication|permissions? violation/i.test(
      String((cause as Error)?.message ?? cause),
    );
    const hints = { ...LATTICE_HINTS, ...auth.hints };
    throw new UserError(
      `could not connect to NATS at ${where}${denied ? `: ${maskSecrets(String((cause as Error).message))}` : ''}`,
      {
        cause: denied ? undefined : cause,
        suggestion: denied ? hints.denied : isTlsFailure(cause) ? hints.tls : hints.unreachable,
      },
    );
  }
}

export async function connectLattice(opts: ConnectionOptions): Promise<NatsConnection> {
  return natsConnect(
    natsUrl(opts),
    {
      user: opts.ctlUser,
      pass: opts.ctlPassword,
      jwt: opts.ctlJwt,
      seed: opts.ctlSeed,
      credsfile: opts.ctlCredsfile,
      tlsCaFile: opts.ctlTlsCaFile,
      tlsFirst: opts.ctlTlsFirst,
    },
    { name: 'wash' },
  );
}
