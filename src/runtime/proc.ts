// Creating Gs, Ms and Ps: ports of go1.19 proc.go schedinit, mcommoninit,
// mReserveID, procresize (with p.init, p.destroy, gfpurge), malg, allgadd,
// newproc1, gfput, gfget. Each function names its Go counterpart and says
// where it differs. Host code runs without interruption: Go's atomics are
// plain operations here (its locks: lock.ts).
import { _Gdead, _Gidle, _Grunnable, _Pdead, _Pgcstop, _Pidle, _Prunning, _GoidCacheBatch, G, type M, type P } from '../go119/index.ts';
import { assertLocked, assertOnG0 } from './assert.ts';
import { acquirep, mget, pidleput, pMaskClear, pMaskSet, wakep } from './idle.ts';
import { lock, unlock } from './lock.ts';
import { mfastrandinit } from './rand.ts';
import { globrunqputhead, runqempty, runqput } from './runq.ts';
import type { Runtime } from './runtime.ts';
import { casgstatus, setPStatus } from './status.ts';
import { maxAlloc } from './slice.ts';
import { resetStealOrder } from './steal.ts';
import { goThrow } from './throw.ts';
import { moveTimers, takeTimers } from './time.ts';

/** The gsignal stack size of every M (os_linux.go mpreinit: 32 KiB). */
const GSIGNAL_STACK = 32 * 1024;
/** gFree lists: a P keeps up to 64 dead Gs and moves them 32 at a time. */
const GFREE_LOCAL_MAX = 64;
const GFREE_MOVE = 32;
/** Go's sched.maxmcount default. */
const MAX_M_COUNT = 10000;

/**
 * Ports string.go atoi32 (through atoi64): an optional '-' and decimal
 * digits, nothing else (no '+', no spaces), within int32.
 */
export function atoi32(s: string | undefined): number | undefined {
  if (s === undefined || s === '') return undefined;
  let neg = false;
  if (s[0] === '-') {
    neg = true;
    s = s.slice(1);
  }
  if (!/^[0-9]*$/.test(s)) return undefined;
  let un = 0n;
  for (const c of s) {
    un = un * 10n + BigInt(c.charCodeAt(0) - 48);
    if (un > 1n << 64n) return undefined; // overflow
  }
  const n = neg ? -un : un;
  if (n < -(1n << 31n) || n >= 1n << 31n) return undefined;
  return Number(n);
}

/**
 * Ports schedinit (the parts that shape scheduling): maxmcount, mcommoninit of
 * m0, then GOMAXPROCS: ncpu (what sched_getaffinity reported to osinit), or
 * the GOMAXPROCS environment variable when it is a positive int32, and
 * procresize. Differs: no allocator/GC/signal/module initialisation (not
 * modelled).
 */
export function schedinit(rt: Runtime): void {
  // the initial values of two package variables (Go's data section holds them)
  rt.mem.setU32(rt.machine.sym('runtime.worldsema'), 1);
  rt.mem.setU32(rt.machine.sym('runtime.gcsema'), 1);
  rt.sched.maxmcount = MAX_M_COUNT;
  mcommoninit(rt, rt.m0, -1);
  lock(rt, rt.sched.lock);
  rt.sched.lastpoll = rt.nanotime();
  let procs = rt.ncpu;
  const n = atoi32(rt.opts.gomaxprocsEnv);
  if (n !== undefined && n > 0) procs = n;
  if (procresize(rt, procs) !== 0) goThrow('unknown runnable goroutine during bootstrap');
  unlock(rt, rt.sched.lock);
}

/**
 * Ports mcommoninit: give mp an id (sched.mnext; id = -1 reserves the next
 * one), seed its m.fastrand from fastrandseed and the clock (rand.ts
 * mfastrandinit), make its gsignal g (mpreinit) and link it into allm, all
 * under sched.lock as Go does.
 */
