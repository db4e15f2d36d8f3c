// Wiring goroutines to threads: ports of go1.19 proc.go dolockOSThread,
// LockOSThread, lockOSThread, dounlockOSThread, UnlockOSThread,
// unlockOSThread and badunlockosthread.
//
// A locked goroutine (g.lockedm) runs only on its M (m.lockedg), and that M
// runs nothing else: when the goroutine blocks, schedule() hands the P off
// and the M sleeps (stoplockedm); when another M's findRunnable picks the
// goroutine, it hands its own P to the locked M and stops (startlockedm). The
// external count (LockOSThread, m.lockedExt) and the runtime's internal one
// (lockOSThread, m.lockedInt: runtime.main holds it while the packages'
// init functions run) are kept apart, as in Go; the goroutine is unwired
// when both are zero.
//
// Differs: Go's LockOSThread first starts the template thread (an M that
// makes new threads on behalf of locked ones, whose kernel state might be
// unusual); emulated threads carry no such state, newm always makes threads
// itself (newm.ts), so there is no template thread.
import type { Runtime } from './runtime.ts';
import { GoPanic, goThrow } from './throw.ts';

/** Ports dolockOSThread: wire the current goroutine and its M to each other. */
function dolockOSThread(rt: Runtime): void {
  const gp = rt.getg();
  const mp = rt.m(gp.m);
  mp.lockedg = gp.addr;
  gp.lockedm = mp.addr;
}

/** Ports LockOSThread (runtime.LockOSThread, called by programs). */
export function LockOSThread(rt: Runtime): void {
  const mp = rt.m(rt.getg().m);
  if (mp.lockedExt === 0xffffffff) throw new GoPanic('LockOSThread nesting overflow', rt.getg().goid);
  mp.lockedExt += 1;
  dolockOSThread(rt);
}

/** Ports lockOSThread: the runtime's own lock (runtime.main during init). */
export function lockOSThread(rt: Runtime): void {
  const mp = rt.m(rt.getg().m);
  mp.lockedInt += 1;
  dolockOSThread(rt);
}

/** Ports dounlockOSThread: unwire when neither count is held. */
function dounlockOSThread(rt: Runtime): void {
  const gp = rt.getg();
  const mp = rt.m(gp.m);
  if (mp.lockedInt !== 0 || mp.lockedExt !== 0) return;
  mp.lockedg = 0;
  gp.lockedm = 0;
}

/** Ports UnlockOSThread (runtime.UnlockOSThread): undo one LockOSThread; a no-op without one. */
export function UnlockOSThread(rt: Runtime): void {
  const mp = rt.m(rt.getg().m);
  if (mp.lockedExt === 0) return;
  mp.lockedExt -= 1;
  dounlockOSThread(rt);
}

/** Ports unlockOSThread: undo the runtime's lockOSThread (badunlockosthread without one). */
export function unlockOSThread(rt: Runtime): void {
  const mp = rt.m(rt.getg().m);
  if (mp.lockedInt === 0) goThrow('runtime: internal error: misuse of lockOSThread/unlockOSThread');
  mp.lockedInt -= 1;
  dounlockOSThread(rt);
}

/**
 * runtime.main's `defer func() { if needUnlock { unlockOSThread() } }()`
 * (proc.go, after the runtime package's init): needUnlock is set here; the
 * deferred call is the main goroutine's outermost one, so it runs when a
 * panic or Goexit there has run every other deferred call
 * (mainDeferredUnlock, called by deferloop with an empty chain). Differs:
 * no _defer record is made for it.
 */
export function mainDeferUnlock(rt: Runtime): void {
  rt.mem.setU32(rt.machine.sym('runtime.main.needUnlock'), 1);
}

/** runtime.main after the program's init: needUnlock = false; unlockOSThread(). */
export function mainInitDone(rt: Runtime): void {
  rt.mem.setU32(rt.machine.sym('runtime.main.needUnlock'), 0);
  unlockOSThread(rt);
}

/** The deferred call of mainDeferUnlock, when the main goroutine's chain has run out during init. */
export function mainDeferredUnlock(rt: Runtime): void {
  const a = rt.machine.sym('runtime.main.needUnlock');
  if (rt.getg().goid !== 1 || rt.mem.u32(a) === 0) return;
  rt.mem.setU32(a, 0);
  unlockOSThread(rt);
}
