/**
 * Replies and log lines that carry request input must stay bounded: NATS drops a message over the server's
 * `max_payload` (the caller then only sees a timeout), and echoing a megabyte id into a log line or an
 * error message helps nobody.
 */

/** Longest piece of request input repeated in a message or log line. */
export const ECHO_MAX_CHARS = 512;
/** The NATS default, used when the server did not say. */
export const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/** `text` cut to `max` characters, saying how much was left out. */
export function truncateForEcho(text: string, max = ECHO_MAX_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

const encoder = new TextEncoder();

/**
 * Encodes `reply`; error messages are truncated, and a reply that would still exceed `maxPayload` is replaced
 * by `tooLarge(bytes)` (a short error the caller can act on).
 */
export function encodeBoundedReply(reply: object, maxPayload: number, tooLarge: (bytes: number) => object): Uint8Array {
  const r = reply as { message?: unknown; success?: unknown; result?: unknown };
  const failed = r.success === false || r.result === 'error';
  const shaped =
    failed && typeof r.message === 'string' && r.message.length > ECHO_MAX_CHARS
      ? { ...reply, message: truncateForEcho(r.message) }
      : reply;
  const bytes = encoder.encode(JSON.stringify(shaped));
  // Headroom for the NATS protocol line and headers.
  if (bytes.length <= maxPayload - 1024) return bytes;
  return encoder.encode(JSON.stringify(tooLarge(bytes.length)));
}

/** The connected server's `max_payload` (falls back to the NATS default). */
export function maxPayloadOf(nc: { info?: { max_payload?: number } }): number {
  const n = nc.info?.max_payload;
  return typeof n === 'number' && n > 0 ? n : DEFAULT_MAX_PAYLOAD;
}
