import { describe, expect, it } from 'vitest';
import { friendlyName, hostIdentity } from '../../../src/host/identity.js';

describe('host identity', () => {
  it('hostIdentity_withoutSeed_makesServerKey', async () => {
    const id = await hostIdentity();
    expect(id.publicKey).toMatch(/^N[A-Z2-7]{55}$/);
    expect(id.seed.startsWith('SN')).toBe(true);
    const again = await hostIdentity(id.seed);
    expect(again.publicKey).toBe(id.publicKey);
  });

  it('hostIdentity_twoCalls_differ', async () => {
    expect((await hostIdentity()).publicKey).not.toBe((await hostIdentity()).publicKey);
  });

  it('hostIdentity_rejectsGarbageAndNonServerSeeds', async () => {
    await expect(hostIdentity('not-a-seed')).rejects.toThrow(/--host-seed is not a valid nkey seed/);
    const { createUser } = await import('@nats-io/nkeys');
    const userSeed = new TextDecoder().decode(createUser().getSeed());
    await expect(hostIdentity(userSeed)).rejects.toThrow(/server nkey seed/);
  });

  it('friendlyName_isAdjectiveNounNumber', () => {
    for (let i = 0; i < 20; i++) expect(friendlyName()).toMatch(/^[a-z]+-[a-z]+-\d{4}$/);
    expect(friendlyName(() => 7)).toMatch(/-0007$/);
  });
});
