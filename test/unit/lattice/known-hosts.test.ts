import { describe, expect, it } from 'vitest';
import { hostIdsSeenRecently } from '../../../src/lattice/known-hosts.js';

describe('hostIdsSeenRecently (wadm_state host_{lattice} document)', () => {
  const now = Date.parse('2026-01-01T00:10:00Z');
  it('keeps hosts seen within two heartbeats and drops older ones', () => {
    const doc = {
      NA: { last_seen: '2026-01-01T00:09:50Z' },
      NB: { last_seen: '2026-01-01T00:08:00Z' },
      NC: { friendly_name: 'no last_seen' },
    };
    expect([...hostIdsSeenRecently(doc, now)]).toEqual(['NA', 'NC']);
  });
  it('reads nothing from a document that is not an object', () => {
    expect(hostIdsSeenRecently(null, now).size).toBe(0);
    expect(hostIdsSeenRecently('x', now).size).toBe(0);
  });
});
