// Channels: ports of go1.19 chan.go makechan, chansend, chanrecv, send, recv,
// closechan, waitq enqueue/dequeue, and proc.go acquireSudog/releaseSudog
// (per-P sudog cache backed by p.sudogbuf, spilling half to sched.sudogcache).
// hchan and sudog live in emulated memory at their go1.19 layouts.
//
// c.lock is taken as in Go (lock.ts): released before a send/recv returns,
// or, when the goroutine blocks, held through gopark until park_m calls
// chanparkcommit (so no other M can ready it before it is _Gwaiting).
// Select (select.ts) shares send, recv, dequeue (which skips the sudogs of a
// select another case already won: go1.19's CAS of g.selectDone) and the
// non-blocking forms (block = false) behind selectnbsend/selectnbrecv.
// Differs: element types are described
// by a descriptor whose first word is the element size (what the compiler
// emits), and elements are copied byte for byte (no write barriers). The code
// after gopark in chansend/chanrecv is chansendResume/chanrecvResume, run by
// execute() from the goroutine's ParkResume record (park.ts).
import { ENTRY, hostSpec } from '../abi/index.ts';
import type { HostCall, TailCall } from '../os/host.ts';
import { HChan, Sudog, WaitQ, waitReasonChanReceive, waitReasonChanReceiveNilChan, waitReasonChanSend, waitReasonChanSendNilChan, type G } from '../go119/index.ts';
import { lock, mutexAt, unlock } from './lock.ts';
import { goready, gopark, type ParkResume } from './park.ts';
import type { Runtime } from './runtime.ts';
import { GoPanic, goThrow } from './throw.ts';
import { maxAlloc } from './slice.ts';
import { resumeIntoPanic } from './panic.ts';

const MAX_ALIGN = 8;

function chan(rt: Runtime, c: number): HChan {
  return new HChan(rt.L, rt.mem, c);
}
function sudog(rt: Runtime, s: number): Sudog {
  return new Sudog(rt.L, rt.mem, s);
}

/** A panic raised in the running goroutine. */
function panicPlain(rt: Runtime, msg: string): never {
  throw new GoPanic(msg, rt.getg().goid, undefined, false, { kind: 'plainError' });
}

/** Ports makechan: hchan and (for pointer-free elements) its buffer in one allocation. */
export function makechan(rt: Runtime, t: number, size: number): number {
  const elemsize = rt.mem.ptr(t);
  if (elemsize >= 1 << 16) goThrow('makechan: invalid channel element type');
  const hchanSize = Math.ceil(rt.L.sizes.hchan / MAX_ALIGN) * MAX_ALIGN;
  const mem = elemsize * size;
  // go1.19 checks against maxAlloc; a size within it that the heap cannot hold is out of memory (mallocgc)
  if (size < 0 || mem > maxAlloc(rt) - hchanSize) panicPlain(rt, 'makechan: size out of range');
  const c = chan(rt, rt.heap.alloc(hchanSize + mem));
  c.buf = mem === 0 ? c.addr : c.addr + hchanSize; // Go points an empty buffer at the hchan itself
  c.elemsize = elemsize;
  c.elemtype = t;
  c.dataqsiz = size;
  return c.addr;
}

/** chanbuf(c, i): address of buffer slot i. */
function chanbuf(c: HChan, i: number): number {
  return c.buf + i * c.elemsize;
}

function memmove(rt: Runtime, dst: number, src: number, n: number): void {
  if (n > 0) rt.mem.copyWithin(dst, src, n);
}

/**
 * Ports chansend (block = true, as chansend1 calls it). Returns normally when
 * the value was handed to a receiver or buffered; otherwise parks (the return
 * value is gopark's tail call) and, when woken, either returns to the caller
 * or panics if the channel was closed meanwhile.
 */
