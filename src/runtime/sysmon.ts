// sysmon: ports of go1.19 proc.go sysmon (the decisions of each round) and
// retake. The loop itself is machine code (asm/<arch>/sysmon.s): sysmon
// runs on its own M without a P, made by runtime.main (newm(sysmon, nil,
// -1), main_start in hosts.ts); each round it sleeps with usleep (the
// nanosleep system call, on the virtual clock), then these host functions
// decide. Its locals (idle, delay, lasttrace, and the time of a sysmonwait
// sleep) live in its frame; the host functions get their address.
//
// Cadence (go1.19): 20 us sleeps while it keeps finding work; after 50
// rounds in a row without waking anybody (retake returned 0) the sleep
// doubles each round, up to 10 ms. With every P idle (and no schedtrace),
// it waits on sched.sysmonnote (sysmonwait) until startTheWorld or a
// syscall exit wakes it (Go's wait ends after forcegcperiod/2 at most, for
// the forced GC; there is no GC and no timer here, so it has no timeout).
// Each round: retake (preempt a G that has run for more
// than forcePreemptNS on its P; hand off a P that stayed in a system call),
// then GODEBUG=schedtrace's lines when they are due.
//
// Differs: no netpoll, forcegc, scavenger or cgo_yield steps (none exists);
// sched.sysmonlock and allpLock are not taken (a host call is atomic: see
// src/runtime/README.md, "Locks").
import { _Pidle, _Prunning, _Psyscall, type P } from '../go119/index.ts';
import { goAsmConst } from '../go119/goasm.ts';
import { handoffp, incidlelocked, checkdead } from './idle.ts';
import { lock, unlock } from './lock.ts';
import { noteclear } from './lock_futex.ts';
import { preemptone } from './preempt.ts';
import { runqempty } from './runq.ts';
import type { Runtime } from './runtime.ts';
import { schedtrace } from './schedtrace.ts';
import { setPStatus } from './status.ts';

/** forcePreemptNS: a goroutine that has run this long on its P is preempted (10 ms). */
export const forcePreemptNS = 10_000_000;
/** forcegcperiod / 2: Go's longest sysmonwait sleep (2 minutes / 2); here only with a timer due */
const SYSMONWAIT_MAX_NS = 60_000_000_000;
/** timeSleepUntil with no timers: the latest time (maxWhen) */
const MAX_WHEN = Number.MAX_SAFE_INTEGER;

/** Where sysmon keeps its locals (offsets in its frame: asm/<arch>/sysmon.s). */
const IDLE = 0;
const DELAY = 4;
const LASTTRACE = 8;
const SLEEP = 16;

/** runtime.sysmon.start: sched.nmsys++ and checkdead, under sched.lock; the locals start at 0. */
export function sysmonStart(rt: Runtime, locals: number): void {
  rt.mem.fill(locals, 24);
  lock(rt, rt.sched.lock);
  rt.sched.nmsys += 1;
  checkdead(rt);
  unlock(rt, rt.sched.lock);
}

/** runtime.sysmon.delay: the next sleep in microseconds (20 us; doubling once idle > 50; at most 10 ms). */
export function sysmonDelay(rt: Runtime, locals: number): number {
  const { mem } = rt;
  const idle = mem.i32(locals + IDLE);
  let delay = mem.u32(locals + DELAY);
  if (idle === 0) delay = 20;
  else if (idle > 50) delay *= 2;
  if (delay > 10 * 1000) delay = 10 * 1000;
  mem.setU32(locals + DELAY, delay);
  if (rt.events.active) rt.events.emit({ kind: 'sysmon', m: rt.curm().id, what: 'sleep', delayUs: delay, idle, now: rt.nanotime() });
  return delay;
}

/**
 * runtime.sysmon.idle: with schedtrace off, while the world is stopping or
 * every P is idle, sysmonwait: sched.sysmonwait = 1 and 1 (the caller then
 * sleeps on sched.sysmonnote for the time stored in the locals); else 0.
 */
export function sysmonIdle(rt: Runtime, locals: number): number {
  const s = rt.sched;
  const now = rt.nanotime();
  if (rt.debug.schedtrace > 0 || !(s.gcwaiting !== 0 || s.npidle === rt.gomaxprocs)) return 0;
  lock(rt, s.lock);
  if (s.gcwaiting !== 0 || s.npidle === rt.gomaxprocs) {
    const next = MAX_WHEN; // timeSleepUntil: no timers
    if (next > now) {
      s.sysmonwait = 1;
      unlock(rt, s.lock);
      // Go wakes after forcegcperiod/2 for the forced GC, or for the next
      // timer; neither exists here, so the wait has no timeout (-1) and only
      // startTheWorld (or a syscall exit) ends it -- and a process where
      // nothing else can run still ends with every thread parked
      let sleep = next === MAX_WHEN ? -1 : SYSMONWAIT_MAX_NS;
      if (sleep >= 0 && next - now < sleep) sleep = next - now;
      rt.mem.setU64(locals + SLEEP, BigInt(sleep));
      if (rt.events.active) rt.events.emit({ kind: 'sysmon', m: rt.curm().id, what: 'sysmonwait', delayUs: Math.floor(sleep / 1000), idle: rt.mem.i32(locals + IDLE), now });
      return 1;
    }
  }
  unlock(rt, s.lock);
  return 0;
}

