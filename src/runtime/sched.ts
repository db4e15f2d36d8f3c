// One round of scheduling: ports of go1.19 proc.go mstart0/mstart1, schedule,
// findRunnable, execute, goexit1/goexit0, dropg. A scheduling decision ends
// in gogo(&gp.sched): the host function that decided tail-calls the gogo
// stub, so the switch itself is machine code. go1.19's findRunnable already
// returns (gp, inheritTime, tryWakeP); this port follows that shape.
//
// An M that finds nothing to do sleeps (stopm: a futex sleep on m.park), and
// one that steals a running P's runnext first sleeps 3 us: both end the host
// call with a tail call into asm glue, and the search goes on in the host
// function the glue enters afterwards (runtime.mPark.resume in idle.ts,
// runtime.stealWork.resume here), from state kept as plain data.
//
// How host calls, tail calls, the asm glue and waits fit together (and which
// file ports which Go function): src/runtime/README.md. Read it beside
// proc.go.
import type { HostCall, TailCall } from '../os/host.ts';
import { _Gdead, _Grunnable, _Grunning, _Gwaiting, waitReasonString, type G } from '../go119/index.ts';
import { resumeParked } from './park.ts';
import { assertOnG0 } from './assert.ts';
import { acquirep, gcstopm, mParkTimed, pidleput, releasep, resetspinning, startlockedm, stopm, stoplockedm, wakep, decNmspinning } from './idle.ts';
import { lock, unlock } from './lock.ts';
import { mstartfnIsLoop, runMStartFn } from './newm.ts';
import { gfput } from './proc.ts';
import { globrunqget, runqget } from './runq.ts';
import type { Runtime } from './runtime.ts';
import { casgstatus } from './status.ts';
import { checkRunqsNoP, checkTimersNoP, stealResume, stealWork, type StealResult } from './steal.ts';
import { checkTimers, netpollBreak } from './time.ts';
import { goThrow } from './throw.ts';

/** Every this many schedticks, findRunnable looks at the global queue first (fairness). */
const GLOBAL_QUEUE_CHECK_TICKS = 61;

/** What findRunnable found: the goroutine, whether it inherits the time slice, whether to wake a P. */
interface Found {
  gp: G;
  inheritTime: boolean;
  tryWakeP: boolean;
}

const isTail = (x: unknown): x is TailCall => typeof x === 'object' && x !== null && (x as TailCall).kind === 'tailcall';

/**
 * Ports mstart0 + mstart1: the M's g0 stack guard, then g0.sched records the
 * frame of mstart (the caller of this host function) so that mcall and
 * systemstack switch to that stack top, and goexit0 of a locked goroutine can
 * return there (to mexit); then m.mstartfn, and for Ms other than m0 the P
 * handed over in m.nextp; then schedule(). Differs: mstart0 and mstart1 are
 * one host function, so g0.sched returns into mstart itself; minit and
 * m0's initsig run before it, in mstart (asm). An mstartfn that is machine
 * code (sysmon) is tail-called and never returns.
 */
export function mstart0(rt: Runtime, call: HostCall): TailCall {
  const t = rt.threads.current!;
  const g0 = rt.getg();
  const m = rt.m(g0.m);
  rt.mOfThread.set(t.id, m.addr);
  if (g0.addr !== m.g0) goThrow('bad runtime·mstart');
  g0.stackguard0 = g0.stack.lo + rt.L.consts._StackGuard;
  g0.stackguard1 = g0.stackguard0;
  // mstart1: record the caller's frame in g0.sched
  g0.sched.g = g0.addr;
  g0.sched.pc = rt.arch.lrReg ? call.engine.regN(rt.arch.lrReg) : rt.mem.ptr(call.engine.sp);
  g0.sched.sp = rt.arch.callerSP(call.engine);
  if (rt.events.active) rt.events.emit({ kind: 'mstart', m: m.id, thread: t.id });
  // sysmon's loop is machine code that never returns (asm/<arch>/sysmon.s)
  if (mstartfnIsLoop(rt, m)) return call.tailCall(m.mstartfn, [], 'internal');
  runMStartFn(rt, m);
  if (m.addr !== rt.m0.addr) {
    acquirep(rt, rt.p(m.nextp));
    m.nextp = 0;
  }
  return schedule(rt, call);
}

