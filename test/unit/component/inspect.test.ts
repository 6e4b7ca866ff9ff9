import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectComponent, inspectDocument, inspectText } from '../../../src/component/index.js';
import { UserError } from '../../../src/errors.js';
import { hasPeerFixtures, peerFixturePath } from '../../helpers/fixtures.js';
import { needing } from '../../helpers/peer-fixtures.js';

const scratch = mkdtempSync(join(tmpdir(), 'wash-inspect-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function rejection(promise: Promise<unknown>): Promise<UserError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

describe.skipIf(!hasPeerFixtures())(needing(hasPeerFixtures(), 'inspectComponent on real wasmCloud artifacts'), () => {
  it('lists every import and export of the signed Rust component, with versions and claims', async () => {
    const result = await inspectComponent(peerFixturePath('hello_plugin_s.wasm'));
    expect(result.imports).toEqual([
      'wasi:io/poll@0.2.0',
      'wasi:io/error@0.2.0',
      'wasi:io/streams@0.2.0',
      'wasi:http/types@0.2.0',
      'wasi:http/outgoing-handler@0.2.0',
      'wasi:cli/environment@0.2.0',
      'wasi:cli/exit@0.2.0',
      'wasi:cli/stdin@0.2.0',
      'wasi:cli/stdout@0.2.0',
      'wasi:cli/stderr@0.2.0',
      'wasi:clocks/wall-clock@0.2.0',
      'wasi:filesystem/types@0.2.0',
      'wasi:filesystem/preopens@0.2.0',
    ]);
    expect(result.exports).toEqual(['wasmcloud:wash/subcommand@0.1.0', 'wasi:cli/run@0.2.0']);
    expect(result.wit).toMatch(/^world root \{/m);
    expect(result.claims?.name).toBe('hello-plugin');

    const doc = inspectDocument(result);
    expect(doc).not.toHaveProperty('wit');
    expect(doc.claims).toMatchObject({
      name: 'hello-plugin',
      expires: 'never',
      can_be_used: 'immediately',
      validation: {
        expired: false,
        cannot_use_yet: false,
        expires_human: 'never',
        not_before_human: 'immediately',
        signature_valid: true,
      },
    });
    expect(doc.claims).not.toHaveProperty('verified');
    expect(inspectDocument(result, { wit: true }).wit).toBe(result.wit);
    const text = inspectText(result, 'hello_plugin_s.wasm');
    expect(text).toContain('Imports (13)');
    expect(text).toContain('  wasi:cli/run@0.2.0');
    expect(text).toContain('Claims (embedded)\n');
    expect(text).toContain('  signature    valid (Ed25519, by the issuer)\n');
    expect(text).toContain(
      '  module hash  matches (BEBDA8844610EBA6A1EFBC679CC48790E0CAFC2890818FA968F450A134B386A0)\n',
    );
  });

  it('refuses the legacy core-module actor, naming the file and its claims', async () => {
    const path = peerFixturePath('echo_messaging_v0.9.0.wasm');
    const err = await rejection(inspectComponent(path));
    expect(err.message).toContain(path);
    expect(err.message).toContain('core module, not a component');
    expect(err.message).toContain('"Echo Messaging" v0.1.5');
    expect(err.suggestion).toBeTruthy();
  });

  it('refuses the pre-1.0 component encoding before calling jco', async () => {
    const path = peerFixturePath('guest.component.wasm');
    const err = await rejection(inspectComponent(path));
    expect(err.message).toBe(
      `${path} uses an unsupported (pre-release) component encoding: binary version 0x1000c, expected 0x1000d`,
    );
  });
});

describe('inspectComponent errors', () => {
  it('names a missing file', async () => {
    const path = join(scratch, 'missing.wasm');
    expect((await rejection(inspectComponent(path))).message).toBe(`file not found: ${path}`);
  });

  it('names a directory', async () => {
    expect((await rejection(inspectComponent(scratch))).message).toContain(`${scratch} is a directory`);
  });

  it('says what a non-wasm file is', async () => {
    const wat = join(scratch, 'thing.wat');
    writeFileSync(wat, '(component)');
    const err = await rejection(inspectComponent(wat));
    expect(err.message).toBe(`${wat} is not a WebAssembly component: it is WebAssembly text (WAT), not a binary`);
    expect(err.suggestion).toContain('wasm-tools parse');
  });

  it('labels byte input and wraps decoder failures', async () => {
    const broken = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0x07, 0x7f]);
    const err = await rejection(inspectComponent(broken, { label: 'upload.wasm' }));
    expect(err.message).toMatch(/^upload\.wasm could not be decoded as a component: /);
    expect(err.message).not.toContain('\n');
  });
});

describe('inspectComponent on world-level functions and inline interfaces', () => {
  it('reports plain names for them, next to versioned interface names', async () => {
    const { componentEmbed, componentNew } = await import('@bytecodealliance/jco-transpile/wasm-tools');
    const witSource = `package test:mixed@0.3.0;
interface host { ping: func(); }
world mixed {
  import host;
  import log: func(message: string);
  import helpers: interface { double: func(x: u32) -> u32; }
  export run: func() -> u32;
  export host;
}`;
    const bytes = await componentNew(await componentEmbed({ dummy: true, witSource, world: 'mixed' }));
    const result = await inspectComponent(bytes, { label: 'mixed' });
    // order follows the component's encoding, not the source world
    const kinds = (items: { name: string; kind: string }[]) => Object.fromEntries(items.map((i) => [i.name, i.kind]));
    expect(kinds(result.importItems)).toEqual({
      'test:mixed/host@0.3.0': 'interface',
      log: 'function',
      helpers: 'inline-interface',
    });
    expect(kinds(result.exportItems)).toEqual({ run: 'function', 'test:mixed/host@0.3.0': 'interface' });
    expect(result.imports).toHaveLength(3);
    expect(result.claims).toBeUndefined();
  });
});
