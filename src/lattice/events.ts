/**
 * Lattice events: the catalogue (event name → `data` type), a CloudEvents 1.0 envelope builder and a strict
 * parser. Hosts publish `com.wasmcloud.lattice.<name>` on `wasmbus.evt.{lattice}.<name>`; wadm publishes
 * `com.wadm.manifest_published|unpublished` on `wadm.evt.{lattice}.<name>`.
 *
 * The parser is strict about what it understands (envelope, known type, the fields consumers rely on) and
 * keeps unknown extra fields, so newer hosts adding fields still parse.
 */
import type { WireManifest } from '../manifest/wire.js';
import type { DeleteLinkRequest, HostInventory, Link, StringMap } from './types.js';
import { ulidUuid } from './ulid.js';

export const LATTICE_EVENT_TYPE_PREFIX = 'com.wasmcloud.lattice.';
export const WADM_EVENT_TYPE_PREFIX = 'com.wadm.';
export const WADM_EVENT_SOURCE = 'wadm';

// ---------------------------------------------------------------------------------------------------------
// Data types (reference §3.2). Fields marked optional are missing in some real hosts' events.

export interface HostStartedData {
  friendly_name: string;
  labels: StringMap;
  uptime_seconds?: number;
  version?: string;
}

export interface HostStoppedData {
  labels: StringMap;
}

/** Exactly the host inventory. */
export type HostHeartbeatData = HostInventory;

/** Claims attached to `component_scaled` when the component is signed (all fields may be missing). */
export interface ComponentEventClaims {
  call_alias?: string;
  issuer?: string;
  tags?: string[] | null;
  name?: string;
  version?: string;
  revision?: number;
  not_before_human?: string;
  expires_human?: string;
}

export interface ComponentScaledData {
  component_id: string;
  image_ref: string;
  /** Missing in some hosts' events; the CloudEvent `source` is the host then (see `eventHostId`). */
  host_id?: string;
  max_instances: number;
  annotations?: StringMap;
  public_key?: string;
  claims?: ComponentEventClaims;
}

export interface ComponentScaleFailedData extends ComponentScaledData {
  /** Full cause chain. */
  error: string;
}

export interface ProviderEventClaims {
  issuer?: string;
  tags?: string[] | null;
  name?: string;
  version?: string;
  not_before_human?: string;
  expires_human?: string;
}

export interface ProviderStartedData {
  host_id?: string;
  image_ref: string;
  provider_id: string;
  annotations?: StringMap;
  claims?: ProviderEventClaims;
  /** Legacy fields kept for wadm: `instance_id` = `public_key` = provider id, `link_name` = `default`. */
  instance_id?: string;
  public_key?: string;
  link_name?: string;
}

export interface ProviderStartFailedData {
  provider_ref: string;
  provider_id: string;
  host_id?: string;
  error: string;
  link_name?: string;
}

export interface ProviderStoppedData {
  host_id?: string;
  provider_id: string;
  annotations?: StringMap;
  /** `stop` from current hosts. */
  reason?: string;
  instance_id?: string;
  public_key?: string;
  link_name?: string;
}

/** `health_check_passed|failed|status` (no `provider_` prefix in the names). */
export interface HealthCheckData {
  host_id: string;
  provider_id: string;
}

/**
 * wash extension: a supervised provider process exited unexpectedly and was started again (upstream emits
 * nothing). `restart_count` counts every restart since `provider.start`; `reason` is how it exited.
 */
export interface ProviderRestartedData {
  host_id: string;
  provider_id: string;
  restart_count: number;
  reason: string;
  /** How long the host waited before this restart (capped exponential backoff). */
  backoff_ms: number;
}

export type LinkdefSetData = Link;

export interface LinkdefSetFailedData extends Link {
  error: string;
}

/** `target` and `interfaces` only when the link existed. */
export interface LinkdefDeletedData extends DeleteLinkRequest {
  target?: string;
  interfaces?: string[];
}

export interface ConfigEventData {
  config_name: string;
}

export interface LabelsChangedData {
  host_id: string;
  /** The full current label map. */
  labels: StringMap;
}

/** The published manifest itself, in its wire form (`src/manifest/wire.ts`). */
export type ManifestPublishedData = WireManifest;

/** `orphan: true` asks the engine to drop the app's scalers without cleaning up what they run. */
export interface ManifestUnpublishedData {
  name: string;
  orphan?: boolean;
}

