/**
 * One capability provider running as a child process, supervised: launched with the v1 contract (cleared
 * environment, base64 HostData on stdin), health-checked over NATS, told about link and config changes, asked
 * to shut down on stop (killed after a grace period), and restarted with fresh HostData when it exits on its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { NatsConnection } from '@nats-io/transport-node';
import type { StringMap } from '../../lattice/types.js';
import { errorText } from '../error-text.js';
import type { EventSink } from '../event-publisher.js';
import type { HostLogger } from '../log.js';
import { RestartBackoff, type BackoffPolicy } from './backoff.js';
import { encodeHostData, providerEnvironment, type HostData, type InterfaceLinkDefinition } from './host-data.js';
import { providerSubjects, type ProviderSubjects } from './subjects.js';

export interface HealthTiming {
  initialDelayMs: number;
  intervalMs: number;
}

export interface SupervisedProviderOptions {
  providerId: string;
  executable: string;
  hostId: string;
  lattice: string;
  rpc: NatsConnection;
  events: EventSink;
  log: HostLogger;
  /** Built anew for every (re)start, so a restarted provider sees current links and config. */
  hostData: () => HostData;
  health: HealthTiming;
  backoff: BackoffPolicy;
  /** How long a provider may take to exit after the shutdown request before it is killed. */
  stopGraceMs: number;
  /** Health request timeout. */
  rpcTimeoutMs: number;
}

