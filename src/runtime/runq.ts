// Run queues: each P's 256-slot ring plus runnext, and the global queue
// sched.runq. Ports of proc.go (go1.19) runqput, runqputslow, runqget,
// runqempty, globrunqput, globrunqputbatch, globrunqget. Only one thread
// touches the scheduler at a time here, so Go's atomics become plain reads
// and writes; sched.lock is taken as Go takes it (lock.ts), and the
// preconditions are asserted under debug checks (assert.ts). The order of
// operations is Go's.
import type { G, P } from '../go119/index.ts';
import { assertLocked, assertOwnerP } from './assert.ts';
import { lock, unlock } from './lock.ts';
import type { Runtime } from './runtime.ts';
import { goThrow } from './throw.ts';

/** gQueue/gList links are g.schedlink; a queue is {head, tail}. */
interface GQueueLike {
  head: number;
  tail: number;
}

function gqueuePushBack(rt: Runtime, q: GQueueLike, gp: number): void {
  rt.g(gp).schedlink = 0;
  if (q.tail !== 0) rt.g(q.tail).schedlink = gp;
  else q.head = gp;
  q.tail = gp;
}

function gqueuePop(rt: Runtime, q: GQueueLike): number {
  const gp = q.head;
  if (gp !== 0) {
    q.head = rt.g(gp).schedlink;
    if (q.head === 0) q.tail = 0;
  }
  return gp;
}

/**
 * Ports runqput: put gp on pp's local queue. With next, gp goes into runnext
 * and the G that was there is kicked to the tail of the queue. A full queue
 * moves half of itself plus gp to the global queue (runqputslow).
 * Precondition: executed only by the owner P.
 */
export function runqput(rt: Runtime, pp: P, gp: G, next: boolean): void {
  assertOwnerP(rt, pp, 'runqput');
  let g = gp.addr;
  if (next) {
    const old = pp.runnext;
    pp.runnext = g;
    if (old === 0) return;
    g = old; // kick the old runnext to the regular queue
  }
  for (;;) {
    const h = pp.runqhead;
    const t = pp.runqtail;
    if (t - h < pp.runqLen) {
      pp.setRunq(t % pp.runqLen, g);
      pp.runqtail = (t + 1) >>> 0;
      return;
    }
    if (runqputslow(rt, pp, g, h, t)) return;
  }
}

/** Ports runqputslow: move half of pp's full local queue, plus gp, to the global queue. */
function runqputslow(rt: Runtime, pp: P, gp: number, h: number, t: number): boolean {
  const n = ((t - h) >>> 0) / 2;
  if (n !== pp.runqLen / 2) goThrow('runqputslow: queue is not full');
  const batch: number[] = [];
  for (let i = 0; i < n; i++) batch.push(pp.runq((h + i) % pp.runqLen));
  pp.runqhead = (h + n) >>> 0;
  batch.push(gp);
  for (let i = 0; i < n; i++) rt.g(batch[i]!).schedlink = batch[i + 1]!;
  lock(rt, rt.sched.lock);
  globrunqputbatch(rt, { head: batch[0]!, tail: batch[n]! }, n + 1);
  unlock(rt, rt.sched.lock);
  return true;
}

/**
 * Ports runqget: take the next G from pp's local queue, runnext first. Returns
 * [gp, inheritTime]: a G from runnext inherits the time slice of the one that
 * readied it (schedtick is not incremented for it).
 * Precondition: executed only by the owner P.
 */
export function runqget(rt: Runtime, pp: P): [G | undefined, boolean] {
  assertOwnerP(rt, pp, 'runqget');
  const next = pp.runnext;
  if (next !== 0) {
    pp.runnext = 0;
    return [rt.g(next), true];
  }
  const h = pp.runqhead;
  const t = pp.runqtail;
  if (t === h) return [undefined, false];
  const gp = pp.runq(h % pp.runqLen);
  pp.runqhead = (h + 1) >>> 0;
  return [rt.g(gp), false];
}

/** Ports runqempty. */
export function runqempty(pp: P): boolean {
  return pp.runqhead === pp.runqtail && pp.runnext === 0;
}

/** Local queue length without runnext (as schedtrace prints it, plus runnext). */
export function runqsize(pp: P): number {
  return ((pp.runqtail - pp.runqhead) >>> 0) + (pp.runnext !== 0 ? 1 : 0);
}

/** Ports globrunqput: gp at the tail of the global queue. Precondition: sched.lock held. */
export function globrunqput(rt: Runtime, gp: G): void {
  assertLocked(rt, rt.sched.lock, 'sched.lock', 'globrunqput');
  gqueuePushBack(rt, rt.sched.runq, gp.addr);
  rt.sched.runqsize += 1;
}

/** Ports globrunqputhead: gp at the head of the global queue. Precondition: sched.lock held. */
export function globrunqputhead(rt: Runtime, gp: G): void {
  assertLocked(rt, rt.sched.lock, 'sched.lock', 'globrunqputhead');
  const q = rt.sched.runq;
  gp.schedlink = q.head;
  q.head = gp.addr;
  if (q.tail === 0) q.tail = gp.addr;
  rt.sched.runqsize += 1;
}

/** Ports globrunqputbatch: a linked batch of n Gs at the tail of the global queue. Precondition: sched.lock held. */
function globrunqputbatch(rt: Runtime, batch: GQueueLike, n: number): void {
  assertLocked(rt, rt.sched.lock, 'sched.lock', 'globrunqputbatch');
  const q = rt.sched.runq;
  rt.g(batch.tail).schedlink = 0;
  if (q.tail !== 0) rt.g(q.tail).schedlink = batch.head;
  else q.head = batch.head;
  q.tail = batch.tail;
  rt.sched.runqsize += n;
}

/**
 * Ports globrunqget: take a fair share of the global queue (runqsize /
 * gomaxprocs + 1, at most max when max > 0, at most half a local queue):
 * return the first and put the rest on pp's local queue.
 * Precondition: sched.lock held.
 */
export function globrunqget(rt: Runtime, pp: P, max: number): G | undefined {
  assertLocked(rt, rt.sched.lock, 'sched.lock', 'globrunqget');
  const s = rt.sched;
  if (s.runqsize === 0) return undefined;
  let n = Math.trunc(s.runqsize / rt.gomaxprocs) + 1;
  if (n > s.runqsize) n = s.runqsize;
  if (max > 0 && n > max) n = max;
  if (n > pp.runqLen / 2) n = pp.runqLen / 2;
  s.runqsize -= n;
  const gp = gqueuePop(rt, s.runq);
  for (n--; n > 0; n--) runqput(rt, pp, rt.g(gqueuePop(rt, s.runq)), false);
  return rt.g(gp);
}
