/**
 * `wash up` in its three shapes: foreground (this process supervises until Ctrl+C), detached (a supervisor
 * process is spawned and we return once it reports ready), and the supervisor itself (`up --supervise`).
 */
import { logUnexpectedRejections } from '../output/process-guard.js';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, errorChain } from '../errors.js';
import { alreadyRunningResult } from './already-running.js';
import { washBin } from './host-process.js';
import { preflight, startLocalLattice, type LocalLattice, type UpIo, type UpResult } from './local-lattice.js';
import { tailFile } from './log-tail.js';
import type { UpOptions } from './options.js';
import { upPaths } from './paths.js';
import { ensureUpDirs } from './writable-dirs.js';

export type { UpIo, UpResult } from './local-lattice.js';

/** Messages from the supervisor to the `wash up -d` that spawned it (Node IPC). */
type SupervisorMessage =
  | { type: 'note'; message: string }
  | { type: 'ready'; result: UpResult }
  | { type: 'failed'; error: { message: string; suggestion?: string; chain: string[] } };

/** Reports an environment an earlier `wash up` started, deploying `--wadm-manifest` into it if given. */
async function reportAlreadyRunning(o: UpOptions, io: UpIo, env: NodeJS.ProcessEnv): Promise<UpResult | undefined> {
  const existing = alreadyRunningResult(o, env, io.note);
  if (!existing) return undefined;
  const { natsConnect } = await import('../lattice/connect.js');
  let nc;
  try {
    nc = await natsConnect(`nats://${existing.nats_url}`, {}, { timeout: 2000, name: 'wash-up' });
  } catch {
    existing.warnings.push(`NATS at ${existing.nats_url} does not answer although the hosts are running`);
    return existing;
  }
  try {
    const { wadmAnswers } = await import('./lattice-probe.js');
    existing.wadm.running = await wadmAnswers(nc, o.lattice, 1000);
    if (o.wadmManifest) {
      const { deployManifestFile } = await import('./deploy-manifest.js');
      try {
        await deployManifestFile(nc, o.lattice, o.wadmManifest);
        existing.deployed_wadm_manifest_path = o.wadmManifest;
      } catch (err) {
        existing.warnings.push(`deploying ${o.wadmManifest} failed: ${(err as Error).message}`);
      }
    }
  } finally {
    await nc.close().catch(() => undefined);
  }
  return existing;
}

export interface ForegroundUp {
  result: UpResult;
  /** Runs until Ctrl+C / SIGTERM / every host gone; stops everything gracefully; resolves the exit code. */
  untilStopped(): Promise<number>;
}

