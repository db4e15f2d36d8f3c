// sync.Mutex and sync.RWMutex: ports of go1.19 sync/mutex.go (lockSlow,
// unlockSlow) and sync/rwmutex.go (RLock, RUnlock, rUnlockSlow, Lock,
// Unlock) over the runtime's semaphores (sema.go), with proc.go's
// sync_runtime_canSpin and goyield.
//
// Mutex is {state int32; sema uint32}: state holds mutexLocked, mutexWoken,
// mutexStarving and, from bit 3 up, the number of waiters. Both modes are
// Go's: in normal mode a woken waiter competes with arriving goroutines
// (which may spin first, when canSpin allows: several Ps, one of them
// running something else, an empty local run queue); a waiter that waited
// more than 1 ms (virtual time) switches the mutex to starvation mode, in
// which Unlock hands the mutex straight to the first waiter (semrelease
// with handoff, then goyield) and arrivals queue at the tail. The switches
// are events ('mutexmode').
//
// The fast paths (Lock's CAS, Unlock's atomic add) and lockSlow's loop are
// machine code (asm/<arch>/sync.s); lockSlowStep is one iteration of that
// loop up to its next spin or sleep, with lockSlow's locals kept in the
// asm frame (a LockSlowState, whose address it is given for the call). All
// state changes of a step happen inside one host call, so each of Go's
// CompareAndSwap on m.state succeeds at its first try here.
import type { HostCall, TailCall } from '../os/host.ts';
import type { Runtime } from './runtime.ts';
import { goyield } from './park.ts';
import { runqempty } from './runq.ts';
import { semacquire1, semrelease1 } from './sema.ts';
import { goFatal, goThrow } from './throw.ts';

const mutexLocked = 1;
const mutexWoken = 2;
const mutexStarving = 4;
const mutexWaiterShift = 3;
const starvationThresholdNs = 1e6;
/** proc.go active_spin: the number of spins canSpin allows */
const active_spin = 4;

/** lockSlow's locals in the asm frame: byte offsets of a LockSlowState (32 bytes). */
const LS = { waitStartTime: 0, starving: 8, awoke: 12, iter: 16, phase: 20, lifo: 24 } as const;
/** What the asm loop does after a step. */
const STEP = { done: 0, spin: 1, sleep: 2 } as const;

const i32 = (v: number) => v | 0;

function state(rt: Runtime, m: number): number {
  return i32(rt.mem.u32(m));
}
function setState(rt: Runtime, m: number, v: number): void {
  rt.mem.setU32(m, v >>> 0);
}

/** sync's fatal(): the message, then the running goroutine (as GOTRACEBACK=single shows it). */
function syncFatal(rt: Runtime, msg: string): never {
  goFatal(msg, ['', `goroutine ${rt.getg().goid} [running]:`]);
}

/** Ports proc.go sync_runtime_canSpin. */
export function canSpin(rt: Runtime, i: number): boolean {
  if (i >= active_spin || rt.ncpu <= 1 || rt.gomaxprocs <= rt.sched.npidle + rt.sched.nmspinning + 1) return false;
  return runqempty(rt.curp());
}

function modeEvent(rt: Runtime, m: number, starving: boolean): void {
  if (rt.events.active) rt.events.emit({ kind: 'mutexmode', goid: rt.getg().goid, mutex: m, starving });
}

/**
 * One iteration of lockSlow's loop (sync/mutex.go), from its start or from
 * the return of runtime_doSpin / runtime_SemacquireMutex, up to the next of
 * them: returns STEP.spin, STEP.sleep (queueLifo in the state) or STEP.done.
 */
export function lockSlowStep(rt: Runtime, m: number, st: number): number {
  const { mem } = rt;
  let waitStartTime = Number(mem.u64(st + LS.waitStartTime));
  let starving = mem.u32(st + LS.starving) !== 0;
  let awoke = mem.u32(st + LS.awoke) !== 0;
  let iter = mem.u32(st + LS.iter);
  const save = () => {
    mem.setU64(st + LS.waitStartTime, BigInt(waitStartTime));
    mem.setU32(st + LS.starving, starving ? 1 : 0);
    mem.setU32(st + LS.awoke, awoke ? 1 : 0);
    mem.setU32(st + LS.iter, iter);
  };
  let old = state(rt, m);
  if (mem.u32(st + LS.phase) === 1) {
    // runtime_SemacquireMutex returned: this goroutine was woken
    mem.setU32(st + LS.phase, 0);
    starving = starving || rt.nanotime() - waitStartTime > starvationThresholdNs;
    if (old & mutexStarving) {
      // handed off to us: the mutex is ours, mutexLocked still to be set and we still counted as a waiter
      if (old & (mutexLocked | mutexWoken) || old >> mutexWaiterShift === 0) goThrow('sync: inconsistent mutex state');
      let delta = mutexLocked - (1 << mutexWaiterShift);
      if (!starving || old >> mutexWaiterShift === 1) {
        delta -= mutexStarving;
        modeEvent(rt, m, false);
      }
      setState(rt, m, old + delta);
      save();
      return STEP.done;
    }
    awoke = true;
    iter = 0;
  }
  // spinning makes sense only in normal mode, while someone holds the mutex
  if ((old & (mutexLocked | mutexStarving)) === mutexLocked && canSpin(rt, iter)) {
    if (!awoke && (old & mutexWoken) === 0 && old >> mutexWaiterShift !== 0) {
      setState(rt, m, old | mutexWoken);
      awoke = true;
    }
    iter++;
    save();
    return STEP.spin;
  }
  let nw = old;
  if ((old & mutexStarving) === 0) nw |= mutexLocked;
  if (old & (mutexLocked | mutexStarving)) nw += 1 << mutexWaiterShift;
  if (starving && old & mutexLocked) {
    if ((old & mutexStarving) === 0) modeEvent(rt, m, true);
    nw |= mutexStarving;
  }
  if (awoke) {
    if ((nw & mutexWoken) === 0) goThrow('sync: inconsistent mutex state');
    nw &= ~mutexWoken;
  }
  setState(rt, m, nw);
  if ((old & (mutexLocked | mutexStarving)) === 0) {
    save();
    return STEP.done;
  }
  mem.setU32(st + LS.lifo, waitStartTime !== 0 ? 1 : 0);
  if (waitStartTime === 0) waitStartTime = rt.nanotime();
  mem.setU32(st + LS.phase, 1);
  save();
  return STEP.sleep;
}

