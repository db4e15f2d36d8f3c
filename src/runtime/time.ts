// Timers: ports of go1.19 time.go timeSleep, resetForSleep, goroutineReady,
// addtimer, doaddtimer, deltimer, dodeltimer, dodeltimer0, modtimer,
// resettimer, cleantimers, moveTimers, adjusttimers, addAdjustedTimers,
// nobarrierWakeTime, runtimer, runOneTimer, clearDeletedTimers,
// updateTimer0When, updateTimerModifiedEarliest, siftupTimer, siftdownTimer;
// proc.go checkTimers, wakeNetPoller.
//
// Each P keeps its timers in p.timers, a []*timer heap (4-ary, by when) in
// emulated memory, with p.numTimers, p.deletedTimers, p.timer0When and
// p.timerModifiedEarliest as in Go; a timer's status goes through go1.19's
// states. Time is the virtual clock of the emulated OS (nanotime), so
// sleeping costs no wall time.
//
// Differs: a host function runs without interruption, so the CAS loops on
// t.status never meet a concurrent change (timerModifying, timerRunning and
// timerMoving are never seen by another M: they would throw). The timer
// functions (t.f) are host functions (goroutineReady; time.sendTime and
// time.goFunc in timepkg.ts), called by name; t.arg's type word is 0 (the
// functions know what they are given). An M with nothing to run but timers
// pending waits where Go blocks in netpoll(delay): a timed futex sleep on
// its m.park (sched.ts, pollerM), which wakeNetPoller's netpollBreak
// interrupts with notewakeup.
import type { HostCall, TailCall } from '../os/host.ts';
import { Timer, waitReasonSleep, type G, type P } from '../go119/index.ts';
import { notewakeup } from './lock_futex.ts';
import { lock, unlock } from './lock.ts';
import { goready, gopark } from './park.ts';
import type { Runtime } from './runtime.ts';
import { goThrow } from './throw.ts';
import { wakep } from './idle.ts';
import { callTimerFunc } from './timepkg.ts';

export const timerNoStatus = 0;
export const timerWaiting = 1;
export const timerRunning = 2;
export const timerDeleted = 3;
export const timerRemoving = 4;
export const timerRemoved = 5;
export const timerModifying = 6;
export const timerModifiedEarlier = 7;
export const timerModifiedLater = 8;
export const timerMoving = 9;

/** maxWhen: 1<<63 - 1 (as a number: the largest safe one) */
const maxWhen = Number.MAX_SAFE_INTEGER;

export function timerAt(rt: Runtime, a: number): Timer {
  return new Timer(rt.L, rt.mem, a);
}

function badTimer(): never {
  return goThrow('timer data corruption');
}

// ---- p.timers: a []*timer in emulated memory ----------------------------------------------

function tlen(pp: P): number {
  return pp.timers.len;
}
function tget(rt: Runtime, pp: P, i: number): Timer {
  return timerAt(rt, rt.mem.ptr(pp.timers.array + i * rt.arch.ptrSize));
}
function tset(rt: Runtime, pp: P, i: number, t: number): void {
  rt.mem.setPtr(pp.timers.array + i * rt.arch.ptrSize, t);
}
/** append(pp.timers, t), growing the backing array as append does (doubling). */
function tappend(rt: Runtime, pp: P, t: number): void {
  const s = pp.timers;
  const W = rt.arch.ptrSize;
  if (s.len === s.cap) {
    const ncap = s.cap === 0 ? 1 : s.cap * 2;
    const na = rt.heap.alloc(ncap * W);
    if (s.len > 0) rt.mem.copyWithin(na, s.array, s.len * W);
    s.array = na;
    s.cap = ncap;
  }
  rt.mem.setPtr(s.array + s.len * W, t);
  s.len += 1;
}

// ---- sleeping --------------------------------------------------------------------------------------

/**
 * Ports timeSleep (time.Sleep): park the goroutine with its own timer
 * (g.timer) set to wake it (goroutineReady) ns from now; resetForSleep
 * starts the timer once the goroutine is _Gwaiting.
 */
export function timeSleep(rt: Runtime, call: HostCall, ns: number): TailCall | undefined {
  if (ns <= 0) return undefined;
  const gp = rt.getg();
  let t = gp.timer === 0 ? null : timerAt(rt, gp.timer);
  if (!t) {
    t = timerAt(rt, rt.heap.alloc(rt.L.sizes.timer));
    gp.timer = t.addr;
  }
  t.f = rt.machine.sym('runtime.goroutineReady');
  t.argData = gp.addr;
  let when = rt.nanotime() + ns;
  if (when > maxWhen) when = maxWhen;
  t.nextwhen = when;
  return gopark(rt, call, { reason: waitReasonSleep, unlockf: 'runtime.resetForSleep', lock: t.addr });
}

