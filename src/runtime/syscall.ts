// System calls as Go makes them: ports of go1.19 proc.go reentersyscall,
// entersyscall_sysmon, entersyscall_gcwait, exitsyscall (its two halves
// around the mcall), exitsyscallfast, exitsyscallfast_reacquired,
// exitsyscallfast_pidle and exitsyscall0; and syscall_unix.go's errnoErr.
//
// The Go-ABI functions are machine code (asm/<arch>/syscall.s):
// syscall.Syscall is entersyscall; RawSyscall6 (the SYSCALL / SVC 0
// instruction); exitsyscall, as in syscall_linux.go. runtime.entersyscall
// reads its caller's PC and SP (getcallerpc / getcallersp) and calls the
// host function runtime.reentersyscall with them. runtime.exitsyscall calls
// runtime.exitsyscall.fast; when the fast path fails that returns the
// funcval of exitsyscall0, the stub calls mcall with it (so the goroutine
// is saved in exitsyscall, as in Go) and, once the goroutine runs again,
// runtime.exitsyscall.after does what follows Go's mcall(exitsyscall0).
//
// While the goroutine is in the call, its M holds no P: the P is
// _Psyscall with m.oldp pointing at it. sysmon's retake (sysmon.ts) hands
// it to another M (handoffp) when the call lasts over a sysmon tick and
// there is other work, or over 10 ms; the goroutine's exitsyscall then
// finds its P gone, takes an idle one if there is (exitsyscallfast_pidle),
// or goes to the global run queue and stops its M (exitsyscall0).
//
// Differs: Go runs entersyscall_sysmon, entersyscall_gcwait and
// exitsyscallfast_pidle on the system stack (systemstack); here they are
// part of the host call (no SP changes in TypeScript, and a host call runs
// without interruption). No execution tracer, goroutine profile or
// sched.disable (schedEnabled is always true: no GC), and the
// freezeStopWait test is kept but nothing freezes the world.
import type { HostCall, TailCall } from '../os/host.ts';
import { _Grunnable, _Grunning, _Gsyscall, _Pgcstop, _Pidle, _Prunning, _Psyscall, type G, type P } from '../go119/index.ts';
import { acquirep, pidleget, stopm, stoplockedm } from './idle.ts';
import { lock, unlock } from './lock.ts';
import { notewakeup } from './lock_futex.ts';
import { globrunqput } from './runq.ts';
import type { Runtime } from './runtime.ts';
import { dropg, execute } from './sched.ts';
import { casgstatus, setPStatus } from './status.ts';
import { goThrow } from './throw.ts';

/** sched.stopwait's value while freezetheworld holds every P (0x7fffffff) */
const freezeStopWait = 0x7fffffff;

/**
 * save(pc, sp): what traceback and the GC read of a goroutine in a call
 * (g.sched.pc/sp; lr and ret cleared). Go throws on g0 and with a context.
 */
function save(rt: Runtime, gp: G, pc: number, sp: number): void {
  const m = rt.curm();
  if (gp.addr === m.g0 || gp.addr === m.gsignal) goThrow('save on system g not allowed');
  gp.sched.pc = pc;
  gp.sched.sp = sp;
  gp.sched.lr = 0;
  gp.sched.ret = 0;
  if (gp.sched.ctxt !== 0) goThrow('badctxt');
}

/**
 * Ports reentersyscall (entersyscall's body): the goroutine goes _Gsyscall
 * with its caller's PC and SP saved (g.syscallpc/syscallsp and g.sched),
 * stack checks fail meanwhile (stackguard0 = stackPreempt, throwsplit), and
 * its P goes _Psyscall, detached from the M (m.oldp keeps it). Wakes sysmon
 * if it waits in sysmonwait; gives the P up at once if the world is stopping.
 */
export function reentersyscall(rt: Runtime, pc: number, sp: number): void {
  const gp = rt.getg();
  const mp = rt.curm();
  mp.locks += 1;
  gp.stackguard0Word = rt.L.consts.stackPreempt;
  gp.throwsplit = true;
  save(rt, gp, pc, sp);
  gp.syscallsp = sp;
  gp.syscallpc = pc;
  casgstatus(gp, _Grunning, _Gsyscall);
  if (gp.syscallsp < gp.stack.lo || gp.stack.hi < gp.syscallsp) {
    rt.write(2, `entersyscall inconsistent ${hex(gp.syscallsp)} [${hex(gp.stack.lo)},${hex(gp.stack.hi)}]\n`);
    goThrow('entersyscall');
  }
  if (rt.sched.sysmonwait !== 0) entersyscall_sysmon(rt);
  const pp = rt.p(mp.p);
  mp.syscalltick = pp.syscalltick;
  gp.sysblocktraced = true;
  pp.m = 0;
  mp.oldp = pp.addr;
  mp.p = 0;
  setPStatus(pp, _Prunning, _Psyscall);
  if (rt.events.active) rt.events.emit({ kind: 'entersyscall', goid: gp.goid, g: gp.addr, m: mp.id, p: pp.id, pc, sp });
  if (rt.sched.gcwaiting !== 0) entersyscall_gcwait(rt);
  mp.locks -= 1;
}

const hex = (v: number) => `0x${v.toString(16)}`;

/** Ports entersyscall_sysmon: end sysmon's sysmonwait (a P may be retaken now). */
function entersyscall_sysmon(rt: Runtime): void {
  const s = rt.sched;
  lock(rt, s.lock);
  if (s.sysmonwait !== 0) {
    s.sysmonwait = 0;
    notewakeup(rt, s.addrOf('sysmonnote'));
  }
  unlock(rt, s.lock);
}