/** Host events: name → data. */
export interface LatticeEventDataMap {
  host_started: HostStartedData;
  host_stopped: HostStoppedData;
  host_heartbeat: HostHeartbeatData;
  component_scaled: ComponentScaledData;
  component_scale_failed: ComponentScaleFailedData;
  provider_started: ProviderStartedData;
  provider_start_failed: ProviderStartFailedData;
  provider_stopped: ProviderStoppedData;
  health_check_passed: HealthCheckData;
  health_check_failed: HealthCheckData;
  health_check_status: HealthCheckData;
  provider_restarted: ProviderRestartedData;
  linkdef_set: LinkdefSetData;
  linkdef_set_failed: LinkdefSetFailedData;
  linkdef_deleted: LinkdefDeletedData;
  config_set: ConfigEventData;
  config_deleted: ConfigEventData;
  labels_changed: LabelsChangedData;
}

/** wadm's own events: name → data. */
export interface WadmEventDataMap {
  manifest_published: ManifestPublishedData;
  manifest_unpublished: ManifestUnpublishedData;
}

export type LatticeEventName = keyof LatticeEventDataMap;
export type WadmEventName = keyof WadmEventDataMap;
export type EventName = LatticeEventName | WadmEventName;
type EventDataMap = LatticeEventDataMap & WadmEventDataMap;

/** The CloudEvent `type` of an event name. */
export type EventType<N extends EventName> = N extends WadmEventName ? `com.wadm.${N}` : `com.wasmcloud.lattice.${N}`;

/** A CloudEvents 1.0 structured-JSON document. */
export interface CloudEvent<D = unknown, T extends string = string> {
  specversion: '1.0';
  id: string;
  type: T;
  source: string;
  time?: string;
  datacontenttype?: string;
  data: D;
}

/** A parsed event: `name` discriminates, `data` is typed accordingly. */
export type ParsedEvent<N extends EventName> = CloudEvent<EventDataMap[N], EventType<N>> & { name: N };

/** Any event a host or wadm publishes, as a discriminated union on `name`. */
export type LatticeEvent = { [N in EventName]: ParsedEvent<N> }[EventName];

export const LATTICE_EVENT_NAMES: readonly LatticeEventName[] = [
  'host_started',
  'host_stopped',
  'host_heartbeat',
  'component_scaled',
  'component_scale_failed',
  'provider_started',
  'provider_start_failed',
  'provider_stopped',
  'health_check_passed',
  'health_check_failed',
  'health_check_status',
  'provider_restarted',
  'linkdef_set',
  'linkdef_set_failed',
  'linkdef_deleted',
  'config_set',
  'config_deleted',
  'labels_changed',
];
export const WADM_EVENT_NAMES: readonly WadmEventName[] = ['manifest_published', 'manifest_unpublished'];

const isWadmName = (n: string): n is WadmEventName => (WADM_EVENT_NAMES as readonly string[]).includes(n);
const isLatticeName = (n: string): n is LatticeEventName => (LATTICE_EVENT_NAMES as readonly string[]).includes(n);

export function eventType<N extends EventName>(name: N): EventType<N> {
  return (
    isWadmName(name) ? `${WADM_EVENT_TYPE_PREFIX}${name}` : `${LATTICE_EVENT_TYPE_PREFIX}${name}`
  ) as EventType<N>;
}

