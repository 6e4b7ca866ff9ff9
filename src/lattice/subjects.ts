/**
 * Every NATS subject of the lattice, built in one place. The ctl prefix (`wasmbus.ctl` by default) is
 * configurable; event, rpc and config-service roots are not. wadm's API prefix is configurable in wadm.
 */

export const DEFAULT_CTL_PREFIX = 'wasmbus.ctl';
export const CTL_VERSION = 'v1';
export const EVENT_ROOT = 'wasmbus.evt';
export const RPC_ROOT = 'wasmbus.rpc';
export const DEFAULT_WADM_API_PREFIX = 'wadm.api';
/** wadm's API servers share this queue group so one replica answers. */
export const WADM_API_QUEUE_GROUP = 'wadm_server';

/** `{prefix}.v1.{lattice}` — the root of every ctl subject of a lattice. */
export function ctlRoot(prefix: string, lattice: string): string {
  return `${prefix}.${CTL_VERSION}.${lattice}`;
}

/** `{prefix}.v1.{lattice}.{tokens…}`, e.g. `ctlSubject(p, 'default', 'host', 'get', hostId)`. */
export function ctlSubject(prefix: string, lattice: string, ...tokens: string[]): string {
  return [ctlRoot(prefix, lattice), ...tokens].join('.');
}

/** The ctl subjects a client sends to, one function per operation. */
export function ctlSubjects(prefix: string, lattice: string) {
  const s = (...t: string[]) => ctlSubject(prefix, lattice, ...t);
  return {
    hostPing: () => s('host', 'ping'),
    hostGet: (hostId: string) => s('host', 'get', hostId),
    hostStop: (hostId: string) => s('host', 'stop', hostId),
    componentScale: (hostId: string) => s('component', 'scale', hostId),
    componentUpdate: (hostId: string) => s('component', 'update', hostId),
    componentAuction: () => s('component', 'auction'),
    providerStart: (hostId: string) => s('provider', 'start', hostId),
    providerStop: (hostId: string) => s('provider', 'stop', hostId),
    providerAuction: () => s('provider', 'auction'),
    linkPut: () => s('link', 'put'),
    linkDel: () => s('link', 'del'),
    linkGet: () => s('link', 'get'),
    claimsGet: () => s('claims', 'get'),
    configPut: (name: string) => s('config', 'put', name),
    configGet: (name: string) => s('config', 'get', name),
    configDel: (name: string) => s('config', 'del', name),
    labelPut: (hostId: string) => s('label', 'put', hostId),
    labelDel: (hostId: string) => s('label', 'del', hostId),
    registryPut: () => s('registry', 'put'),
  };
}
export type CtlSubjects = ReturnType<typeof ctlSubjects>;

/** Queue groups for lattice-wide ctl operations (one host answers): `{root}.link|claims|config`. */
export function ctlQueueGroup(prefix: string, lattice: string, topic: 'link' | 'claims' | 'config'): string {
  return ctlSubject(prefix, lattice, topic);
}

export interface HostSubscription {
  subject: string;
  /** Queue group, when only one host of the lattice should answer. */
  queue?: string;
  /** Only subscribed when the matching auction kind is enabled. */
  auction?: 'component' | 'provider';
}

/** What a host with public key `hostId` must subscribe to (reference §2.2). */
export function hostSubscriptions(prefix: string, lattice: string, hostId: string): HostSubscription[] {
  const s = (...t: string[]) => ctlSubject(prefix, lattice, ...t);
  return [
    { subject: s('registry', 'put') },
    { subject: s('host', 'ping') },
    { subject: s('link', '*'), queue: ctlQueueGroup(prefix, lattice, 'link') },
    { subject: s('claims', 'get'), queue: ctlQueueGroup(prefix, lattice, 'claims') },
    { subject: s('config', '>'), queue: ctlQueueGroup(prefix, lattice, 'config') },
    { subject: s('component', '*', hostId) },
    { subject: s('provider', '*', hostId) },
    { subject: s('label', '*', hostId) },
    { subject: s('host', '*', hostId) },
    { subject: s('component', 'auction'), auction: 'component' },
    { subject: s('provider', 'auction'), auction: 'provider' },
  ];
}

/** `wasmbus.evt.{lattice}.{name}` — where lattice events are published. */
export function eventSubject(lattice: string, name: string): string {
  return `${EVENT_ROOT}.${lattice}.${name}`;
}

/** `wasmbus.evt.{lattice}.>` — every event of a lattice. */
export function eventWildcard(lattice: string): string {
  return `${EVENT_ROOT}.${lattice}.>`;
}

/** `wasmbus.rpc.{lattice}.{providerId}.{tokens…}`, e.g. `rpcSubject(l, id, 'health')`. */
export function rpcSubject(lattice: string, providerId: string, ...tokens: string[]): string {
  return [RPC_ROOT, lattice, providerId, ...tokens].join('.');
}