export function chansend(rt: Runtime, call: HostCall, cp: number, ep: number, block = true): TailCall | boolean {
  if (cp === 0) {
    if (!block) return false;
    return gopark(rt, call, { reason: waitReasonChanSendNilChan }); // blocks forever
  }
  const c = chan(rt, cp);
  // the non-blocking fast path: an open channel that cannot take the value now
  if (!block && c.closed === 0 && full(c)) return false;
  lock(rt, c.lock);
  if (c.closed !== 0) {
    unlock(rt, c.lock);
    panicPlain(rt, 'send on closed channel');
  }
  const sg = dequeue(rt, c.recvq);
  if (sg) {
    send(rt, c, sg, ep, () => unlock(rt, c.lock));
    return true;
  }
  if (c.qcount < c.dataqsiz) {
    memmove(rt, chanbuf(c, c.sendx), ep, c.elemsize);
    c.sendx += 1;
    if (c.sendx === c.dataqsiz) c.sendx = 0;
    c.qcount += 1;
    unlock(rt, c.lock);
    return true;
  }
  if (!block) {
    unlock(rt, c.lock);
    return false;
  }
  // block: a sudog on the send queue until a receiver takes the value
  const mysg = enqueueSelf(rt, c, c.sendq, ep);
  return gopark(rt, call, {
    reason: waitReasonChanSend,
    unlockf: 'runtime.chanparkcommit',
    lock: c.addrOf('lock'),
    resume: { kind: 'chansend', sudog: mysg.addr, c: c.addr },
  });
}

/**
 * The rest of chansend once the blocked sender runs again: release the
 * sudog; if a close (not a receiver) woke it, panic in that goroutine, as in Go.
 */
export function chansendResume(rt: Runtime, gp: G, r: Extract<ParkResume, { kind: 'chansend' }>): void {
  const closed = !wokenFrom(rt, gp, sudog(rt, r.sudog));
  if (closed) {
    if (chan(rt, r.c).closed === 0) goThrow('chansend: spurious wakeup');
    resumeIntoPanic(rt, gp, new GoPanic('send on closed channel', gp.goid, undefined, false, { kind: 'plainError' }));
  }
}

/** Ports full: a send on c would block (no waiting receiver / a full buffer). */
function full(c: HChan): boolean {
  if (c.dataqsiz === 0) return c.recvq.first === 0;
  return c.qcount === c.dataqsiz;
}

/** Ports empty: a receive from c would block (no waiting sender / an empty buffer). */
function empty(c: HChan): boolean {
  if (c.dataqsiz === 0) return c.sendq.first === 0;
  return c.qcount === 0;
}

/**
 * Ports send: hand ep's value straight to the receiver waiting in sg, release
 * the lock(s) (unlockf: c's, or every channel of a select) and make the
 * receiver runnable (in runnext).
 */
export function send(rt: Runtime, c: HChan, sg: Sudog, ep: number, unlockf: () => void): void {
  if (sg.elem !== 0) {
    memmove(rt, sg.elem, ep, c.elemsize); // sendDirect
    sg.elem = 0;
  }
  const gp = rt.g(sg.g);
  unlockf();
  gp.param = sg.addr;
  sg.success = true;
  goready(rt, gp);
}

/** chanrecv's (selected, received) when it does not block. */
export interface RecvResult {
  selected: boolean;
  received: boolean;
}

/**
 * Ports chanrecv. Returns (selected, received): received false means the
 * channel is closed and drained; selected false (only when !block) that the
 * receive would have blocked. When the receiver must block, returns the tail
 * call of gopark; `result` says whether the caller wants the received flag
 * (chanrecv2) once the parked receiver runs again.
 */
