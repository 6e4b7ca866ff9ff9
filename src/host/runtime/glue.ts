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
 * `sync-host-calls-without-tasks` (see directSyncHostCalls) takes jco's component-model-async bookkeeping off
 * synchronous host calls; it is all-or-nothing for a given glue file.
 *
 * A pattern that is not found is reported
 * (so a jco upgrade that changes it is noticed) but is not an error.
 */
import { rethrowAsyncImportErrors } from '../../wrpc/jspi-glue.js';

export interface GluePatchResult {
  source: string;
  applied: string[];
  missed: string[];
}

const PATCHES: { name: string; pattern: RegExp; replacement: string }[] = [
  {
    name: 'debug-log-noop',
    pattern:
      /const _debugLog = \(\.\.\.args\) => \{\s*if \(!globalThis\?\.process\?\.env\?\.JCO_DEBUG\) \{ return; \}\s*console\.debug\(\.\.\.args\);\s*\};/,
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
    // Lifting a list<u8> copied it with `memory.buffer.slice(…)`, which allocates a separate ArrayBuffer backing
    // store (malloc, plus GC bookkeeping): 400–600 ns for a 10–20 byte header value. Copying through a view
    // gives the same fresh, exactly sized Uint8Array in ~65 ns (small ones live on the V8 heap), and an
    // out-of-bounds list traps instead of being silently cut short.
    name: 'list-u8-copy-without-buffer-slice',
    pattern: /new Uint8Array\((memory\d+)\.buffer\.slice\((\w+), \2 \+ (\w+) \* 1\)\)/g,
    replacement: 'new Uint8Array(new Uint8Array($1.buffer, $2, $3))',
  },
  {
    name: 'promising-without-throw',
    pattern: /WebAssembly\.promising\(/g,
    replacement: '_washPromising(',
  },
];

/**
 * Every synchronous host import goes through `_lowerImportBackwardsCompat`, which creates a subtask (a
 * Waitable, a handle-table entry, closures), and then through its `_trampolineN`, which creates a host
 * AsyncTask (two promises, handlers, a resource scope), enters it, runs the host function inside
 * `_withGlobalCurrentTaskMeta`, resolves the task (which resolves the subtask, whose result the lowering
 * returns) and exits it. For a sync-lowered, sync-typed import called from a sync export none of that can
 * be observed: the trampoline's return value *is* the subtask result, the host task has no borrows, and
 * nothing waits on either. That bookkeeping was ~35 % of the minimal component's request time, plus most
 * of its garbage.
 *
 * The rewrite: the lowering calls the trampoline directly when the call is sync on both sides (checked at
 * run time on the same flags jco checks); each host trampoline uses a shared inert task instead of
 * creating one and calls the host function without the task-meta wrapper. What stays: the may-leave
 * check, trap marking (`markTrapped`) and the `result` error mapping, `_trackHostOperation`, all
 * lifting/lowering and resource-table code.
 *
 * The two halves depend on each other (a patched lowering with an unpatched trampoline would miss the
 * subtask the trampoline looks for), so the rewrite applies only if every host trampoline matches, the
 * lowering matches, and every lowered import goes through `_lowerImportBackwardsCompat`; else nothing.
 */
const HOST_TASK_BLOCK = new RegExp(
  [
    String.raw`const hostProvided = true;\s*let parentTask;\s*let task;\s*let subtask;\s*`,
    String.raw`const createTask = \(\) => \{\s*const results = createNewCurrentTask\(\{\s*componentIdx: -1,\s*isAsync: false,[^{}]*?\}\);\s*task = results\[0\];\s*\};\s*`,
    String.raw`taskCreation: \{\s*parentTask = getCurrentTask\(\s*\d+,\s*_getGlobalCurrentTaskMeta\(\d+\)\?\.taskID,\s*\)\?\.task;\s*`,
    String.raw`if \(!parentTask\) \{\s*createTask\(\);\s*break taskCreation;\s*\}\s*createTask\(\);\s*`,
    String.raw`if \(hostProvided\) \{\s*subtask = parentTask\.getLatestSubtask\(\);\s*if \(!subtask\) \{\s*throw new Error\(` +
      '`[^`]*`' +
      String.raw`\);\s*\}\s*task\.setParentSubtask\(subtask\);\s*\}\s*\}\s*`,
    String.raw`const started = task\.enterSync\(\);`,
  ].join(''),
);
const HOST_CALL_WRAPPER =
  /_withGlobalCurrentTaskMeta\(\{\s*componentIdx: task\.componentIdx\(\),\s*taskID: task\.id\(\),\s*fn: \(\) => (_trackHostOperation\(\(\) => [^\n]*\)),\s*\}\)/;
/** The same for JSPI host trampolines: entered with `await task.enter(...)`, host call through the async wrapper. */
const ASYNC_HOST_TASK_BLOCK = new RegExp(
  HOST_TASK_BLOCK.source.replace(
    String.raw`const started = task\.enterSync\(\);`,
    String.raw`const started = await task\.enter\(\{ isHost: hostProvided \}\);`,
  ),
);
const COMPLETION_ON_TRAP = /(task\.exit\(\);\s*)return task\.completionPromise\(\);/g;
const ASYNC_HOST_CALL_WRAPPER =
  /_withGlobalCurrentTaskMetaAsync\(\{\s*componentIdx: task\.componentIdx\(\),\s*taskID: task\.id\(\),\s*fn: \(\) => (_trackHostOperation\(\(\) => [^\n]*\)),\s*\}\)/;
const TRAMPOLINE = /const (_trampoline\d+) = function\([^)]*\) \{[\s\S]*?\n\s*\1\.fnName = /g;
const ASYNC_TRAMPOLINE = /const (_trampoline\d+) = async function\([^)]*\) \{[\s\S]*?\n\s*\1\.fnName = /g;
const LOWER_SYNC_ENTRY =
  /(function _lowerImportBackwardsCompat\([^)]*\) \{[\s\S]{0,600}?const \{([^}]*)\} = args;\s*_checkMayLeave\(componentIdx\);)/;
