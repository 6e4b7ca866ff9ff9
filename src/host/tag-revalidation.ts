/**
 * Stale-while-revalidate for tag refs: a tag whose last pull is cached starts from those bytes and serves at
 * once, while the pull (one manifest request: tags move) runs behind it. The outcome is applied afterwards:
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
  /** Settles once the registry answered; never rejects. */
  revalidation: Promise<Revalidation>;
}

/**
 * Starts the cached bytes while the pull runs. If the cached bytes fail to start, the pull decides: a moved
 * tag starts what it names now, otherwise the start error stands.
 */
export async function startCachedTag<T>(
  guess: PulledLayer,
  pull: () => Promise<PulledLayer>,
  start: (bytes: Uint8Array) => Promise<T>,
): Promise<CachedTagStart<T>> {
  const pulling = pull();
  const revalidation: Promise<Revalidation> = pulling.then(
    (pulled) => (pulled.layerDigest === guess.layerDigest ? { kind: 'same' } : { kind: 'moved', pulled }),
    (error: unknown) => ({ kind: 'failed', error }),
  );
  try {
    return { started: await start(guess.bytes), revalidation };
  } catch (startError) {
    const outcome = await revalidation;
    if (outcome.kind === 'failed') throw outcome.error;
    if (outcome.kind === 'same') throw startError;
    return { started: await start(outcome.pulled.bytes), revalidation: Promise.resolve({ kind: 'same' }) };
  }
}
