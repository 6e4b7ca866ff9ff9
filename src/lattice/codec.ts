/**
 * JSON codecs for ctl messages. Hosts decode requests with the same defaults and aliases as the Rust
 * control interface (missing strings → "", missing lists → [], `count` for the instance cap, `provider_ref`
 * as an alias of `provider_id` on stop, legacy `actors` in inventories); clients decode reply envelopes.
 */
import type {
  ComponentAuctionRequest,
  ConfigMap,
  CtlResponse,
  DeleteLinkRequest,
  HostInventory,
  HostLabel,
  HostLabelIdentifier,
  Link,
  ProviderAuctionRequest,
  ScaleComponentCommand,
  StartProviderCommand,
  StopHostCommand,
  StopProviderCommand,
  StringMap,
  UpdateComponentCommand,
} from './types.js';

/** A payload that does not decode; hosts reply `success:false` with this message. */
export class CtlDecodeError extends Error {
  override name = 'CtlDecodeError';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Parses JSON bytes; an empty payload decodes as `undefined`. */
export function decodeJson(bytes: Uint8Array | string, what = 'payload'): unknown {
  const text = typeof bytes === 'string' ? bytes : decoder.decode(bytes);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new CtlDecodeError(`${what} is not valid JSON: ${(cause as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Envelopes

export function ctlOk<T>(response: T, message = ''): CtlResponse<T> {
  return { success: true, message, response };
}

/** Success without a payload (`response` omitted). */
export function ctlSuccess(message = ''): CtlResponse {
  return { success: true, message };
}

export function ctlError(message: string): CtlResponse {
  return { success: false, message };
}

/** Decodes a `CtlResponse` envelope. Accepts the hand-built `{"success":false,"error":…}` form too. */
export function decodeCtlResponse<T>(bytes: Uint8Array | string, what = 'reply'): CtlResponse<T> {
  const raw = decodeJson(bytes, what);
  if (!isObject(raw) || typeof raw.success !== 'boolean')
    throw new CtlDecodeError(`${what} is not a control-interface response envelope`);
  const message = typeof raw.message === 'string' ? raw.message : typeof raw.error === 'string' ? raw.error : '';
  const out: CtlResponse<T> = { success: raw.success, message };
  if (raw.response !== undefined && raw.response !== null) out.response = raw.response as T;
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Field helpers (serde-like defaults)

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function body(raw: unknown, what: string): Record<string, unknown> {
  if (raw === undefined) return {};
  if (!isObject(raw)) throw new CtlDecodeError(`${what}: expected a JSON object`);
  return raw;
}

function str(
  o: Record<string, unknown>,
  key: string,
  what: string,
  opts: { required?: boolean; aliases?: string[] } = {},
): string {
  for (const k of [key, ...(opts.aliases ?? [])]) {
    const v = o[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw new CtlDecodeError(`${what}: field "${k}" must be a string`);
    return v;
  }
  if (opts.required) throw new CtlDecodeError(`${what}: missing field "${key}"`);
  return '';
}

function strList(o: Record<string, unknown>, key: string, what: string): string[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
    throw new CtlDecodeError(`${what}: field "${key}" must be a list of strings`);
  return v as string[];
}

function strMap(o: Record<string, unknown>, key: string, what: string): StringMap | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v) || !Object.values(v).every((x) => typeof x === 'string'))
    throw new CtlDecodeError(`${what}: field "${key}" must be a map of strings`);
  return v as StringMap;
}

function uint(o: Record<string, unknown>, keys: string[], what: string): number | undefined {
  for (const k of keys) {
    const v = o[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      throw new CtlDecodeError(`${what}: field "${k}" must be a non-negative integer`);
    return v;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Requests (host side)

export function decodeScaleComponentCommand(raw: unknown): ScaleComponentCommand {
  const w = 'scale component request';
  const o = body(raw, w);
  const cmd: ScaleComponentCommand = {
    component_ref: str(o, 'component_ref', w),
    component_id: str(o, 'component_id', w, { required: true }),
    count: uint(o, ['count', 'max_instances'], w) ?? 0,
    host_id: str(o, 'host_id', w),
    config: strList(o, 'config', w),
    allow_update: o.allow_update === true,
  };
  const annotations = strMap(o, 'annotations', w);
  if (annotations) cmd.annotations = annotations;
  const limits = strMap(o, 'component_limits', w);
  if (limits) cmd.component_limits = limits;
  return cmd;
}

export function decodeUpdateComponentCommand(raw: unknown): UpdateComponentCommand {
  const w = 'update component request';
  const o = body(raw, w);
  const cmd: UpdateComponentCommand = {
    host_id: str(o, 'host_id', w),
    component_id: str(o, 'component_id', w),
    new_component_ref: str(o, 'new_component_ref', w),
  };
  const annotations = strMap(o, 'annotations', w);
  if (annotations) cmd.annotations = annotations;
  return cmd;
}

export function decodeStartProviderCommand(raw: unknown): StartProviderCommand {
  const w = 'start provider request';
  const o = body(raw, w);
  const cmd: StartProviderCommand = {
    provider_id: str(o, 'provider_id', w, { required: true }),
    provider_ref: str(o, 'provider_ref', w),
    host_id: str(o, 'host_id', w),
    config: strList(o, 'config', w),
  };
  const annotations = strMap(o, 'annotations', w);
  if (annotations) cmd.annotations = annotations;
  return cmd;
}

export function decodeStopProviderCommand(raw: unknown): StopProviderCommand {
  const w = 'stop provider request';
  const o = body(raw, w);
  return { host_id: str(o, 'host_id', w), provider_id: str(o, 'provider_id', w, { aliases: ['provider_ref'] }) };
}

export function decodeStopHostCommand(raw: unknown): StopHostCommand {
  const w = 'stop host request';
  const o = body(raw, w);
  const cmd: StopHostCommand = { host_id: str(o, 'host_id', w) };
  const timeout = uint(o, ['timeout'], w);
  if (timeout !== undefined) cmd.timeout = timeout;
  return cmd;
}

export function decodeComponentAuctionRequest(raw: unknown): ComponentAuctionRequest {
  const w = 'component auction request';
  const o = body(raw, w);
  return {
    component_ref: str(o, 'component_ref', w),
    component_id: str(o, 'component_id', w),
    constraints: strMap(o, 'constraints', w) ?? {},
  };
}

export function decodeProviderAuctionRequest(raw: unknown): ProviderAuctionRequest {
  const w = 'provider auction request';
  const o = body(raw, w);
  return {
    provider_ref: str(o, 'provider_ref', w),
    provider_id: str(o, 'provider_id', w),
    constraints: strMap(o, 'constraints', w) ?? {},
  };
}

export function decodeLink(raw: unknown): Link {
  const w = 'link';
  const o = body(raw, w);
  return {
    source_id: str(o, 'source_id', w, { required: true }),
    target: str(o, 'target', w, { required: true }),
    name: str(o, 'name', w) || 'default',
    wit_namespace: str(o, 'wit_namespace', w, { required: true }),
    wit_package: str(o, 'wit_package', w, { required: true }),
    interfaces: strList(o, 'interfaces', w),
    source_config: strList(o, 'source_config', w),
    target_config: strList(o, 'target_config', w),
  };
}

export function decodeDeleteLinkRequest(raw: unknown): DeleteLinkRequest {
  const w = 'delete link request';
  const o = body(raw, w);
  return {
    source_id: str(o, 'source_id', w, { required: true }),
    name: str(o, 'name', w) || 'default',
    wit_namespace: str(o, 'wit_namespace', w, { required: true }),
    wit_package: str(o, 'wit_package', w, { required: true }),
  };
}

export function decodeHostLabel(raw: unknown): HostLabel {
  const w = 'put label request';
  const o = body(raw, w);
  return { key: str(o, 'key', w, { required: true }), value: str(o, 'value', w, { required: true }) };
}

export function decodeHostLabelIdentifier(raw: unknown): HostLabelIdentifier {
  const w = 'delete label request';
  return { key: str(body(raw, w), 'key', w, { required: true }) };
}

/** `config.put` body: a JSON object of strings. */
export function decodeConfigMap(raw: unknown): ConfigMap {
  const w = 'config';
  if (!isObject(raw)) throw new CtlDecodeError(`${w}: expected a JSON object of string values`);
  const map = strMap({ v: raw }, 'v', w);
  return map ?? {};
}

/** Renames the legacy `actors` key of an inventory (reply or heartbeat) to `components`. */
export function normalizeInventory(raw: Record<string, unknown>): HostInventory {
  if (raw.components === undefined && raw.actors !== undefined) {
    const { actors, ...rest } = raw;
    return { ...rest, components: actors } as unknown as HostInventory;
  }
  return raw as unknown as HostInventory;
}
