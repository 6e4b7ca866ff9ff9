/**
 * A warm start of a tag ref without waiting for the registry: the component is started from the cached bytes
 * the tag named when last pulled while the pull (one manifest request) confirms the tag still names them. The
 * result is used only once the pull agrees; a moved tag starts what it names now, a failed pull fails the start.
 * Nothing routes to a started component before the caller records it, so a discarded start is never seen.
 */
export interface SpeculativeStart<T> {
  /** Cached bytes and their digest, from `OciFetcher.guess`. */
  guess: { bytes: Uint8Array; layerDigest: string };
  /** The authoritative pull, sent first: its wait is the registry's, the start's work is this process's. */
  pull: () => Promise<{ bytes: Uint8Array; layerDigest: string }>;
  start: (bytes: Uint8Array) => Promise<T>;
  /** Stops a start that turned out not to be wanted. */
  discard: (started: T) => Promise<void>;
  /** Called when the tag names other bytes than the cached guess. */
  moved?: (layerDigest: string) => void;
}

export async function startSpeculatively<T>(s: SpeculativeStart<T>): Promise<T> {
  const pulling = s.pull();
  const [started, pulled] = await Promise.allSettled([s.start(s.guess.bytes), pulling]);
  if (pulled.status === 'rejected') {
    if (started.status === 'fulfilled') await s.discard(started.value);
    throw pulled.reason;
  }
  if (pulled.value.layerDigest === s.guess.layerDigest) {
    if (started.status === 'rejected') throw started.reason;
    return started.value;
  }
  if (started.status === 'fulfilled') await s.discard(started.value);
  s.moved?.(pulled.value.layerDigest);
  return s.start(pulled.value.bytes);
}
