import { describe, expect, it } from 'vitest';
import type { Link } from '../../../src/lattice/types.js';
import { LINK_CONFLICT_MESSAGE, mergeNamedConfigs, removeLink, upsertLink } from '../../../src/host/links.js';

const link = (over: Partial<Link> = {}): Link => ({
  source_id: 'http',
  target: 'hello',
  name: 'default',
  wit_namespace: 'wasi',
  wit_package: 'http',
  interfaces: ['incoming-handler'],
  source_config: [],
  target_config: [],
  ...over,
});

describe('link rules', () => {
  it('upsertLink_appendsNewIdentity', () => {
    const r = upsertLink([link()], link({ name: 'other' }));
    expect(r).toEqual({ ok: true, links: [link(), link({ name: 'other' })] });
  });

  it('upsertLink_sameTargetReplaces', () => {
    const r = upsertLink([link()], link({ source_config: ['cfg'] }));
    expect(r.ok && r.links).toEqual([link({ source_config: ['cfg'] })]);
  });

  it('upsertLink_differentTargetOverlappingInterfaces_conflicts', () => {
    expect(upsertLink([link()], link({ target: 'other' }))).toEqual({ ok: false, error: LINK_CONFLICT_MESSAGE });
  });

  it('upsertLink_differentTargetDisjointInterfaces_sameName_rejected (named links: one name, one backend)', () => {
    const r = upsertLink([link()], link({ target: 'other', interfaces: ['outgoing-handler'] }));
    expect(r).toEqual({
      ok: false,
      error: expect.stringContaining(
        "http already links wasi:http to hello under the name 'default'; a second backend of the same package needs its own link name",
      ),
    });
  });

  it('upsertLink_secondBackendUnderItsOwnName_allowed', () => {
    const kv = (name: string, target: string) =>
      link({ source_id: 'app', name, target, wit_package: 'keyvalue', interfaces: ['store', 'atomics'] });
    const r = upsertLink([kv('cache', 'kv-nats')], kv('sessions', 'kv-redis'));
    expect(r).toEqual({ ok: true, links: [kv('cache', 'kv-nats'), kv('sessions', 'kv-redis')] });
  });

  it('upsertLink_nameMustBeDnsLabel', () => {
    for (const name of ['Cache', 'my_cache', '-x', '', 'a'.repeat(64)]) {
      const r = upsertLink([], link({ name }));
      expect(r.ok, name).toBe(false);
      if (!r.ok) expect(r.error).toContain('is not a valid DNS label');
    }
    expect(upsertLink([], link({ name: 'a'.repeat(63) })).ok).toBe(true);
  });

  it('removeLink_returnsRemovedAndRest', () => {
    const other = link({ wit_package: 'keyvalue' });
    expect(
      removeLink([link(), other], { source_id: 'http', name: 'default', wit_namespace: 'wasi', wit_package: 'http' }),
    ).toEqual({ links: [other], removed: link() });
    expect(
      removeLink([other], { source_id: 'http', name: 'default', wit_namespace: 'wasi', wit_package: 'http' }).removed,
    ).toBeUndefined();
  });

  it('mergeNamedConfigs_laterNamesWin', () => {
    const store: Record<string, Record<string, string>> = { a: { x: '1', y: '1' }, b: { y: '2' } };
    expect(mergeNamedConfigs(['a', 'missing', 'b'], (n) => store[n])).toEqual({ x: '1', y: '2' });
  });
});