/** runtime.sysmon.woke: after the sysmonwait sleep: sysmonwait = 0, noteclear; woken by a syscall exit: back to 20 us sleeps. */
export function sysmonWoke(rt: Runtime, locals: number, syscallWake: boolean): void {
  const s = rt.sched;
  lock(rt, s.lock);
  s.sysmonwait = 0;
  noteclear(rt, s.addrOf('sysmonnote'));
  if (syscallWake) {
    rt.mem.setU32(locals + IDLE, 0);
    rt.mem.setU32(locals + DELAY, 20);
  }
  unlock(rt, s.lock);
}

/** runtime.sysmon.work: retake (idle counts rounds that woke nobody), then schedtrace when due. */
export function sysmonWork(rt: Runtime, locals: number): void {
  const { mem } = rt;
  const now = rt.nanotime();
  const n = retake(rt, now);
  mem.setU32(locals + IDLE, n !== 0 ? 0 : (mem.i32(locals + IDLE) + 1) >>> 0);
  const lasttrace = Number(mem.i64(locals + LASTTRACE));
  // lasttrace 0: never printed. (Go compares 0 + N ms with a monotonic clock
  // that counts from the machine's boot, so its first round always prints;
  // the virtual clock counts from the process's start.)
  if (rt.debug.schedtrace > 0 && (lasttrace === 0 || lasttrace + rt.debug.schedtrace * 1_000_000 <= now)) {
    mem.setU64(locals + LASTTRACE, BigInt(now));
    schedtrace(rt, rt.debug.scheddetail > 0);
  }
}

/** p.sysmontick: sysmon's last look at a P (schedtick and when it changed; the same for syscalltick). */
class Sysmontick {
  private readonly base: number;
  constructor(
    private readonly rt: Runtime,
    pp: P,
  ) {
    this.base = pp.addrOf('sysmontick');
  }
  private off(f: string): number {
    return this.base + goAsmConst(this.rt.arch, `sysmontick_${f}`);
  }
  get schedtick(): number {
    return this.rt.mem.u32(this.off('schedtick'));
  }
  set schedtick(v: number) {
    this.rt.mem.setU32(this.off('schedtick'), v >>> 0);
  }
  get schedwhen(): number {
    return Number(this.rt.mem.i64(this.off('schedwhen')));
  }
  set schedwhen(v: number) {
    this.rt.mem.setU64(this.off('schedwhen'), BigInt(v));
  }
  get syscalltick(): number {
    return this.rt.mem.u32(this.off('syscalltick'));
  }
  set syscalltick(v: number) {
    this.rt.mem.setU32(this.off('syscalltick'), v >>> 0);
  }
  get syscallwhen(): number {
    return Number(this.rt.mem.i64(this.off('syscallwhen')));
  }
  set syscallwhen(v: number) {
    this.rt.mem.setU64(this.off('syscallwhen'), BigInt(v));
  }
}

/**
 * Ports retake: for every P, preempt the goroutine if the P has run the
 * same one (its schedtick unchanged) for forcePreemptNS; and take back a P
 * that has sat in _Psyscall over a sysmon tick (or 10 ms if nothing else
 * waits for one) and hand it off. Returns how many Ps were retaken from
 * system calls (preemptions do not count: Go's sysmon backs off all the same).
 */
export function retake(rt: Runtime, now: number): number {
  let n = 0;
  const s = rt.sched;
  for (const a of [...rt.allp]) {
    const pp = rt.p(a);
    const pd = new Sysmontick(rt, pp);
    const st = pp.status;
    let sysretake = false;
    if (st === _Prunning || st === _Psyscall) {
      // preempt a goroutine that has been running too long
      const t = pp.schedtick;
      if (pd.schedtick !== t) {
        pd.schedtick = t;
        pd.schedwhen = now;
      } else if (pd.schedwhen + forcePreemptNS <= now) {
        preemptone(rt, pp);
        sysretake = true; // in a syscall preemptone does nothing; the P is taken below
      }
    }
    if (st === _Psyscall) {
      // take the P back if it has been in a syscall for more than a sysmon tick
      const t = pp.syscalltick;
      if (!sysretake && pd.syscalltick !== t) {
        pd.syscalltick = t;
        pd.syscallwhen = now;
        continue;
      }
      // not while it has no work, others spin or idle, and it has not been long
      if (runqempty(pp) && s.nmspinning + s.npidle > 0 && pd.syscallwhen + 10_000_000 > now) continue;
      incidlelocked(rt, -1);
      if (pp.status === st) {
        setPStatus(pp, st, _Pidle);
        n++;
        pp.syscalltick = (pp.syscalltick + 1) >>> 0;
        if (rt.events.active) rt.events.emit({ kind: 'sysmon', m: rt.curm().id, what: 'retake', delayUs: 0, idle: 0, now, p: pp.id });
        handoffp(rt, pp);
      }
      incidlelocked(rt, 1);
    }
  }
  return n;
}
