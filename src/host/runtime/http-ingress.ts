/**
 * The built-in http-server provider: one node:http listener per address, each routed to whatever
 * running component its target function returns at the moment a request arrives — re-pointing the
 * target is a zero-downtime swap (requests already running finish on the old component).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { UserError } from '../../errors.js';
import { addressKey, parseListenAddress } from './address.js';
import type { RunningComponent } from './types.js';

type Target = () => RunningComponent | undefined;

interface Listener {
  server: Server;
  target: Target | undefined;
  sockets: Set<Socket>;
}

const CLOSE_GRACE_MS = 5000;

function unavailable(res: ServerResponse, message: string): void {
  const body = Buffer.from(`${message}\n`);
  res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length });
  res.end(body);
}

export class HttpIngress {
  readonly #listeners = new Map<string, Listener>();
  readonly #onError: (address: string, err: unknown) => void;

  constructor(opts: { onError?: (address: string, err: unknown) => void } = {}) {
    this.#onError = opts.onError ?? (() => {});
  }

  /** Starts listening (no-op if already listening there). A port in use is a UserError; nothing else changes. */
  async listen(address: string): Promise<void> {
    const key = addressKey(address);
    if (this.#listeners.has(key)) return;
    const { host, port } = parseListenAddress(address);
    const listener: Listener = { server: createServer(), target: undefined, sockets: new Set() };
    listener.server.on('request', (req: IncomingMessage, res: ServerResponse) =>
      this.#dispatch(key, listener, req, res),
    );
    listener.server.on('connection', (socket: Socket) => {
      listener.sockets.add(socket);
      socket.once('close', () => listener.sockets.delete(socket));
    });
    this.#listeners.set(key, listener);
    try {
      await new Promise<void>((resolve, reject) => {
        listener.server.once('error', reject);
        listener.server.listen(port, host, () => {
          listener.server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      this.#listeners.delete(key);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') {
        throw new UserError(`cannot serve HTTP on ${address}: the address is already in use`, {
          cause: err,
          suggestion:
            'Pick another port in the link or component config (address=127.0.0.1:PORT), or stop the process using it',
        });
      }
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES') {
        throw new UserError(`cannot serve HTTP on ${address}: ${(err as Error).message}`, {
          cause: err,
          suggestion:
            code === 'EACCES'
              ? 'Use a port above 1023'
              : 'Use an address of this machine, such as 127.0.0.1 or 0.0.0.0',
        });
      }
      throw err;
    }
    listener.server.on('error', (err) => this.#onError(key, err));
  }

  /** Points an address at a component; looked up per request. */
  route(address: string, target: Target): void {
    const listener = this.#listeners.get(addressKey(address));
    if (!listener) throw new Error(`not listening on ${address}: call listen() first`);
    listener.target = target;
  }

  /** The port actually bound (useful with port 0 in tests). */
  boundPort(address: string): number | undefined {
    const info = this.#listeners.get(addressKey(address))?.server.address();
    return info && typeof info === 'object' ? info.port : undefined;
  }

  addresses(): string[] {
    return [...this.#listeners.keys()];
  }

  /** Stops serving on the address and closes its listener (in-flight requests get CLOSE_GRACE_MS to finish). */
  async unroute(address: string): Promise<void> {
    const key = addressKey(address);
    const listener = this.#listeners.get(key);
    if (!listener) return;
    this.#listeners.delete(key);
    listener.target = undefined;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        for (const socket of listener.sockets) socket.destroy();
      }, CLOSE_GRACE_MS);
      timer.unref();
      listener.server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      listener.server.closeIdleConnections();
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.#listeners.keys()].map((key) => this.unroute(key)));
  }

  #dispatch(key: string, listener: Listener, req: IncomingMessage, res: ServerResponse): void {
    const target = listener.target?.();
    if (!target) {
      unavailable(res, `no component is linked to the HTTP server at ${key}`);
      return;
    }
    target.handleHttp(req, res).catch((err: unknown) => {
      this.#onError(key, err);
      if (!res.headersSent) unavailable(res, 'the component could not handle the request');
      else res.destroy();
    });
  }
}
