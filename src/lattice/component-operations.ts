/** Component operations of the lattice commands: start (auction or host), scale, stop, update. */
import { UserError } from '../errors.js';
import type { CtlClient } from './ctl-client.js';
import { eventHostId, isEvent, type LatticeEvent } from './events.js';
import { hostRunning, pickHost, resolveHostId } from './host-operations.js';
import { noProgress, requestAndConfirm, type ProgressFn } from './request-and-confirm.js';
import type { StringMap } from './types.js';

/** Waiting defaults of wash v1 when `--timeout-ms` is not given. */
export const DEFAULT_START_COMPONENT_WAIT_MS = 10_000;
export const DEFAULT_COMPONENT_OPERATION_WAIT_MS = 5_000;

export interface ComponentResult {
  result: string;
  component_ref: string;
  component_id: string;
  host_id: string;
  /** A warning the host put in its reply (e.g. the component runs with a different reference). */
  warning?: string;
}

export interface ScaleComponentOptions {
  hostId: string;
  componentRef: string;
  componentId: string;
  maxInstances: number;
  annotations?: StringMap;
  config?: string[];
  allowUpdate?: boolean;
  skipWait?: boolean;
  waitTimeoutMs: number;
  progress?: ProgressFn;
}

/** Sends `component.scale` and (unless `skipWait`) waits for `component_scaled` / `component_scale_failed`. */
export async function scaleComponentAndWait(
  client: CtlClient,
  o: ScaleComponentOptions,
): Promise<{ event?: LatticeEvent; message: string }> {
  const stopping = o.maxInstances === 0;
  const { ack, event } = await requestAndConfirm(client, {
    request: () =>
      client.scaleComponent({
        component_ref: o.componentRef,
        component_id: o.componentId,
        count: o.maxInstances,
        host_id: o.hostId,
        config: o.config ?? [],
        allow_update: o.allowUpdate ?? false,
        ...(o.annotations && Object.keys(o.annotations).length ? { annotations: o.annotations } : {}),
      }),
    confirms: (e) =>
      (isEvent(e, 'component_scaled') &&
        e.data.component_id === o.componentId &&
        eventHostId(e) === o.hostId &&
        (!stopping || e.data.max_instances === 0)) ||
      (isEvent(e, 'component_scale_failed') && e.data.component_id === o.componentId && eventHostId(e) === o.hostId),
    wait: {
      names: ['component_scaled', 'component_scale_failed'],
      awaiting: `component_scaled for component "${o.componentId}" on host ${o.hostId}`,
      hint: stopping
        ? 'the host accepted the request but did not report the component stopped; check `wash get inventory` and the host logs, or wait longer with --timeout-ms'
        : 'the host accepted the request but did not report the component running; fetching or instantiating it may be slow or may have failed. ' +
          'Check `wash get inventory` and the host logs, or wait longer with --timeout-ms',
    },
    waitTimeoutMs: o.waitTimeoutMs,
    skipWait: o.skipWait,
    onWaiting: () =>
      (o.progress ?? noProgress)(
        stopping
          ? `Waiting for component ${o.componentId} to stop ...`
          : `Waiting for component ${o.componentId} to scale ...`,
      ),
  });
  if (event && isEvent(event, 'component_scale_failed')) {
    throw new UserError(
      `component "${o.componentId}" (${o.componentRef}) failed to ${stopping ? 'stop' : 'scale'} on host ${o.hostId}: ${event.data.error}`,
    );
  }
  return { event, message: ack.message };
}

export interface StartComponentOptions {
  componentRef: string;
  componentId: string;
  /** Host id, id prefix or friendly name; auction when absent. */
  hostId?: string;
  maxInstances: number;
  constraints?: StringMap;
  auctionTimeoutMs: number;
  config?: string[];
  allowUpdate?: boolean;
  skipWait?: boolean;
  waitTimeoutMs: number;
  progress?: ProgressFn;
}

