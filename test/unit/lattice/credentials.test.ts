import { describe, expect, it } from 'vitest';
import {
  assertSeedHasJwt,
  maskSecrets,
  registerSecret,
  splitServerCredentials,
} from '../../../src/lattice/credentials.js';
import { hostOptionsFromFlags } from '../../../src/host/settings.js';
import { renderTextError } from '../../../src/output/render.js';
import { errorDocument } from '../../../src/output/json.js';
import { UserError } from '../../../src/errors.js';

describe('credentials', () => {
  it('splitServerCredentials_takesUserPassOutOfTheUrl', () => {
    expect(splitServerCredentials('nats://u:p%40ss@h:4333')).toEqual({ url: 'nats://h:4333', user: 'u', pass: 'p@ss' });
    expect(splitServerCredentials('u:p@h')).toEqual({ url: 'nats://h:4222', user: 'u', pass: 'p' });
    expect(splitServerCredentials('tls://h:1')).toEqual({ url: 'tls://h:1' });
    expect(() => splitServerCredentials('u:Secr3t@', '--nats-server')).toThrow(/--nats-server "u:\*\*\*@"/);
  });

  it('maskSecrets_hidesUrlPasswordsSeedsJwtsAndRegisteredSecrets_butNotImageDigests', () => {
    expect(maskSecrets('at nats://wash:pw@127.0.0.1:4222 and u:x@h')).toBe(
      'at nats://wash:***@127.0.0.1:4222 and u:***@h',
    );
    expect(maskSecrets('"ctl_host":"a:b@c"')).toBe('"ctl_host":"a:***@c"');
    const ref = 'ghcr.io/wasmcloud/http-server:0.23.0@sha256:abc';
    expect(maskSecrets(`image ${ref}`)).toBe(`image ${ref}`);
    expect(maskSecrets('seed SUAIBDPBAUTWCWBKIO6XHQNINK5FWJW4OHLXC3HQ2KFE4PEJUA44CNHTBM end')).toBe('seed *** end');
    registerSecret('hunter2-pw');
    expect(maskSecrets('password hunter2-pw was wrong')).toBe('password *** was wrong');
  });

  it('errorOutput_isMasked_inTextAndJson', () => {
    const err = new UserError('could not connect to nats://me:topsecret@h:1', {
      cause: new Error('u:topsecret@h refused'),
    });
    expect(renderTextError(err)).not.toContain('topsecret');
    expect(errorDocument(err)).not.toContain('topsecret');
    expect(JSON.parse(errorDocument(err)).error).toBe('could not connect to nats://me:***@h:1');
  });

  it('seedWithoutJwt_refused', () => {
    expect(() => assertSeedHasJwt({ seed: 'SU…' })).toThrow(/--ctl-seed.*without a user JWT \(--ctl-jwt\)/);
    expect(() => assertSeedHasJwt({ seed: 'SU…', jwt: 'eyJ…' })).not.toThrow();
    expect(() => assertSeedHasJwt({ seed: 'SU…', credsfile: 'x.creds' })).not.toThrow();
  });

  it('hostSettings_userPasswordFromEnvironment_specificWins', () => {
    const o = hostOptionsFromFlags(
      {},
      { WASMCLOUD_NATS_USER: 'a', WASMCLOUD_NATS_PASSWORD: 'b', WASMCLOUD_RPC_PASSWORD: 'c' },
    );
    expect(o.ctl).toEqual({ user: 'a', pass: 'b' });
    expect(o.rpc).toEqual({ user: 'a', pass: 'c' });
  });
});
