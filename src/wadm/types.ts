/**
 * Types shared by the wadm API server, its store, its client and the reconciliation engine. Property names
 * are the exact JSON keys on the wire (wadm.md §2.2–2.3). No runtime imports: safe anywhere.
 *
 * Clients must tolerate missing fields in replies: a generic error reply is only `{result, message}`.
 */
import type { WireManifest } from '../manifest/wire.js';

// ---------------------------------------------------------------------------------------------------------
// Result enums (lower case on the wire)

export type GetResult = 'error' | 'success' | 'notfound';
export type PutResult = 'error' | 'created' | 'newversion';
export type DeleteResult = 'deleted' | 'error' | 'noop';
/** Used by both deploy and undeploy. */
export type DeployResult = 'error' | 'acknowledged' | 'notfound';
/** wadm never actually sends `notfound` for status. */
export type StatusResult = 'error' | 'ok' | 'notfound';

export type StatusType = 'waiting' | 'undeployed' | 'reconciling' | 'deployed' | 'failed' | 'unhealthy';
export const STATUS_TYPES: readonly StatusType[] = [
  'waiting',
  'undeployed',
  'reconciling',
  'deployed',
  'failed',
  'unhealthy',
];

/** Input aliases wadm accepts for status types (older wadm versions). */
const STATUS_ALIASES: Record<string, StatusType> = { compensating: 'reconciling', ready: 'deployed' };

/** A status type from the wire, with aliases and case folded; unknown values become `undefined`. */
export function normalizeStatusType(value: unknown): StatusType | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.toLowerCase();
  if ((STATUS_TYPES as readonly string[]).includes(v)) return v as StatusType;
  return STATUS_ALIASES[v];
}

// ---------------------------------------------------------------------------------------------------------
// Manifests as the API and the store carry them (`src/manifest` owns the schema and the precise types)

/** The manifest as the store and the API carry it: one wire type (`src/manifest/wire.ts`). */
export type WadmManifest = WireManifest;

// ---------------------------------------------------------------------------------------------------------
// Status (also the payload published on `wadm.status.{lattice}.{name}`)

export interface StatusInfo {
  type: StatusType;
  /** Omitted when empty. */
  message?: string;
}

export interface ScalerStatus {
  /** Scaler id: lower-case hex SHA-256 for most scalers (wadm.md §4.6). */
  id: string;
  /** `SpreadScaler`, `DaemonScaler`, `LinkScaler`, `ConfigScaler`, `SecretScaler`, … */
  kind: string;
  /** The component/provider id, link description or config name the scaler manages. */
  name: string;
  status: StatusInfo;
  /** Our addition: instances the scaler wants, where that is meaningful. */
  desired?: number;
  /** Our addition: instances observed in the lattice, where that is meaningful. */
  observed?: number;
}

/** Our addition to the status document: a summary of what the engine observed for this app. */
export interface ObservedSummary {
  hosts?: number;
  components?: number;
  providers?: number;
  links?: number;
  [key: string]: unknown;
}

export interface Status {
  status: StatusInfo;
  /** Omitted when empty. */
  scalers?: ScalerStatus[];
  /** Deprecated, always `""`. */
  version: string;
  /** Deprecated, always `[]`. */
  components: unknown[];
  /** Our addition. */
  observed?: ObservedSummary;
}

/** What `model.status` reports when no status was ever published (even for an unknown app). */
export function undeployedStatus(message?: string): Status {
  return { status: message ? { type: 'undeployed', message } : { type: 'undeployed' }, version: '', components: [] };
}

export const NO_HOSTS_MESSAGE = 'Waiting for status: Lattice contains no hosts, deployment not started.';

/** What `model.get` (list) reports for an app without status in a lattice without hosts. */
export function waitingNoHostsStatus(): Status {
  return { status: { type: 'waiting', message: NO_HOSTS_MESSAGE }, version: '', components: [] };
}

// ---------------------------------------------------------------------------------------------------------
// Responses (wadm.md §2.3)

/** Any handler may answer with just this. */
export interface ErrorResponse {
  result: 'error';
  message: string;
}