/** Foreground `wash up`: supervises here. Already running → result only (nothing to wait for). */
export async function upForeground(
  o: UpOptions,
  io: UpIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ForegroundUp> {
  const existing = await reportAlreadyRunning(o, io, env);
  if (existing) return { result: existing, untilStopped: async () => 0 };
  await preflight(o);
  // Ctrl+C during start-up: finish starting (so everything is known), then stop it all at once.
  const early = catchEarlySignals((sig, again) => {
    if (again) process.exit(130);
    io.note(
      `${sig} received: stopping as soon as start-up completes (Ctrl+C again to abandon; \`wash down\` cleans up)`,
    );
  });
  let lattice: LocalLattice;
  try {
    lattice = await startLocalLattice(o, 'foreground', io, env);
  } catch (err) {
    early.release();
    throw err;
  }
  return {
    result: lattice.result,
    untilStopped: () => superviseUntilStopped(lattice, io, { early, stopOnHangup: true }),
  };
}

interface EarlySignals {
  /** The first SIGINT/SIGTERM received so far. */
  readonly signal: NodeJS.Signals | undefined;
  /** Stops catching (after the next handlers are installed: with no listener, a signal kills the process). */
  release(): void;
}

/**
 * Catches SIGINT/SIGTERM from now until `release()`. The handover to the supervising handlers must never leave the
 * process without a listener, even for a moment: Node then restores the default action, and a Ctrl+C or `wash down`
 * arriving right as start-up completes (the ready document just printed) would kill the process outright, leaving
 * hosts and NATS behind unstopped.
 */
function catchEarlySignals(onSignal: (sig: NodeJS.Signals, again: boolean) => void): EarlySignals {
  let first: NodeJS.Signals | undefined;
  const listener = (sig: NodeJS.Signals) => {
    const again = first !== undefined;
    first ??= sig;
    onSignal(sig, again);
  };
  process.on('SIGINT', listener).on('SIGTERM', listener);
  return {
    get signal() {
      return first;
    },
    release: () => void process.off('SIGINT', listener).off('SIGTERM', listener),
  };
}

function superviseUntilStopped(
  lattice: LocalLattice,
  io: UpIo,
  opts: { early: EarlySignals; stopOnHangup: boolean },
): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    let signals = 0;
    const finish = (code: number) => {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal).off('SIGHUP', onHangup);
      // Everything is stopped; a late signal (e.g. `wash down` racing our own shutdown) must not turn
      // this clean exit into a death by signal.
      const ignore = () => undefined;
      process.on('SIGINT', ignore).on('SIGTERM', ignore);
      resolve(code);
    };
    const stop = (code: number) => {
      stopping = true;
      lattice.shutdown().then(
        () => finish(code),
        () => finish(1),
      );
    };
    const onSignal = (sig: NodeJS.Signals) => {
      signals++;
      if (signals > 1) {
        io.note('Forcing stop');
        lattice.shutdown({ force: true }).then(
          () => finish(130),
          () => finish(130),
        );
        return;
      }
      if (stopping) return;
      const wadm = lattice.result.wadm.started ? ', then wadm' : '';
      const nats = lattice.result.nats_started ? ', then NATS' : '';
      io.note(`${sig} received: stopping hosts${wadm}${nats} (send it again to force)`);
      stop(0);
    };
    const onHangup = () => (opts.stopOnHangup ? onSignal('SIGHUP') : undefined);
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal).on('SIGHUP', onHangup);
    opts.early.release();
    void lattice.hostsGone.then(({ crashed }) => {
      if (stopping) return;
      io.note(
        crashed.length
          ? `${crashed.length} host(s) failed; stopping the rest`
          : 'All hosts have stopped; stopping the rest',
      );
      stop(crashed.length ? 1 : 0);
    });
    if (opts.early.signal) onSignal(opts.early.signal);
  });
}

function supervisorWaitMs(o: UpOptions): number {
  return 15_000 + o.hostReadyTimeoutMs + 15_000 + 20_000;
}

/**
 * `wash up -d`: spawns the supervisor (detached, own session, output to the supervisor log), relays its
 * progress notes, and returns its result once it reports ready. A failure it reports (it has cleaned up
 * already) or its death becomes the error of this command.
 */
