// Runtime locks: ports of go1.19 lock_futex.go lock2 and unlock2 for the
// one case that can happen here. A host function runs from start to end
// before any other thread runs an instruction, and it releases every lock it
// takes before it returns or tail-calls, so a lock is never found held by
// another M: the uncontended path (key 0 -> locked, m.locks counted) is all
// there is. A lock found held means one was leaked, and throws.
// The locks are real words in emulated memory (mutex.key), so a debug check
// can assert "sched.lock held" (assert.ts assertLocked) and a reader of
// memory sees what Go would.
import type { Mutex } from '../go119/index.ts';
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
  if (l.key !== mutex_unlocked) goThrow('lock: lock already held (a host function cannot wait for a runtime lock)');
  l.key = mutex_locked;
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
}
