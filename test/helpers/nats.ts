import { mkdtempSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNatsServer, type RunningNatsServer } from '../../src/up/nats-server.js';

const running = new Set<RunningNatsServer>();

function killAllSync(): void {
  for (const s of running) {
    try {
      process.kill(s.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  running.clear();
}
process.once('exit', killAllSync);
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => {
    killAllSync();
    process.exit(130);
  });

export interface TestNats extends RunningNatsServer {
  storeDir: string;
  /** Stops the server and removes its store dir; safe to call twice. */
  close(): Promise<void>;
}

/**
 * A real `nats-server -js` on a free port with a temp store dir. Its pid is also recorded for the global
 * teardown (test/helpers/global-setup.ts), which kills anything a crashed worker left behind.
 */
export async function startTestNats(): Promise<TestNats> {
  const storeDir = mkdtempSync(join(tmpdir(), 'wash-test-nats-'));
  const server = await startNatsServer({ storeDir });
  running.add(server);
  if (process.env.WASH_TEST_PIDS) appendFileSync(process.env.WASH_TEST_PIDS, `${server.pid} ${storeDir}\n`);
  let closed = false;
  return {
    ...server,
    storeDir,
    async close() {
      if (closed) return;
      closed = true;
      await server.stop();
      running.delete(server);
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
