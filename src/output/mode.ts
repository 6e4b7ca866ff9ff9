export type OutputMode = 'text' | 'json';

/** Colour only for people: a TTY on stderr/stdout and no NO_COLOR. */
export function colorEnabled(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

/** Spinners only in text mode, on an interactive stderr, and never in CI logs. */
export function spinnerEnabled(mode: OutputMode): boolean {
  return mode === 'text' && Boolean(process.stderr.isTTY) && !process.env.CI;
}
