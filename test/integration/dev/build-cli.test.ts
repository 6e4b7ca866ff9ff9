/**
 * `wash build` / `wash new` through the CLI for the paths that need no componentize-js run: custom
 * build_command (captured output, clean JSON), failures shown with their output, a missing toolchain named,
 * bad wasmcloud.toml with file:line, file:// WIT sources, unknown scheme, templates listed.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../helpers/fixtures.js';
import { runWash } from '../../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wash-build-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function project(name: string, toml: string): string {
  const p = join(dir, name);
  mkdirSync(p, { recursive: true });
  writeFileSync(join(p, 'wasmcloud.toml'), toml);
  return p;
}

describe('wash build (CLI)', () => {
  it('runs build_command with its output captured: stdout is exactly one JSON document', async () => {
    const p = project(
      'custom',
      `name = "custom"\nlanguage = "other"\n[component]\nbuild_command = "echo noisy-tool-output && mkdir -p out && cp ${fixturePath('http-hello-v1')} out/c.wasm"\nbuild_artifact = "out/c.wasm"\n`,
    );
    const r = await runWash(['build', '-o', 'json'], { cwd: p });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('noisy-tool-output');
    expect(r.json).toMatchObject({ component_path: join(p, 'out', 'c.wasm'), built: true, success: true });
  });

  it('shows the output of a failing build_command, without a stack trace', async () => {
    const p = project(
      'failing',
      `name = "failing"\nlanguage = "go"\n[component]\nbuild_command = "echo compiler says no >&2; exit 3"\nbuild_artifact = "x.wasm"\n`,
    );
    const r = await runWash(['build'], { cwd: p });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('exited with code 3');
    expect(r.stderr).toContain('compiler says no');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the missing toolchain and the file:line of bad keys', async () => {
    const tiny = project('tiny', `name = "tiny"\nlanguage = "tinygo"\n[tinygo]\ndisable_go_generate = true\n`);
    const r = await runWash(['build', '-o', 'json'], { cwd: tiny, env: { PATH: '/usr/bin:/bin' } });
    expect(r.code).toBe(1);
    expect(r.json.error).toMatch(/tinygo was not found on PATH/);
    const bad = project('bad', `name = "bad"\nlanguage = "typescript"\n[component]\nwit_wrold = "x"\n`);
    const b = await runWash(['build'], { cwd: bad });
    expect(b.code).toBe(1);
    expect(b.stderr).toContain(`${join(bad, 'wasmcloud.toml')}:4: unknown key component.wit_wrold`);
    const none = await runWash(['build', '-o', 'json'], { cwd: dir });
    expect(none.json.error).toMatch(/no wasmcloud\.toml in/);
  });

  it('resolves file:// WIT sources into wit/deps and refuses schemes it has no resolver for', async () => {
    const p = project(
      'wit',
      `name = "wit"\nlanguage = "other"\n[component]\nbuild_command = "mkdir -p out && cp ${fixturePath('http-hello-v1')} out/c.wasm"\nbuild_artifact = "out/c.wasm"\n[[registry.pull.sources]]\ntarget = "acme:inv"\nsource = "file://extra"\n`,
    );
    mkdirSync(join(p, 'extra'));
    writeFileSync(join(p, 'extra', 'inv.wit'), 'package acme:inv@0.1.0;\ninterface i { f: func(); }\n');
    expect((await runWash(['build', '-o', 'json'], { cwd: p })).code).toBe(0);
    expect(readFileSync(join(p, 'wit', 'deps', 'acme-inv', 'inv.wit'), 'utf8')).toContain('package acme:inv@0.1.0;');
    writeFileSync(
      join(p, 'wasmcloud.toml'),
      readFileSync(join(p, 'wasmcloud.toml'), 'utf8').replace('file://extra', 'gopher://example.com/inv'),
    );
    const r = await runWash(['build', '-o', 'json'], { cwd: p });
    expect(r.code).toBe(1);
    expect(r.json.error).toMatch(/acme:inv: no resolver for 'gopher' sources/);
    expect((await runWash(['build', '--skip-fetch', '-o', 'json'], { cwd: p })).code).toBe(0);
  });
});

describe('wash new (CLI)', () => {
  it('lists the three templates and creates a named project; refuses bad names and unknown templates', async () => {
    const list = await runWash(['new', '--list', '-o', 'json']);
    expect(list.json.templates.map((t: { name: string }) => t.name)).toEqual([
      'hello-world-javascript',
      'hello-world-typescript',
      'keyvalue-counter-typescript',
    ]);
    const made = await runWash([
      'new',
      'component',
      'my-app',
      '-t',
      'keyvalue-counter-typescript',
      '--path',
      dir,
      '-o',
      'json',
    ]);
    expect(made.code).toBe(0);
    expect(readFileSync(join(dir, 'my-app', 'wasmcloud.toml'), 'utf8')).toContain('name = "my-app"');
    expect(existsSync(join(dir, 'my-app', 'wit', 'deps', 'keyvalue', 'package.wit'))).toBe(true);
    const again = await runWash(['new', 'component', 'my-app', '--path', dir, '-o', 'json']);
    expect(again.json.error).toMatch(/already exists/);
    expect((await runWash(['new', 'component', 'Bad_Name', '--path', dir, '-o', 'json'])).json.error).toMatch(
      /component name 'Bad_Name' is not valid/,
    );
    expect((await runWash(['new', 'component', 'x', '-t', 'nope', '--path', dir, '-o', 'json'])).json).toMatchObject({
      success: false,
      error: expect.stringMatching(/unknown template 'nope'/),
    });
    const help = await runWash(['dev', '--help']);
    expect(help.stdout).toContain('EXAMPLES');
  });
});