/**
 * Ports schedule: find a runnable goroutine and execute it. Never returns:
 * ends in a tail call of gogo, or of the glue of a sleep. An M locked to a
 * goroutine (LockOSThread) runs only that one: it waits for it
 * (stoplockedm). Differs: no cgo check.
 */
export function schedule(rt: Runtime, call: HostCall): TailCall {
  const m = rt.curm();
  if (m.locks !== 0) goThrow('schedule: holding locks');
  if (m.lockedg !== 0) return stoplockedm(rt, call); // then execute(m.lockedg, false): mParkResume
  return scheduleTop(rt, call);
}

/** schedule from its `top` label: findRunnable and what follows. */
export function scheduleTop(rt: Runtime, call: HostCall): TailCall {
  const m = rt.curm();
  const pp = rt.p(m.p);
  pp.preempt = false;
  // a spinning M has no local work (checked before anything can ready a goroutine here)
  if (m.spinning && (pp.runnext !== 0 || pp.runqhead !== pp.runqtail)) goThrow('schedule: spinning with local work');
  return scheduleFound(rt, call, findRunnable(rt, call));
}

/** findRunnable from its `top` label, then the rest of schedule (after stopm, gcstopm). */
export function findRunnableThenSchedule(rt: Runtime, call: HostCall): TailCall {
  return scheduleFound(rt, call, findRunnable(rt, call));
}

/** runtime.stealWork.resume: the steal goes on after runqgrab's sleep, then findRunnable and schedule. */
export function stealWorkResume(rt: Runtime, call: HostCall): TailCall {
  return scheduleFound(rt, call, findRunnable(rt, call, stealResume(rt, call)));
}

/**
 * The rest of schedule once findRunnable has found gp: an M that was
 * spinning stops (resetspinning, which may wake another); a goroutine locked
 * to another M is handed to that M with this P (startlockedm); else execute.
 */
function scheduleFound(rt: Runtime, call: HostCall, r: Found | TailCall): TailCall {
  if (isTail(r)) return r;
  const m = rt.curm();
  if (m.spinning) resetspinning(rt);
  // (sched.disable.user: schedEnableUser is not ported)
  if (r.tryWakeP) wakep(rt);
  if (r.gp.lockedm !== 0) return startlockedm(rt, call, r.gp); // then `goto top`: mParkResume
  return execute(rt, call, r.gp, r.inheritTime);
}

/**
 * Ports findRunnable: a goroutine to run, from (in order) the global queue
 * every 61st schedtick, the local queue (runnext first), the global queue,
 * and other Ps' queues (stealWork, while fewer than half the busy Ps have a
 * spinning M). With nothing found, the P goes idle; a spinning M drops its
 * spinning state and checks every P once more (work may have been queued
 * while it was still counted as spinning), then the M stops (stopm) and
 * looks again when woken. `steal`: go on inside stealWork after its sleep.
 * Timers: the P's due timers run first (checkTimers); stealWork runs other
 * Ps' in its last round; with nothing to run, one M sleeps until the next
 * timer (where Go blocks in netpoll(delay): a timed futex sleep on m.park,
 * mParkTimed<>, for epoll_wait's whole milliseconds: epollWaitNs), the
 * others stop. Differs: no netpoll of descriptors, GC
 * workers, trace reader or finalizers (their places are marked).
 */