const LOWER_NEEDS = ['isAsync', 'isManualAsync', 'funcTypeIsAsync', 'importFn', 'componentIdx'];
/** Methods the patched trampolines may still call on their task. */
const INERT_TASK_METHODS = new Set([
  'resolve',
  'exit',
  'reject',
  'setErrored',
  'id',
  'componentIdx',
  'getParentSubtask',
]);
const INERT_TASK =
  'const _washHostTask = Object.freeze({ resolve() {}, exit() {}, reject() {}, setErrored() {}, id() { return 0; }, ' +
  'componentIdx() { return -1; }, getParentSubtask() { return undefined; } });\n';
// A JSPI host import (isManualAsync) returns the trampoline's promise to `_suspendingImport`, which awaits it.
const DIRECT_SYNC_CALL = '\n    if (!isAsync && !funcTypeIsAsync) { return importFn(...params); }';

/**
 * The direct path still paid for `_lowerImportBackwardsCompat` itself on every host call: a rest-parameter
 * array, a spread, and a 15-field destructuring of its bound options. A sync-typed import is bound instead to
 * a fixed-arity function doing exactly what the direct path does (may-leave check, then the trampoline);
 * anything else keeps jco's lowering. Trampolines take named flat parameters, so surplus undefined arguments
 * are ignored.
 */
const LOWER_BIND = '_lowerImportBackwardsCompat.bind(';
const LOWER_DEFINITION = 'function _lowerImportBackwardsCompat(';
const WASH_LOWER_IMPORT = `function _washLowerImport(thisArg, args) {
    const { isAsync, funcTypeIsAsync, importFn, componentIdx } = args;
    if (isAsync || funcTypeIsAsync || typeof importFn !== 'function' || importFn.length > 10)
      return _lowerImportBackwardsCompat.bind(thisArg, args);
    return function (a0, a1, a2, a3, a4, a5, a6, a7, a8, a9) {
      _checkMayLeave(componentIdx);
      return importFn(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
    };
  }`;

