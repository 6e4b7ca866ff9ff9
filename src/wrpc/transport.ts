/**
 * wRPC over NATS, wire-compatible with wrpc-transport-nats 0.22–0.29 (wasmCloud 1.1–1.9), reference/wrpc.md §1:
 *
 *   caller: PUB T reply=Rc headers=H params[0..k]     server: handshake PUB Rc reply=Rs (empty)
 *   caller: PUB Rs.params params[k..] …, then empty   server: PUB Rc.results results…, then empty
 *
 * Payloads on a subject form one byte stream (message boundaries mean nothing); the first empty message is EOF.
 * A callee that fails only closes `Rc.results` early. Like the Rust transport, one wildcard subscription on a
 * private inbox (`_INBOX.<nuid>.>`) receives every handshake, result and parameter message of this connection,
 * so nothing has to be subscribed per call and nothing can arrive before its subscription exists.
 */
import type { Msg, MsgHdrs, NatsConnection, Subscription } from '@nats-io/transport-node';
import { Incomplete, WrpcCodecError, decodeTuple, encodeTuple } from './codec.js';
import { WrpcError } from './errors.js';
import { HEADER_LINK_NAME, HEADER_SOURCE_ID, invocationSubject } from './subjects.js';
import type { FunctionType, WrpcType } from './types.js';

type NatsModule = typeof import('@nats-io/transport-node');

const EMPTY: Uint8Array = new Uint8Array(0);
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;
/** A server drops a call whose parameters never complete within this time. */
const PARAMS_DEADLINE_MS = 60_000;

/** Who is calling and on which link (from the invocation's first message). */
export interface InvocationContext {
  /** All headers of the first message (last value wins). */
  headers: Record<string, string>;
  /** `source-id`: the calling component or provider. */
  sourceId?: string;
  /** `link-name`, `default` when absent. */
  linkName: string;
  instance: string;
  func: string;
}

export interface InvokeOptions {
  /** Sent on the first message: `source-id`, `link-name`, `target-id`, trace context… */
  headers?: Record<string, string>;
  /** Whole-call deadline (handshake and results); default 10 s. */
  timeoutMs?: number;
}

export type Handler = (params: unknown[], ctx: InvocationContext) => unknown[] | Promise<unknown[]>;

export interface ServeOptions {
  /** Queue group; wasmCloud uses the prefix itself, so instances of one id share the calls. */
  queue?: string;
  /** Called when a handler throws or a call fails on the server side. */
  onError?: (err: unknown, ctx: Partial<InvocationContext>) => void;
}

export interface Served {
  readonly subject: string;
  stop(): void;
}

interface Pending {
  /** Handshake, `.results` and `.params` messages for this id. */
  onMessage(kind: string, msg: Msg): void;
  /** The transport closed under a call in flight. */
  abort?(err: Error): void;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function headerMap(h: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  for (const [k, values] of h) if (values.length > 0) out[k] = values[values.length - 1];
  return out;
}

/** Bytes of the NATS header block the server counts against max_payload. */
function headerBlockBytes(headers: Record<string, string>): number {
  let n = 'NATS/1.0\r\n\r\n'.length;
  for (const [k, v] of Object.entries(headers)) n += Buffer.byteLength(k) + Buffer.byteLength(v) + 4;
  return n;
}

export class WrpcTransport {
  private readonly pending = new Map<string, Pending>();
  private next = 0;
  private closed = false;

  private constructor(
    readonly nc: NatsConnection,
    private readonly nats: NatsModule,
    private readonly inbox: string,
    private readonly sub: Subscription,
  ) {}

  /** Opens the transport's inbox on `nc` (one subscription, flushed before any call can start). */
  static async open(nc: NatsConnection): Promise<WrpcTransport> {
    const nats = await import('@nats-io/transport-node');
    const inbox = nats.createInbox();
    let transport: WrpcTransport | undefined;
    const sub = nc.subscribe(`${inbox}.>`, {
      callback: (err, msg) => {
        if (!err) transport?.dispatch(msg);
      },
    });
    transport = new WrpcTransport(nc, nats, inbox, sub);
    await nc.flush();
    return transport;
  }

  get maxPayload(): number {
    return this.nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD;
  }

  private dispatch(msg: Msg): void {
    const rest = msg.subject.slice(this.inbox.length + 1);
    const dot = rest.indexOf('.');
    const id = dot === -1 ? rest : rest.slice(0, dot);
    this.pending.get(id)?.onMessage(dot === -1 ? '' : rest.slice(dot + 1), msg);
  }

