// Idle Ms and Ps: ports of go1.19 proc.go acquirep, wirep, releasep,
// pidleput, pidleget, mput, mget, stopm, mPark, startm, handoffp, wakep,
// resetspinning, stoplockedm, startlockedm, gcstopm, incidlelocked, checkdead
// and mexit.
//
// Who owns what (runtime2.go, restated): an M runs Go code only while it
// holds a P (m.p, p.m, _Prunning). A P nobody holds is on the idle list
// (sched.pidle, bit set in idlepMask) or in transit to an M: handed over in
// m.nextp before the M is woken (startm, startlockedm, startTheWorld). An M
// with nothing to do sleeps on its note m.park (stopm -> mPark), on the idle
// list sched.midle; an M locked to a goroutine (LockOSThread) sleeps the same
// way but off that list (stoplockedm, counted in sched.nmidlelocked).
// A spinning M holds a P but no goroutine and is looking for work to steal;
// sched.nmspinning counts them (and the Ms startm is about to start spinning).
//
// Sleeping is the futex: mPark tail-calls the glue runtime.mPark<>
// (asm/<arch>/sys_linux.s: notesleep(&m.park); noteclear(&m.park)), which
// then enters runtime.mPark.resume. What the M does next depends on who
// parked it, kept per M in Runtime.mParkNext (plain data): stopm's caller
// goes on with findRunnable (or schedule, after startlockedm), stoplockedm
// runs the locked goroutine, a wedged m0 throws.
//
// Go's atomics on sched.nmspinning and sched.npidle are plain reads and
// writes here (a host function runs without interruption).
import type { HostCall, TailCall } from '../os/host.ts';
import { _Gpreempted, _Grunnable, _Grunning, _Gsyscall, _Gwaiting, _Pgcstop, _Pidle, _Prunning, type G, type M, type P } from '../go119/index.ts';
import { assertLocked } from './assert.ts';
import { lock, unlock } from './lock.ts';
import { notewakeup } from './lock_futex.ts';
import { newm } from './newm.ts';
import { mReserveID } from './proc.ts';
import { runqempty } from './runq.ts';
import type { Runtime } from './runtime.ts';
import { execute, findRunnableThenSchedule, scheduleTop } from './sched.ts';
import { setPStatus } from './status.ts';
import { anyTimers } from './time.ts';
import { goFatal, goThrow } from './throw.ts';
import { tracebackothers } from './traceback.ts';

/** What an M does when it wakes up from mPark (see the file comment). */
export type MParkNext = 'findRunnable' | 'schedule' | 'lockedg' | 'wedged' | 'netpoll' | 'netpollSpinning';

// ---- pMask (idlepMask, timerpMask): one bit per P id --------------------------

export function pMaskRead(mask: readonly number[], id: number): boolean {
  return (((mask[id >>> 5] ?? 0) >>> (id & 31)) & 1) === 1;
}
export function pMaskSet(mask: number[], id: number): void {
  mask[id >>> 5] = ((mask[id >>> 5] ?? 0) | (1 << (id & 31))) >>> 0;
}
export function pMaskClear(mask: number[], id: number): void {
  mask[id >>> 5] = ((mask[id >>> 5] ?? 0) & ~(1 << (id & 31))) >>> 0;
}

// ---- Ps ----------------------------------------------------------------------------

/** Ports acquirep / wirep: associate pp with the current M and make it _Prunning. */
export function acquirep(rt: Runtime, pp: P): void {
  const mp = rt.curm();
  if (mp.p !== 0) goThrow('wirep: already in go');
  if (pp.m !== 0 || pp.status !== _Pidle) {
    const id = pp.m !== 0 ? rt.m(pp.m).id : 0;
    rt.write(2, `wirep: p->m=${pp.m}(${id}) p->status=${pp.status}\n`);
    goThrow('wirep: invalid p state');
  }
  mp.p = pp.addr;
  pp.m = mp.addr;
  setPStatus(pp, _Pidle, _Prunning);
  if (rt.events.active) rt.events.emit({ kind: 'acquirep', m: mp.id, p: pp.id });
}

/** Ports releasep: disassociate the current M and its P (now _Pidle, owned by the caller). */
export function releasep(rt: Runtime): P {
  const mp = rt.curm();
  if (mp.p === 0) goThrow('releasep: invalid arg');
  const pp = rt.p(mp.p);
  if (pp.m !== mp.addr || pp.status !== _Prunning) {
    rt.write(2, `releasep: m=${mp.addr} m->p=${mp.p} p->m=${pp.m} p->status=${pp.status}\n`);
    goThrow('releasep: invalid p state');
  }
  mp.p = 0;
  pp.m = 0;
  setPStatus(pp, _Prunning, _Pidle);
  if (rt.events.active) rt.events.emit({ kind: 'releasep', m: mp.id, p: pp.id });
  return pp;
}

