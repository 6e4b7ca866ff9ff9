import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import Inspect from '../../../src/commands/inspect.js';
import { fixturePath, hasPeerFixtures, peerFixturePath } from '../../helpers/fixtures.js';
import { needing } from '../../helpers/peer-fixtures.js';
import { runCommandInProcess } from '../../helpers/run-command.js';
import { signComponent } from '../../helpers/wascap.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

const run = (argv: string[]) => runCommandInProcess(Inspect, argv, root);

afterEach(() => vi.restoreAllMocks());

describe('wash inspect', () => {
  it('prints one JSON document with imports and exports', async () => {
    const { stdout, exitCode } = await run([fixturePath('calc'), '-o', 'json']);
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      imports: ['example:calc/host@0.1.0'],
      exports: ['example:calc/calc@0.1.0'],
      success: true,
    });
  });

  it('adds the WIT world with --world, and prints only the WIT in text mode with --wit', async () => {
    const json = JSON.parse((await run([fixturePath('http-trap'), '--world', '-o', 'json'])).stdout);
    expect(json.wit).toContain('export wasi:http/incoming-handler@0.2.10;');
    const text = (await run([fixturePath('http-trap'), '--wit'])).stdout;
    expect(text.trim()).toBe(json.wit.trim());
  });

  it('renders a user error as a JSON document on stderr with exit code 1', async () => {
    const { stdout, stderr, exitCode } = await run(['does-not-exist.wasm', '-o', 'json']);
    expect(stdout).toBe('');
    expect(exitCode).toBe(1);
    expect(JSON.parse(stderr)).toMatchObject({ success: false, error: 'file not found: does-not-exist.wasm' });
  });

  it.skipIf(!hasPeerFixtures())(
    needing(hasPeerFixtures(), 'prints the claims token with --jwt-only, even for a core module'),
    async () => {
      const { stdout, exitCode } = await run([peerFixturePath('echo_messaging_v0.9.0.wasm'), '--jwt-only']);
      expect(exitCode).toBe(0);
      expect(stdout.trim().split('.')).toHaveLength(3);
    },
  );

  it('warns, naming the file, about claims that are expired or altered; shows valid ones quietly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wash-inspect-claims-'));
    try {
      const calc = readFileSync(fixturePath('calc'));
      const write = (name: string, bytes: Uint8Array) => {
        writeFileSync(join(dir, name), bytes);
        return join(dir, name);
      };
      const valid = write('valid.wasm', signComponent(calc));
      const good = await run([valid]);
      expect(good.exitCode).toBe(0);
      expect(good.stderr).toBe('');
      expect(good.stdout).toContain('  signature    valid (Ed25519, by the issuer)\n');

      const expired = write('expired.wasm', signComponent(calc, { payload: { exp: 1_700_000_000 } }));
      const old = await run([expired]);
      expect(old.exitCode).toBe(0);
      expect(old.stderr).toMatch(
        new RegExp(`^warning: ${expired}: its embedded claims are not valid: token expired at \`[^\`]+ ago\`\n$`),
      );
      expect(old.stdout).toMatch(/ {2}expires {6}2023-11-14T22:13:20Z \([^)]+ ago\) {2}EXPIRED\n/);
      const json = JSON.parse((await run([expired, '-o', 'json'])).stdout);
      expect(json.claims.validation).toMatchObject({ expired: true, signature_valid: true });

      const altered = Buffer.from(signComponent(calc));
      altered[20] ^= 0x01;
      const path = write('altered.wasm', altered);
      const changed = await run([path]);
      expect(changed.stderr).toMatch(
        new RegExp(
          `^warning: ${path}: its embedded claims are not usable: embedded claims in section "wasmcloud_jwt" do not match the binary`,
        ),
      );
      const jwtOnly = await run([path, '--jwt-only']);
      expect(jwtOnly.exitCode).toBe(1);
      expect(jwtOnly.stderr).toContain(`${path}: embedded claims in section "wasmcloud_jwt" do not match the binary`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
