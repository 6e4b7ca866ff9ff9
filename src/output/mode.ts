import { fstatSync } from 'node:fs';

export type OutputMode = 'text' | 'json';

/**
 * `process.stdout.isTTY` (fd 1) or `process.stderr.isTTY` (fd 2) without building the stream when the descriptor
 * cannot be a terminal (Node builds it, net/stream modules included, on first access): a terminal is a character
 * device, so a pipe or a file answers from fstat; a character device (a terminal, /dev/null) asks the stream.
 */
export function isTerminal(fd: 1 | 2): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false; // a closed descriptor: Node's stream for it is no TTY either
  }
  return Boolean((fd === 1 ? process.stdout : process.stderr).isTTY);
}

/** Colour only for people: a TTY on stdout and no NO_COLOR. */
export function colorEnabled(): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return isTerminal(1);
}

/** Spinners only in text mode, on an interactive stderr, and never in CI logs. */
export function spinnerEnabled(mode: OutputMode): boolean {
  return mode === 'text' && isTerminal(2) && !process.env.CI;
}
