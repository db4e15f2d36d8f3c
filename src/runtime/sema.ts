// Semaphores and sync.WaitGroup: ports of go1.19 sema.go (semTable.rootFor,
// semacquire1, semrelease1, readyWithTime, cansemacquire, semaRoot.queue /
// dequeue / rotateLeft / rotateRight) and sync/waitgroup.go Add/Done/Wait.
//
// As in Go, waiters live in emulated memory: runtime.semtable holds 251
// semaRoots (hashed by address); each root is a treap of sudogs with distinct
// addresses (ordered by address, heap-ordered by a random ticket from
// fastrand), and each of those heads a FIFO (or, with lifo, LIFO) list of
// further waiters on the same address through sudog.waitlink / waittail.
// The pointer-to-pointer walks of queue/dequeue use the addresses of the
// pointer slots themselves (&root.treap, &t.prev, &t.next).
//
// root.lock is taken as in Go (lock.ts): held from the queueing through
// gopark until park_m's parkunlock_c releases it.
// Differs: no block/mutex profiling; the table has no cache-line padding;
// semrelease1 reports a handoff and its caller (mutex.ts) does the goyield. The code
// after gopark in semacquire1 is semacquireResume (run by execute() from the
// goroutine's ParkResume, park.ts). A woken waiter that finds no unit (another
// goroutine took it first: possible with several Ms, e.g. on gcsema when
// goroutines call GOMAXPROCS at once) goes round semacquire1's loop and parks
// again; here it is queued again before it runs, and execute schedules
// instead of resuming it (it does not briefly run and mcall, as in Go).
import type { HostCall, TailCall } from '../os/host.ts';
import { acquireSudog, releaseSudog } from './chan.ts';
import { SemaRoot, Sudog, waitReasonSemacquire, type G } from '../go119/index.ts';
import { SEM_TAB_SIZE } from './globals.ts';
import { lock, unlock } from './lock.ts';
import { goready, gopark, type ParkResume } from './park.ts';
import type { Runtime } from './runtime.ts';
import { GoPanic, goThrow } from './throw.ts';
import { resumeIntoPanic } from './panic.ts';

function sudog(rt: Runtime, s: number): Sudog {
  return new Sudog(rt.L, rt.mem, s);
}

/** Ports semTable.rootFor: the semaRoot that addr hashes to. */
export function rootFor(rt: Runtime, addr: number): SemaRoot {
  const i = Math.floor(addr / 8) % SEM_TAB_SIZE;
  return new SemaRoot(rt.L, rt.mem, rt.machine.sym('runtime.semtable') + i * rt.L.sizes.semaRoot);
}

/** Ports cansemacquire: take one unit if *addr > 0. */
function cansemacquire(rt: Runtime, addr: number): boolean {
  const v = rt.mem.u32(addr);
  if (v === 0) return false;
  rt.mem.setU32(addr, v - 1);
  return true;
}

/**
 * Ports semacquire1 (no profiling): take a unit, or queue a sudog on addr's
 * semaRoot and park (goparkunlock) until semrelease1 readies it.
 */
export function semacquire1(rt: Runtime, call: HostCall, addr: number, lifo = false, waitGroup?: number): TailCall | undefined {
  const gp = rt.getg();
  if (gp.addr !== rt.curm().curg) goThrow('semacquire not on the G stack');
  if (cansemacquire(rt, addr)) return undefined;
  const s = acquireSudog(rt);
  const root = rootFor(rt, addr);
  s.releasetime = 0;
  s.acquiretime = 0;
  s.ticket = 0;
  lock(rt, root.lock);
  root.nwait += 1;
  if (cansemacquire(rt, addr)) {
    root.nwait -= 1;
    unlock(rt, root.lock);
    releaseSudog(rt, s);
    return undefined;
  }
  queue(rt, root, addr, s, lifo);
  return gopark(rt, call, {
    reason: waitReasonSemacquire,
    unlockf: 'runtime.parkunlock_c',
    lock: root.addrOf('lock'),
    resume: { kind: 'semacquire', sudog: s.addr, addr, ...(waitGroup !== undefined ? { waitGroup } : {}) },
  });
}

/**
 * The rest of semacquire1 once the woken waiter is about to run: take the
 * unit (or find it handed over: ticket 1) and release the sudog. Without a
 * unit, the loop again: queued once more under the root's lock, parked with
 * the same record (returns false: it must not run).
 */
export function semacquireResume(rt: Runtime, gp: G, r: Extract<ParkResume, { kind: 'semacquire' }>): boolean {
  const s = sudog(rt, r.sudog);
  // the unit taken: the sudog goes back, and WaitGroup.Wait makes its reuse check
  const acquired = () => {
    releaseSudog(rt, s);
    if (r.waitGroup !== undefined && waitGroupReused(rt, r.waitGroup)) resumeIntoPanic(rt, gp, new GoPanic(WG_REUSED, gp.goid));
    return true;
  };
  if (s.ticket !== 0 || cansemacquire(rt, r.addr)) return acquired();
  const root = rootFor(rt, r.addr);
  lock(rt, root.lock);
  root.nwait += 1;
  if (cansemacquire(rt, r.addr)) {
    root.nwait -= 1;
    unlock(rt, root.lock);
    return acquired();
  }
  queue(rt, root, r.addr, s, false, gp);
  unlock(rt, root.lock);
  gp.waitreason = waitReasonSemacquire;
  rt.parkResumes.set(gp.goid, r);
  return false;
}