/** Ports resetForSleep (gopark's unlock function for timeSleep). */
export function resetForSleep(rt: Runtime, _gp: G, t: number): boolean {
  const tt = timerAt(rt, t);
  resettimer(rt, tt, tt.nextwhen);
  return true;
}

/** Ports goroutineReady: the timer function of a sleeping goroutine. */
export function goroutineReady(rt: Runtime, gp: number): void {
  goready(rt, rt.g(gp));
}

// ---- adding, deleting, modifying ------------------------------------------------------------------

/** Ports addtimer: a new timer on the current P's heap. */
export function addtimer(rt: Runtime, t: Timer): void {
  if (t.when <= 0) goThrow('timer when must be positive');
  if (t.period < 0) goThrow('timer period must be non-negative');
  if (t.status !== timerNoStatus) goThrow('addtimer called with initialized timer');
  t.status = timerWaiting;
  const when = t.when;
  const pp = rt.curp();
  lock(rt, pp.timersLock);
  cleantimers(rt, pp);
  doaddtimer(rt, pp, t);
  unlock(rt, pp.timersLock);
  wakeNetPoller(rt, when);
}

/** Ports doaddtimer: push t on pp's heap. Precondition: pp.timersLock held. */
function doaddtimer(rt: Runtime, pp: P, t: Timer): void {
  if (t.pp !== 0) goThrow('doaddtimer: P already set in timer');
  t.pp = pp.addr;
  const i = tlen(pp);
  tappend(rt, pp, t.addr);
  siftupTimer(rt, pp, i);
  if (t.addr === tget(rt, pp, 0).addr) pp.timer0When = t.when;
  pp.numTimers += 1;
}

/** Ports deltimer: mark t deleted (it leaves its heap later); false if it already ran or was stopped. */
export function deltimer(rt: Runtime, t: Timer): boolean {
  switch (t.status) {
    case timerWaiting:
    case timerModifiedLater:
    case timerModifiedEarlier: {
      const tpp = rt.p(t.pp);
      t.status = timerDeleted;
      tpp.deletedTimers += 1;
      return true;
    }
    case timerDeleted:
    case timerRemoving:
    case timerRemoved:
    case timerNoStatus:
      return false;
    default:
      return badTimer();
  }
}

/** Ports dodeltimer: remove timer i of pp's heap; returns the smallest index that changed. */
function dodeltimer(rt: Runtime, pp: P, i: number): number {
  const t = tget(rt, pp, i);
  if (t.pp !== pp.addr) goThrow('dodeltimer: wrong P');
  t.pp = 0;
  const last = tlen(pp) - 1;
  if (i !== last) tset(rt, pp, i, tget(rt, pp, last).addr);
  tset(rt, pp, last, 0);
  pp.timers.len = last;
  let smallestChanged = i;
  if (i !== last) {
    smallestChanged = siftupTimer(rt, pp, i);
    siftdownTimer(rt, pp, i);
  }
  if (i === 0) updateTimer0When(rt, pp);
  pp.numTimers -= 1;
  if (pp.numTimers === 0) pp.timerModifiedEarliest = 0;
  return smallestChanged;
}

/** Ports dodeltimer0: remove the first timer of pp's heap. */
function dodeltimer0(rt: Runtime, pp: P): void {
  const t = tget(rt, pp, 0);
  if (t.pp !== pp.addr) goThrow('dodeltimer0: wrong P');
  t.pp = 0;
  const last = tlen(pp) - 1;
  if (last > 0) tset(rt, pp, 0, tget(rt, pp, last).addr);
  tset(rt, pp, last, 0);
  pp.timers.len = last;
  if (last > 0) siftdownTimer(rt, pp, 0);
  updateTimer0When(rt, pp);
  pp.numTimers -= 1;
  if (pp.numTimers === 0) pp.timerModifiedEarliest = 0;
}

/**
 * Ports modtimer: set t's when, period, function and argument; a timer no
 * longer on a heap is added to the current P's; one still on a heap is
 * marked modified (earlier or later) and moved when its P next looks.
 * Returns whether the timer was pending (had not run or been stopped).
 */
