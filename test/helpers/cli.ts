import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectionEnv } from './isolation.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const washBin = join(repoRoot, 'bin', 'run.js');

export interface WashRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The JSON document: stdout on success, stderr on failure (only when `-o json` was passed). */
  json: any;
}

export function requireBuiltCli(): void {
  if (!existsSync(join(repoRoot, 'dist', 'wash.cjs')))
    throw new Error('dist/ is missing: run `npm run build` first (`npm test` does it)');
}

/** Runs the built CLI (`bin/run.js`) to completion with a controlled environment (no colour, no ambient WASMCLOUD_*, NATS variables at a closed port). */
export function runWash(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string; timeoutMs?: number } = {},
): Promise<WashRun> {
  const env: NodeJS.ProcessEnv = { NO_COLOR: '1' };
  // Not inherited: ambient wash/wasmCloud settings, and vitest's NODE_ENV/VITEST* (oclif prints development
  // warnings on stderr under NODE_ENV=test, which would break the JSON error document).
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'NODE_ENV' || k.startsWith('VITEST')) continue;
    if ((!k.startsWith('WASMCLOUD_') && !k.startsWith('WASH_')) || k === 'WASH_TEST_PIDS') env[k] = v;
  }
  // Connection variables point at a closed port unless the test names its own server (isolation.ts).
  Object.assign(env, connectionEnv(), opts.env);
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [washBin, ...args],
      { cwd: opts.cwd ?? repoRoot, env, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const raw = err ? (err as { code?: number | string }).code : 0;
        const code = typeof raw === 'number' ? raw : 1;
        let json: unknown;
        if (args.includes('json')) {
          try {
            json = JSON.parse(code === 0 ? stdout : stderr);
          } catch {
            json = undefined;
          }
        }
        resolve({ code, stdout, stderr, json });
      },
    );
    child.stdin?.end(opts.input ?? '');
  });
}
