/**
 * `wash push` with the `[registry]` table of wasmcloud.toml (§11) as defaults, against real registries: the
 * reference from `[registry] url` (whole, or a prefix completed with name:version), push_insecure, a credentials
 * file for an authenticated registry, --config-path from elsewhere, and flags over the file.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Digest } from '../../../src/oci/digest.js';
import { requireBuiltCli, runWash } from '../../helpers/cli.js';
import { fixturePath } from '../../helpers/fixtures.js';
import { startTestRegistry, type TestRegistry } from '../../helpers/registry.js';

const HELLO_FILE = fixturePath('http-hello-v1');
const USERS = { bob: 'tr0ub4dor&3' };
let open: TestRegistry;
let priv: TestRegistry;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  requireBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'wash-oci-push-project-'));
  env = { HOME: dir, WASH_CACHE_DIR: join(dir, 'cache'), WASH_CONFIG_DIR: join(dir, 'config') };
  [open, priv] = await Promise.all([startTestRegistry(), startTestRegistry({ auth: 'htpasswd', users: USERS })]);
}, 60_000);

afterAll(async () => {
  await Promise.all([open?.close(), priv?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function project(name: string, registry: string, extra = ''): string {
  const p = join(dir, name);
  mkdirSync(p, { recursive: true });
  writeFileSync(
    join(p, 'wasmcloud.toml'),
    `name = "${name}"\nversion = "0.3.1"\nlanguage = "typescript"\ntype = "component"\n${extra}\n[registry]\n${registry}\n`,
  );
  return p;
}

const wash = (args: string[], cwd: string) => runWash(args, { env, cwd, timeoutMs: 90_000 });

/** The digest the registry serves for `ref` and that its layer is the pushed file. */
async function pulledMatches(ref: string, cwd: string, creds: string[] = []): Promise<string> {
  const dest = join(dir, `pulled-${sha256Digest(ref).slice(7, 19)}.wasm`);
  const r = await wash(['pull', ref, '--insecure', '-d', dest, ...creds, '-o', 'json'], cwd);
  expect(r.code, r.stderr).toBe(0);
  expect(readFileSync(dest).equals(readFileSync(HELLO_FILE))).toBe(true);
  return r.json.digest;
}

describe('wash push with [registry] of wasmcloud.toml', () => {
  it('[registry] url as the whole reference, push_insecure instead of --insecure; only the file is given', async () => {
    const p = project('whole', `url = "${open.host}/proj/whole:0.1.0"\npush_insecure = true`);
    const r = await wash(['push', HELLO_FILE, '-o', 'json'], p);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toEqual({
      url: `${open.host}/proj/whole:0.1.0`,
      digest: expect.stringMatching(/^sha256:[a-f0-9]{64}$/),
      success: true,
    });
    expect(await pulledMatches(`${open.host}/proj/whole:0.1.0`, p)).toBe(r.json.digest);
  }, 120_000);

  it('[registry] url as a prefix: name:version complete it; a registry-less ref goes to that registry; an explicit ref wins', async () => {
    const p = project('prefixed', `url = "${open.host}/team"\npush_insecure = true`);
    const byProject = await wash(['push', HELLO_FILE, '-o', 'json'], p);
    expect(byProject.code, byProject.stderr).toBe(0);
    expect(byProject.json.url).toBe(`${open.host}/team/prefixed:0.3.1`);
    await pulledMatches(`${open.host}/team/prefixed:0.3.1`, p);

    const bare = await wash(['push', 'other/api:2.0.0', HELLO_FILE, '-o', 'json'], p);
    expect(bare.code, bare.stderr).toBe(0);
    expect(bare.json.url).toBe(`${open.host}/team/other/api:2.0.0`);

    const text = await wash(['push', `${open.host}/explicit/api:1.0.0`, HELLO_FILE], p);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Pushed ${open.host}/explicit/api:1.0.0`);
  }, 120_000);

  it('credentials file (relative to wasmcloud.toml) logs in to an htpasswd registry; --config-path from another directory', async () => {
    const p = project(
      'authed',
      `url = "${priv.host}/secure/authed:0.1.0"\npush_insecure = true\ncredentials = "./creds.json"`,
    );
    writeFileSync(join(p, 'creds.json'), JSON.stringify({ [priv.host]: { username: 'bob', password: USERS.bob } }));
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    const r = await wash(['push', HELLO_FILE, '--config-path', p, '-o', 'json'], elsewhere);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.url).toBe(`${priv.host}/secure/authed:0.1.0`);
    expect(await pulledMatches(r.json.url, elsewhere, ['-u', 'bob', '-p', USERS.bob])).toBe(r.json.digest);

    // Flags win over the file: a wrong --password is used, and refused.
    const wrong = await wash(['push', HELLO_FILE, '-u', 'bob', '-p', 'nope', '-o', 'json'], p);
    expect(wrong.code).toBe(1);
    expect(wrong.json.error).toMatch(/auth|denied|unauthori[sz]ed|credentials/i);
    expect(wrong.stderr).not.toContain('nope');
    expect(wrong.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('an invalid wasmcloud.toml in the current directory blocks only pushes that need it', async () => {
    const p = project('broken', `url = "${open.host}/b/broken:0.1.0"\nbogus_key = 1`);
    const explicit = await wash(['push', `${open.host}/b/explicit:0.1.0`, HELLO_FILE, '--insecure'], p);
    expect(explicit.code, explicit.stderr).toBe(0);
    expect(explicit.stdout).toContain(`Pushed ${open.host}/b/explicit:0.1.0`);
    expect(explicit.stderr).toMatch(
      /Not using wasmcloud\.toml for push defaults: .*broken\/wasmcloud\.toml is not a valid project file/,
    );

    const needed = await wash(['push', HELLO_FILE, '-o', 'json'], p);
    expect(needed.code).toBe(1);
    expect(needed.json.error).toMatch(/unknown key registry\.bogus_key/);
  }, 120_000);

  it('clear errors: no [registry] url and no reference, a missing credentials file, a missing --config-path', async () => {
    const noUrl = project('nourl', 'push_insecure = true');
    const a = await wash(['push', HELLO_FILE, '-o', 'json'], noUrl);
    expect(a.code).toBe(1);
    expect(a.json.error).toMatch(
      /no reference to push to: none given and no \[registry\] url in .*nourl\/wasmcloud\.toml/,
    );

    const outside = await wash(['push', HELLO_FILE, '-o', 'json'], dir);
    expect(outside.code).toBe(1);
    expect(outside.json.error).toMatch(/not in a project directory/);

    const noCreds = project('nocreds', `url = "${open.host}/x/y:0.1.0"\ncredentials = "missing.json"`);
    const b = await wash(['push', HELLO_FILE, '-o', 'json'], noCreds);
    expect(b.code).toBe(1);
    expect(b.json.error).toMatch(
      /cannot read the registry credentials file .*missing\.json \(\[registry\] credentials in wasmcloud\.toml\)/,
    );

    const c = await wash(['push', HELLO_FILE, '--config-path', join(dir, 'no-such-project'), '-o', 'json'], dir);
    expect(c.code).toBe(1);
    expect(c.json.error).toMatch(/no wasmcloud\.toml in .*no-such-project/);
  }, 120_000);
});
