// Work stealing: ports of go1.19 proc.go stealWork, runqsteal, runqgrab,
// checkRunqsNoP and the randomOrder / randomEnum enumeration (stealOrder).
//
// A spinning M tries every other P 4 times, each round in a fresh
// pseudo-random order (a start position and a step coprime to GOMAXPROCS,
// both from the M's fastrand); it takes half of a victim's run queue, and
// only in the last round its runnext. Before taking the runnext of a P that
// is running, go1.19 sleeps 3 us (usleep(3)) so that the victim, which has
// likely just readied that goroutine and is about to block, can run it
// itself. That sleep is a nanosleep system call here too: stealWork ends
// its host call with a tail call into the glue runtime.stealWork.usleep<>
// (asm/<arch>/sys_linux.s), which sleeps and enters runtime.stealWork.resume;
// where the enumeration stood (round, position, step, the runnext it saw)
// waits in Runtime.stealResume as plain data, and the steal goes on exactly
// there (stealResume below), as Go's runqgrab does after its usleep.
// In the last round it also runs the due timers of the Ps that have some
// (timerpMask), as go1.19 does. Differs: no GC work.
import type { HostCall, TailCall } from '../os/host.ts';
import { _Prunning, type G, type P } from '../go119/index.ts';
import { pidleget, pMaskRead } from './idle.ts';
import { lock, unlock } from './lock.ts';
import { runqempty, runqget } from './runq.ts';
import { checkTimers, nobarrierWakeTime } from './time.ts';
import type { Runtime } from './runtime.ts';
import { goThrow } from './throw.ts';

/** stealWork's rounds over all Ps; runnext (and, later, timers) only in the last. */
const STEAL_TRIES = 4;
/** go1.19's back-off before stealing a running P's runnext: usleep(3). */
const RUNNEXT_STEAL_USLEEP = 3;

/** A randomEnum: where an enumeration of all Ps stands. */
export interface RandomEnum {
  i: number;
  count: number;
  pos: number;
  inc: number;
}

/** Where stealWork stopped to sleep before taking P `victim`'s runnext `next` (plain data). */
export interface StealResume {
  round: number;
  enum: RandomEnum;
  next: number;
  /** the timers seen so far: the earliest due (0: none), whether any ran */
  pollUntil: number;
  ranTimer: boolean;
}

/**
 * What stealWork found: a goroutine (stolen, or readied by a timer it ran),
 * or newWork (look again from the top), or nothing; and when the next timer
 * it saw is due (0: none).
 */
export type StealResult = { gp: G | undefined; inheritTime?: boolean; newWork: boolean; pollUntil: number } | TailCall;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Ports randomOrder.reset (from procresize): the numbers in 1..count coprime to count. */
export function resetStealOrder(rt: Runtime, count: number): void {
  const coprimes: number[] = [];
  for (let i = 1; i <= count; i++) if (gcd(i, count) === 1) coprimes.push(i);
  rt.stealOrder = { count, coprimes };
}

/** Ports randomOrder.start: an enumeration starting at i % count with a step picked by i. */
export function stealOrderStart(rt: Runtime, i: number): RandomEnum {
  const { count, coprimes } = rt.stealOrder;
  return { i: 0, count, pos: i % count, inc: coprimes[Math.floor(i / count) % coprimes.length]! };
}

function enumNext(e: RandomEnum): void {
  e.i++;
  e.pos = (e.pos + e.inc) % e.count;
}

/**
 * Ports stealWork: try to steal a runnable goroutine from every other P, 4
 * rounds. Returns it, or newWork when the world is being stopped (the caller
 * looks again from the top), or, when it must first sleep (runqgrab's
 * usleep), the tail call of that sleep. `resume`: go on where a sleep left off.
 */
export function stealWork(rt: Runtime, call: HostCall, resume?: StealResume): StealResult {
  const mp = rt.curm();
  const pp = rt.p(mp.p);
  let pollUntil = resume?.pollUntil ?? 0;
  let ranTimer = resume?.ranTimer ?? false;
  let now = 0;
  for (let i = resume ? resume.round : 0; i < STEAL_TRIES; i++) {
    const stealTimersOrRunNextG = i === STEAL_TRIES - 1;
    const e = resume ? resume.enum : stealOrderStart(rt, rt.fastrand());
    let after = resume?.next;
    resume = undefined;
    for (; e.i !== e.count; enumNext(e)) {
      if (rt.sched.gcwaiting !== 0) return { gp: undefined, newWork: true, pollUntil }; // GC (stop-the-world) work may be waiting
      const p2 = rt.p(rt.allp[e.pos]!);
      if (pp.addr === p2.addr) continue;
      // In the last round, run p2's due timers: a goroutine they ready lands in
      // our run queue. (Not again for the P whose runnext we slept for.)
      if (stealTimersOrRunNextG && after === undefined && pMaskRead(rt.timerpMask, e.pos)) {
        const r = checkTimers(rt, p2, now);
        now = r.now;
        if (r.pollUntil !== 0 && (pollUntil === 0 || r.pollUntil < pollUntil)) pollUntil = r.pollUntil;
        if (r.ran) {
          const [gp, inheritTime] = runqget(rt, pp);
          if (gp) return { gp, inheritTime, newWork: false, pollUntil };
          ranTimer = true;
        }
      }
      // don't bother to steal from an idle P
      if (!pMaskRead(rt.idlepMask, e.pos)) {
        const slept = after !== undefined;
        const r = runqsteal(rt, pp, p2, stealTimersOrRunNextG, after, i, slept);
        after = undefined;
        if (typeof r === 'number') {
          rt.stealResume.set(mp.addr, { round: i, enum: { ...e }, next: r, pollUntil, ranTimer });
          return call.tailCall(rt.machine.sym('runtime.stealWork.usleep<>'), [RUNNEXT_STEAL_USLEEP], 'internal');
        }
        if (r) return { gp: r, newWork: false, pollUntil };
      }
    }
  }
  return { gp: undefined, newWork: ranTimer, pollUntil };
}

