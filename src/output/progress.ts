import type { OutputMode } from './mode.js';
import { spinnerEnabled } from './mode.js';

export interface Progress {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

const silent: Progress = { update() {}, succeed() {}, fail() {}, stop() {} };

/**
 * A spinner on stderr for people; a no-op in JSON mode, when piped and in CI. ora is loaded lazily so
 * commands that never spin do not pay for it at start-up.
 */
export async function startProgress(mode: OutputMode, text: string): Promise<Progress> {
  if (!spinnerEnabled(mode)) return silent;
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream: process.stderr }).start();
  return {
    update: (t) => {
      spinner.text = t;
    },
    succeed: (t) => {
      spinner.succeed(t);
    },
    fail: (t) => {
      spinner.fail(t);
    },
    stop: () => {
      spinner.stop();
    },
  };
}
