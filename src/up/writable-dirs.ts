import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { UpPaths } from './paths.js';

const REASONS: Record<string, string> = {
  ENOTDIR: 'part of the path is a file, not a directory',
  EEXIST: 'a file of that name is in the way',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
};

/** What went wrong, in words (the code is kept for searching). */
export function fsReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code ? `${REASONS[code] ?? 'cannot write there'} (${code})` : String((err as Error)?.message ?? err);
}

/**
 * Creates `wash up`'s run-state and log directories and proves each is writable (a probe file), before anything
 * is started, so an unusable data dir is one clear error and never a half-started lattice.
 */
export function ensureUpDirs(paths: UpPaths, env: NodeJS.ProcessEnv = process.env): void {
  const dirs: Array<[string, string, string]> = [
    [
      paths.run,
      'its run state (pid files, nats.conf)',
      env.WASH_DATA_DIR ? 'WASH_DATA_DIR' : 'the wash data dir (WASH_DATA_DIR)',
    ],
    [
      paths.logs,
      'its logs',
      env.WASH_LOGS_DIR
        ? 'WASH_LOGS_DIR'
        : env.WASH_DATA_DIR
          ? 'WASH_DATA_DIR'
          : 'the wash data dir (WASH_DATA_DIR or WASH_LOGS_DIR)',
    ],
  ];
  for (const [dir, what, setting] of dirs) {
    const probe = join(dir, `.write-probe-${process.pid}`);
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(probe, '');
      rmSync(probe, { force: true });
    } catch (err) {
      throw new UserError(`wash up cannot write ${what} to ${dir}: ${fsReason(err)}`, {
        cause: err,
        suggestion: `${setting} must name a writable directory; point it at one (nothing was started)`,
      });
    }
  }
}
