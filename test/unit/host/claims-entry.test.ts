import { describe, expect, it } from 'vitest';
import { claimsEntry } from '../../../src/host/claims-entry.js';

// Stored records as wasmCloud 1.9 writes them to CLAIMS_{subject} (serde of StoredComponentClaims /
// StoredProviderClaims), and the claims.get entries it answers with (`From<StoredClaims> for HashMap`).
describe('claimsEntry (claims.get shape of wasmCloud 1.9)', () => {
  it('component: iss/rev/sub duplicates, tags comma-joined (not a JSON string)', () => {
    const stored = {
      call_alias: 'echo',
      issuer: 'AISS',
      name: 'Echo',
      revision: '3',
      subject: 'MSUB',
      tags: ['a', 'wasmcloud.com/experimental'],
      version: '0.1.0',
    };
    expect(claimsEntry(stored, 'MSUB')).toEqual({
      call_alias: 'echo',
      iss: 'AISS',
      issuer: 'AISS',
      name: 'Echo',
      rev: '3',
      revision: '3',
      sub: 'MSUB',
      subject: 'MSUB',
      tags: 'a,wasmcloud.com/experimental',
      version: '0.1.0',
    });
  });

  it('component: legacy records with iss/rev/sub and tags as a comma-joined string decode too', () => {
    const stored = { call_alias: '', iss: 'AISS', name: 'n', rev: '0', sub: 'MSUB', tags: 'x,y', version: '' };
    expect(claimsEntry(stored)).toMatchObject({
      issuer: 'AISS',
      iss: 'AISS',
      subject: 'MSUB',
      revision: '0',
      tags: 'x,y',
    });
  });

  it('provider: config_schema as stored, "" when absent; no call_alias or tags', () => {
    const stored = {
      issuer: 'AISS',
      name: 'HTTP',
      revision: '0',
      subject: 'VSUB',
      version: '0.23.0',
      config_schema: '{"type":"object"}',
    };
    expect(claimsEntry(stored, 'VSUB')).toEqual({
      iss: 'AISS',
      issuer: 'AISS',
      name: 'HTTP',
      rev: '0',
      revision: '0',
      sub: 'VSUB',
      subject: 'VSUB',
      version: '0.23.0',
      config_schema: '{"type":"object"}',
    });
    const { config_schema: _, ...withoutSchema } = stored;
    expect(claimsEntry(withoutSchema)?.config_schema).toBe('');
  });

  it('skips records upstream cannot decode and records stored under another subject', () => {
    expect(claimsEntry({ sub: 'MX', name: 'x' })).toBeUndefined();
    expect(claimsEntry({ issuer: 'A', name: 'n', revision: 0, subject: 'M', version: '' })).toBeUndefined();
    expect(claimsEntry({ issuer: 'A', name: 'n', revision: '0', subject: 'M', version: '' }, 'OTHER')).toBeUndefined();
    expect(claimsEntry('nope')).toBeUndefined();
  });
});
