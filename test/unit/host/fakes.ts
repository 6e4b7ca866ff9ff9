import type { LatticeEventDataMap, LatticeEventName } from '../../../src/lattice/events.js';
import type { EventSink } from '../../../src/host/event-publisher.js';
import type {
  ComponentRuntimeLike,
  HttpIngressLike,
  RunningComponentLike,
  StartComponentOptions,
} from '../../../src/host/runtime-port.js';

export class RecordingEvents implements EventSink {
  readonly events: Array<{ name: LatticeEventName; data: Record<string, unknown> }> = [];
  publish<N extends LatticeEventName>(name: N, data: LatticeEventDataMap[N]): void {
    this.events.push({ name, data: data as unknown as Record<string, unknown> });
  }
  named(name: LatticeEventName) {
    return this.events.filter((e) => e.name === name).map((e) => e.data);
  }
}

export class FakeRunning implements RunningComponentLike {
  stopped = false;
  constructor(
    readonly componentId: string,
    readonly digest: string,
    public maxInstances: number,
    readonly opts: StartComponentOptions,
  ) {}
  async handleHttp(): Promise<void> {}
  setMaxInstances(n: number): void {
    this.maxInstances = n;
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }
}

/** "Loads" any bytes; the digest is the text content, so tests can tell files apart. Fails on text `fail`. */
export class FakeRuntime implements ComponentRuntimeLike {
  readonly started: FakeRunning[] = [];
  async load(bytes: Uint8Array) {
    const text = new TextDecoder().decode(bytes).trim();
    if (text === 'fail') throw new Error('not a component', { cause: new Error('bad magic') });
    return { digest: text };
  }
  async start(c: { digest: string }, opts: StartComponentOptions) {
    const r = new FakeRunning(opts.componentId, c.digest, opts.maxInstances, opts);
    this.started.push(r);
    return r;
  }
  close(): void {}
}

export class FakeIngress implements HttpIngressLike {
  readonly routes = new Map<string, () => RunningComponentLike | undefined>();
  readonly busy = new Set<string>();
  async listen(address: string) {
    if (this.busy.has(address)) throw new Error(`address ${address} is already in use`);
    this.busy.add(address);
  }
  route(address: string, target: () => RunningComponentLike | undefined) {
    this.routes.set(address, target);
  }
  async unroute(address: string) {
    this.routes.delete(address);
    this.busy.delete(address);
  }
  close(): void {}
}