export function mcommoninit(rt: Runtime, mp: M, id: number): void {
  lock(rt, rt.sched.lock);
  if (id >= 0) mp.id = id;
  else mp.id = mReserveID(rt);
  mfastrandinit(rt, mp.addr, mp.id);
  const gsignal = malg(rt, GSIGNAL_STACK);
  gsignal.m = mp.addr;
  mp.gsignal = gsignal.addr;
  gsignal.stackguard1 = gsignal.stack.lo + rt.L.consts._StackGuard;
  mp.alllink = rt.allm[0] ?? 0;
  rt.allm.unshift(mp.addr);
  unlock(rt, rt.sched.lock);
}

/** Ports mReserveID: the next M id, checking sched.maxmcount. Precondition: sched.lock held. */
export function mReserveID(rt: Runtime): number {
  assertLocked(rt, rt.sched.lock, 'sched.lock', 'mReserveID');
  const id = rt.sched.mnext;
  rt.sched.mnext = id + 1;
  if (rt.sched.mnext - rt.sched.nmfreed > rt.sched.maxmcount) {
    rt.write(2, `runtime: program exceeds ${rt.sched.maxmcount}-thread limit\n`);
    goThrow('thread exhaustion');
  }
  return id;
}

/**
 * Ports p.init: a P (new, or _Pdead and used again) gets its id and
 * _Pgcstop; it may get timers, and it is not idle. Differs: no mcache, write
 * barrier buffer or race context.
 */
function pinit(rt: Runtime, pp: P, id: number): void {
  pp.id = id;
  setPStatus(pp, pp.status, _Pgcstop);
  const cache = pp.sudogcache;
  cache.array = pp.addrOf('sudogbuf');
  cache.len = 0;
  cache.cap = rt.L.field('p', 'sudogbuf').len!;
  pMaskSet(rt.timerpMask, id);
  pMaskClear(rt.idlepMask, id);
}

/**
 * Ports p.destroy: a P beyond the new GOMAXPROCS gives its goroutines to the
 * head of the global queue (runq from its tail, then runnext, so that they
 * keep their order), its sudog cache and dead Gs (gfpurge) to the global
 * lists, its timers to the current P, and becomes _Pdead. Differs: no mcache, write barrier buffer
 * or trace state. Precondition: sched.lock held, the world stopped.
 */
function pdestroy(rt: Runtime, pp: P): void {
  assertLocked(rt, rt.sched.lock, 'sched.lock', 'p.destroy');
  while (pp.runqhead !== pp.runqtail) {
    pp.runqtail = (pp.runqtail - 1) >>> 0;
    globrunqputhead(rt, rt.g(pp.runq(pp.runqtail % pp.runqLen)));
  }
  if (pp.runnext !== 0) {
    globrunqputhead(rt, rt.g(pp.runnext));
    pp.runnext = 0;
  }
  // its timers move to the P of the M doing the resize (moveTimers)
  if (pp.timers.len > 0) {
    const plocal = rt.curp();
    lock(rt, plocal.timersLock);
    lock(rt, pp.timersLock);
    moveTimers(rt, plocal, takeTimers(rt, pp));
    unlock(rt, pp.timersLock);
    unlock(rt, plocal.timersLock);
  }
  // sudogs: Go drops the P's cached ones (the GC collects them); here they
  // go to the central cache so that they are used again
  const cache = pp.sudogcache;
  for (let i = 0; i < cache.len; i++) {
    const sa = pp.sudogbuf(i);
    rt.mem.setPtr(sa + rt.L.off.sudog.next, rt.sched.sudogcache);
    rt.sched.sudogcache = sa;
    pp.setSudogbuf(i, 0);
  }
  cache.len = 0;
  gfpurge(rt, pp);
  setPStatus(pp, pp.status, _Pdead);
}

/** Ports gfpurge: all of the P's dead Gs to the global free lists. */
function gfpurge(rt: Runtime, pp: P): void {
  const sf = rt.sched.gFree;
  while (pp.gFree.n !== 0) {
    const g = rt.g(pp.gFree.head);
    pp.gFree.head = g.schedlink;
    pp.gFree.n -= 1;
    const list = g.stack.lo === 0 ? sf.noStack : sf.stack;
    g.schedlink = list.head;
    list.head = g.addr;
    sf.n += 1;
  }
}

