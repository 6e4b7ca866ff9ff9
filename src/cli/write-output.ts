// The module object itself: a test capturing output replaces `fs.writeSync` (test/helpers/run-command.ts), so not a
// named import; and not a default import, which a bundle turns into a copy of every property of node:fs (a getter
// each: ~35 KB of young-generation allocations on every command's start).
const fs = process.getBuiltinModule('node:fs');

/** Descriptors whose output went to their stream after an EAGAIN: later text follows it there, in order. */
const handedOver = new Set<1 | 2>();

/**
 * Writes `text` to stdout (1) or stderr (2) synchronously without touching `process.stdout`/`process.stderr`:
 * Node builds those streams (net/stream modules, ~10M instructions, 2–3 ms) on first access, which is a large part
 * of a short command's start-up. Pipes and files are written synchronously by the streams too, so the bytes and
 * their order are the same. A full non-blocking descriptor (EAGAIN) hands the rest, and every later text for that
 * descriptor, to the stream; a closed pipe (EPIPE) ends the output quietly.
 */
export function writeOutput(fd: 1 | 2, text: string): void {
  const stream = () => (fd === 1 ? process.stdout : process.stderr);
  if (handedOver.has(fd)) {
    stream().write(text);
    return;
  }
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return;
      if (code !== 'EAGAIN') throw err;
      handedOver.add(fd);
      stream().write(bytes.subarray(offset));
      return;
    }
  }
}