export function modtimer(rt: Runtime, t: Timer, when: number, period: number, f: number, argData: number, seq: number): boolean {
  if (when <= 0) goThrow('timer when must be positive');
  if (period < 0) goThrow('timer period must be non-negative');
  let wasRemoved = false;
  let pending: boolean;
  const status = t.status;
  switch (status) {
    case timerWaiting:
    case timerModifiedEarlier:
    case timerModifiedLater:
      pending = true;
      break;
    case timerNoStatus:
    case timerRemoved:
      wasRemoved = true;
      pending = false;
      break;
    case timerDeleted:
      rt.p(t.pp).deletedTimers -= 1;
      pending = false;
      break;
    default:
      return badTimer();
  }
  t.status = timerModifying;
  t.period = period;
  t.f = f;
  t.argData = argData;
  t.seq = seq;
  if (wasRemoved) {
    t.when = when;
    const pp = rt.curp();
    lock(rt, pp.timersLock);
    doaddtimer(rt, pp, t);
    unlock(rt, pp.timersLock);
    t.status = timerWaiting;
    wakeNetPoller(rt, when);
  } else {
    t.nextwhen = when;
    const newStatus = when < t.when ? timerModifiedEarlier : timerModifiedLater;
    if (newStatus === timerModifiedEarlier) updateTimerModifiedEarliest(rt.p(t.pp), when);
    t.status = newStatus;
    if (newStatus === timerModifiedEarlier) wakeNetPoller(rt, when);
  }
  return pending;
}

/** Ports resettimer: modtimer with t's own period, function and argument. */
export function resettimer(rt: Runtime, t: Timer, when: number): boolean {
  return modtimer(rt, t, when, t.period, t.f, t.argData, t.seq);
}

/** Ports cleantimers: drop deleted timers and move modified ones at the head of pp's heap. Precondition: pp.timersLock held. */
function cleantimers(rt: Runtime, pp: P): void {
  for (;;) {
    if (tlen(pp) === 0) return;
    const t = tget(rt, pp, 0);
    if (t.pp !== pp.addr) goThrow('cleantimers: bad p');
    switch (t.status) {
      case timerDeleted:
        t.status = timerRemoving;
        dodeltimer0(rt, pp);
        t.status = timerRemoved;
        pp.deletedTimers -= 1;
        break;
      case timerModifiedEarlier:
      case timerModifiedLater:
        t.status = timerMoving;
        t.when = t.nextwhen;
        dodeltimer0(rt, pp);
        doaddtimer(rt, pp, t);
        t.status = timerWaiting;
        break;
      default:
        return;
    }
  }
}

/** Ports moveTimers (p.destroy): the timers of a P being destroyed go to pp. Precondition: pp.timersLock held. */
export function moveTimers(rt: Runtime, pp: P, timers: number[]): void {
  for (const a of timers) {
    const t = timerAt(rt, a);
    switch (t.status) {
      case timerWaiting:
        t.pp = 0;
        doaddtimer(rt, pp, t);
        break;
      case timerModifiedEarlier:
      case timerModifiedLater:
        t.when = t.nextwhen;
        t.pp = 0;
        doaddtimer(rt, pp, t);
        t.status = timerWaiting;
        break;
      case timerDeleted:
        t.status = timerRemoved;
        t.pp = 0;
        break;
      default:
        badTimer();
    }
  }
}

/** The timers of pp's heap (for p.destroy), emptying it. */
export function takeTimers(rt: Runtime, pp: P): number[] {
  const out: number[] = [];
  for (let i = 0; i < tlen(pp); i++) out.push(tget(rt, pp, i).addr);
  pp.timers.len = 0;
  pp.numTimers = 0;
  pp.deletedTimers = 0;
  pp.timer0When = 0;
  pp.timerModifiedEarliest = 0;
  return out;
}

/** Ports adjusttimers: move every timer modified earlier than now to its place. Precondition: pp.timersLock held. */
function adjusttimers(rt: Runtime, pp: P, now: number): void {
  const first = pp.timerModifiedEarliest;
  if (first === 0 || first > now) return;
  pp.timerModifiedEarliest = 0;
  const moved: Timer[] = [];
  for (let i = 0; i < tlen(pp); i++) {
    const t = tget(rt, pp, i);
    if (t.pp !== pp.addr) goThrow('adjusttimers: bad p');
    switch (t.status) {
      case timerDeleted: {
        t.status = timerRemoving;
        const changed = dodeltimer(rt, pp, i);
        t.status = timerRemoved;
        pp.deletedTimers -= 1;
        i = changed - 1;
        break;
      }
      case timerModifiedEarlier:
      case timerModifiedLater: {
        t.status = timerMoving;
        t.when = t.nextwhen;
        const changed = dodeltimer(rt, pp, i);
        moved.push(t);
        i = changed - 1;
        break;
      }
      case timerWaiting:
        break;
      default:
        badTimer();
    }
  }
  for (const t of moved) {
    doaddtimer(rt, pp, t);
    t.status = timerWaiting;
  }
}

