import { describe, expect, it } from 'vitest';
import {
  decodeAppRecord,
  decodeIndex,
  encodeAppRecord,
  encodeIndex,
  objectKeyOrder,
  RecordFormatError,
} from '../../../src/wadm/store/record.js';
import type { WadmManifest } from '../../../src/wadm/types.js';

const m = (name: string, version: string): WadmManifest => ({
  apiVersion: 'core.oam.dev/v1beta1',
  kind: 'Application',
  metadata: { name, annotations: { version } },
  spec: { components: [] },
});

describe('app record codec', () => {
  it('keeps insertion order even for integer-like version keys (JSON.parse would reorder them)', () => {
    const order = ['v2', '10', '1', 'v0.0.1', '2'];
    const text = encodeAppRecord({
      versions: order.map((v) => ({ version: v, manifest: m('a', v) })),
      deployed_version: '1',
      deploy_history: [],
    });
    expect(Object.keys(JSON.parse(text).manifests)).not.toEqual(order); // the trap this codec avoids
    const app = decodeAppRecord('a', text, 7);
    expect(app.versions.map((v) => v.version)).toEqual(order);
    expect(app.versions.map((v) => v.manifest.metadata.annotations?.version)).toEqual(order);
    expect(app.deployed_version).toBe('1');
    expect(app.revision).toBe(7);
  });

  it('reads records written by Rust wadm (whitespace, escapes, nested braces in strings, no history key)', () => {
    const text = `{ "manifests" : { "b\\"q" : {"metadata":{"name":"x","annotations":{"description":"has } and { and \\\\"}}},
      "3": {"metadata":{"name":"x"}, "spec": {"components": [ {"name": "c", "traits": [1, 2.5e3, true, null]} ]}} },
      "deployed_version" : null }`;
    const app = decodeAppRecord('x', text, 1);
    expect(app.versions.map((v) => v.version)).toEqual(['b"q', '3']);
    expect(app.deployed_version).toBeNull();
    expect(app.deploy_history).toEqual([]);
  });

  it('round-trips the deploy history under wash_deploy_history and omits it when empty', () => {
    const history = [{ version: 'v1', deployed_at: '2026-01-01T00:00:00.000Z' }];
    const withHistory = encodeAppRecord({
      versions: [{ version: 'v1', manifest: m('a', 'v1') }],
      deployed_version: 'v1',
      deploy_history: history,
    });
    expect(JSON.parse(withHistory).wash_deploy_history).toEqual(history);
    expect(decodeAppRecord('a', withHistory, 1).deploy_history).toEqual(history);
    const without = encodeAppRecord({
      versions: [{ version: 'v1', manifest: m('a', 'v1') }],
      deployed_version: null,
      deploy_history: [],
    });
    expect(JSON.parse(without)).not.toHaveProperty('wash_deploy_history');
    expect(JSON.parse(without).deployed_version).toBeNull();
  });

  it('rejects values that are not app records', () => {
    expect(() => decodeAppRecord('a', '["x","y"]', 1)).toThrow(RecordFormatError);
    expect(() => decodeAppRecord('a', '{"manifests":', 1)).toThrow(RecordFormatError);
  });

  it('objectKeyOrder finds nested objects only at the requested path', () => {
    expect(
      objectKeyOrder('{"a":{"manifests":{"z":1}},"manifests":{"9":{},"1":[{"manifests":{"q":1}}]}}', ['manifests']),
    ).toEqual(['9', '1']);
    expect(objectKeyOrder('{"manifests":[]}', ['manifests'])).toEqual([]);
  });

  it('index is a sorted, de-duplicated JSON array', () => {
    expect(encodeIndex(['b', 'a', 'b', 'C'])).toBe('["C","a","b"]');
    expect(decodeIndex('["a","b"]')).toEqual(['a', 'b']);
    expect(decodeIndex('not json')).toEqual([]);
  });
});