/** runtime.stealWork.resume: the M slept before stealing a runnext; go on from there. */
export function stealResume(rt: Runtime, call: HostCall): StealResult {
  const mp = rt.curm();
  const r = rt.stealResume.get(mp.addr);
  if (!r) goThrow('stealWork.resume: no steal in progress');
  rt.stealResume.delete(mp.addr);
  return stealWork(rt, call, r);
}

/**
 * Ports runqsteal: take half of p2's run queue (its runnext too when allowed)
 * into pp's and return one of them (the last). A number is runqgrab's request
 * to sleep first (the runnext it saw).
 */
function runqsteal(rt: Runtime, pp: P, p2: P, stealRunNextG: boolean, afterSleep: number | undefined, round: number, slept: boolean): G | undefined | number {
  const t = pp.runqtail;
  const got = runqgrab(rt, p2, pp, t, stealRunNextG, afterSleep);
  if (got.sleep !== undefined) return got.sleep;
  let n = got.n;
  if (n === 0) return undefined;
  n--;
  const gp = rt.g(pp.runq((t + n) % pp.runqLen));
  if (rt.events.active) rt.events.emit({ kind: 'steal', m: rt.curm().id, p: pp.id, from: p2.id, n: n + 1, runnext: got.runnext, slept, round, goid: gp.goid });
  if (n === 0) return gp;
  const h = pp.runqhead;
  if (((t - h) >>> 0) + n >= pp.runqLen) goThrow('runqsteal: runq overflow');
  pp.runqtail = (t + n) >>> 0;
  return gp;
}

/**
 * Ports runqgrab: copy half (rounded up) of p2's run queue into `into`'s ring
 * from batchHead on, and consume them from p2. An empty queue gives its
 * runnext when stealRunNextG; if p2 is running, first ask to sleep (sleep:
 * the runnext seen), then (afterSleep) take it only if it is still there.
 */
function runqgrab(rt: Runtime, p2: P, into: P, batchHead: number, stealRunNextG: boolean, afterSleep: number | undefined): { n: number; runnext: boolean; sleep?: number } {
  for (;;) {
    if (afterSleep !== undefined) {
      // Go's CAS of p2.runnext from the value seen before the sleep
      const seen = afterSleep;
      afterSleep = undefined;
      if (p2.runnext !== seen) continue;
      p2.runnext = 0;
      into.setRunq(batchHead % into.runqLen, seen);
      return { n: 1, runnext: true };
    }
    const h = p2.runqhead;
    const t = p2.runqtail;
    let n = (t - h) >>> 0;
    n = n - Math.floor(n / 2);
    if (n === 0) {
      if (stealRunNextG) {
        const next = p2.runnext;
        if (next !== 0) {
          if (p2.status === _Prunning) return { n: 0, runnext: false, sleep: next };
          p2.runnext = 0;
          into.setRunq(batchHead % into.runqLen, next);
          return { n: 1, runnext: true };
        }
      }
      return { n: 0, runnext: false };
    }
    if (n > p2.runqLen / 2) continue; // inconsistent h and t (cannot happen here)
    for (let i = 0; i < n; i++) into.setRunq((batchHead + i) % into.runqLen, p2.runq((h + i) % p2.runqLen));
    p2.runqhead = (h + n) >>> 0;
    return { n, runnext: false };
  }
}

/**
 * Ports checkTimersNoP: after dropping its P, a formerly spinning M looks at
 * the timers of every P that may have some: the earliest due (or pollUntil).
 */
export function checkTimersNoP(rt: Runtime, allpSnapshot: readonly number[], timerpMaskSnapshot: readonly number[], pollUntil: number): number {
  for (let id = 0; id < allpSnapshot.length; id++) {
    if (!pMaskRead(timerpMaskSnapshot, id)) continue;
    const w = nobarrierWakeTime(rt.p(allpSnapshot[id]!));
    if (w !== 0 && (pollUntil === 0 || w < pollUntil)) pollUntil = w;
  }
  return pollUntil;
}

/**
 * Ports checkRunqsNoP: after dropping its P, a formerly spinning M looks at
 * every P that was not idle once more; if one has work, it takes an idle P
 * (returned) to go and steal it.
 */
export function checkRunqsNoP(rt: Runtime, allpSnapshot: readonly number[], idlepMaskSnapshot: readonly number[]): P | undefined {
  for (let id = 0; id < allpSnapshot.length; id++) {
    const p2 = rt.p(allpSnapshot[id]!);
    if (!pMaskRead(idlepMaskSnapshot, id) && !runqempty(p2)) {
      lock(rt, rt.sched.lock);
      const pp = pidleget(rt);
      unlock(rt, rt.sched.lock);
      if (pp) return pp;
      break; // no P to steal with: no point looking further
    }
  }
  return undefined;
}
