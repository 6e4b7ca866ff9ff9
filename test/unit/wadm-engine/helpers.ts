/** Builders for engine unit tests: observed states, events and manifests, without NATS. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildEvent, type EventName, type LatticeEvent } from '../../../src/lattice/events.js';
import type { StringMap } from '../../../src/lattice/types.js';
import { parseManifestText } from '../../../src/manifest/parse.js';
import type { Manifest } from '../../../src/manifest/schema.js';
import { applyInventory, createLatticeState, type LatticeState } from '../../../src/wadm/engine/state.js';

export const FIXTURES = '/work/shared/peer-fixtures/wadm/tests/fixtures/manifests';
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
    applyInventory(state, {
      host_id: h.id,
      friendly_name: `${h.id}-name`,
      labels: h.labels ?? {},
      version: '1.0.0',
      uptime_human: '1s',
      uptime_seconds: 1,
      components: (h.components ?? []).map((c) => ({ id: c.id, image_ref: c.image, max_instances: c.count, revision: 0, annotations: c.annotations ?? {} })),
      providers: (h.providers ?? []).map((p) => ({ id: p.id, image_ref: p.image, revision: 0, annotations: p.annotations ?? {} })),
    }, now);
  }
  return state;
}

export function evt<N extends EventName>(name: N, data: Parameters<typeof buildEvent<N>>[1], source = 'NHOST', now = T0): LatticeEvent {
  return buildEvent(name, data, source, { now }) as unknown as LatticeEvent;
}

export function parseManifest(text: string): Manifest {
  const r = parseManifestText(text);
  if (!r.manifest) throw new Error(`bad test manifest: ${r.findings.map((f) => f.msg).join('; ')}`);
  return r.manifest;
}

export function fixture(file: string): Manifest {
  return parseManifest(readFileSync(join(FIXTURES, file), 'utf8'));
}

/** A one-component manifest with a spreadscaler. */
export function componentApp(opts: { name?: string; component?: string; image?: string; instances?: number; spreads?: unknown[]; daemon?: boolean; id?: string } = {}): Manifest {
  return parseManifest(JSON.stringify({
    apiVersion: 'core.oam.dev/v1beta1',
    kind: 'Application',
    metadata: { name: opts.name ?? 'myapp', annotations: { version: 'v1' } },
    spec: {
      components: [{
        name: opts.component ?? 'hello',
        type: 'component',
        properties: { image: opts.image ?? 'ghcr.io/x/hello:0.1.0', ...(opts.id ? { id: opts.id } : {}) },
        traits: [{ type: opts.daemon ? 'daemonscaler' : 'spreadscaler', properties: { instances: opts.instances ?? 1, spread: opts.spreads ?? [] } }],
      }],
    },
  }));
}
