/** Builders for engine unit tests: observed states, events and manifests, without NATS. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildEvent, type EventName, type LatticeEvent } from '../../../src/lattice/events.js';
import type { StringMap } from '../../../src/lattice/types.js';
import { parseManifestText } from '../../../src/manifest/parse.js';
import type { Manifest } from '../../../src/manifest/schema.js';
import { applyInventory, createLatticeState, type LatticeState } from '../../../src/wadm/engine/state.js';
import { it } from 'vitest';
import { needing, PEER_FIXTURES_SKIP, WADM_MANIFESTS } from '../../helpers/peer-fixtures.js';

/** wadm's manifests (`test/helpers/peer-fixtures.ts`); tests using `fixture()` are written with `itWithFixtures`. */
export { WADM_MANIFESTS, PEER_FIXTURES_SKIP } from '../../helpers/peer-fixtures.js';

/** `it` for a test that reads wadm's manifests: skipped, saying why in its name, when they are absent. */
export function itWithFixtures(name: string, fn: () => void | Promise<void>): void {
  it.skipIf(!WADM_MANIFESTS)(needing(WADM_MANIFESTS, name), fn);
}
export const T0 = 1_700_000_000_000;

export interface HostSeed {
  id: string;
  labels?: StringMap;
  components?: { id: string; image: string; count: number; annotations?: StringMap }[];
  providers?: { id: string; image: string; annotations?: StringMap }[];
}

export function stateWith(hosts: HostSeed[], now = T0): LatticeState {
  const state = createLatticeState();
  state.linksKnown = true;
  for (const h of hosts) {
    applyInventory(
      state,
      {
        host_id: h.id,
        friendly_name: `${h.id}-name`,
        labels: h.labels ?? {},
        version: '1.0.0',
        uptime_human: '1s',
        uptime_seconds: 1,
        components: (h.components ?? []).map((c) => ({
          id: c.id,
          image_ref: c.image,
          max_instances: c.count,
          revision: 0,
          annotations: c.annotations ?? {},
        })),
        providers: (h.providers ?? []).map((p) => ({
          id: p.id,
          image_ref: p.image,
          revision: 0,
          annotations: p.annotations ?? {},
        })),
      },
      now,
    );
  }
  return state;
}

export function evt<N extends EventName>(
  name: N,
  data: Parameters<typeof buildEvent<N>>[1],
  source = 'NHOST',
  now = T0,
): LatticeEvent {
  return buildEvent(name, data, source, { now }) as unknown as LatticeEvent;
}

export function parseManifest(text: string): Manifest {
  const r = parseManifestText(text);
  if (!r.manifest) throw new Error(`bad test manifest: ${r.findings.map((f) => f.msg).join('; ')}`);
  return r.manifest;
}

export function fixture(file: string): Manifest {
  if (!WADM_MANIFESTS) throw new Error(`wadm manifest ${file} needed ${PEER_FIXTURES_SKIP}`);
  return parseManifest(readFileSync(join(WADM_MANIFESTS, file), 'utf8'));
}

