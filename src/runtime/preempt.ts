// Preemption: ports of go1.19 proc.go preemptone, gopreempt_m, preemptPark
// and preempt.go asyncPreempt2's two halves, plus newstack's preemption
// branch (stack.ts calls newstackPreempt).
//
// preemptone asks the goroutine running on a P to stop in two ways at once:
// cooperatively (g.preempt, and stackguard0 = stackPreempt, so that its next
// function prologue fails the stack check and morestack -> newstack sees the
// request) and, unless GODEBUG asyncpreemptoff=1, asynchronously (p.preempt
// and preemptM's signal: signal.ts). Either way the goroutine ends up in
// gopreempt_m on g0 (cooperatively from newstack; asynchronously from
// asyncPreempt -> asyncPreempt2 -> mcall), which puts it on the global run
// queue as Gosched does, and schedules.
import type { HostCall, TailCall } from '../os/host.ts';
import { _Grunning, _Gpreempted, waitReasonPreempted, type G, type P } from '../go119/index.ts';
import { assertOnG0 } from './assert.ts';
import { goschedImpl } from './park.ts';
import type { Runtime } from './runtime.ts';
import { dropg, schedule } from './sched.ts';
import { canPreemptM, preemptM } from './signal.ts';
import { casgstatus } from './status.ts';
import { goThrow } from './throw.ts';

/**
 * Ports preemptone: ask the goroutine running on pp to stop. False if pp
 * runs no goroutine (or it is the caller's own M). Precondition: called by
 * sysmon or another M that is not pp's.
 */
export function preemptone(rt: Runtime, pp: P): boolean {
  const mp = pp.m !== 0 ? rt.m(pp.m) : undefined;
  if (!mp || mp.addr === rt.curm().addr) return false;
  if (mp.curg === 0 || mp.curg === mp.g0) return false;
  const gp = rt.g(mp.curg);
  gp.preempt = true;
  // every call's stack check now fails and leads to newstack
  gp.stackguard0Word = rt.L.consts.stackPreempt;
  const async = rt.debug.asyncpreemptoff === 0;
  if (async) {
    pp.preempt = true;
    preemptM(rt, mp);
  }
  if (rt.events.active) rt.events.emit({ kind: 'preempt', goid: gp.goid, g: gp.addr, m: mp.id, p: pp.id, by: rt.curm().id, async });
  return true;
}

/** Ports gopreempt_m (on g0): the preempted goroutine goes to the global queue, as with Gosched. */
export function gopreempt_m(rt: Runtime, call: HostCall, gp: G): TailCall {
  assertOnG0(rt, 'gopreempt_m');
  return goschedImpl(rt, call, gp, 'preempted');
}

/**
 * Ports preemptPark (on g0): the goroutine stops in _Gpreempted, owned by
 * whoever asked (suspendG). Differs: nothing here sets g.preemptStop (it is
 * the garbage collector's request), so this runs only if a debugger sets it.
 */
export function preemptPark(rt: Runtime, call: HostCall, gp: G): TailCall {
  assertOnG0(rt, 'preemptPark');
  if (gp.atomicstatus !== _Grunning) goThrow('bad g status');
  gp.waitreason = waitReasonPreempted;
  casgstatus(gp, _Grunning, _Gpreempted);
  if (rt.events.active) rt.events.emit({ kind: 'gostatus', goid: gp.goid, g: gp.addr, from: _Grunning, to: _Gpreempted, reason: 'preempted' });
  dropg(rt);
  return schedule(rt, call);
}

/** asyncPreempt2's first half: gp.asyncSafePoint = true; the funcval to mcall (preemptPark or gopreempt_m). */
export function asyncPreempt2Fn(rt: Runtime): number {
  const gp = rt.getg();
  gp.asyncSafePoint = true;
  return rt.funcval(gp.preemptStop ? 'runtime.preemptPark' : 'runtime.gopreempt_m');
}

/** asyncPreempt2's second half, when the goroutine runs again: gp.asyncSafePoint = false. */
export function asyncPreempt2Done(rt: Runtime): void {
  rt.getg().asyncSafePoint = false;
}

/**
 * newstack's preemption branch, when the failed stack check was a
 * preemption request (stackguard0 == stackPreempt): if the M cannot be
 * preempted now, clear the request's guard and resume the goroutine at its
 * prologue (gogo); else preemptPark (a stop request) or gopreempt_m.
 * Differs: no preemptShrink (stacks are never shrunk).
 */
export function newstackPreempt(rt: Runtime, call: HostCall, gp: G): TailCall {
  const m = rt.curm();
  if (!canPreemptM(rt, m)) {
    gp.stackguard0 = gp.stack.lo + rt.L.consts._StackGuard;
    return call.tailCall(rt.machine.sym('runtime.gogo'), [gp.sched.addr], 'abi0');
  }
  if (gp.addr === m.g0) goThrow('runtime: preempt g0');
  if (m.p === 0 && m.locks === 0) goThrow('runtime: g is running but p is not set');
  if (gp.preemptStop) return preemptPark(rt, call, gp);
  return gopreempt_m(rt, call, gp);
}
