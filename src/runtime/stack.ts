// Stack growth: ports of go1.19 stack.go newstack, copystack, adjustframe
// (frame-pointer part), adjustdefers, adjustpanics and the stack-overflow check.
//
// Reached from morestack on g0 when a function prologue found SP at or below
// g.stackguard0. The goroutine's stack is copied to one twice the size and the
// goroutine resumes at the prologue it came from (gogo(&gp.sched)), which now
// passes. Compiled code never keeps pointers into its stack (captured
// variables live in heap cells), so what must be adjusted is exactly what Go's
// adjustframe/adjustdefers/adjustctxt adjust: the saved frame-pointer chain
// (on arches that keep one), gobuf sp/bp/ctxt, _defer.sp, and _panic.argp/sp.
import type { HostCall, TailCall } from '../os/host.ts';
import { _Gcopystack, _Grunning, Defer, Panic, type G } from '../go119/index.ts';
import type { Runtime } from './runtime.ts';
import { casgstatus } from './status.ts';
import { goThrow } from './throw.ts';
import { newstackPreempt } from './preempt.ts';

/** maxstacksize as runtime.main sets it: 1e9 bytes on 64-bit, 2.5e8 on 32-bit; the ceiling is twice that. */
export function maxstacksize(rt: Runtime): number {
  return rt.arch.ptrSize === 8 ? 1_000_000_000 : 250_000_000;
}

const hex = (n: number) => `0x${n.toString(16)}`;

/**
 * Ports newstack: checks, then copystack to twice the size, then gogo back
 * into the interrupted prologue; a preemption request (stackguard0 ==
 * stackPreempt, from preemptone) goes to newstackPreempt (preempt.ts).
 * Differs: no funcMaxSPDelta sizing
 * (a frame bigger than the doubled stack simply grows again at its prologue).
 */
export function newstack(rt: Runtime, call: HostCall): TailCall {
  const thisg = rt.getg();
  const m = rt.curm();
  if (thisg.addr !== m.g0) goThrow('runtime: newstack not on g0');
  const morebufG = m.morebuf.g;
  if (morebufG !== m.curg) goThrow(`runtime: wrong goroutine in newstack (morebuf.g=${hex(morebufG)} curg=${hex(m.curg)})`);
  const gp = rt.g(m.curg);
  m.morebuf.pc = 0;
  m.morebuf.lr = 0;
  m.morebuf.sp = 0;
  m.morebuf.g = 0;

  const preempt = gp.stackguard0Word === rt.L.consts.stackPreempt;
  const sp = gp.sched.sp;
  if (sp < gp.stack.lo) {
    rt.write(2, `runtime: newstack sp=${hex(sp)} stack=[${hex(gp.stack.lo)}, ${hex(gp.stack.hi)}]\n`);
    goThrow('runtime: split stack overflow');
  }
  // a preemption request, not a full stack: stop here (or resume if the M cannot stop now)
  if (preempt) return newstackPreempt(rt, call, gp);
  const oldsize = gp.stack.hi - gp.stack.lo;
  const newsize = oldsize * 2;
  const max = maxstacksize(rt);
  if (newsize > max || newsize > 2 * max) {
    rt.write(2, `runtime: goroutine stack exceeds ${max}-byte limit\n`);
    rt.write(2, `runtime: sp=${hex(sp)} stack=[${hex(gp.stack.lo)}, ${hex(gp.stack.hi)}]\n`);
    goThrow('stack overflow');
  }
  casgstatus(gp, _Grunning, _Gcopystack);
  copystack(rt, gp, newsize);
  casgstatus(gp, _Gcopystack, _Grunning);
  if (rt.events.active) rt.events.emit({ kind: 'stackgrow', goid: gp.goid, g: gp.addr, oldSize: oldsize, newSize: newsize });
  return call.tailCall(rt.machine.sym('runtime.gogo'), [gp.sched.addr], 'abi0');
}

/**
 * Ports copystack: allocate the new stack, copy the used part so that it keeps
 * its distance from the top, adjust the pointers that point into the old
 * stack, free the old one.
 */
export function copystack(rt: Runtime, gp: G, newsize: number): void {
  const { mem } = rt;
  const old = { lo: gp.stack.lo, hi: gp.stack.hi };
  const used = old.hi - gp.sched.sp;
  const stk = rt.stacks.alloc(newsize);
  const delta = stk.hi - old.hi;
  const inOld = (p: number) => p >= old.lo && p < old.hi;
  const adjust = (p: number) => (inOld(p) ? p + delta : p);

  mem.copyWithin(stk.hi - used, old.hi - used, used);
  // the frame-pointer chain: each frame's saved BP that points into the old stack
  if (rt.arch.usesFramePointer) {
    let fp = gp.sched.bp;
    while (fp !== 0 && inOld(fp)) {
      const slot = fp + delta;
      const saved = mem.ptr(slot);
      if (inOld(saved)) mem.setPtr(slot, saved + delta);
      fp = saved;
    }
  }
  // adjustdefers: each _defer record of this goroutine remembers its frame's SP
  for (let d = gp._defer; d !== 0; ) {
    const dv = new Defer(rt.L, mem, d);
    dv.sp = adjust(dv.sp);
    d = dv.link;
  }
  // adjustpanics: the _panic records live on the heap here, but their argp
  // and sp point into the stack (Go adjusts them as pointers of gopanic's frame)
  for (let a = gp._panic; a !== 0; ) {
    const p = new Panic(rt.L, mem, a);
    p.argp = adjust(p.argp);
    p.sp = adjust(p.sp);
    a = p.link;
  }
  gp.sched.sp = adjust(gp.sched.sp);
  gp.sched.bp = adjust(gp.sched.bp);
  gp.sched.ctxt = adjust(gp.sched.ctxt);
  gp.stack.lo = stk.lo;
  gp.stack.hi = stk.hi;
  gp.stackguard0 = stk.lo + rt.L.consts._StackGuard;
  gp.stktopsp = adjust(gp.stktopsp);
  rt.stacks.free(old);
}
