/**
 * A running component serving `wasi:http/incoming-handler` straight from node's IncomingMessage /
 * ServerResponse: buffered request body in, response collected and written once (or streamed when
 * large). Every guest failure becomes a 500 (504 on timeout) for that request only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CompiledComponent, ComponentExports } from './compiled-component.js';
import { InstancePool } from './pool.js';
import { CoreStateSnapshot } from './recycler.js';
import { ExecutionTimeout, withDeadline } from './wasi/deadline.js';
import { Exchange, IncomingRequest, ResponseOutparam, type Outcome, type ResponseSink } from './wasi/http.js';
import { buildImports } from './wasi/imports.js';
import { lowerCamel } from '../../wrpc/types.js';
import type {
  BrokerMessage,
  LogLevel,
  RunningComponent,
  RunningComponentStats,
  ServingStyle,
  StartOptions,
} from './types.js';

export const MAX_REQUEST_BODY_BYTES = 32 * 1024 * 1024;
/** stop() waits this long for in-flight requests (a slow upload must not block an update forever). */
const STOP_GRACE_MS = 30_000;
/** Fresh (FetchEvent) instances kept ready beyond the one serving. */
const FRESH_PREWARM = 4;

interface Instance {
  exports: ComponentExports;
  /** The wasi:http/incoming-handler export, when the component has one. */
  handler?: NonNullable<ComponentExports['incomingHandler']>;
  served: number;
  /** Fresh state to return to after each request (one-request-per-instance components). */
  snapshot?: CoreStateSnapshot;
}

interface Settings {
  maxExecutionTimeMs?: number;
  verifyInstanceReset?: boolean;
  log: (level: LogLevel, componentId: string, message: string) => void;
  onStopped?: () => void;
}

function hasHeader(headers: string[], lower: string): boolean {
  for (let i = 0; i < headers.length; i += 2)
    if (headers[i].length === lower.length && headers[i].toLowerCase() === lower) return true;
  return false;
}

class NodeSink implements ResponseSink {
  /** Set once the host answered in the guest's place (timeout): a late guest write goes nowhere. */
  detached = false;
  constructor(private readonly res: ServerResponse) {}
  send(status: number, headers: string[], body: Uint8Array | undefined): void {
    if (this.detached) return;
    if (!hasHeader(headers, 'content-length')) headers.push('content-length', String(body?.length ?? 0));
    this.res.writeHead(status, headers);
    this.res.end(body);
  }
  head(status: number, headers: string[]): void {
    if (!this.detached) this.res.writeHead(status, headers);
  }
  write(chunk: Uint8Array): void {
    if (!this.detached) this.res.write(chunk);
  }
  end(): void {
    if (!this.detached) this.res.end();
  }
}

/**
 * An async (JSPI) guest call: the instance may be suspended in a host call while other requests run, so
 * the execution budget is a timer rather than the cooperative deadline. A call that overruns is abandoned
 * (its instance is dropped; it finishes on its own once the host call it waits on returns, bounded by
 * that capability's timeout).
 */
async function callAsync<T>(call: () => T, budgetMs: number | undefined, onOverrun: () => void): Promise<Awaited<T>> {
  const running = Promise.resolve(call());
  if (budgetMs === undefined) return running;
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      onOverrun();
      reject(new ExecutionTimeout());
    }, budgetMs);
  });
  running.catch(() => undefined);
  try {
    return await Promise.race([running, overrun]);
  } finally {
    clearTimeout(timer);
  }
}

type Served = 'ok' | 'failed';
type ServeResult = Served | 'retry' | Promise<Served | 'retry'>;
const DONE = Promise.resolve();

function requestHead(req: IncomingMessage): Exchange['head'] {
  return {
    method: req.method ?? 'GET',
    pathWithQuery: req.url ?? '/',
    authority: req.headers.host,
    rawHeaders: req.rawHeaders,
  };
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function readBody(req: IncomingMessage): Promise<Uint8Array[] | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(chunks));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new ClientGone());
    });
  });
}

