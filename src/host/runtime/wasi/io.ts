/**
 * wasi:io 0.2 host objects (error, poll, streams), in process and synchronous.
 *
 * A guest waits on three kinds of pollable: ready at once (buffered request bodies, response bodies
 * collected in memory, stdout), a clock deadline (block() sleeps with Atomics.wait), or network I/O
 * (`Pollable.fromPromise`, e.g. an outgoing HTTP response). Only components whose glue makes
 * `wasi:io/poll` asynchronous (JSPI, see async-plan.ts) ever hold the last kind; for them `block()` and
 * `poll()` return a promise, and the guest is suspended until it settles.
 */
import { currentDeadline, ExecutionTimeout } from './deadline.js';

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the calling thread for `ms` milliseconds (no event loop turns). */
export function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(sleepCell, 0, 0, ms);
}

export function monotonicNowNs(): bigint {
  return process.hrtime.bigint();
}

/** wasi:io/error.error: an opaque error with a debug string. */
export class IoError {
  readonly #message: string;
  constructor(message: string) {
    this.#message = message;
  }
  toDebugString(): string {
    return this.#message;
  }
}

/** wasi:io/poll.pollable. `deadlineNs` undefined and no check = always ready. */
export class Pollable {
  readonly #deadlineNs: bigint | undefined;
  readonly #check: (() => boolean) | undefined;
  #settles: Promise<unknown> | undefined;
  constructor(deadlineNs?: bigint, check?: () => boolean) {
    this.#deadlineNs = deadlineNs;
    this.#check = check;
  }
  static fromCheck(check: () => boolean): Pollable {
    return new Pollable(undefined, check);
  }
  /** Ready when `settles` settles (`check` says whether it has). */
  static fromPromise(settles: Promise<unknown>, check: () => boolean): Pollable {
    const pollable = new Pollable(undefined, check);
    pollable.#settles = settles;
    return pollable;
  }
  static settlesOf(pollable: Pollable): Promise<unknown> | undefined {
    return pollable.#settles;
  }
  ready(): boolean {
    if (this.#check) return this.#check();
    return this.#deadlineNs === undefined || monotonicNowNs() >= this.#deadlineNs;
  }
  block(): void | Promise<void> {
    if (this.#settles && !this.ready()) return waitAsync([this]);
    blockUntilAnyReady([this]);
  }
  /** Nanoseconds until ready for a clock pollable, 0 if ready, undefined if it cannot be predicted. */
  waitHintNs(): bigint | undefined {
    if (this.#check) return this.#check() ? 0n : undefined;
    if (this.#deadlineNs === undefined) return 0n;
    const left = this.#deadlineNs - monotonicNowNs();
    return left > 0n ? left : 0n;
  }
}

export const READY = new Pollable();

function blockUntilAnyReady(list: Pollable[]): void {
  for (;;) {
    let shortest: bigint | undefined;
    for (const p of list) {
      const hint = p.waitHintNs();
      if (hint === 0n) return;
      if (hint !== undefined && (shortest === undefined || hint < shortest)) shortest = hint;
    }
    const deadline = currentDeadline();
    const now = Date.now();
    if (deadline !== undefined && now >= deadline) throw new ExecutionTimeout();
    // Nothing predictable to wait for (a check-based pollable): re-check every millisecond.
    let ms = shortest === undefined ? 1 : Math.ceil(Number(shortest) / 1e6);
    if (deadline !== undefined) ms = Math.min(ms, deadline - now);
    sleepSync(Math.max(ms, 0));
  }
}

/** Waits for a promise-backed pollable to settle, or for the nearest clock deadline among the others. */
async function waitAsync(list: Pollable[]): Promise<void> {
  const waits: Promise<unknown>[] = [];
  let shortest: bigint | undefined;
  for (const p of list) {
    const settles = Pollable.settlesOf(p);
    if (settles) waits.push(settles);
    else {
      const hint = p.waitHintNs();
      if (hint !== undefined && (shortest === undefined || hint < shortest)) shortest = hint;
    }
  }
  let timer: NodeJS.Timeout | undefined;
  if (shortest !== undefined)
    waits.push(
      new Promise((resolve) => {
        timer = setTimeout(resolve, Math.ceil(Number(shortest) / 1e6));
      }),
    );
  try {
    await Promise.race(waits);
  } finally {
    clearTimeout(timer);
  }
}

function readyIndexes(list: Pollable[]): Uint32Array | undefined {
  const ready: number[] = [];
  for (let i = 0; i < list.length; i++) if (list[i].ready()) ready.push(i);
  return ready.length > 0 ? Uint32Array.from(ready) : undefined;
}

export function poll(list: Pollable[]): Uint32Array | Promise<Uint32Array> {
  if (list.length === 0) throw new Error('wasi:io/poll.poll called with an empty list');
  if (list.some((p) => Pollable.settlesOf(p) !== undefined)) {
    const now = readyIndexes(list);
    if (now) return now;
    return (async () => {
      for (;;) {
        await waitAsync(list);
        const ready = readyIndexes(list);
        if (ready) return ready;
      }
    })();
  }
  for (;;) {
    const ready: number[] = [];
    for (let i = 0; i < list.length; i++) if (list[i].ready()) ready.push(i);
    if (ready.length > 0) return Uint32Array.from(ready);
    blockUntilAnyReady(list);
  }
}

const CLOSED = { tag: 'closed' } as const;

/** wasi:io/streams.input-stream over an in-memory byte source. */
export class InputStream {
  #chunks: Uint8Array[];
  constructor(chunks: Uint8Array[]) {
    this.#chunks = chunks.filter((c) => c.length > 0);
  }
  read(len: bigint): Uint8Array {
    const first = this.#chunks[0];
    if (first === undefined) throw CLOSED;
    const max = Number(len);
    if (max === 0) return new Uint8Array(0);
    if (first.length <= max) {
      this.#chunks.shift();
      return first;
    }
    this.#chunks[0] = first.subarray(max);
    return first.subarray(0, max);
  }
  blockingRead(len: bigint): Uint8Array {
    return this.read(len);
  }
  skip(len: bigint): bigint {
    return BigInt(this.read(len).length);
  }
  blockingSkip(len: bigint): bigint {
    return this.skip(len);
  }
  subscribe(): Pollable {
    return READY;
  }
}

/** What an output stream writes into. `closed` makes writes fail with stream-error.closed. */
export interface ByteSink {
  write(chunk: Uint8Array): void;
  readonly closed?: boolean;
}

const CHECK_WRITE_BUDGET = 1n << 20n;

/** wasi:io/streams.output-stream; writes go straight to a sink (never blocks). */
export class OutputStream {
  readonly #sink: ByteSink;
  constructor(sink: ByteSink) {
    this.#sink = sink;
  }
  checkWrite(): bigint {
    if (this.#sink.closed) throw CLOSED;
    return CHECK_WRITE_BUDGET;
  }
  write(contents: Uint8Array): void {
    if (this.#sink.closed) throw CLOSED;
    if (contents.length > 0) this.#sink.write(contents);
  }
  blockingWriteAndFlush(contents: Uint8Array): void {
    this.write(contents);
  }
  flush(): void {
    if (this.#sink.closed) throw CLOSED;
  }
  blockingFlush(): void {
    this.flush();
  }
  subscribe(): Pollable {
    return READY;
  }
  writeZeroes(len: bigint): void {
    this.write(new Uint8Array(Number(len)));
  }
  blockingWriteZeroesAndFlush(len: bigint): void {
    this.writeZeroes(len);
  }
  splice(src: InputStream, len: bigint): bigint {
    const chunk = src.read(len);
    this.write(chunk);
    return BigInt(chunk.length);
  }
  blockingSplice(src: InputStream, len: bigint): bigint {
    return this.splice(src, len);
  }
}

export function ioImports(): Record<string, Record<string, unknown>> {
  return {
    'wasi:io/error': { Error: IoError },
    'wasi:io/poll': { Pollable, poll },
    'wasi:io/streams': { InputStream, OutputStream },
  };
}
