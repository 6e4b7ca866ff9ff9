import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, tcpReachable } from '../../../src/up/nats-server.js';
import { upPaths, type UpPaths } from '../../../src/up/paths.js';
import { checkIdentity, type processIdentity } from '../../../src/up/process-identity.js';
import { connectionEnv } from '../../helpers/isolation.js';
import { scanLocalState } from '../../../src/up/state.js';

export const root = fileURLToPath(new URL('../../../', import.meta.url));
export const washBin = join(root, 'bin', 'run.js');

/**
 * Per-test limit of the wash up/down tests: each runs several CLI processes that each start Node, NATS
 * and hosts (~2 s apiece when idle, 10× that on two cores shared with CPU-burning neighbours).
 */
export const UP_TEST_TIMEOUT_MS = 240_000;

export function requireBuild(): void {
  if (!existsSync(join(root, 'dist', 'wash.cjs')))
    throw new Error('dist/ is missing: run `npm run build` before the wash up integration tests');
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON, when it is. */
  json?: Record<string, unknown>;
  /** stderr parsed as JSON (error documents), when it is. */
  errorJson?: Record<string, unknown>;
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * An isolated wash environment: its own data dir (pid files, logs, JetStream store) and a free NATS port
 * that every connection variable points at, so neither `wash up` nor `wash down` (nor a forgotten flag)
 * ever touches the machine's 4222 or the user's ~/.local/share/wash.
 */
export class WashEnv {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'wash-up-it-'));
  readonly env: NodeJS.ProcessEnv;
  readonly paths: UpPaths;
  private readonly watched = new Set<number>();

  private constructor(
    readonly port: number,
    extraEnv: NodeJS.ProcessEnv,
  ) {
    this.env = {
      ...process.env,
      WASH_DATA_DIR: this.dataDir,
      WASH_CONFIG_DIR: join(this.dataDir, 'config'),
      WASH_CACHE_DIR: join(this.dataDir, 'cache'),
      ...connectionEnv(port),
      ...extraEnv,
    };
    for (const k of ['WASMCLOUD_LATTICE', 'WASMCLOUD_HOST_SEED', 'NATS_CONNECT_ONLY']) {
      if (!(k in extraEnv)) delete this.env[k];
    }
    this.paths = upPaths(this.env);
  }

  static async create(extraEnv: NodeJS.ProcessEnv = {}): Promise<WashEnv> {
    return new WashEnv(await freePort(), extraEnv);
  }

  /** Runs `wash <args>` to completion. */
  run(args: string[], o: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [washBin, ...args], {
        env: { ...this.env, ...o.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => {
        stdout += b.toString();
      });
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
      });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`wash ${args.join(' ')} timed out\n${stderr}`));
      }, o.timeoutMs ?? 90_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, json: parse(stdout), errorJson: parse(stderr) });
      });
    });
  }

  /** Starts `wash <args>` in its own process group (like a terminal job) without waiting for it. */
  start(args: string[]): ChildProcess {
    return spawn(process.execPath, [washBin, ...args], {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
  }

  /** Registers the processes recorded in pid files with the global teardown (their command lines name our data dir). */
  trackRecorded(): void {
    const file = process.env.WASH_TEST_PIDS;
    const state = scanLocalState(this.paths);
    for (const r of [state.nats, ...state.supervisors].filter((x) => x !== undefined)) {
      if (file && !this.watched.has(r.pid)) appendFileSync(file, `${r.pid} ${this.dataDir}\n`);
      this.watched.add(r.pid);
    }
  }

  natsReachable(): Promise<boolean> {
    return tcpReachable('127.0.0.1', this.port, 300);
  }

  /** Kills whatever the pid files still name (identity-checked), then removes the data dir. */
  async cleanup(): Promise<void> {
    const state = scanLocalState(this.paths, { clean: true });
    for (const r of [...state.hosts, ...state.supervisors, ...(state.nats ? [state.nats] : [])]) {
      if (checkIdentity(r.identity) !== 'alive') continue;
      try {
        process.kill(-r.pid, 'SIGKILL');
      } catch {
        try {
          process.kill(r.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    await new Promise((r) => setTimeout(r, 200));
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** True when `pid` no longer runs the process it ran when `before` was taken. */
export function isGone(before: ReturnType<typeof processIdentity>): boolean {
  return before === undefined || checkIdentity(before) !== 'alive';
}

export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}
