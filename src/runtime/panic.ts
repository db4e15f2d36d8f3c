// Panics, recover and Goexit: ports of go1.19 panic.go gopanic (its loop over
// the defer chain), gorecover, recovery, Goexit, printpanics, fatalpanic.
//
// As in Go, each panic is a _panic record (go1.19's layout, in emulated
// memory) linked from g._panic, and each deferred call it runs is marked on
// its _defer (started, _panic). The loop itself is machine code
// (asm/<arch>/proc.s: runtime.gopanic and runtime.Goexit) around one host
// call per deferred call, `runtime.deferloop`, which does what Go's loop does
// before and after `d.fn()`; the deferred function is called by the stub, so
// it may block, panic again or recover as in Go. A recover marks the panic;
// when the deferred call returns, deferloop switches to g0 with
// mcall(recovery), which makes the frame's deferproc call return 1 (gogo on
// the deferring frame's sp/pc, result 1 through the arch's call result), so
// the frame jumps to its deferreturn epilogue.
//
// Differs: _panic records come from the heap instead of gopanic's frame (the
// frames here are not Go frames); the value's printed text is kept with the
// record (Runtime.pendingPanics, by _panic address), together with the site
// a traceback starts at. A value with an Error or String method gets its
// text as in Go, only when nothing recovered: fatalpanic first tail-calls
// the compiled runtime.preprintpanics (src/compile/printpanics.ts), which
// makes those calls (preprintpanicsNext / Result / Failed here) and calls
// fatalpanic again. Runtime errors are
// recoverable values of runtime.errorString / runtime.plainError (type
// descriptors the compiler emits with the program when it calls recover:
// runtime.errortypes), runtime.boundsError values and
// *runtime.TypeAssertionError pointers, in go1.19's layouts.
import { RUNTIME_ERROR_TABLE, RUNTIME_ERROR_TYPES } from '../abi/index.ts';
import type { HostCall, TailCall } from '../os/host.ts';
import { Defer, Panic, type G } from '../go119/index.ts';
import { callSite, throwContext } from './crash.ts';
import { mainDeferredUnlock } from './lockosthread.ts';
import type { Runtime } from './runtime.ts';
import { GoPanic, goThrow, type PanicSite } from './throw.ts';
import { schedSite } from './traceback.ts';
import type { PendingPanic } from './runtime.ts';
import { readString, typeAt, Kind } from './typedesc.ts';

/** An interface value: type word and data word. */
export interface Eface {
  type: number;
  data: number;
}

/** SIGSEGV and its si_code SEGV_MAPERR, as sigpanic records them in g.sig / g.sigcode0. */
const SIGSEGV = 11;
const SEGV_MAPERR = 1;


function panicView(rt: Runtime, p: number): Panic {
  return new Panic(rt.L, rt.mem, p);
}

function symOpt(rt: Runtime, name: string): number | undefined {
  return rt.machine.image.symbols.get(name) ?? rt.machine.data.get(name);
}

/**
 * The value a runtime panic carries, as Go makes it: a user panic's own
 * interface value; otherwise an errorString ("runtime error: " + s), a
 * plainError or a string, built only when the program has the type
 * descriptors (it calls recover); else a nil interface (never observed).
 */
function panicArg(rt: Runtime, e: GoPanic): Eface {
  if (e.arg) return e.arg;
  const table = symOpt(rt, RUNTIME_ERROR_TABLE);
  if (table === undefined) return { type: 0, data: 0 };
  const W = rt.arch.ptrSize;
  const kind = e.errKind ?? (e.value.startsWith('runtime error: ') ? 'errorString' : 'string');
  const type = rt.mem.ptr(table + W * RUNTIME_ERROR_TYPES.indexOf(kind));
  const b = e.opts.bounds;
  if (kind === 'boundsError' && b) {
    // boundsError{x int64; y int; signed bool; code uint8}
    const box = rt.heap.alloc(8 + W + 2);
    rt.mem.setU64(box, BigInt.asUintN(64, b.x));
    rt.mem.setPtr(box + 8, Number(BigInt.asUintN(W * 8, b.y)));
    rt.mem.setU8(box + 8 + W, b.signed ? 1 : 0);
    rt.mem.setU8(box + 9 + W, b.code);
    return { type, data: box };
  }
  const a = e.opts.assertion;
  if (kind === 'TypeAssertionError' && a) {
    // &TypeAssertionError{_interface, concrete, asserted *_type; missingMethod string}: the pointer is the data word
    const obj = rt.heap.alloc(5 * W);
    const m = new TextEncoder().encode(a.missing);
    const mp = m.length === 0 ? 0 : rt.heap.alloc(m.length);
    if (mp !== 0) rt.mem.write(mp, m);
    [a.iface, a.concrete, a.asserted, mp, m.length].forEach((v, i) => rt.mem.setPtr(obj + i * W, v));
    return { type, data: obj };
  }
  const text = kind === 'errorString' ? e.value.replace(/^runtime error: /, '').split('\n')[0]! : e.value;
  const bytes = new TextEncoder().encode(text);
  const p = bytes.length === 0 ? 0 : rt.heap.alloc(bytes.length);
  if (p !== 0) rt.mem.write(p, bytes);
  const box = rt.heap.alloc(2 * W);
  rt.mem.setPtr(box, p);
  rt.mem.setPtr(box + W, bytes.length);
  return { type, data: box };
}

