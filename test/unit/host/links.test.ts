import { describe, expect, it } from 'vitest';
import type { Link } from '../../../src/lattice/types.js';
import { LINK_CONFLICT_MESSAGE, mergeNamedConfigs, removeLink, upsertLink } from '../../../src/host/links.js';

const link = (over: Partial<Link> = {}): Link => ({
  source_id: 'http', target: 'hello', name: 'default', wit_namespace: 'wasi', wit_package: 'http',
  interfaces: ['incoming-handler'], source_config: [], target_config: [], ...over,
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

  it('upsertLink_differentTargetDisjointInterfaces_allowed', () => {
    const r = upsertLink([link()], link({ target: 'other', interfaces: ['outgoing-handler'] }));
    expect(r.ok && r.links.length).toBe(2);
  });

  it('removeLink_returnsRemovedAndRest', () => {
    const other = link({ wit_package: 'keyvalue' });
    expect(removeLink([link(), other], { source_id: 'http', name: 'default', wit_namespace: 'wasi', wit_package: 'http' })).toEqual({ links: [other], removed: link() });
    expect(removeLink([other], { source_id: 'http', name: 'default', wit_namespace: 'wasi', wit_package: 'http' }).removed).toBeUndefined();
  });

  it('mergeNamedConfigs_laterNamesWin', () => {
    const store: Record<string, Record<string, string>> = { a: { x: '1', y: '1' }, b: { y: '2' } };
    expect(mergeNamedConfigs(['a', 'missing', 'b'], (n) => store[n])).toEqual({ x: '1', y: '2' });
  });
});