/**
 * Ports (*Mutex).unlockSlow (Unlock's atomic add is in the asm): wake one
 * waiter in normal mode, hand the mutex to the first one in starvation mode
 * (semrelease with handoff, then goyield so that it runs at once).
 */
export function unlockSlow(rt: Runtime, call: HostCall, m: number, nw: number): TailCall | undefined {
  nw = i32(nw);
  if (((nw + mutexLocked) & mutexLocked) === 0) syncFatal(rt, 'sync: unlock of unlocked mutex');
  if ((nw & mutexStarving) === 0) {
    const old = nw;
    if (old >> mutexWaiterShift === 0 || old & (mutexLocked | mutexWoken | mutexStarving)) return undefined;
    setState(rt, m, (old - (1 << mutexWaiterShift)) | mutexWoken);
    semrelease1(rt, m + 4);
    return undefined;
  }
  return semreleaseHandoff(rt, call, m + 4);
}

/** semrelease1(addr, handoff=true) and its goyield when the waiter got the unit (sema.go). */
function semreleaseHandoff(rt: Runtime, call: HostCall, addr: number): TailCall | undefined {
  const handedOff = semrelease1(rt, addr, true);
  if (handedOff && rt.curm().locks === 0) return goyield(rt, call);
  return undefined;
}

/** sync.runtime_SemacquireMutex(addr, lifo, skipframes): semacquire1 with lifo (no profiling). */
export function semacquireMutex(rt: Runtime, call: HostCall, addr: number, lifo: boolean): TailCall | undefined {
  return semacquire1(rt, call, addr, lifo);
}

// sync.RWMutex {w Mutex; writerSem, readerSem uint32; readerCount, readerWait int32} (go1.19)
const RW = { w: 0, writerSem: 8, readerSem: 12, readerCount: 16, readerWait: 20 } as const;
const rwmutexMaxReaders = 1 << 30;

function addI32(rt: Runtime, a: number, d: number): number {
  const v = i32(i32(rt.mem.u32(a)) + d);
  rt.mem.setU32(a, v >>> 0);
  return v;
}

/** Ports (*RWMutex).RLock: count a reader; while a writer holds or waits for it, sleep on readerSem. */
export function rwRLock(rt: Runtime, call: HostCall, rw: number): TailCall | undefined {
  if (addI32(rt, rw + RW.readerCount, 1) < 0) return semacquire1(rt, call, rw + RW.readerSem, false);
  return undefined;
}

/** Ports (*RWMutex).RUnlock and rUnlockSlow: the last reader a waiting writer waits for wakes it. */
export function rwRUnlock(rt: Runtime, rw: number): void {
  const r = addI32(rt, rw + RW.readerCount, -1);
  if (r >= 0) return;
  if (r + 1 === 0 || r + 1 === -rwmutexMaxReaders) syncFatal(rt, 'sync: RUnlock of unlocked RWMutex');
  if (addI32(rt, rw + RW.readerWait, -1) === 0) semrelease1(rt, rw + RW.writerSem);
}

/**
 * The part of (*RWMutex).Lock after rw.w.Lock() (the asm glue takes w
 * first): announce the writer to readers and wait for the active ones.
 */
export function rwLockWait(rt: Runtime, call: HostCall, rw: number): TailCall | undefined {
  const r = addI32(rt, rw + RW.readerCount, -rwmutexMaxReaders) + rwmutexMaxReaders;
  if (r !== 0 && addI32(rt, rw + RW.readerWait, r) !== 0) return semacquire1(rt, call, rw + RW.writerSem, false);
  return undefined;
}

/** The part of (*RWMutex).Unlock before rw.w.Unlock() (asm glue): let the blocked readers in. */
export function rwUnlockReaders(rt: Runtime, rw: number): void {
  const r = addI32(rt, rw + RW.readerCount, rwmutexMaxReaders);
  if (r >= rwmutexMaxReaders) syncFatal(rt, 'sync: Unlock of unlocked RWMutex');
  for (let i = 0; i < r; i++) semrelease1(rt, rw + RW.readerSem);
}