/**
 * Ports procresize: make nprocs Ps. New Ps (or _Pdead ones used again) are
 * initialised; Ps beyond nprocs are destroyed (their work moves to the
 * global queue). The current M keeps its P if it survives, else takes allp[0].
 * Every other P goes idle if its run queue is empty, or onto the returned
 * list (linked through p.link, each with an idle M in p.m if there is one)
 * for startTheWorld to run. Returns the first P of that list (0: none).
 * Differs: no mcache, trace or GC CPU limiter. Precondition: sched.lock held,
 * the world stopped (every P _Pgcstop, or new).
 */
export function procresize(rt: Runtime, nprocs: number): number {
  assertLocked(rt, rt.sched.lock, 'sched.lock', 'procresize');
  const old = rt.gomaxprocs;
  if (old < 0 || nprocs <= 0) goThrow('procresize: invalid arg');
  const now = rt.nanotime();
  if (rt.sched.procresizetime !== 0) rt.sched.totaltime += old * (now - rt.sched.procresizetime);
  rt.sched.procresizetime = now;
  if (rt.events.active && old !== nprocs) rt.events.emit({ kind: 'procresize', from: old, to: nprocs });

  // grow allp as Go does: make([]*p, nprocs) keeping every P made before
  // (allp[:cap]); the new entries stay nil (holes of this host array, so
  // GOMAXPROCS(1<<31-1) costs no host memory) until the loop below makes
  // the Ps. On 32-bit arm the make's length check fails first for huge
  // counts: a panic on the system stack.
  if (nprocs > rt.allp.length) {
    if (nprocs > rt.allpCap.length) {
      if (nprocs * rt.arch.ptrSize > maxAlloc(rt)) {
        rt.write(2, 'panic: runtime.errorString("makeslice: len out of range")\n');
        goThrow('panic on system stack');
      }
      rt.allpCap.length = nprocs;
    }
    rt.allp = nprocs === rt.allpCap.length ? rt.allpCap : rt.allpCap.slice(0, nprocs);
    // idlepMask and timerpMask are re-sliced to (nprocs+31)/32 words,
    // computed in int32: past 1<<31-32 Ps the sum wraps, the count is
    // negative and the runtime's own bounds check throws (go1.19's
    // GOMAXPROCS(1<<31-1) on 64-bit), with allp already grown. (The masks
    // here grow word by word as bits are set.)
    const maskWords = Math.trunc(((nprocs + 31) | 0) / 32);
    if (maskWords < 0) goThrow('slice bounds out of range');
  }
  // make the new Ps (new(p) may run out of memory half-way: allp keeps its nils)
  for (let i = old; i < nprocs; i++) {
    let pa = rt.allp[i];
    if (pa === undefined) {
      pa = rt.heap.alloc(rt.L.sizes.p);
      rt.allp[i] = pa;
      rt.allpCap[i] = pa;
    }
    pinit(rt, rt.p(pa), i);
  }
  if (rt.allp === rt.allpCap) rt.allp = rt.allpCap.slice();

  const m = rt.curm();
  if (m.p !== 0 && rt.p(m.p).id < nprocs) {
    // continue to use the current P
    setPStatus(rt.p(m.p), rt.p(m.p).status, _Prunning);
  } else {
    // release the current P (it is being destroyed) and take allp[0]
    if (m.p !== 0) rt.p(m.p).m = 0;
    m.p = 0;
    const pp = rt.p(rt.allp[0]!);
    pp.m = 0;
    setPStatus(pp, pp.status, _Pidle);
    acquirep(rt, pp);
  }
  for (let i = nprocs; i < old; i++) pdestroy(rt, rt.p(rt.allp[i]!));
  rt.allp = rt.allp.slice(0, nprocs);

  let runnablePs = 0;
  for (let i = nprocs - 1; i >= 0; i--) {
    const pp = rt.p(rt.allp[i]!);
    if (pp.addr === m.p) continue;
    setPStatus(pp, pp.status, _Pidle);
    if (runqempty(pp)) {
      pidleput(rt, pp);
    } else {
      pp.m = mget(rt)?.addr ?? 0;
      pp.link = runnablePs;
      runnablePs = pp.addr;
    }
  }
  resetStealOrder(rt, nprocs);
  rt.gomaxprocs = nprocs;
  return runnablePs;
}

