/** Listen addresses of the built-in HTTP server: `127.0.0.1:8000`, `[::1]:8080`, `localhost:80`, `:8000`. */
import { UserError } from '../../errors.js';

export interface ListenAddress {
  host: string;
  port: number;
}

export function parseListenAddress(address: string): ListenAddress {
  const text = address.trim();
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) {
    throw new UserError(`invalid HTTP listen address "${address}"`, {
      suggestion: 'Use host:port, for example 127.0.0.1:8000, 0.0.0.0:8080 or [::1]:8000 (port 1-65535)',
    });
  }
  const host = m[1] ?? (m[2] === '' ? '0.0.0.0' : m[2]);
  return { host, port };
}

/** One spelling per listener, so `localhost:8000` and ` localhost:8000 ` share a listener. */
export function addressKey(address: string): string {
  const { host, port } = parseListenAddress(address);
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