function findRunnable(rt: Runtime, call: HostCall, steal?: StealResult): Found | TailCall {
  const mp = rt.curm();
  const s = rt.sched;
  for (;;) {
    // top:
    const pp = rt.p(mp.p);
    let stole = steal;
    steal = undefined;
    let now = 0;
    let pollUntil = stole && !isTail(stole) ? stole.pollUntil : 0;
    if (!stole) {
      if (s.gcwaiting !== 0) return gcstopm(rt, call); // then `goto top` when woken
      // (pp.runSafePointFn goes here)
      // the P's due timers run now (a goroutine they ready is in its queue)
      const ct = checkTimers(rt, pp, 0);
      now = ct.now;
      pollUntil = ct.pollUntil;
      // (the trace reader and GC workers go here)
      // now and then the global queue first, for fairness
      if (pp.schedtick % GLOBAL_QUEUE_CHECK_TICKS === 0 && s.runqsize > 0) {
        lock(rt, s.lock);
        const gp = globrunqget(rt, pp, 1);
        unlock(rt, s.lock);
        if (gp) return { gp, inheritTime: false, tryWakeP: false };
      }
      // (the finalizer goroutine would be woken here)
      const [lgp, inheritTime] = runqget(rt, pp);
      if (lgp) return { gp: lgp, inheritTime, tryWakeP: false };
      if (s.runqsize !== 0) {
        lock(rt, s.lock);
        const gp = globrunqget(rt, pp, 0);
        unlock(rt, s.lock);
        if (gp) return { gp, inheritTime: false, tryWakeP: false };
      }
      // (the non-blocking netpoll goes here)
      // spinning Ms: at most half as many as busy Ps
      const procs = rt.gomaxprocs;
      if (mp.spinning || 2 * s.nmspinning < procs - s.npidle) {
        if (!mp.spinning) {
          mp.spinning = true;
          s.nmspinning += 1;
          if (rt.events.active) rt.events.emit({ kind: 'spinning', m: mp.id, spinning: true, nmspinning: s.nmspinning });
        }
        stole = stealWork(rt, call);
      }
    }
    if (stole) {
      if (isTail(stole)) return stole;
      if (stole.gp) return { gp: stole.gp, inheritTime: stole.inheritTime ?? false, tryWakeP: false };
      if (stole.newWork) continue; // goto top
      if (stole.pollUntil !== 0 && (pollUntil === 0 || stole.pollUntil < pollUntil)) pollUntil = stole.pollUntil;
    }
    // nothing to do. (Idle-time GC marking and wasm's beforeIdle go here.)
    const allpSnapshot = rt.allp.slice();
    const idlepMaskSnapshot = rt.idlepMask.slice();
    const timerpMaskSnapshot = rt.timerpMask.slice();
    lock(rt, s.lock);
    if (s.gcwaiting !== 0) {
      unlock(rt, s.lock);
      continue;
    }
    if (s.runqsize !== 0) {
      const gp = globrunqget(rt, pp, 0)!;
      unlock(rt, s.lock);
      return { gp, inheritTime: false, tryWakeP: false };
    }
    if (releasep(rt).addr !== pp.addr) goThrow('findrunnable: wrong p');
    pidleput(rt, pp);
    unlock(rt, s.lock);
    // From spinning to not spinning: drop nmspinning first, then look at every
    // P's queue again, so that work queued meanwhile is not missed.
    const wasSpinning = mp.spinning;
    if (mp.spinning) {
      mp.spinning = false;
      decNmspinning(rt, 'findrunnable: negative nmspinning');
      if (rt.events.active) rt.events.emit({ kind: 'spinning', m: mp.id, spinning: false, nmspinning: s.nmspinning });
      const p2 = checkRunqsNoP(rt, allpSnapshot, idlepMaskSnapshot);
      if (p2) {
        acquirep(rt, p2);
        mp.spinning = true;
        s.nmspinning += 1;
        if (rt.events.active) rt.events.emit({ kind: 'spinning', m: mp.id, spinning: true, nmspinning: s.nmspinning });
        continue;
      }
      // (idle-priority GC work is checked here)
      // timers created or due meanwhile
      pollUntil = checkTimersNoP(rt, allpSnapshot, timerpMaskSnapshot, pollUntil);
    }
    // Wait for the next timer (Go: netpoll(delay), which blocks in epoll):
    // one M at a time sleeps on its m.park with that timeout (mParkTimed<>).
    if (pollUntil !== 0 && rt.pollerM === 0) {
      rt.pollerM = mp.addr;
      rt.pollUntil = pollUntil;
      rt.pollBroken = false;
      if (mp.p !== 0) goThrow('findrunnable: netpoll with p');
      if (mp.spinning) goThrow('findrunnable: netpoll with spinning');
      if (now === 0) now = rt.nanotime();
      const delay = Math.max(pollUntil - now, 0);
      if (rt.events.active) rt.events.emit({ kind: 'stopm', m: mp.id, locked: false });
      return mParkTimed(rt, call, wasSpinning ? 'netpollSpinning' : 'netpoll', epollWaitNs(delay)); // then netpollWoken (idle.ts)
    } else if (pollUntil !== 0) {
      // another M waits, maybe too long: interrupt it
      if (rt.pollUntil === 0 || rt.pollUntil > pollUntil) netpollBreak(rt);
    }
    return stopm(rt, call, 'findRunnable'); // then `goto top`
  }
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
  if (!resumeParked(rt, gp)) {
    // semacquire's loop parks it again (sema.ts): it never gets to run; schedule instead
    casgstatus(gp, _Grunning, _Gwaiting);
    if (rt.events.active) rt.events.emit({ kind: 'gostatus', goid: gp.goid, g: gp.addr, from: _Grunning, to: _Gwaiting, reason: waitReasonString(gp.waitreason) });
    dropg(rt);
    return schedule(rt, call);
  }
  return call.tailCall(rt.machine.sym('runtime.gogo'), [gp.sched.addr], 'abi0');
}

