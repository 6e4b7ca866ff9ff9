import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EventParseError,
  LATTICE_EVENT_NAMES,
  WADM_EVENT_NAMES,
  buildEvent,
  encodeEvent,
  eventHostId,
  eventNameOf,
  eventType,
  isEvent,
  parseLatticeEvent,
  tryParseLatticeEvent,
} from '../../../src/lattice/events.js';
import { ulidUuid, ulidUuidTime } from '../../../src/lattice/ulid.js';
import { needing, WADM_MANIFESTS } from '../../helpers/peer-fixtures.js';

const golden = (WADM_MANIFESTS ? JSON.parse(readFileSync(join(WADM_MANIFESTS, 'events.json'), 'utf8')) : []) as Array<
  Record<string, unknown> & { type: string; data: Record<string, unknown> }
>;

describe.skipIf(!WADM_MANIFESTS)(needing(WADM_MANIFESTS, 'parseLatticeEvent on wadm golden events'), () => {
  it('covers every type in the fixture file', () => {
    expect(golden.length).toBe(17);
  });

  for (const raw of golden) {
    it(`parses ${raw.type}`, () => {
      const bytes = new TextEncoder().encode(JSON.stringify(raw));
      const evt = parseLatticeEvent(bytes);
      expect(evt.type).toBe(raw.type);
      expect(eventType(evt.name)).toBe(raw.type);
      expect(evt.id).toBe(raw.id);
      expect(evt.source).toBe(raw.source);
      // data is kept (heartbeat gains nothing here: it already has host_id and components)
      expect(evt.data).toEqual(raw.data);
    });
  }

  it('gives typed access by name', () => {
    const scaled = parseLatticeEvent(JSON.stringify(golden[0]));
    if (!isEvent(scaled, 'component_scaled')) throw new Error(`expected component_scaled, got ${scaled.name}`);
    expect(scaled.data.max_instances).toBe(10);
    expect(scaled.data.claims?.name).toBe('Echo');
    const failed = golden.find((e) => e.type.endsWith('provider_start_failed'))!;
    // no host_id in data: the host is the CloudEvent source
    expect(eventHostId(parseLatticeEvent(failed))).toBe(failed.source);
  });
});

describe.skipIf(!WADM_MANIFESTS)(needing(WADM_MANIFESTS, 'parseLatticeEvent rejects'), () => {
  const base = golden.find((e) => e.type.endsWith('config_set'))!;
  it('unknown types', () => {
    expect(() => parseLatticeEvent({ ...base, type: 'com.wasmcloud.lattice.actor_started' })).toThrow(
      /unknown event type "com.wasmcloud.lattice.actor_started"/,
    );
    expect(() => parseLatticeEvent({ ...base, type: 'com.example.thing' })).toThrow(EventParseError);
    expect(tryParseLatticeEvent({ ...base, type: 'nope' })).toBeUndefined();
  });
  it('bad envelopes', () => {
    expect(() => parseLatticeEvent('{not json')).toThrow(/not valid JSON/);
    expect(() => parseLatticeEvent({ ...base, specversion: '0.3' })).toThrow(/specversion/);
    expect(() => parseLatticeEvent({ ...base, id: undefined })).toThrow(/missing field "id"/);
    expect(() => parseLatticeEvent({ ...base, data: 'x' })).toThrow(/data must be a JSON object/);
  });
  it('data missing or mistyped required fields', () => {
    expect(() => parseLatticeEvent({ ...base, data: {} })).toThrow(/missing field "config_name"/);
    const scaled = golden[0];
    expect(() => parseLatticeEvent({ ...scaled, data: { ...scaled.data, max_instances: '10' } })).toThrow(
      /"max_instances" must be a number/,
    );
    const hb = golden.find((e) => e.type.endsWith('host_heartbeat'))!;
    expect(() => parseLatticeEvent({ ...hb, data: { ...hb.data, components: [{ id: 1 }] } })).toThrow(
      /components\[0\]/,
    );
  });
});

describe.skipIf(!WADM_MANIFESTS)(needing(WADM_MANIFESTS, 'heartbeat normalisation'), () => {
  it('accepts legacy actors and fills host_id from the source', () => {
    const hb = golden.find((e) => e.type.endsWith('host_heartbeat'))!;
    const { components, host_id: _h, ...rest } = hb.data;
    const evt = parseLatticeEvent({ ...hb, data: { ...rest, actors: components } });
    if (!isEvent(evt, 'host_heartbeat')) throw new Error('wrong name');
    expect(evt.data.components).toEqual(components);
    expect(evt.data.host_id).toBe(hb.source);
    expect('actors' in evt.data).toBe(false);
  });
});

describe('buildEvent', () => {
  it('builds a CloudEvent 1.0 envelope that round-trips through the parser', () => {
    const now = Date.UTC(2025, 1, 5, 16, 47, 29, 123);
    const evt = buildEvent(
      'component_scaled',
      { component_id: 'c1', image_ref: 'r', host_id: 'NHOST', max_instances: 2, annotations: {} },
      'NHOST',
      { now },
    );
    expect(evt.specversion).toBe('1.0');
    expect(evt.type).toBe('com.wasmcloud.lattice.component_scaled');
    expect(evt.source).toBe('NHOST');
    expect(evt.time).toBe('2025-02-05T16:47:29.123Z');
    expect(evt.datacontenttype).toBe('application/json');
    expect(evt.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(ulidUuidTime(evt.id)).toBe(now);
    const wire = JSON.parse(new TextDecoder().decode(encodeEvent(evt)));
    expect(wire.name).toBeUndefined();
    expect(parseLatticeEvent(wire)).toEqual(evt);
  });
  it('names wadm events com.wadm.*', () => {
    expect(buildEvent('manifest_unpublished', { name: 'x' }, 'wadm').type).toBe('com.wadm.manifest_unpublished');
    expect(eventNameOf('com.wadm.manifest_published')).toBe('manifest_published');
    expect(eventNameOf('com.wasmcloud.lattice.manifest_published')).toBeUndefined();
    expect(LATTICE_EVENT_NAMES).toHaveLength(18); // 17 upstream + provider_restarted (wash)
    expect(WADM_EVENT_NAMES).toHaveLength(2);
  });
});

describe('ulidUuid', () => {
  it('is time-ordered and unique within one millisecond', () => {
    const t = 1_700_000_000_000;
    const ids = Array.from({ length: 50 }, () => ulidUuid(t));
    expect(new Set(ids).size).toBe(50);
    expect([...ids].sort()).toEqual(ids);
    expect(ulidUuid(t + 1) > ids[ids.length - 1]).toBe(true);
    expect(ids.every((id) => ulidUuidTime(id) === t)).toBe(true);
  });
});