/**
 * Ports malg: a new G with a stack of `stacksize` bytes (rounded to a power of
 * two; < 0 means no stack), status _Gidle. stackguard1 = ^0 (no C stack checks).
 */
export function malg(rt: Runtime, stacksize: number): G {
  const gp = rt.g(rt.heap.alloc(rt.L.sizes.g));
  if (stacksize >= 0) {
    let n = 1;
    while (n < stacksize) n *= 2;
    const stk = rt.stacks.alloc(n);
    gp.stack.lo = stk.lo;
    gp.stack.hi = stk.hi;
    gp.stackguard0 = stk.lo + rt.L.consts._StackGuard;
    gp.stackguard1Word = (1n << BigInt(rt.arch.ptrSize * 8)) - 1n;
    rt.mem.setPtr(stk.lo, 0);
  }
  return gp;
}

/** Ports allgadd: record gp in allgs (gp must not be _Gidle). */
export function allgadd(rt: Runtime, gp: G): void {
  if (gp.atomicstatus === _Gidle) goThrow('allgadd: bad status Gidle');
  rt.allgs.push(gp.addr);
}

/**
 * Ports newproc1: make a runnable G that will run fn (a *funcval) and return
 * to goexit: reuse a dead G (gfget) or malg a new one with a 2 KiB stack, lay
 * out its first frame (gostartcallfn), and give it the next goid from the P's
 * batch of 16. Differs: no labels, ancestors, tracking or race context.
 * Precondition: on the system stack with a P.
 */
export function newproc1(rt: Runtime, fn: number, callergp: G, callerpc: number): G {
  assertOnG0(rt, 'newproc1');
  if (fn === 0) goThrow('go of nil func value');
  const pp = rt.curp();
  let newg = gfget(rt, pp);
  if (!newg) {
    newg = malg(rt, rt.L.consts._StackMin);
    casgstatus(newg, _Gidle, _Gdead);
    allgadd(rt, newg);
  }
  if (newg.stack.hi === 0) goThrow('newproc1: newg missing stack');
  if (newg.atomicstatus !== _Gdead) goThrow('newproc1: new g is not Gdead');

  const { arch, mem } = rt;
  // the first frame: 4 words of slack (+ the saved-LR slot on LR machines)
  const total = alignUp(4 * arch.ptrSize + arch.minFrameSize, arch.stackAlign);
  const sp = newg.stack.hi - total;
  if (arch.usesLR) mem.setPtr(sp, 0); // prepGoExitFrame: nothing more on linux
  mem.fill(newg.sched.addr, rt.L.sizes.gobuf);
  newg.sched.sp = sp;
  newg.stktopsp = sp;
  newg.sched.pc = rt.machine.sym('runtime.goexit') + arch.pcQuantum;
  newg.sched.g = newg.addr;
  gostartcallfn(rt, newg, fn);
  newg.gopc = callerpc;
  newg.startpc = mem.ptr(fn);
  newg.trackingSeq = rt.fastrand() & 0xff;
  if (rt.isSystemGoroutine(newg)) rt.sched.ngsys += 1;
  casgstatus(newg, _Gdead, _Grunnable);

  if (pp.goidcache === pp.goidcacheend) {
    // a new batch of goids for this P
    rt.sched.goidgen += _GoidCacheBatch;
    pp.goidcache = rt.sched.goidgen - (_GoidCacheBatch - 1);
    pp.goidcacheend = pp.goidcache + _GoidCacheBatch;
  }
  newg.goid = pp.goidcache;
  pp.goidcache += 1;
  rt.events.emit({ kind: 'gocreate', goid: newg.goid, g: newg.addr, parent: callergp.goid, startpc: newg.startpc });
  return newg;
}

