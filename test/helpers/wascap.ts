/**
 * Signing wascap tokens and components for tests, as upstream's `Claims::encode` and `embed_claims` do:
 * header `{"typ":"jwt","alg":"Ed25519"}`, `header.payload` signed with the issuer's account key, the token put
 * in a `wasmcloud_jwt` custom section appended to the binary stripped of older claims, whose hash it carries.
 */
import { createAccount, type KeyPair } from '@nats-io/nkeys';
import { encodeU32Leb } from '../../src/component/leb128.js';
import { wascapModuleHash, withoutClaimsSections } from '../../src/component/module-hash.js';

/** A component (M…) key; nkeys.js cannot make module keys, and subjects are not checked. */
export const TEST_COMPONENT_KEY = 'MBNA4BH7QJ2FLP7O3S6QT74DU4GBTI3JE7JINOH55DMYMUSYMKBKG3NO';

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** `payload` signed by `account` (a fresh account key when omitted); `iss` is set to the account. */
export function signToken(payload: Record<string, unknown>, account: KeyPair = createAccount()): string {
  const signed = `${segment({ typ: 'jwt', alg: 'Ed25519' })}.${segment({ ...payload, iss: account.getPublicKey() })}`;
  return `${signed}.${Buffer.from(account.sign(new TextEncoder().encode(signed))).toString('base64url')}`;
}

/** Appends a custom section. */
export function withCustomSection(bytes: Uint8Array, name: string, data: string): Uint8Array {
  const nameBytes = Buffer.from(name);
  const body = Buffer.concat([Buffer.from(encodeU32Leb(nameBytes.length)), nameBytes, Buffer.from(data)]);
  return Buffer.concat([bytes, Buffer.from([0, ...encodeU32Leb(body.length)]), body]);
}

export interface SignOptions {
  name?: string;
  account?: KeyPair;
  /** Extra payload fields (`nbf`, `exp`, …). */
  payload?: Record<string, unknown>;
}

/** A component signed as `wash build` signs it (wascap revision 3, module hash of the stripped binary). */
export function signComponent(bytes: Uint8Array, opts: SignOptions = {}): Uint8Array {
  const stripped = withoutClaimsSections(bytes);
  const token = signToken(
    {
      jti: 'test',
      iat: Math.floor(Date.now() / 1000),
      sub: TEST_COMPONENT_KEY,
      wascap: { name: opts.name ?? 'signed-by-test', hash: wascapModuleHash(stripped), tags: [], prov: false },
      wascap_revision: 3,
      ...opts.payload,
    },
    opts.account,
  );
  return withCustomSection(stripped, 'wasmcloud_jwt', token);
}

/** The token's payload re-encoded with `change` applied, the original signature kept (a forgery). */
export function forgePayload(token: string, change: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const wascap = { ...(decoded.wascap as object), ...(change.wascap as object) };
  return `${header}.${segment({ ...decoded, ...change, wascap })}.${signature}`;
}
