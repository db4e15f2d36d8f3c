// Select: ports of go1.19 select.go selectgo, sellock, selunlock,
// selparkcommit, block, and chan.go selectnbsend / selectnbrecv.
//
// The compiler builds the scase array ({c, elem} per case: sends first,
// receives from the end backwards) and the order array ([2*ncases]uint16:
// pollorder, then lockorder) in the calling frame, as cmd/compile's
// walkSelectCases does, and calls runtime.selectgo. Both arrays are read and
// written in emulated memory. pollorder is the fastrand shuffle of the
// current M (so the seed decides which ready case wins), lockorder a heap
// sort of the cases by channel address.
//
// A blocked select enqueues one sudog per case (isSelect set, all on
// g.waiting through waitlink, in lock order) and parks with selparkcommit,
// which releases every channel lock. The first channel operation to dequeue
// one of them sets g.selectDone (dequeue in chan.ts) so that no other case
// can claim the goroutine, stores the sudog in g.param and readies it.
// Differs: the code after gopark (relock, find the winning sudog, unlink the
// losers, release the sudogs, return casi / recvOK) is selectgoResume, run by
// execute() from the goroutine's ParkResume record, which stores selectgo's
// results into the goroutine's saved state (park.ts explains why).
import { ENTRY, defineEntry, hostSpec, type EntryTable } from '../abi/index.ts';
import type { HostCall, HostFn, TailCall } from '../os/host.ts';
import { HChan, Sudog, waitReasonSelect, waitReasonSelectNoCases, type G } from '../go119/index.ts';
import { acquireSudog, chanrecv, chansend, dequeue, dequeueSudoG, enqueue, recv, releaseSudog, send } from './chan.ts';
import { resumeIntoPanic } from './panic.ts';
import { lock, unlock } from './lock.ts';
import { gopark, type ParkResume } from './park.ts';
import type { Runtime } from './runtime.ts';
import { GoPanic, goThrow } from './throw.ts';

/** The scase array and the order arrays of one selectgo call, in emulated memory. */
class Cases {
  readonly W: number;
  constructor(
    readonly rt: Runtime,
    readonly cas0: number,
    readonly order0: number,
    readonly ncases: number,
  ) {
    this.W = rt.arch.ptrSize;
  }
  /** scases[i].c */
  c(i: number): number {
    return this.rt.mem.ptr(this.cas0 + i * 2 * this.W);
  }
  /** scases[i].elem */
  elem(i: number): number {
    return this.rt.mem.ptr(this.cas0 + i * 2 * this.W + this.W);
  }
  setElem(i: number, v: number): void {
    this.rt.mem.setPtr(this.cas0 + i * 2 * this.W + this.W, v);
  }
  poll(i: number): number {
    return this.rt.mem.u16(this.order0 + 2 * i);
  }
  setPoll(i: number, v: number): void {
    this.rt.mem.setU16(this.order0 + 2 * i, v);
  }
  lockAt(i: number): number {
    return this.rt.mem.u16(this.order0 + 2 * (this.ncases + i));
  }
  setLock(i: number, v: number): void {
    this.rt.mem.setU16(this.order0 + 2 * (this.ncases + i), v);
  }
  chan(i: number): HChan {
    return new HChan(this.rt.L, this.rt.mem, this.c(i));
  }
}

/** Ports sellock: lock every distinct channel, in lock order. */
function sellock(k: Cases, norder: number): void {
  let c = 0;
  for (let i = 0; i < norder; i++) {
    const c0 = k.c(k.lockAt(i));
    if (c0 !== c) {
      c = c0;
      lock(k.rt, k.chan(k.lockAt(i)).lock);
    }
  }
}

/** Ports selunlock: unlock them in reverse lock order, each channel once. */
function selunlock(k: Cases, norder: number): void {
  for (let i = norder - 1; i >= 0; i--) {
    const c = k.c(k.lockAt(i));
    if (i > 0 && c === k.c(k.lockAt(i - 1))) continue; // unlocked at the next step
    unlock(k.rt, k.chan(k.lockAt(i)).lock);
  }
}

/**
 * Ports selparkcommit (gopark's unlock function for a select, called by
 * park_m): the goroutine is _Gwaiting; release each channel of its sudogs
 * (g.waiting, in lock order) once.
 */
