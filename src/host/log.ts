import { truncateForEcho } from '../lattice/bounded-reply.js';
import { maskSecrets } from '../lattice/credentials.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'trace';
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug', 'trace'];

export type LogFields = Record<string, unknown>;

export interface HostLogger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  trace(message: string, fields?: LogFields): void;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** One JSON object per line instead of text. */
  structured?: boolean;
  /** Where lines go; stderr by default (stdout belongs to `-o json`). */
  write?: (line: string) => void;
  now?: () => Date;
}

/** Log lines stay bounded whatever a request carried. */
const LOG_VALUE_MAX_CHARS = 2048;
const bounded = (v: unknown): unknown => (typeof v === 'string' ? truncateForEcho(v, LOG_VALUE_MAX_CHARS) : v);

function renderValue(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v;
  return JSON.stringify(v) ?? String(v);
}

/** Text lines `TIME LEVEL message key=value…`, or JSON lines with `--structured-logging`. */
export function createHostLogger(opts: LoggerOptions = {}): HostLogger {
  const threshold = LOG_LEVELS.indexOf(opts.level ?? 'info');
  const write = opts.write ?? ((line: string) => void process.stderr.write(line));
  const now = opts.now ?? (() => new Date());
  const log = (level: LogLevel, rawMessage: string, rawFields: LogFields = {}) => {
    if (LOG_LEVELS.indexOf(level) > threshold) return;
    const message = truncateForEcho(rawMessage, LOG_VALUE_MAX_CHARS);
    const fields: LogFields = Object.create(null) as LogFields;
    for (const [k, v] of Object.entries(rawFields)) fields[k] = bounded(v);
    const timestamp = now().toISOString();
    if (opts.structured) {
      write(maskSecrets(JSON.stringify({ timestamp, level: level.toUpperCase(), message, ...fields })) + '\n');
      return;
    }
    const extra = Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => ` ${k}=${renderValue(v)}`)
      .join('');
    write(`${maskSecrets(`${timestamp} ${level.toUpperCase().padStart(5)} ${message}${extra}`)}\n`);
  };
  return {
    error: (m, f) => log('error', m, f),
    warn: (m, f) => log('warn', m, f),
    info: (m, f) => log('info', m, f),
    debug: (m, f) => log('debug', m, f),
    trace: (m, f) => log('trace', m, f),
  };
}

export const silentLogger: HostLogger = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };

/** The logger method for a level name from elsewhere (`critical` → error, unknown → info). */
export function logAt(log: HostLogger, level: string): HostLogger['info'] {
  switch (level) {
    case 'critical':
    case 'error':
      return log.error;
    case 'warn':
      return log.warn;
    case 'debug':
      return log.debug;
    case 'trace':
      return log.trace;
    default:
      return log.info;
  }
}
