/**
 * The per-scaler wrapper (wadm.md §4.3): prerequisites (configs, secrets) first; no new commands while
 * events caused by earlier ones are still expected; a failure event — or a failed control request —
 * holds the scaler in `failed` for 5 s. Time is an argument, so all of it is testable without timers.
 */
import type { LatticeEvent } from '../../lattice/events.js';
import type { StatusInfo } from '../types.js';
import { expectationFor, expectationKey, matchExpectation, type Command, type Expectation } from './commands.js';
import { FAILURE_BACKOFF_MS, UPDATE_EXPECT_MS } from './constants.js';
import {
  expectWindowMs,
  reconcilePrerequisite,
  reconcileScaler,
  type ReconcileContext,
  type ScalerResult,
  type ScalerSpec,
} from './scalers/index.js';
import type { LatticeState } from './state.js';

export interface ScalerRuntime {
  spec: ScalerSpec;
  expected: Expectation[];
  backoff?: { status: StatusInfo; until: number };
  /** Hosts already asked to carry this scaler's annotations (see `ReconcileContext.labelled`). */
  labelled: Set<string>;
}

export function newRuntime(spec: ScalerSpec): ScalerRuntime {
  return { spec, expected: [], labelled: new Set() };
}

function windowFor(spec: ScalerSpec, cmd: Command): number {
  return cmd.type === 'UpdateComponent' ? Math.max(UPDATE_EXPECT_MS, expectWindowMs(spec)) : expectWindowMs(spec);
}

function expect(rt: ScalerRuntime, commands: readonly Command[], now: number): void {
  for (const c of commands) rt.expected.push(expectationFor(c, now, windowFor(rt.spec, c)));
}

/** The prerequisites' verdict: commands to run first, or a status that blocks the scaler. */
function prerequisites(rt: ScalerRuntime, state: LatticeState): { commands: Command[]; blocking?: StatusInfo } {
  const commands: Command[] = [];
  let blocking: StatusInfo | undefined;
  for (const p of rt.spec.prerequisites) {
    const r = reconcilePrerequisite(p, state);
    commands.push(...r.commands);
    if (r.status.type === 'failed') blocking = r.status;
    else if (r.status.type !== 'deployed' && !blocking) blocking = r.status;
  }
  return { commands, blocking };
}

/**
 * One reconcile of a wrapped scaler. Returns the commands to run now (possibly none) and the status to
 * report; commands returned are remembered as expected events.
 */
export function stepScaler(
  rt: ScalerRuntime,
  state: LatticeState,
  appCtx: ReconcileContext,
  now: number,
): ScalerResult {
  const ctx: ReconcileContext = { ...appCtx, labelled: rt.labelled };
  rt.expected = rt.expected.filter((e) => e.deadline > now);
  if (rt.backoff && rt.backoff.until <= now) rt.backoff = undefined;

  if (rt.expected.length > 0 || rt.backoff) {
    // Waiting: report what the lattice looks like now, but do not act on it.
    const dry = reconcileScaler(rt.spec, state, ctx);
    return { commands: [], status: rt.backoff?.status ?? dry.status, desired: dry.desired, observed: dry.observed };
  }

  const pre = prerequisites(rt, state);
  if (pre.commands.length || pre.blocking) {
    const dry = reconcileScaler(rt.spec, state, ctx);
    expect(rt, pre.commands, now);
    return {
      commands: pre.commands,
      status: pre.blocking ?? { type: 'reconciling' },
      desired: dry.desired,
      observed: dry.observed,
    };
  }

  const result = reconcileScaler(rt.spec, state, ctx);
  expect(rt, result.commands, now);
  for (const host of result.labelled ?? []) rt.labelled.add(host);
  return result;
}

/** Settles a matching expectation. Returns true when the event was one this scaler waited for. */
export function observeScalerEvent(rt: ScalerRuntime, event: LatticeEvent, now: number): boolean {
  for (let i = 0; i < rt.expected.length; i++) {
    const outcome = matchExpectation(rt.expected[i], event);
    if (!outcome) continue;
    rt.expected.splice(i, 1);
    if (outcome.outcome === 'failure')
      rt.backoff = { status: { type: 'failed', message: outcome.error }, until: now + FAILURE_BACKOFF_MS };
    return true;
  }
  return false;
}

/** A command of this scaler failed at the control interface: stop waiting for it and back off. */
export function scalerCommandFailed(rt: ScalerRuntime, cmd: Command, error: string, now: number): void {
  const key = expectationKey(expectationFor(cmd, now, 0));
  const i = rt.expected.findIndex((e) => expectationKey(e) === key);
  if (i >= 0) rt.expected.splice(i, 1);
  rt.backoff = { status: { type: 'failed', message: error }, until: now + FAILURE_BACKOFF_MS };
}

/**
 * The command waits in a queue (thousands may be ahead of it at scale): its expected event cannot be late
 * before it is sent, so the expectation is held until `scalerCommandSent` (or `scalerCommandNotSent`).
 * Otherwise a pass after the window would issue the same command again while the first is still queued.
 */
export function scalerCommandQueued(rt: ScalerRuntime, cmd: Command): void {
  const key = expectationKey(expectationFor(cmd, 0, 0));
  for (const e of rt.expected) if (expectationKey(e) === key) e.deadline = Number.POSITIVE_INFINITY;
}

/**
 * The command actually went out (it may have queued behind others): its expected event is due a full
 * window from now, not from when the scaler asked for it.
 */
export function scalerCommandSent(rt: ScalerRuntime, cmd: Command, now: number): void {
  const key = expectationKey(expectationFor(cmd, now, 0));
  const due = now + windowFor(rt.spec, cmd);
  for (const e of rt.expected)
    if (expectationKey(e) === key && (e.deadline < due || e.deadline === Number.POSITIVE_INFINITY)) e.deadline = due;
}

/** The queued command was dropped unsent (leadership lapsed): stop waiting for it, so the next pass decides again. */
export function scalerCommandNotSent(rt: ScalerRuntime, cmd: Command): void {
  const key = expectationKey(expectationFor(cmd, 0, 0));
  const i = rt.expected.findIndex((e) => expectationKey(e) === key);
  if (i >= 0) rt.expected.splice(i, 1);
}

/** When this scaler's waiting ends by itself (a deadline or the end of a back-off), if ever. */
export function scalerDeadline(rt: ScalerRuntime): number | undefined {
  let next: number | undefined;
  for (const e of rt.expected) {
    if (e.deadline === Number.POSITIVE_INFINITY) continue; // queued, not sent: no deadline yet
    next = next === undefined ? e.deadline : Math.min(next, e.deadline);
  }
  if (rt.backoff) next = next === undefined ? rt.backoff.until : Math.min(next, rt.backoff.until);
  return next;
}
