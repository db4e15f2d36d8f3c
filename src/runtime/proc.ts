// Creating Gs, Ms and Ps: ports of go1.19 proc.go schedinit, mcommoninit,
// procresize, acquirep, malg, allgadd, newproc1, gfput, gfget. Each function
// names its Go counterpart and says where it differs. Single-threaded host
// code: Go's atomics are plain operations here (its locks: lock.ts).
import { _Gdead, _Gidle, _Grunnable, _Pgcstop, _Pidle, _Prunning, _GoidCacheBatch, G, type M, type P } from '../go119/index.ts';
import { assertLocked, assertOnG0 } from './assert.ts';
import { lock, unlock } from './lock.ts';
import { mfastrandinit } from './rand.ts';
import { runqempty, runqput } from './runq.ts';
import type { Runtime } from './runtime.ts';
import { casgstatus, setPStatus } from './status.ts';
import { goThrow } from './throw.ts';

/** The gsignal stack size of every M (os_linux.go mpreinit: 32 KiB). */
const GSIGNAL_STACK = 32 * 1024;
/** gFree lists: a P keeps up to 64 dead Gs and moves them 32 at a time. */
const GFREE_LOCAL_MAX = 64;
const GFREE_MOVE = 32;
/** Go's sched.maxmcount default. */
const MAX_M_COUNT = 10000;

/**
 * Ports schedinit (the parts that shape scheduling): maxmcount, mcommoninit of
 * m0, GOMAXPROCS from the environment variable (else ncpu), procresize.
 * Differs: no allocator/GC/signal/module initialisation (not modelled); the
 * default GOMAXPROCS is 1, not ncpu, while only one M runs.
 */
export function schedinit(rt: Runtime): void {
  rt.sched.maxmcount = MAX_M_COUNT;
  mcommoninit(rt, rt.m0, -1);
  lock(rt, rt.sched.lock);
  rt.sched.lastpoll = rt.nanotime();
  // Go's default is ncpu. Until there are more Ms than one, the default is a
  // single P whatever the machine's CPU count; an explicit GOMAXPROCS > 1 is
  // refused below.
  let procs = Math.min(rt.ncpu, 1);
  const env = rt.opts.gomaxprocsEnv;
  if (env !== undefined && /^[+-]?\d+$/.test(env.trim()) && Number(env) > 0) procs = Number(env);
  // Ps beyond the first would need Ms (startm, wakep, work stealing): not yet.
  if (procs > 1) goThrow(`GOMAXPROCS=${procs}: more than one P is not supported yet (gogo-emu runs one M and one P)`);
  if (procresize(rt, procs) !== 0) goThrow('unknown runnable goroutine during bootstrap');
  unlock(rt, rt.sched.lock);
}

/**
 * Ports mcommoninit: give mp an id (sched.mnext), seed its fastrand (rand.ts),
 * give it its gsignal g (mpreinit) and link it into allm. id = -1 means "reserve the next id".
 */
export function mcommoninit(rt: Runtime, mp: M, id: number): void {
  lock(rt, rt.sched.lock);
  if (id >= 0) mp.id = id;
  else mp.id = mReserveID(rt);
  unlock(rt, rt.sched.lock);
  mfastrandinit(rt, mp.addr, mp.id);
  const gsignal = malg(rt, GSIGNAL_STACK);
  gsignal.m = mp.addr;
  mp.gsignal = gsignal.addr;
  mp.alllink = rt.allm[0] ?? 0;
  rt.allm.unshift(mp.addr);
}

/** Ports mReserveID: the next M id, checking sched.maxmcount. Precondition: sched.lock held. */
function mReserveID(rt: Runtime): number {
  assertLocked(rt, rt.sched.lock, 'sched.lock', 'mReserveID');
  const id = rt.sched.mnext;
  rt.sched.mnext = id + 1;
  if (rt.sched.mnext - rt.sched.nmfreed > rt.sched.maxmcount) goThrow(`thread exhaustion: program exceeds ${rt.sched.maxmcount}-thread limit`);
  return id;
}

/**
 * Ports procresize: make nprocs Ps (allp), give the current M allp[0]
 * (acquirep) and put the others on the idle list. Returns the list of Ps with
 * local work (always empty at start-up). Differs: Ps are only ever added
 * (a second call with a smaller count throws), and mcache/timers are not modelled.
 * Precondition: sched.lock held, the world stopped (every P _Pgcstop).
 */
export function procresize(rt: Runtime, nprocs: number): number {
  assertLocked(rt, rt.sched.lock, 'sched.lock', 'procresize');
  if (nprocs < rt.allp.length) goThrow('procresize: shrinking GOMAXPROCS is not supported');
  const pSize = rt.L.sizes.p;
  for (let i = rt.allp.length; i < nprocs; i++) {
    const pp = rt.p(rt.heap.alloc(pSize));
    pp.id = i;
    setPStatus(pp, _Pidle, _Pgcstop); // p.init: a zeroed P reads as _Pidle
    rt.allp.push(pp.addr);
  }
  rt.gomaxprocs = nprocs;
  const m = rt.curm();
  if (m.p !== 0 && rt.p(m.p).id < nprocs) {
    setPStatus(rt.p(m.p), _Pgcstop, _Prunning);
  } else {
    m.p = 0;
    const pp = rt.p(rt.allp[0]!);
    pp.m = 0;
    setPStatus(pp, _Pgcstop, _Pidle);
    acquirep(rt, m, pp);
  }
  // The other Ps go to the idle list, highest id first, so that pidleget
  // hands out the lowest id first (as Go's loop does).
  for (let i = nprocs - 1; i >= 0; i--) {
    const pp = rt.p(rt.allp[i]!);
    if (pp.addr === m.p) continue;
    setPStatus(pp, _Pgcstop, _Pidle);
    pidleput(rt, pp);
  }
  return 0;
}

/** Ports acquirep / wirep: associate pp with mp and make it _Prunning. */
export function acquirep(rt: Runtime, mp: M, pp: P): void {
  if (mp.p !== 0) goThrow('wirep: already in go');
  if (pp.m !== 0 || pp.status !== _Pidle) goThrow(`wirep: p->m=${pp.m} p->status=${pp.status}`);
  mp.p = pp.addr;
  pp.m = mp.addr;
  setPStatus(pp, _Pidle, _Prunning);
}

/** Ports pidleput: pp onto sched.pidle. Precondition: sched.lock held. */
export function pidleput(rt: Runtime, pp: P): void {
  assertLocked(rt, rt.sched.lock, 'sched.lock', 'pidleput');
  if (!runqempty(pp)) goThrow('pidleput: P has non-empty run queue');
  pp.link = rt.sched.pidle;
  rt.sched.pidle = pp.addr;
  rt.sched.npidle += 1;
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

/** Ports newproc's closure body (newproc.func1): newproc1 + runqput(next) on the caller's P. */
export function newprocOnSystemStack(rt: Runtime, fn: number, callergp: G, callerpc: number): G {
  const newg = newproc1(rt, fn, callergp, callerpc);
  runqput(rt, rt.curp(), newg, true);
  return newg;
}

export { G };
