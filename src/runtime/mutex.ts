// sync.Mutex, after sync/mutex.go over the runtime's semaphores: Mutex is
// {state int32; sema uint32}; state holds the locked bit and, from bit 3 up,
// the number of waiters. Lock takes a free mutex at once; otherwise the
// goroutine joins the mutex's queue of waiters and parks (wait reason
// "semacquire", as in go1.19). Unlock with waiters hands the mutex directly to
// the first of them (it stays locked; the waiter is readied and owns it when
// it runs): go1.19's starvation mode. Normal mode's barging (a running
// goroutine may take the mutex before the woken one runs) is not modelled;
// at GOMAXPROCS=1 the two differ only for goroutines that block while
// holding a mutex. The queues are plain data on the Runtime (rt.lang): the
// address of each mutex with waiters, and the g addresses in order.
//
// With several Ms, a waiter is queued before it parks: as Go's semacquire
// does, the mutex's semaRoot lock is held from the queueing through gopark
// until park_m's unlock function (parkunlock_c) has made it _Gwaiting, and
// the unlocking side takes the same lock to dequeue, so no M readies a
// waiter that is still _Grunning.
import { waitReasonSemacquire } from '../go119/index.ts';
import type { HostCall, TailCall } from '../os/host.ts';
import { lock, unlock } from './lock.ts';
import { gopark, goready } from './park.ts';
import type { Runtime } from './runtime.ts';
import { rootFor } from './sema.ts';
import { goFatal } from './throw.ts';

/** Park the current goroutine, queued on mutex m, with m's semaRoot lock held until it is parked. */
function parkOn(rt: Runtime, call: HostCall, m: number, enqueue: () => void): TailCall {
  const root = rootFor(rt, m);
  lock(rt, root.lock);
  enqueue();
  return gopark(rt, call, { reason: waitReasonSemacquire, unlockf: 'runtime.parkunlock_c', lock: root.addrOf('lock') });
}

/** Run f under mutex m's semaRoot lock (the waker's side of parkOn). */
function underRoot<T>(rt: Runtime, m: number, f: () => T): T {
  const root = rootFor(rt, m);
  lock(rt, root.lock);
  try {
    return f();
  } finally {
    unlock(rt, root.lock);
  }
}

const LOCKED = 1;
const WAITER_SHIFT = 3;

/** (*Mutex).Lock */
export function mutexLock(rt: Runtime, call: HostCall, m: number): TailCall | undefined {
  const state = rt.mem.u32(m);
  if ((state & LOCKED) === 0) {
    rt.mem.setU32(m, state | LOCKED);
    return undefined;
  }
  rt.mem.setU32(m, state + (1 << WAITER_SHIFT));
  return parkOn(rt, call, m, () => (rt.lang.mutexWaiters[m] ??= []).push(rt.getg().addr));
}

/** (*Mutex).Unlock: "fatal error: sync: unlock of unlocked mutex" when it is not locked. */
export function mutexUnlock(rt: Runtime, m: number): void {
  const state = rt.mem.u32(m);
  // sync's fatal(): the message, then the running goroutine (as GOTRACEBACK=single shows it)
  if ((state & LOCKED) === 0) goFatal('sync: unlock of unlocked mutex', ['', `goroutine ${rt.getg().goid} [running]:`]);
  const next = underRoot(rt, m, () => {
    const q = rt.lang.mutexWaiters[m];
    const n = q?.shift();
    if (q && q.length === 0) delete rt.lang.mutexWaiters[m];
    return n;
  });
  if (next === undefined) {
    rt.mem.setU32(m, state & ~LOCKED);
    return;
  }
  rt.mem.setU32(m, state - (1 << WAITER_SHIFT));
  goready(rt, rt.g(next));
}

// sync.RWMutex {w Mutex; writerSem, readerSem uint32; readerCount, readerWait int32}:
// the words used here are state (offset 0: 1 while a writer holds it) and
// readers (offset 16: readers holding it). Waiters queue in order of arrival
// (rt.lang.rwWaiters: g address and whether it wants to write): a waiting
// writer blocks new readers, as in Go; when the last reader leaves, the
// writer at the head gets the lock; when a writer unlocks, the readers at
// the head of the queue get it together, or else the next writer.
const RW_WRITER = 0;
const RW_READERS = 16;

function rwWake(rt: Runtime, m: number): void {
  const ready = underRoot(rt, m, () => {
    const q = rt.lang.rwWaiters[m];
    const out: number[] = [];
    if (!q || q.length === 0) return out;
    if (q[0]!.write) {
      if (rt.mem.u32(m + RW_READERS) !== 0) return out;
      const w = q.shift()!;
      rt.mem.setU32(m + RW_WRITER, 1);
      out.push(w.g);
    } else {
      while (q.length > 0 && !q[0]!.write) {
        const r = q.shift()!;
        rt.mem.setU32(m + RW_READERS, rt.mem.u32(m + RW_READERS) + 1);
        out.push(r.g);
      }
    }
    if (q.length === 0) delete rt.lang.rwWaiters[m];
    return out;
  });
  for (const g of ready) goready(rt, rt.g(g));
}

function rwPark(rt: Runtime, call: HostCall, m: number, write: boolean): TailCall {
  return parkOn(rt, call, m, () => (rt.lang.rwWaiters[m] ??= []).push({ g: rt.getg().addr, write }));
}

/** (*RWMutex).RLock */
export function rwRLock(rt: Runtime, call: HostCall, m: number): TailCall | undefined {
  const waitingWriter = rt.lang.rwWaiters[m]?.some((w) => w.write);
  if (rt.mem.u32(m + RW_WRITER) !== 0 || waitingWriter) return rwPark(rt, call, m, false);
  rt.mem.setU32(m + RW_READERS, rt.mem.u32(m + RW_READERS) + 1);
  return undefined;
}

/** (*RWMutex).RUnlock */
export function rwRUnlock(rt: Runtime, m: number): void {
  const r = rt.mem.u32(m + RW_READERS);
  if (r === 0) goFatal('sync: RUnlock of unlocked RWMutex', ['', `goroutine ${rt.getg().goid} [running]:`]);
  rt.mem.setU32(m + RW_READERS, r - 1);
  if (r === 1) rwWake(rt, m);
}

/** (*RWMutex).Lock */
export function rwLock(rt: Runtime, call: HostCall, m: number): TailCall | undefined {
  if (rt.mem.u32(m + RW_WRITER) !== 0 || rt.mem.u32(m + RW_READERS) !== 0 || rt.lang.rwWaiters[m]?.length) return rwPark(rt, call, m, true);
  rt.mem.setU32(m + RW_WRITER, 1);
  return undefined;
}

/** (*RWMutex).Unlock */
export function rwUnlock(rt: Runtime, m: number): void {
  if (rt.mem.u32(m + RW_WRITER) === 0) goFatal('sync: Unlock of unlocked RWMutex', ['', `goroutine ${rt.getg().goid} [running]:`]);
  rt.mem.setU32(m + RW_WRITER, 0);
  rwWake(rt, m);
}
