/** `wash wadm` as a child process (the real CLI on dist/), for tests that kill and restart the engine. */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/cli.js';

export interface ChildWadm {
  child: ChildProcess;
  stderr(): string;
  kill(sig?: NodeJS.Signals): Promise<void>;
}

/** Starts `wash wadm` and resolves once it logged that it serves the lattice. */
export async function spawnWadm(natsUrl: string, lattice: string, args: string[] = []): Promise<ChildWadm> {
  const server = natsUrl.replace(/^nats:\/\//, '');
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'bin', 'run.js'), 'wadm', '--nats-server', server, '-x', lattice, '--log-level', 'debug', ...args],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
  if (process.env.WASH_TEST_PIDS && child.pid) appendFileSync(process.env.WASH_TEST_PIDS, `${child.pid} ${server}\n`);
  let err = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`wash wadm did not start within 90 s; stderr:\n${err}`)), 90_000);
    child.stderr!.on('data', (b: Buffer) => {
      err += b.toString();
      if (err.includes('wadm serving lattice')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`wash wadm exited before serving; stderr:\n${err}`));
    });
  });
  return {
    child,
    stderr: () => err,
    async kill(sig = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
      await exited;
    },
  };
}
