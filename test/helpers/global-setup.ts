import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Records pids of every process tests start; kills the survivors at the end of the run (no orphans). */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'wash-test-run-'));
  const pidFile = join(dir, 'pids');
  process.env.WASH_TEST_PIDS = pidFile;
  return () => {
    if (existsSync(pidFile)) {
      for (const line of readFileSync(pidFile, 'utf8').split('\n').filter(Boolean)) {
        const [pidText, marker] = line.split(' ');
        const pid = Number(pidText);
        let cmdline = '';
        try { cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
        // Only kill the process we started: its command line still names our temp dir.
        if (marker && cmdline.includes(marker)) {
          try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