class ClientGone extends Error {
  override name = 'ClientGone';
  constructor() {
    super('the client closed the connection before sending the whole request body');
  }
}

function plainResponse(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = Buffer.from(`${text}\n`);
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length });
  res.end(body);
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}

export class HttpComponent implements RunningComponent {
  readonly componentId: string;
  readonly digest: string;
  readonly #compiled: CompiledComponent;
  readonly #settings: Settings;
  readonly #start: StartOptions;
  readonly #pool: InstancePool<Instance>;
  #maxInstances: number;
  #style: ServingStyle;
  /** Restore a snapshot after every request instead of reusing state (FetchEvent components). */
  #recycle: boolean;
  #inFlight = 0;
  #served = 0;
  #failed = 0;
  /** With `verifyInstanceReset`: memory chunks a tracked reset left changed (must stay 0). */
  #resetMisses = 0;
  #stopping: Promise<void> | undefined;
  #idle: (() => void) | undefined;

  constructor(compiled: CompiledComponent, start: StartOptions, settings: Settings) {
    this.componentId = start.componentId;
    this.digest = compiled.digest;
    this.#compiled = compiled;
    this.#start = start;
    this.#settings = settings;
    this.#maxInstances = start.maxInstances;
    this.#style = compiled.style;
    this.#recycle = compiled.style === 'fetch-event' && compiled.stateExported;
    this.#pool = new InstancePool<Instance>({
      create: () => this.#instantiate(),
      max: start.maxInstances,
      mode: this.#style === 'fetch-event' && !this.#recycle ? 'fresh' : 'reuse',
      prewarm: FRESH_PREWARM,
      schedule: (work) => setImmediate(work),
      onCreateError: (err) => this.#log('error', `pre-warming an instance failed: ${describe(err)}`),
    });
  }

  get maxInstances(): number {
    return this.#maxInstances;
  }

  /** Instantiates up front so that a component that cannot start fails here, not on the first request. */
  warmUp(): void {
    const serves = (prefix: string) => this.#compiled.exports.some((e) => e.startsWith(prefix));
    if (!serves('wasi:http/incoming-handler@')) {
      // Export-only components (messaging handlers, custom interfaces served over wRPC) still run.
      const other = this.#compiled.exports.length > 0;
      this.#log(
        other ? 'debug' : 'warn',
        'component does not export wasi:http/incoming-handler; HTTP requests to it will fail',
      );
      if (!other) return;
    }
    this.#pool.warmUp();
    this.#log('info', `serving ${this.#describeStyle()}, up to ${this.#maxInstances} instances`);
  }

  /**
   * Synchronous whenever nothing has to wait (no request body to read, an idle instance, a synchronous
   * component): the response is written before this returns, with no promise hop on the way.
   */
  handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      return this.#handle(req, res);
    } catch (err) {
      return Promise.reject(err); // as from an async function: the caller's .catch answers, nothing escapes
    }
  }

  #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.#stopping) {
      plainResponse(res, 503, `component ${this.componentId} is stopping`);
      return DONE;
    }
    this.#inFlight++;
    if (hasBody(req)) return this.#handleWithBody(req, res);
    let result: Served | Promise<Served>;
    try {
      result = this.#serve(requestHead(req), [], res);
    } catch (err) {
      this.#requestFailed(err, res);
      this.#leave();
      return DONE;
    }
    if (result instanceof Promise) return this.#finishLater(result, res);
    this.#count(result);
    this.#leave();
    return DONE;
  }

  async #handleWithBody(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const body = await readBody(req);
      if (body === 'too-large') {
        plainResponse(res, 413, `request body larger than ${MAX_REQUEST_BODY_BYTES} bytes`);
        return;
      }
      this.#count(await this.#serve(requestHead(req), body, res));
    } catch (err) {
      this.#requestFailed(err, res);
    } finally {
      this.#leave();
    }
  }

  async #finishLater(result: Promise<Served>, res: ServerResponse): Promise<void> {
    try {
      this.#count(await result);
    } catch (err) {
      this.#requestFailed(err, res);
    } finally {
      this.#leave();
    }
  }

  #count(outcome: Served): void {
    if (outcome === 'ok') this.#served++;
    else this.#failed++;
  }

  #requestFailed(err: unknown, res: ServerResponse): void {
    this.#failed++;
    if (err instanceof ClientGone) this.#log('debug', err.message);
    else {
      this.#log('error', `request failed: ${describe(err)}`);
      plainResponse(res, 500, 'internal error while running the component');
    }
  }

  #leave(): void {
    this.#inFlight--;
    if (this.#inFlight === 0) this.#idle?.();
  }

  /** One request, retried once on a fresh instance when a reused one turns out to be a spent FetchEvent instance. */
  #serve(head: Exchange['head'], body: Uint8Array[], res: ServerResponse): Served | Promise<Served> {
    const first = this.#serveOnce(head, body, res);
    const again = (outcome: Served | 'retry'): ServeResult =>
      outcome === 'retry' ? this.#serveOnce(head, body, res) : outcome;
    const final = (outcome: Served | 'retry'): Served => (outcome === 'retry' ? 'failed' : outcome);
    if (first instanceof Promise) return first.then(again).then(final);
    const second = again(first);
    return second instanceof Promise ? second.then(final) : final(second);
  }

  #serveOnce(head: Exchange['head'], body: Uint8Array[], res: ServerResponse): ServeResult {
    const acquired = this.#pool.acquire();
    if (acquired instanceof Promise) return acquired.then((instance) => this.#serveOn(instance, head, body, res));
    return this.#serveOn(acquired, head, body, res);
  }

  #serveOn(instance: Instance, head: Exchange['head'], body: Uint8Array[], res: ServerResponse): ServeResult {
    const handler = instance.handler;
    if (!handler) {
      this.#pool.release(instance, true);
      plainResponse(res, 500, `component ${this.componentId} does not export wasi:http/incoming-handler`);
      return 'failed';
    }
    const sink = new NodeSink(res);
    const exchange = new Exchange(head, body, sink);
    const call = () => handler.handle(new IncomingRequest(exchange), new ResponseOutparam(exchange));
    if (this.#compiled.async)
      return callAsync(call, this.#settings.maxExecutionTimeMs, () => {
        sink.detached = true;
      }).then(
        () => this.#afterCall(instance, head, res, sink, exchange, undefined),
        (err: unknown) => this.#afterCall(instance, head, res, sink, exchange, err),
      );
    let failure: unknown;
    try {
      withDeadline(this.#settings.maxExecutionTimeMs, call);
    } catch (err) {
      failure = err;
    }
    return this.#afterCall(instance, head, res, sink, exchange, failure);
  }

  #afterCall(
    instance: Instance,
    head: Exchange['head'],
    res: ServerResponse,
    sink: NodeSink,
    exchange: Exchange,
    failure: unknown,
  ): Served | 'retry' {
    if (sink.detached) {
      this.#pool.release(instance, false);
      this.#log(
        'error',
        `request ${head.method} ${head.pathWithQuery} exceeded ${this.#settings.maxExecutionTimeMs} ms`,
      );
      plainResponse(res, 504, `component ${this.componentId} exceeded its maximum execution time`);
      return 'failed';
    }
    instance.served++;
    let outcome: Outcome;
    try {
      outcome = exchange.settle();
    } catch (err) {
      failure ??= err;
      outcome = { kind: exchange.headSent ? 'failed-after-head' : 'no-response', reason: describe(err) };
    }
    const healthy = failure === undefined && outcome.kind === 'sent';
    if (!healthy && this.#looksLikeSpentFetchEvent(instance, outcome, failure)) {
      this.#pool.release(instance, false);
      this.#switchToFetchEvent();
      return 'retry';
    }
    // A recycled instance goes back only if its fresh state could be restored exactly.
    this.#release(instance, healthy);
    if (healthy) return 'ok';

    if (failure instanceof ExecutionTimeout) {
      this.#log(
        'error',
        `request ${head.method} ${head.pathWithQuery} exceeded ${this.#settings.maxExecutionTimeMs} ms`,
      );
      plainResponse(res, 504, `component ${this.componentId} exceeded its maximum execution time`);
    } else if (failure !== undefined) {
      this.#log('error', `request ${head.method} ${head.pathWithQuery} trapped: ${describe(failure)}`);
      plainResponse(res, 500, `component ${this.componentId} failed while handling the request`);
    } else if (outcome.kind === 'no-response') {
      this.#log('error', `request ${head.method} ${head.pathWithQuery}: ${outcome.reason}`);
      plainResponse(res, 500, `component ${this.componentId}: ${outcome.reason}`);
    } else if (outcome.kind === 'failed-after-head') {
      this.#log('error', `request ${head.method} ${head.pathWithQuery}: ${outcome.reason}; connection closed`);
      res.destroy();
    }
    return 'failed';
  }

  async handleMessage(msg: BrokerMessage): Promise<void> {
    if (this.#stopping) throw new Error(`component ${this.componentId} is stopping`);
    this.#inFlight++;
    try {
      const acquired = this.#pool.acquire();
      const instance = acquired instanceof Promise ? await acquired : acquired;
      let healthy = false;
      try {
        const target = (instance.exports['wasmcloud:messaging/handler'] ?? instance.exports.handler) as
          | { handleMessage?: (m: { subject: string; body: Uint8Array; replyTo: string | undefined }) => unknown }
          | undefined;
        const handle = target?.handleMessage;
        if (!handle) {
          healthy = true;
          throw new Error(`component ${this.componentId} does not export wasmcloud:messaging/handler`);
        }
        const call = () => handle.call(target, { subject: msg.subject, body: msg.body, replyTo: msg.replyTo });
        try {
          if (this.#compiled.async) await callAsync(call, this.#settings.maxExecutionTimeMs, () => undefined);
          else withDeadline(this.#settings.maxExecutionTimeMs, call);
          healthy = true;
          this.#served++;
        } catch (err) {
          this.#failed++;
          const payload = (err as { payload?: unknown } | undefined)?.payload;
          // An `err(string)` result is the guest's answer, not a broken instance.
          if (payload !== undefined) {
            healthy = true;
            throw new Error(
              `component ${this.componentId} failed to handle a message on ${msg.subject}: ${String(payload)}`,
            );
          }
          throw new Error(
            `component ${this.componentId} trapped handling a message on ${msg.subject}: ${describe(err)}`,
          );
        }
      } finally {
        this.#release(instance, healthy);
      }
    } finally {
      this.#inFlight--;
      if (this.#inFlight === 0) this.#idle?.();
    }
  }

  /**
   * Calls `func` of the exported `instance` (versioned interface name, '' for a world-root function) with
   * jco-shaped arguments, on an instance of its own (the pool's limit applies). A JSPI component's export
   * returns a promise (it may suspend in an async import); an `err` result is thrown with its `payload`,
   * as jco does, and leaves the instance in service; a trap retires the instance.
   */
  async callExport(instance: string, func: string, args: unknown[]): Promise<unknown> {
    if (this.#stopping) throw new Error(`component ${this.componentId} is stopping`);
    this.#inFlight++;
    try {
      const acquired = this.#pool.acquire();
      const inst = acquired instanceof Promise ? await acquired : acquired;
      let healthy = false;
      try {
        const target = (instance === '' ? inst.exports : inst.exports[instance]) as Record<string, unknown> | undefined;
        const fn = target?.[lowerCamel(func)];
        if (typeof fn !== 'function') {
          healthy = true;
          throw new Error(
            `component ${this.componentId} does not export ${instance === '' ? func : `${instance}#${func}`}`,
          );
        }
        const call = () => (fn as (...a: unknown[]) => unknown).apply(target, args);
        try {
          const value = this.#compiled.async
            ? await callAsync(call, this.#settings.maxExecutionTimeMs, () => undefined)
            : withDeadline(this.#settings.maxExecutionTimeMs, call);
          healthy = true;
          this.#served++;
          return value;
        } catch (err) {
          this.#failed++;
          if ((err as { payload?: unknown } | undefined)?.payload !== undefined) healthy = true;
          else if (err instanceof ExecutionTimeout)
            this.#log('error', `${instance}#${func} exceeded ${this.#settings.maxExecutionTimeMs} ms`);
          else this.#log('error', `${instance}#${func} trapped: ${describe(err)}`);
          throw err;
        }
      } finally {
        this.#release(inst, healthy);
      }
    } finally {
      this.#inFlight--;
      if (this.#inFlight === 0) this.#idle?.();
    }
  }

  #switchToFetchEvent(): void {
    this.#style = 'fetch-event';
    this.#recycle = this.#compiled.stateExported;
    if (this.#recycle) this.#pool.dropIdle();
    else this.#pool.switchToFresh(FRESH_PREWARM);
    this.#log(
      'warn',
      `a reused instance stopped answering after its first request (FetchEvent component): now serving ${this.#describeStyle()}`,
    );
  }

  #describeStyle(): string {
    if (this.#style === 'reusable') return 'with reused instances';
    return this.#recycle
      ? 'a FetchEvent component (one request per instance): each instance is reset to its fresh state after every request'
      : 'a FetchEvent component (one request per instance): a new instance per request, pre-warmed';
  }

  /** A componentize-js instance that served before and now returned without any response. */
  #looksLikeSpentFetchEvent(instance: Instance, outcome: Outcome, failure: unknown): boolean {
    return (
      this.#style === 'reusable' &&
      instance.served > 1 &&
      failure === undefined &&
      outcome.kind === 'no-response' &&
      this.#compiled.componentizeJs &&
      outcome.reason.startsWith('component returned without setting')
    );
  }

  #instantiate(): Instance {
    const imports = buildImports(this.#compiled.imports, this.componentId, this.#start.capabilities, (level, message) =>
      this.#log(level, message),
    );
    const { exports, cores } = this.#compiled.instantiate(imports);
    const handler =
      exports.incomingHandler ?? (exports['wasi:http/incoming-handler'] as Instance['handler'] | undefined);
    return this.#recycle
      ? {
          exports,
          handler,
          served: 0,
          snapshot: new CoreStateSnapshot(cores, {
            tracked: this.#compiled.writesTracked,
            verify: this.#settings.verifyInstanceReset,
          }),
        }
      : { exports, handler, served: 0 };
  }

  /** Back to the pool; a recycled instance only if its fresh state could be restored exactly. */
  #release(instance: Instance, healthy: boolean): void {
    let reusable = healthy;
    if (healthy && instance.snapshot) {
      reusable = instance.snapshot.restore();
      this.#resetMisses += instance.snapshot.missedChunks;
      instance.snapshot.missedChunks = 0;
    }
    this.#pool.release(instance, reusable);
  }

  #log(level: LogLevel, message: string): void {
    this.#settings.log(level, this.componentId, message);
  }

  setMaxInstances(n: number): void {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`maxInstances must be a positive integer, got ${n}`);
    this.#maxInstances = n;
    this.#pool.setMax(n);
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      if (this.#inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.#log('warn', `stopping with ${this.#inFlight} request(s) still in flight after ${STOP_GRACE_MS} ms`);
            resolve();
          }, STOP_GRACE_MS);
          timer.unref();
          this.#idle = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      this.#pool.close();
      this.#settings.onStopped?.();
    })();
    return this.#stopping;
  }

  #instanceReset(): RunningComponentStats['instanceReset'] {
    if (this.#style === 'reusable') return 'none';
    if (!this.#recycle) return 'new-instance';
    return this.#compiled.writesTracked ? 'written-pages' : 'snapshot';
  }

  stats(): RunningComponentStats {
    return {
      instances: this.#pool.size,
      inFlight: this.#inFlight,
      served: this.#served,
      failed: this.#failed,
      style: this.#style,
      instanceReset: this.#instanceReset(),
      ...(this.#settings.verifyInstanceReset ? { instanceResetMisses: this.#resetMisses } : {}),
    };
  }
}
