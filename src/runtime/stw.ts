// Stopping and starting the world, for runtime.GOMAXPROCS: the host halves
// of go1.19 debug.go GOMAXPROCS and proc.go stopTheWorld, stopTheWorldGC,
// stopTheWorldWithSema, startTheWorld, startTheWorldGC,
// startTheWorldWithSema and preemptall. Their Go-ABI bodies are hand-compiled
// glue in asm/<arch>/stw.s, which calls these for each step, so that every
// wait is machine code: semacquire of gcsema and worldsema (a park, if
// another goroutine is stopping the world), and the loop that waits for the
// running Ps to stop (notetsleep(&sched.stopnote, 100 us), then preemptall,
// again).
//
// A running P stops when its M next reaches the scheduler (findRunnable sees
// sched.gcwaiting and calls gcstopm; handoffp and stealWork look too).
// preemptall asks every running goroutine to stop (preemptone: stackPreempt
// and the preemption signal), so a goroutine that computes without calls is
// stopped by asynchronous preemption, as in Go; the stopping M sleeps in
// 100 us steps meanwhile, as Go's does between its preemption attempts.
import { _Grunning, _Gwaiting, _Pgcstop, _Prunning, _Psyscall } from '../go119/index.ts';
import { pidleget, wakep } from './idle.ts';
import { lock, unlock } from './lock.ts';
import { notewakeup } from './lock_futex.ts';
import { newm } from './newm.ts';
import { procresize } from './proc.ts';
import { preemptone } from './preempt.ts';
import type { Runtime } from './runtime.ts';
import { semrelease1 } from './sema.ts';
import { casgstatus, setPStatus } from './status.ts';
import { goThrow } from './throw.ts';

/** GOMAXPROCS's first step: the current value, read under sched.lock. */
export function gomaxprocsRead(rt: Runtime): number {
  lock(rt, rt.sched.lock);
  const ret = rt.gomaxprocs;
  unlock(rt, rt.sched.lock);
  return ret;
}

/** stopTheWorld: gp.m.preemptoff = reason (a Go string; "" again in startTheWorld). */
export function setPreemptoff(rt: Runtime, str: number, len: number): void {
  const s = rt.curm().preemptoff;
  s.str = str;
  s.len = len;
}

/** stopTheWorld's closure: the goroutine that stops the world waits while it is stopped (on g0: it is m.curg). */
export function stwCasgstatus(rt: Runtime, waiting: boolean): void {
  const gp = rt.g(rt.curm().curg);
  if (waiting) casgstatus(gp, _Grunning, _Gwaiting);
  else casgstatus(gp, _Gwaiting, _Grunning);
}

/**
 * Ports preemptall: ask every goroutine running on a P to stop
 * (preemptone: cooperatively, and with a signal unless asyncpreemptoff).
 * True if a request was made.
 */
export function preemptall(rt: Runtime): boolean {
  let res = false;
  for (const a of rt.allp) {
    const pp = rt.p(a);
    if (pp.status !== _Prunning) continue;
    if (preemptone(rt, pp)) res = true;
  }
  return res;
}

/**
 * Ports stopTheWorldWithSema up to its wait: sched.gcwaiting, the own P,
 * every P in a system call and every idle P _Pgcstop, sched.stopwait counting the Ps still running.
 * Returns whether to wait for them. Precondition: on g0, no locks held.
 */
export function stopTheWorldStop(rt: Runtime): boolean {
  const m = rt.curm();
  const s = rt.sched;
  if (m.locks > 0) goThrow('stopTheWorld: holding locks');
  lock(rt, s.lock);
  s.stopwait = rt.gomaxprocs;
  s.gcwaiting = 1;
  preemptall(rt);
  // stop the current P
  setPStatus(rt.p(m.p), _Prunning, _Pgcstop);
  s.stopwait -= 1;
  // stop the Ps whose Ms are in system calls: they find _Pgcstop in exitsyscall
  for (const a of rt.allp) {
    const pp = rt.p(a);
    if (pp.status !== _Psyscall) continue;
    setPStatus(pp, _Psyscall, _Pgcstop);
    pp.syscalltick = (pp.syscalltick + 1) >>> 0;
    s.stopwait -= 1;
  }
  // stop the idle Ps
  for (let pp = pidleget(rt); pp; pp = pidleget(rt)) {
    setPStatus(pp, pp.status, _Pgcstop);
    s.stopwait -= 1;
  }
  const wait = s.stopwait > 0;
  unlock(rt, s.lock);
  return wait;
}

/** Ports the end of stopTheWorldWithSema: every P is stopped, or it is a throw. */
export function stopTheWorldCheck(rt: Runtime): void {
  const s = rt.sched;
  let bad = '';
  if (s.stopwait !== 0) bad = 'stopTheWorld: not stopped (stopwait != 0)';
  else for (const a of rt.allp) if (rt.p(a).status !== _Pgcstop) bad = 'stopTheWorld: not stopped (status != _Pgcstop)';
  if (bad !== '') goThrow(bad);
  if (rt.events.active) rt.events.emit({ kind: 'stoptheworld', m: rt.curm().id, reason: rt.curm().preemptoff.value() });
}

/**
 * Ports startTheWorldWithSema (on g0): procresize to newprocs (if GOMAXPROCS
 * asked for a change), then each P with work goes to the M procresize chose
 * for it (woken with the P in m.nextp), or to a new M; then wakep for
 * whatever is left; sysmon is woken from sysmonwait. Differs: no netpoll or trace.
 */
export function startTheWorldWithSema(rt: Runtime): void {
  const mp0 = rt.curm();
  mp0.locks += 1; // acquirem
  const s = rt.sched;
  lock(rt, s.lock);
  let procs = rt.gomaxprocs;
  if (rt.newprocs !== 0) {
    procs = rt.newprocs;
    rt.newprocs = 0;
  }
  let p1 = procresize(rt, procs);
  s.gcwaiting = 0;
  if (s.sysmonwait !== 0) {
    s.sysmonwait = 0;
    notewakeup(rt, s.addrOf('sysmonnote'));
  }
  unlock(rt, s.lock);
  if (rt.events.active) rt.events.emit({ kind: 'starttheworld', m: mp0.id, reason: mp0.preemptoff.value() });
  while (p1 !== 0) {
    const pp = rt.p(p1);
    p1 = pp.link;
    if (pp.m !== 0) {
      const mp = rt.m(pp.m);
      pp.m = 0;
      if (mp.nextp !== 0) goThrow('startTheWorld: inconsistent mp->nextp');
      mp.nextp = pp.addr;
      notewakeup(rt, mp.addrOf('park'));
    } else {
      // start an M to run the P
      newm(rt, undefined, pp, -1);
    }
  }
  // one more M for the runnable goroutines that are left, if there is an idle P
  wakep(rt);
  mp0.locks -= 1; // releasem
}

/** The end of startTheWorld: preemptoff = "", then worldsema goes to its next waiter directly (handoff). */
export function startTheWorldRelease(rt: Runtime): void {
  const mp = rt.curm();
  mp.locks += 1; // acquirem
  setPreemptoff(rt, 0, 0);
  semrelease1(rt, rt.machine.sym('runtime.worldsema'), true);
  mp.locks -= 1; // releasem
}
