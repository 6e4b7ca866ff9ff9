/**
 * An `oci://` WIT source through a REAL TypeScript build: a WIT package published to a test registry (as wkg lays
 * it out: `<prefix>/<namespace>/<name>:<version>`, binary-encoded), a project from `wash new` whose world imports
 * its interface, `wash build` (esbuild + componentize-js), and `wash inspect` showing the import in the component.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from '@bytecodealliance/jco-transpile/wasm-tools';
import { pushComponent } from '../../../src/oci/index.js';
import { requireBuiltCli, runWash } from '../../helpers/cli.js';
import { startTestRegistry, type TestRegistry } from '../../helpers/registry.js';

const GREETER = 'acme:greeter/hello@0.2.0';
let reg: TestRegistry;
let dir: string;
let env: NodeJS.ProcessEnv;
let witPackage: Uint8Array;

beforeAll(async () => {
  requireBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'wash-oci-wit-build-'));
  reg = await startTestRegistry();
  env = {
    HOME: dir,
    WASH_CACHE_DIR: join(dir, 'cache'),
    WASH_CONFIG_DIR: join(dir, 'config'),
    WASMCLOUD_OCI_ALLOWED_INSECURE: reg.host,
  };
  for (const v of ['0.1.0', '0.2.0']) {
    const bytes = await parse(`(component
      (type (component
        (type (instance
          (type (func (param "name" string) (result string)))
          (export "greet" (func (type 0)))))
        (export "acme:greeter/hello@${v}" (instance (type 0)))))
      (export "hello" (type 0)))`);
    if (v === '0.2.0') witPackage = bytes;
    await pushComponent({ reference: `${reg.host}/interfaces/acme/greeter:${v}`, bytes, insecure: true });
  }
}, 60_000);

afterAll(async () => {
  await reg?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('oci:// WIT source in a TypeScript build', () => {
  it('wash build pulls the package into wit/deps and the component imports its interface', async () => {
    const made = await runWash(
      ['new', 'component', 'oci-greeter', '-t', 'hello-world-typescript', '--path', dir, '-o', 'json'],
      { env },
    );
    expect(made.code, made.stderr).toBe(0);
    const p = join(dir, 'oci-greeter');
    appendFileSync(
      join(p, 'wasmcloud.toml'),
      `\n[[registry.pull.sources]]\ntarget = "acme:greeter"\nsource = "oci://${reg.host}/interfaces"\n`,
    );
    const world = readFileSync(join(p, 'wit', 'world.wit'), 'utf8');
    writeFileSync(
      join(p, 'wit', 'world.wit'),
      world.replace(/(\n\s*export wasi:http\/incoming-handler)/, `\n  import ${GREETER};$1`),
    );
    const src = readFileSync(join(p, 'src', 'index.ts'), 'utf8');
    expect(src).toContain("'Hello from TypeScript!\\n'");
    writeFileSync(
      join(p, 'src', 'index.ts'),
      `import { greet } from '${GREETER}';\n${src.replace("'Hello from TypeScript!\\n'", "greet('oci') + '\\n'")}`,
    );
    appendFileSync(
      join(p, 'src', 'wit.d.ts'),
      `\ndeclare module '${GREETER}' {\n  export function greet(name: string): string;\n}\n`,
    );

    const built = await runWash(['build', '-o', 'json'], { env, cwd: p, timeoutMs: 600_000 });
    expect(built.code, built.stderr).toBe(0);
    expect(built.json).toMatchObject({ built: true, component_path: expect.stringMatching(/oci_greeter\.wasm$/) });
    // The highest release tag, placed where wit-parser reads binary packages.
    expect(Buffer.from(readFileSync(join(p, 'wit', 'deps', 'acme-greeter.wasm'))).equals(Buffer.from(witPackage))).toBe(
      true,
    );
    expect(existsSync(join(p, 'wit', 'deps', 'acme-greeter'))).toBe(false);

    const inspected = await runWash(['inspect', built.json.component_path, '-o', 'json'], { env });
    expect(inspected.code, inspected.stderr).toBe(0);
    expect(inspected.json.imports).toContain(GREETER);
    expect(inspected.json.exports).toEqual(['wasi:http/incoming-handler@0.2.10']);
  }, 900_000);
});
