// Making Ms: ports of go1.19 proc.go allocm, newm, newm1, mspinning and
// os_linux.go newosproc; the thread itself comes from the real clone system
// call in the ported runtime.clone stub (asm/<arch>/sys_linux.s), whose child
// path sets up the new thread's g (and TLS on amd64) and calls mstart.
//
// A system call can only be made by machine code, and newm is reached from
// the middle of TypeScript (startm from wakep, handoffp, startTheWorld), whose
// caller still has work to do after it. So newosproc records the M in
// Runtime.newmPending (plain data) and the host call that made it ends
// through the glue runtime.newosproc_pending<> (asm/<arch>/sys_linux.s):
// after the host function has returned or tail-called, and before its caller
// or tail-call target runs, the glue calls runtime.newosproc (hand-compiled
// from os_linux.go) for each pending M, which executes clone; then it goes
// on to where the host call was going, with every register as the host
// function left it. The parent's clone therefore happens a little later
// than in Go (at the end of the host call instead of inside startm) but on
// the same thread, before anything else that thread does; mReserveID has
// already counted the M as running, as in Go, so checkdead is not fooled
// in between.
import type { HostCall } from '../os/host.ts';
import type { M, P } from '../go119/index.ts';
import { malg, mcommoninit } from './proc.ts';
import type { Runtime } from './runtime.ts';
import { goThrow } from './throw.ts';

/** The g0 stack of an M that Go allocates itself (allocm: 8 KiB * _StackGuardMultiplier = 1 on linux). */
export const M_G0_STACK = 8192;

/** The functions an M can start with (m.mstartfn holds one's host slot address). */
export type MStartFn = 'runtime.mspinning';

/**
 * Ports allocm: a new M (in the heap, never freed) with an id (id < 0: the
 * next one), its gsignal and fastrand (mcommoninit), and a g0 with an 8 KiB
 * stack, g0.m = mp. Differs: Go borrows the caller's P when it has none, for
 * its mallocs; the host heap needs no P, so none is borrowed. No sched.freem
 * reaping (exited Ms are not reused).
 */
export function allocm(rt: Runtime, fn: MStartFn | undefined, id: number): M {
  const mp = rt.m(rt.heap.alloc(rt.L.sizes.m));
  mp.mstartfn = fn ? rt.machine.sym(fn) : 0;
  mcommoninit(rt, mp, id);
  const g0 = malg(rt, M_G0_STACK);
  g0.m = mp.addr;
  mp.g0 = g0.addr;
  return mp;
}

/**
 * Ports newm: an M that will run fn (if any) and then pp (mp.nextp), started
 * on a new thread. Differs: Go asks the template thread to make the thread
 * when the current M is locked by LockOSThread (lockedExt) and so may be in an
 * unusual kernel state; the emulated threads have no such state, so every
 * thread is made by the calling M (newm1) directly.
 */
export function newm(rt: Runtime, fn: MStartFn | undefined, pp: P | undefined, id: number): M {
  const cur = rt.curm();
  cur.locks += 1; // acquirem
  const mp = allocm(rt, fn, id);
  mp.nextp = pp ? pp.addr : 0;
  newm1(rt, mp);
  cur.locks -= 1; // releasem
  if (rt.events.active) rt.events.emit({ kind: 'newm', m: mp.id, by: cur.id, p: pp ? pp.id : -1, spinning: fn === 'runtime.mspinning' });
  return mp;
}

/** Ports newm1 (no cgo): newosproc. */
function newm1(rt: Runtime, mp: M): void {
  newosproc(rt, mp);
}

/**
 * Ports os_linux.go newosproc, up to the clone: the M is queued and the glue
 * runtime.newosproc_pending<> makes the clone once the host call ends (see
 * the file comment). Differs: the signal mask is not blocked around clone
 * (no signals yet).
 */
function newosproc(rt: Runtime, mp: M): void {
  rt.newmPending.push(mp.addr);
}

/**
 * The glue's question (host function runtime.newm_next): the next M whose
 * thread is still to be made, or 0 when there is none left.
 */
export function newmNext(rt: Runtime): number {
  return rt.newmPending.shift() ?? 0;
}

/**
 * After a runtime host function: if it made Ms, route the end of the call
 * through the clone glue (HostCall.callFirst). Called by the host table's
 * wrapper for every runtime host function.
 */
export function startPendingMs(rt: Runtime, call: HostCall): void {
  if (rt.newmPending.length > 0) call.callFirst(rt.machine.sym('runtime.newosproc_pending<>'));
}

/** newosproc's failure report (clone returned -errno), then throw("newosproc"). */
export function newosprocFailed(rt: Runtime, ret: number): never {
  let n = 0;
  for (let m = rt.allm[0] ?? 0; m !== 0; m = rt.m(m).alllink) n++;
  rt.write(2, `runtime: failed to create new OS thread (have ${n} already; errno=${-ret})\n`);
  if (ret === -11) rt.write(2, 'runtime: may need to increase max user processes (ulimit -u)\n');
  goThrow('newosproc');
}

/** Ports mspinning: the M was started by startm(spinning): it spins (startm's caller counted it in nmspinning). */
export function mspinning(rt: Runtime): void {
  rt.curm().spinning = true;
}

/** Run m.mstartfn (mstart1), dispatched by the host slot address it holds. */
export function runMStartFn(rt: Runtime, mp: M): void {
  const fn = mp.mstartfn;
  if (fn === 0) return;
  const name = rt.machine.host.nameAt(fn);
  switch (name) {
    case 'runtime.mspinning':
      return mspinning(rt);
    default:
      goThrow(`mstart1: m.mstartfn = 0x${fn.toString(16)} (${name ?? rt.machine.describe(fn)}) is not a start function`);
  }
}
