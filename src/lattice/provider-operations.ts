/** Provider operations of the lattice commands: start (auction or host) and stop. */
import { UserError } from '../errors.js';
import type { CtlClient } from './ctl-client.js';
import { eventHostId, isEvent } from './events.js';
import { hostRunning, pickHost } from './host-operations.js';
import { noProgress, requestAndConfirm, type ProgressFn } from './request-and-confirm.js';
import type { StringMap } from './types.js';

/** Waiting default of wash v1 when `--timeout-ms` is not given. */
export const DEFAULT_START_PROVIDER_WAIT_MS = 60_000;

export interface StartProviderOptions {
  providerRef: string;
  providerId: string;
  hostId?: string;
  constraints?: StringMap;
  auctionTimeoutMs: number;
  config?: string[];
  skipWait?: boolean;
  waitTimeoutMs: number;
  progress?: ProgressFn;
}

export async function startProvider(
  client: CtlClient,
  o: StartProviderOptions,
): Promise<{ result: string; provider_ref: string; provider_id: string; host_id: string }> {
  const progress = o.progress ?? noProgress;
  const hostId = await pickHost(client, {
    kind: 'provider',
    id: o.providerId,
    ref: o.providerRef,
    hostId: o.hostId,
    constraints: o.constraints,
    auctionTimeoutMs: o.auctionTimeoutMs,
    progress,
  });
  progress(`Starting provider ${o.providerId} on host ${hostId} ...`);
  const { event } = await requestAndConfirm(client, {
    request: () =>
      client.startProvider({
        provider_id: o.providerId,
        provider_ref: o.providerRef,
        host_id: hostId,
        config: o.config ?? [],
      }),
    confirms: (e) =>
      (isEvent(e, 'provider_started') && e.data.provider_id === o.providerId && eventHostId(e) === hostId) ||
      (isEvent(e, 'provider_start_failed') && e.data.provider_id === o.providerId && eventHostId(e) === hostId),
    wait: {
      names: ['provider_started', 'provider_start_failed'],
      awaiting: `provider_started for provider "${o.providerId}" on host ${hostId}`,
      hint:
        'the host accepted the request but did not report the provider running; downloading or starting it may be slow or may have failed. ' +
        'Check `wash get inventory` and the host logs, or wait longer with --timeout-ms',
    },
    waitTimeoutMs: o.waitTimeoutMs,
    skipWait: o.skipWait,
    onWaiting: () => progress(`Waiting for provider ${o.providerId} to start ...`),
  });
  const base = { provider_ref: o.providerRef, provider_id: o.providerId, host_id: hostId };
  if (!event) return { ...base, result: `Start provider request received: ${o.providerRef}` };
  if (isEvent(event, 'provider_start_failed')) {
    throw new UserError(
      `provider "${o.providerId}" (${o.providerRef}) failed to start on host ${hostId}: ${event.data.error}`,
    );
  }
  return { ...base, result: `Provider [${o.providerId}] (ref: [${o.providerRef}]) started on host [${hostId}]` };
}

export interface StopProviderOptions {
  providerId: string;
  hostId?: string;
  skipWait?: boolean;
  waitTimeoutMs: number;
  progress?: ProgressFn;
}

export async function stopProvider(
  client: CtlClient,
  o: StopProviderOptions,
): Promise<{ result: string; provider_id: string; host_id: string }> {
  const progress = o.progress ?? noProgress;
  progress(`Finding provider ${o.providerId} ...`);
  const { inventory } = await hostRunning(client, 'provider', o.providerId, o.hostId);
  const hostId = inventory.host_id;
  progress(`Stopping provider ${o.providerId} on host ${hostId} ...`);
  await requestAndConfirm(client, {
    request: () => client.stopProvider({ host_id: hostId, provider_id: o.providerId }),
    confirms: (e) => isEvent(e, 'provider_stopped') && e.data.provider_id === o.providerId && eventHostId(e) === hostId,
    wait: {
      names: ['provider_stopped'],
      awaiting: `provider_stopped for provider "${o.providerId}" on host ${hostId}`,
    },
    waitTimeoutMs: o.waitTimeoutMs,
    skipWait: o.skipWait,
  });
  const result = o.skipWait
    ? `Provider ${o.providerId} stop request received`
    : `Provider [${o.providerId}] stopped successfully`;
  return { result, provider_id: o.providerId, host_id: hostId };
}
