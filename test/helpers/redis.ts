import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/up/nats-server.js';

export interface TestRedis {
  url: string;
  port: number;
  pid: number;
  /** SIGSTOP / SIGCONT: a backend that accepts connections but never answers. */
  pause(): void;
  resume(): void;
  /** Stops the server and removes its temp dir; safe to call twice. */
  close(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
});

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A real `redis-server` on a free loopback port with a temp working dir, no persistence. Never the machine's
 * 6379. Its pid goes to the global teardown (test/helpers/global-setup.ts) like test NATS servers.
 */
export async function startTestRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'wash-test-redis-'));
  const port = await freePort();
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--protected-mode',
      'no',
    ],
    { stdio: 'ignore' },
  );
  running.add(child);
  if (!child.pid) throw new Error('redis-server did not start (is it installed?)');
  if (process.env.WASH_TEST_PIDS) appendFileSync(process.env.WASH_TEST_PIDS, `${child.pid} ${dir}\n`);
  const deadline = Date.now() + 15_000;
  while (!(await ping(port))) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING within 15 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  let closed = false;
  return {
    url: `redis://127.0.0.1:${port}/`,
    port,
    pid: child.pid,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    async close() {
      if (closed) return;
      closed = true;
      child.kill('SIGCONT');
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      running.delete(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
