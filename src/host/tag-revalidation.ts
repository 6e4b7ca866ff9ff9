/**
 * Stale-while-revalidate for tag refs: a tag whose last pull is cached starts from those bytes and serves at
 * once; the pull (one manifest request: tags move) runs behind it. The outcome is applied afterwards:
 * same layer → nothing; moved → the caller swaps in the new bytes; failed → a warning, the cached start keeps
 * serving. Digest refs and uncached tags never come here (they wait for the registry, strictly).
 */
export interface PulledLayer {
  bytes: Uint8Array;
  layerDigest: string;
}

export type Revalidation =
  | { kind: 'same' }
  | { kind: 'moved'; pulled: PulledLayer }
  | { kind: 'failed'; error: unknown };

export interface CachedTagStart<T> {
  started: T;
  /**
   * Sends the pull and settles with the registry's answer (never rejects). Called once the start is routed, so
   * the request's own work (first HTTP use in a fresh process) is not on the start's path.
   */
  revalidate: () => Promise<Revalidation>;
}

/**
 * Starts the cached bytes; the pull is left to `revalidate`. If the cached bytes fail to start, the pull
 * decides at once: a moved tag starts what it names now, otherwise the start error stands.
 */
export async function startCachedTag<T>(
  guess: PulledLayer,
  pull: () => Promise<PulledLayer>,
  start: (bytes: Uint8Array) => Promise<T>,
): Promise<CachedTagStart<T>> {
  let started: T;
  try {
    started = await start(guess.bytes);
  } catch (startError) {
    const pulled = await pull();
    if (pulled.layerDigest === guess.layerDigest) throw startError;
    return { started: await start(pulled.bytes), revalidate: async () => ({ kind: 'same' }) };
  }
  const revalidate = (): Promise<Revalidation> =>
    pull().then(
      (pulled) => (pulled.layerDigest === guess.layerDigest ? { kind: 'same' } : { kind: 'moved', pulled }),
      (error: unknown) => ({ kind: 'failed', error }),
    );
  return { started, revalidate };
}