/**
 * gopanic's start: a new _panic for gp (arg e, link the previous one) on
 * g._panic; the text and traceback site are kept by the runtime. Ports the
 * first lines of gopanic (and sigpanic's g.sig for a nil dereference).
 */
export function newPanic(rt: Runtime, gp: G, e: GoPanic, site: PanicSite): number {
  const p = panicView(rt, rt.heap.alloc(rt.L.sizes._panic));
  const arg = panicArg(rt, e);
  const W = rt.arch.ptrSize;
  rt.mem.setPtr(p.addrOf('arg'), arg.type);
  rt.mem.setPtr(p.addrOf('arg') + W, arg.data);
  p.link = gp._panic;
  gp._panic = p.addr;
  if (e.signal) {
    gp.sig = SIGSEGV;
    gp.sigcode0 = SEGV_MAPERR;
    gp.sigcode1 = e.opts.faultAddr ?? 0;
    gp.sigpc = site.pc;
  }
  rt.pendingPanics.set(p.addr, { value: e.value, site, ...(e.opts.method ? { method: { ...e.opts.method } } : {}) });
  addRunningPanicDefers(rt, 1);
  return p.addr;
}

/** panic.go's atomic.Xadd(&runningPanicDefers, delta): gopanic counts itself in, a recovery or fatalpanic out. */
function addRunningPanicDefers(rt: Runtime, delta: number): void {
  const a = rt.machine.sym('runtime.runningPanicDefers');
  rt.mem.setU32(a, (rt.mem.u32(a) + delta) >>> 0);
}

/**
 * Ports the end of runtime.main (proc.go): once main.main has returned, while
 * a panic elsewhere is still running deferred calls (runningPanicDefers != 0),
 * Gosched, at most 1000 times, to let it finish (and, if it is fatal, print
 * its report); then exit(0). Returns true while runtime.main should Gosched
 * and ask again. The count lives in emulated memory (runtime.main.exitRounds).
 */
export function mainExitWait(rt: Runtime): boolean {
  const c = rt.machine.sym('runtime.main.exitRounds');
  const rounds = rt.mem.u32(c);
  if (rt.mem.u32(rt.machine.sym('runtime.runningPanicDefers')) === 0 || rounds >= 1000) return false;
  rt.mem.setU32(c, rounds + 1);
  return true;
}

/**
 * A host function panicked in the running goroutine: start gopanic there
 * (the stub, reached by a tail call in place of a return to the caller).
 */
export function startPanic(rt: Runtime, call: HostCall, e: GoPanic): TailCall {
  const gp = rt.getg();
  newPanic(rt, gp, e, e.site ?? callSite(rt));
  if (rt.events.active) rt.events.emit({ kind: 'panic', goid: gp.goid, value: e.value });
  return call.tailCall(rt.machine.sym('runtime.gopanic'), [], 'abi0');
}

/**
 * Make a parked goroutine panic as soon as it resumes (a send on a channel
 * closed while it waited): gogo will jump to the gopanic stub instead of
 * the call site.
 */
export function resumeIntoPanic(rt: Runtime, gp: G, e: GoPanic): void {
  newPanic(rt, gp, e, schedSite(gp));
  gp.sched.pc = rt.machine.sym('runtime.gopanic');
}

/** Ports Goexit's start: a _panic with goexit set on g._panic. */
export function goexitStart(rt: Runtime): void {
  const gp = rt.getg();
  const p = panicView(rt, rt.heap.alloc(rt.L.sizes._panic));
  p.goexit = true;
  p.link = gp._panic;
  gp._panic = p.addr;
}

/** The end of Goexit's loop (every deferred call ran): its _panic leaves the chain before goexit1. */
export function goexitEnd(rt: Runtime): void {
  const gp = rt.getg();
  const p = panicView(rt, gp._panic);
  if (p.addr === 0 || !p.goexit) goThrow('Goexit: lost its _panic');
  gp._panic = p.link;
  rt.heap.release(p.addr, rt.L.sizes._panic);
}

function freedefer(rt: Runtime, d: Defer): void {
  rt.heap.release(d.addr, rt.L.sizes._defer);
}

