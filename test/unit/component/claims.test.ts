import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { claimsDocument, decodeClaimsToken, readClaims } from '../../../src/component/index.js';
import { UserError } from '../../../src/errors.js';
import { fixturePath, hasPeerFixtures, peerFixturePath } from '../../helpers/fixtures.js';
import { needing } from '../../helpers/peer-fixtures.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const token = (payload: unknown) => `${b64({ typ: 'jwt', alg: 'Ed25519' })}.${b64(payload)}.c2lnbmF0dXJl`;

/** Appends a custom section (sizes as single-byte LEB128 when small, two bytes otherwise). */
function withCustomSection(bytes: Uint8Array, name: string, payload: string): Uint8Array {
  const leb = (n: number) => (n < 0x80 ? [n] : [(n & 0x7f) | 0x80, n >> 7]);
  const body = Buffer.concat([Buffer.from(leb(name.length)), Buffer.from(name), Buffer.from(payload)]);
  return Buffer.concat([bytes, Buffer.from([0, ...leb(body.length)]), body]);
}

const payload = {
  iss: 'AAccount',
  sub: 'MComponent',
  iat: 1_700_000_000,
  exp: 1_800_000_000,
  wascap: { name: 'demo', ver: '1.2.3', rev: 4, tags: ['a', 'b'], call_alias: 'demo-alias', hash: 'ABC' },
  wascap_revision: 3,
};

describe('decodeClaimsToken', () => {
  it('decodes the payload fields; a signature that is not the issuer’s is reported, not thrown', () => {
    const claims = decodeClaimsToken(token(payload));
    expect(claims).toMatchObject({
      validation: {
        signatureValid: false,
        signatureProblem: 'its issuer AAccount is not a public nkey',
        expired: false,
        cannotUseYet: false,
      },
      issuer: 'AAccount',
      subject: 'MComponent',
      name: 'demo',
      version: '1.2.3',
      revision: 4,
      tags: ['a', 'b'],
      callAlias: 'demo-alias',
      moduleHash: 'ABC',
      wascapRevision: 3,
    });
    expect(claims.expires?.toISOString()).toBe('2027-01-15T08:00:00.000Z');
    expect(claims.issuedAt?.getTime()).toBe(1_700_000_000_000);
    expect(claims.notBefore).toBeUndefined();
  });

  it('renders the JSON document with snake_case keys and "never" for no expiry', () => {
    const doc = claimsDocument(decodeClaimsToken(token({ ...payload, exp: undefined })));
    expect(doc).toMatchObject({
      name: 'demo',
      expires: 'never',
      call_alias: 'demo-alias',
      revision: 4,
      can_be_used: 'immediately',
      validation: {
        expired: false,
        cannot_use_yet: false,
        expires_human: 'never',
        not_before_human: 'immediately',
        signature_valid: false,
      },
    });
    expect(doc).not.toHaveProperty('capabilities');
    expect(doc).not.toHaveProperty('verified');
  });

  it('refuses tokens that are not wascap JWTs', () => {
    expect(() => decodeClaimsToken('abc')).toThrow(UserError);
    expect(() => decodeClaimsToken('a.%%%.c')).toThrow(/base64url JSON/);
    expect(() => decodeClaimsToken(token({ sub: 'M' }))).toThrow(/issuer/);
  });
});

describe('readClaims', () => {
  it('returns undefined for an unsigned component', () => {
    expect(readClaims(readFileSync(fixturePath('calc')))).toBeUndefined();
  });

  it('finds claims in a section named jwt or wasmcloud_jwt', () => {
    const calc = readFileSync(fixturePath('calc'));
    const legacy = { ...payload, wascap_revision: 2 }; // its hash ("ABC") is not enforced
    for (const section of ['jwt', 'wasmcloud_jwt']) {
      const claims = readClaims(withCustomSection(calc, section, token(legacy)));
      expect(claims?.section).toBe(section);
      expect(claims?.name).toBe('demo');
    }
    expect(readClaims(withCustomSection(calc, 'other', token(legacy)))).toBeUndefined();
  });

  it.skipIf(!hasPeerFixtures())(
    needing(hasPeerFixtures(), 'reads the claims of the signed wasmCloud component and legacy actor'),
    () => {
      const plugin = readClaims(readFileSync(peerFixturePath('hello_plugin_s.wasm')));
      expect(plugin).toMatchObject({
        section: 'wasmcloud_jwt',
        name: 'hello-plugin',
        issuer: 'ABJ6WQ5FBGXECIJBBGA7BG73IKE7ITD2DRAURV5WB5ZUTYTNOOAYGPIG',
        subject: 'MBNA4BH7QJ2FLP7O3S6QT74DU4GBTI3JE7JINOH55DMYMUSYMKBKG3NO',
        version: '0.1.0',
        revision: 0,
        tags: ['wasmcloud.com/experimental'],
      });
      expect(plugin?.expires).toBeUndefined();
      const actor = readClaims(readFileSync(peerFixturePath('echo_messaging_v0.9.0.wasm')));
      expect(actor).toMatchObject({
        name: 'Echo Messaging',
        version: '0.1.5',
        capabilities: ['wasmcloud:messaging', 'wasmcloud:builtin:logging'],
      });
    },
  );
});
