/**
 * Scalers as data plus pure functions: a `ScalerSpec` says what one trait wants; `reconcileScaler(spec,
 * observed, ctx)` says which commands close the gap and what the status is. No scaler does I/O.
 */
import type { Link, StringMap } from '../../../lattice/types.js';
import type { StatusInfo } from '../../types.js';
import type { Command } from '../commands.js';
import type { SpreadDef } from '../spread.js';

/** A config entry the workload or link needs (wadm-owned when `properties` is set, else external). */
export interface ConfigPrerequisite {
  kind: 'ConfigScaler';
  id: string;
  /** The config name in the lattice. */
  name: string;
  properties?: StringMap;
}

/** A secret reference, kept as a config entry named `SECRET_…` with exactly these values. */
export interface SecretPrerequisite {
  kind: 'SecretScaler';
  id: string;
  name: string;
  values: StringMap;
}

export type Prerequisite = ConfigPrerequisite | SecretPrerequisite;

interface WorkloadScalerBase {
  kind: 'SpreadScaler' | 'DaemonScaler';
  id: string;
  /** Status name: the component or provider id. */
  name: string;
  /** The app the workload belongs to (annotation `wasmcloud.dev/appspec`). */
  modelName: string;
  /** The component's name in the manifest. */
  componentName: string;
  reference: string;
  /** Config and secret names given to the workload. */
  config: string[];
  instances: number;
  spreads: SpreadDef[];
  prerequisites: Prerequisite[];
  /**
   * May take over instances of the same app left by scalers that no longer exist (an upgrade, or a wadm
   * that restarted mid-upgrade): false when two scalers of the app manage the same id.
   */
  adoptStale: boolean;
}

export interface ComponentScalerSpec extends WorkloadScalerBase {
  role: 'component';
  componentId: string;
}

export interface ProviderScalerSpec extends WorkloadScalerBase {
  role: 'provider';
  providerId: string;
}

export interface LinkScalerSpec {
  role: 'link';
  kind: 'LinkScaler';
  id: string;
  /** `{source} -({ns}:{pkg})-> {target}` */
  name: string;
  modelName: string;
  link: Link;
  prerequisites: Prerequisite[];
}

/** A scaler that could not be built: it only reports a fixed status. */
export interface StatusScalerSpec {
  role: 'status';
  kind: 'SpreadScaler' | 'LinkScaler';
  id: string;
  name: string;
  modelName: string;
  status: StatusInfo;
  prerequisites: Prerequisite[];
}

export type WorkloadScalerSpec = ComponentScalerSpec | ProviderScalerSpec;
export type ScalerSpec = WorkloadScalerSpec | LinkScalerSpec | StatusScalerSpec;

export interface ScalerResult {
  commands: Command[];
  status: StatusInfo;
  /** Instances (or hosts, for providers) the scaler wants, where that is meaningful. */
  desired?: number;
  /** What it observes of that. */
  observed?: number;
  /** Hosts this pass asked to run the workload with this scaler's annotations (see `ReconcileContext.labelled`). */
  labelled?: string[];
}

export interface ReconcileContext {
  /** Ids of every scaler of the app right now: instances carrying another id of this app are stale. */
  appScalerIds: ReadonlySet<string>;
  /**
   * Hosts where this scaler already asked for its annotations. wasmCloud hosts only apply new annotations
   * when they re-instantiate (count or config changed) and report the old ones in that scale's event, so a
   * stale instance there is accepted as adopted instead of being re-labelled again and again.
   */
  labelled?: ReadonlySet<string>;
}

export function deployed(): StatusInfo {
  return { type: 'deployed' };
}

export function reconciling(message: string): StatusInfo {
  return message ? { type: 'reconciling', message } : { type: 'reconciling' };
}

export function failed(message: string): StatusInfo {
  return { type: 'failed', message };
}