  private newId(): string {
    this.next = (this.next + 1) % Number.MAX_SAFE_INTEGER;
    return this.next.toString(36);
  }

  /** Publishes `bytes` on `subject` in chunks of at most max_payload, then the empty EOF message. */
  private publishStream(subject: string, bytes: Uint8Array): void {
    const max = this.maxPayload;
    for (let at = 0; at < bytes.length; at += max) this.nc.publish(subject, bytes.subarray(at, at + max));
    this.nc.publish(subject, EMPTY);
  }

  /**
   * Calls `{prefix}.wrpc.0.0.1.{instance}.{func}` and resolves with the decoded results. Rejects with a
   * `WrpcError`: `not-found` (nobody serves it), `timeout`, `failed` (callee closed results early), `protocol`.
   */
  invoke(
    prefix: string,
    instance: string,
    func: string,
    sig: FunctionType,
    params: unknown[],
    opts: InvokeOptions = {},
  ): Promise<unknown[]> {
    const paramBytes = encodeTuple(
      sig.params.map((p) => p.type),
      params,
    );
    return this.invokeRaw(prefix, instance, func, paramBytes, sig.results, opts);
  }

  /** `invoke` with the parameters already encoded. */
  invokeRaw(
    prefix: string,
    instance: string,
    func: string,
    paramBytes: Uint8Array,
    resultTypes: readonly WrpcType[],
    opts: InvokeOptions = {},
  ): Promise<unknown[]> {
    if (this.closed) return Promise.reject(new WrpcError('closed', 'the wRPC transport is closed'));
    const subject = invocationSubject(prefix, instance, func);
    const what = `${instance ? `${instance}.` : ''}${func} on ${prefix}`;
    const id = this.newId();
    const rc = `${this.inbox}.${id}`;
    const headers = opts.headers ?? {};
    const timeoutMs = opts.timeoutMs ?? 10_000;

    return new Promise<unknown[]>((resolve, reject) => {
      let results: Uint8Array = EMPTY;
      let shook = false;
      const done = (err: Error | undefined, values?: unknown[]) => {
        clearTimeout(timer);
        this.pending.delete(id);
        if (err) reject(err);
        else resolve(values ?? []);
      };
      const timer = setTimeout(() => {
        done(
          new WrpcError(
            'timeout',
            shook
              ? `no complete results from ${what} within ${timeoutMs} ms`
              : `no handshake from ${what} within ${timeoutMs} ms (is a component or provider serving it?)`,
          ),
        );
      }, timeoutMs);
      timer.unref?.();

      this.pending.set(id, {
        onMessage: (kind, msg) => {
          if (kind === '') {
            if (shook) return;
            const code = msg.headers?.code ?? 0;
            if (msg.headers?.hasError || code >= 300) {
              return done(
                code === 503
                  ? new WrpcError('not-found', `nothing serves ${what} (no responders on ${subject})`)
                  : new WrpcError('failed', `${what}: NATS status ${code} ${msg.headers?.description ?? ''}`.trim()),
              );
            }
            if (!msg.reply) return done(new WrpcError('protocol', `${what}: the peer did not specify a reply subject`));
            shook = true;
            this.publishStream(`${msg.reply}.params`, rest);
            return;
          }
          if (kind !== 'results') return;
          if (msg.data.length > 0) {
            results = concat(results, msg.data);
            return tryDecode(false);
          }
          tryDecode(true);
        },
        abort: (err) => done(err),
      });

      const tryDecode = (eof: boolean) => {
        try {
          const { values, used } = decodeTuple(resultTypes, results);
          if (used !== results.length)
            return done(
              new WrpcError('protocol', `${what}: ${results.length - used} unexpected bytes after the results`),
            );
          if (resultTypes.length === 0 && !eof) return;
          done(undefined, values);
        } catch (err) {
          if (err instanceof Incomplete) {
            if (eof)
              done(
                new WrpcError(
                  'failed',
                  `${what} failed: the callee closed its results before sending a complete value`,
                ),
              );
            return;
          }
          done(new WrpcError('protocol', `${what}: results do not decode: ${(err as Error).message}`, { cause: err }));
        }
      };

      const budget = Math.max(0, this.maxPayload - rc.length - headerBlockBytes(headers));
      const first = paramBytes.subarray(0, budget);
      const rest = paramBytes.subarray(first.length);
      try {
        const h = this.nats.headers();
        for (const [k, v] of Object.entries(headers)) h.set(k, v);
        this.nc.publish(subject, first, { reply: rc, headers: Object.keys(headers).length > 0 ? h : undefined });
      } catch (err) {
        done(new WrpcError('closed', `cannot call ${what}: ${(err as Error).message}`, { cause: err }));
      }
    });
  }

