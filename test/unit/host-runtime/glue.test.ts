import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { directSyncExports, directSyncHostCalls, patchGlue } from '../../../src/host/runtime/glue.js';
import { Fields, OutgoingResponse } from '../../../src/host/runtime/wasi/http.js';

const ALL_PATCHES = [
  'debug-log-noop',
  'lower-import-rest-params',
  'no-created-reps-leak',
  'list-u8-copy-without-buffer-slice',
  'promising-without-throw',
  'sync-host-calls-without-tasks',
];
/** Verbatim jco 1.35 glue for one sync host import, in a harness (see the file's header). */
const SYNC_CALL_SAMPLE = readFileSync(new URL('./fixtures/jco-sync-host-call.js.txt', import.meta.url), 'utf8');

interface SyncCallHarness {
  trampoline2(handle: number, status: number): unknown;
  trapped: unknown[];
}
async function loadHarness(source: string, response: OutgoingResponse, calls: string[]): Promise<SyncCallHarness> {
  const mod = (await import(`data:text/javascript,${encodeURIComponent(source)}`)) as {
    build(env: {
      OutgoingResponse: typeof OutgoingResponse;
      response: OutgoingResponse;
      calls: string[];
    }): SyncCallHarness;
  };
  return mod.build({ OutgoingResponse, response, calls });
}

const SAMPLE = `"use components";
export function instantiate() {
  const _debugLog = (...args) => {
    if (!globalThis?.process?.env?.JCO_DEBUG) { return; }
    console.debug(...args);
  };
  function _lowerImportBackwardsCompat(args) {
    const params = [...arguments].slice(1);
    return params.length;
  }
  function rscTableCreateOwn(table, rep) {
    const free = table[0];
    table._createdReps.add(rep);
    return free;
  }
  try {
    realloc0Async = WebAssembly.promising(exports1.cabi_realloc);
  } catch(err) {
    realloc0Async = exports1.cabi_realloc;
  }
}`;

describe('patchGlue', () => {
  it('applies both patches and keeps the module valid', async () => {
    const { source, applied, missed } = patchGlue(SAMPLE);
    expect(applied).toEqual([
      'debug-log-noop',
      'lower-import-rest-params',
      'no-created-reps-leak',
      'promising-without-throw',
    ]);
    expect(missed).toEqual(['list-u8-copy-without-buffer-slice', 'sync-host-calls-without-tasks']);
    expect(source).toContain('const _debugLog = () => {};');
    expect(source).not.toContain('WebAssembly.promising(exports1');
    expect(source).not.toContain('_createdReps');
    expect(source).toContain('function _lowerImportBackwardsCompat(args, ...params) {');
    const mod = await import(`data:text/javascript,${encodeURIComponent(source)}`);
    expect(typeof mod.instantiate).toBe('function');
  });

  it('reports patterns it did not find instead of failing', () => {
    const { source, applied, missed } = patchGlue('export const x = 1;');
    expect(source).toBe('export const x = 1;');
    expect(applied).toEqual([]);
    expect(missed).toEqual(ALL_PATCHES);
  });
});

describe('list<u8> lifting without ArrayBuffer.slice', () => {
  // The line jco 1.35 emits to lift a list<u8> argument (fields.append's value, stream writes).
  const LIFT = `export function lift(memory0, arg3, arg4) {
    var ptr4 = arg3;
    var len4 = arg4;
    var result4 = new Uint8Array(memory0.buffer.slice(ptr4, ptr4 + len4 * 1));
    return result4;
  }`;
  it('gives the same bytes in a fresh, exactly sized array, and traps on a list outside memory', async () => {
    const { source, applied } = patchGlue(LIFT);
    expect(applied).toContain('list-u8-copy-without-buffer-slice');
    expect(source).not.toContain('.buffer.slice(');
    const { lift } = (await import(`data:text/javascript,${encodeURIComponent(source)}`)) as {
      lift(memory: WebAssembly.Memory, ptr: number, len: number): Uint8Array;
    };
    const memory = new WebAssembly.Memory({ initial: 1 });
    new Uint8Array(memory.buffer).set([1, 2, 3, 4, 5], 100);
    const copy = lift(memory, 101, 3);
    expect([...copy]).toEqual([2, 3, 4]);
    expect(copy.byteOffset).toBe(0);
    expect(copy.buffer.byteLength).toBe(3);
    new Uint8Array(memory.buffer)[102] = 99;
    expect([...copy]).toEqual([2, 3, 4]); // a copy, not a view
    expect(() => lift(memory, 65530, 10)).toThrow(RangeError);
  });
});

