/**
 * One entry per resolved package in wit/deps: WIT text as `deps/<ns>-<pkg>/`, a binary package as
 * `deps/<ns>-<pkg>.wasm` (wit-parser ignores a .wasm inside a deps subdirectory). Checked with jco's wit-parser.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from '@bytecodealliance/jco-transpile/wasm-tools';
import { placePackage, resolveWitDeps } from '../../../src/dev/wit-deps.js';
import { parseProjectConfig } from '../../../src/dev/project-config.js';
import { worldMetadata } from '../../../src/dev/build/wit-tools.js';

const root = mkdtempSync(join(tmpdir(), 'wash-wit-layout-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const greeterPackage = () =>
  parse(`(component
  (type (component
    (type (instance (type (func (param "name" string) (result string))) (export "greet" (func (type 0)))))
    (export "acme:greeter/hello@0.1.0" (instance (type 0)))))
  (export "hello" (type 0)))`);

function staged(name: string, files: Record<string, string | Uint8Array>): string {
  const dir = join(root, 'staging', name);
  mkdirSync(dir, { recursive: true });
  for (const [f, c] of Object.entries(files)) writeFileSync(join(dir, f), c);
  return dir;
}

describe('placePackage', () => {
  it('a lone .wasm becomes deps/<name>.wasm, text becomes deps/<name>/, and each replaces the other form', async () => {
    const deps = join(root, 'p1', 'deps');
    mkdirSync(deps, { recursive: true });
    const bytes = await greeterPackage();
    expect(placePackage(staged('a', { 'acme-greeter.wasm': bytes }), deps, 'acme-greeter')).toBe(
      join(deps, 'acme-greeter.wasm'),
    );
    expect(readFileSync(join(deps, 'acme-greeter.wasm')).equals(Buffer.from(bytes))).toBe(true);
    expect(existsSync(join(deps, 'acme-greeter'))).toBe(false);

    expect(
      placePackage(
        staged('b', {
          'hello.wit': 'package acme:greeter@0.1.0;\ninterface hello { greet: func(name: string) -> string; }\n',
        }),
        deps,
        'acme-greeter',
      ),
    ).toBe(join(deps, 'acme-greeter'));
    expect(existsSync(join(deps, 'acme-greeter.wasm'))).toBe(false);
    expect(readFileSync(join(deps, 'acme-greeter', 'hello.wit'), 'utf8')).toContain('interface hello');

    placePackage(staged('c', { 'x.wasm': bytes }), deps, 'acme-greeter');
    expect(existsSync(join(deps, 'acme-greeter'))).toBe(false);
    const before = statSync(join(deps, 'acme-greeter.wasm')).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    placePackage(staged('d', { 'y.wasm': bytes }), deps, 'acme-greeter');
    expect(statSync(join(deps, 'acme-greeter.wasm')).mtimeMs).toBe(before); // unchanged: not rewritten
  });

  it("a file:// source naming a binary package resolves to a layout jco's wit-parser reads", async () => {
    const p = join(root, 'proj');
    mkdirSync(join(p, 'wit'), { recursive: true });
    writeFileSync(join(p, 'greeter.wasm'), await greeterPackage());
    writeFileSync(
      join(p, 'wit', 'world.wit'),
      'package acme:app@0.1.0;\nworld app {\n  import acme:greeter/hello@0.1.0;\n}\n',
    );
    const toml =
      'name = "app"\nlanguage = "typescript"\n[[registry.pull.sources]]\ntarget = "acme:greeter"\nsource = "file://greeter.wasm"\n';
    const cfg = await parseProjectConfig(toml, join(p, 'wasmcloud.toml'));
    expect(await resolveWitDeps(cfg)).toEqual([join(p, 'wit', 'deps', 'acme-greeter.wasm')]);
    const meta = await worldMetadata(join(p, 'wit'), 'app');
    expect(meta.imports).toEqual([{ namespace: 'acme', package: 'greeter', interface: 'hello', version: '0.1.0' }]);
  });
});