  /**
   * Serves one function: queue-subscribes its subject, decodes params as they arrive, runs `handler`, and
   * streams its results back (or closes the results stream early when anything fails).
   */
  serve(
    prefix: string,
    instance: string,
    func: string,
    sig: FunctionType,
    handler: Handler,
    opts: ServeOptions = {},
  ): Served {
    const subject = invocationSubject(prefix, instance, func);
    const paramTypes = sig.params.map((p) => p.type);
    const sub = this.nc.subscribe(subject, {
      queue: opts.queue ?? prefix,
      callback: (err, msg) => {
        if (!err) this.accept(msg, instance, func, paramTypes, sig.results, handler, opts);
      },
    });
    return { subject, stop: () => sub.unsubscribe() };
  }

  private accept(
    msg: Msg,
    instance: string,
    func: string,
    paramTypes: WrpcType[],
    resultTypes: WrpcType[],
    handler: Handler,
    opts: ServeOptions,
  ): void {
    const reply = msg.reply;
    if (!reply) return;
    const hdrs = headerMap(msg.headers);
    const ctx: InvocationContext = {
      headers: hdrs,
      sourceId: hdrs[HEADER_SOURCE_ID],
      linkName: hdrs[HEADER_LINK_NAME] || 'default',
      instance,
      func,
    };
    const id = this.newId();
    let params: Uint8Array = msg.data.length > 0 ? msg.data.slice() : EMPTY;
    let started = false;
    const fail = (err: unknown) => {
      opts.onError?.(err, ctx);
      this.nc.publish(`${reply}.results`, EMPTY);
    };
    const timer = setTimeout(() => {
      this.pending.delete(id);
      if (!started)
        fail(
          new WrpcError('timeout', `parameters of ${instance}.${func} did not arrive within ${PARAMS_DEADLINE_MS} ms`),
        );
    }, PARAMS_DEADLINE_MS);
    timer.unref?.();

    const tryStart = (eof: boolean) => {
      if (started) return;
      let values: unknown[];
      try {
        const decoded = decodeTuple(paramTypes, params);
        if (decoded.used !== params.length)
          throw new WrpcCodecError(`${params.length - decoded.used} unexpected bytes after the parameters`);
        values = decoded.values;
      } catch (err) {
        if (err instanceof Incomplete && !eof) return;
        started = true;
        clearTimeout(timer);
        this.pending.delete(id);
        return fail(
          err instanceof Incomplete ? new WrpcError('protocol', 'parameters ended before a complete value') : err,
        );
      }
      started = true;
      clearTimeout(timer);
      // Later messages (the caller's EOF) have nowhere to go and are ignored by dispatch.
      this.pending.delete(id);
      void this.run(reply, values, ctx, resultTypes, handler).catch(fail);
    };

    this.pending.set(id, {
      onMessage: (kind, m) => {
        if (kind !== 'params') return;
        if (m.data.length > 0) {
          params = concat(params, m.data);
          tryStart(false);
        } else {
          tryStart(true);
        }
      },
    });
    try {
      this.nc.publish(reply, EMPTY, { reply: `${this.inbox}.${id}` });
    } catch (err) {
      clearTimeout(timer);
      this.pending.delete(id);
      opts.onError?.(err, ctx);
      return;
    }
    tryStart(false);
  }

  private async run(
    reply: string,
    params: unknown[],
    ctx: InvocationContext,
    resultTypes: WrpcType[],
    handler: Handler,
  ): Promise<void> {
    const results = await handler(params, ctx);
    const bytes = encodeTuple(resultTypes, results ?? []);
    this.publishStream(`${reply}.results`, bytes);
  }

  /** Fails calls in flight and drops the inbox subscription (the connection stays open). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sub.unsubscribe();
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const c of calls) c.abort?.(new WrpcError('closed', 'the wRPC transport was closed during the call'));
  }
}
