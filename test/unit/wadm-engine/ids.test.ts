import { describe, expect, it } from 'vitest';
import { ownedConfigName, sanitize, scalerIdOf, secretConfigName, workloadId } from '../../../src/wadm/engine/ids.js';
import { manifestToScalers } from '../../../src/wadm/engine/manifest-to-scalers.js';
import { componentApp, fixture, itWithFixtures } from './helpers.js';

describe('ids (wadm.md §4.6)', () => {
  it('sanitize_lowercasesAndReplacesNonAlphanumerics', () => {
    expect(sanitize('My ThInG')).toBe('my_thing');
    expect(sanitize('thing.wasm')).toBe('thing_wasm');
    expect(sanitize('a-b_c9')).toBe('a_b_c9');
  });

  it('workloadId_derivedFromAppAndComponentNames', () => {
    expect(workloadId('mymodel', 'echo-component')).toBe('mymodel-echo_component');
    expect(workloadId('My ThInG', 'thing.wasm')).toBe('my_thing-thing_wasm');
  });

  it('workloadId_explicitIdWins', () => {
    expect(workloadId('mymodel', 'echo', 'myid')).toBe('myid');
  });

  it('configNames_ownedAreScopedToTheManifest_secretsPrefixed', () => {
    expect(ownedConfigName('shared-http-dev', 'httpaddr')).toBe('shared_http_dev-httpaddr');
    expect(secretConfigName('my-app', 'api.key')).toBe('SECRET_my_app-api_key');
  });

  it('scalerId_isSha256OfThePlainConcatenation', () => {
    // printf '%s' 'SpreadScalermymodelecho-componentmymodel-echo_componentghcr.io/x/echo:0.1.0' | sha256sum
    const expected = '97d4b7d004f92a529e497ff2765cb58469629e7faacfaf6c464225cda79e4e0b';
    expect(
      scalerIdOf(['SpreadScaler', 'mymodel', 'echo-component', 'mymodel-echo_component', 'ghcr.io/x/echo:0.1.0']),
    ).toBe(expected);
    const [spec] = manifestToScalers(
      componentApp({ name: 'mymodel', component: 'echo-component', image: 'ghcr.io/x/echo:0.1.0' }),
    ).scalers;
    expect(spec.id).toBe(expected);
    expect(spec.name).toBe('mymodel-echo_component');
  });

  itWithFixtures('scalerId_linkAndImplicitProviderScalersOfTheUpgradeFixture', () => {
    const { scalers } = manifestToScalers(fixture('outdatedapp.yaml'));
    const link = scalers.find(
      (s) => s.kind === 'LinkScaler' && s.name.startsWith('http_server') && s.name.endsWith('http_hello_world'),
    );
    // printf '%s' 'LinkScalerupdateapphellohttp_serverhttp_hello_worldwasihttpincoming-handlerupdateapp-hello_world_address' | sha256sum
    expect(link?.id).toBe('536d9ae206eae58c3b68800a42d414021a99e80e720e46e4ff74fc88cece5251');
    const provider = scalers.find((s) => s.role === 'provider' && s.name === 'http_server');
    // printf '%s' 'SpreadScalerupdateapphttpserverhttp_serverghcr.io/wasmcloud/http-server:0.20.1' | sha256sum
    expect(provider?.id).toBe('51bc8d5f3dc5860beb9126195e6e28b9cc3916392af46fb7d15541639a32af19');
  });
});