/**
 * Ports semrelease1: add a unit and ready the first waiter on addr, if any;
 * with handoff, take the unit for that waiter (s.ticket = 1) so that nobody
 * else gets it first. Returns whether it handed a unit over: Go then
 * yields (goyield) unless the M holds locks; the caller does that here
 * (mutex.ts), since a yield ends the host call.
 */
export function semrelease1(rt: Runtime, addr: number, handoff = false): boolean {
  const root = rootFor(rt, addr);
  rt.mem.setU32(addr, (rt.mem.u32(addr) + 1) >>> 0);
  if (root.nwait === 0) return false;
  lock(rt, root.lock);
  if (root.nwait === 0) {
    unlock(rt, root.lock);
    return false;
  }
  const s = dequeue(rt, root, addr);
  if (s) root.nwait -= 1;
  unlock(rt, root.lock);
  if (!s) return false;
  if (s.ticket !== 0) goThrow('corrupted semaphore ticket');
  if (handoff && cansemacquire(rt, addr)) s.ticket = 1;
  readyWithTime(rt, s);
  return s.ticket === 1;
}

/** Ports readyWithTime: stamp the release time if profiled, and ready the waiter. */
function readyWithTime(rt: Runtime, s: Sudog): void {
  if (s.releasetime !== 0) s.releasetime = rt.nanotime();
  goready(rt, rt.g(s.g));
}

/** Ports semaRoot.queue: add s (the current goroutine, or gp) to the waiters on addr. */
export function queue(rt: Runtime, root: SemaRoot, addr: number, s: Sudog, lifo: boolean, gp: G = rt.getg()): void {
  const { mem } = rt;
  s.g = gp.addr;
  s.elem = addr;
  s.next = 0;
  s.prev = 0;
  let last = 0;
  let pt = root.addrOf('treap');
  for (let ta = mem.ptr(pt); ta !== 0; ta = mem.ptr(pt)) {
    const t = sudog(rt, ta);
    if (t.elem === addr) {
      if (lifo) {
        // s takes t's place in the treap; t heads s's list
        mem.setPtr(pt, s.addr);
        s.ticket = t.ticket;
        s.acquiretime = t.acquiretime;
        s.parent = t.parent;
        s.prev = t.prev;
        s.next = t.next;
        if (s.prev !== 0) sudog(rt, s.prev).parent = s.addr;
        if (s.next !== 0) sudog(rt, s.next).parent = s.addr;
        s.waitlink = t.addr;
        s.waittail = t.waittail;
        if (s.waittail === 0) s.waittail = t.addr;
        t.parent = 0;
        t.prev = 0;
        t.next = 0;
        t.waittail = 0;
      } else {
        // s goes to the end of t's list
        if (t.waittail === 0) t.waitlink = s.addr;
        else sudog(rt, t.waittail).waitlink = s.addr;
        t.waittail = s.addr;
        s.waitlink = 0;
      }
      return;
    }
    last = t.addr;
    pt = addr < t.elem ? t.addrOf('prev') : t.addrOf('next');
  }
  // a new leaf for a new address, then rotated up while its ticket is smaller than its parent's
  s.ticket = (rt.fastrand() | 1) >>> 0;
  s.parent = last;
  mem.setPtr(pt, s.addr);
  while (s.parent !== 0 && sudog(rt, s.parent).ticket > s.ticket) {
    const p = sudog(rt, s.parent);
    if (p.prev === s.addr) rotateRight(rt, root, p);
    else {
      if (p.next !== s.addr) goThrow('semaRoot queue');
      rotateLeft(rt, root, p);
    }
  }
}

/**
 * Ports semaRoot.dequeue: take the first waiter on addr (undefined if none).
 * The next waiter on addr, if any, takes its place in the treap; otherwise it
 * is rotated down to a leaf and removed.
 */