export async function startComponent(client: CtlClient, o: StartComponentOptions): Promise<ComponentResult> {
  const progress = o.progress ?? noProgress;
  const hostId = await pickHost(client, {
    kind: 'component',
    id: o.componentId,
    ref: o.componentRef,
    hostId: o.hostId,
    constraints: o.constraints,
    auctionTimeoutMs: o.auctionTimeoutMs,
    progress,
  });
  progress(`Starting component ${o.componentId} on host ${hostId} ...`);
  const { message } = await scaleComponentAndWait(client, {
    hostId,
    componentRef: o.componentRef,
    componentId: o.componentId,
    maxInstances: o.maxInstances,
    config: o.config,
    allowUpdate: o.allowUpdate,
    skipWait: o.skipWait,
    waitTimeoutMs: o.waitTimeoutMs,
    progress,
  });
  const result = o.skipWait
    ? `Start component [${o.componentRef}] request received on host [${hostId}]`
    : `Component [${o.componentId}] (ref: [${o.componentRef}]) started on host [${hostId}]`;
  return {
    result,
    component_ref: o.componentRef,
    component_id: o.componentId,
    host_id: hostId,
    ...(message ? { warning: message } : {}),
  };
}

export interface ScaleComponentCommandOptions extends Omit<ScaleComponentOptions, 'hostId'> {
  /** Host id, id prefix or friendly name. */
  host: string;
}

export async function scaleComponent(client: CtlClient, o: ScaleComponentCommandOptions): Promise<ComponentResult> {
  const hostId = (await resolveHostId(client, o.host, '<host-id>')).id;
  (o.progress ?? noProgress)(`Scaling component ${o.componentId} on host ${hostId} ...`);
  const { message } = await scaleComponentAndWait(client, { ...o, hostId });
  const scale = o.maxInstances >= 0xffffffff ? 'unbounded concurrency' : `${o.maxInstances} max concurrent instances`;
  const result = o.skipWait
    ? `Scale request for component [${o.componentId}] (ref: [${o.componentRef}]) received on host [${hostId}]`
    : `Component [${o.componentId}] (ref: [${o.componentRef}]) scaled on host [${hostId}] to ${scale}`;
  return {
    host_id: hostId,
    component_id: o.componentId,
    component_ref: o.componentRef,
    result,
    ...(message ? { warning: message } : {}),
  };
}

export interface StopComponentOptions {
  componentId: string;
  hostId?: string;
  skipWait?: boolean;
  waitTimeoutMs: number;
  progress?: ProgressFn;
}

/** Scales the component to 0 on the host running it (the given host, or the only one). */
export async function stopComponent(
  client: CtlClient,
  o: StopComponentOptions,
): Promise<{ result: string; component_id: string; host_id: string }> {
  (o.progress ?? noProgress)(`Finding component ${o.componentId} ...`);
  const { inventory, imageRef } = await hostRunning(client, 'component', o.componentId, o.hostId);
  await scaleComponentAndWait(client, {
    hostId: inventory.host_id,
    componentRef: imageRef ?? '',
    componentId: o.componentId,
    maxInstances: 0,
    skipWait: o.skipWait,
    waitTimeoutMs: o.waitTimeoutMs,
    progress: o.progress,
  });
  const result = o.skipWait
    ? `Request to stop component [${o.componentId}] received`
    : `Component [${o.componentId}] stopped`;
  return { result, component_id: o.componentId, host_id: inventory.host_id };
}

export interface UpdateComponentOptions {
  componentId: string;
  newComponentRef: string;
  hostId?: string;
}

export async function updateComponent(
  client: CtlClient,
  o: UpdateComponentOptions,
): Promise<{ result: string; component_id: string; host_id: string; component_ref: string }> {
  const { inventory, imageRef } = await hostRunning(client, 'component', o.componentId, o.hostId);
  const hostId = inventory.host_id;
  const base = { component_id: o.componentId, host_id: hostId, component_ref: o.newComponentRef };
  if (imageRef === o.newComponentRef) {
    return {
      ...base,
      result: `Component ${o.componentId} already updated to ${o.newComponentRef} on host [${hostId}]`,
    };
  }
  const ack = await client.updateComponent({
    host_id: hostId,
    component_id: o.componentId,
    new_component_ref: o.newComponentRef,
  });
  const message = ack.message || `component ${o.componentId} updating from ${imageRef} to ${o.newComponentRef}`;
  return { ...base, result: `Host [${hostId}]: ${message}` };
}