describe('sync host calls without task bookkeeping', () => {
  it('the unpatched sample reaches jco task machinery on a sync host call', async () => {
    const calls: string[] = [];
    const response = new OutgoingResponse(new Fields());
    const harness = await loadHarness(SYNC_CALL_SAMPLE, response, calls);
    expect(() => harness.trampoline2(1, 404)).toThrow(/task machinery reached/);
    expect(calls.length).toBeGreaterThan(0);
  });

  it('the patched sample calls the host directly, with the same results and error mapping', async () => {
    const { source, applied, missed } = patchGlue(SYNC_CALL_SAMPLE);
    expect(applied).toContain('sync-host-calls-without-tasks');
    expect(missed).not.toContain('sync-host-calls-without-tasks');
    expect(source).not.toContain("entryFnName: 'setStatusCode'"); // the trampoline's host task is gone
    const calls: string[] = [];
    const response = new OutgoingResponse(new Fields());
    const harness = await loadHarness(source, response, calls);
    expect(harness.trampoline2(1, 404)).toBe(0); // result ok
    expect(OutgoingResponse.statusOf(response)).toBe(404);
    expect(harness.trampoline2(1, 42)).toBe(1); // the host rejected the status: result err, not a trap
    expect(OutgoingResponse.statusOf(response)).toBe(404);
    expect(harness.trapped).toHaveLength(1); // jco still gets to decide whether a thrown value is a trap
    expect(calls).toEqual([]);
  });

  it('the patched lowering still checks may-leave', async () => {
    const source = patchGlue(SYNC_CALL_SAMPLE).source.replace(
      'new Map([[0, { value: 1 }]])',
      'new Map([[0, { value: 0 }]])',
    );
    const harness = await loadHarness(source, new OutgoingResponse(new Fields()), []);
    expect(() => harness.trampoline2(1, 200)).toThrow(/cannot leave component instance/);
  });

  it('is all-or-nothing: one host trampoline that does not match leaves the whole glue unpatched', () => {
    expect(directSyncHostCalls(SYNC_CALL_SAMPLE)).toBeDefined();
    const changedTrampoline = SYNC_CALL_SAMPLE.replace(
      'const started = task.enterSync();',
      'const started = task.enterSyncV2();',
    );
    expect(directSyncHostCalls(changedTrampoline)).toBeUndefined();
    const changedLowering = SYNC_CALL_SAMPLE.replace(
      '_checkMayLeave(componentIdx);',
      '_checkMayLeaveV2(componentIdx);',
    );
    expect(directSyncHostCalls(changedLowering)).toBeUndefined();
    const otherLowering = SYNC_CALL_SAMPLE.replace(
      '_lowerImportBackwardsCompat.bind(\n  null,',
      '_lowerImport.bind(\n  null,',
    );
    expect(otherLowering).not.toBe(SYNC_CALL_SAMPLE);
    expect(directSyncHostCalls(otherLowering)).toBeUndefined();
    const { applied, missed, source } = patchGlue(changedTrampoline);
    expect(applied).not.toContain('sync-host-calls-without-tasks');
    expect(missed).toEqual([
      'no-created-reps-leak',
      'list-u8-copy-without-buffer-slice',
      'promising-without-throw',
      'sync-host-calls-without-tasks',
    ]);
    expect(source).toContain('createNewCurrentTask({');
  });
});

/** Verbatim jco 1.35 glue for one sync export (incoming-handler#handle), in a harness (see the file's header). */
const SYNC_EXPORT_SAMPLE = readFileSync(new URL('./fixtures/jco-sync-export.js.txt', import.meta.url), 'utf8');

interface SyncExportHarness {
  handle(request: unknown, outparam: unknown): unknown;
  trapped: unknown[];
  mayBlock(): number;
}
class IncomingRequest {}
class ResponseOutparam {}
async function loadExportHarness(
  source: string,
  core: (...handles: number[]) => unknown,
  calls: string[],
): Promise<SyncExportHarness> {
  const mod = (await import(`data:text/javascript,${encodeURIComponent(source)}`)) as {
    build(env: object): SyncExportHarness;
  };
  return mod.build({ IncomingRequest, ResponseOutparam, core, calls });
}

describe('sync exports without task bookkeeping', () => {
  it('the unpatched sample creates a jco task on every call', async () => {
    const calls: string[] = [];
    const harness = await loadExportHarness(SYNC_EXPORT_SAMPLE, () => undefined, calls);
    expect(() => harness.handle(new IncomingRequest(), new ResponseOutparam())).toThrow(/task machinery reached/);
    expect(calls).toEqual(['createNewCurrentTask']);
  });

  it('the patched sample lowers the resources and calls the core export directly', async () => {
    const { source, patched } = directSyncExports(SYNC_EXPORT_SAMPLE);
    expect(patched).toBe(1);
    const calls: string[] = [];
    const seen: number[][] = [];
    const harness = await loadExportHarness(source, (...handles) => seen.push(handles), calls);
    harness.handle(new IncomingRequest(), new ResponseOutparam());
    harness.handle(new IncomingRequest(), new ResponseOutparam());
    expect(seen).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(harness.mayBlock()).toBe(0);
    expect(calls).toEqual([]);
  });

  it('a trap in the patched export is still marked and rethrown; a wrong resource is still refused', async () => {
    const trap = new Error('unreachable');
    const harness = await loadExportHarness(directSyncExports(SYNC_EXPORT_SAMPLE).source, () => {
      throw trap;
    }, []);
    expect(() => harness.handle(new IncomingRequest(), new ResponseOutparam())).toThrow('unreachable');
    expect(harness.trapped).toEqual([trap]);
    expect(() => harness.handle({}, new ResponseOutparam())).toThrow(/Not a valid "IncomingRequest" resource/);
  });

  it('leaves an export alone when it uses the task beyond the inert set', () => {
    const other = SYNC_EXPORT_SAMPLE.replace('task.setErrored(err);', 'task.cancel(err);');
    expect(directSyncExports(other)).toEqual({ source: other, patched: 0 });
  });

  it('is applied by patchGlue only to synchronous glue whose host calls were made direct', () => {
    const { applied } = patchGlue(
      SYNC_CALL_SAMPLE + SYNC_EXPORT_SAMPLE.replace('export function build', 'function build2'),
    );
    expect(applied).toContain('sync-exports-without-tasks');
    const jspi = patchGlue(SYNC_CALL_SAMPLE + SYNC_EXPORT_SAMPLE.replace('export function build', 'function build2'), {
      jspi: true,
    });
    expect(jspi.applied).not.toContain('sync-exports-without-tasks');
  });
});