/** `exited with code 3`, `killed by SIGKILL`. */
export function exitReason(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exited with code ${code ?? 'unknown'}`;
}

const encoder = new TextEncoder();

/** Provider children still running: killed if the host process exits without stopping them (one listener). */
const live = new Set<SupervisedProvider>();
let exitHookInstalled = false;
function trackLive(p: SupervisedProvider, on: boolean): void {
  if (on) live.add(p);
  else live.delete(p);
  if (!exitHookInstalled && on) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const q of live) q.killNow();
    });
  }
}
const json = (v: unknown) => encoder.encode(JSON.stringify(v));

export class SupervisedProvider {
  private child?: ChildProcess;
  private startedAt = 0;
  private stopping = false;
  private healthy: boolean | undefined;
  private timers = new Set<NodeJS.Timeout>();
  private readonly backoff: RestartBackoff;
  private readonly subjects: ProviderSubjects;
  private exited?: Promise<void>;
  /** Links and config as last told to the provider (to push only differences). */
  private pushedLinks = new Map<string, InterfaceLinkDefinition>();
  private pushedConfig = '';

  restartCount = 0;
  lastExitReason?: string;

  constructor(private readonly opts: SupervisedProviderOptions) {
    this.backoff = new RestartBackoff(opts.backoff);
    this.subjects = providerSubjects(opts.lattice, opts.providerId);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawns the first process; rejects when it cannot be started at all (missing file, not executable). */
  async start(): Promise<void> {
    trackLive(this, true);
    try {
      await this.spawnOnce();
    } catch (err) {
      trackLive(this, false);
      throw err;
    }
  }

  /** Synchronous last resort (host process exiting). */
  killNow(): void {
    try {
      this.child?.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }

  private spawnOnce(): Promise<void> {
    const data = this.opts.hostData();
    this.pushedLinks = new Map(data.link_definitions.map((l) => [linkId(l), l]));
    this.pushedConfig = JSON.stringify(data.config);
    const child = spawn(this.opts.executable, [], { env: providerEnvironment(), stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.pipeOutput(child);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        resolve();
        this.onExit(child, code, signal);
      }),
    );
    return new Promise<void>((resolve, reject) => {
      child.once('error', (err) => {
        if (child.pid === undefined)
          reject(new Error(`cannot run ${this.opts.executable}: ${errorText(err)}`, { cause: err }));
        else this.opts.log.warn(`provider ${this.opts.providerId} process error`, { error: errorText(err) });
      });
      child.once('spawn', () => {
        this.startedAt = Date.now();
        child.stdin?.on('error', () => undefined); // a provider that exits without reading stdin
        child.stdin?.end(encodeHostData(data));
        this.scheduleHealth();
        resolve();
      });
    });
  }

  private pipeOutput(child: ChildProcess): void {
    const tag = { provider_id: this.opts.providerId };
    if (child.stdout) createInterface({ input: child.stdout }).on('line', (l) => this.opts.log.info(l, tag));
    if (child.stderr) createInterface({ input: child.stderr }).on('line', (l) => this.opts.log.warn(l, tag));
  }

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.clearTimers();
    if (this.stopping) return;
    const reason = exitReason(code, signal);
    this.lastExitReason = reason;
    const ranFor = Date.now() - this.startedAt;
    const delay = this.backoff.next(ranFor);
    this.opts.log.warn(`provider ${this.opts.providerId} ${reason} after ${ranFor} ms; restarting in ${delay} ms`);
    if (this.healthy) {
      this.healthy = false;
      this.opts.events.publish('health_check_failed', { host_id: this.opts.hostId, provider_id: this.opts.providerId });
    }
    this.after(delay, () => void this.restart(delay));
  }

  private async restart(delay: number): Promise<void> {
    if (this.stopping) return;
    this.restartCount++;
    try {
      await this.spawnOnce();
      this.opts.log.info(`provider ${this.opts.providerId} restarted`, {
        restart_count: this.restartCount,
        pid: this.child?.pid,
      });
      this.opts.events.publish('provider_restarted', {
        host_id: this.opts.hostId,
        provider_id: this.opts.providerId,
        restart_count: this.restartCount,
        reason: this.lastExitReason ?? 'unknown',
        backoff_ms: delay,
      });
    } catch (err) {
      // Could not even spawn (binary removed?): count it as a failed run and keep backing off.
      this.lastExitReason = `could not be started: ${errorText(err)}`;
      const next = this.backoff.next(0);
      this.opts.log.error(`provider ${this.opts.providerId} ${this.lastExitReason}; retrying in ${next} ms`);
      this.after(next, () => void this.restart(next));
    }
  }

  private scheduleHealth(): void {
    const probe = async () => {
      if (this.stopping) return;
      this.after(this.opts.health.intervalMs, () => void probe());
      let healthy: boolean;
      try {
        const reply = await this.opts.rpc.request(this.subjects.health, new Uint8Array(), {
          timeout: this.opts.rpcTimeoutMs,
        });
        healthy = (reply.json() as { healthy?: unknown }).healthy === true;
      } catch (err) {
        this.opts.log.warn(`health check of provider ${this.opts.providerId} got no answer`, { error: errorText(err) });
        return;
      }
      if (this.stopping) return;
      const data = { host_id: this.opts.hostId, provider_id: this.opts.providerId };
      const before = this.healthy;
      this.healthy = healthy;
      if (healthy && before !== true) this.opts.events.publish('health_check_passed', data);
      else if (!healthy && before === true) this.opts.events.publish('health_check_failed', data);
      else this.opts.events.publish('health_check_status', data);
    };
    this.after(this.opts.health.initialDelayMs, () => void probe());
  }

  /** Tells the running provider what changed in its links and config since the last push (or launch). */
  pushState(links: InterfaceLinkDefinition[], config: StringMap): void {
    if (this.stopping || !this.child) return;
    const next = new Map(links.map((l) => [linkId(l), l]));
    try {
      for (const [id, l] of this.pushedLinks) if (!next.has(id)) this.opts.rpc.publish(this.subjects.linkDel, json(l));
      for (const [id, l] of next) {
        const before = this.pushedLinks.get(id);
        if (!before || JSON.stringify(before) !== JSON.stringify(l))
          this.opts.rpc.publish(this.subjects.linkPut, json(l));
      }
      const configText = JSON.stringify(config);
      if (configText !== this.pushedConfig) this.opts.rpc.publish(this.subjects.configUpdate, json(config));
      this.pushedConfig = configText;
      this.pushedLinks = next;
    } catch (err) {
      this.opts.log.warn(`could not tell provider ${this.opts.providerId} about link/config changes`, {
        error: errorText(err),
      });
    }
  }

  /**
   * Never restarts after this. Asks the provider to shut down, waits up to the grace period for it to exit,
   * then kills it. Resolves once the process is gone.
   */
  async stop(): Promise<void> {
    if (this.stopping) return this.exited;
    this.stopping = true;
    this.clearTimers();
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      trackLive(this, false);
      return;
    }
    const grace = this.opts.stopGraceMs;
    const exited = this.exited ?? Promise.resolve();
    this.opts.rpc
      .request(this.subjects.shutdown, json({ host_id: this.opts.hostId }), { timeout: grace })
      .catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([
      exited.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), grace);
      }),
    ]);
    clearTimeout(timer);
    if (!inTime) {
      this.opts.log.warn(
        `provider ${this.opts.providerId} did not exit within ${grace} ms of the shutdown request; killing it`,
      );
      child.kill('SIGKILL');
      await exited;
    }
    trackLive(this, false);
  }
}

function linkId(l: InterfaceLinkDefinition): string {
  return JSON.stringify([l.source_id, l.target, l.name, l.wit_namespace, l.wit_package]);
}
