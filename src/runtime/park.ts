// Parking and readying goroutines: ports of go1.19 proc.go gopark, park_m,
// goready, ready, Gosched/gosched_m/goschedImpl.
//
// A host function that must block (chanrecv on an empty channel, semacquire,
// ...) calls gopark(), which ends the host call with a tail call of
// mcall(park_m): mcall saves the *user's* call site (the instruction after the
// call of the runtime function) in g.sched and switches to g0, where park_m
// marks the goroutine waiting and schedules. What Go does after gopark
// returns (release the sudog, hand back a result, panic) is registered as an
// `onResume` continuation and run by execute() right before gogo resumes the
// goroutine, writing results into its saved state (arch.setParkedResult).
import type { HostCall, TailCall } from '../os/host.ts';
import { _Grunnable, _Grunning, _Gwaiting, waitReasonString, type G } from '../go119/index.ts';
import { assertOnG0 } from './assert.ts';
import { lock, unlock } from './lock.ts';
import { globrunqput, runqput } from './runq.ts';
import type { Runtime } from './runtime.ts';
import { dropg, execute, schedule } from './sched.ts';
import { casgstatus } from './status.ts';
import { goThrow } from './throw.ts';

export interface ParkOptions {
  /** waitReason (go119 waitReason* constants) */
  reason: number;
  /**
   * Ports gopark's unlockf: called on g0 after gp is _Gwaiting; returning
   * false makes park_m resume gp at once.
   */
  unlockf?: (gp: G) => boolean;
  /** work to do when gp is next scheduled, before it resumes (see file comment) */
  onResume?: (gp: G) => void;
}

/** Per-goroutine state the runtime keeps while a goroutine is parked. */
interface ParkState {
  unlockf?: (gp: G) => boolean;
  onResume?: (gp: G) => void;
}

const parked = new WeakMap<Runtime, Map<number, ParkState>>();

function parkStates(rt: Runtime): Map<number, ParkState> {
  let m = parked.get(rt);
  if (!m) parked.set(rt, (m = new Map()));
  return m;
}

/**
 * Ports gopark: record why the current goroutine waits and switch to g0 with
 * mcall(park_m). Ends the calling host function (returns its tail call).
 */
export function gopark(rt: Runtime, call: HostCall, o: ParkOptions): TailCall {
  const gp = rt.getg();
  const m = rt.curm();
  if (gp.addr === m.g0) goThrow('gopark: on g0');
  if (gp.atomicstatus !== _Grunning) goThrow('gopark: bad g status');
  gp.waitreason = o.reason;
  parkStates(rt).set(gp.addr, { unlockf: o.unlockf, onResume: o.onResume });
  return call.tailCall(rt.machine.sym('runtime.mcall'), [rt.funcval('runtime.park_m')], 'internal');
}

/**
 * Ports park_m (on g0): gp -> _Gwaiting, drop it from the M, run unlockf
 * (which may veto the park), then schedule.
 */
export function park_m(rt: Runtime, call: HostCall, gp: G): TailCall {
  assertOnG0(rt, 'park_m');
  casgstatus(gp, _Grunning, _Gwaiting);
  if (rt.events.active) rt.events.emit({ kind: 'gostatus', goid: gp.goid, g: gp.addr, from: _Grunning, to: _Gwaiting, reason: waitReasonString(gp.waitreason) });
  dropg(rt);
  const st = parkStates(rt).get(gp.addr);
  const unlockf = st?.unlockf;
  if (st) st.unlockf = undefined;
  if (unlockf && !unlockf(gp)) {
    casgstatus(gp, _Gwaiting, _Grunnable);
    return execute(rt, call, gp, true); // schedule it right back
  }
  return schedule(rt, call);
}

/** The continuation registered by gopark, taken by execute(). */
export function takeResume(rt: Runtime, gp: G): ((gp: G) => void) | undefined {
  const st = parkStates(rt).get(gp.addr);
  if (!st) return undefined;
  parkStates(rt).delete(gp.addr);
  return st.onResume;
}

/** Ports goready/ready: gp was waiting; make it runnable in the current P's runnext. */
export function goready(rt: Runtime, gp: G): void {
  const status = gp.atomicstatus;
  if (status !== _Gwaiting) goThrow(`bad g->status in ready (goroutine ${gp.goid} is ${status})`);
  casgstatus(gp, _Gwaiting, _Grunnable);
  if (rt.events.active) rt.events.emit({ kind: 'gostatus', goid: gp.goid, g: gp.addr, from: _Gwaiting, to: _Grunnable });
  runqput(rt, rt.curp(), gp, true);
  // wakep() would start a spinning M for an idle P; there are no other Ms yet.
}

/** Ports Gosched: yield the processor: mcall(gosched_m). */
export function gosched(rt: Runtime, call: HostCall): TailCall {
  return call.tailCall(rt.machine.sym('runtime.mcall'), [rt.funcval('runtime.gosched_m')], 'internal');
}

/**
 * Ports gosched_m / goschedImpl (on g0): gp goes to the *global* queue (not
 * the local one), so that it runs after everything already queued.
 */
export function gosched_m(rt: Runtime, call: HostCall, gp: G): TailCall {
  assertOnG0(rt, 'gosched_m');
  casgstatus(gp, _Grunning, _Grunnable);
  if (rt.events.active) rt.events.emit({ kind: 'gostatus', goid: gp.goid, g: gp.addr, from: _Grunning, to: _Grunnable, reason: 'Gosched' });
  dropg(rt);
  lock(rt, rt.sched.lock);
  globrunqput(rt, gp);
  unlock(rt, rt.sched.lock);
  return schedule(rt, call);
}
