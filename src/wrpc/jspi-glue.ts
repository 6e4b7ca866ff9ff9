/**
 * jco 1.35's JSPI glue (asyncMode 'jspi') answers an async host import that throws with
 * `return task.completionPromise()`, a promise that never settles: the guest call hangs instead of trapping.
 * Rethrowing lets JSPI raise the error inside the guest, which unwinds it (a trap), and the export's promise
 * rejects with the error. wRPC-backed imports fail whenever the callee is gone or slow, so the runtime must
 * apply this to JSPI glue (verified by test/integration/wrpc/component-wrpc.test.ts). Returns the glue and
 * how many sites were patched (0: jco changed; the hang may be back).
 */
export function rethrowAsyncImportErrors(glue: string): { source: string; patched: number } {
  let patched = 0;
  const source = glue.replace(/task\.reject\(err\);\s*task\.exit\(\);\s*return task\.completionPromise\(\);/g, () => {
    patched++;
    return 'task.reject(err);\n        task.exit();\n        throw err;';
  });
  return { source, patched };
}
