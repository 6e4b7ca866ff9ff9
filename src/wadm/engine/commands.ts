/**
 * What scalers ask for: a closed union of commands (data, never side effects), and the events each command
 * is expected to cause, so a scaler does not re-issue work that is still in flight (wadm.md §4.2–4.3).
 */
import { eventHostId, type LatticeEvent } from '../../lattice/events.js';
import type { Link, StringMap } from '../../lattice/types.js';

export interface ScaleComponent {
  type: 'ScaleComponent';
  componentId: string;
  hostId: string;
  /** Absolute instance cap on that host (0 stops the component there). */
  count: number;
  reference: string;
  modelName: string;
  annotations: StringMap;
  config: string[];
}

/** Swap the image of a running component in place (`component.update`), keeping it serving. */
export interface UpdateComponent {
  type: 'UpdateComponent';
  componentId: string;
  hostId: string;
  /** The new image reference. */
  reference: string;
  modelName: string;
  annotations: StringMap;
}

export interface StartProvider {
  type: 'StartProvider';
  providerId: string;
  hostId: string;
  reference: string;
  modelName: string;
  annotations: StringMap;
  config: string[];
}

export interface StopProvider {
  type: 'StopProvider';
  providerId: string;
  hostId: string;
  modelName: string;
  annotations: StringMap;
}

export interface PutLink {
  type: 'PutLink';
  modelName: string;
  link: Link;
}

export interface DeleteLink {
  type: 'DeleteLink';
  modelName: string;
  sourceId: string;
  namespace: string;
  package: string;
  name: string;
}

export interface PutConfig {
  type: 'PutConfig';
  name: string;
  values: StringMap;
}

export interface DeleteConfig {
  type: 'DeleteConfig';
  name: string;
}

export type Command =
  | ScaleComponent
  | UpdateComponent
  | StartProvider
  | StopProvider
  | PutLink
  | DeleteLink
  | PutConfig
  | DeleteConfig;
export type CommandType = Command['type'];

/** A command together with the app and scaler that asked for it (failures are reported back to them). */
export interface TaggedCommand {
  app: string;
  /** Undefined for upgrade/undeploy cleanup, which no live scaler owns. */
  scalerId?: string;
  command: Command;
}

/** One line for logs. */
export function describeCommand(cmd: Command): string {
  switch (cmd.type) {
    case 'ScaleComponent':
      return `scale component ${cmd.componentId} to ${cmd.count} on host ${cmd.hostId} (${cmd.reference})`;
    case 'UpdateComponent':
      return `update component ${cmd.componentId} on host ${cmd.hostId} to ${cmd.reference}`;
    case 'StartProvider':
      return `start provider ${cmd.providerId} on host ${cmd.hostId} (${cmd.reference})`;
    case 'StopProvider':
      return `stop provider ${cmd.providerId} on host ${cmd.hostId}`;
    case 'PutLink':
      return `put link ${cmd.link.source_id} -(${cmd.link.wit_namespace}:${cmd.link.wit_package}/${cmd.link.interfaces.join(',')}, ${cmd.link.name})-> ${cmd.link.target}`;
    case 'DeleteLink':
      return `delete link ${cmd.sourceId} -(${cmd.namespace}:${cmd.package}, ${cmd.name})->`;
    case 'PutConfig':
      return `put config ${cmd.name}`;
    case 'DeleteConfig':
      return `delete config ${cmd.name}`;
    default:
      return assertNever(cmd);
  }
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}

// ---------------------------------------------------------------------------------------------------------
// Expected events

/** An event a command should cause, until `deadline` (ms since epoch). */
export type Expectation = { deadline: number } & (
  | { on: 'component'; componentId: string; hostId: string; stopped: boolean; imageRef?: string }
  | { on: 'provider-started'; providerId: string; hostId: string }
  | { on: 'provider-stopped'; providerId: string; hostId: string }
  | { on: 'link-set'; sourceId: string; namespace: string; package: string; name: string; target: string }
  | { on: 'link-deleted'; sourceId: string; namespace: string; package: string; name: string }
  | { on: 'config-set' | 'config-deleted'; name: string }
);

export type ExpectationOutcome = { outcome: 'success' } | { outcome: 'failure'; error: string };