export function selparkcommit(rt: Runtime, gp: G): boolean {
  gp.activeStackChans = true;
  gp.parkingOnChan = 0;
  let lastc = 0;
  for (let sg = gp.waiting; sg !== 0; ) {
    const s = new Sudog(rt.L, rt.mem, sg);
    if (s.c !== lastc && lastc !== 0) unlock(rt, new HChan(rt.L, rt.mem, lastc).lock);
    lastc = s.c;
    sg = s.waitlink;
  }
  if (lastc !== 0) unlock(rt, new HChan(rt.L, rt.mem, lastc).lock);
  return true;
}

/** A panic raised in the running goroutine. */
function panicPlain(rt: Runtime, msg: string): never {
  throw new GoPanic(msg, rt.getg().goid, undefined, false, { kind: 'plainError' });
}

/**
 * Ports selectgo. Returns (casi, recvOK) when a case is ready or there is a
 * default (casi -1), else parks (the tail call of gopark); the goroutine's
 * results are then stored by selectgoResume when it is woken.
 */
export function selectgo(rt: Runtime, call: HostCall, cas0: number, order0: number, nsends: number, nrecvs: number, block: boolean): TailCall | [number, boolean] {
  const ncases = nsends + nrecvs;
  const k = new Cases(rt, cas0, order0, ncases);

  // pollorder: a random permutation of the cases with a channel (nil ones never proceed)
  let norder = 0;
  for (let i = 0; i < ncases; i++) {
    if (k.c(i) === 0) {
      k.setElem(i, 0);
      continue;
    }
    const j = rt.fastrandn(norder + 1);
    k.setPoll(norder, k.poll(j));
    k.setPoll(j, i);
    norder++;
  }

  // lockorder: heap sort by channel address (the channels' sortkey)
  const key = (i: number) => k.c(k.lockAt(i));
  for (let i = 0; i < norder; i++) {
    let j = i;
    const c = k.c(k.poll(i));
    while (j > 0 && key((j - 1) >> 1) < c) {
      const p = (j - 1) >> 1;
      k.setLock(j, k.lockAt(p));
      j = p;
    }
    k.setLock(j, k.poll(i));
  }
  for (let i = norder - 1; i >= 0; i--) {
    const o = k.lockAt(i);
    const c = k.c(o);
    k.setLock(i, k.lockAt(0));
    let j = 0;
    for (;;) {
      let m = j * 2 + 1;
      if (m >= i) break;
      if (m + 1 < i && key(m) < key(m + 1)) m++;
      if (c < key(m)) {
        k.setLock(j, k.lockAt(m));
        j = m;
        continue;
      }
      break;
    }
    k.setLock(j, o);
  }

  sellock(k, norder);
  const unlockAll = () => selunlock(k, norder);

  // pass 1: look for something already waiting, in poll order
  for (let n = 0; n < norder; n++) {
    const casi = k.poll(n);
    const c = k.chan(casi);
    const elem = k.elem(casi);
    if (casi >= nsends) {
      const sg = dequeue(rt, c.sendq);
      if (sg) {
        recv(rt, c, sg, elem, unlockAll);
        return [casi, true];
      }
      if (c.qcount > 0) {
        // bufrecv
        const qp = c.buf + c.recvx * c.elemsize;
        if (elem !== 0 && c.elemsize > 0) rt.mem.copyWithin(elem, qp, c.elemsize);
        rt.mem.fill(qp, c.elemsize);
        c.recvx += 1;
        if (c.recvx === c.dataqsiz) c.recvx = 0;
        c.qcount -= 1;
        unlockAll();
        return [casi, true];
      }
      if (c.closed !== 0) {
        // rclose
        unlockAll();
        if (elem !== 0) rt.mem.fill(elem, c.elemsize);
        return [casi, false];
      }
    } else {
      if (c.closed !== 0) {
        unlockAll();
        panicPlain(rt, 'send on closed channel');
      }
      const sg = dequeue(rt, c.recvq);
      if (sg) {
        send(rt, c, sg, elem, unlockAll);
        return [casi, false];
      }
      if (c.qcount < c.dataqsiz) {
        // bufsend
        if (c.elemsize > 0) rt.mem.copyWithin(c.buf + c.sendx * c.elemsize, elem, c.elemsize);
        c.sendx += 1;
        if (c.sendx === c.dataqsiz) c.sendx = 0;
        c.qcount += 1;
        unlockAll();
        return [casi, false];
      }
    }
  }

  if (!block) {
    unlockAll();
    return [-1, false];
  }

  // pass 2: a sudog on every channel, chained on g.waiting in lock order
  const gp = rt.getg();
  if (gp.waiting !== 0) goThrow('gp.waiting != nil');
  let prev: Sudog | null = null;
  for (let n = 0; n < norder; n++) {
    const casi = k.lockAt(n);
    const c = k.chan(casi);
    const sg = acquireSudog(rt);
    sg.g = gp.addr;
    sg.isSelect = true;
    sg.elem = k.elem(casi);
    sg.releasetime = 0;
    sg.c = c.addr;
    sg.waitlink = 0;
    if (prev) prev.waitlink = sg.addr;
    else gp.waiting = sg.addr;
    prev = sg;
    enqueue(rt, casi < nsends ? c.sendq : c.recvq, sg);
  }
  gp.param = 0;
  gp.parkingOnChan = 1;
  // (a select whose cases are all nil channels has no sudogs: it parks for good, as Go's does)
  return gopark(rt, call, {
    reason: waitReasonSelect,
    unlockf: 'runtime.selparkcommit',
    resume: { kind: 'select', cas0, order0, ncases, norder, nsends },
  });
}

