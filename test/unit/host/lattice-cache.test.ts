import { describe, expect, it } from 'vitest';
import { LatticeCache } from '../../../src/host/lattice-cache.js';

const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const link = {
  source_id: 'http',
  target: 'hello',
  name: 'default',
  wit_namespace: 'wasi',
  wit_package: 'http',
  interfaces: ['incoming-handler'],
  source_config: [],
  target_config: [],
};

describe('LatticeCache', () => {
  it('applyLattice_componentSpec_tracksLinksAndReportsChange', () => {
    const c = new LatticeCache();
    const change = c.applyLattice(
      'COMPONENT_http',
      'PUT',
      bytes({ url: 'wasmcloud+builtin://http-server', links: [link] }),
      3,
    );
    expect(change).toMatchObject({ kind: 'spec', id: 'http', before: undefined, after: { links: [link] } });
    expect(c.links()).toEqual([link]);
    expect(c.linksFrom('http')).toEqual([link]);
    c.applyLattice('COMPONENT_http', 'DEL', undefined, 4);
    expect(c.links()).toEqual([]);
  });

  it('applyLattice_olderRevision_ignored', () => {
    const c = new LatticeCache();
    c.applyLattice('COMPONENT_a', 'PUT', bytes({ url: 'u2', links: [] }), 5);
    expect(c.applyLattice('COMPONENT_a', 'PUT', bytes({ url: 'u1', links: [link] }), 4)).toBeUndefined();
    expect(c.spec('a')?.url).toBe('u2');
  });

  it('applyLattice_defaultsMissingLinkFields', () => {
    const c = new LatticeCache();
    c.applyLattice(
      'COMPONENT_a',
      'PUT',
      bytes({ url: 'u', links: [{ source_id: 'a', target: 'b', wit_namespace: 'x', wit_package: 'y' }] }),
      1,
    );
    expect(c.links()[0]).toMatchObject({ name: 'default', interfaces: [], source_config: [], target_config: [] });
  });

  it('applyLattice_garbageValue_treatedAsAbsent', () => {
    const c = new LatticeCache();
    c.applyLattice('COMPONENT_a', 'PUT', new TextEncoder().encode('{nope'), 1);
    expect(c.spec('a')).toBeUndefined();
  });

  it('claimsAndLegacyKeys', () => {
    const c = new LatticeCache();
    // A wasmCloud 1.9 StoredComponentClaims record; claims.get lists it as the host sends it.
    c.applyLattice(
      'CLAIMS_MABC',
      'PUT',
      bytes({ call_alias: '', issuer: 'AISS', name: 'x', revision: '0', subject: 'MABC', tags: [], version: '' }),
      1,
    );
    c.applyLattice('CLAIMS_MBAD', 'PUT', bytes({ sub: 'MBAD', name: 'undecodable upstream' }), 2);
    expect(c.applyLattice('LINKDEF_old', 'PUT', bytes({}), 3)).toBeUndefined();
    expect(c.claimsList()).toEqual([
      {
        call_alias: '',
        iss: 'AISS',
        issuer: 'AISS',
        name: 'x',
        rev: '0',
        revision: '0',
        sub: 'MABC',
        subject: 'MABC',
        tags: '',
        version: '',
      },
    ]);
  });

  it('configs_mergeInOrder', () => {
    const c = new LatticeCache();
    c.applyConfig('a', 'PUT', bytes({ address: '0.0.0.0:1', k: 'a' }), 1);
    c.applyConfig('b', 'PUT', bytes({ k: 'b' }), 2);
    expect(c.mergedConfig(['a', 'b'])).toEqual({ address: '0.0.0.0:1', k: 'b' });
    const change = c.applyConfig('a', 'DEL', undefined, 3);
    expect(change).toMatchObject({ kind: 'config', name: 'a', after: undefined });
    expect(c.config('a')).toBeUndefined();
  });
});