/**
 * Ports pidleput: pp (with an empty run queue) onto the idle list.
 * Differs: no limiter events; timers are not ported, so timerpMask stays set.
 * Precondition: sched.lock held.
 */
export function pidleput(rt: Runtime, pp: P): void {
  assertLocked(rt, rt.sched.lock, 'sched.lock', 'pidleput');
  if (!runqempty(pp)) goThrow('pidleput: P has non-empty run queue');
  // updateTimerPMask: a P without timers need not be looked at for them
  if (pp.numTimers === 0) pMaskClear(rt.timerpMask, pp.id);
  pMaskSet(rt.idlepMask, pp.id);
  pp.link = rt.sched.pidle;
  rt.sched.pidle = pp.addr;
  rt.sched.npidle += 1;
}

/** Ports pidleget: a P off the idle list (now owned by the caller), or undefined. Precondition: sched.lock held. */
export function pidleget(rt: Runtime): P | undefined {
  assertLocked(rt, rt.sched.lock, 'sched.lock', 'pidleget');
  const a = rt.sched.pidle;
  if (a === 0) return undefined;
  const pp = rt.p(a);
  pMaskSet(rt.timerpMask, pp.id);
  pMaskClear(rt.idlepMask, pp.id);
  rt.sched.pidle = pp.link;
  rt.sched.npidle -= 1;
  return pp;
}

// ---- Ms --------------------------------------------------------------------------

/** Ports mput: mp onto the idle M list, then look for a deadlock. Precondition: sched.lock held. */
export function mput(rt: Runtime, mp: M): void {
  assertLocked(rt, rt.sched.lock, 'sched.lock', 'mput');
  mp.schedlink = rt.sched.midle;
  rt.sched.midle = mp.addr;
  rt.sched.nmidle += 1;
  checkdead(rt);
}

/** Ports mget: an idle M, or undefined. Precondition: sched.lock held. */
export function mget(rt: Runtime): M | undefined {
  assertLocked(rt, rt.sched.lock, 'sched.lock', 'mget');
  const a = rt.sched.midle;
  if (a === 0) return undefined;
  const mp = rt.m(a);
  rt.sched.midle = mp.schedlink;
  rt.sched.nmidle -= 1;
  return mp;
}

/**
 * Ports mPark: sleep on m.park until notewakeup, then continue as `next`
 * says (runtime.mPark.resume). Ends the host call.
 */
export function mPark(rt: Runtime, call: HostCall, next: MParkNext): TailCall {
  const mp = rt.curm();
  rt.mParkNext.set(mp.addr, next);
  return call.tailCall(rt.machine.sym('runtime.mPark<>'), [mp.addrOf('park')], 'internal');
}

/**
 * Ports the wait of findRunnable's netpoll(delay): sleep on m.park for at
 * most ns (the next timer), then go on as `next` says (netpollWoken).
 * Ends the host call.
 */
export function mParkTimed(rt: Runtime, call: HostCall, next: 'netpoll' | 'netpollSpinning', ns: number): TailCall {
  const mp = rt.curm();
  rt.mParkNext.set(mp.addr, next);
  return call.tailCall(rt.machine.sym('runtime.mParkTimed<>'), [mp.addrOf('park'), ...call.i64(ns)], 'internal');
}

/**
 * Ports stopm: the current M (no P, not spinning, no locks) goes on the idle
 * list and sleeps until startm hands it a P in m.nextp; then it acquires that
 * P and goes on as `next` says (Go's callers: findRunnable and gcstopm `goto
 * top` of findRunnable; startlockedm of schedule).
 */
export function stopm(rt: Runtime, call: HostCall, next: 'findRunnable' | 'schedule'): TailCall {
  const mp = rt.curm();
  if (mp.locks !== 0) goThrow('stopm holding locks');
  if (mp.p !== 0) goThrow('stopm holding p');
  if (mp.spinning) goThrow('stopm spinning');
  lock(rt, rt.sched.lock);
  mput(rt, mp);
  unlock(rt, rt.sched.lock);
  if (rt.events.active) rt.events.emit({ kind: 'stopm', m: mp.id, locked: false });
  return mPark(rt, call, next);
}