/** The event name of a CloudEvent `type`, or undefined for types outside both catalogues. */
export function eventNameOf(type: string): EventName | undefined {
  if (type.startsWith(LATTICE_EVENT_TYPE_PREFIX)) {
    const n = type.slice(LATTICE_EVENT_TYPE_PREFIX.length);
    return isLatticeName(n) ? n : undefined;
  }
  if (type.startsWith(WADM_EVENT_TYPE_PREFIX)) {
    const n = type.slice(WADM_EVENT_TYPE_PREFIX.length);
    return isWadmName(n) ? n : undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Building

export interface BuildEventOptions {
  /** Milliseconds since the epoch; defaults to now. Drives both `id` and `time`. */
  now?: number;
  id?: string;
}

/** A CloudEvent for `name` from `source` (the host's public key for host events, `wadm` for wadm's). */
export function buildEvent<N extends EventName>(
  name: N,
  data: EventDataMap[N],
  source: string,
  opts: BuildEventOptions = {},
): ParsedEvent<N> {
  const now = opts.now ?? Date.now();
  return {
    specversion: '1.0',
    id: opts.id ?? ulidUuid(now),
    type: eventType(name),
    source,
    time: new Date(now).toISOString(),
    datacontenttype: 'application/json',
    data,
    name,
  } as ParsedEvent<N>;
}

/** The JSON bytes to publish: the CloudEvent without our `name` convenience field. */
export function encodeEvent(event: CloudEvent | ParsedEvent<EventName>): Uint8Array {
  const { name: _name, ...cloudEvent } = event as CloudEvent & { name?: string };
  return new TextEncoder().encode(JSON.stringify(cloudEvent));
}

// ---------------------------------------------------------------------------------------------------------
// Parsing

export class EventParseError extends Error {
  override name = 'EventParseError';
}

type FieldKind = 'string' | 'number' | 'map' | 'strings' | 'object' | 'array' | 'stringsOrNull';
/** Field spec: kind, optional when suffixed with `?`. */
type Spec = Record<string, `${FieldKind}` | `${FieldKind}?`>;

const componentScaled: Spec = {
  component_id: 'string',
  image_ref: 'string',
  host_id: 'string?',
  max_instances: 'number',
  annotations: 'map?',
  public_key: 'string?',
  claims: 'object?',
};
const link: Spec = {
  source_id: 'string',
  target: 'string',
  name: 'string',
  wit_namespace: 'string',
  wit_package: 'string',
  interfaces: 'strings',
  source_config: 'strings',
  target_config: 'strings',
};
const health: Spec = { host_id: 'string', provider_id: 'string' };
const configEvent: Spec = { config_name: 'string' };

const SPECS: Record<EventName, Spec> = {
  host_started: { friendly_name: 'string', labels: 'map', uptime_seconds: 'number?', version: 'string?' },
  host_stopped: { labels: 'map' },
  host_heartbeat: {
    components: 'array',
    providers: 'array',
    host_id: 'string',
    friendly_name: 'string',
    labels: 'map',
    version: 'string',
    uptime_human: 'string',
    uptime_seconds: 'number',
    issuer: 'string?',
  },
  component_scaled: componentScaled,
  component_scale_failed: { ...componentScaled, error: 'string' },
  provider_started: {
    host_id: 'string?',
    image_ref: 'string',
    provider_id: 'string',
    annotations: 'map?',
    claims: 'object?',
    instance_id: 'string?',
    public_key: 'string?',
    link_name: 'string?',
  },
  provider_start_failed: {
    provider_ref: 'string',
    provider_id: 'string',
    host_id: 'string?',
    error: 'string',
    link_name: 'string?',
  },
  provider_stopped: {
    host_id: 'string?',
    provider_id: 'string',
    annotations: 'map?',
    reason: 'string?',
    instance_id: 'string?',
    public_key: 'string?',
    link_name: 'string?',
  },
  health_check_passed: health,
  health_check_failed: health,
  health_check_status: health,
  provider_restarted: {
    host_id: 'string',
    provider_id: 'string',
    restart_count: 'number',
    reason: 'string',
    backoff_ms: 'number',
  },
  linkdef_set: link,
  linkdef_set_failed: { ...link, error: 'string' },
  linkdef_deleted: {
    source_id: 'string',
    name: 'string',
    wit_namespace: 'string',
    wit_package: 'string',
    target: 'string?',
    interfaces: 'strings?',
  },
  config_set: configEvent,
  config_deleted: configEvent,
  labels_changed: { host_id: 'string', labels: 'map' },
  manifest_published: { metadata: 'object' },
  manifest_unpublished: { name: 'string' },
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function hasKind(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'map':
      return isObject(value) && Object.values(value).every((v) => typeof v === 'string');
    case 'strings':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'stringsOrNull':
      return value === null || hasKind(value, 'strings');
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
  }
}

function checkFields(where: string, data: Record<string, unknown>, spec: Spec): void {
  for (const [key, want] of Object.entries(spec)) {
    const optional = want.endsWith('?');
    const kind = (optional ? want.slice(0, -1) : want) as FieldKind;
    const value = data[key];
    if (value === undefined || (optional && value === null)) {
      if (!optional) throw new EventParseError(`${where}: missing field "${key}"`);
      continue;
    }
    if (!hasKind(value, kind))
      throw new EventParseError(
        `${where}: field "${key}" must be ${kind === 'map' ? 'a string map' : kind === 'strings' ? 'a list of strings' : `a ${kind}`}`,
      );
  }
}

/** Heartbeats may carry the legacy `actors` key and omit `host_id` (the source is the host then). */
function normalizeHeartbeat(data: Record<string, unknown>, source: string): Record<string, unknown> {
  const out = { ...data };
  if (out.components === undefined && out.actors !== undefined) {
    out.components = out.actors;
    delete out.actors;
  }
  if (out.host_id === undefined) out.host_id = typeof out.id === 'string' ? out.id : source;
  return out;
}

function checkInventoryLists(where: string, data: Record<string, unknown>): void {
  (data.components as unknown[]).forEach((c, i) => {
    if (!isObject(c)) throw new EventParseError(`${where}: components[${i}] must be an object`);
    checkFields(`${where}: components[${i}]`, c, {
      id: 'string',
      image_ref: 'string',
      max_instances: 'number',
      revision: 'number?',
      name: 'string?',
      annotations: 'map?',
    });
  });
  (data.providers as unknown[]).forEach((p, i) => {
    if (!isObject(p)) throw new EventParseError(`${where}: providers[${i}] must be an object`);
    checkFields(`${where}: providers[${i}]`, p, {
      id: 'string',
      image_ref: 'string?',
      revision: 'number?',
      name: 'string?',
      annotations: 'map?',
    });
  });
}

/**
 * Parses a CloudEvent (bytes, JSON text or an already-decoded object) into a typed event. Throws
 * `EventParseError` for malformed envelopes, unknown types and data missing required fields.
 */
export function parseLatticeEvent(input: Uint8Array | string | unknown): LatticeEvent {
  let raw: unknown = input;
  if (input instanceof Uint8Array || typeof input === 'string') {
    const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
    try {
      raw = JSON.parse(text);
    } catch (cause) {
      throw new EventParseError(`event is not valid JSON: ${(cause as Error).message}`);
    }
  }
  if (!isObject(raw)) throw new EventParseError('event must be a JSON object');
  if (raw.specversion !== '1.0')
    throw new EventParseError(
      `unsupported CloudEvents specversion ${JSON.stringify(raw.specversion)} (expected "1.0")`,
    );
  checkFields('event', raw, {
    id: 'string',
    type: 'string',
    source: 'string',
    time: 'string?',
    datacontenttype: 'string?',
  });
  const type = raw.type as string;
  const name = eventNameOf(type);
  if (!name) throw new EventParseError(`unknown event type "${type}"`);
  if (!isObject(raw.data)) throw new EventParseError(`${type}: data must be a JSON object`);
  let data = raw.data;
  if (name === 'host_heartbeat') data = normalizeHeartbeat(data, raw.source as string);
  checkFields(type, data, SPECS[name]);
  if (name === 'host_heartbeat') checkInventoryLists(type, data);
  if (name === 'manifest_published')
    checkFields(`${type}: metadata`, data.metadata as Record<string, unknown>, { name: 'string' });
  if (name === 'component_scaled' || name === 'component_scale_failed' || name === 'provider_started') {
    if (isObject(data.claims)) checkFields(`${type}: claims`, data.claims, { tags: 'stringsOrNull?' });
  }
  return { ...(raw as unknown as CloudEvent), type, data, name } as LatticeEvent;
}

/** `parseLatticeEvent` that returns undefined instead of throwing (for consumers that skip bad events). */
export function tryParseLatticeEvent(input: Uint8Array | string | unknown): LatticeEvent | undefined {
  try {
    return parseLatticeEvent(input);
  } catch (err) {
    if (err instanceof EventParseError) return undefined;
    throw err;
  }
}

/** Narrows an event to one name. */
export function isEvent<N extends EventName>(
  event: LatticeEvent,
  name: N,
): event is Extract<LatticeEvent, { name: N }> {
  return event.name === name;
}

/** The host an event is about: `data.host_id` when present, else the CloudEvent `source`. */
export function eventHostId(event: LatticeEvent | CloudEvent): string {
  const data = event.data as { host_id?: unknown } | undefined;
  return typeof data?.host_id === 'string' ? data.host_id : event.source;
}
