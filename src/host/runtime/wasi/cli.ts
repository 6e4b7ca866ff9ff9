/**
 * wasi:cli, wasi:clocks and wasi:random. Nothing ambient: no environment variables, no arguments,
 * no cwd, empty stdin; stdout/stderr lines go to the runtime's log tagged with the component id;
 * `exit` traps the guest instead of ending the host process.
 */
import { randomFillSync } from 'node:crypto';
import { checkDeadline } from './deadline.js';
import { InputStream, monotonicNowNs, OutputStream, Pollable, type ByteSink } from './io.js';
import type { LogLevel } from '../types.js';

export type Logger = (level: LogLevel, message: string) => void;

/** Splits written bytes into lines; each complete line is logged. */
class LineSink implements ByteSink {
  #pending = '';
  readonly #decoder = new TextDecoder();
  constructor(private readonly emit: (line: string) => void) {}
  write(chunk: Uint8Array): void {
    const text = this.#pending + this.#decoder.decode(chunk, { stream: true });
    const lines = text.split('\n');
    this.#pending = lines.pop() ?? '';
    for (const line of lines) this.emit(line);
    if (this.#pending.length > 16 * 1024) {
      this.emit(this.#pending);
      this.#pending = '';
    }
  }
}

export class TerminalInput {}
export class TerminalOutput {}

export class GuestExit extends Error {
  override name = 'GuestExit';
}

export function cliImports(log: Logger): Record<string, Record<string, unknown>> {
  const stdout = new OutputStream(new LineSink((line) => log('info', line)));
  const stderr = new OutputStream(new LineSink((line) => log('error', line)));
  const exit = (code: number): never => {
    throw new GuestExit(`component called wasi:cli/exit with status ${code}`);
  };
  return {
    'wasi:cli/environment': { getEnvironment: () => [], getArguments: () => [], initialCwd: () => undefined },
    'wasi:cli/exit': {
      exit: (status: { tag: string }) => exit(status.tag === 'ok' ? 0 : 1),
      exitWithCode: (code: number) => exit(code),
    },
    'wasi:cli/stdin': { getStdin: () => new InputStream([]) },
    'wasi:cli/stdout': { getStdout: () => stdout },
    'wasi:cli/stderr': { getStderr: () => stderr },
    'wasi:cli/terminal-input': { TerminalInput },
    'wasi:cli/terminal-output': { TerminalOutput },
    'wasi:cli/terminal-stdin': { getTerminalStdin: () => undefined },
    'wasi:cli/terminal-stdout': { getTerminalStdout: () => undefined },
    'wasi:cli/terminal-stderr': { getTerminalStderr: () => undefined },
  };
}

export function clockAndRandomImports(): Record<string, Record<string, unknown>> {
  const randomBytes = (len: bigint): Uint8Array => randomFillSync(new Uint8Array(Number(len)));
  const randomU64 = (): bigint => new BigUint64Array(randomFillSync(new Uint8Array(8)).buffer)[0];
  return {
    'wasi:clocks/monotonic-clock': {
      now: () => {
        checkDeadline();
        return monotonicNowNs();
      },
      resolution: () => 1n,
      subscribeInstant: (when: bigint) => new Pollable(when),
      subscribeDuration: (duration: bigint) => new Pollable(monotonicNowNs() + duration),
    },
    'wasi:clocks/wall-clock': {
      now: () => {
        const ms = Date.now();
        return { seconds: BigInt(Math.floor(ms / 1000)), nanoseconds: (ms % 1000) * 1_000_000 };
      },
      resolution: () => ({ seconds: 0n, nanoseconds: 1_000_000 }),
    },
    'wasi:random/random': { getRandomBytes: randomBytes, getRandomU64: randomU64 },
    'wasi:random/insecure': { getInsecureRandomBytes: randomBytes, getInsecureRandomU64: randomU64 },
    'wasi:random/insecure-seed': { insecureSeed: () => [randomU64(), randomU64()] },
  };
}
