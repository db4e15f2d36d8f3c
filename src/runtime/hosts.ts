// Every runtime function that is written in TypeScript, bound to its symbol.
// The stubs and compiled programs call these like Go functions (ABIInternal
// on amd64, ABI0 on arm); those that compiled code calls are bound with
// defineEntry, which takes their ABI and argument words from the list in
// src/abi. Definitions need only names at link time; the bodies reach the
// Runtime through `rt()` when they run, so the same table serves
// `gogo-emu disasm` (which links but never runs).
import { defineEntry, ENTRY } from '../abi/index.ts';
import type { HostCall, HostFn, HostRegistry, HostSpec, TailCall } from '../os/host.ts';
import { chancap, chanlen, chanparkcommit, chanrecv, chansend, closechan, makechan } from './chan.ts';
import { defineFatalHosts } from './fatal.ts';
import { defineSelectHosts, selparkcommit } from './select.ts';
import { defineTimeHosts } from './timepkg.ts';
import { resetForSleep } from './time.ts';
import { Defer } from '../go119/index.ts';
import { definePrintHosts } from './print.ts';
import { notesleep, noteclear, notetsleep, notetsleep_recheck, notewakeup, timediv } from './lock_futex.ts';
import { getproccount } from './os_linux.ts';
import { gopark, gosched, gosched_m, goyield_m, park_m, parkunlock_c } from './park.ts';
import { defineLangHosts } from './lang.ts';
import { defineVlrtHosts } from './vlrt.ts';
import { defineStringsHosts } from './strings.ts';
import { gcount, newprocOnSystemStack, schedinit } from './proc.ts';
import type { Runtime } from './runtime.ts';
import { goexit0, goexit1, mstart0, stealWorkResume } from './sched.ts';
import { mexit, mParkResume } from './idle.ts';
import { LockOSThread, lockOSThread, mainDeferUnlock, mainInitDone, UnlockOSThread, unlockOSThread } from './lockosthread.ts';
import { mspinning, newmNext, newosprocFailed, startPendingMs } from './newm.ts';
import { semacquire1, semrelease1, waitGroupAdd, waitGroupWait } from './sema.ts';
import { gomaxprocsRead, preemptall, setPreemptoff, startTheWorldRelease, startTheWorldWithSema, stopTheWorldCheck, stopTheWorldStop, stwCasgstatus } from './stw.ts';
import { newstack } from './stack.ts';
import { mallocgc } from './malloc.ts';
import { GoPanic, goThrow } from './throw.ts';
import { newm } from './newm.ts';
import { asyncPreempt2Done, asyncPreempt2Fn, gopreempt_m, preemptPark } from './preempt.ts';
import { initsigWant, minitUnblockable, sighandler, signalMNext } from './signal.ts';
import { sysmonDelay, sysmonIdle, sysmonStart, sysmonWoke, sysmonWork } from './sysmon.ts';
import { defineSyscallHosts } from './syscallpkg.ts';
import { deferloop, fatalpanic, goexitEnd, goexitStart, gorecover, mainExitWait, preprintpanicsFailed, preprintpanicsNext, preprintpanicsResult, recovery, startPanic } from './panic.ts';