/**
 * The rest of selectgo once a case woke the goroutine (pass 3): relock, take
 * the winning sudog from g.param, unlink every other case's sudog from its
 * channel, release all of them, and deliver (casi, recvOK); a send case woken
 * by a close panics.
 */
export function selectgoResume(rt: Runtime, gp: G, r: Extract<ParkResume, { kind: 'select' }>): void {
  const k = new Cases(rt, r.cas0, r.order0, r.ncases);
  gp.activeStackChans = false;
  sellock(k, r.norder);
  gp.selectDone = 0;
  const sg = gp.param;
  gp.param = 0;

  let casi = -1;
  let caseSuccess = false;
  let sglist = gp.waiting;
  for (let s = gp.waiting; s !== 0; ) {
    const v = new Sudog(rt.L, rt.mem, s);
    v.isSelect = false;
    v.elem = 0;
    v.c = 0;
    s = v.waitlink;
  }
  gp.waiting = 0;
  for (let n = 0; n < r.norder; n++) {
    const casei = k.lockAt(n);
    const cur = new Sudog(rt.L, rt.mem, sglist);
    if (sg === sglist) {
      casi = casei;
      caseSuccess = cur.success;
    } else {
      const c = k.chan(casei);
      dequeueSudoG(rt, casei < r.nsends ? c.sendq : c.recvq, cur);
    }
    sglist = cur.waitlink;
    cur.waitlink = 0;
    releaseSudog(rt, cur);
  }
  if (casi < 0) goThrow('selectgo: bad wakeup');
  selunlock(k, r.norder);

  let recvOK = false;
  if (casi < r.nsends) {
    if (!caseSuccess) {
      resumeIntoPanic(rt, gp, new GoPanic('send on closed channel', gp.goid, undefined, false, { kind: 'plainError' })); // sclose
      return;
    }
  } else {
    recvOK = caseSuccess;
  }
  const spec = hostSpec(ENTRY.selectgo, rt.arch.ptrSize);
  rt.arch.setParkedResult(rt.mem, gp.sched, spec.abi, spec.nargs, 0, casi);
  rt.arch.setParkedResult(rt.mem, gp.sched, spec.abi, spec.nargs, 1, recvOK ? 1 : 0, () => rt.machine.sym('runtime.parkret2'));
}

/** Bind the select entries of src/abi to their ports. */
export function defineSelectHosts(host: EntryTable<HostFn>, rt: () => Runtime): void {
  defineEntry(host, ENTRY.selectgo, (c) => {
    const r = selectgo(rt(), c, c.argN(0), c.argN(1), Number(c.argInt(3)), Number(c.argInt(4)), c.argN(5) !== 0);
    return Array.isArray(r) ? [r[0], r[1] ? 1 : 0] : (r as TailCall);
  });
  // selectnbsend(c, elem) (selected bool): chansend(c, elem, block=false)
  defineEntry(host, ENTRY.selectnbsend, (c) => {
    const r = chansend(rt(), c, c.argN(0), c.argN(1), false);
    return typeof r === 'boolean' ? (r ? 1 : 0) : r;
  });
  // selectnbrecv(elem, c) (selected, received bool): chanrecv(c, elem, block=false)
  defineEntry(host, ENTRY.selectnbrecv, (c) => {
    const r = chanrecv(rt(), c, c.argN(1), c.argN(0), false, false);
    return 'selected' in r ? [r.selected ? 1 : 0, r.received ? 1 : 0] : r;
  });
  // block(): select {} parks for good
  defineEntry(host, ENTRY.block, (c) => gopark(rt(), c, { reason: waitReasonSelectNoCases }));
}
