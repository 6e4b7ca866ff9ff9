/**
 * wasi:http/types 0.2 host objects for the incoming side (the `wasi:http/incoming-handler` export).
 *
 * No Web Request/Response in between: an `Exchange` carries the request head and its buffered body in,
 * and collects the guest's response. Small responses are sent in one write with a content-length once
 * the guest returns; a body that grows past STREAM_THRESHOLD starts streaming (chunked) to the sink.
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { InputStream, type IoError, OutputStream, Pollable, READY, type ByteSink } from './io.js';

export interface RequestHead {
  method: string;
  pathWithQuery: string;
  authority: string | undefined;
  /** alternating names and values, as node's IncomingMessage.rawHeaders */
  rawHeaders: string[];
}

/** Where a response goes (a node ServerResponse, or a message port in a worker). */
export interface ResponseSink {
  /** A complete response in one go (the common case: one write, with a content-length unless declared). */
  send(status: number, headers: string[], body: Uint8Array | undefined): void;
  /** Streaming: the head, then chunks, then end. */
  head(status: number, headers: string[]): void;
  write(chunk: Uint8Array): void;
  end(): void;
}

export type HttpErrorCode = { tag: string; val?: unknown };

/** How a finished guest call left the response. */
export type Outcome =
  | { kind: 'sent' }
  | { kind: 'failed-after-head'; reason: string }
  | { kind: 'no-response'; reason: string };

const STREAM_THRESHOLD = 64 * 1024;
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);
const METHODS = new Set(['get', 'head', 'post', 'put', 'delete', 'connect', 'options', 'trace', 'patch']);
const latin1 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');

type Entry = [name: string, value: Uint8Array];

/** wasi:http/types.fields (also `headers` and `trailers`). */
export class Fields {
  #entries: Entry[] = [];
  #immutable = false;

  static fromList(entries: Entry[]): Fields {
    const fields = new Fields();
    for (const [name, value] of entries) fields.append(name, value);
    return fields;
  }
  /** Host-built, already valid, immutable. */
  static trusted(entries: Entry[]): Fields {
    const fields = new Fields();
    fields.#entries = entries;
    fields.#immutable = true;
    return fields;
  }
  static lock(fields: Fields): Fields {
    fields.#immutable = true;
    return fields;
  }
  static entriesOf(fields: Fields): Entry[] {
    return fields.#entries;
  }
  get(name: string): Uint8Array[] {
    const lower = name.toLowerCase();
    const values: Uint8Array[] = [];
    for (const [n, v] of this.#entries) if (n.toLowerCase() === lower) values.push(v);
    return values;
  }
  has(name: string): boolean {
    const lower = name.toLowerCase();
    return this.#entries.some(([n]) => n.toLowerCase() === lower);
  }
  set(name: string, values: Uint8Array[]): void {
    this.#checkWritable(name, values);
    const lower = name.toLowerCase();
    this.#entries = this.#entries.filter(([n]) => n.toLowerCase() !== lower);
    for (const value of values) this.#entries.push([name, value]);
  }
  delete(name: string): void {
    this.#checkWritable(name, []);
    const lower = name.toLowerCase();
    this.#entries = this.#entries.filter(([n]) => n.toLowerCase() !== lower);
  }
  append(name: string, value: Uint8Array): void {
    this.#checkWritable(name, [value]);
    this.#entries.push([name, value]);
  }
  entries(): Entry[] {
    return this.#entries.slice();
  }
  clone(): Fields {
    const copy = new Fields();
    copy.#entries = this.#entries.slice();
    return copy;
  }
  #checkWritable(name: string, values: Uint8Array[]): void {
    if (this.#immutable) throw { tag: 'immutable' };
    try {
      validateHeaderName(name);
      for (const value of values) validateHeaderValue(name, latin1(value));
    } catch {
      throw { tag: 'invalid-syntax' };
    }
    if (HOP_BY_HOP.has(name.toLowerCase())) throw { tag: 'forbidden' };
  }
}

/** One request/response pair as seen by the guest. */
export class Exchange {
  readonly head: RequestHead;
  readonly #requestBody: Uint8Array[];
  readonly #sink: ResponseSink;
  #response: OutgoingResponse | undefined;
  #error: HttpErrorCode | undefined;
  #headSent = false;
  #ended = false;