export function defineRuntimeHosts(registry: HostRegistry, rt: () => Runtime): void {
  // every runtime host function may panic like Go code does
  // and may have made Ms whose threads are still to be started (newm.ts)
  const host = {
    arch: registry.arch,
    define(name: string, spec: HostSpec, fn: (c: HostCall) => ReturnType<HostFn>): number {
      return registry.define(name, spec, (c) => {
        let r: ReturnType<HostFn>;
        try {
          r = fn(c);
        } catch (e) {
          if (!(e instanceof GoPanic) || e.fatal) throw e;
          r = startPanic(rt(), c, e);
        }
        startPendingMs(rt(), c);
        return r;
      });
    },
  } as HostRegistry;
  defineFatalHosts(host);
  definePrintHosts(host, (s) => rt().write(2, s), rt);
  defineLangHosts(host, rt);

  // runtime·args(argc, argv): remembered for os.Args (not used by the subset).
  host.define('runtime.args', { abi: 'abi0', nargs: 2 }, () => undefined);
  // osinit: the emulated machine's CPU count (GOMAXPROCS default).
  host.define('runtime.osinit', { abi: 'abi0', nargs: 0 }, () => {
    rt().ncpu = getproccount(rt());
  });
  host.define('runtime.schedinit', { abi: 'abi0', nargs: 0 }, () => schedinit(rt()));
  host.define('runtime.mstart0', { abi: 'abi0', nargs: 0 }, (c) => mstart0(rt(), c));
  host.define('runtime.mexit', { abi: 'abi0', nargs: 0 }, (c) => mexit(rt(), c));

  // ---- Ms and Ps (newm.ts, idle.ts, steal.ts) ----
  // the clone glue's questions: the next M to start (or 0); a failed clone
  host.define('runtime.newm_next', { abi: 'internal', nargs: 0 }, () => newmNext(rt()));
  host.define('runtime.newosproc_failed', { abi: 'internal', nargs: 1 }, (c) => newosprocFailed(rt(), Number(c.argInt(0))));
  // an M woken from mPark, and one that slept before stealing a runnext
  host.define('runtime.mPark.resume', { abi: 'internal', nargs: 0 }, (c) => mParkResume(rt(), c));
  host.define('runtime.stealWork.resume', { abi: 'internal', nargs: 0 }, (c) => stealWorkResume(rt(), c));
  // m.mstartfn of an M started spinning (called through runMStartFn, never from machine code)
  host.define('runtime.mspinning', { abi: 'internal', nargs: 0 }, () => mspinning(rt()));
  // runtime.main's lock of the main goroutine to m0 during initialisation
  host.define('runtime.lockOSThread', { abi: 'internal', nargs: 0 }, () => lockOSThread(rt()));
  host.define('runtime.unlockOSThread', { abi: 'internal', nargs: 0 }, () => unlockOSThread(rt()));
  host.define('runtime.main.deferUnlock', { abi: 'internal', nargs: 0 }, () => mainDeferUnlock(rt()));
  host.define('runtime.main.initDone', { abi: 'internal', nargs: 0 }, () => mainInitDone(rt()));

  // newproc's closure: {fn: newproc.func1, fn, callergp, callerpc}, context in DX / R7.
  host.define('runtime.newproc.func1', { abi: 'internal', nargs: 0 }, (c) => {
    const r = rt();
    const clo = c.engine.regN(r.arch.ctxtReg);
    const w = r.arch.ptrSize;
    newprocOnSystemStack(r, r.mem.ptr(clo + w), r.g(r.mem.ptr(clo + 2 * w)), r.mem.ptr(clo + 3 * w));
  });
  host.define('runtime.goexit1', { abi: 'internal', nargs: 0 }, (c) => goexit1(rt(), c));
  host.define('runtime.goexit0', { abi: 'internal', nargs: 1 }, (c) => goexit0(rt(), c, rt().g(c.argN(0))));
  host.define('runtime.newstack', { abi: 'abi0', nargs: 0 }, (c) => newstack(rt(), c));
  host.define('runtime.badmorestackg0', { abi: 'abi0', nargs: 0 }, () => goThrow('morestack on g0'));
  host.define('runtime.badmorestackgsignal', { abi: 'abi0', nargs: 0 }, () => goThrow('morestack on gsignal'));

  // runtime.main's own work before main.init/main.main, and its exit(0) after.
  host.define('runtime.main_start', { abi: 'internal', nargs: 0 }, () => {
    const r = rt();
    r.mainStarted = true;
    if (r.curm().addr !== r.m0.addr) goThrow('runtime.main not on m0');
    // sysmon runs on its own M, without a P (its thread is cloned as this host call ends)
    newm(r, 'runtime.sysmon', undefined, -1);
  });
  // the end of runtime.main: Gosched (and be called again) while mainExitWait says so, then exit(0)
  host.define('runtime.main_exit', { abi: 'internal', nargs: 0 }, (c) => {
    const r = rt();
    if (mainExitWait(r)) return gosched(r, c);
    r.exit(0);
  });

  // newobject(typ): mallocgc(typ.size, typ, true) for `new`, &T{}, closures and heap cells (word 0 of typ is its size)
  defineEntry(host, ENTRY.newobject, (c) => {
    const r = rt();
    return mallocgc(r, r.mem.ptr(c.argN(0)), c.argN(0), true);
  });

  // defer: records on g._defer, one per deferred call, tagged with the frame's SP.
  defineEntry(host, ENTRY.deferproc, (c) => {
    const r = rt();
    const gp = r.getg();
    const d = new Defer(r.L, r.mem, r.heap.alloc(r.L.sizes._defer));
    d.fn = c.argN(0);
    d.sp = r.arch.callerSP(c.engine);
    d.pc = r.arch.lrReg ? c.engine.regN(r.arch.lrReg) : r.mem.ptr(c.engine.sp);
    d.heap = true;
    d.link = gp._defer;
    gp._defer = d.addr;
    return 0; // recovery makes this call return 1 (panic.ts)
  });
  // deferreturn: the next deferred funcval of the calling frame, or 0 when it has none left.
  defineEntry(host, ENTRY.deferreturn, (c) => {
    const r = rt();
    const gp = r.getg();
    if (gp._defer === 0) return 0;
    const d = new Defer(r.L, r.mem, gp._defer);
    if (d.sp !== r.arch.callerSP(c.engine)) return 0;
    const fn = d.fn;
    gp._defer = d.link;
    r.heap.release(d.addr, r.L.sizes._defer);
    return fn;
  });

  // ---- goroutines (proc.go) ----
  host.define('runtime.park_m', { abi: 'internal', nargs: 1 }, (c) => park_m(rt(), c, rt().g(c.argN(0))));
  host.define('runtime.gosched_m', { abi: 'internal', nargs: 1 }, (c) => gosched_m(rt(), c, rt().g(c.argN(0))));
  host.define('runtime.goyield_m', { abi: 'internal', nargs: 1 }, (c) => goyield_m(rt(), c, rt().g(c.argN(0))));
  defineEntry(host, ENTRY.Gosched, (c) => gosched(rt(), c));
  // the runtime's own goroutines park here for good (forcegchelper, bgsweep, bgscavenge, runfinq)
  host.define('runtime.gopark_system', { abi: 'internal', nargs: 1 }, (c) => gopark(rt(), c, { reason: c.argN(0) }));
  // createfing's test: fingCreate == 0 && atomic.Cas(&fingCreate, 0, 1) (mfinal.go:156), one atomic step
  host.define('runtime.createfing.cas', { abi: 'internal', nargs: 0 }, () => {
    const r = rt();
    const fingCreate = r.machine.sym('runtime.fingCreate');
    if (r.mem.u32(fingCreate) !== 0) return 0;
    r.mem.setU32(fingCreate, 1);
    return 1;
  });
  defineEntry(host, ENTRY.NumGoroutine, () => gcount(rt()));
  defineEntry(host, ENTRY.NumCPU, () => rt().ncpu);
  defineEntry(host, ENTRY.LockOSThread, () => LockOSThread(rt()));
  defineEntry(host, ENTRY.UnlockOSThread, () => UnlockOSThread(rt()));
  // ---- runtime.GOMAXPROCS and stop-the-world: the steps of the glue in asm/<arch>/stw.s (stw.ts) ----
  host.define('runtime.GOMAXPROCS.read', { abi: 'internal', nargs: 0 }, () => gomaxprocsRead(rt()));
  host.define('runtime.GOMAXPROCS.setnewprocs', { abi: 'internal', nargs: 1 }, (c) => {
    // newprocs = int32(n), as Go converts it (GOMAXPROCS(1<<63-1) becomes -1: procresize's invalid arg)
    rt().newprocs = Number(BigInt.asIntN(32, c.argInt(0)));
  });
  host.define('runtime.semacquire', { abi: 'internal', nargs: 1 }, (c) => semacquire1(rt(), c, c.argN(0)));
  host.define('runtime.semrelease', { abi: 'internal', nargs: 1 }, (c) => {
    semrelease1(rt(), c.argN(0));
  });
  host.define('runtime.stopTheWorld.preemptoff', { abi: 'internal', nargs: 2 }, (c) => setPreemptoff(rt(), c.argN(0), c.argN(1)));
  host.define('runtime.stopTheWorld.casgwaiting', { abi: 'internal', nargs: 0 }, () => stwCasgstatus(rt(), true));
  host.define('runtime.stopTheWorld.casgrunning', { abi: 'internal', nargs: 0 }, () => stwCasgstatus(rt(), false));
  host.define('runtime.stopTheWorldWithSema.stop', { abi: 'internal', nargs: 0 }, () => (stopTheWorldStop(rt()) ? 1 : 0));
  host.define('runtime.stopTheWorldWithSema.check', { abi: 'internal', nargs: 0 }, () => stopTheWorldCheck(rt()));
  host.define('runtime.preemptall', { abi: 'internal', nargs: 0 }, () => (preemptall(rt()) ? 1 : 0));
  host.define('runtime.startTheWorldWithSema', { abi: 'internal', nargs: 0 }, () => startTheWorldWithSema(rt()));
  host.define('runtime.startTheWorld.release', { abi: 'internal', nargs: 0 }, () => startTheWorldRelease(rt()));
  // ---- panic, recover and Goexit (panic.go; the loops are asm/<arch>/proc.s) ----
  host.define('runtime.deferloop', { abi: 'internal', nargs: 0 }, (c) => deferloop(rt(), c));
  host.define('runtime.recovery', { abi: 'internal', nargs: 1 }, (c) => recovery(rt(), c, rt().g(c.argN(0))));
  defineEntry(host, ENTRY.fatalpanic, (c) => fatalpanic(rt(), c));
  defineEntry(host, ENTRY.preprintpanicsNext, () => preprintpanicsNext(rt()));
  defineEntry(host, ENTRY.preprintpanicsResult, (c) => preprintpanicsResult(rt(), c.argN(0), c.argN(1)));
  defineEntry(host, ENTRY.preprintpanicsFailed, (c) => preprintpanicsFailed(rt(), c.argN(0), c.argN(1)));
  host.define('runtime.Goexit.start', { abi: 'internal', nargs: 0 }, () => goexitStart(rt()));
  host.define('runtime.Goexit.end', { abi: 'internal', nargs: 0 }, () => goexitEnd(rt()));
  defineEntry(host, ENTRY.gorecover, (c) => gorecover(rt(), c.argN(0)));

  // ---- channels (chan.go) ----
  defineEntry(host, ENTRY.makechan, (c) => makechan(rt(), c.argN(0), Number(c.argInt(1))));
  defineEntry(host, ENTRY.chansend1, (c) => {
    const r = chansend(rt(), c, c.argN(0), c.argN(1));
    return typeof r === 'boolean' ? undefined : r;
  });
  defineEntry(host, ENTRY.chanrecv1, (c) => {
    const r = chanrecv(rt(), c, c.argN(0), c.argN(1), false);
    return 'selected' in r ? undefined : r;
  });
  defineEntry(host, ENTRY.chanrecv2, (c) => {
    const r = chanrecv(rt(), c, c.argN(0), c.argN(1), true);
    return 'selected' in r ? (r.received ? 1 : 0) : r;
  });
  defineSelectHosts(host, rt);
  defineTimeHosts(host, rt);
  defineEntry(host, ENTRY.closechan, (c) => closechan(rt(), c.argN(0)));
  defineEntry(host, ENTRY.chanlen, (c) => chanlen(rt(), c.argN(0)));
  defineEntry(host, ENTRY.chancap, (c) => chancap(rt(), c.argN(0)));

  // ---- sync.WaitGroup (sync/waitgroup.go over sema.go) ----
  defineEntry(host, ENTRY.wgAdd, (c) => waitGroupAdd(rt(), c.argN(0), c.argInt(1)));
  defineEntry(host, ENTRY.wgDone, (c) => waitGroupAdd(rt(), c.argN(0), -1n));
  defineEntry(host, ENTRY.wgWait, (c) => waitGroupWait(rt(), c, c.argN(0)));
  host.define('sync.runtime_Semacquire', { abi: 'internal', nargs: 1 }, (c) => semacquire1(rt(), c, c.argN(0)));

  defineEntry(host, ENTRY.panicdivide, () => {
    throw new GoPanic('runtime error: integer divide by zero', rt().getg().goid);
  });
  defineEntry(host, ENTRY.panicUnaligned, () => {
    throw new GoPanic('unaligned 64-bit atomic operation', rt().getg().goid, undefined, false, { kind: 'string' });
  });
  defineEntry(host, ENTRY.panicshift, () => {
    throw new GoPanic('runtime error: negative shift amount', rt().getg().goid);
  });

  // ---- signals and preemption (signal.ts, preempt.ts) and sysmon (sysmon.ts) ----
  host.define('runtime.initsig.want', { abi: 'internal', nargs: 1 }, (c) => (initsigWant(Number(c.argInt(0))) ? 1 : 0));
  host.define('runtime.minit.unblockable', { abi: 'internal', nargs: 2 }, (c) => minitUnblockable(rt(), c.argN(0), c.argN(1)));
  host.define('runtime.sigaction_failed', { abi: 'internal', nargs: 0 }, () => goThrow('sigaction failed'));
  host.define('runtime.badsignal', { abi: 'internal', nargs: 0 }, () => goThrow('signal arrived on a thread without a g (badsignal: no cgo, no needm)'));
  host.define('runtime.sighandler', { abi: 'internal', nargs: 4 }, (c) => {
    const r = rt();
    sighandler(r, Number(c.argInt(0)), c.argN(1), c.argN(2), r.g(c.argN(3)));
  });
  host.define('runtime.signalM_next', { abi: 'internal', nargs: 0 }, () => signalMNext(rt()));
  host.define('runtime.asyncPreempt2.fn', { abi: 'internal', nargs: 0 }, () => asyncPreempt2Fn(rt()));
  host.define('runtime.asyncPreempt2.done', { abi: 'internal', nargs: 0 }, () => asyncPreempt2Done(rt()));
  host.define('runtime.gopreempt_m', { abi: 'internal', nargs: 1 }, (c) => gopreempt_m(rt(), c, rt().g(c.argN(0))));
  host.define('runtime.preemptPark', { abi: 'internal', nargs: 1 }, (c) => preemptPark(rt(), c, rt().g(c.argN(0))));
  host.define('runtime.sysmon.start', { abi: 'internal', nargs: 1 }, (c) => sysmonStart(rt(), c.argN(0)));
  host.define('runtime.sysmon.delay', { abi: 'internal', nargs: 1 }, (c) => sysmonDelay(rt(), c.argN(0)));
  host.define('runtime.sysmon.idle', { abi: 'internal', nargs: 1 }, (c) => sysmonIdle(rt(), c.argN(0)));
  host.define('runtime.sysmon.woke', { abi: 'internal', nargs: 2 }, (c) => sysmonWoke(rt(), c.argN(0), (Number(c.argInt(1)) & 0xff) !== 0));
  host.define('runtime.sysmon.work', { abi: 'internal', nargs: 1 }, (c) => sysmonWork(rt(), c.argN(0)));

  // (Defined last, so that the slots above keep their addresses.)
  // ---- gopark's unlock functions: park_m calls them by address (m.waitunlockf) ----
  host.define('runtime.chanparkcommit', { abi: 'internal', nargs: 2 }, (c) => (chanparkcommit(rt(), rt().g(c.argN(0)), c.argN(1)) ? 1 : 0));
  host.define('runtime.parkunlock_c', { abi: 'internal', nargs: 2 }, (c) => (parkunlock_c(rt(), rt().g(c.argN(0)), c.argN(1)) ? 1 : 0));
  host.define('runtime.resetForSleep', { abi: 'internal', nargs: 2 }, (c) => (resetForSleep(rt(), rt().g(c.argN(0)), c.argN(1)) ? 1 : 0));
  host.define('runtime.selparkcommit', { abi: 'internal', nargs: 2 }, (c) => (selparkcommit(rt(), rt().g(c.argN(0))) ? 1 : 0));

  // ---- notes (lock_futex.go); their sleeps are the futex glue of asm/<arch>/sys_linux.s ----
  const w64 = 8 / registry.arch.ptrSize; // argument words of an int64
  host.define('runtime.noteclear', { abi: 'internal', nargs: 1 }, (c) => noteclear(rt(), c.argN(0)));
  host.define('runtime.notewakeup', { abi: 'internal', nargs: 1 }, (c) => notewakeup(rt(), c.argN(0)));
  host.define('runtime.notesleep', { abi: 'internal', nargs: 1 }, (c) => notesleep(rt(), c, c.argN(0)));
  // notetsleep(n *note, ns int64) bool, and the same signature after each sleep
  host.define('runtime.notetsleep', { abi: 'internal', nargs: 1 + w64 }, (c) => boolOrTail(notetsleep(rt(), c, c.argN(0), Number(c.argI64(1)))));
  host.define('runtime.notetsleep.recheck', { abi: 'internal', nargs: 1 + w64 }, (c) => boolOrTail(notetsleep_recheck(rt(), c, c.argN(0), Number(c.argI64(1)))));
  // timediv(v int64, div int32, rem *int32) int32: arm's timespec.setNsec
  host.define('runtime.timediv', { abi: 'internal', nargs: w64 + 2 }, (c) => timediv(rt(), c.argI64(0), Number(BigInt.asIntN(32, c.arg(w64))), c.argN(w64 + 1)));

  // ---- 64-bit division on 32-bit targets (vlrt.go) ----
  defineVlrtHosts(host, rt);
  // ---- strings, sort, strconv ----
  defineStringsHosts(host, rt);
  // ---- system calls: entersyscall / exitsyscall and package syscall (syscall.ts, syscallpkg.ts) ----
  defineSyscallHosts(host, rt);
}

/** A host function's bool result (1 / 0), or its tail call. */
function boolOrTail(r: boolean | TailCall): number | TailCall {
  return typeof r === 'boolean' ? (r ? 1 : 0) : r;
}