/** The rewrite described above, or undefined when any part of the glue does not match. */
export function directSyncHostCalls(source: string): string | undefined {
  const count = (needle: string): number => source.split(needle).length - 1;
  const hostTrampolines = count('const hostProvided = true;');
  const lowerings = count('_lowerImportBackwardsCompat.bind(');
  if (hostTrampolines === 0 || lowerings === 0 || count('importFn: ') !== lowerings) return undefined;
  const lower = LOWER_SYNC_ENTRY.exec(source);
  if (!lower?.[1].includes('params') || !LOWER_NEEDS.every((name) => new RegExp(`\\b${name}\\b`).test(lower[2])))
    return undefined;
  let patched = 0;
  let failed = false;
  const rewrite = (body: string, block: RegExp, wrapper: RegExp, replacement: string): string => {
    if (!body.includes('const hostProvided = true;')) return body;
    // A trap in an async host call settles the (inert) task's completion promise with the error: rethrow it.
    const next = body.replace(block, replacement).replace(wrapper, '$1').replace(COMPLETION_ON_TRAP, '$1throw err;');
    const methods = [...next.matchAll(/\btask\.(\w+)/g)].map((m) => m[1]);
    if (
      next.includes('hostProvided') ||
      next.includes('_withGlobalCurrentTaskMeta') ||
      methods.some((m) => !INERT_TASK_METHODS.has(m))
    ) {
      failed = true;
      return body;
    }
    patched++;
    return next;
  };
  const out = source
    .replace(TRAMPOLINE, (body) => rewrite(body, HOST_TASK_BLOCK, HOST_CALL_WRAPPER, 'const task = _washHostTask;'))
    .replace(ASYNC_TRAMPOLINE, (body) =>
      rewrite(
        body,
        ASYNC_HOST_TASK_BLOCK,
        ASYNC_HOST_CALL_WRAPPER,
        'const task = _washHostTask;\n    const started = true;',
      ),
    );
  if (failed || patched !== hostTrampolines) return undefined;
  const lowered = out.replace(LOWER_SYNC_ENTRY, (match) => match + DIRECT_SYNC_CALL);
  const bound = lowered.split(LOWER_BIND).length - 1;
  if (bound !== lowerings || !lowered.includes(LOWER_DEFINITION)) return INERT_TASK + lowered;
  return (
    INERT_TASK +
    lowered
      .replaceAll(LOWER_BIND, '_washLowerImport(')
      .replace(LOWER_DEFINITION, `${WASH_LOWER_IMPORT}\n  ${LOWER_DEFINITION}`)
  );
}

/**
 * The export side of the same bookkeeping: every call of a synchronous export creates an AsyncTask (promises,
 * handle scope, task-id lists), takes the instance's exclusive lock and wraps the core call in two task-meta
 * closures — about a quarter of the garbage of a minimal HTTP request. In glue without JSPI whose host calls
 * all go through the direct path above, nothing reads that task during the call (sync entry never waits
 * for the lock), so sync exports use a shared inert task and call the core function directly. Trap marking,
 * the may-enter / trapped checks, resource lifting/lowering and post-return stay. Applied per export only
 * when its task block matches and it calls nothing on the task beyond the inert set.
 */
const EXPORT_TASK_BLOCK =
  /const \[task, _wasm_call_currentTaskID\] = createNewCurrentTask\(\{[^{}]*?callingWasmExport: true,\s*\}\);\s*task\.setCalleeIsAsync\(false\);\s*const started = task\.enterSync\(\);\s*CURRENT_TASK_MAY_BLOCK\.value = task\.mayBlock\(\) \? 1 : 0;/;