/** Ports goexit1: finish the current goroutine on g0: mcall(goexit0). */
export function goexit1(rt: Runtime, call: HostCall): TailCall {
  return call.tailCall(rt.machine.sym('runtime.mcall'), [rt.funcval('runtime.goexit0')], 'internal');
}

/**
 * Ports goexit0 (on g0, gp = the goroutine that finished): mark it dead,
 * clear what it held (gdestroy), put it on the P's free list and schedule.
 * A goroutine that exits while locked to its M (LockOSThread without
 * UnlockOSThread) takes the thread with it: gogo(&g0.sched) returns into
 * mstart, which calls mexit.
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
  if (locked && m.lockedInt !== 0) {
    rt.write(2, `invalid m->lockedInt = ${m.lockedInt}\n`);
    goThrow('internal lockOSThread error');
  }
  gfput(rt, rt.p(m.p), gp);
  if (locked) return call.tailCall(rt.machine.sym('runtime.gogo'), [rt.g(m.g0).sched.addr], 'abi0');
  return schedule(rt, call);
}

/** Ports dropg: the M no longer runs its curg. */
export function dropg(rt: Runtime): void {
  const m = rt.curm();
  if (m.curg !== 0) rt.g(m.curg).m = 0;
  m.curg = 0;
}

/**
 * How long netpoll(delay) blocks (netpoll_epoll.go): epoll_wait takes
 * milliseconds, so a delay under 1 ms waits 1 ms and a longer one is
 * truncated to whole milliseconds (the M then finds the timer not yet due
 * and waits again). So a timer fires up to about a millisecond after its
 * time, as in Go.
 */
export function epollWaitNs(delay: number): number {
  if (delay <= 0) return 0;
  if (delay < 1e6) return 1e6;
  if (delay < 1e15) return Math.floor(delay / 1e6) * 1e6;
  return 1e9 * 1e6;
}
