/**
 * Execution deadline of the guest call running on this thread. Guest calls are synchronous, so one
 * module-level slot is enough. Host functions that may wait or that guests call in loops (poll, block,
 * clocks) check it and trap the guest with ExecutionTimeout; a guest spinning without calling the
 * host cannot be interrupted here (see ARCHITECTURE.md, "Component runtime").
 */
let deadline: number | undefined;

export class ExecutionTimeout extends Error {
  override name = 'ExecutionTimeout';
  constructor() {
    super('component exceeded its maximum execution time');
  }
}

export function currentDeadline(): number | undefined {
  return deadline;
}

export function checkDeadline(): void {
  if (deadline !== undefined && Date.now() >= deadline) throw new ExecutionTimeout();
}

/** Runs `fn` with a deadline `budgetMs` from now (no deadline when undefined). */
export function withDeadline<T>(budgetMs: number | undefined, fn: () => T): T {
  const previous = deadline;
  deadline = budgetMs === undefined ? undefined : Date.now() + budgetMs;
  try {
    return fn();
  } finally {
    deadline = previous;
  }
}