/** Config service a host may query at start-up. */
export function configServiceSubject(lattice: string): string {
  return `wasmbus.cfg.${lattice}.req`;
}

export type WadmApiOperation =
  | 'put'
  | 'get'
  | 'list'
  | 'versions'
  | 'del'
  | 'deploy'
  | 'undeploy'
  | 'status'
  | 'history';

/** `{prefix}.{lattice}.model.{op}[.{name}]` (prefix `wadm.api` unless wadm was told otherwise). */
export function wadmApiSubject(
  lattice: string,
  op: WadmApiOperation,
  name?: string,
  prefix = DEFAULT_WADM_API_PREFIX,
): string {
  const base = `${prefix}.${lattice}.model.${op}`;
  return name === undefined ? base : `${base}.${name}`;
}

/** What wadm's API server subscribes to (with queue group `wadm_server`). */
export function wadmApiWildcard(prefix = DEFAULT_WADM_API_PREFIX): string {
  return `${prefix}.>`;
}

/** `wadm.status.{lattice}.{app}` — per-application status updates. */
export function wadmStatusSubject(lattice: string, appName: string): string {
  return `wadm.status.${lattice}.${appName}`;
}

/** `wadm.evt.{lattice}.{name}` — wadm's own events (`manifest_published`, `manifest_unpublished`). */
export function wadmEventSubject(lattice: string, name: string): string {
  return `wadm.evt.${lattice}.${name}`;
}

/** `wadm.notify.{lattice}` — coordination between wadm replicas. */
export function wadmNotifySubject(lattice: string): string {
  return `wadm.notify.${lattice}`;
}

/** `wadm.cmd.{lattice}` — commands from scalers to the command worker. */
export function wadmCommandSubject(lattice: string): string {
  return `wadm.cmd.${lattice}`;
}

/**
 * True when `token` can be used as one subject token (ids, config names, lattice names):
 * non-empty, no `.`, no wildcards, no whitespace.
 */
export function isSubjectToken(token: string): boolean {
  return token.length > 0 && !/[.*>\s]/.test(token);
}

// ---------------------------------------------------------------------------------------------------------
// Parsing, for the host's dispatcher

/** A ctl subject decoded into the operation it asks for. */
export type ParsedCtlSubject = { lattice: string } & (
  | { op: 'host.ping' }
  | { op: 'host.get'; hostId: string }
  | { op: 'host.stop'; hostId: string }
  | { op: 'component.scale'; hostId: string }
  | { op: 'component.update'; hostId: string }
  | { op: 'component.auction' }
  | { op: 'provider.start'; hostId: string }
  | { op: 'provider.stop'; hostId: string }
  | { op: 'provider.auction' }
  | { op: 'link.put' }
  | { op: 'link.del' }
  | { op: 'link.get' }
  | { op: 'claims.get' }
  | { op: 'config.put'; name: string }
  | { op: 'config.get'; name: string }
  | { op: 'config.del'; name: string }
  | { op: 'label.put'; hostId: string }
  | { op: 'label.del'; hostId: string }
  | { op: 'registry.put' }
  /** Under the ctl root but not a known operation: hosts reply `unsupported subject`. */
  | { op: 'unsupported'; tokens: string[] }
);
export type CtlOperation = ParsedCtlSubject['op'];

const WITH_HOST = new Set([
  'host.get',
  'host.stop',
  'component.scale',
  'component.update',
  'provider.start',
  'provider.stop',
  'label.put',
  'label.del',
]);
const WITHOUT_ARG = new Set([
  'host.ping',
  'component.auction',
  'provider.auction',
  'link.put',
  'link.del',
  'link.get',
  'claims.get',
  'registry.put',
]);
const WITH_NAME = new Set(['config.put', 'config.get', 'config.del']);

/**
 * Decodes `{prefix}.v1.{lattice}.{topic}.{verb}[.{arg}]`. Returns `undefined` when the subject is not
 * under `{prefix}.v1` at all, and `op: 'unsupported'` for unknown operations under it.
 */
export function parseCtlSubject(subject: string, prefix: string = DEFAULT_CTL_PREFIX): ParsedCtlSubject | undefined {
  const head = `${prefix}.${CTL_VERSION}.`;
  if (!subject.startsWith(head)) return undefined;
  const [lattice, ...tokens] = subject.slice(head.length).split('.');
  if (!lattice) return undefined;
  const [topic, verb, arg, ...extra] = tokens;
  const key = `${topic}.${verb}`;
  if (extra.length === 0 && topic !== undefined && verb !== undefined) {
    if (arg === undefined && WITHOUT_ARG.has(key)) return { lattice, op: key } as ParsedCtlSubject;
    if (arg !== undefined && arg !== '' && WITH_HOST.has(key))
      return { lattice, op: key, hostId: arg } as ParsedCtlSubject;
    if (arg !== undefined && arg !== '' && WITH_NAME.has(key))
      return { lattice, op: key, name: arg } as ParsedCtlSubject;
  }
  return { lattice, op: 'unsupported', tokens };
}
