/**
 * HTTP for the registry client on node:http/https rather than fetch(): the first fetch() in a process costs
 * ~250 ms (undici start-up) on a loaded machine, which a host pulling one cached component would pay on
 * every start. Redirects are followed (blob downloads are often redirected to storage), dropping the
 * Authorization header when the origin changes, as fetch() does.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';

export interface HttpResponse {
  status: number;
  url: string;
  header(name: string): string | undefined;
  /** The body as a stream (consume it, or call `discard`). */
  body: Readable;
  text(): Promise<string>;
  bytes(): Promise<Uint8Array>;
  discard(): void;
}

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  timeoutMs: number;
  /** Trusted certificates (PEM) for HTTPS, replacing Node's defaults (see `caBundle`). */
  ca?: readonly string[];
}

export class HttpTimeoutError extends Error {
  override name = 'TimeoutError';
}

function once(url: URL, opts: HttpRequestOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...opts.headers };
    if (opts.body !== undefined) headers['content-length'] = Buffer.byteLength(opts.body);
    const method = opts.method ?? 'GET';
    const req =
      url.protocol === 'https:'
        ? httpsRequest(url, { method, headers, ...(opts.ca ? { ca: [...opts.ca] } : {}) }, resolve)
        : httpRequest(url, { method, headers }, resolve);
    req.setTimeout(opts.timeoutMs, () => req.destroy(new HttpTimeoutError(`no response within ${opts.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

export async function httpSend(target: string | URL, opts: HttpRequestOptions): Promise<HttpResponse> {
  let url = new URL(target);
  let headers = { ...opts.headers };
  let method = opts.method ?? 'GET';
  let body = opts.body;
  for (let hop = 0; ; hop++) {
    const res = await once(url, { ...opts, method, headers, body });
    const location = res.headers.location;
    if (location && [301, 302, 303, 307, 308].includes(res.statusCode ?? 0) && hop < 5) {
      res.resume();
      const next = new URL(location, url);
      if (next.origin !== url.origin) {
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
      }
      if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      url = next;
      continue;
    }
    return wrap(res, url);
  }
}

function wrap(res: IncomingMessage, url: URL): HttpResponse {
  const collect = async (): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  return {
    status: res.statusCode ?? 0,
    url: url.href,
    header: (name) => {
      const v = res.headers[name.toLowerCase()];
      return Array.isArray(v) ? v.join(', ') : v;
    },
    body: res,
    text: async () => (await collect()).toString('utf8'),
    bytes: async () => {
      const b = await collect();
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    },
    discard: () => {
      res.resume();
    },
  };
}