export function dequeue(rt: Runtime, root: SemaRoot, addr: number): Sudog | undefined {
  const { mem } = rt;
  let ps = root.addrOf('treap');
  let sa = mem.ptr(ps);
  for (; sa !== 0; sa = mem.ptr(ps)) {
    const t = sudog(rt, sa);
    if (t.elem === addr) break;
    ps = addr < t.elem ? t.addrOf('prev') : t.addrOf('next');
  }
  if (sa === 0) return undefined;
  const s = sudog(rt, sa);
  const now = s.acquiretime !== 0 ? rt.nanotime() : 0;
  if (s.waitlink !== 0) {
    const t = sudog(rt, s.waitlink);
    mem.setPtr(ps, t.addr);
    t.ticket = s.ticket;
    t.parent = s.parent;
    t.prev = s.prev;
    if (t.prev !== 0) sudog(rt, t.prev).parent = t.addr;
    t.next = s.next;
    if (t.next !== 0) sudog(rt, t.next).parent = t.addr;
    t.waittail = t.waitlink !== 0 ? s.waittail : 0;
    t.acquiretime = now;
    s.waitlink = 0;
    s.waittail = 0;
  } else {
    while (s.next !== 0 || s.prev !== 0) {
      if (s.next === 0 || (s.prev !== 0 && sudog(rt, s.prev).ticket < sudog(rt, s.next).ticket)) rotateRight(rt, root, s);
      else rotateLeft(rt, root, s);
    }
    if (s.parent !== 0) {
      const p = sudog(rt, s.parent);
      if (p.prev === s.addr) p.prev = 0;
      else p.next = 0;
    } else {
      root.treap = 0;
    }
  }
  s.parent = 0;
  s.elem = 0;
  s.next = 0;
  s.prev = 0;
  s.ticket = 0;
  return s;
}

/** Ports semaRoot.rotateLeft: (x a (y b c)) becomes (y (x a b) c). */
function rotateLeft(rt: Runtime, root: SemaRoot, x: Sudog): void {
  const p = x.parent;
  const y = sudog(rt, x.next);
  const b = y.prev;
  y.prev = x.addr;
  x.parent = y.addr;
  x.next = b;
  if (b !== 0) sudog(rt, b).parent = x.addr;
  y.parent = p;
  if (p === 0) root.treap = y.addr;
  else {
    const pv = sudog(rt, p);
    if (pv.prev === x.addr) pv.prev = y.addr;
    else {
      if (pv.next !== x.addr) goThrow('semaRoot rotateLeft');
      pv.next = y.addr;
    }
  }
}

/** Ports semaRoot.rotateRight: (y (x a b) c) becomes (x a (y b c)). */
function rotateRight(rt: Runtime, root: SemaRoot, y: Sudog): void {
  const p = y.parent;
  const x = sudog(rt, y.prev);
  const b = x.next;
  x.next = y.addr;
  y.parent = x.addr;
  y.prev = b;
  if (b !== 0) sudog(rt, b).parent = y.addr;
  x.parent = p;
  if (p === 0) root.treap = x.addr;
  else {
    const pv = sudog(rt, p);
    if (pv.prev === y.addr) pv.prev = x.addr;
    else {
      if (pv.next !== y.addr) goThrow('semaRoot rotateRight');
      pv.next = x.addr;
    }
  }
}

// sync.WaitGroup{noCopy; state1 uint64; state2 uint32}: with the 8-aligned
// heap cells the compiler allocates, state (counter<<32 | waiters) is state1
// and the semaphore is state2 (sync/waitgroup.go state()).
const STATE = 0;
const SEMA = 8;

function wgPanic(rt: Runtime, msg: string): never {
  throw new GoPanic(msg, rt.getg().goid);
}

/** Ports (*WaitGroup).Add. */
export function waitGroupAdd(rt: Runtime, wg: number, delta: bigint): void {
  if (wg % 8 !== 0) goThrow('sync.WaitGroup: unaligned state (the compiler allocates 8-aligned cells)');
  // delta stays a bigint: an int64 beyond 2^53 would lose its low bits as a Number
  const state = BigInt.asUintN(64, rt.mem.u64(wg + STATE) + (BigInt.asUintN(64, delta) << 32n));
  rt.mem.setU64(wg + STATE, state);
  const v = Number(BigInt.asIntN(32, state >> 32n));
  let w = Number(state & 0xffffffffn);
  if (v < 0) wgPanic(rt, 'sync: negative WaitGroup counter');
  if (w !== 0 && delta > 0n && v === Number(BigInt.asIntN(32, delta))) wgPanic(rt, 'sync: WaitGroup misuse: Add called concurrently with Wait');
  if (v > 0 || w === 0) return;
  rt.mem.setU64(wg + STATE, 0n);
  for (; w !== 0; w--) semrelease1(rt, wg + SEMA);
}

const WG_REUSED = 'sync: WaitGroup is reused before previous Wait has returned';

/** Wait's check once its semaphore is acquired: the Add that woke it left the state 0; anything else is a new use. */
function waitGroupReused(rt: Runtime, wg: number): boolean {
  return rt.mem.u64(wg + STATE) !== 0n;
}

/**
 * Ports (*WaitGroup).Wait: return at once if the counter is 0, else count a
 * waiter and block; once woken (semacquireResume, or at once), panic if the
 * state is no longer 0 (the WaitGroup was used again meanwhile).
 */
export function waitGroupWait(rt: Runtime, call: HostCall, wg: number): TailCall | undefined {
  const state = rt.mem.u64(wg + STATE);
  if (state >> 32n === 0n) return undefined;
  rt.mem.setU64(wg + STATE, state + 1n);
  const parked = semacquire1(rt, call, wg + SEMA, false, wg);
  if (!parked && waitGroupReused(rt, wg)) wgPanic(rt, WG_REUSED);
  return parked;
}
