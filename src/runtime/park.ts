// Parking and readying goroutines: ports of go1.19 proc.go gopark,
// goparkunlock, parkunlock_c, park_m, goready, ready, Gosched/gosched_m/
// goschedImpl, goyield/goyield_m.
//
// A host function that must block (chanrecv on an empty channel, semacquire,
// ...) calls gopark(), which ends the host call with a tail call of
// mcall(park_m): mcall saves the *user's* call site (the instruction after the
// call of the runtime function) in g.sched and switches to g0, where park_m
// marks the goroutine waiting and schedules.
//
// Everything between gopark and park_m is data, as in Go: the unlock function
// is the address of a host function (runtime.chanparkcommit,
// runtime.parkunlock_c) in m.waitunlockf with its argument in m.waitlock, and
// park_m dispatches on that address. Differs: what Go does after gopark
// returns (release the sudog, hand back chanrecv's result, panic on a closed
// channel, semacquire's re-check) cannot run in a host function that has long
// ended; it is a plain record (ParkResume) kept per goroutine in
// Runtime.parkResumes and carried out by execute() right before gogo resumes
// the goroutine, writing any result into its saved state
// (arch.setParkedResult). So g.sched and every switch stay as Go's.
import type { HostCall, TailCall } from '../os/host.ts';
import { _Grunnable, _Grunning, _Gwaiting, waitReasonString, type G } from '../go119/index.ts';
import { chanparkcommit, chanrecvResume, chansendResume } from './chan.ts';
import { assertOnG0 } from './assert.ts';
import { lock, mutexAt, unlock } from './lock.ts';
import { globrunqput, runqput } from './runq.ts';
import type { Runtime } from './runtime.ts';
import { wakep } from './idle.ts';
import { dropg, execute, schedule } from './sched.ts';
import { semacquireResume } from './sema.ts';
import { selectgoResume, selparkcommit } from './select.ts';
import { resetForSleep } from './time.ts';
import { casgstatus } from './status.ts';
import { goThrow } from './throw.ts';

/** What a parked goroutine still has to do when gopark returns: plain data, by kind. */
export type ParkResume =
  /** chansend: release the sudog; panic if the channel was closed instead */
  | { kind: 'chansend'; sudog: number; c: number }
  /** chanrecv: release the sudog; with `result`, deliver chanrecv2's received flag */
  | { kind: 'chanrecv'; sudog: number; result: boolean }
  /** semacquire1: take the unit that semrelease left, release the sudog; for WaitGroup.Wait (waitGroup: its state), then its reuse check */
  | { kind: 'semacquire'; sudog: number; addr: number; waitGroup?: number }
  /** selectgo: find the winning case, dequeue and release every sudog, deliver (casi, recvOK) */
  | { kind: 'select'; cas0: number; order0: number; ncases: number; norder: number; nsends: number };

/** The unlock functions gopark can be given (host functions, called by address from park_m). */
export type UnlockF = 'runtime.chanparkcommit' | 'runtime.parkunlock_c' | 'runtime.selparkcommit' | 'runtime.resetForSleep';

export interface ParkOptions {
  /** waitReason (go119 waitReason* constants) */
  reason: number;
  /** gopark's unlockf: run on g0 once gp is _Gwaiting; returning false resumes gp at once */
  unlockf?: UnlockF;
  /** gopark's lock: unlockf's argument */
  lock?: number;
  /** what to do when gp runs again (see file comment) */
  resume?: ParkResume;
}

/**
 * Ports gopark: record why the current goroutine waits (m.waitlock,
 * m.waitunlockf, g.waitreason) and switch to g0 with mcall(park_m). Ends the
 * calling host function (returns its tail call).
 */
export function gopark(rt: Runtime, call: HostCall, o: ParkOptions): TailCall {
  const gp = rt.getg();
  const m = rt.curm();
  if (gp.addr === m.g0) goThrow('gopark: on g0');
  if (gp.atomicstatus !== _Grunning) goThrow('gopark: bad g status');
  m.waitlock = o.lock ?? 0;
  m.waitunlockf = o.unlockf ? rt.machine.sym(o.unlockf) : 0;
  gp.waitreason = o.reason;
  if (o.resume) rt.parkResumes.set(gp.goid, o.resume);
  return call.tailCall(rt.machine.sym('runtime.mcall'), [rt.funcval('runtime.park_m')], 'internal');
}

/** Ports parkunlock_c: goparkunlock's unlock function: release the lock held through gopark. */
export function parkunlock_c(rt: Runtime, _gp: G, l: number): boolean {
  unlock(rt, mutexAt(rt, l));
  return true;
}

/** Call the unlock function at address fn (m.waitunlockf), as park_m does. */
function callUnlockf(rt: Runtime, fn: number, gp: G, lock: number): boolean {
  const name = rt.machine.host.nameAt(fn);
  switch (name) {
    case 'runtime.chanparkcommit':
      return chanparkcommit(rt, gp, lock);
    case 'runtime.parkunlock_c':
      return parkunlock_c(rt, gp, lock);
    case 'runtime.selparkcommit':
      return selparkcommit(rt, gp);
    case 'runtime.resetForSleep':
      return resetForSleep(rt, gp, lock);
    default:
      return goThrow(`park_m: m.waitunlockf = 0x${fn.toString(16)} (${name ?? rt.machine.describe(fn)}) is not an unlock function`);
  }
}

