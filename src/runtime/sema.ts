// Semaphores and sync.WaitGroup: ports of go1.19 sema.go semacquire1 /
// semrelease1 (non-handoff, FIFO) and sync/waitgroup.go Add/Done/Wait.
//
// Differs: Go keeps waiters in a treap of semaRoots hashed by address; here a
// FIFO list of sudogs per address (same wake-up order for the FIFO case).
// A woken waiter that cannot take the semaphore would loop and park again in
// Go; that cannot happen with WaitGroup (each release is for one waiter) and
// is reported as a runtime error rather than modelled.
import type { HostCall, TailCall } from '../os/host.ts';
import { acquireSudog, releaseSudog } from './chan.ts';
import { waitReasonSemacquire, type Sudog } from '../go119/index.ts';
import { goready, gopark } from './park.ts';
import type { Runtime } from './runtime.ts';
import { GoPanic, goThrow } from './throw.ts';

interface SemaRoot {
  nwait: number;
  waiters: Map<number, Sudog[]>;
}

const roots = new WeakMap<Runtime, SemaRoot>();

function semroot(rt: Runtime): SemaRoot {
  let r = roots.get(rt);
  if (!r) roots.set(rt, (r = { nwait: 0, waiters: new Map() }));
  return r;
}

/** Ports cansemacquire: take one unit if *addr > 0. */
function cansemacquire(rt: Runtime, addr: number): boolean {
  const v = rt.mem.u32(addr);
  if (v === 0) return false;
  rt.mem.setU32(addr, v - 1);
  return true;
}

/** Ports semacquire1 (lifo = false): take a unit or park until semrelease hands one over. */
export function semacquire(rt: Runtime, call: HostCall, addr: number): TailCall | undefined {
  if (cansemacquire(rt, addr)) return undefined;
  const s = acquireSudog(rt);
  s.releasetime = 0;
  s.acquiretime = 0;
  s.ticket = 0;
  const root = semroot(rt);
  root.nwait += 1;
  if (cansemacquire(rt, addr)) {
    root.nwait -= 1;
    releaseSudog(rt, s);
    return undefined;
  }
  const gp = rt.getg();
  s.g = gp.addr;
  s.elem = addr;
  let q = root.waiters.get(addr);
  if (!q) root.waiters.set(addr, (q = []));
  q.push(s);
  return gopark(rt, call, {
    reason: waitReasonSemacquire,
    onResume: () => {
      if (!(s.ticket !== 0 || cansemacquire(rt, addr))) goThrow('semacquire: woken without a unit (a second park is not modelled)');
      s.elem = 0;
      s.g = 0;
      releaseSudog(rt, s);
    },
  });
}

/** Ports semrelease1 (handoff = false): add a unit and ready the first waiter on addr. */
export function semrelease(rt: Runtime, addr: number): void {
  const root = semroot(rt);
  rt.mem.setU32(addr, rt.mem.u32(addr) + 1);
  if (root.nwait === 0) return;
  const q = root.waiters.get(addr);
  const s = q?.shift();
  if (q && q.length === 0) root.waiters.delete(addr);
  if (!s) return;
  root.nwait -= 1;
  goready(rt, rt.g(s.g));
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
export function waitGroupAdd(rt: Runtime, wg: number, delta: number): void {
  if (wg % 8 !== 0) goThrow('sync.WaitGroup: unaligned state (the compiler allocates 8-aligned cells)');
  const state = BigInt.asUintN(64, rt.mem.u64(wg + STATE) + (BigInt(delta) << 32n));
  rt.mem.setU64(wg + STATE, state);
  const v = Number(BigInt.asIntN(32, state >> 32n));
  let w = Number(state & 0xffffffffn);
  if (v < 0) wgPanic(rt, 'sync: negative WaitGroup counter');
  if (w !== 0 && delta > 0 && v === delta) wgPanic(rt, 'sync: WaitGroup misuse: Add called concurrently with Wait');
  if (v > 0 || w === 0) return;
  rt.mem.setU64(wg + STATE, 0n);
  for (; w !== 0; w--) semrelease(rt, wg + SEMA);
}

/** Ports (*WaitGroup).Wait: return at once if the counter is 0, else count a waiter and block. */
export function waitGroupWait(rt: Runtime, call: HostCall, wg: number): TailCall | undefined {
  const state = rt.mem.u64(wg + STATE);
  if (state >> 32n === 0n) return undefined;
  rt.mem.setU64(wg + STATE, state + 1n);
  return semacquire(rt, call, wg + SEMA);
}
