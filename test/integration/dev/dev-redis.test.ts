/**
 * keyvalue-counter-typescript with the package-wildcard override that swaps NATS KV for Redis, against a real
 * redis-server on a free port; the counter is read back with redis-cli.
 *
 * Needs the host to serve wasi:keyvalue through `ghcr.io/wasmcloud/keyvalue-redis` (the capabilities
 * workstream). Until that is merged the component's keyvalue call traps and this test fails at the first
 * request (500), which is why it lives in its own file.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, tcpReachable } from '../../../src/up/nats-server.js';
import { devEnv, startDev, untilBody, type DevProcess } from './dev-process.js';
import { requireBuild, type WashEnv } from '../up/wash-env.js';

describe('wash dev: wasi:keyvalue wildcard override to Redis', () => {
  let env: WashEnv;
  let dev: DevProcess | undefined;
  let redis: ChildProcess | undefined;
  let redisDir: string;
  let redisPort: number;

  beforeAll(async () => {
    requireBuild();
    env = await devEnv();
    redisPort = await freePort();
    redisDir = mkdtempSync(join(tmpdir(), 'wash-dev-redis-'));
    redis = spawn(
      'redis-server',
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--dir', redisDir, '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 10_000;
    while (!(await tcpReachable('127.0.0.1', redisPort, 200))) {
      if (Date.now() > deadline) throw new Error('redis-server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(async () => {
    if (dev && dev.child.exitCode === null) dev.child.kill('SIGKILL');
    redis?.kill('SIGTERM');
    await env?.cleanup();
    rmSync(redisDir, { recursive: true, force: true });
  });

  it('counts in Redis', async () => {
    const created = await env.run([
      'new',
      'component',
      'counter',
      '-t',
      'keyvalue-counter-typescript',
      '--path',
      env.dataDir,
      '-o',
      'json',
    ]);
    const projectDir = created.json!.project_path as string;
    const toml = join(projectDir, 'wasmcloud.toml');
    // Uncomment the template's Redis override and point it at our server.
    writeFileSync(
      toml,
      readFileSync(toml, 'utf8')
        .replace(/^# (\[\[dev|interface|image_ref|link_config)/gm, '$1')
        .replace('redis://127.0.0.1:6379', `redis://127.0.0.1:${redisPort}`),
    );

    let address: string;
    ({ dev, address } = await startDev(env, projectDir));
    const ready = await dev.next((e) => e.event === 'started', 600_000);
    expect(ready.placeholders).toEqual([]);
    const body = await untilBody(`http://${address}/hits`, (b) => b.startsWith('Counter hits:'), 60_000);
    expect(body).toBe('Counter hits: 1\n');
    expect(await (await fetch(`http://${address}/hits`)).text()).toBe('Counter hits: 2\n');
    expect(execFileSync('redis-cli', ['-p', String(redisPort), 'GET', 'hits'], { encoding: 'utf8' }).trim()).toBe('2');

    dev.child.kill('SIGINT');
    expect(await dev.exited).toBe(0);
  }, 900_000);
});
