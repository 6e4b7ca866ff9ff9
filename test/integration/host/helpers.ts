import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { startHost, type WashHost } from '../../../src/host/index.js';
import { silentLogger } from '../../../src/host/log.js';
import type { HostOptions } from '../../../src/host/options.js';
import { defaultRuntimeFactory } from '../../../src/host/runtime-factory.js';
import type { RunningComponentLike, RuntimeFactory, StartComponentOptions } from '../../../src/host/runtime-port.js';
import type { CtlClient } from '../../../src/lattice/ctl-client.js';
import { tryParseLatticeEvent, type LatticeEvent } from '../../../src/lattice/events.js';
import { eventWildcard } from '../../../src/lattice/subjects.js';
import { connectionEnv } from '../../helpers/isolation.js';

/** Every event of a lattice since `start()`, with waiting helpers. */
export class EventLog {
  readonly events: LatticeEvent[] = [];
  private sub?: Subscription;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly lattice: string,
  ) {}

  async start(): Promise<this> {
    this.sub = this.nc.subscribe(eventWildcard(this.lattice), {
      callback: (_err, msg) => {
        const e = tryParseLatticeEvent(msg.data);
        if (!e) return;
        this.events.push(e);
        for (const w of this.waiters) w();
      },
    });
    await this.nc.flush();
    return this;
  }

  named(name: LatticeEvent['name']): LatticeEvent[] {
    return this.events.filter((e) => e.name === name);
  }

  /** Resolves with the first event (already seen or future) matching; rejects after `timeoutMs`. */
  waitFor(pred: (e: LatticeEvent) => boolean, timeoutMs = 20_000, what = 'event'): Promise<LatticeEvent> {
    const found = this.events.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const check = () => {
        const e = this.events.find(pred);
        if (!e) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve(e);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; saw ${this.events.map((e) => e.name).join(', ')}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push(check);
    });
  }

  /** Events after index `from` (to wait only for new ones). */
  mark(): number {
    return this.events.length;
  }

  since(mark: number): LatticeEvent[] {
    return this.events.slice(mark);
  }

  stop(): void {
    this.sub?.unsubscribe();
  }
}

const cacheDir = mkdtempSync(join(tmpdir(), 'wash-host-it-cache-'));
process.once('exit', () => rmSync(cacheDir, { recursive: true, force: true }));

/** A host for tests: quiet, file loads allowed, fast health checks, shared compile cache. */
/** Scales `id` to one instance of `ref` on `hostId` by ctl and resolves with its outcome event (scaled or failed). */
export async function scaleAndAwaitOutcome(
  ctl: CtlClient,
  events: EventLog,
  hostId: string,
  id: string,
  ref: string,
): Promise<LatticeEvent> {
  const mark = events.mark();
  await ctl.scaleComponent({
    component_ref: ref,
    component_id: id,
    count: 1,
    host_id: hostId,
    config: [],
    allow_update: false,
  });
  return events.waitFor(
    (e) =>
      events.since(mark).includes(e) &&
      (e.name === 'component_scaled' || e.name === 'component_scale_failed') &&
      e.data.component_id === id,
    30_000,
    `outcome of scaling ${id}`,
  );
}

export function testHost(natsUrl: string, lattice: string, extra: HostOptions = {}): Promise<WashHost> {
  return startHost({
    lattice,
    ctl: { url: natsUrl },
    allowFileLoad: true,
    logger: process.env.WASH_TEST_HOST_LOGS ? undefined : silentLogger,
    logLevel: 'debug',
    cacheDir,
    providerHealthCheck: { initialDelayMs: 100, intervalMs: 300 },
    runtime: textRuntimeFactory,
    ...extra,
  });
}

export async function waitUntil<T>(fn: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

export interface HttpResult {
  status: number;
  body: string;
}

/** GET; `undefined` on connection errors (refused, reset). */
export async function get(url: string): Promise<HttpResult | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return { status: res.status, body: await res.text() };
  } catch {
    return undefined;
  }
}

/** Polls until GET returns `body` with 200. */
export function waitForBody(url: string, body: string, timeoutMs = 20_000): Promise<HttpResult> {
  return waitUntil(
    async () => {
      const r = await get(url);
      return r && r.status === 200 && r.body === body ? r : undefined;
    },
    timeoutMs,
    `${url} to answer 200 ${JSON.stringify(body)}`,
  );
}

