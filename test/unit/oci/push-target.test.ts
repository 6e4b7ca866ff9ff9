import { describe, expect, it } from 'vitest';
import { hasRegistry, resolvePushReference, splitPushArgs } from '../../../src/oci/push-target.js';

describe('wash push arguments', () => {
  it('two arguments are reference and file; one is the file', () => {
    expect(splitPushArgs('ghcr.io/a/b:1.0.0', 'c.wasm')).toEqual({ ref: 'ghcr.io/a/b:1.0.0', component: 'c.wasm' });
    expect(splitPushArgs('build/c_s.wasm', undefined)).toEqual({ component: 'build/c_s.wasm' });
    expect(() => splitPushArgs(undefined, undefined)).toThrow(/needs the component file/);
  });

  it("hasRegistry follows Docker's first-segment rule", () => {
    expect(hasRegistry('ghcr.io/a/b:1')).toBe(true);
    expect(hasRegistry('oci://127.0.0.1:5000/a:1')).toBe(true);
    expect(hasRegistry('localhost/a:1')).toBe(true);
    expect(hasRegistry('team/api:1')).toBe(false);
    expect(hasRegistry('api:1')).toBe(false);
  });
});

describe('resolvePushReference', () => {
  const file = '/p/wasmcloud.toml';
  it('an explicit reference with a registry wins over [registry] url', () => {
    expect(resolvePushReference('ghcr.io/x/y:2.0.0', { url: '127.0.0.1:5000/a/b:1.0.0', file })).toBe(
      'ghcr.io/x/y:2.0.0',
    );
    expect(resolvePushReference('team/api:1.0.0')).toBe('team/api:1.0.0');
  });

  it('a reference without a registry goes to the registry of [registry] url', () => {
    expect(resolvePushReference('api:1.0.0', { url: '127.0.0.1:5000/team' })).toBe('127.0.0.1:5000/team/api:1.0.0');
    expect(resolvePushReference('oci://team/api:1.0.0', { url: 'oci://127.0.0.1:5000/' })).toBe(
      '127.0.0.1:5000/team/api:1.0.0',
    );
    expect(resolvePushReference('team/api:1.0.0', { url: 'ghcr.io/acme/inventory:0.2.0' })).toBe(
      'ghcr.io/team/api:1.0.0',
    );
  });

  it('no reference: a whole [registry] url is the target; a prefix is completed with name:version', () => {
    expect(resolvePushReference(undefined, { url: 'ghcr.io/acme/inventory:0.2.0', name: 'x', version: '9.9.9' })).toBe(
      'ghcr.io/acme/inventory:0.2.0',
    );
    expect(resolvePushReference(undefined, { url: 'ghcr.io/acme/inv@sha256:' + 'a'.repeat(64) })).toBe(
      'ghcr.io/acme/inv@sha256:' + 'a'.repeat(64),
    );
    expect(resolvePushReference(undefined, { url: '127.0.0.1:5000/team/', name: 'Inventory', version: '0.3.1' })).toBe(
      '127.0.0.1:5000/team/inventory:0.3.1',
    );
  });

  it('no reference and nothing to complete it from are clear errors', () => {
    expect(() => resolvePushReference(undefined, {})).toThrow(
      /no reference to push to: none given and no \[registry\] url \(not in a project directory\)/,
    );
    expect(() => resolvePushReference(undefined, { file })).toThrow(/no \[registry\] url in \/p\/wasmcloud.toml/);
    expect(() => resolvePushReference(undefined, { url: 'ghcr.io/acme', name: 'api', file })).toThrow(
      /\[registry\] url 'ghcr.io\/acme' \(\/p\/wasmcloud.toml\) has no tag/,
    );
  });
});