/**
 * runtime.mPark.resume: the M was woken (noteclear done by the glue). Ports
 * what follows mPark in stopm (acquirep(m.nextp)) and its callers, in
 * stoplockedm (check that the locked goroutine is runnable, acquirep, and
 * schedule's execute of it), and in mexit for m0 ("locked m0 woke up").
 */
export function mParkResume(rt: Runtime, call: HostCall): TailCall {
  const mp = rt.curm();
  const next = rt.mParkNext.get(mp.addr);
  rt.mParkNext.delete(mp.addr);
  switch (next) {
    case 'wedged':
      return goThrow('locked m0 woke up');
    case 'lockedg': {
      const gp = rt.g(mp.lockedg);
      const status = gp.atomicstatus;
      if (status !== _Grunnable) {
        rt.write(2, `runtime:stoplockedm: lockedg (atomicstatus=${status}) is not Grunnable or Gscanrunnable\n`);
        goThrow('stoplockedm: not runnable');
      }
      acquirep(rt, rt.p(mp.nextp));
      mp.nextp = 0;
      return execute(rt, call, gp, false);
    }
    case 'netpoll':
    case 'netpollSpinning':
      return netpollWoken(rt, call, next === 'netpollSpinning');
    case 'findRunnable':
    case 'schedule':
      acquirep(rt, rt.p(mp.nextp));
      mp.nextp = 0;
      return next === 'schedule' ? scheduleTop(rt, call) : findRunnableThenSchedule(rt, call);
    default:
      return goThrow(`mPark.resume: M${mp.id} woke up without a reason to`);
  }
}

/**
 * What findRunnable does after netpoll(delay) returns (the M waited for the
 * next timer, mParkTimed<>): no M polls now (sched.lastpoll set again); take
 * an idle P and look for work from the top (the due timers run in
 * checkTimers), spinning again if it was; with no idle P, stop.
 */
function netpollWoken(rt: Runtime, call: HostCall, wasSpinning: boolean): TailCall {
  const mp = rt.curm();
  rt.pollerM = 0;
  rt.pollUntil = 0;
  rt.pollBroken = false;
  lock(rt, rt.sched.lock);
  const pp = pidleget(rt);
  unlock(rt, rt.sched.lock);
  if (!pp) return stopm(rt, call, 'findRunnable');
  acquirep(rt, pp);
  if (wasSpinning) {
    mp.spinning = true;
    rt.sched.nmspinning += 1;
  }
  return findRunnableThenSchedule(rt, call);
}

/**
 * Ports startm: run pp (or, with none, an idle P; with no idle P, nothing) on
 * an idle M, woken with pp in m.nextp, or on a new M (newm). With spinning,
 * the caller counted the M in nmspinning: it starts spinning (or the count is
 * taken back when there is no P).
 */
export function startm(rt: Runtime, pp: P | undefined, spinning: boolean): void {
  const mp = rt.curm();
  mp.locks += 1; // acquirem
  lock(rt, rt.sched.lock);
  if (!pp) {
    pp = pidleget(rt);
    if (!pp) {
      unlock(rt, rt.sched.lock);
      if (spinning) decNmspinning(rt, 'startm: negative nmspinning');
      mp.locks -= 1; // releasem
      return;
    }
  }
  const nmp = mget(rt);
  if (!nmp) {
    // reserve the new M's id (so it counts as running) before dropping sched.lock
    const id = mReserveID(rt);
    unlock(rt, rt.sched.lock);
    newm(rt, spinning ? 'runtime.mspinning' : undefined, pp, id);
    mp.locks -= 1;
    return;
  }
  unlock(rt, rt.sched.lock);
  if (nmp.spinning) goThrow('startm: m is spinning');
  if (nmp.nextp !== 0) goThrow('startm: m has p');
  if (spinning && !runqempty(pp)) goThrow('startm: p has runnable gs');
  nmp.spinning = spinning;
  nmp.nextp = pp.addr;
  if (rt.events.active) {
    rt.events.emit({ kind: 'startm', by: mp.id, m: nmp.id, p: pp.id, spinning });
    if (spinning) rt.events.emit({ kind: 'spinning', m: nmp.id, spinning: true, nmspinning: rt.sched.nmspinning });
  }
  notewakeup(rt, nmp.addrOf('park'));
  mp.locks -= 1;
}

/**
 * Ports handoffp: pp was released by a locked or exiting M (or, later, one in
 * a system call): start an M for it when findRunnable would find work (its
 * run queue, the global queue), or a spinning M when none is looking;
 * otherwise it goes idle (or _Pgcstop while the world is being stopped).
 * Differs: no trace reader, GC work, safe-point functions or timers.
 */
