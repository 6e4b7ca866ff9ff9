/**
 * Support for running wadm as a foreground process (`wash wadm`): upstream's `--nats-server` address form
 * and a stderr logger with a level threshold. No heavy imports.
 */
import { UserError } from '../../errors.js';
import type { EngineLog, EngineLogLevel } from './engine.js';

export interface NatsServerAddress {
  /** `nats://host:port` (credentials removed). */
  url: string;
  user?: string;
  pass?: string;
}

/**
 * Parses wadm's `--nats-server` / `WADM_NATS_SERVER`: `host:port`, optionally `user:pass@host:port`, with
 * or without a `nats://` (or `tls://`, `ws://`) scheme; the port defaults to 4222.
 */
export function parseNatsServerAddress(value: string): NatsServerAddress {
  const text = value.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `nats://${text}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new UserError(`--nats-server "${value}" is not a valid address`, { suggestion: 'use host:port, e.g. 127.0.0.1:4222 (user:pass@host:port for credentials)' });
  }
  if (!u.hostname) throw new UserError(`--nats-server "${value}" has no host`, { suggestion: 'use host:port, e.g. 127.0.0.1:4222' });
  const out: NatsServerAddress = { url: `${u.protocol}//${u.host.includes(':') ? u.host : `${u.host}:4222`}` };
  if (u.username) out.user = decodeURIComponent(u.username);
  if (u.password) out.pass = decodeURIComponent(u.password);
  return out;
}

const ORDER: Record<EngineLogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Log lines on stderr: `2026-01-01T00:00:00.000Z INFO message`. */
export function stderrLog(threshold: EngineLogLevel = 'info', write: (line: string) => void = (l) => process.stderr.write(l)): EngineLog {
  return (level, message) => {
    if (ORDER[level] < ORDER[threshold]) return;
    write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${message}\n`);
  };
}