/** Ports gostartcallfn: start gp's frame as a call of fn (a funcval) with ctxt = fn. */
function gostartcallfn(rt: Runtime, gp: G, fv: number): void {
  rt.arch.gostartcall(rt.mem, gp.sched, rt.mem.ptr(fv), fv);
}

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

/**
 * Ports gfput: put dead gp on pp's free list; a stack of a non-standard size
 * is freed. A P holding 64 dead Gs moves them to the global lists until it
 * holds fewer than 32.
 */
export function gfput(rt: Runtime, pp: P, gp: G): void {
  if (gp.atomicstatus !== _Gdead) goThrow('gfput: bad status (not Gdead)');
  const stksize = gp.stack.hi - gp.stack.lo;
  if (stksize !== rt.L.consts._StackMin) {
    rt.stacks.free({ lo: gp.stack.lo, hi: gp.stack.hi });
    gp.stack.lo = 0;
    gp.stack.hi = 0;
    gp.stackguard0 = 0;
  }
  gp.schedlink = pp.gFree.head;
  pp.gFree.head = gp.addr;
  pp.gFree.n += 1;
  if (pp.gFree.n >= GFREE_LOCAL_MAX) {
    const sf = rt.sched.gFree;
    while (pp.gFree.n >= GFREE_MOVE) {
      const g = rt.g(pp.gFree.head);
      pp.gFree.head = g.schedlink;
      pp.gFree.n -= 1;
      const list = g.stack.lo === 0 ? sf.noStack : sf.stack;
      g.schedlink = list.head;
      list.head = g.addr;
      sf.n += 1;
    }
  }
}

/**
 * Ports gfget: a dead G from pp's free list, refilled with up to 32 from the
 * global lists (Gs with stacks first) when empty. A G without a stack gets a
 * new 2 KiB one.
 */
export function gfget(rt: Runtime, pp: P): G | undefined {
  const sf = rt.sched.gFree;
  if (pp.gFree.head === 0 && (sf.stack.head !== 0 || sf.noStack.head !== 0)) {
    while (pp.gFree.n < GFREE_MOVE) {
      const list = sf.stack.head !== 0 ? sf.stack : sf.noStack;
      if (list.head === 0) break;
      const g = rt.g(list.head);
      list.head = g.schedlink;
      sf.n -= 1;
      g.schedlink = pp.gFree.head;
      pp.gFree.head = g.addr;
      pp.gFree.n += 1;
    }
  }
  if (pp.gFree.head === 0) return undefined;
  const gp = rt.g(pp.gFree.head);
  pp.gFree.head = gp.schedlink;
  pp.gFree.n -= 1;
  if (gp.stack.lo === 0) {
    const stk = rt.stacks.alloc(rt.L.consts._StackMin);
    gp.stack.lo = stk.lo;
    gp.stack.hi = stk.hi;
    gp.stackguard0 = stk.lo + rt.L.consts._StackGuard;
  }
  return gp;
}

/**
 * Ports gcount: live goroutines other than the runtime's own: every G ever
 * made, minus the dead ones on free lists, minus system goroutines.
 */
export function gcount(rt: Runtime): number {
  let n = rt.allgs.length - rt.sched.gFree.n - rt.sched.ngsys;
  for (const p of rt.allp) n -= rt.p(p).gFree.n;
  return n < 1 ? 1 : n;
}

/**
 * Ports newproc's closure body (newproc.func1): newproc1 + runqput(next) on
 * the caller's P; once runtime.main has started, wakep (an idle P may run it).
 */
export function newprocOnSystemStack(rt: Runtime, fn: number, callergp: G, callerpc: number): G {
  const newg = newproc1(rt, fn, callergp, callerpc);
  runqput(rt, rt.curp(), newg, true);
  if (rt.mainStarted) wakep(rt);
  return newg;
}

export { G };