export function handoffp(rt: Runtime, pp: P): void {
  const s = rt.sched;
  const mp = rt.curm();
  const handed = (to: 'm' | 'idle' | 'gcstop') => {
    if (rt.events.active) rt.events.emit({ kind: 'handoffp', m: mp.id, p: pp.id, to });
  };
  if (!runqempty(pp) || s.runqsize !== 0) {
    handed('m');
    return startm(rt, pp, false);
  }
  // no local work: start a spinning M if nobody else is looking (Go's CAS of nmspinning 0 -> 1)
  if (s.nmspinning + s.npidle === 0) {
    s.nmspinning = 1;
    handed('m');
    return startm(rt, pp, true);
  }
  lock(rt, s.lock);
  if (s.gcwaiting !== 0) {
    setPStatus(pp, _Pidle, _Pgcstop);
    s.stopwait -= 1;
    if (s.stopwait === 0) notewakeup(rt, s.addrOf('stopnote'));
    unlock(rt, s.lock);
    return handed('gcstop');
  }
  if (s.runqsize !== 0) {
    unlock(rt, s.lock);
    handed('m');
    return startm(rt, pp, false);
  }
  // the last running P: Go starts an M so that someone polls the network
  if (s.npidle === rt.gomaxprocs - 1 && s.lastpoll !== 0) {
    unlock(rt, s.lock);
    handed('m');
    return startm(rt, pp, false);
  }
  pidleput(rt, pp);
  unlock(rt, s.lock);
  handed('idle');
}

/** sched.nmspinning - 1 (a uint32 in Go, checked as int32): a count below zero is the throw `msg`. */
export function decNmspinning(rt: Runtime, msg: string): void {
  if (rt.sched.nmspinning === 0) goThrow(msg);
  rt.sched.nmspinning -= 1;
}

/** Ports wakep: one more M spinning for an idle P, unless some M is spinning already. */
export function wakep(rt: Runtime): void {
  const s = rt.sched;
  if (s.npidle === 0) return;
  if (s.nmspinning !== 0) return;
  s.nmspinning = 1;
  startm(rt, undefined, true);
}

/** Ports resetspinning: the M found work: it stops spinning and, being conservative, wakes another. */
export function resetspinning(rt: Runtime): void {
  const mp = rt.curm();
  if (!mp.spinning) goThrow('resetspinning: not a spinning m');
  mp.spinning = false;
  decNmspinning(rt, 'findrunnable: negative nmspinning');
  if (rt.events.active) rt.events.emit({ kind: 'spinning', m: mp.id, spinning: false, nmspinning: rt.sched.nmspinning });
  wakep(rt);
}

/**
 * Ports stoplockedm: the current M is locked to a goroutine that cannot run:
 * hand its P off and sleep until startlockedm gives it a P to run that
 * goroutine on (runtime.mPark.resume, 'lockedg').
 */
export function stoplockedm(rt: Runtime, call: HostCall): TailCall {
  const mp = rt.curm();
  if (mp.lockedg === 0 || rt.g(mp.lockedg).lockedm !== mp.addr) goThrow('stoplockedm: inconsistent locking');
  if (mp.p !== 0) handoffp(rt, releasep(rt));
  incidlelocked(rt, 1);
  if (rt.events.active) rt.events.emit({ kind: 'stopm', m: mp.id, locked: true });
  return mPark(rt, call, 'lockedg');
}

/** Ports startlockedm: hand the current P to the M locked to gp, wake it, and stop. */
export function startlockedm(rt: Runtime, call: HostCall, gp: G): TailCall {
  const cur = rt.curm();
  const mp = rt.m(gp.lockedm);
  if (mp.addr === cur.addr) goThrow('startlockedm: locked to me');
  if (mp.nextp !== 0) goThrow('startlockedm: m has p');
  incidlelocked(rt, -1);
  const pp = releasep(rt);
  mp.nextp = pp.addr;
  if (rt.events.active) rt.events.emit({ kind: 'startlockedm', m: cur.id, to: mp.id, p: pp.id, goid: gp.goid });
  notewakeup(rt, mp.addrOf('park'));
  return stopm(rt, call, 'schedule');
}

