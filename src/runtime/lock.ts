// Runtime locks: ports of go1.19 lock_futex.go lock2 and unlock2.
//
// Why there is no contended path (the choice between porting lock2's
// spin/osyield/futex-sleep loop and host-side atomicity): a host function
// runs from start to end between two instructions of its thread, so a lock
// it takes and releases inside one call is never seen held by another M. The
// one place Go holds a runtime lock across machine code is a park: chansend,
// chanrecv and semacquire keep the channel's or semaRoot's lock through
// gopark -> mcall -> park_m, whose unlock function releases it once the
// goroutine is _Gwaiting (so a waker cannot goready it while it is still
// _Grunning). Those few instructions of mcall are made atomic the way a
// kernel makes a spinlock holder's: while an M holds a runtime lock its
// thread is in a critical section of the emulated OS (Threads.enterCritical),
// which does not give its CPU to another thread at the end of a quantum. So
// no M ever finds a lock held by another; lock2's wait (a futex sleep inside
// a host function that could not resume) is never needed, and finding a lock
// held is a bug (a leaked lock) that throws. The locks are still real words
// in emulated memory (mutex.key), taken where Go takes them, so "sched.lock
// held" is a fact a debug check asserts and a reader of memory sees what Go
// would.
import { Mutex } from '../go119/index.ts';
import type { Runtime } from './runtime.ts';
import { goThrow } from './throw.ts';

/** mutex.key values of lock_futex.go. */
const mutex_unlocked = 0;
const mutex_locked = 1;

/** Ports lock/lock2: take l; the current M counts it in m.locks. */
export function lock(rt: Runtime, l: Mutex): void {
  const m = rt.curm();
  if (m.locks < 0) goThrow('runtime·lock: lock count');
  m.locks += 1;
  if (l.key !== mutex_unlocked) goThrow('lock: lock already held (a leaked runtime lock: no M holds one outside a critical section)');
  l.key = mutex_locked;
  const t = rt.threads.current;
  if (t) rt.threads.enterCritical(t);
}

/**
 * Ports unlock/unlock2: release l. Differs: Go then restores a preemption
 * request (stackguard0 = stackPreempt) that newstack cleared while locks were
 * held; there are no preemption requests yet.
 */
export function unlock(rt: Runtime, l: Mutex): void {
  if (l.key === mutex_unlocked) goThrow('unlock of unlocked lock');
  l.key = mutex_unlocked;
  const m = rt.curm();
  m.locks -= 1;
  if (m.locks < 0) goThrow('runtime·unlock: lock count');
  const t = rt.threads.current;
  if (t && t.critical > 0) rt.threads.leaveCritical(t);
}

/** The runtime lock at address a (a mutex field of some struct, e.g. hchan.lock). */
export function mutexAt(rt: Runtime, a: number): Mutex {
  return new Mutex(rt.L, rt.mem, a);
}
