/**
 * Wire types of the wasmCloud control interface v1 (`wasmbus.ctl.v1.{lattice}.…`). Property names are the
 * exact JSON keys on the wire (snake_case), so values can be `JSON.stringify`-ed as they are.
 * Optional properties are omitted from the JSON when absent (never `null`) unless the comment says otherwise.
 */

/** A flat string → string map (labels, annotations, named config, claims entries, constraints). */
export type StringMap = Record<string, string>;

/**
 * Envelope of every ctl reply. `response` is omitted (not `null`) when there is no payload.
 * Error = `success:false` with the error text in `message`.
 */
export interface CtlResponse<T = never> {
  success: boolean;
  message: string;
  response?: T;
}

// ---------------------------------------------------------------------------------------------------------
// Responses

/** Reply payload of `host.ping` (one `CtlResponse<Host>` per host). */
export interface Host {
  /** The host's nkey public key (`N…`, 56 chars). */
  id: string;
  friendly_name: string;
  lattice: string;
  labels: StringMap;
  uptime_seconds: number;
  /** Whole seconds, humantime style (`1h 2m 3s`). */
  uptime_human?: string;
  version?: string;
  ctl_host?: string;
  rpc_host?: string;
  js_domain?: string;
}

export interface ComponentDescription {
  id: string;
  image_ref: string;
  name?: string;
  annotations?: StringMap;
  revision: number;
  max_instances: number;
  /** Serialised as `null` when unset (not omitted) by the Rust host; older hosts omit it. */
  limits?: StringMap | null;
}

export interface ProviderDescription {
  id: string;
  image_ref?: string;
  name?: string;
  revision: number;
  annotations?: StringMap;
  /** wash extension, provider processes only: restarts after unexpected exits since `provider.start`. */
  restart_count?: number;
  /** wash extension: how the provider process last exited unexpectedly (e.g. `killed by SIGKILL`). */
  last_exit_reason?: string;
  /** wash extension, providers started from a provider archive: `wascap.vendor` of its claims. */
  vendor?: string;
}

/** Reply payload of `host.get.{id}`; also the `host_heartbeat` event data. */
export interface HostInventory {
  /** Legacy input key `actors` is accepted by decoders and renamed to `components`. */
  components: ComponentDescription[];
  providers: ProviderDescription[];
  host_id: string;
  friendly_name: string;
  labels: StringMap;
  version: string;
  uptime_human: string;
  uptime_seconds: number;
  /** Only in old heartbeats. */
  issuer?: string;
}

/**
 * One entry of `claims.get`. Components carry `call_alias, iss, issuer, name, rev, revision, sub, subject,
 * tags` (comma-joined) and `version`; providers `iss, issuer, name, rev, revision, sub, subject, version,
 * config_schema`. (`iss`/`rev`/`sub` duplicate `issuer`/`revision`/`subject`.)
 */
export type ClaimsMap = StringMap;

/** Reply payload of `claims.get`. */
export type ClaimsList = ClaimsMap[];

/** Named configuration: the `config.put` request body and the `config.get` reply payload. */
export type ConfigMap = StringMap;

// ---------------------------------------------------------------------------------------------------------
// Links

/** `link.put` request, element of the `link.get` reply, and what hosts store in LATTICEDATA specs. */
export interface Link {
  source_id: string;
  target: string;
  /** Defaults to `default`. */
  name: string;
  wit_namespace: string;
  wit_package: string;
  interfaces: string[];
  /** Named configs; default `[]`. */
  source_config: string[];
  target_config: string[];
}

/** `link.del` request: the identity of a link. */
export interface DeleteLinkRequest {
  source_id: string;
  name: string;
  wit_namespace: string;
  wit_package: string;
}

/** Value stored under `COMPONENT_{id}` in `LATTICEDATA_{lattice}` (components and providers alike). */
export interface ComponentSpec {
  url: string;
  links: Link[];
}

// ---------------------------------------------------------------------------------------------------------
// Requests

/** `component.scale.{host_id}`. `count: 0` stops the component. */
export interface ScaleComponentCommand {
  component_ref: string;
  component_id: string;
  annotations?: StringMap;
  /** Instance cap (the Rust field is `max_instances`; on the wire it is `count`). */
  count: number;
  component_limits?: StringMap;
  host_id: string;
  /** Names of configs in CONFIGDATA. */
  config: string[];
  allow_update: boolean;
}

/** `component.update.{host_id}`. */
export interface UpdateComponentCommand {
  host_id: string;
  component_id: string;
  new_component_ref: string;
  annotations?: StringMap;
}

/** `provider.start.{host_id}`. */
export interface StartProviderCommand {
  provider_id: string;
  provider_ref: string;
  host_id: string;
  config: string[];
  annotations?: StringMap;
}

/** `provider.stop.{host_id}` (hosts also accept `provider_ref` as an alias of `provider_id`). */
export interface StopProviderCommand {
  host_id: string;
  provider_id: string;
}

/** `host.stop.{host_id}`; `timeout` is a graceful-stop deadline in ms. */
export interface StopHostCommand {
  host_id: string;
  timeout?: number;
}

/** `component.auction` (publish, collect acks). */
export interface ComponentAuctionRequest {
  component_ref: string;
  component_id: string;
  constraints: StringMap;
}

/** Sent only by hosts whose labels satisfy every constraint and that do not already run the id. */
export interface ComponentAuctionAck {
  component_ref: string;
  component_id: string;
  host_id: string;
  constraints: StringMap;
}

/** `provider.auction` (publish, collect acks). */
export interface ProviderAuctionRequest {
  provider_ref: string;
  provider_id: string;
  constraints: StringMap;
}

export interface ProviderAuctionAck {
  host_id: string;
  provider_ref: string;
  provider_id: string;
  constraints: StringMap;
}

/** `label.put.{host_id}`. Keys starting with `hostcore.` (any case) are refused by hosts. */
export interface HostLabel {
  key: string;
  value: string;
}

/** `label.del.{host_id}`. */
export interface HostLabelIdentifier {
  key: string;
}

/** Value of the `registry.put` map (note camelCase `registryType`, default `"oci"`). */
export interface RegistryCredential {
  username?: string;
  password?: string;
  token?: string;
  registryType: string;
}

/** `registry.put` body (publish only): registry host → credential. */
export type RegistryCredentialMap = Record<string, RegistryCredential>;
