// One round of scheduling: ports of go1.19 proc.go mstart0/mstart1, schedule,
// findRunnable (1.19 already returns tryWakeP), execute, goexit1/goexit0,
// gdestroy, dropg. A scheduling decision ends in gogo(&gp.sched): the host
// function that decided tail-calls the gogo stub, so the switch itself is
// machine code.
//
// How host calls, tail calls, the asm glue and waits fit together (and which
// file ports which Go function): src/runtime/README.md. Read it beside
// proc.go.
import type { HostCall, TailCall } from '../os/host.ts';
import { _Gdead, _Gpreempted, _Grunnable, _Grunning, _Gsyscall, _Gwaiting, type G, type P } from '../go119/index.ts';
import { resumeParked } from './park.ts';
import { assertOnG0 } from './assert.ts';
import { lock, unlock } from './lock.ts';
import { gfput } from './proc.ts';
import { globrunqget, runqget } from './runq.ts';
import type { Runtime } from './runtime.ts';
import { casgstatus } from './status.ts';
import { goFatal, goThrow } from './throw.ts';
import { tracebackothers } from './traceback.ts';

/** Every this many schedticks, findRunnable looks at the global queue first (fairness). */
const GLOBAL_QUEUE_CHECK_TICKS = 61;

/**
 * Ports mstart0 + mstart1: the M's g0 stack guard, then g0.sched records the
 * frame of mstart (the caller of this host function) so that mcall and
 * systemstack switch to that stack top, then schedule(). Differs: mstart1's
 * "caller" is mstart itself, since mstart0/mstart1 are one host function.
 */
export function mstart0(rt: Runtime, call: HostCall): TailCall {
  const g0 = rt.getg();
  const m = rt.curm();
  if (g0.addr !== m.g0) goThrow('mstart0: not on g0');
  g0.stackguard0 = g0.stack.lo + rt.L.consts._StackGuard;
  g0.stackguard1 = g0.stackguard0;
  // mstart1: record the caller's frame in g0.sched
  g0.sched.g = g0.addr;
  g0.sched.pc = rt.arch.lrReg ? call.engine.regN(rt.arch.lrReg) : rt.mem.ptr(call.engine.sp);
  g0.sched.sp = rt.arch.callerSP(call.engine);
  return schedule(rt, call);
}

/**
 * Ports schedule: find a runnable goroutine and execute it. Never returns:
 * ends in a tail call of gogo. Differs: no locked Ms, no GC stop, no
 * spinning Ms (one M per P; more Ms come with GOMAXPROCS > 1).
 */
export function schedule(rt: Runtime, call: HostCall): TailCall {
  const m = rt.curm();
  if (m.locks !== 0) goThrow('schedule: holding locks');
  const pp = rt.p(m.p);
  pp.preempt = false;
  const [gp, inheritTime] = findRunnable(rt, pp);
  return execute(rt, call, gp, inheritTime);
}

/**
 * Ports findRunnable: every 61st schedtick the global queue first (so that a
 * busy local queue cannot starve it), then the local queue (runnext first),
 * then the global queue. Differs: no timers, netpoll, GC workers or work
 * stealing yet; with nothing to run it reports the deadlock (checkdead).
 */
export function findRunnable(rt: Runtime, pp: P): [G, boolean] {
  if (pp.schedtick % GLOBAL_QUEUE_CHECK_TICKS === 0 && rt.sched.runqsize > 0) {
    lock(rt, rt.sched.lock);
    const gp = globrunqget(rt, pp, 1);
    unlock(rt, rt.sched.lock);
    if (gp) return [gp, false];
  }
  const [gp, inheritTime] = runqget(rt, pp);
  if (gp) return [gp, inheritTime];
  if (rt.sched.runqsize !== 0) {
    lock(rt, rt.sched.lock);
    const g = globrunqget(rt, pp, 0);
    unlock(rt, rt.sched.lock);
    if (g) return [g, false];
  }
  return checkdead(rt);
}

/**
 * Ports checkdead for the case it is reached here: no goroutine can run and
 * nothing can wake one (no timers, no other Ms). Either every user goroutine
 * has exited (main called Goexit) or they all wait: a deadlock. Go prints the
 * waiting goroutines after the message.
 */
export function checkdead(rt: Runtime): never {
  let grunning = 0;
  for (const a of rt.allgs) {
    const gp = rt.g(a);
    if (rt.isSystemGoroutine(gp)) continue;
    const s = gp.atomicstatus;
    if (s === _Gwaiting || s === _Gpreempted) grunning++;
    else if (s === _Grunnable || s === _Grunning || s === _Gsyscall) {
      rt.write(2, `runtime: checkdead: find g ${gp.goid} in status ${s}\n`);
      goThrow('checkdead: runnable g');
    }
  }
  if (grunning === 0) goFatal('no goroutines (main called runtime.Goexit) - deadlock!');
  goFatal('all goroutines are asleep - deadlock!', tracebackothers(rt));
}

/**
 * Ports execute: make gp the M's current goroutine, _Grunning, with a fresh
 * stack guard (clearing any preemption request), count a schedtick unless gp
 * inherits the time slice, then gogo(&gp.sched).
 */
export function execute(rt: Runtime, call: HostCall, gp: G, inheritTime: boolean): TailCall {
  const m = rt.curm();
  m.curg = gp.addr;
  gp.m = m.addr;
  casgstatus(gp, _Grunnable, _Grunning);
  gp.waitsince = 0;
  gp.preempt = false;
  gp.stackguard0 = gp.stack.lo + rt.L.consts._StackGuard;
  const pp = rt.p(m.p);
  if (!inheritTime) pp.schedtick = (pp.schedtick + 1) >>> 0;
  if (rt.events.active) rt.events.emit({ kind: 'execute', goid: gp.goid, g: gp.addr, m: m.id, p: pp.id });
  // the rest of the blocking call gp parked in (its ParkResume, park.ts), before gp resumes
  resumeParked(rt, gp);
  return call.tailCall(rt.machine.sym('runtime.gogo'), [gp.sched.addr], 'abi0');
}

/** Ports goexit1: finish the current goroutine on g0: mcall(goexit0). */
export function goexit1(rt: Runtime, call: HostCall): TailCall {
  return call.tailCall(rt.machine.sym('runtime.mcall'), [rt.funcval('runtime.goexit0')], 'internal');
}

/**
 * Ports goexit0 (on g0, gp = the goroutine that finished): mark it dead,
 * clear what it held (gdestroy), put it on the P's free list and schedule.
 */
export function goexit0(rt: Runtime, call: HostCall, gp: G): TailCall {
  assertOnG0(rt, 'goexit0');
  const m = rt.curm();
  casgstatus(gp, _Grunning, _Gdead);
  if (rt.isSystemGoroutine(gp)) rt.sched.ngsys -= 1;
  gp.m = 0;
  const locked = gp.lockedm !== 0;
  gp.lockedm = 0;
  m.lockedg = 0;
  gp.preemptStop = false;
  gp.paniconfault = false;
  gp._defer = 0;
  gp._panic = 0;
  gp.waitreason = 0;
  gp.param = 0;
  if (rt.events.active) rt.events.emit({ kind: 'goexit', goid: gp.goid, g: gp.addr });
  dropg(rt);
  if (locked) goThrow('goexit0: exiting a locked goroutine is not supported');
  gfput(rt, rt.p(m.p), gp);
  return schedule(rt, call);
}

/** Ports dropg: the M no longer runs its curg. */
export function dropg(rt: Runtime): void {
  const m = rt.curm();
  if (m.curg !== 0) rt.g(m.curg).m = 0;
  m.curg = 0;
}