export function chanrecv(rt: Runtime, call: HostCall, cp: number, ep: number, result: boolean, block = true): TailCall | RecvResult {
  if (cp === 0) {
    if (!block) return { selected: false, received: false };
    return gopark(rt, call, { reason: waitReasonChanReceiveNilChan }); // blocks forever
  }
  const c = chan(rt, cp);
  // the non-blocking fast path: nothing to take now
  if (!block && empty(c)) {
    if (c.closed === 0) return { selected: false, received: false };
    if (empty(c)) {
      if (ep !== 0) rt.mem.fill(ep, c.elemsize);
      return { selected: true, received: false };
    }
  }
  lock(rt, c.lock);
  if (c.closed !== 0) {
    if (c.qcount === 0) {
      unlock(rt, c.lock);
      if (ep !== 0) rt.mem.fill(ep, c.elemsize);
      return { selected: true, received: false };
    }
  } else {
    const sg = dequeue(rt, c.sendq);
    if (sg) {
      recv(rt, c, sg, ep, () => unlock(rt, c.lock));
      return { selected: true, received: true };
    }
  }
  if (c.qcount > 0) {
    const qp = chanbuf(c, c.recvx);
    if (ep !== 0) memmove(rt, ep, qp, c.elemsize);
    rt.mem.fill(qp, c.elemsize);
    c.recvx += 1;
    if (c.recvx === c.dataqsiz) c.recvx = 0;
    c.qcount -= 1;
    unlock(rt, c.lock);
    return { selected: true, received: true };
  }
  if (!block) {
    unlock(rt, c.lock);
    return { selected: false, received: false };
  }
  // block: a sudog on the receive queue until a sender (or close) fills it
  const mysg = enqueueSelf(rt, c, c.recvq, ep);
  return gopark(rt, call, {
    reason: waitReasonChanReceive,
    unlockf: 'runtime.chanparkcommit',
    lock: c.addrOf('lock'),
    resume: { kind: 'chanrecv', sudog: mysg.addr, result },
  });
}

/**
 * The rest of chanrecv once the blocked receiver runs again: release the
 * sudog and, for chanrecv2, put the received flag where the caller will look
 * once gogo resumes it (where that is follows chanrecv2's entry in src/abi).
 */
export function chanrecvResume(rt: Runtime, gp: G, r: Extract<ParkResume, { kind: 'chanrecv' }>): void {
  const received = wokenFrom(rt, gp, sudog(rt, r.sudog));
  if (r.result) {
    const spec = hostSpec(ENTRY.chanrecv2, rt.arch.ptrSize);
    rt.arch.setParkedResult(rt.mem, gp.sched, spec.abi, spec.nargs, 0, received ? 1 : 0);
  }
}

/**
 * The blocking half shared by chansend and chanrecv: a sudog for the current
 * goroutine, waiting on `q` of c with element pointer ep.
 */
function enqueueSelf(rt: Runtime, c: HChan, q: WaitQ, ep: number): Sudog {
  const gp = rt.getg();
  const mysg = acquireSudog(rt);
  mysg.releasetime = 0;
  mysg.elem = ep;
  mysg.waitlink = 0;
  mysg.g = gp.addr;
  mysg.isSelect = false;
  mysg.c = c.addr;
  gp.waiting = mysg.addr;
  gp.param = 0;
  enqueue(rt, q, mysg);
  gp.parkingOnChan = 1;
  return mysg;
}

/** What chansend and chanrecv do after gopark returns: release the sudog; true if the operation succeeded. */
function wokenFrom(rt: Runtime, g: G, mysg: Sudog): boolean {
  if (mysg.addr !== g.waiting) goThrow('G waiting list is corrupted');
  g.waiting = 0;
  g.activeStackChans = false;
  const success = mysg.success;
  g.param = 0;
  mysg.c = 0;
  releaseSudog(rt, mysg);
  return success;
}

/**
 * Ports recv: take the value from the sender waiting in sg: directly for an
 * unbuffered channel; for a full buffered one, take the head of the buffer
 * and put the sender's value at its tail. Then c is unlocked and the sender
 * made runnable.
 */