/** A one-component manifest with a spreadscaler. */
export function componentApp(
  opts: {
    name?: string;
    component?: string;
    image?: string;
    instances?: number;
    spreads?: unknown[];
    daemon?: boolean;
    id?: string;
  } = {},
): Manifest {
  return parseManifest(
    JSON.stringify({
      apiVersion: 'core.oam.dev/v1beta1',
      kind: 'Application',
      metadata: { name: opts.name ?? 'myapp', annotations: { version: 'v1' } },
      spec: {
        components: [
          {
            name: opts.component ?? 'hello',
            type: 'component',
            properties: { image: opts.image ?? 'ghcr.io/x/hello:0.1.0', ...(opts.id ? { id: opts.id } : {}) },
            traits: [
              {
                type: opts.daemon ? 'daemonscaler' : 'spreadscaler',
                properties: { instances: opts.instances ?? 1, spread: opts.spreads ?? [] },
              },
            ],
          },
        ],
      },
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------
// A pure stand-in for hosts: applies commands the way wasmCloud hosts would and feeds back the events.

import type { Command, TaggedCommand } from '../../../src/wadm/engine/commands.js';
import { applyConfig, applyEvent } from '../../../src/wadm/engine/state.js';
import { observeAppEvent, reconcileApp, type AppRuntime } from '../../../src/wadm/engine/app.js';
import type { Status } from '../../../src/wadm/types.js';

export function hostEventsFor(state: LatticeState, cmd: Command, now: number): LatticeEvent[] {
  switch (cmd.type) {
    case 'ScaleComponent': {
      // wasmCloud 1.x keeps the running image and reports the previous annotations of a running component.
      const prev = state.components.get(cmd.componentId)?.get(cmd.hostId);
      const image = prev?.imageRef ?? cmd.reference;
      return [
        evt(
          'component_scaled',
          {
            component_id: cmd.componentId,
            image_ref: image,
            host_id: cmd.hostId,
            max_instances: cmd.count,
            annotations: prev?.annotations ?? cmd.annotations,
          },
          cmd.hostId,
          now,
        ),
      ];
    }
    case 'UpdateComponent': {
      const prev = state.components.get(cmd.componentId)?.get(cmd.hostId);
      if (!prev) return [];
      return [
        evt(
          'component_scaled',
          {
            component_id: cmd.componentId,
            image_ref: cmd.reference,
            host_id: cmd.hostId,
            max_instances: prev.count,
            annotations: cmd.annotations,
          },
          cmd.hostId,
          now,
        ),
        evt(
          'component_scaled',
          {
            component_id: cmd.componentId,
            image_ref: prev.imageRef,
            host_id: cmd.hostId,
            max_instances: 0,
            annotations: prev.annotations,
          },
          cmd.hostId,
          now,
        ),
      ];
    }
    case 'StartProvider':
      return [
        evt(
          'provider_started',
          { provider_id: cmd.providerId, image_ref: cmd.reference, host_id: cmd.hostId, annotations: cmd.annotations },
          cmd.hostId,
          now,
        ),
        evt('health_check_passed', { provider_id: cmd.providerId, host_id: cmd.hostId }, cmd.hostId, now),
      ];
    case 'StopProvider':
      return [
        evt(
          'provider_stopped',
          { provider_id: cmd.providerId, host_id: cmd.hostId, annotations: {}, reason: 'stop' },
          cmd.hostId,
          now,
        ),
      ];
    case 'PutLink':
      return [evt('linkdef_set', cmd.link, 'HOSTX', now)];
    case 'DeleteLink':
      return [
        evt(
          'linkdef_deleted',
          { source_id: cmd.sourceId, name: cmd.name, wit_namespace: cmd.namespace, wit_package: cmd.package },
          'HOSTX',
          now,
        ),
      ];
    case 'PutConfig':
      return [evt('config_set', { config_name: cmd.name }, 'HOSTX', now)];
    case 'DeleteConfig':
      return [evt('config_deleted', { config_name: cmd.name }, 'HOSTX', now)];
  }
}

/** Runs commands "on hosts": events go to the state and to the app's scalers. */
export function runOnHosts(
  state: LatticeState,
  app: AppRuntime | undefined,
  commands: readonly TaggedCommand[],
  now: number,
): void {
  for (const { command } of commands) {
    for (const e of hostEventsFor(state, command, now)) {
      applyEvent(state, e, now);
      if (app) observeAppEvent(app, e, now);
    }
    // The engine re-reads a config after config_set; the stand-in just knows the value.
    if (command.type === 'PutConfig') applyConfig(state, command.name, { state: 'present', values: command.values });
  }
}

/** Reconcile passes until the app issues nothing more; returns every command issued and the last status. */
export function converge(
  app: AppRuntime,
  state: LatticeState,
  now = T0,
  maxPasses = 20,
): { issued: TaggedCommand[]; status: Status; passes: number } {
  const issued: TaggedCommand[] = [];
  for (let pass = 1; pass <= maxPasses; pass++) {
    const { commands, status } = reconcileApp(app, state, now + pass * 10);
    if (commands.length === 0) return { issued, status, passes: pass };
    issued.push(...commands);
    runOnHosts(state, app, commands, now + pass * 10 + 5);
  }
  throw new Error(`app ${app.name} did not converge in ${maxPasses} passes`);
}

/** Marks every config the app reads as absent (the engine reads them from the lattice before reconciling). */
export function configsAbsent(state: LatticeState, names: readonly string[]): void {
  for (const n of names) if (!state.configs.has(n)) applyConfig(state, n, { state: 'absent' });
}
