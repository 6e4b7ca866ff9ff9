/**
 * Small, checked rewrites of the JS glue jco emits, applied once at transpile time.
 *
 * jco's `_debugLog` reads `process.env.JCO_DEBUG` on every call, and the glue calls it several times per
 * host call; `process.env` reads cross into C++ each time, which showed up in profiles. It becomes a
 * no-op unless JCO_DEBUG is set when the glue is generated.
 *
 * Each instantiation tries `WebAssembly.promising(...)` (JSPI) inside try/catch. Node 20 has no JSPI, so
 * it throws, and building that exception inside jco's huge generator function costs V8 ~12 ms (source
 * positions for a 1 MB function) — most of a JS component's instantiation time. The call goes through
 * a helper that falls back to the plain function, exactly what the catch block did.
 *
 * `_lowerImportBackwardsCompat` (run for every host call) copies its arguments with `[...arguments]`,
 * which kept V8 from optimising it (21 % of a minimal component's request time); rest parameters do the
 * same thing optimisably.
 *
 * `rscTableCreateOwn` adds every resource it ever creates to a `_createdReps` Set that nothing reads or
 * empties: a reused instance leaked one entry per host resource per request. The write is removed.
 *
 * A pattern that is not found is reported
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
  {
    name: 'lower-import-rest-params',
    pattern: /function _lowerImportBackwardsCompat\(args\) \{\s*const params = \[\.\.\.arguments\]\.slice\(1\);/,
    replacement: 'function _lowerImportBackwardsCompat(args, ...params) {',
  },
  {
    name: 'no-created-reps-leak',
    pattern: /\n\s*table\._createdReps\.add\(rep\);/,
    replacement: '',
  },
  {
    name: 'promising-without-throw',
    pattern: /WebAssembly\.promising\(/g,
    replacement: '_washPromising(',
  },
];

const PRELUDE = "const _washPromising = typeof WebAssembly.promising === 'function' ? WebAssembly.promising : (fn) => fn;\n";

export function patchGlue(source: string): GluePatchResult {
  if (process.env.JCO_DEBUG) return { source, applied: [], missed: [] };
  const applied: string[] = [];
  const missed: string[] = [];
  let out = source;
  for (const patch of PATCHES) {
    patch.pattern.lastIndex = 0;
    if (patch.pattern.test(out)) {
      out = out.replace(patch.pattern, patch.replacement);
      applied.push(patch.name);
    } else {
      missed.push(patch.name);
    }
  }
  if (applied.includes('promising-without-throw')) out = PRELUDE + out;
  return { source: out, applied, missed };
}
