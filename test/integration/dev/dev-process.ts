/** Drives `wash dev -o json` as a child process: collects its JSON event lines and stderr. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../../src/up/nats-server.js';
import { root, washBin, WashEnv } from '../up/wash-env.js';

/** Dev engines take minutes to build on a loaded 2-core machine: keep them across runs (gitignored). */
export const DEV_ENGINE_CACHE = join(root, 'test', 'fixtures', 'components', 'build', 'dev-cache');

export type DevEvent = Record<string, any> & { event: string };

export class DevProcess {
  readonly events: DevEvent[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private waiters: (() => void)[] = [];

  constructor(readonly child: ChildProcess) {
    let buf = '';
    child.stdout!.on('data', (b: Buffer) => {
      buf += b.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim() === '') continue;
        this.events.push(JSON.parse(line) as DevEvent);
        this.waiters.forEach((w) => w());
      }
    });
    child.stderr!.on('data', (b: Buffer) => {
      this.stderr += b.toString();
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.waiters.forEach((w) => w());
        resolve(code);
      }),
    );
  }

  /** The first event (after `from`) matching `pred`; fails after `timeoutMs` or when the process exits. */
  async next(pred: (e: DevEvent) => boolean, timeoutMs: number, from = 0): Promise<DevEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(from).find(pred);
      if (found) return found;
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(
          `no matching wash dev event (exit ${this.child.exitCode}); events: ${JSON.stringify(this.events)}\nstderr:\n${this.stderr}`,
        );
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
      this.waiters = [];
    }
  }
}

export async function startDev(
  env: WashEnv,
  projectDir: string,
  extra: string[] = [],
  o: { httpAddressFlag?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<{ dev: DevProcess; address: string }> {
  const address = `127.0.0.1:${await freePort()}`;
  const addressFlag = o.httpAddressFlag === false ? [] : ['--http-address', address];
  const args = [
    'dev',
    '-o',
    'json',
    '--work-dir',
    projectDir,
    '--nats-port',
    String(env.port),
    ...addressFlag,
    ...extra,
  ];
  // Own process group, like a terminal job (as WashEnv.start), with extra environment when asked.
  const child = o.env
    ? spawn(process.execPath, [washBin, ...args], {
        env: { ...env.env, ...o.env },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      })
    : env.start(args);
  return { dev: new DevProcess(child), address };
}

export async function devEnv(): Promise<WashEnv> {
  return WashEnv.create({ WASH_CACHE_DIR: DEV_ENGINE_CACHE });
}

/** GETs until the body satisfies `pred` (or fails after `timeoutMs`); returns the body. */
export async function untilBody(url: string, pred: (body: string) => boolean, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      last = await (await fetch(url)).text();
      if (pred(last)) return last;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} never matched; last body: ${last}`);
}
