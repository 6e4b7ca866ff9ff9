/**
 * The built-in `http-client` capability: a component's outgoing requests (`wasi:http/outgoing-handler`)
 * sent with node:http(s), limited to the hosts its link allows, bounded by the link's timeout, answered to
 * the guest as wasi:http `error-code`s (denied, refused, timeout…). Response bodies are buffered.
 */
import type { IncomingHttpResponse, OutgoingHttpRequest } from '../runtime/wasi/http.js';

export const MAX_RESPONSE_BODY_BYTES = 32 * 1024 * 1024;
/** Link config key: comma-separated hosts (`api.example.com`, `127.0.0.1:8080`, `*.example.com`, `*`). */
export const ALLOWED_HOSTS_KEY = 'allowed_hosts';

type ErrorCode = { tag: string; val?: unknown };

function splitAuthority(authority: string): { host: string; port: string | undefined } {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(authority);
  if (bracket) return { host: bracket[1].toLowerCase(), port: bracket[2] };
  const colon = authority.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(authority.slice(colon + 1)))
    return { host: authority.slice(0, colon).toLowerCase(), port: authority.slice(colon + 1) };
  return { host: authority.toLowerCase(), port: undefined };
}

export function parseAllowedHosts(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

/** Whether `authority` (host[:port]) is allowed; no list at all allows every host (as upstream's provider). */
export function hostAllowed(allowed: readonly string[] | undefined, authority: string, defaultPort: string): boolean {
  if (allowed === undefined) return true;
  const { host, port = defaultPort } = splitAuthority(authority);
  return allowed.some((entry) => {
    if (entry === '*') return true;
    const e = splitAuthority(entry);
    if (e.port !== undefined && e.port !== port) return false;
    if (e.host.startsWith('*.')) return host.endsWith(e.host.slice(1)) && host.length > e.host.length - 1;
    return e.host === host;
  });
}

function errorCode(err: NodeJS.ErrnoException): ErrorCode {
  switch (err.code) {
    case 'ECONNREFUSED':
      return { tag: 'connection-refused' };
    case 'ECONNRESET':
      return { tag: 'connection-terminated' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { tag: 'DNS-error', val: { rcode: err.code, infoCode: undefined } };
    case 'ETIMEDOUT':
      return { tag: 'connection-timeout' };
    default:
      return { tag: 'internal-error', val: err.message };
  }
}

export interface HttpClientLink {
  allowed: string[] | undefined;
  timeoutMs: number;
}

export async function sendHttp(req: OutgoingHttpRequest, link: HttpClientLink): Promise<IncomingHttpResponse> {
  const defaultPort = req.scheme === 'https' ? '443' : '80';
  if (!hostAllowed(link.allowed, req.authority, defaultPort)) {
    throw { tag: 'HTTP-request-denied' } satisfies ErrorCode;
  }
  const timeoutMs = Math.min(req.timeoutMs ?? link.timeoutMs, link.timeoutMs);
  const { request } = req.scheme === 'https' ? await import('node:https') : await import('node:http');
  const { host, port } = splitAuthority(req.authority);
  return new Promise<IncomingHttpResponse>((resolve, reject) => {
    const headers: [string, string][] = req.headers.filter(([n]) => n.toLowerCase() !== 'host');
    headers.push(['host', req.authority]);
    const outgoing = request(
      {
        host,
        port: port ?? defaultPort,
        method: req.method,
        path: req.pathWithQuery,
        headers: headers.flat(),
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BODY_BYTES) {
            res.destroy();
            reject({ tag: 'HTTP-response-body-size', val: BigInt(size) });
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          const raw = res.rawHeaders;
          const list: [string, string][] = [];
          for (let i = 0; i + 1 < raw.length; i += 2) list.push([raw[i], raw[i + 1]]);
          resolve({ status: res.statusCode ?? 500, headers: list, body: Buffer.concat(chunks) });
        });
        res.on('error', (err) => reject(errorCode(err)));
      },
    );
    const deadline = setTimeout(() => {
      outgoing.destroy();
      reject({ tag: 'HTTP-response-timeout' });
    }, timeoutMs);
    outgoing.on('close', () => clearTimeout(deadline));
    outgoing.on('timeout', () => {
      outgoing.destroy();
      reject({ tag: 'HTTP-response-timeout' });
    });
    outgoing.on('error', (err) => reject(errorCode(err)));
    outgoing.end(req.body);
  });
}
