import { readFileSync } from 'node:fs';
import { createAccount } from '@nats-io/nkeys';
import { describe, expect, it } from 'vitest';
import {
  claimsProblems,
  decodeClaimsToken,
  legacyModuleHash,
  readClaims,
  stampToHuman,
  wascapModuleHash,
  withoutClaimsSections,
} from '../../../src/component/index.js';
import { UserError } from '../../../src/errors.js';
import { fixturePath, hasPeerFixtures, peerFixturePath } from '../../helpers/fixtures.js';
import { needing } from '../../helpers/peer-fixtures.js';
import { forgePayload, signComponent, signToken, withCustomSection } from '../../helpers/wascap.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const nowSeconds = NOW.getTime() / 1000;
const DAY = 86_400;

/** The token in the claims section of `bytes` (the last `wasmcloud_jwt`). */
const tokenOf = (bytes: Uint8Array) => readClaims(bytes)?.token ?? '';

describe('wascap token validation (validate_token)', () => {
  const account = createAccount();
  const claims = (extra: Record<string, unknown> = {}) =>
    decodeClaimsToken(signToken({ sub: 'MSUBJECT', wascap: { name: 'x', hash: '' }, ...extra }, account), 'jwt', NOW);

  it('a token signed by its issuer is valid, with no window', () => {
    expect(claims().validation).toEqual({
      expired: false,
      cannotUseYet: false,
      expiresHuman: 'never',
      notBeforeHuman: 'immediately',
      signatureValid: true,
    });
  });

  it('expired and not-yet-valid tokens are flagged, with upstream’s relative times', () => {
    expect(claims({ exp: nowSeconds - 2 * DAY - 300 }).validation).toMatchObject({
      expired: true,
      expiresHuman: '2days ago',
      signatureValid: true,
    });
    expect(claims({ nbf: nowSeconds + 3 * 3600 + 59 }).validation).toMatchObject({
      cannotUseYet: true,
      notBeforeHuman: 'in 3h',
    });
    expect(claims({ nbf: nowSeconds - 10, exp: nowSeconds + 400 * DAY }).validation).toMatchObject({
      expired: false,
      cannotUseYet: false,
      notBeforeHuman: '10s ago',
      expiresHuman: 'in 1year 1month 4days 7h 26m 24s',
    });
  });

  it('a re-encoded payload (name changed) or another key’s signature is not valid', () => {
    const token = signToken({ sub: 'MSUBJECT', wascap: { name: 'genuine' } }, account);
    const forged = decodeClaimsToken(forgePayload(token, { wascap: { name: 'forged' } }));
    expect(forged.name).toBe('forged');
    expect(forged.validation.signatureValid).toBe(false);
    expect(forged.validation.signatureProblem).toBe(
      `it was not signed by its issuer ${account.getPublicKey()} (the Ed25519 signature does not match)`,
    );
    const other = createAccount();
    const [header, payload] = token.split('.');
    const resigned = `${header}.${payload}.${Buffer.from(other.sign(new TextEncoder().encode(`${header}.${payload}`))).toString('base64url')}`;
    expect(decodeClaimsToken(resigned).validation.signatureValid).toBe(false);
  });

  it('a header other than wascap’s is not valid', () => {
    const token = signToken({ sub: 'MSUBJECT' }, account);
    const [, payload, signature] = token.split('.');
    const hs256 = `${Buffer.from('{"typ":"jwt","alg":"HS256"}').toString('base64url')}.${payload}.${signature}`;
    expect(decodeClaimsToken(hs256).validation.signatureProblem).toBe(
      'its algorithm is "HS256", but wascap only supports Ed25519',
    );
  });

  it('relative times round as upstream’s stamp_to_human does', () => {
    expect(stampToHuman(1000, 1000)).toBe('in 0s');
    expect(stampToHuman(1000 - 59, 1000)).toBe('59s ago');
    expect(stampToHuman(1000 + 3599, 1000)).toBe('in 59m');
    expect(stampToHuman(1000 + DAY + 3600, 1000)).toBe('in 1day');
    expect(stampToHuman(1000 - 40 * DAY, 1000)).toBe('1month 9days 13h 26m 24s ago');
  });
});

