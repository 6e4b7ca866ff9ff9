/** The `--watch` modes of the CLI: a loop that ends on Ctrl+C, and redrawing the terminal. */

/** Runs `tick` until Ctrl+C (SIGINT), sleeping `intervalMs` between calls or until `wake` is called. */
export async function untilInterrupted(intervalMs: number, tick: (wake: () => void) => Promise<void>): Promise<void> {
  let stopped = false;
  let wake: () => void = () => {};
  const onSigint = () => {
    stopped = true;
    wake();
  };
  process.once('SIGINT', onSigint);
  try {
    while (!stopped) {
      await tick(() => wake());
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

/** Clears the terminal and draws `text` (watch modes). */
export function redraw(text: string): void {
  process.stdout.write('\u001b[2J\u001b[H' + text);
}