/**
 * runtime.deferloop: the body of gopanic's (and Goexit's) loop around the
 * call of d.fn, called by the stub at the top of its loop with p =
 * g._panic being the loop's own panic. First it finishes the deferred call
 * that returned (p.argp is set while one runs): takes it off the chain and,
 * if it recovered the panic, ends in mcall(recovery). Then it takes the next
 * deferred call: those started by an earlier panic or Goexit are dropped
 * (marking that panic aborted), the next one is marked started by p, and
 * its funcval is returned for the stub to call (0: none left, the stub goes
 * on to fatalpanic or goexit1). p.argp/sp/pc are where that call's
 * arguments start and where the stub calls it from (getargp, deferCallSave).
 */
export function deferloop(rt: Runtime, call: HostCall): number | TailCall {
  const gp = rt.getg();
  const p = panicView(rt, gp._panic);
  if (p.addr === 0) goThrow('deferloop: no panic');
  if (p.argp !== 0) {
    p.argp = 0;
    p.pc = 0;
    p.sp = 0;
    if (p.goexit && p.aborted) {
      // a panic in d was recovered further down the chain: back in Goexit's loop, d already freed
      p.aborted = false;
    } else {
      const d = new Defer(rt.L, rt.mem, gp._defer);
      if (d.addr === 0 || d._panic !== p.addr) goThrow(p.goexit ? 'bad defer entry in Goexit' : 'bad defer entry in panic');
      d._panic = 0;
      const { pc, sp } = d;
      gp._defer = d.link;
      freedefer(rt, d);
      if (p.recovered) return recover(rt, call, gp, p, sp, pc);
    }
  }
  for (;;) {
    const d = new Defer(rt.L, rt.mem, gp._defer);
    if (d.addr === 0) {
      // the outermost deferred call of the main goroutine: runtime.main's unlock during init
      mainDeferredUnlock(rt);
      return 0;
    }
    if (d.started) {
      // started by an earlier panic or Goexit, which will not go on (Goexit does: see above)
      if (d._panic !== 0) panicView(rt, d._panic).aborted = true;
      d._panic = 0;
      gp._defer = d.link;
      freedefer(rt, d);
      continue;
    }
    d.started = true;
    d._panic = p.addr;
    const sp = rt.arch.callerSP(call.engine);
    p.argp = sp + rt.arch.minFrameSize;
    p.sp = sp;
    p.pc = rt.machine.sym(p.goexit ? 'runtime.Goexit.loop' : 'runtime.gopanic.loop');
    return d.fn;
  }
}

/** The recovered part of gopanic's loop: unlink the panic (and aborted ones), then mcall(recovery). */
function recover(rt: Runtime, call: HostCall, gp: G, p: Panic, sp: number, pc: number): TailCall {
  gp._panic = p.link;
  const under = gp._panic !== 0 ? panicView(rt, gp._panic) : undefined;
  if (under && under.goexit && under.aborted) {
    // a recover must not bypass a Goexit in progress: go back to its loop
    gp.sigcode0 = under.sp;
    gp.sigcode1 = under.pc;
  } else {
    // (not when going back to a Goexit's loop: go1.19 leaves the count raised then)
    addRunningPanicDefers(rt, -1);
    while (gp._panic !== 0 && panicView(rt, gp._panic).aborted) {
      const a = gp._panic;
      gp._panic = panicView(rt, a).link;
      rt.pendingPanics.delete(a);
    }
    if (gp._panic === 0) gp.sig = 0;
    gp.sigcode0 = sp;
    gp.sigcode1 = pc;
  }
  rt.pendingPanics.delete(p.addr);
  rt.heap.release(p.addr, rt.L.sizes._panic);
  return call.tailCall(rt.machine.sym('runtime.mcall'), [rt.funcval('runtime.recovery')], 'internal');
}

/**
 * Ports recovery (on g0): resume gp as if the deferproc call of the
 * recovering frame returned 1 (sp and pc from g.sigcode0/1). The return to
 * Goexit's loop gets no result (its stub ignores it).
 */
export function recovery(rt: Runtime, call: HostCall, gp: G): TailCall {
  const sp = gp.sigcode0;
  const pc = gp.sigcode1;
  if (sp !== 0 && (sp < gp.stack.lo || gp.stack.hi < sp)) {
    rt.write(2, `recover: 0x${sp.toString(16)} not in [0x${gp.stack.lo.toString(16)}, 0x${gp.stack.hi.toString(16)}]\n`);
    goThrow('bad recovery');
  }
  gp.sigcode0 = 0;
  gp.sigcode1 = 0;
  const buf = gp.sched;
  buf.sp = sp;
  buf.pc = pc;
  buf.lr = 0;
  buf.ret = 0;
  if (pc !== rt.machine.sym('runtime.Goexit.loop')) rt.arch.setParkedResult(rt.mem, buf, 'internal', 1, 0, 1);
  return call.tailCall(rt.machine.sym('runtime.gogo'), [buf.addr], 'abi0');
}