describe('module hash (extract_claims)', () => {
  const calc = readFileSync(fixturePath('calc'));

  it('re-encodes section sizes minimally and drops claims sections, so stripping is idempotent', () => {
    const header = calc.subarray(0, 8);
    // A custom section whose size is written as a padded 5-byte LEB128, as some linkers do.
    const padded = Buffer.concat([header, Buffer.from([0, 0x83, 0x80, 0x80, 0x80, 0x00, 2, 0x68, 0x69])]);
    expect([...withoutClaimsSections(padded)]).toEqual([...header, 0, 3, 2, 0x68, 0x69]);
    const signed = withCustomSection(calc, 'wasmcloud_jwt', 'x.y.z');
    expect(withoutClaimsSections(withCustomSection(signed, 'jwt', 'a.b.c'))).toEqual(withoutClaimsSections(calc));
    expect(wascapModuleHash(signed)).toBe(wascapModuleHash(calc));
  });

  it('a component signed here verifies; changed bytes or claims are caught', () => {
    const signed = signComponent(calc, { name: 'calc' });
    const claims = readClaims(signed);
    expect(claims?.validation.signatureValid).toBe(true);
    expect(claims?.moduleHashCheck).toEqual({
      signed: wascapModuleHash(calc),
      computed: wascapModuleHash(calc),
      valid: true,
      enforced: true,
    });
    expect(claimsProblems(claims!)).toEqual([]);

    const tampered = Buffer.from(signed);
    tampered[20] ^= 0x01;
    expect(() => readClaims(tampered)).toThrow(UserError);
    expect(() => readClaims(tampered)).toThrow(
      /embedded claims in section "wasmcloud_jwt" do not match the binary: they were signed for module hash [0-9A-F]{64}, but it hashes to [0-9A-F]{64} \(it was changed after it was signed\)/,
    );
  });

  describe.skipIf(!hasPeerFixtures())(needing(hasPeerFixtures(), 'real signed wasmCloud artifacts'), () => {
    const plugin = () => readFileSync(peerFixturePath('hello_plugin_s.wasm'));
    const actor = () => readFileSync(peerFixturePath('echo_messaging_v0.9.0.wasm'));

    it('the signed component (wascap revision 3) verifies: signature and module hash', () => {
      const claims = readClaims(plugin());
      expect(claims?.validation.signatureValid).toBe(true);
      expect(claims?.moduleHashCheck).toEqual({
        signed: 'BEBDA8844610EBA6A1EFBC679CC48790E0CAFC2890818FA968F450A134B386A0',
        computed: 'BEBDA8844610EBA6A1EFBC679CC48790E0CAFC2890818FA968F450A134B386A0',
        valid: true,
        enforced: true,
      });
    });

    it('the signed core module (wascap revision 2) verifies: signature and its revision’s hash', () => {
      const bytes = actor();
      const claims = readClaims(bytes);
      expect(claims?.validation.signatureValid).toBe(true);
      expect(claims?.moduleHashCheck).toEqual({
        signed: '0A116480EF09116D59E441A125EF472E362B6F2AE0938E4D33A964C349BE13C7',
        computed: '0A116480EF09116D59E441A125EF472E362B6F2AE0938E4D33A964C349BE13C7',
        valid: true,
        enforced: false,
      });
      // Today's re-encoding hash differs (its sizes are padded LEB128s): why upstream skips revision < 3.
      expect(wascapModuleHash(bytes)).not.toBe(legacyModuleHash(bytes));
      expect(claimsProblems(claims!)).toEqual([]);
    });

    it('one byte changed mid-file (code): refused for the component, reported for the legacy module', () => {
      const flipMiddle = (bytes: Buffer) => {
        const changed = Buffer.from(bytes);
        changed[Math.floor(bytes.length / 2)] ^= 0x01;
        return changed;
      };
      expect(() => readClaims(flipMiddle(plugin()))).toThrow(
        'embedded claims in section "wasmcloud_jwt" do not match the binary: they were signed for module hash BEBDA8844610EBA6A1EFBC679CC48790E0CAFC2890818FA968F450A134B386A0, but it hashes to 06B52CF2126694F07DF1FF0CFB130B9BCD2BB33F9F4BA736318AB013EF076DEE (it was changed after it was signed)',
      );
      const claims = readClaims(flipMiddle(actor()));
      expect(claims?.validation.signatureValid).toBe(true);
      expect(claims?.moduleHashCheck).toMatchObject({ valid: false, enforced: false });
      expect(claimsProblems(claims!)).toEqual([
        'module hash does not match (signed 0A116480EF09116D59E441A125EF472E362B6F2AE0938E4D33A964C349BE13C7, computed 69ECE4B9A1BC9863A26DA6B8A8E6154C973230DCFECB3EE825F935BA397AC5CC; upstream does not check hashes of wascap revision < 3)',
      ]);
    });

    it('a re-encoded payload (name changed) keeps a valid hash but its signature fails', () => {
      const bytes = plugin();
      const forged = withCustomSection(
        withoutClaimsSections(bytes),
        'wasmcloud_jwt',
        forgePayload(tokenOf(bytes), { wascap: { name: 'evil-plugin' } }),
      );
      const claims = readClaims(forged);
      expect(claims?.name).toBe('evil-plugin');
      expect(claims?.moduleHashCheck?.valid).toBe(true);
      expect(claims?.validation.signatureValid).toBe(false);
      expect(claimsProblems(claims!)).toEqual([
        'signature is not valid: it was not signed by its issuer ABJ6WQ5FBGXECIJBBGA7BG73IKE7ITD2DRAURV5WB5ZUTYTNOOAYGPIG (the Ed25519 signature does not match)',
      ]);
    });
  });
});
