import { describe, expect, it } from 'vitest';
import { hostAllowed, parseAllowedHosts } from '../../../src/host/capabilities/http-client.js';
import { builtinKind } from '../../../src/host/capabilities/kinds.js';
import { parseCounter } from '../../../src/host/capabilities/keyvalue/backend.js';
import { keyvalueImports } from '../../../src/host/capabilities/keyvalue/interface.js';
import { MemoryKeyValue } from '../../../src/host/capabilities/keyvalue/memory.js';
import { selectLink } from '../../../src/host/capabilities/link-select.js';
import { bounded, CapabilityTimeout } from '../../../src/host/capabilities/timeout.js';
import { asyncPlan } from '../../../src/host/runtime/async-plan.js';
import type { Link } from '../../../src/lattice/types.js';

const kv = (name: string, target: string, over: Partial<Link> = {}): Link => ({
  source_id: 'app',
  target,
  name,
  wit_namespace: 'wasi',
  wit_package: 'keyvalue',
  interfaces: ['store'],
  source_config: [],
  target_config: [],
  ...over,
});

describe('builtinKind', () => {
  it('recognises upstream images (any tag or digest) and wasmcloud+builtin refs', () => {
    expect(builtinKind('ghcr.io/wasmcloud/keyvalue-nats:0.3.1')).toBe('keyvalue-nats');
    expect(builtinKind('oci://ghcr.io/wasmcloud/keyvalue-redis@sha256:abcd')).toBe('keyvalue-redis');
    expect(builtinKind('ghcr.io/wasmcloud/http-client')).toBe('http-client');
    expect(builtinKind('wasmcloud+builtin://keyvalue-inmemory')).toBe('keyvalue-inmemory');
    expect(builtinKind(' wasmcloud+builtin://http-server ')).toBe('http-server');
  });
  it('rejects anything else', () => {
    for (const ref of [
      'ghcr.io/wasmcloud/blobstore-s3:0.1.0',
      'ghcr.io/other/keyvalue-nats:1',
      'file:///x/provider.par.gz',
      'wasmcloud+builtin://nope',
      '',
    ]) {
      expect(builtinKind(ref), ref).toBeUndefined();
    }
  });
});

describe('selectLink (named links)', () => {
  const links = [kv('cache', 'kv-nats'), kv('sessions', 'kv-redis'), kv('default', 'x', { wit_package: 'blobstore' })];
  it('picks the link named by the identifier', () => {
    expect(selectLink(links, 'wasi', 'keyvalue', 'sessions')).toEqual({ ok: true, link: links[1] });
  });
  it('falls back to the default link of the same package', () => {
    const withDefault = [...links, kv('default', 'kv-mem')];
    expect(selectLink(withDefault, 'wasi', 'keyvalue', 'anything')).toEqual({ ok: true, link: withDefault[3] });
  });
  it('without a match or default: an error listing the names that exist', () => {
    expect(selectLink(links, 'wasi', 'keyvalue', 'other')).toEqual({
      ok: false,
      error:
        "no wasi:keyvalue link named 'other' and no 'default' link: its wasi:keyvalue links are named cache, sessions",
    });
    expect(selectLink([], 'wasi', 'keyvalue', 'x')).toEqual({
      ok: false,
      error: "no wasi:keyvalue link named 'x' and no 'default' link: the component has no wasi:keyvalue link",
    });
  });
});

describe('asyncPlan', () => {
  it('is undefined for components without network-backed imports (they keep the sync glue)', () => {
    expect(
      asyncPlan(
        ['wasi:http/types@0.2.10', 'wasi:io/poll@0.2.12', 'wasi:config/store@0.2.0-draft'],
        ['wasi:http/incoming-handler@0.2.10'],
      ),
    ).toBeUndefined();
  });
  it('names every keyvalue function, the poll waits and the HTTP handler export', () => {
    const plan = asyncPlan(
      ['wasi:keyvalue/store@0.2.0-draft', 'wasi:keyvalue/atomics@0.2.0-draft', 'wasi:io/poll@0.2.12'],
      ['wasi:http/incoming-handler@0.2.10'],
    );
    expect(plan?.asyncExports).toEqual(['wasi:http/incoming-handler#handle']);
    expect(plan?.asyncImports).toEqual(
      expect.arrayContaining([
        'wasi:keyvalue/store#open',
        'wasi:keyvalue/store#[method]bucket.get',
        'wasi:keyvalue/atomics#increment',
        'wasi:io/poll#poll',
        'wasi:io/poll#[method]pollable.block',
      ]),
    );
    expect(plan?.asyncImports.some((n) => n.startsWith('wasi:keyvalue/batch'))).toBe(false);
  });
  it('outgoing HTTP makes only the poll waits async (handle starts the request)', () => {
    expect(asyncPlan(['wasi:http/outgoing-handler@0.2.10', 'wasi:io/poll@0.2.12'], [])).toEqual({
      asyncImports: ['wasi:io/poll#[method]pollable.block', 'wasi:io/poll#poll'],
      asyncExports: [],
    });
  });
});