export function recv(rt: Runtime, c: HChan, sg: Sudog, ep: number, unlockf: () => void): void {
  if (c.dataqsiz === 0) {
    if (ep !== 0) memmove(rt, ep, sg.elem, c.elemsize); // recvDirect
  } else {
    const qp = chanbuf(c, c.recvx);
    if (ep !== 0) memmove(rt, ep, qp, c.elemsize);
    memmove(rt, qp, sg.elem, c.elemsize);
    c.recvx += 1;
    if (c.recvx === c.dataqsiz) c.recvx = 0;
    c.sendx = c.recvx;
  }
  sg.elem = 0;
  const gp = rt.g(sg.g);
  unlockf();
  gp.param = sg.addr;
  sg.success = true;
  goready(rt, gp);
}

/**
 * Ports chanparkcommit (gopark's unlock function for channels, called by
 * park_m through m.waitunlockf): the goroutine is parked; stack shrinking may
 * look at it again; the channel's lock, held since chansend/chanrecv, is
 * released.
 */
export function chanparkcommit(rt: Runtime, gp: G, chanLock: number): boolean {
  gp.activeStackChans = true;
  gp.parkingOnChan = 0;
  unlock(rt, mutexAt(rt, chanLock));
  return true;
}

/**
 * Ports closechan: mark closed, then release every waiting receiver (with a
 * zero value, success = false) and sender (which will panic), readying them
 * in reverse order of release (Go collects them on a gList, a stack).
 */
export function closechan(rt: Runtime, cp: number): void {
  if (cp === 0) panicPlain(rt, 'close of nil channel');
  const c = chan(rt, cp);
  lock(rt, c.lock);
  if (c.closed !== 0) {
    unlock(rt, c.lock);
    panicPlain(rt, 'close of closed channel');
  }
  c.closed = 1;
  const glist: G[] = [];
  for (let sg = dequeue(rt, c.recvq); sg; sg = dequeue(rt, c.recvq)) {
    if (sg.elem !== 0) {
      rt.mem.fill(sg.elem, c.elemsize);
      sg.elem = 0;
    }
    const gp = rt.g(sg.g);
    gp.param = sg.addr;
    sg.success = false;
    glist.push(gp);
  }
  for (let sg = dequeue(rt, c.sendq); sg; sg = dequeue(rt, c.sendq)) {
    sg.elem = 0;
    const gp = rt.g(sg.g);
    gp.param = sg.addr;
    sg.success = false;
    glist.push(gp);
  }
  unlock(rt, c.lock);
  while (glist.length > 0) {
    const gp = glist.pop()!;
    gp.schedlink = 0;
    goready(rt, gp);
  }
}

/** len(ch) / cap(ch) (reflect_chanlen / reflect_chancap); 0 for a nil channel. */
export function chanlen(rt: Runtime, cp: number): number {
  return cp === 0 ? 0 : chan(rt, cp).qcount;
}
export function chancap(rt: Runtime, cp: number): number {
  return cp === 0 ? 0 : chan(rt, cp).dataqsiz;
}

/** Ports waitq.enqueue: sgp at the tail. */
export function enqueue(rt: Runtime, q: WaitQ, sgp: Sudog): void {
  sgp.next = 0;
  const x = q.last;
  if (x === 0) {
    sgp.prev = 0;
    q.first = sgp.addr;
    q.last = sgp.addr;
    return;
  }
  sgp.prev = x;
  sudog(rt, x).next = sgp.addr;
  q.last = sgp.addr;
}

/**
 * Ports waitq.dequeue: the head, or undefined. The sudog of a select whose
 * goroutine was already woken through another case (g.selectDone could not
 * be swapped from 0 to 1) is dropped and the next one taken.
 */