/**
 * Ports park_m (on g0): gp -> _Gwaiting, drop it from the M, run the unlock
 * function (which may veto the park), then schedule.
 */
export function park_m(rt: Runtime, call: HostCall, gp: G): TailCall {
  const m = rt.curm();
  assertOnG0(rt, 'park_m');
  casgstatus(gp, _Grunning, _Gwaiting);
  if (rt.events.active) rt.events.emit({ kind: 'gostatus', goid: gp.goid, g: gp.addr, from: _Grunning, to: _Gwaiting, reason: waitReasonString(gp.waitreason) });
  dropg(rt);
  const fn = m.waitunlockf;
  if (fn !== 0) {
    const ok = callUnlockf(rt, fn, gp, m.waitlock);
    m.waitunlockf = 0;
    m.waitlock = 0;
    if (!ok) {
      casgstatus(gp, _Gwaiting, _Grunnable);
      return execute(rt, call, gp, true); // schedule it right back
    }
  }
  return schedule(rt, call);
}

/**
 * Carry out what gp's gopark left to do (its ParkResume), before it runs
 * again (execute). False when gp must wait again instead (semacquire woken
 * without a unit, whose loop parks once more): it is queued again already.
 */
export function resumeParked(rt: Runtime, gp: G): boolean {
  const r = rt.parkResumes.get(gp.goid);
  if (!r) return true;
  rt.parkResumes.delete(gp.goid);
  switch (r.kind) {
    case 'chansend':
      chansendResume(rt, gp, r);
      return true;
    case 'chanrecv':
      chanrecvResume(rt, gp, r);
      return true;
    case 'semacquire':
      return semacquireResume(rt, gp, r);
    case 'select':
      selectgoResume(rt, gp, r);
      return true;
  }
}

/**
 * Ports goready/ready: gp was waiting; make it runnable in the current P's
 * runnext, and wakep (an idle P may run it). Differs: Go switches to the
 * system stack for ready; host code needs no stack.
 */
export function goready(rt: Runtime, gp: G): void {
  const status = gp.atomicstatus;
  if (status !== _Gwaiting) {
    rt.write(2, `runtime: gp: gp=0x${gp.addr.toString(16)}, goid=${gp.goid}, status=${status}\n`);
    goThrow('bad g->status in ready');
  }
  casgstatus(gp, _Gwaiting, _Grunnable);
  if (rt.events.active) rt.events.emit({ kind: 'gostatus', goid: gp.goid, g: gp.addr, from: _Gwaiting, to: _Grunnable });
  runqput(rt, rt.curp(), gp, true);
  wakep(rt);
}

/** Ports Gosched: yield the processor: mcall(gosched_m). */
export function gosched(rt: Runtime, call: HostCall): TailCall {
  return call.tailCall(rt.machine.sym('runtime.mcall'), [rt.funcval('runtime.gosched_m')], 'internal');
}

/** Ports goyield: like Gosched, but to the local run queue: mcall(goyield_m). */
export function goyield(rt: Runtime, call: HostCall): TailCall {
  return call.tailCall(rt.machine.sym('runtime.mcall'), [rt.funcval('runtime.goyield_m')], 'internal');
}

/** Ports goyield_m (on g0): gp goes to the tail of its P's local queue; schedule. */
export function goyield_m(rt: Runtime, call: HostCall, gp: G): TailCall {
  assertOnG0(rt, 'goyield_m');
  const pp = rt.curp();
  casgstatus(gp, _Grunning, _Grunnable);
  if (rt.events.active) rt.events.emit({ kind: 'gostatus', goid: gp.goid, g: gp.addr, from: _Grunning, to: _Grunnable, reason: 'goyield' });
  dropg(rt);
  runqput(rt, pp, gp, false);
  return schedule(rt, call);
}

/**
 * Ports gosched_m / goschedImpl (on g0): gp goes to the *global* queue (not
 * the local one), so that it runs after everything already queued.
 */
export function gosched_m(rt: Runtime, call: HostCall, gp: G): TailCall {
  assertOnG0(rt, 'gosched_m');
  return goschedImpl(rt, call, gp, 'Gosched');
}

/** Ports goschedImpl (gosched_m's and gopreempt_m's body): gp to the global queue, then schedule; `reason` names the cause in the event. */
export function goschedImpl(rt: Runtime, call: HostCall, gp: G, reason: string): TailCall {
  if (gp.atomicstatus !== _Grunning) goThrow('bad g status');
  casgstatus(gp, _Grunning, _Grunnable);
  if (rt.events.active) rt.events.emit({ kind: 'gostatus', goid: gp.goid, g: gp.addr, from: _Grunning, to: _Grunnable, reason });
  dropg(rt);
  lock(rt, rt.sched.lock);
  globrunqput(rt, gp);
  unlock(rt, rt.sched.lock);
  return schedule(rt, call);
}