/** Ports nobarrierWakeTime: when pp's next timer is due (0: none). */
export function nobarrierWakeTime(pp: P): number {
  let next = pp.timer0When;
  const nextAdj = pp.timerModifiedEarliest;
  if (next === 0 || (nextAdj !== 0 && nextAdj < next)) next = nextAdj;
  return next;
}

/**
 * Ports runtimer: run the first timer of pp's heap if it is due (0), or say
 * when it will be (> 0), or that the heap is empty (-1). Precondition:
 * pp.timersLock held.
 */
function runtimer(rt: Runtime, pp: P, now: number): number {
  for (;;) {
    const t = tget(rt, pp, 0);
    if (t.pp !== pp.addr) goThrow('runtimer: bad p');
    switch (t.status) {
      case timerWaiting:
        if (t.when > now) return t.when;
        t.status = timerRunning;
        runOneTimer(rt, pp, t, now);
        return 0;
      case timerDeleted:
        t.status = timerRemoving;
        dodeltimer0(rt, pp);
        t.status = timerRemoved;
        pp.deletedTimers -= 1;
        if (tlen(pp) === 0) return -1;
        break;
      case timerModifiedEarlier:
      case timerModifiedLater:
        t.status = timerMoving;
        t.when = t.nextwhen;
        dodeltimer0(rt, pp);
        doaddtimer(rt, pp, t);
        t.status = timerWaiting;
        break;
      default:
        return badTimer();
    }
  }
}

/**
 * Ports runOneTimer: a periodic timer gets its next when and stays; a
 * one-shot one leaves the heap; then its function runs with
 * pp.timersLock released.
 */
function runOneTimer(rt: Runtime, pp: P, t: Timer, now: number): void {
  const f = t.f;
  const arg = t.argData;
  const seq = t.seq;
  if (t.period > 0) {
    const delta = t.when - now;
    t.when += t.period * (1 + Math.trunc(-delta / t.period));
    if (t.when > maxWhen) t.when = maxWhen;
    siftdownTimer(rt, pp, 0);
    t.status = timerWaiting;
    updateTimer0When(rt, pp);
  } else {
    dodeltimer0(rt, pp);
    t.status = timerNoStatus;
  }
  unlock(rt, pp.timersLock);
  callTimerFunc(rt, f, arg, seq);
  lock(rt, pp.timersLock);
}

/** Ports clearDeletedTimers: drop every deleted timer of pp's heap at once. Precondition: pp.timersLock held. */
function clearDeletedTimers(rt: Runtime, pp: P): void {
  pp.timerModifiedEarliest = 0;
  let cdel = 0;
  let to = 0;
  let changedHeap = false;
  const n = tlen(pp);
  for (let i = 0; i < n; i++) {
    const t = tget(rt, pp, i);
    switch (t.status) {
      case timerWaiting:
        if (changedHeap) {
          tset(rt, pp, to, t.addr);
          siftupTimer(rt, pp, to);
        }
        to++;
        break;
      case timerModifiedEarlier:
      case timerModifiedLater:
        t.status = timerMoving;
        t.when = t.nextwhen;
        tset(rt, pp, to, t.addr);
        siftupTimer(rt, pp, to);
        to++;
        changedHeap = true;
        t.status = timerWaiting;
        break;
      case timerDeleted:
        t.status = timerRemoving;
        t.pp = 0;
        cdel++;
        t.status = timerRemoved;
        changedHeap = true;
        break;
      default:
        badTimer();
    }
  }
  for (let i = to; i < n; i++) tset(rt, pp, i, 0);
  pp.deletedTimers -= cdel;
  pp.numTimers -= cdel;
  pp.timers.len = to;
  updateTimer0When(rt, pp);
}

function updateTimer0When(rt: Runtime, pp: P): void {
  pp.timer0When = tlen(pp) === 0 ? 0 : tget(rt, pp, 0).when;
}

function updateTimerModifiedEarliest(pp: P, nextwhen: number): void {
  const old = pp.timerModifiedEarliest;
  if (old !== 0 && old < nextwhen) return;
  pp.timerModifiedEarliest = nextwhen;
}