  constructor(head: RequestHead, requestBody: Uint8Array[], sink: ResponseSink) {
    this.head = head;
    this.#requestBody = requestBody;
    this.#sink = sink;
  }
  takeRequestBody(): Uint8Array[] {
    return this.#requestBody.splice(0);
  }
  get responseSet(): boolean {
    return this.#response !== undefined || this.#error !== undefined;
  }
  get headSent(): boolean {
    return this.#headSent;
  }
  setResponse(result: { tag: 'ok'; val: OutgoingResponse } | { tag: 'err'; val: HttpErrorCode }): void {
    if (this.responseSet) throw new Error('wasi:http response-outparam was already set');
    if (result.tag === 'ok') {
      this.#response = result.val;
      OutgoingResponse.bind(result.val, this);
    } else {
      this.#error = result.val ?? { tag: 'internal-error' };
    }
  }
  /** Called by the body when it grows large or finishes while streaming. */
  bodyProgress(body: OutgoingBody): void {
    if (!this.#headSent) {
      if (body.bufferedBytes < STREAM_THRESHOLD) return;
      this.#sendHead();
    }
    for (const chunk of body.drain()) this.#sink.write(chunk);
    if (body.finished && !this.#ended) {
      this.#ended = true;
      this.#sink.end();
    }
  }
  /** After the guest call returned (or threw): send what is complete, report what is not. */
  settle(): Outcome {
    if (this.#ended) return { kind: 'sent' };
    if (this.#error)
      return { kind: 'no-response', reason: `component set an error response: ${describeErrorCode(this.#error)}` };
    const response = this.#response;
    if (!response) return { kind: 'no-response', reason: 'component returned without setting a response' };
    const body = OutgoingResponse.bodyOf(response);
    if (body && !body.finished) {
      const reason = 'component did not finish the response body';
      return this.#headSent ? { kind: 'failed-after-head', reason } : { kind: 'no-response', reason };
    }
    const chunks = body ? body.drain() : [];
    if (this.#headSent) {
      for (const chunk of chunks) this.#sink.write(chunk);
      this.#sink.end();
    } else {
      const whole = chunks.length === 0 ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      this.#headSent = true;
      this.#sink.send(OutgoingResponse.statusOf(response), this.#headerList(response), whole);
    }
    this.#ended = true;
    return { kind: 'sent' };
  }
  #headerList(response: OutgoingResponse): string[] {
    const headers: string[] = [];
    for (const [name, value] of Fields.entriesOf(OutgoingResponse.headersOf(response)))
      headers.push(name, latin1(value));
    return headers;
  }
  #sendHead(): void {
    const response = this.#response!;
    this.#headSent = true;
    this.#sink.head(OutgoingResponse.statusOf(response), this.#headerList(response));
  }
}

export function describeErrorCode(code: HttpErrorCode): string {
  return code.val === undefined
    ? code.tag
    : `${code.tag} (${JSON.stringify(code.val, (_k, v) => (typeof v === 'bigint' ? String(v) : v))})`;
}

export class IncomingRequest {
  readonly #exchange: Exchange;
  #consumed = false;
  #headers: Entry[] | undefined;
  constructor(exchange: Exchange) {
    this.#exchange = exchange;
  }
  method(): { tag: string; val?: string } {
    const lower = this.#exchange.head.method.toLowerCase();
    return METHODS.has(lower) ? { tag: lower } : { tag: 'other', val: this.#exchange.head.method };
  }
  pathWithQuery(): string | undefined {
    return this.#exchange.head.pathWithQuery;
  }
  scheme(): { tag: string } {
    return { tag: 'HTTP' };
  }
  authority(): string | undefined {
    return this.#exchange.head.authority;
  }
  headers(): Fields {
    if (!this.#headers) {
      const raw = this.#exchange.head.rawHeaders;
      const entries: Entry[] = [];
      for (let i = 0; i + 1 < raw.length; i += 2)
        entries.push([raw[i].toLowerCase(), Buffer.from(raw[i + 1], 'latin1')]);
      this.#headers = entries;
    }
    return Fields.trusted(this.#headers);
  }
  consume(): IncomingBody {
    if (this.#consumed) throw undefined;
    this.#consumed = true;
    return new IncomingBody(this.#exchange.takeRequestBody());
  }
}

export class IncomingBody {
  #stream: InputStream | undefined;
  constructor(chunks: Uint8Array[]) {
    this.#stream = new InputStream(chunks);
  }
  stream(): InputStream {
    const stream = this.#stream;
    if (!stream) throw undefined;
    this.#stream = undefined;
    return stream;
  }
  static finish(_body: IncomingBody): FutureTrailers {
    return new FutureTrailers();
  }
}

export class FutureTrailers {
  #taken = false;
  subscribe(): Pollable {
    return READY;
  }
  get(): unknown {
    if (this.#taken) return { tag: 'err', val: undefined };
    this.#taken = true;
    return { tag: 'ok', val: { tag: 'ok', val: undefined } };
  }
}

export class OutgoingResponse {
  #status = 200;
  readonly #headers: Fields;
  #body: OutgoingBody | undefined;
  #exchange: Exchange | undefined;
  constructor(headers: Fields) {
    this.#headers = Fields.lock(headers);
  }
  statusCode(): number {
    return this.#status;
  }
  setStatusCode(status: number): void {
    if (status < 100 || status > 999) throw undefined;
    this.#status = status;
  }
  headers(): Fields {
    return this.#headers;
  }
  body(): OutgoingBody {
    if (this.#body) throw undefined;
    this.#body = new OutgoingBody();
    if (this.#exchange) OutgoingBody.bind(this.#body, this.#exchange);
    return this.#body;
  }
  static bind(response: OutgoingResponse, exchange: Exchange): void {
    response.#exchange = exchange;
    if (response.#body) OutgoingBody.bind(response.#body, exchange);
  }
  static bodyOf(response: OutgoingResponse): OutgoingBody | undefined {
    return response.#body;
  }
  static headersOf(response: OutgoingResponse): Fields {
    return response.#headers;
  }
  static statusOf(response: OutgoingResponse): number {
    return response.#status;
  }
}

export class OutgoingBody {
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #written = false;
  #finished = false;
  #exchange: Exchange | undefined;
  #onFinish: (() => void) | undefined;

  get finished(): boolean {
    return this.#finished;
  }
  get bufferedBytes(): number {
    return this.#buffered;
  }
  write(): OutputStream {
    if (this.#written) throw undefined;
    this.#written = true;
    return new OutputStream(new BodySink(this));
  }
  static append(body: OutgoingBody, chunk: Uint8Array): void {
    body.#append(chunk);
  }
  #append(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    if (this.#exchange && (this.#exchange.headSent || this.#buffered >= STREAM_THRESHOLD))
      this.#exchange.bodyProgress(this);
  }
  drain(): Uint8Array[] {
    const chunks = this.#chunks;
    this.#chunks = [];
    this.#buffered = 0;
    return chunks;
  }
  static finish(body: OutgoingBody, trailers: Fields | undefined): void {
    if (trailers) throw { tag: 'internal-error', val: 'trailers are not supported by this host' };
    if (body.#finished) throw { tag: 'internal-error', val: 'outgoing body already finished' };
    body.#finished = true;
    if (body.#exchange?.headSent) body.#exchange.bodyProgress(body);
    body.#onFinish?.();
  }
  /** An outgoing request's body: its chunks once the guest finished it. */
  static completed(body: OutgoingBody): Promise<Uint8Array[]> {
    if (body.#finished) return Promise.resolve(body.drain());
    return new Promise((resolve) => {
      body.#onFinish = () => resolve(body.drain());
    });
  }
  static bind(body: OutgoingBody, exchange: Exchange): void {
    body.#exchange = exchange;
    if (body.#buffered >= STREAM_THRESHOLD) exchange.bodyProgress(body);
  }
}

/**
 * An outgoing body's output stream sink. A class, not an object literal with a `get closed()` accessor: V8
 * gives every such literal its own hidden-class transition holding the getter closure, which chained each
 * request's objects to the next one's and kept them all alive through young-generation GCs (the old
 * generation grew ~10 MB per scavenge until a full GC).
 */
class BodySink implements ByteSink {
  readonly #body: OutgoingBody;
  constructor(body: OutgoingBody) {
    this.#body = body;
  }
  write(chunk: Uint8Array): void {
    OutgoingBody.append(this.#body, chunk);
  }
  get closed(): boolean {
    return this.#body.finished;
  }
}

export class ResponseOutparam {
  readonly #exchange: Exchange;
  constructor(exchange: Exchange) {
    this.#exchange = exchange;
  }
  static set(
    param: ResponseOutparam,
    result: { tag: 'ok'; val: OutgoingResponse } | { tag: 'err'; val: HttpErrorCode },
  ): void {
    param.#exchange.setResponse(result);
  }
}

// The outgoing side (wasi:http/outgoing-handler): the guest builds an outgoing-request, `handle` hands it to
// whatever sends requests for this component (the http-client capability, when linked) and returns a future
// whose pollable becomes ready when the whole response has arrived (bodies are buffered).

export class RequestOptions {
  #connect: bigint | undefined;
  #firstByte: bigint | undefined;
  #betweenBytes: bigint | undefined;
  connectTimeout(): bigint | undefined {
    return this.#connect;
  }
  setConnectTimeout(d: bigint | undefined): void {
    this.#connect = d;
  }
  firstByteTimeout(): bigint | undefined {
    return this.#firstByte;
  }
  setFirstByteTimeout(d: bigint | undefined): void {
    this.#firstByte = d;
  }
  betweenBytesTimeout(): bigint | undefined {
    return this.#betweenBytes;
  }
  setBetweenBytesTimeout(d: bigint | undefined): void {
    this.#betweenBytes = d;
  }
  static timeoutMs(options: RequestOptions | undefined): number | undefined {
    if (!options) return undefined;
    const ns = options.#firstByte ?? options.#connect;
    return ns === undefined ? undefined : Number(ns / 1_000_000n);
  }
}

/** What a sender gets: the request as plain data (body complete). */
export interface OutgoingHttpRequest {
  method: string;
  scheme: 'http' | 'https';
  authority: string;
  pathWithQuery: string;
  headers: [string, string][];
  body: Uint8Array | undefined;
  /** From the guest's request-options (first-byte or connect timeout), if it set one. */
  timeoutMs: number | undefined;
}

export interface IncomingHttpResponse {
  status: number;
  headers: [string, string][];
  body: Uint8Array;
}

/** Sends one request; rejects with a wasi:http error-code value (`{ tag, val? }`). */
export type HttpSender = (request: OutgoingHttpRequest) => Promise<IncomingHttpResponse>;

export class OutgoingRequest {
  readonly #headers: Fields;
  #method: { tag: string; val?: string } = { tag: 'get' };
  #path: string | undefined;
  #scheme: { tag: string; val?: string } | undefined;
  #authority: string | undefined;
  #body: OutgoingBody | undefined;
  constructor(headers: Fields) {
    this.#headers = Fields.lock(headers);
  }
  body(): OutgoingBody {
    if (this.#body) throw undefined;
    this.#body = new OutgoingBody();
    return this.#body;
  }
  method(): { tag: string; val?: string } {
    return this.#method;
  }
  setMethod(m: { tag: string; val?: string }): void {
    this.#method = m;
  }
  pathWithQuery(): string | undefined {
    return this.#path;
  }
  setPathWithQuery(p: string | undefined): void {
    this.#path = p;
  }
  scheme(): { tag: string; val?: string } | undefined {
    return this.#scheme;
  }
  setScheme(s: { tag: string; val?: string } | undefined): void {
    this.#scheme = s;
  }
  authority(): string | undefined {
    return this.#authority;
  }
  setAuthority(a: string | undefined): void {
    this.#authority = a;
  }
  headers(): Fields {
    return this.#headers;
  }

  /** The request as data once its body is complete (at once when the guest never took the body). */
  static whenComplete(request: OutgoingRequest, timeoutMs: number | undefined): Promise<OutgoingHttpRequest> {
    const scheme =
      request.#scheme?.tag === 'HTTPS'
        ? 'https'
        : request.#scheme === undefined || request.#scheme.tag === 'HTTP'
          ? 'http'
          : undefined;
    if (scheme === undefined) return Promise.reject({ tag: 'HTTP-protocol-error' });
    if (!request.#authority) return Promise.reject({ tag: 'HTTP-request-URI-invalid' });
    const head = {
      method: request.#method.tag === 'other' ? String(request.#method.val) : request.#method.tag.toUpperCase(),
      scheme: scheme as 'http' | 'https',
      authority: request.#authority,
      pathWithQuery: request.#path ?? '/',
      headers: Fields.entriesOf(request.#headers).map(([n, v]): [string, string] => [n, latin1(v)]),
      timeoutMs,
    };
    const body = request.#body;
    if (!body) return Promise.resolve({ ...head, body: undefined });
    return OutgoingBody.completed(body).then((chunks) => ({ ...head, body: Buffer.concat(chunks) }));
  }
}

export class IncomingResponse {
  readonly #response: IncomingHttpResponse;
  #consumed = false;
  constructor(response: IncomingHttpResponse) {
    this.#response = response;
  }
  status(): number {
    return this.#response.status;
  }
  headers(): Fields {
    return Fields.trusted(this.#response.headers.map(([n, v]): Entry => [n.toLowerCase(), Buffer.from(v, 'latin1')]));
  }
  consume(): IncomingBody {
    if (this.#consumed) throw undefined;
    this.#consumed = true;
    return new IncomingBody([this.#response.body]);
  }
}

export class FutureIncomingResponse {
  #outcome: { tag: 'ok'; val: IncomingResponse } | { tag: 'err'; val: HttpErrorCode } | undefined;
  #taken = false;
  readonly #pollable: Pollable;
  constructor(response: Promise<IncomingHttpResponse>) {
    const settled = response.then(
      (r) => {
        this.#outcome = { tag: 'ok', val: new IncomingResponse(r) };
      },
      (err: unknown) => {
        this.#outcome = { tag: 'err', val: toErrorCode(err) };
      },
    );
    this.#pollable = Pollable.fromPromise(settled, () => this.#outcome !== undefined);
  }
  subscribe(): Pollable {
    return this.#pollable;
  }
  get(): unknown {
    if (this.#outcome === undefined) return undefined;
    if (this.#taken) return { tag: 'err', val: undefined };
    this.#taken = true;
    return { tag: 'ok', val: this.#outcome };
  }
}

function toErrorCode(err: unknown): HttpErrorCode {
  if (err && typeof err === 'object' && typeof (err as HttpErrorCode).tag === 'string') return err as HttpErrorCode;
  return { tag: 'internal-error', val: err instanceof Error ? err.message : String(err) };
}

/** `wasi:http/outgoing-handler` over a sender; without one, every call fails naming the missing link. */
export function outgoingHandler(send: HttpSender | undefined, unlinked: string): Record<string, unknown> {
  return {
    handle(request: OutgoingRequest, options: RequestOptions | undefined): FutureIncomingResponse {
      if (!send) throw { tag: 'internal-error', val: unlinked };
      return new FutureIncomingResponse(
        OutgoingRequest.whenComplete(request, RequestOptions.timeoutMs(options)).then(send),
      );
    },
  };
}

export function httpImports(componentId: string): Record<string, Record<string, unknown>> {
  return {
    'wasi:http/types': {
      Fields,
      IncomingRequest,
      IncomingBody,
      FutureTrailers,
      OutgoingResponse,
      OutgoingBody,
      ResponseOutparam,
      RequestOptions,
      OutgoingRequest,
      IncomingResponse,
      FutureIncomingResponse,
      httpErrorCode: (_err: IoError): HttpErrorCode | undefined => undefined,
    },
    'wasi:http/outgoing-handler': outgoingHandler(
      undefined,
      `wasi:http/outgoing-handler is not linked for component ${componentId}`,
    ),
  };
}