export async function upDetached(o: UpOptions, io: UpIo, env: NodeJS.ProcessEnv = process.env): Promise<UpResult> {
  const existing = await reportAlreadyRunning(o, io, env);
  if (existing) return existing;
  const paths = upPaths(env);
  ensureUpDirs(paths, env);
  await preflight(o);
  const requestFile = join(paths.run, `up-request-${process.pid}-${Date.now()}.json`);
  writeFileSync(requestFile, JSON.stringify(o), { mode: 0o600 });
  const logFd = openSync(paths.supervisorLog, 'a');
  writeSync(logFd, `\n=== wash up -d at ${new Date().toISOString()} (lattice ${o.lattice}) ===\n`);
  const child = spawn(process.execPath, [washBin(), 'up', '--supervise', requestFile], {
    detached: true,
    env,
    stdio: ['ignore', logFd, logFd, 'ipc'],
  });
  closeSync(logFd);
  const failure = (message: string, suggestion?: string) => new UserError(message, { suggestion });
  const forwardSignal = () => {
    io.note('Interrupted: asking the supervisor to stop what it started');
    try {
      child.kill('SIGTERM');
    } catch {
      /* gone */
    }
  };
  process.on('SIGINT', forwardSignal).on('SIGTERM', forwardSignal);
  try {
    return await new Promise<UpResult>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        try {
          child.kill('SIGTERM');
        } catch {
          /* gone */
        }
        reject(
          failure(
            `the wash up supervisor did not report ready within ${supervisorWaitMs(o)} ms`,
            `see ${paths.supervisorLog}`,
          ),
        );
      }, supervisorWaitMs(o));
      child.on('message', (m: SupervisorMessage) => {
        if (m.type === 'note') io.note(m.message);
        else if (m.type === 'ready' && !settled) {
          settled = true;
          clearTimeout(timer);
          child.disconnect();
          child.unref();
          resolve({ ...m.result, supervisor_pid: child.pid, supervisor_log: paths.supervisorLog });
        } else if (m.type === 'failed' && !settled) {
          settled = true;
          clearTimeout(timer);
          // It has stopped what it started; wait for it to be gone so nothing is left when we return.
          const gone = new Promise((r) => child.once('exit', r));
          void Promise.race([gone, new Promise((r) => setTimeout(r, 20_000).unref())]).then(() => {
            const err = new UserError(m.error.message, { suggestion: m.error.suggestion });
            reject(err);
          });
        }
      });
      child.once('exit', (code, signal) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const tail = tailFile(paths.supervisorLog, 20);
        reject(
          failure(
            `the wash up supervisor ${signal ? `was killed by ${signal}` : `exited with code ${code}`} before the lattice was ready`,
            tail || `see ${paths.supervisorLog}`,
          ),
        );
      });
      child.once('error', (err) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(failure(`could not start the wash up supervisor: ${err.message}`));
      });
    });
  } finally {
    process.off('SIGINT', forwardSignal).off('SIGTERM', forwardSignal);
    rmSync(requestFile, { force: true });
  }
}

function sendToParent(m: SupervisorMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    try {
      process.send(m, undefined, {}, () => resolve());
    } catch {
      resolve();
    }
  });
}

/**
 * The detached supervisor (`wash up --supervise <request file>`): owns the hosts, the wadm engine and
 * NATS if it started it; stops them on SIGTERM/SIGINT (what `wash down` sends) or when all hosts are gone.
 */
export async function runSupervisor(requestFile: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  logUnexpectedRejections(log);
  let o: UpOptions;
  try {
    o = JSON.parse(readFileSync(requestFile, 'utf8')) as UpOptions;
  } catch (cause) {
    const msg = `cannot read the supervisor request ${requestFile}: ${(cause as Error).message}`;
    log(msg);
    await sendToParent({ type: 'failed', error: { message: msg, chain: [msg] } });
    if (process.connected) process.disconnect?.();
    return 1;
  } finally {
    rmSync(requestFile, { force: true });
  }
  const io: UpIo = {
    note: (message) => {
      log(message);
      void sendToParent({ type: 'note', message });
    },
  };
  process.on('SIGHUP', () => log('SIGHUP ignored (detached)'));
  const early = catchEarlySignals((sig) => log(`${sig} during start-up: stopping once started`));
  let lattice: LocalLattice;
  try {
    lattice = await startLocalLattice(o, 'detached', io, env);
  } catch (err) {
    const chain = errorChain(err);
    log(`start-up failed: ${chain.join(': ')}`);
    const suggestion = (err as { suggestion?: string }).suggestion;
    if (suggestion) log(suggestion);
    await sendToParent({ type: 'failed', error: { message: chain[0] ?? 'unknown error', suggestion, chain } });
    // The IPC channel would keep this process alive (and the parent waits for it to exit).
    if (process.connected) process.disconnect?.();
    early.release();
    return 1;
  }
  log(`ready: ${lattice.result.hosts.map((h) => h.id).join(', ')} on ${lattice.result.nats_url}`);
  for (const w of lattice.result.warnings) log(`warning: ${w}`);
  await sendToParent({ type: 'ready', result: lattice.result });
  if (process.connected) process.disconnect?.();
  return superviseUntilStopped(lattice, { note: log }, { early, stopOnHangup: false });
}
