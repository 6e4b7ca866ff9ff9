/**
 * `wash push` / `wash pull` (the built CLI) against real registries: -o json documents, credentials from flags,
 * env and a wash context, the mirror flag, and clear errors (exit 1, one JSON error document, no stack).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Digest } from '../../../src/oci/digest.js';
import { requireBuiltCli, runWash } from '../../helpers/cli.js';
import { fixturePath } from '../../helpers/fixtures.js';
import { startTestRegistry, type TestRegistry } from '../../helpers/registry.js';
import { withCustomSection } from '../../helpers/wasm-variant.js';

const HELLO_FILE = fixturePath('http-hello-v1');
const USERS = { alice: 'correct horse battery' };
let open: TestRegistry;
let priv: TestRegistry;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  requireBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'wash-oci-cli-'));
  env = { HOME: dir, WASH_CACHE_DIR: join(dir, 'cache'), WASH_CONFIG_DIR: join(dir, 'config') };
  [open, priv] = await Promise.all([startTestRegistry(), startTestRegistry({ auth: 'token', users: USERS })]);
}, 60_000);

afterAll(async () => {
  await Promise.all([open?.close(), priv?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const wash = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
  runWash(args, { env: { ...env, ...extraEnv }, cwd: dir, timeoutMs: 90_000 });

describe('wash push / wash pull', () => {
  it('push then pull: {"url","digest"} documents agree and the pulled file has the pushed bytes', async () => {
    const pushed = await wash(['push', `oci://${open.host}/wash/cli:0.1.0`, HELLO_FILE, '--insecure', '-o', 'json']);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.json).toEqual({
      url: `${open.host}/wash/cli:0.1.0`,
      digest: expect.stringMatching(/^sha256:[a-f0-9]{64}$/),
      success: true,
    });

    const dest = join(dir, 'out', 'hello.wasm');
    const pulled = await wash([
      'pull',
      `${open.host}/wash/cli:0.1.0`,
      '--insecure',
      '--destination',
      dest,
      '-o',
      'json',
    ]);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.json).toEqual({ url: `${open.host}/wash/cli:0.1.0`, digest: pushed.json.digest, success: true });
    expect(sha256Digest(readFileSync(dest))).toBe(sha256Digest(readFileSync(HELLO_FILE)));

    // Default destination: <repository name>.wasm in the working directory; text output names the location.
    const text = await wash([
      'pull',
      `ghcr.io/wash/cli:0.1.0`,
      '--registry-mirror',
      `ghcr.io=${open.host}`,
      '--insecure',
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Pulled ghcr.io/wash/cli:0.1.0 (via mirror ${open.host}/wash/cli)`);
    expect(readFileSync(join(dir, 'cli.wasm')).equals(readFileSync(HELLO_FILE))).toBe(true);
  }, 180_000);

  it('wash inspect takes a registry reference: same document as for the local file', async () => {
    const pushed = await wash(['push', `${open.host}/wash/inspect:0.1.0`, HELLO_FILE, '--insecure', '-o', 'json']);
    expect(pushed.code, pushed.stderr).toBe(0);
    const local = await wash(['inspect', HELLO_FILE, '-o', 'json']);
    const remote = await wash(['inspect', `oci://${open.host}/wash/inspect:0.1.0`, '--insecure', '-o', 'json']);
    expect(remote.code, remote.stderr).toBe(0);
    expect(remote.json).toEqual(local.json);
    expect(remote.json.exports).toEqual(['wasi:http/incoming-handler@0.2.10']);
  }, 180_000);

  it('credentials: flags, WASMCLOUD_OCI_REGISTRY_USER/_PASSWORD, and a wash context; a wrong password is a clear error', async () => {
    const ref = `${priv.host}/team/cli:1.0.0`;
    const byFlags = await wash(['push', ref, HELLO_FILE, '--insecure', '-u', 'alice', '-p', USERS.alice, '-o', 'json']);
    expect(byFlags.code, byFlags.stderr).toBe(0);
    const byEnv = await wash(['pull', ref, '--insecure', '-d', join(dir, 'env.wasm'), '-o', 'json'], {
      WASMCLOUD_OCI_REGISTRY_USER: 'alice',
      WASMCLOUD_OCI_REGISTRY_PASSWORD: USERS.alice,
    });
    expect(byEnv.code, byEnv.stderr).toBe(0);
    expect(byEnv.json.digest).toBe(byFlags.json.digest);

    mkdirSync(join(dir, 'config', 'contexts'), { recursive: true });
    writeFileSync(
      join(dir, 'config', 'contexts', 'ci.json'),
      JSON.stringify({
        name: 'ci',
        registry_credentials: { [priv.host]: { username: 'alice', password: USERS.alice } },
      }),
    );
    const byContext = await wash([
      'pull',
      ref,
      '--insecure',
      '--context',
      'ci',
      '-d',
      join(dir, 'ctx.wasm'),
      '-o',
      'json',
    ]);
    expect(byContext.code, byContext.stderr).toBe(0);

    const wrong = await wash(['pull', ref, '--insecure', '-u', 'alice', '-p', 'nope', '-o', 'json']);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toBe('');
    expect(wrong.json).toMatchObject({
      success: false,
      error: `registry ${priv.host} refused user 'alice' for ${ref} (HTTP 401)`,
    });
    expect(wrong.stderr).not.toMatch(/\n\s+at /);
    expect(wrong.stderr).not.toContain('nope');
  }, 180_000);

  it('errors name what is wrong: missing tag, plain HTTP without --insecure, not a component, latest, bad mirror flag', async () => {
    const missing = await wash(['pull', `${open.host}/wash/cli:9.9.9`, '--insecure']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`${open.host}/wash/cli:9.9.9 was not found (MANIFEST_UNKNOWN`);

    const https = await wash(['push', `${open.host}/wash/cli:0.2.0`, HELLO_FILE, '-o', 'json']);
    expect(https.code).toBe(1);
    expect(https.json.error).toMatch(/is unreachable .*answered plain HTTP to an HTTPS request/);
    expect(https.json.suggestion).toMatch(/--insecure/);

    writeFileSync(join(dir, 'notes.txt'), 'hello');
    const notWasm = await wash(['push', `${open.host}/wash/cli:0.3.0`, join(dir, 'notes.txt'), '--insecure']);
    expect(notWasm.code).toBe(1);
    expect(notWasm.stderr).toMatch(/notes\.txt is not a WebAssembly component/);

    const latest = await wash(['push', `${open.host}/wash/cli`, HELLO_FILE, '--insecure']);
    expect(latest.code).toBe(1);
    expect(latest.stderr).toMatch(/has no tag; wash does not push to 'latest' implicitly/);

    const badMirror = await wash(['pull', 'ghcr.io/x/y:1', '--registry-mirror', 'ghcr.io']);
    expect(badMirror.code).toBe(1);
    expect(badMirror.stderr).toMatch(/--registry-mirror 'ghcr.io' is not a registry mapping/);
  }, 180_000);

  it('a corrupted blob in the registry: wash pull names the mismatch, writes no file and caches nothing', async () => {
    const bytes = withCustomSection(new Uint8Array(readFileSync(HELLO_FILE)), 'cli-corrupt');
    const file = join(dir, 'corrupt-src.wasm');
    writeFileSync(file, bytes);
    const ref = `${open.host}/wash/corrupt:1.0.0`;
    const pushed = await wash(['push', ref, file, '--insecure', '-o', 'json']);
    expect(pushed.code, pushed.stderr).toBe(0);
    const blob = open.blobFile(sha256Digest(bytes));
    const data = readFileSync(blob);
    data[data.length - 2] ^= 0x55;
    writeFileSync(blob, data);

    const dest = join(dir, 'corrupt-out.wasm');
    const r = await wash(['pull', ref, '--insecure', '--destination', dest, '-o', 'json']);
    expect(r.code).toBe(1);
    expect(r.json.error).toMatch(
      new RegExp(
        `^${ref.replace(/\./g, '\\.')}: blob digest mismatch — expected ${sha256Digest(bytes)}, received sha256:`,
      ),
    );
    expect(r.json.suggestion).toMatch(/push the artifact again/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(dest)).toBe(false);
    const cached = (digest: string) => existsSync(join(dir, 'cache', 'oci', 'blobs', 'sha256', digest.slice(7)));
    expect(cached(pushed.json.digest)).toBe(true); // the verified manifest is kept
    expect(cached(sha256Digest(bytes))).toBe(false);
  }, 120_000);
});
