import { describe, expect, it } from 'vitest';
import { parseChallenges } from '../../../src/oci/auth.js';
import { registryPushDefaults } from '../../../src/oci/cli-options.js';
import { formatReference, isLatest, isOciReference, parseReference } from '../../../src/oci/reference.js';
import { parseMirrors, parseRegistryList, resolveLocation } from '../../../src/oci/settings.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const D = 'sha256:' + 'ab'.repeat(32);

describe('parseReference', () => {
  it.each([
    [
      'ghcr.io/wasmcloud/components/http-hello-world-rust:0.1.0',
      {
        registry: 'ghcr.io',
        repository: 'wasmcloud/components/http-hello-world-rust',
        tag: '0.1.0',
        defaultTag: false,
      },
    ],
    ['oci://ghcr.io/org/x:1', { registry: 'ghcr.io', repository: 'org/x', tag: '1' }],
    ['https://reg.example.com/a/b:2', { registry: 'reg.example.com', repository: 'a/b', tag: '2' }],
    ['localhost:5000/app', { registry: 'localhost:5000', repository: 'app', tag: 'latest', defaultTag: true }],
    ['localhost/app:v1', { registry: 'localhost', repository: 'app', tag: 'v1' }],
    ['127.0.0.1:5001/wash/hello:0.1.0', { registry: '127.0.0.1:5001', repository: 'wash/hello', tag: '0.1.0' }],
    [
      `127.0.0.1:5001/wash/hello@${D}`,
      { registry: '127.0.0.1:5001', repository: 'wash/hello', tag: undefined, digest: D, defaultTag: false },
    ],
    [`ghcr.io/x/y:1.0@${D}`, { tag: '1.0', digest: D }],
    ['nginx', { registry: 'docker.io', repository: 'library/nginx', tag: 'latest' }],
    ['org/app:1', { registry: 'docker.io', repository: 'org/app', tag: '1' }],
  ])('%s', (input, expected) => {
    expect(parseReference(input)).toMatchObject(expected);
  });

  it.each([
    ['', /empty/],
    ['ghcr.io/Org/x:1', /must be lowercase/],
    ['ghcr.io/x/y:bad tag', /whitespace/],
    ['ghcr.io/x/y@sha256:1234', /not a digest/],
    ['ghcr.io/x/y:-dash', /not a valid tag/],
    ['ghcr.io/x//y:1', /must be lowercase path components/],
  ])('rejects %j', (input, why) => {
    expect(() => parseReference(input)).toThrow(why);
    try {
      parseReference(input);
    } catch (e) {
      expect((e as { kind: string }).kind).toBe('invalid-reference');
    }
  });

  it('format, latest, isOciReference', () => {
    expect(formatReference(parseReference('oci://ghcr.io/x/y:1'))).toBe('ghcr.io/x/y:1');
    expect(isLatest(parseReference('ghcr.io/x/y'))).toBe(true);
    expect(isLatest(parseReference('ghcr.io/x/y:latest'))).toBe(true);
    expect(isLatest(parseReference(`ghcr.io/x/y@${D}`))).toBe(false);
    expect(isOciReference('file:///x.wasm')).toBe(false);
    expect(isOciReference('wasmcloud+builtin://http-server')).toBe(false);
    expect(isOciReference('oci://x/y:1')).toBe(true);
    expect(isOciReference('ghcr.io/x/y:1')).toBe(true);
  });
});

describe('mirrors and insecure registries', () => {
  it('maps the registry (and an optional prefix), shows both in the display text, checks insecure on the mirror', () => {
    const mirrors = parseMirrors(
      ['ghcr.io=127.0.0.1:5000', 'docker.io=mirror.local/hub,quay.io = q.local'],
      '--registry-mirror',
    );
    expect(mirrors).toEqual({ 'ghcr.io': '127.0.0.1:5000', 'docker.io': 'mirror.local/hub', 'quay.io': 'q.local' });
    const a = resolveLocation(parseReference('ghcr.io/org/x:1'), { mirrors, allowedInsecure: ['127.0.0.1:5000'] });
    expect(a).toMatchObject({
      registry: '127.0.0.1:5000',
      repository: 'org/x',
      mirrored: true,
      insecure: true,
      display: 'ghcr.io/org/x:1 (via mirror 127.0.0.1:5000/org/x)',
    });
    const b = resolveLocation(parseReference('nginx:1'), { mirrors, allowedInsecure: ['ghcr.io'] });
    expect(b).toMatchObject({ registry: 'mirror.local', repository: 'hub/library/nginx', insecure: false });
    const c = resolveLocation(parseReference('reg.local:8443/a:1'), { allowedInsecure: ['reg.local'] });
    expect(c).toMatchObject({
      registry: 'reg.local:8443',
      mirrored: false,
      insecure: true,
      display: 'reg.local:8443/a:1',
    });
  });

  it('rejects malformed mirror entries naming the flag', () => {
    expect(() => parseMirrors(['ghcr.io'], '--registry-mirror')).toThrow(
      /--registry-mirror 'ghcr.io' is not a registry mapping/,
    );
    expect(() => parseMirrors(['ghcr.io/org=x'], '--registry-mirror')).toThrow(/not a registry mapping/);
    expect(parseRegistryList(['a:1,b', ' http://c '])).toEqual(['a:1', 'b', 'c']);
  });
});

describe('WWW-Authenticate', () => {
  it('parses Bearer and Basic challenges with quoted commas', () => {
    expect(
      parseChallenges('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:org/x:pull,push"'),
    ).toEqual([
      {
        scheme: 'bearer',
        params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:org/x:pull,push' },
      },
    ]);
    expect(parseChallenges('Basic realm="wash-test"')).toEqual([{ scheme: 'basic', params: { realm: 'wash-test' } }]);
    expect(parseChallenges(null)).toEqual([]);
  });
});

describe('registryPushDefaults ([registry] of wasmcloud.toml)', () => {
  it('reads url, push_insecure and the credentials file relative to the project', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wash-regdefaults-'));
    writeFileSync(join(dir, 'creds.json'), JSON.stringify({ 'ghcr.io': { username: 'u', password: 'p' } }));
    expect(
      registryPushDefaults({ url: 'ghcr.io/acme/api:0.2.0', credentials: './creds.json', push_insecure: true }, dir),
    ).toEqual({
      url: 'ghcr.io/acme/api:0.2.0',
      insecure: true,
      credentials: { 'ghcr.io': { username: 'u', password: 'p' } },
    });
    expect(registryPushDefaults(undefined, dir)).toEqual({});
    expect(() => registryPushDefaults({ credentials: 'missing.json' }, dir)).toThrow(
      /cannot read the registry credentials file .*missing\.json/,
    );
    expect(() => registryPushDefaults({ push_insecure: 'yes' }, dir)).toThrow(/push_insecure/);
  });
});