/** Ports gcstopm: the world is being stopped: give up the P (_Pgcstop) and stop. */
export function gcstopm(rt: Runtime, call: HostCall): TailCall {
  const s = rt.sched;
  const mp = rt.curm();
  if (s.gcwaiting === 0) goThrow('gcstopm: not waiting for gc');
  if (mp.spinning) {
    mp.spinning = false;
    decNmspinning(rt, 'gcstopm: negative nmspinning');
    if (rt.events.active) rt.events.emit({ kind: 'spinning', m: mp.id, spinning: false, nmspinning: s.nmspinning });
  }
  const pp = releasep(rt);
  lock(rt, s.lock);
  setPStatus(pp, _Pidle, _Pgcstop);
  s.stopwait -= 1;
  if (s.stopwait === 0) notewakeup(rt, s.addrOf('stopnote'));
  unlock(rt, s.lock);
  return stopm(rt, call, 'findRunnable');
}

/** Ports incidlelocked: count locked Ms that wait (v = 1, then look for a deadlock) or run again (v = -1). */
export function incidlelocked(rt: Runtime, v: number): void {
  lock(rt, rt.sched.lock);
  rt.sched.nmidlelocked += v;
  if (v > 0) checkdead(rt);
  unlock(rt, rt.sched.lock);
}

/** Ports mcount: Ms made and not yet exited. */
export function mcount(rt: Runtime): number {
  return rt.sched.mnext - rt.sched.nmfreed;
}

/**
 * Ports checkdead: if no M is running (all idle, idle and locked, or system
 * Ms), no goroutine can ever run again: every user goroutine has exited
 * (main called Goexit) or waits, and it is a deadlock; a goroutine found
 * runnable then is a runtime bug. Go's exact messages. Differs: no cgo extra
 * M, faketime or timers to wait for. Precondition: sched.lock held.
 */
export function checkdead(rt: Runtime): void {
  const s = rt.sched;
  assertLocked(rt, s.lock, 'sched.lock', 'checkdead');
  const run = mcount(rt) - s.nmidle - s.nmidlelocked - s.nmsys;
  if (run > 0) return;
  if (run < 0) {
    rt.write(2, `runtime: checkdead: nmidle=${s.nmidle} nmidlelocked=${s.nmidlelocked} mcount=${mcount(rt)} nmsys=${s.nmsys}\n`);
    goThrow('checkdead: inconsistent counts');
  }
  let grunning = 0;
  for (const a of rt.allgs) {
    const gp = rt.g(a);
    if (rt.isSystemGoroutine(gp)) continue;
    const st = gp.atomicstatus;
    if (st === _Gwaiting || st === _Gpreempted) grunning++;
    else if (st === _Grunnable || st === _Grunning || st === _Gsyscall) {
      rt.write(2, `runtime: checkdead: find g ${gp.goid} in status ${st}\n`);
      goThrow('checkdead: runnable g');
    }
  }
  // a pending timer will ready someone: no deadlock (yet)
  if (anyTimers(rt)) return;
  unlock(rt, s.lock);
  if (grunning === 0) goFatal('no goroutines (main called runtime.Goexit) - deadlock!');
  goFatal('all goroutines are asleep - deadlock!', tracebackothers(rt));
}

/**
 * Ports mexit, reached when a goroutine that was locked to its M exits
 * (goexit0 -> gogo(&g0.sched) -> back in mstart -> runtime.mexit): the
 * thread ends. m0 cannot end (it is the process): it hands its P off and
 * sleeps for good. Another M leaves allm, hands its P off, counts itself
 * freed and exits its thread (runtime.exitThread). Differs: no signal stack
 * to free, no sched.freem reuse (the M stays in memory).
 */
export function mexit(rt: Runtime, call: HostCall): TailCall {
  const mp = rt.curm();
  const s = rt.sched;
  if (rt.events.active) rt.events.emit({ kind: 'mexit', m: mp.id });
  if (mp.addr === rt.m0.addr) {
    handoffp(rt, releasep(rt));
    lock(rt, s.lock);
    s.nmfreed += 1;
    checkdead(rt);
    unlock(rt, s.lock);
    return mPark(rt, call, 'wedged');
  }
  lock(rt, s.lock);
  const i = rt.allm.indexOf(mp.addr);
  if (i < 0) goThrow('m not found in allm');
  rt.allm.splice(i, 1);
  if (i > 0) rt.m(rt.allm[i - 1]!).alllink = mp.alllink;
  rt.mem.setU32(mp.addrOf('freeWait'), 1); // freeMWait
  unlock(rt, s.lock);
  handoffp(rt, releasep(rt));
  lock(rt, s.lock);
  s.nmfreed += 1;
  checkdead(rt);
  unlock(rt, s.lock);
  return call.tailCall(rt.machine.sym('runtime.exitThread'), [mp.addrOf('freeWait')], 'abi0');
}

