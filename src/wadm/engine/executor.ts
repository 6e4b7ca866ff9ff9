/**
 * The only place a command becomes a control-interface call (wadm.md §4.2), plus a small bounded queue so a
 * burst of thousands of commands does not open thousands of requests at once.
 */
import type { CtlClient } from '../../lattice/ctl-client.js';
import { assertNever, type Command } from './commands.js';
import { APPSPEC_KEY, MANAGED_BY_KEY, MANAGED_BY_VALUE } from './constants.js';

/** Runs one command; resolves when the host accepted it, rejects with the reason otherwise. */
export type CommandRunner = (cmd: Command) => Promise<void>;

/** Managed annotations always win over what a scaler put (as wadm's command worker does). */
function withManaged(annotations: Record<string, string>, modelName: string): Record<string, string> {
  return { ...annotations, [MANAGED_BY_KEY]: MANAGED_BY_VALUE, [APPSPEC_KEY]: modelName };
}

export function ctlCommandRunner(ctl: CtlClient): CommandRunner {
  return async (cmd) => {
    switch (cmd.type) {
      case 'ScaleComponent':
        await ctl.scaleComponent({
          component_ref: cmd.reference,
          component_id: cmd.componentId,
          annotations: withManaged(cmd.annotations, cmd.modelName),
          count: cmd.count,
          host_id: cmd.hostId,
          config: cmd.config,
          allow_update: false,
        });
        return;
      case 'UpdateComponent':
        await ctl.updateComponent({
          host_id: cmd.hostId,
          component_id: cmd.componentId,
          new_component_ref: cmd.reference,
          annotations: withManaged(cmd.annotations, cmd.modelName),
        });
        return;
      case 'StartProvider':
        await ctl.startProvider({
          provider_id: cmd.providerId,
          provider_ref: cmd.reference,
          host_id: cmd.hostId,
          config: cmd.config,
          annotations: withManaged(cmd.annotations, cmd.modelName),
        });
        return;
      case 'StopProvider':
        await ctl.stopProvider({ host_id: cmd.hostId, provider_id: cmd.providerId });
        return;
      case 'PutLink':
        await ctl.putLink(cmd.link);
        return;
      case 'DeleteLink':
        await ctl.deleteLink({
          source_id: cmd.sourceId,
          name: cmd.name,
          wit_namespace: cmd.namespace,
          wit_package: cmd.package,
        });
        return;
      case 'PutConfig':
        await ctl.putConfig(cmd.name, cmd.values);
        return;
      case 'DeleteConfig':
        await ctl.deleteConfig(cmd.name);
        return;
      default:
        assertNever(cmd);
    }
  };
}

/**
 * Runs tasks with at most `limit` in flight; `idle()` resolves when nothing is queued or running. Slots freed
 * by tasks finishing are refilled once per event-loop turn (`setImmediate`), so the requests started then go
 * out in one socket write instead of one write per reply (a tenth of the engine's CPU at 20k commands).
 */
export class BoundedQueue {
  private running = 0;
  /** Tasks not started yet are `waiting[head…]` (Array.shift is linear on a queue thousands deep). */
  private waiting: ((() => Promise<void>) | undefined)[] = [];
  private head = 0;
  private idleWaiters: (() => void)[] = [];
  private refill?: NodeJS.Immediate;

  constructor(private readonly limit: number) {}

  push(task: () => Promise<void>): void {
    this.waiting.push(task);
    this.pump();
  }

  get size(): number {
    return this.running + this.waiting.length - this.head;
  }

  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running < this.limit && this.head < this.waiting.length) {
      const task = this.waiting[this.head]!;
      this.waiting[this.head++] = undefined;
      if (this.head === this.waiting.length || this.head > 4096) {
        this.waiting = this.waiting.slice(this.head);
        this.head = 0;
      }
      this.running += 1;
      void task()
        .catch(() => {})
        .finally(() => {
          this.running -= 1;
          if (this.head < this.waiting.length)
            this.refill ??= setImmediate(() => {
              this.refill = undefined;
              this.pump();
            });
          if (this.size === 0) {
            const w = this.idleWaiters;
            this.idleWaiters = [];
            for (const f of w) f();
          }
        });
    }
  }
}