/** What `cmd` should cause, expected within `windowMs` of `now`. */
export function expectationFor(cmd: Command, now: number, windowMs: number): Expectation {
  const deadline = now + windowMs;
  switch (cmd.type) {
    case 'ScaleComponent':
      return cmd.count === 0
        ? { on: 'component', componentId: cmd.componentId, hostId: cmd.hostId, stopped: true, deadline }
        : { on: 'component', componentId: cmd.componentId, hostId: cmd.hostId, stopped: false, deadline };
    case 'UpdateComponent':
      return {
        on: 'component',
        componentId: cmd.componentId,
        hostId: cmd.hostId,
        stopped: false,
        imageRef: cmd.reference,
        deadline,
      };
    case 'StartProvider':
      return { on: 'provider-started', providerId: cmd.providerId, hostId: cmd.hostId, deadline };
    case 'StopProvider':
      return { on: 'provider-stopped', providerId: cmd.providerId, hostId: cmd.hostId, deadline };
    case 'PutLink': {
      const l = cmd.link;
      return {
        on: 'link-set',
        sourceId: l.source_id,
        namespace: l.wit_namespace,
        package: l.wit_package,
        name: l.name,
        target: l.target,
        deadline,
      };
    }
    case 'DeleteLink':
      return {
        on: 'link-deleted',
        sourceId: cmd.sourceId,
        namespace: cmd.namespace,
        package: cmd.package,
        name: cmd.name,
        deadline,
      };
    case 'PutConfig':
      return { on: 'config-set', name: cmd.name, deadline };
    case 'DeleteConfig':
      return { on: 'config-deleted', name: cmd.name, deadline };
    default:
      return assertNever(cmd);
  }
}

/** Index key shared by an expectation and the events that can settle it. */
export function expectationKey(exp: Expectation): string {
  switch (exp.on) {
    case 'component':
      return `c|${exp.componentId}|${exp.hostId}`;
    case 'provider-started':
    case 'provider-stopped':
      return `p|${exp.providerId}|${exp.hostId}`;
    case 'link-set':
    case 'link-deleted':
      return `l|${exp.sourceId}|${exp.namespace}|${exp.package}|${exp.name}`;
    case 'config-set':
    case 'config-deleted':
      return `g|${exp.name}`;
    default:
      return assertNever(exp);
  }
}

/** The expectation key an event may settle, if any. */
export function eventExpectationKey(event: LatticeEvent): string | undefined {
  switch (event.name) {
    case 'component_scaled':
    case 'component_scale_failed':
      return `c|${event.data.component_id}|${eventHostId(event)}`;
    case 'provider_started':
    case 'provider_start_failed':
    case 'provider_stopped':
      return `p|${event.data.provider_id}|${eventHostId(event)}`;
    case 'linkdef_set':
    case 'linkdef_set_failed':
    case 'linkdef_deleted': {
      const d = event.data;
      return `l|${d.source_id}|${d.wit_namespace}|${d.wit_package}|${d.name}`;
    }
    case 'config_set':
    case 'config_deleted':
      return `g|${event.data.config_name}`;
    default:
      return undefined;
  }
}

/** Whether `event` settles `exp` (and how), or undefined when it is unrelated. */
export function matchExpectation(exp: Expectation, event: LatticeEvent): ExpectationOutcome | undefined {
  if (eventExpectationKey(event) !== expectationKey(exp)) return undefined;
  switch (exp.on) {
    case 'component':
      if (event.name === 'component_scale_failed')
        return exp.stopped ? undefined : { outcome: 'failure', error: event.data.error };
      if (event.name !== 'component_scaled') return undefined;
      if (exp.stopped) return event.data.max_instances === 0 ? { outcome: 'success' } : undefined;
      if (event.data.max_instances === 0) return undefined;
      // Not the annotations: a host re-instantiating an existing component reports its previous ones.
      if (exp.imageRef !== undefined && event.data.image_ref !== exp.imageRef) return undefined;
      return { outcome: 'success' };
    case 'provider-started':
      if (event.name === 'provider_started') return { outcome: 'success' };
      if (event.name === 'provider_start_failed') return { outcome: 'failure', error: event.data.error };
      return undefined;
    case 'provider-stopped':
      return event.name === 'provider_stopped' ? { outcome: 'success' } : undefined;
    case 'link-set':
      if (event.name === 'linkdef_set' && event.data.target === exp.target) return { outcome: 'success' };
      if (event.name === 'linkdef_set_failed' && event.data.target === exp.target)
        return { outcome: 'failure', error: event.data.error };
      return undefined;
    case 'link-deleted':
      return event.name === 'linkdef_deleted' ? { outcome: 'success' } : undefined;
    case 'config-set':
      return event.name === 'config_set' ? { outcome: 'success' } : undefined;
    case 'config-deleted':
      return event.name === 'config_deleted' ? { outcome: 'success' } : undefined;
    default:
      return assertNever(exp);
  }
}
