import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { tailFile } from './log-tail.js';
import { NATS_INSTALL_HINT, findNatsServer } from './nats-binary.js';

export { NATS_INSTALL_HINT, findNatsServer, natsServerVersion } from './nats-binary.js';

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export function tcpReachable(host: string, port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = tcpConnect({ host, port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

export interface NatsServerOptions {
  binary?: string;
  host?: string;
  port?: number;
  storeDir: string;
  jsDomain?: string;
  websocketPort?: number;
  remoteUrl?: string;
  credsfile?: string;
  configPath?: string;
  /** Use this existing config file as it is (host, port and -js are still given on the command line). */
  userConfig?: string;
  pidFile?: string;
  /** nats-server's stdout and stderr go to this file (truncated at start); failures quote its last lines. */
  logFile?: string;
  /**
   * Own process group, and the parent may exit first (wash up). A terminal's Ctrl+C then reaches only the
   * parent, which stops NATS last, after the hosts have said goodbye over it.
   */
  detached?: boolean;
  readyTimeoutMs?: number;
}

export interface RunningNatsServer {
  url: string;
  host: string;
  port: number;
  pid: number;
  configPath: string;
  logFile?: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function natsConfigText(o: NatsServerOptions & { host: string; port: number }): string {
  const lines = [
    `host: "${o.host}"`,
    `port: ${o.port}`,
    'jetstream {',
    `  store_dir: ${JSON.stringify(o.storeDir)}`,
    `  domain: ${JSON.stringify(o.jsDomain ?? 'core')}`,
    '}',
  ];
  if (o.websocketPort)
    lines.push('websocket {', `  host: "${o.host}"`, `  port: ${o.websocketPort}`, '  no_tls: true', '}');
  if (o.remoteUrl) {
    lines.push('leafnodes {', '  remotes: [', '    {', `      url: ${JSON.stringify(o.remoteUrl)}`);
    if (o.credsfile) lines.push(`      credentials: ${JSON.stringify(o.credsfile)}`);
    lines.push('    }', '  ]', '}');
  }
  return lines.join('\n') + '\n';
}

/** Starts `nats-server -js` with a generated config file and waits until it accepts TCP connections. */
export async function startNatsServer(o: NatsServerOptions): Promise<RunningNatsServer> {
  const binary = o.binary ?? findNatsServer();
  if (!binary) throw new UserError('nats-server was not found', { suggestion: NATS_INSTALL_HINT });
  const host = o.host ?? '127.0.0.1';
  const port = o.port ?? (await freePort(host));
  if (await tcpReachable(host, port))
    throw new UserError(`port ${host}:${port} is already in use; cannot start nats-server there`);
  mkdirSync(o.storeDir, { recursive: true });
  let configPath: string;
  let args: string[];
  if (o.userConfig) {
    configPath = o.userConfig;
    args = ['-js', '-a', host, '-p', String(port), '-sd', o.storeDir, '-c', configPath];
  } else {
    configPath = o.configPath ?? join(o.storeDir, 'nats.conf');
    mkdirSync(dirname(configPath), { recursive: true });
    writeFileSync(configPath, natsConfigText({ ...o, host, port }));
    args = ['-js', '-c', configPath];
  }
  if (o.pidFile) args.push('-P', o.pidFile);
  let logFd: number | undefined;
  if (o.logFile) {
    mkdirSync(dirname(o.logFile), { recursive: true });
    logFd = openSync(o.logFile, 'w');
  }
  let child: ChildProcess;
  try {
    child = spawn(binary, args, {
      stdio: ['ignore', logFd ?? 'ignore', logFd ?? 'pipe'],
      detached: o.detached ?? false,
    });
  } finally {
    if (logFd !== undefined) closeSync(logFd);
  }
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  const output = () => (o.logFile ? tailFile(o.logFile, 15) : stderr.trim());
  const spawnError = new Promise<Error>((r) => child.once('error', r));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const deadline = Date.now() + (o.readyTimeoutMs ?? 15_000);
  let exitCode: number | null | undefined;
  let startError: Error | undefined;
  void exited.then((c) => {
    exitCode = c;
  });
  void spawnError.then((e) => {
    startError = e;
  });
  while (!(await tcpReachable(host, port, 200))) {
    if (startError)
      throw new UserError(`could not run ${binary}: ${startError.message}`, {
        cause: startError,
        suggestion: NATS_INSTALL_HINT,
      });
    if (exitCode !== undefined) {
      throw new UserError(
        `nats-server exited during start-up (code ${exitCode}); config ${configPath}${o.logFile ? `, log ${o.logFile}` : ''}`,
        {
          suggestion: output() || `check the config at ${configPath}`,
        },
      );
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new UserError(
        `nats-server did not accept connections on ${host}:${port} within ${o.readyTimeoutMs ?? 15_000} ms`,
        {
          suggestion: [`config: ${configPath}`, output()].filter(Boolean).join('\n'),
        },
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  if (o.detached) child.unref();
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  return { url: `nats://${host}:${port}`, host, port, pid: child.pid!, configPath, logFile: o.logFile, child, stop };
}