export function dequeue(rt: Runtime, q: WaitQ): Sudog | undefined {
  for (;;) {
    const s = q.first;
    if (s === 0) return undefined;
    const sgp = sudog(rt, s);
    const y = sgp.next;
    if (y === 0) {
      q.first = 0;
      q.last = 0;
    } else {
      sudog(rt, y).prev = 0;
      q.first = y;
      sgp.next = 0;
    }
    if (sgp.isSelect) {
      const gp = rt.g(sgp.g);
      if (gp.selectDone !== 0) continue; // another case won the race
      gp.selectDone = 1;
    }
    return sgp;
  }
}

/** Ports waitq.dequeueSudoG: unlink sgp wherever it is in q (a select's losing cases). */
export function dequeueSudoG(rt: Runtime, q: WaitQ, sgp: Sudog): void {
  const x = sgp.prev;
  const y = sgp.next;
  if (x !== 0) {
    if (y !== 0) {
      sudog(rt, x).next = y;
      sudog(rt, y).prev = x;
      sgp.next = 0;
      sgp.prev = 0;
      return;
    }
    sudog(rt, x).next = 0;
    q.last = x;
    sgp.prev = 0;
    return;
  }
  if (y !== 0) {
    sudog(rt, y).prev = 0;
    q.first = y;
    sgp.next = 0;
    return;
  }
  // x == y == nil: sgp is alone in q, or was already taken off it
  if (q.first === sgp.addr) {
    q.first = 0;
    q.last = 0;
  }
}

/**
 * Ports acquireSudog: from the P's cache (p.sudogcache over p.sudogbuf),
 * refilled to half capacity from sched.sudogcache, else a new sudog.
 */
export function acquireSudog(rt: Runtime): Sudog {
  const pp = rt.curp();
  const cache = pp.sudogcache;
  if (cache.array === 0) {
    cache.array = pp.addrOf('sudogbuf');
    cache.cap = rt.L.field('p', 'sudogbuf').len!;
  }
  if (cache.len === 0) {
    while (cache.len < cache.cap / 2 && rt.sched.sudogcache !== 0) {
      const s = sudog(rt, rt.sched.sudogcache);
      rt.sched.sudogcache = s.next;
      s.next = 0;
      pp.setSudogbuf(cache.len, s.addr);
      cache.len += 1;
    }
    if (cache.len === 0) {
      pp.setSudogbuf(0, rt.heap.alloc(rt.L.sizes.sudog));
      cache.len = 1;
    }
  }
  const n = cache.len;
  const s = sudog(rt, pp.sudogbuf(n - 1));
  pp.setSudogbuf(n - 1, 0);
  cache.len = n - 1;
  if (s.elem !== 0) goThrow('acquireSudog: found s.elem != nil in cache');
  return s;
}

/** Ports releaseSudog: back to the P's cache; a full cache moves half to the central list. */
export function releaseSudog(rt: Runtime, s: Sudog): void {
  if (s.elem !== 0) goThrow('runtime: sudog with non-nil elem');
  if (s.isSelect) goThrow('runtime: sudog with non-false isSelect');
  if (s.next !== 0) goThrow('runtime: sudog with non-nil next');
  if (s.prev !== 0) goThrow('runtime: sudog with non-nil prev');
  if (s.waitlink !== 0) goThrow('runtime: sudog with non-nil waitlink');
  if (s.c !== 0) goThrow('runtime: sudog with non-nil c');
  const pp = rt.curp();
  const cache = pp.sudogcache;
  if (cache.len === cache.cap) {
    // move half of the cache to the central list
    let first = 0;
    let last = 0;
    while (cache.len > cache.cap / 2) {
      const n = cache.len;
      const p = sudog(rt, pp.sudogbuf(n - 1));
      pp.setSudogbuf(n - 1, 0);
      cache.len = n - 1;
      if (first === 0) first = p.addr;
      else sudog(rt, last).next = p.addr;
      last = p.addr;
    }
    sudog(rt, last).next = rt.sched.sudogcache;
    rt.sched.sudogcache = first;
  }
  pp.setSudogbuf(cache.len, s.addr);
  cache.len += 1;
}
