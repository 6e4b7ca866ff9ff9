/**
 * Small, checked rewrites of the JS glue jco emits, applied once at transpile time.
 *
 * jco's `_debugLog` reads `process.env.JCO_DEBUG` on every call, and the glue calls it several times per
 * host call; `process.env` reads cross into C++ each time, which showed up in profiles. It becomes a
 * no-op unless JCO_DEBUG is set when the glue is generated. A pattern that is not found is reported
 * (so a jco upgrade that changes it is noticed) but is not an error.
 */
export interface GluePatchResult {
  source: string;
  applied: string[];
  missed: string[];
}

const PATCHES: { name: string; pattern: RegExp; replacement: string }[] = [
  {
    name: 'debug-log-noop',
    pattern: /const _debugLog = \(\.\.\.args\) => \{\s*if \(!globalThis\?\.process\?\.env\?\.JCO_DEBUG\) \{ return; \}\s*console\.debug\(\.\.\.args\);\s*\};/,
    replacement: 'const _debugLog = () => {};',
  },
];

export function patchGlue(source: string): GluePatchResult {
  if (process.env.JCO_DEBUG) return { source, applied: [], missed: [] };
  const applied: string[] = [];
  const missed: string[] = [];
  let out = source;
  for (const patch of PATCHES) {
    if (patch.pattern.test(out)) {
      out = out.replace(patch.pattern, patch.replacement);
      applied.push(patch.name);
    } else {
      missed.push(patch.name);
    }
  }
  return { source: out, applied, missed };
}
