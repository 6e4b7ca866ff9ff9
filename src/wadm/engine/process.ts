/**
 * Support for running wadm as a foreground process (`wash wadm`): upstream's `--nats-server` address form
 * and a stderr logger with a level threshold. No heavy imports.
 */
import { maskSecrets, splitServerCredentials, type ServerCredentials } from '../../lattice/credentials.js';
import type { EngineLog, EngineLogLevel } from './engine.js';

export type NatsServerAddress = ServerCredentials;

/**
 * Parses wadm's `--nats-server` / `WADM_NATS_SERVER`: `host:port`, optionally `user:pass@host:port`, with
 * or without a `nats://` (or `tls://`, `ws://`) scheme; the port defaults to 4222.
 */
export function parseNatsServerAddress(value: string): NatsServerAddress {
  return splitServerCredentials(value, '--nats-server');
}

const ORDER: Record<EngineLogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Log lines on stderr: `2026-01-01T00:00:00.000Z INFO message`. */
export function stderrLog(
  threshold: EngineLogLevel = 'info',
  write: (line: string) => void = (l) => process.stderr.write(l),
): EngineLog {
  return (level, message) => {
    if (ORDER[level] < ORDER[threshold]) return;
    write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${maskSecrets(message)}\n`);
  };
}