export interface PutModelResponse {
  result: PutResult;
  total_versions: number;
  current_version: string;
  message: string;
  name: string;
  /** Our addition on validation failures: every Error-level finding (`message` carries the first). */
  errors?: string[];
}

export interface GetModelResponse {
  result: GetResult;
  message: string;
  /** Omitted when there is none. */
  manifest?: WadmManifest;
}

export interface ModelSummary {
  name: string;
  /** The current (last inserted) version. */
  version: string;
  description: string | null;
  deployed_version: string | null;
  detailed_status: Status;
  /** Deprecated: `waiting` is reported as `undeployed` for old clients. */
  status: StatusType;
  /** Deprecated. */
  status_message: string | null;
}

export interface ListModelsResponse {
  result: GetResult;
  message: string;
  models: ModelSummary[];
}

export interface VersionInfo {
  version: string;
  deployed: boolean;
}

/** One entry of an app's deploy history (our addition; Rust wadm keeps none). */
export interface DeployRecord {
  version: string;
  /** RFC 3339. */
  deployed_at: string;
}

export interface VersionResponse {
  result: GetResult;
  message: string;
  /** Insertion (creation) order, not semver order. */
  versions: VersionInfo[];
  /** Our addition, oldest first; absent when the server keeps no history (Rust wadm). */
  deploy_history?: DeployRecord[];
}

export interface DeleteModelResponse {
  result: DeleteResult;
  message: string;
  undeploy: boolean;
}

export interface DeployModelResponse {
  result: DeployResult;
  message: string;
  name: string;
  version: string | null;
}

export interface StatusResponse {
  result: StatusResult;
  message: string;
  status?: Status;
}

// ---------------------------------------------------------------------------------------------------------
// Requests

/** Body of `model.get.{name}`: empty, or a version. */
export interface GetModelRequest {
  version?: string | null;
}

/** Body of `model.del.{name}`: empty or `{version: null}` deletes every version. */
export interface DeleteModelRequest {
  version?: string | null;
}

/** Body of `model.deploy.{name}`: empty, `{}`, `{version: null}` and `{version: "latest"}` deploy the latest. */
export interface DeployModelRequest {
  version?: string | null;
}

/** Body of `model.undeploy.{name}`. `orphan` is our addition (non-destructive undeploy). */
export interface UndeployModelRequest {
  orphan?: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Events published by the API server

/** Data of `com.wadm.manifest_unpublished` (one type with the event's, `src/lattice/events.ts`). */
export type { ManifestUnpublishedData as ManifestUnpublishedEventData } from '../lattice/events.js';

// ---------------------------------------------------------------------------------------------------------
// Storage (wadm.md §3.1)

export const MANIFEST_BUCKET = 'wadm_manifests';
export const STATUS_STREAM = 'wadm_status';
/** Messages kept per `wadm.status.{lattice}.{name}` subject. */
export const STATUS_STREAM_MAX_PER_SUBJECT = 10;

/** One stored version of an app. */
export interface StoredVersion {
  version: string;
  manifest: WadmManifest;
}

/**
 * An app record as the store returns it. On the wire (KV value) this is
 * `{"manifests":{"<v>":Manifest,…},"deployed_version":"<v>"|null,"wash_deploy_history":[…]}` where the key
 * order of `manifests` is the version order; here the order is an explicit array.
 */
export interface StoredApp {
  name: string;
  /** Insertion order; the last one is the current ("latest") version. */
  versions: StoredVersion[];
  deployed_version: string | null;
  /** Our addition (KV key `wash_deploy_history`), oldest first; empty for records written by Rust wadm. */
  deploy_history: DeployRecord[];
  /** KV revision the record was read at. */
  revision: number;
  /**
   * Which (lattice, app) the record belongs to (our `wash_lattice`/`wash_name` keys, ignored by Rust wadm). Keys are
   * `{lattice}-{name}` as upstream's, so two apps can share one; absent in records Rust wadm wrote.
   */
  owner?: RecordOwner;
}

export interface RecordOwner {
  lattice: string;
  name: string;
}
