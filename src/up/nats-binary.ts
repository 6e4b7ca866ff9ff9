import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { washDirs } from '../config/dirs.js';

export const NATS_INSTALL_HINT =
  'install it: Debian/Ubuntu `sudo apt-get install nats-server`, macOS `brew install nats-server`; ' +
  'or point --nats-binary / WASH_NATS_BIN at it; or use --nats-connect-only with a NATS server you run yourself';

/** Finds nats-server: explicit path, WASH_NATS_BIN, the wash downloads dir, then PATH (plus /usr/sbin). */
export function findNatsServer(
  opts: { explicit?: string; downloadsDir?: string; env?: NodeJS.ProcessEnv } = {},
): string | undefined {
  const env = opts.env ?? process.env;
  if (opts.explicit) return existsSync(opts.explicit) ? opts.explicit : undefined;
  const candidates: string[] = [];
  if (env.WASH_NATS_BIN) candidates.push(env.WASH_NATS_BIN);
  candidates.push(join(opts.downloadsDir ?? washDirs(env).downloads, 'nats-server'));
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const extra of ['/usr/sbin', '/usr/local/sbin', '/usr/local/bin', '/opt/homebrew/bin'])
    if (!dirs.includes(extra)) dirs.push(extra);
  for (const d of dirs) candidates.push(join(d, 'nats-server'));
  return candidates.find((c) => existsSync(c));
}

/**
 * `nats-server --version`, cached in the wash cache dir per binary path + mtime + size, because spawning
 * the binary on every `wash --version` costs more than the rest of that command.
 */
export function natsServerVersion(binary: string | undefined = findNatsServer()): string | null {
  if (!binary) return null;
  let key: string;
  try {
    const st = statSync(binary);
    key = `${binary}:${st.mtimeMs}:${st.size}`;
  } catch {
    return null;
  }
  const cacheFile = join(washDirs().cache, 'nats-server-version.json');
  try {
    const c = JSON.parse(readFileSync(cacheFile, 'utf8')) as { key: string; version: string };
    if (c.key === key) return c.version;
  } catch {
    /* no cache yet */
  }
  // node:child_process only on a cache miss: `wash --version` reads the cache, and loading it is ~7 ms of that start.
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  const r = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 3000 });
  const m = /v?(\d+\.\d+\.\d+\S*)/.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`);
  const version = m ? `v${m[1]}` : null;
  if (version) {
    try {
      mkdirSync(dirname(cacheFile), { recursive: true });
      writeFileSync(cacheFile, JSON.stringify({ key, version }));
    } catch {
      /* cache is best effort */
    }
  }
  return version;
}