describe('http-client allow-list', () => {
  const allowed = parseAllowedHosts(' api.example.com , 127.0.0.1:8080,*.internal ');
  it('matches hosts, host:port and wildcard subdomains; ports default by scheme', () => {
    expect(hostAllowed(allowed, 'api.example.com', '443')).toBe(true);
    expect(hostAllowed(allowed, 'API.example.com:8443', '443')).toBe(true);
    expect(hostAllowed(allowed, '127.0.0.1:8080', '80')).toBe(true);
    expect(hostAllowed(allowed, '127.0.0.1:8081', '80')).toBe(false);
    expect(hostAllowed(allowed, '127.0.0.1', '80')).toBe(false);
    expect(hostAllowed(allowed, 'db.internal', '80')).toBe(true);
    expect(hostAllowed(allowed, 'internal', '80')).toBe(false);
    expect(hostAllowed(allowed, 'evil-example.com', '80')).toBe(false);
  });
  it('no allowed_hosts key allows every host (as upstream); an empty one allows none', () => {
    expect(hostAllowed(undefined, 'anything:1', '80')).toBe(true);
    expect(hostAllowed(parseAllowedHosts(''), 'anything', '80')).toBe(false);
    expect(hostAllowed(parseAllowedHosts('*'), 'anything', '80')).toBe(true);
  });
});

describe('wasi:keyvalue host functions', () => {
  it('map backend failures and timeouts to error::other, never a plain Error (which would trap)', async () => {
    const slow = new MemoryKeyValue();
    slow.get = () => new Promise(() => {});
    const imports = keyvalueImports(async (id) => {
      if (id === 'missing') throw new Error('no such link');
      return { backend: slow, timeoutMs: 30, label: `link '${id}'` };
    });
    const store = imports['wasi:keyvalue/store'] as {
      open(id: string): Promise<{ get(k: string): Promise<unknown>; set(k: string, v: Uint8Array): Promise<void> }>;
    };
    await expect(store.open('missing')).rejects.toEqual({ tag: 'other', val: 'no such link' });
    const bucket = await store.open('cache');
    await expect(bucket.get('k')).rejects.toEqual({
      tag: 'other',
      val: "link 'cache' (get) did not answer within 30 ms",
    });
    await bucket.set('n', new TextEncoder().encode('not a number'));
    const atomics = imports['wasi:keyvalue/atomics'] as {
      increment(b: unknown, k: string, d: bigint): Promise<bigint>;
    };
    await expect(atomics.increment(bucket, 'n', 1n)).rejects.toEqual({
      tag: 'other',
      val: "value of key 'n' is not a number, so it cannot be incremented",
    });
    expect(await atomics.increment(bucket, 'fresh', 5n)).toBe(5n);
    expect(await atomics.increment(bucket, 'fresh', 5n)).toBe(10n);
  });

  it('set copies the guest buffer (the guest may reuse its memory)', async () => {
    const backend = new MemoryKeyValue();
    const imports = keyvalueImports(async () => ({ backend, timeoutMs: 1000, label: 'x' }));
    const bucket = await (
      imports['wasi:keyvalue/store'] as { open(id: string): Promise<{ set(k: string, v: Uint8Array): Promise<void> }> }
    ).open('x');
    const buf = new TextEncoder().encode('abc');
    await bucket.set('k', buf);
    buf[0] = 0x7a;
    expect(new TextDecoder().decode(await backend.get('k'))).toBe('abc');
  });
});

describe('parseCounter / bounded', () => {
  it('reads decimal counters, absent = 0', () => {
    expect(parseCounter(undefined, 'k')).toBe(0n);
    expect(parseCounter(new TextEncoder().encode(' 42 '), 'k')).toBe(42n);
    expect(() => parseCounter(new TextEncoder().encode('4x'), 'k')).toThrow(/not a number/);
  });
  it('bounded resolves with the work, or rejects after the timeout', async () => {
    expect(await bounded(Promise.resolve(1), 50, 'x')).toBe(1);
    await expect(bounded(new Promise(() => {}), 20, 'slow thing')).rejects.toThrow(
      'slow thing did not answer within 20 ms',
    );
  });
  it('bounded: calls sharing one deadline queue each settle on their own (done ones never time out, hung ones do)', async () => {
    const never = new Promise<number>(() => {});
    let release!: (v: number) => void;
    const later = new Promise<number>((resolve) => {
      release = resolve;
    });
    const calls = [
      bounded(Promise.resolve(1), 30, 'a'),
      bounded(never, 30, 'hung b'),
      bounded(later, 30, 'c'),
      bounded(Promise.reject(new Error('backend said no')), 30, 'd'),
      bounded(never, 30, 'hung e'),
    ];
    release(3);
    const results = await Promise.allSettled(calls);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      1,
      'hung b did not answer within 30 ms',
      3,
      'backend said no',
      'hung e did not answer within 30 ms',
    ]);
    // The queue is reusable after it has drained.
    await expect(bounded(never, 30, 'hung f')).rejects.toBeInstanceOf(CapabilityTimeout);
    expect(await bounded(Promise.resolve('ok'), 30, 'g')).toBe('ok');
  });
});
