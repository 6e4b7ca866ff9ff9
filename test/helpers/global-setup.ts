import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectionEnv } from './isolation.js';

/**
 * Records pids of every process tests start and kills the survivors at the end of the run (no orphans).
 * TMPDIR points into this run's directory, so every temp dir a test, a worker or a child process makes is
 * removed with it, even when a worker dies before its own cleanup. Connection variables point at a closed port.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'wash-test-run-'));
  const pidFile = join(dir, 'pids');
  process.env.WASH_TEST_PIDS = pidFile;
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  process.env.TMPDIR = tmp;
  // Inherited by every worker and every process a test spawns: a forgotten connection option hits a closed
  // port instead of the machine's NATS (see isolation.ts).
  Object.assign(process.env, connectionEnv());
  return () => {
    if (existsSync(pidFile)) {
      for (const line of readFileSync(pidFile, 'utf8').split('\n').filter(Boolean)) {
        const [pidText, marker] = line.split(' ');
        const pid = Number(pidText);
        let cmdline = '';
        try {
          cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        } catch {
          continue;
        }
        // Only kill the process we started: its command line still names our temp dir.
        if (marker && cmdline.includes(marker)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