/** Ports siftupTimer (4-ary heap by when); returns where the timer ended up. */
function siftupTimer(rt: Runtime, pp: P, i: number): number {
  if (i >= tlen(pp)) badTimer();
  const tmp = tget(rt, pp, i);
  const when = tmp.when;
  if (when <= 0) badTimer();
  while (i > 0) {
    const p = Math.floor((i - 1) / 4);
    const tp = tget(rt, pp, p);
    if (when >= tp.when) break;
    tset(rt, pp, i, tp.addr);
    i = p;
  }
  tset(rt, pp, i, tmp.addr);
  return i;
}

/** Ports siftdownTimer. */
function siftdownTimer(rt: Runtime, pp: P, i: number): void {
  const n = tlen(pp);
  if (i >= n) badTimer();
  const tmp = tget(rt, pp, i);
  const when = tmp.when;
  if (when <= 0) badTimer();
  const w_ = (k: number) => tget(rt, pp, k).when;
  for (;;) {
    let c = i * 4 + 1;
    let c3 = c + 2;
    if (c >= n) break;
    let w = w_(c);
    if (c + 1 < n && w_(c + 1) < w) {
      w = w_(c + 1);
      c++;
    }
    if (c3 < n) {
      let w3 = w_(c3);
      if (c3 + 1 < n && w_(c3 + 1) < w3) {
        w3 = w_(c3 + 1);
        c3++;
      }
      if (w3 < w) {
        w = w3;
        c = c3;
      }
    }
    if (w >= when) break;
    tset(rt, pp, i, tget(rt, pp, c).addr);
    i = c;
  }
  tset(rt, pp, i, tmp.addr);
}

// ---- the scheduler's side (proc.go) -----------------------------------------------------------

/**
 * Ports checkTimers: run pp's due timers. Returns now (read if 0 was
 * given), when the next timer is due (0: none) and whether any ran.
 */
export function checkTimers(rt: Runtime, pp: P, now: number): { now: number; pollUntil: number; ran: boolean } {
  const next = nobarrierWakeTime(pp);
  if (next === 0) return { now, pollUntil: 0, ran: false };
  if (now === 0) now = rt.nanotime();
  const mine = pp.addr === rt.curm().p;
  if (now < next) {
    // not due yet; clear deleted timers only when they are a quarter of the heap
    if (!mine || pp.deletedTimers <= Math.floor(pp.numTimers / 4)) return { now, pollUntil: next, ran: false };
  }
  let pollUntil = 0;
  let ran = false;
  lock(rt, pp.timersLock);
  if (tlen(pp) > 0) {
    adjusttimers(rt, pp, now);
    while (tlen(pp) > 0) {
      const tw = runtimer(rt, pp, now);
      if (tw !== 0) {
        if (tw > 0) pollUntil = tw;
        break;
      }
      ran = true;
    }
  }
  if (mine && pp.deletedTimers > Math.floor(tlen(pp) / 4)) clearDeletedTimers(rt, pp);
  unlock(rt, pp.timersLock);
  return { now, pollUntil, ran };
}

/**
 * Ports wakeNetPoller: a timer due at `when` was added. If an M waits for
 * the next timer (Go: blocked in netpoll) later than that, interrupt its
 * wait (netpollBreak); with no such M, wake an idle P (wakep).
 */
export function wakeNetPoller(rt: Runtime, when: number): void {
  if (rt.pollerM !== 0) {
    if (rt.pollUntil === 0 || rt.pollUntil > when) netpollBreak(rt);
  } else {
    wakep(rt);
  }
}

/** Ports netpollBreak: wake the M waiting for the next timer (its timed sleep on m.park). */
export function netpollBreak(rt: Runtime): void {
  if (rt.pollerM === 0 || rt.pollBroken) return;
  rt.pollBroken = true;
  notewakeup(rt, rt.m(rt.pollerM).addrOf('park'));
}

/** Ports timeSleepUntil: the earliest timer of any P (maxWhen: none). */
export function timeSleepUntil(rt: Runtime): number {
  let next = maxWhen;
  for (const a of rt.allp) {
    const pp = rt.p(a);
    const w = pp.timer0When;
    if (w !== 0 && w < next) next = w;
    const w2 = pp.timerModifiedEarliest;
    if (w2 !== 0 && w2 < next) next = w2;
  }
  return next;
}

/** Does any P have timers (checkdead's last look before reporting a deadlock)? */
export function anyTimers(rt: Runtime): boolean {
  return rt.allp.some((a) => rt.p(a).timers.len > 0);
}