// ---------------------------------------------------------------------------------------------------------
// `wash host` as a child process (the real CLI on the built dist/, with the real jco runtime)

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Child-process tests run dist/: refuse to run against a build older than the host sources. */
export function assertFreshBuild(): void {
  const built = join(ROOT, 'dist', 'host', 'host.js');
  if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` first (npm test does it)');
  const builtAt = statSync(built).mtimeMs;
  const dirs = [join(ROOT, 'src', 'host'), join(ROOT, 'src', 'host', 'runtime'), join(ROOT, 'src', 'lattice')];
  const newer = dirs
    .flatMap((d) =>
      readdirSync(d)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => join(d, f)),
    )
    .filter((f) => statSync(f).mtimeMs > builtAt);
  if (newer.length > 0) throw new Error(`dist/ is older than ${newer[0]}: run \`npm run build\` first`);
}

export interface ChildHost {
  id: string;
  friendlyName: string;
  child: ChildProcess;
  /** Everything the host logged so far. */
  stderr(): string;
  /** Sends a signal and resolves with the exit code (or signal name). */
  signal(sig: NodeJS.Signals): Promise<number | string>;
  exited: Promise<number | string>;
}

/**
 * Starts `node bin/run.js host -o json …` and resolves once it printed its JSON document (host joined). `env`
 * overrides the connection variables (which otherwise point at `natsUrl`'s server).
 */
export async function spawnHost(
  natsUrl: string,
  lattice: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<ChildHost> {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin', 'run.js'),
      'host',
      '-o',
      'json',
      '--nats-url',
      natsUrl,
      '-x',
      lattice,
      '--allow-file-load',
      '--log-level',
      'debug',
      ...args,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...connectionEnv(Number(new URL(natsUrl).port)), WASH_CACHE_DIR: cacheDir, ...env },
    },
  );
  if (process.env.WASH_TEST_PIDS && child.pid) appendFileSync(process.env.WASH_TEST_PIDS, `${child.pid} ${natsUrl}\n`);
  let out = '';
  let err = '';
  child.stderr!.on('data', (b: Buffer) => {
    err += b.toString();
    if (process.env.WASH_TEST_HOST_LOGS) process.stderr.write(b);
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, sig) => resolve(code ?? sig ?? -1)),
  );
  const doc = await new Promise<{ host_id: string; friendly_name: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`wash host did not start within 30 s; stderr:\n${err}`)), 30_000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      try {
        const parsed = JSON.parse(out);
        clearTimeout(timer);
        resolve(parsed);
      } catch {
        /* not complete yet */
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`wash host exited (${code}) before starting; stderr:\n${err}`));
    });
  });
  return {
    id: doc.host_id,
    friendlyName: doc.friendly_name,
    child,
    stderr: () => err,
    exited,
    async signal(sig) {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
      return exited;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// In-process hosts with a stand-in runtime: a "component" is a text file and answers with its content.
// (The real jco runtime is exercised by the child-process tests; this keeps lattice tests fast.)

class TextComponent implements RunningComponentLike {
  constructor(
    readonly componentId: string,
    readonly digest: string,
    public maxInstances: number,
    private readonly config: () => Record<string, string>,
  ) {}
  async handleHttp(_req: IncomingMessage, res: ServerResponse): Promise<void> {
    const greeting = this.config().greeting;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`${this.digest}${greeting ? ` ${greeting}` : ''}\n`);
  }
  setMaxInstances(n: number): void {
    this.maxInstances = n;
  }
  async stop(): Promise<void> {}
}

export const textRuntimeFactory: RuntimeFactory = {
  createRuntime: () => ({
    async load(bytes: Uint8Array) {
      return { digest: new TextDecoder().decode(bytes).trim() };
    },
    async start(c: { digest: string }, opts: StartComponentOptions) {
      return new TextComponent(opts.componentId, c.digest, opts.maxInstances, opts.capabilities.config);
    },
    close() {},
  }),
  createIngress: (opts) => defaultRuntimeFactory.createIngress(opts),
};

const textDir = mkdtempSync(join(tmpdir(), 'wash-host-it-text-'));
process.once('exit', () => rmSync(textDir, { recursive: true, force: true }));

/** A file:// "component" for `textRuntimeFactory` answering `content`. */
export function textComponent(content: string): string {
  const path = join(textDir, `${content.replace(/\W/g, '_')}.txt`);
  writeFileSync(path, content);
  return pathToFileURL(path).href;
}