/** Ports gorecover: the panic's value if called by the deferred function itself (argp matches), else nil. */
export function gorecover(rt: Runtime, argp: number): [number, number] {
  const gp = rt.getg();
  if (gp._panic === 0) return [0, 0];
  const p = panicView(rt, gp._panic);
  if (p.goexit || p.recovered || argp !== p.argp) return [0, 0];
  p.recovered = true;
  const W = rt.arch.ptrSize;
  return [rt.mem.ptr(p.addrOf('arg')), rt.mem.ptr(p.addrOf('arg') + W)];
}

/** The newest panic of the running goroutine's chain whose Error/String method preprintpanics has not called yet. */
function unprinted(rt: Runtime): PendingPanic | undefined {
  for (let a = rt.getg()._panic; a !== 0; a = panicView(rt, a).link) {
    const info = rt.pendingPanics.get(a);
    if (info?.method) return info;
  }
  return undefined;
}

/** preprintpanics.next: the method call for the next panic value (newest first), or [0, 0] when none is left. */
export function preprintpanicsNext(rt: Runtime): [number, number] {
  const info = unprinted(rt);
  if (!info) return [0, 0];
  const { fn, recv } = info.method!;
  delete info.method;
  info.calling = true;
  return [fn, recv];
}

/** preprintpanics.result: the method returned; its result is the panic's text. */
export function preprintpanicsResult(rt: Runtime, p: number, n: number): void {
  for (const info of rt.pendingPanics.values()) {
    if (!info.calling) continue;
    info.calling = false;
    info.value = new TextDecoder().decode(readString(rt, p, n));
    return;
  }
  goThrow('preprintpanics: no method call in progress');
}

/** dopanic_m's line for a goroutine that panicked on a signal (g.sig set by sigpanic), else none. */
function signalLine(gp: G): string[] {
  if (gp.sig === 0) return [];
  return [`[signal SIGSEGV: segmentation violation code=0x${gp.sigcode0.toString(16)} addr=0x${gp.sigcode1.toString(16)} pc=0x${gp.sigpc.toString(16)}]`];
}

/** preprintpanics' deferred function: a panic raised by one of the methods (recovered there) is fatal. */
export function preprintpanicsFailed(rt: Runtime, type: number, data: number): void {
  if (type === 0) return;
  const t = typeAt(rt, type);
  const text = 'panic while printing panic value';
  const what = t.kind === Kind.String && !t.named ? new TextDecoder().decode(readString(rt, rt.mem.ptr(data), rt.mem.ptr(data + rt.arch.ptrSize))) : `type ${t.string}`;
  goThrow(`${text}: ${what}`, [...signalLine(rt.getg()), ...throwContext(rt)]);
}

/**
 * Ports fatalpanic + printpanics (the deferred calls ran, nothing
 * recovered): every active panic, oldest first, "[recovered]" on those a
 * recover marked, a tab before each one that follows a panic; then
 * dopanic_m's signal line. Raised as the fatal GoPanic the process reports.
 * First, while a panic value still needs its Error/String method called
 * (preprintpanics), the compiled runtime.preprintpanics is tail-called to
 * make the calls; it calls fatalpanic again.
 */
export function fatalpanic(rt: Runtime, call: HostCall): TailCall {
  const gp = rt.getg();
  if (gp._panic === 0) goThrow('fatalpanic: no panic in progress');
  const pre = rt.machine.image.symbols.get('runtime.preprintpanics');
  if (pre !== undefined && unprinted(rt)) return call.tailCall(pre, [], 'internal');
  // the report is printed and the process ends in this host call: main cannot exit before it
  addRunningPanicDefers(rt, -1);
  const chain: Panic[] = [];
  for (let a = gp._panic; a !== 0; a = panicView(rt, a).link) chain.unshift(panicView(rt, a));
  let out = '';
  let site: PanicSite | undefined;
  chain.forEach((p, i) => {
    if (i > 0 && !chain[i - 1]!.goexit) out += '\t';
    if (p.goexit) return;
    const info = rt.pendingPanics.get(p.addr);
    out += `panic: ${info?.value ?? '?'}${p.recovered ? ' [recovered]' : ''}\n`;
    site = info?.site ?? site;
  });
  for (const l of signalLine(gp)) out += `${l}\n`;
  // the process prints "panic: " and the value
  throw new GoPanic(out.slice('panic: '.length).replace(/\n$/, ''), gp.goid, site, true);
}
