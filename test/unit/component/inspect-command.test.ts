import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import Inspect from '../../../src/commands/inspect.js';
import { fixturePath, hasPeerFixtures, peerFixturePath } from '../../helpers/fixtures.js';
import { needing } from '../../helpers/peer-fixtures.js';
import { runCommandInProcess } from '../../helpers/run-command.js';

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
});
