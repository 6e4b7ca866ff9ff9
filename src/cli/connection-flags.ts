import * as Flags from '@oclif/core/flags';

const group = 'CONNECTION';

/** Flags shared by every lattice command; values fall back to the selected context, then defaults. */
export const connectionFlags = {
  'ctl-host': Flags.string({
    char: 'r',
    env: 'WASMCLOUD_CTL_HOST',
    description: 'NATS host of the control interface [default: 127.0.0.1]',
    helpGroup: group,
  }),
  'ctl-port': Flags.integer({
    char: 'p',
    env: 'WASMCLOUD_CTL_PORT',
    description: 'NATS port of the control interface [default: 4222]',
    helpGroup: group,
  }),
  'ctl-jwt': Flags.string({
    env: 'WASMCLOUD_CTL_JWT',
    description: 'JWT for NATS authentication (use with --ctl-seed)',
    helpGroup: group,
  }),
  'ctl-seed': Flags.string({
    env: 'WASMCLOUD_CTL_SEED',
    description: 'nkey seed for NATS authentication',
    helpGroup: group,
  }),
  'ctl-credsfile': Flags.string({ env: 'WASH_CTL_CREDS', description: 'NATS credentials file', helpGroup: group }),
  'ctl-tls-ca-file': Flags.string({
    env: 'WASH_CTL_TLS_CA_FILE',
    description: 'CA file for TLS to NATS',
    helpGroup: group,
  }),
  'ctl-tls-first': Flags.boolean({
    env: 'WASH_CTL_TLS_FIRST',
    description: 'Perform the TLS handshake before the NATS INFO exchange',
    helpGroup: group,
  }),
  'js-domain': Flags.string({
    aliases: ['domain'],
    env: 'WASMCLOUD_JS_DOMAIN',
    description: 'JetStream domain',
    helpGroup: group,
  }),
  lattice: Flags.string({
    char: 'x',
    aliases: ['lattice-prefix'],
    env: 'WASMCLOUD_LATTICE',
    description: 'Lattice name [default: default]',
    helpGroup: group,
  }),
  'timeout-ms': Flags.integer({
    char: 't',
    env: 'WASMCLOUD_CTL_TIMEOUT_MS',
    description: 'Request timeout in milliseconds [default: 2000]',
    helpGroup: group,
  }),
  context: Flags.string({
    env: 'WASH_CONTEXT',
    description: 'Name of a stored context to take defaults from',
    helpGroup: group,
  }),
};
