import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyWasm, customSections } from '../../../src/component/index.js';
import { fixturePath, hasPeerFixtures, peerFixturePath } from '../../helpers/fixtures.js';
import { needing } from '../../helpers/peer-fixtures.js';

const header = (version: number, layer: number) =>
  new Uint8Array([0x00, 0x61, 0x73, 0x6d, version & 0xff, version >> 8, layer & 0xff, layer >> 8]);

/** A custom section: id 0, size, name length, name, payload (all sizes < 128, so one LEB byte each). */
function customSection(name: string, payload: string): Uint8Array {
  const n = Buffer.from(name);
  const p = Buffer.from(payload);
  return new Uint8Array([0, 1 + n.length + p.length, n.length, ...n, ...p]);
}

describe('classifyWasm', () => {
  it('tells core modules, components and other encodings apart by their header', () => {
    expect(classifyWasm(header(1, 0))).toMatchObject({ kind: 'core-module', version: 1, layer: 0, encoding: 0x1 });
    expect(classifyWasm(header(0x0d, 1))).toMatchObject({ kind: 'component', encoding: 0x1000d });
    const pre = classifyWasm(header(0x0c, 1));
    expect(pre).toMatchObject({ kind: 'pre-release-component', encoding: 0x1000c });
    expect(pre.description).toContain('pre-release');
    expect(classifyWasm(header(0x0e, 1)).description).toContain('newer');
    expect(classifyWasm(header(2, 0)).kind).toBe('unknown-wasm');
  });

  it('describes what a non-wasm input is', () => {
    expect(classifyWasm(new Uint8Array())).toMatchObject({ kind: 'not-wasm', description: 'an empty file' });
    expect(classifyWasm(header(1, 0).subarray(0, 6)).description).toContain('truncated');
    expect(classifyWasm(Buffer.from(';; hello\n(module (func))')).description).toContain('WebAssembly text');
    expect(classifyWasm(Buffer.from('package a:b;\nworld w {}\n')).description).toContain('WIT');
    expect(classifyWasm(Buffer.from('{"name":"x"}')).description).toBe('a text file');
    expect(classifyWasm(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0])).description).toContain('ELF');
  });

  it('classifies the committed fixtures as components', () => {
    for (const name of ['http-hello-v1', 'http-trap', 'calc'] as const) {
      expect(classifyWasm(readFileSync(fixturePath(name))).kind).toBe('component');
    }
  });

  it.skipIf(!hasPeerFixtures())(needing(hasPeerFixtures(), 'classifies the real wasmCloud artifacts'), () => {
    expect(classifyWasm(readFileSync(peerFixturePath('hello_plugin_s.wasm'))).kind).toBe('component');
    expect(classifyWasm(readFileSync(peerFixturePath('echo_messaging_v0.9.0.wasm'))).kind).toBe('core-module');
    expect(classifyWasm(readFileSync(peerFixturePath('guest.component.wasm')))).toMatchObject({
      kind: 'pre-release-component',
      encoding: 0x1000c,
    });
  });
});

describe('customSections', () => {
  it('lists top-level custom sections in order and skips other sections', () => {
    const typeSection = new Uint8Array([1, 1, 0]); // id 1, size 1, zero types
    const bytes = Buffer.concat([header(1, 0), customSection('a', 'xy'), typeSection, customSection('jwt', 't.o.k')]);
    const sections = customSections(bytes);
    expect(sections.map((s) => s.name)).toEqual(['a', 'jwt']);
    expect(Buffer.from(sections[1].data).toString()).toBe('t.o.k');
  });

  it('keeps what it read when the binary is cut short', () => {
    const bytes = Buffer.concat([header(1, 0), customSection('ok', '1'), customSection('cut', 'abcdef')]);
    expect(customSections(bytes.subarray(0, bytes.length - 3)).map((s) => s.name)).toEqual(['ok']);
  });
});
