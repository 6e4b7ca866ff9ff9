/**
 * A real `nats-server -js` that requires user/password (config file in a temp dir), for auth tests.
 * Same lifecycle rules as `startTestNats`: free port, temp store dir, pid recorded for the global teardown.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNatsServer, type RunningNatsServer } from '../../src/up/nats-server.js';

export interface AuthNats extends RunningNatsServer {
  user: string;
  password: string;
  close(): Promise<void>;
}

const live = new Set<number>();
process.once('exit', () => {
  for (const pid of live)
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
});

export async function startAuthNats(user = 'wash', password = 'pw-Zq81-secret'): Promise<AuthNats> {
  const dir = mkdtempSync(join(tmpdir(), 'wash-test-nats-auth-'));
  const config = join(dir, 'auth.conf');
  writeFileSync(
    config,
    `authorization {\n  users: [ { user: ${JSON.stringify(user)}, password: ${JSON.stringify(password)} } ]\n}\n`,
  );
  const server = await startNatsServer({ storeDir: join(dir, 'store'), userConfig: config });
  live.add(server.pid);
  if (process.env.WASH_TEST_PIDS) appendFileSync(process.env.WASH_TEST_PIDS, `${server.pid} ${dir}\n`);
  let closed = false;
  return {
    ...server,
    user,
    password,
    async close() {
      if (closed) return;
      closed = true;
      await server.stop();
      live.delete(server.pid);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
