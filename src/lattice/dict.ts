/**
 * Maps whose keys come from input (labels, config values, ids): no prototype, so a key like `__proto__`,
 * `constructor` or `toString` is an ordinary key instead of being swallowed or shadowing a built-in.
 */
export function dict<V = string>(...sources: Array<Readonly<Record<string, V>> | undefined>): Record<string, V> {
  const out = Object.create(null) as Record<string, V>;
  for (const s of sources) if (s) for (const [k, v] of Object.entries(s)) out[k] = v;
  return out;
}