/** A sync export wrapper's head; its body ends at the first closing brace at the same indentation. */
const SYNC_EXPORT_HEAD = /\n( {2,})function [\w$]+\([^)]*\) \{\n\s*const hostProvided = false;/g;
const INERT_EXPORT_TASK_METHODS = new Set([
  ...INERT_TASK_METHODS,
  'isResolvedState',
  'isExited',
  'setReturnMemoryIdx',
  'setReturnMemory',
]);
const INERT_EXPORT_TASK =
  'const _washExportTask = Object.freeze({ resolve() {}, exit() {}, reject() {}, setErrored() {}, id() { return 0; }, ' +
  'componentIdx() { return 0; }, getParentSubtask() { return undefined; }, isResolvedState() { return false; }, ' +
  'isExited() { return true; }, setReturnMemoryIdx() {}, setReturnMemory() {} });\n' +
  'const _washDirect = (args) => args.fn();\n';

/** Sync exports without a task (see above); `source` must already have its host calls made direct. */
export function directSyncExports(source: string): { source: string; patched: number } {
  let patched = 0;
  let out = '';
  let done = 0;
  for (const head of source.matchAll(SYNC_EXPORT_HEAD)) {
    const start = head.index;
    if (start < done) continue;
    const close = `\n${head[1]}}\n`;
    const end = source.indexOf(close, start + head[0].length);
    if (end < 0) continue;
    const body = source.slice(start, end + close.length);
    out += source.slice(done, start);
    done = end + close.length;
    if (!EXPORT_TASK_BLOCK.test(body) || body.includes('await ')) {
      out += body;
      continue;
    }
    const next = body
      .replace(EXPORT_TASK_BLOCK, 'const task = _washExportTask;\n    CURRENT_TASK_MAY_BLOCK.value = 0;')
      .replaceAll('_withGlobalCurrentTaskMeta(', '_washDirect(');
    const methods = [...next.matchAll(/\btask\.(\w+)/g)].map((m) => m[1]);
    if (
      methods.some((m) => !INERT_EXPORT_TASK_METHODS.has(m)) ||
      /\b(?:createNewCurrentTask|getCurrentTask)\(/.test(next)
    ) {
      out += body;
      continue;
    }
    out += next;
    patched++;
  }
  out += source.slice(done);
  return patched === 0 ? { source, patched } : { source: INERT_EXPORT_TASK + out, patched };
}

const PRELUDE =
  "const _washPromising = typeof WebAssembly.promising === 'function' ? WebAssembly.promising : (fn) => fn;\n";

export function patchGlue(source: string, opts: { jspi?: boolean } = {}): GluePatchResult {
  const applied: string[] = [];
  const missed: string[] = [];
  let out = source;
  if (opts.jspi) {
    // A correctness fix (without it an async import that throws leaves the guest call hanging), so it is
    // applied first and even under JCO_DEBUG, which skips the optimisations below.
    const rethrown = rethrowAsyncImportErrors(out);
    out = rethrown.source;
    (rethrown.patched > 0 ? applied : missed).push('rethrow-async-import-errors');
  }
  if (process.env.JCO_DEBUG) return { source: out, applied, missed };
  for (const patch of PATCHES) {
    patch.pattern.lastIndex = 0;
    if (patch.pattern.test(out)) {
      out = out.replace(patch.pattern, patch.replacement);
      applied.push(patch.name);
    } else {
      missed.push(patch.name);
    }
  }
  const direct = directSyncHostCalls(out);
  if (direct === undefined) missed.push('sync-host-calls-without-tasks');
  else {
    out = direct;
    applied.push('sync-host-calls-without-tasks');
    // p3 async-typed imports still take jco's lowering, which looks up the current task: keep the tasks then.
    if (!opts.jspi && !out.includes('funcTypeIsAsync: true')) {
      const exports = directSyncExports(out);
      out = exports.source;
      (exports.patched > 0 ? applied : missed).push('sync-exports-without-tasks');
    }
  }
  if (applied.includes('promising-without-throw')) out = PRELUDE + out;
  return { source: out, applied, missed };
}
