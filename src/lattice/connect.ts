import type { NatsConnection, ConnectionOptions as NatsOptions } from '@nats-io/transport-node';
import { UserError } from '../errors.js';
import { readUserFileSync, SMALL_FILE_MAX_BYTES } from '../fs/read-user-file.js';
import type { ConnectionOptions } from './options.js';
import { natsUrl } from './options.js';

export interface NatsAuth {
  jwt?: string;
  seed?: string;
  credsfile?: string;
  tlsCaFile?: string;
  tlsFirst?: boolean;
}

/** Builds nats.js options from our auth fields; the transport is imported lazily (start-up cost). */
export async function natsConnect(servers: string | string[], auth: NatsAuth = {}, extra: Partial<NatsOptions> = {}): Promise<NatsConnection> {
  const { connect, credsAuthenticator, jwtAuthenticator } = await import('@nats-io/transport-node');
  // noAsyncTraces: nats.js would otherwise build an Error (stack capture) for every request it sends.
  const opts: NatsOptions = { servers, noAsyncTraces: true, ...extra };
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
    const where = Array.isArray(servers) ? servers.join(',') : servers;
    throw new UserError(`could not connect to NATS at ${where}`, {
      cause,
      suggestion: 'start a lattice with `wash up`, or point --ctl-host/--ctl-port (WASMCLOUD_CTL_HOST/PORT) at your NATS server',
    });
  }
}

export async function connectLattice(opts: ConnectionOptions): Promise<NatsConnection> {
  return natsConnect(natsUrl(opts), {
    jwt: opts.ctlJwt,
    seed: opts.ctlSeed,
    credsfile: opts.ctlCredsfile,
    tlsCaFile: opts.ctlTlsCaFile,
    tlsFirst: opts.ctlTlsFirst,
  }, { name: 'wash' });
}