/** Ports entersyscall_gcwait: stop-the-world waits for this P: _Pgcstop it now. */
function entersyscall_gcwait(rt: Runtime): void {
  const s = rt.sched;
  const pp = rt.p(rt.curm().oldp);
  lock(rt, s.lock);
  if (s.stopwait > 0 && pp.status === _Psyscall) {
    setPStatus(pp, _Psyscall, _Pgcstop);
    pp.syscalltick = (pp.syscalltick + 1) >>> 0;
    s.stopwait -= 1;
    if (s.stopwait === 0) notewakeup(rt, s.addrOf('stopnote'));
  }
  unlock(rt, s.lock);
}

/**
 * exitsyscall up to its mcall (runtime.exitsyscall.fast; `callersp` is the
 * stub's getcallersp()): if exitsyscallfast gets a P (the old one back, or
 * an idle one), finish the call here (_Grunning, stack guard restored) and
 * return 0; otherwise return the funcval of exitsyscall0 for the stub's mcall.
 */
export function exitsyscallFast(rt: Runtime, callersp: number): number {
  const gp = rt.getg();
  const mp = rt.curm();
  mp.locks += 1;
  if (callersp > gp.syscallsp) goThrow('exitsyscall: syscall frame is no longer valid');
  gp.waitsince = 0;
  const oldp = mp.oldp !== 0 ? rt.p(mp.oldp) : undefined;
  mp.oldp = 0;
  const how = exitsyscallfast(rt, oldp);
  if (how) {
    const pp = rt.p(mp.p);
    pp.syscalltick = (pp.syscalltick + 1) >>> 0;
    casgstatus(gp, _Gsyscall, _Grunning);
    if (rt.events.active) rt.events.emit({ kind: 'exitsyscall', goid: gp.goid, g: gp.addr, m: mp.id, p: pp.id, oldp: oldp?.id ?? -1, how });
    gp.syscallsp = 0;
    mp.locks -= 1;
    if (gp.preempt) gp.stackguard0Word = rt.L.consts.stackPreempt;
    else gp.stackguard0 = gp.stack.lo + rt.L.consts._StackGuard;
    gp.throwsplit = false;
    return 0;
  }
  gp.sysexitticks = 0;
  mp.locks -= 1;
  return rt.funcval('runtime.exitsyscall0');
}

/** exitsyscall after its mcall, when the goroutine runs again (runtime.exitsyscall.after). */
export function exitsyscallAfter(rt: Runtime): void {
  const gp = rt.getg();
  gp.syscallsp = 0;
  const pp = rt.p(rt.curm().p);
  pp.syscalltick = (pp.syscalltick + 1) >>> 0;
  gp.throwsplit = false;
}

/**
 * Ports exitsyscallfast: take back the P the call left in _Psyscall if
 * nobody retook it ('reacquired'), else an idle P ('pidle'); undefined if
 * there is neither (or the world is frozen).
 */
function exitsyscallfast(rt: Runtime, oldp: P | undefined): 'reacquired' | 'pidle' | undefined {
  if (rt.sched.stopwait === freezeStopWait) return undefined;
  if (oldp && oldp.status === _Psyscall) {
    setPStatus(oldp, _Psyscall, _Pidle);
    acquirep(rt, oldp); // wirep
    exitsyscallfast_reacquired(rt);
    return 'reacquired';
  }
  if (rt.sched.pidle !== 0 && exitsyscallfast_pidle(rt)) return 'pidle';
  return undefined;
}

/** Ports exitsyscallfast_reacquired: the P's syscalltick moved while in the call (sysmon looked at it): count a new call. */
function exitsyscallfast_reacquired(rt: Runtime): void {
  const mp = rt.curm();
  const pp = rt.p(mp.p);
  if (mp.syscalltick !== pp.syscalltick) pp.syscalltick = (pp.syscalltick + 1) >>> 0;
}

/** Ports exitsyscallfast_pidle: an idle P for this M (waking sysmon from sysmonwait), or false. */
function exitsyscallfast_pidle(rt: Runtime): boolean {
  const s = rt.sched;
  lock(rt, s.lock);
  const pp = pidleget(rt);
  if (pp && s.sysmonwait !== 0) {
    s.sysmonwait = 0;
    notewakeup(rt, s.addrOf('sysmonnote'));
  }
  unlock(rt, s.lock);
  if (!pp) return false;
  acquirep(rt, pp);
  return true;
}

/**
 * Ports exitsyscall0 (on g0, by mcall from exitsyscall): gp leaves the call
 * without a P: _Grunnable, and either runs at once on an idle P, or goes to
 * the global run queue while this M stops (or waits for it, if gp is locked
 * to it).
 */
export function exitsyscall0(rt: Runtime, call: HostCall, gp: G): TailCall {
  casgstatus(gp, _Gsyscall, _Grunnable);
  dropg(rt);
  const s = rt.sched;
  lock(rt, s.lock);
  const pp = pidleget(rt); // schedEnabled(gp): always
  let locked = false;
  if (!pp) {
    globrunqput(rt, gp);
    locked = gp.lockedm !== 0;
  } else if (s.sysmonwait !== 0) {
    s.sysmonwait = 0;
    notewakeup(rt, s.addrOf('sysmonnote'));
  }
  unlock(rt, s.lock);
  if (rt.events.active) rt.events.emit({ kind: 'exitsyscall', goid: gp.goid, g: gp.addr, m: rt.curm().id, p: pp?.id ?? -1, oldp: -1, how: 'exitsyscall0' });
  if (pp) {
    acquirep(rt, pp);
    return execute(rt, call, gp, false);
  }
  if (locked) return stoplockedm(rt, call); // then execute(gp) when it is handed back (mPark.resume)
  return stopm(rt, call, 'schedule');
}
