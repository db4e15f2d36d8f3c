// The runtime's signal handling, for the one signal the port uses: ports of
// go1.19 signal_unix.go sighandler, doSigPreempt, preemptM, initsig's
// decisions (sigtable), minitSignalMask's mask, and preempt.go
// wantAsyncPreempt, isAsyncSafePoint.
//
// The path of an asynchronous preemption (DESIGN.md, "Signals"): sysmon's
// retake -> preemptone -> preemptM queues the M here (Runtime.preemptPending:
// a system call can only be made by machine code) and the host call ends
// through the glue runtime.newosproc_pending<>, which calls signalM ->
// tgkill(SIGURG). The OS delivers it at the target thread's next
// instruction boundary: the kernel-layout rt_sigframe on the gsignal stack,
// then sigtramp -> sigtrampgo (asm/<arch>/signal.s, which switches g to
// gsignal) -> sighandler (here) -> doSigPreempt: if the goroutine wants a
// preemption and stopped at an async safe point, pushCall edits the saved
// context in the frame so that, after rt_sigreturn, the goroutine "calls"
// asyncPreempt (asm/<arch>/preempt.s) from the interrupted PC.
//
// Async safe points: PCs in compiled Go code (not the runtime, not
// assembly: the linked block comes from a .go file and its name is outside
// package runtime), outside the instructions the compiler marks unsafe (the
// prologue's stack check and frame set-up, the epilogue and the morestack
// path: Go's PCDATA_UnsafePoint), with room for asyncPreempt's frames on
// the goroutine's stack.
import { _Gscan, _Grunning, _Prunning, type G, type M } from '../go119/index.ts';
import type { Runtime } from './runtime.ts';
import { callSite } from './crash.ts';
import { GoPanic, goThrow } from './throw.ts';

/** sigPreempt: the signal Go uses for preemption on Linux (SIGURG). */
export const sigPreempt = 23;
/** _NSIG on linux */
const NSIG = 65;
// sigtable flags (runtime2.go)
const _SigNotify = 1;
const _SigKill = 2;
const _SigThrow = 4;
const _SigPanic = 8;
const _SigDefault = 16;
const _SigUnblock = 64;
const _SigIgn = 128;
const _SigSetStack = 256;

/** sigtab_linux_generic.go: the flags of signals 0-64 (the names are in the table of the source). */
const SIGTABLE_FLAGS: readonly number[] = (() => {
  const t = new Array<number>(NSIG).fill(_SigNotify); // 35-64: _SigNotify
  const set: Record<number, number> = {
    0: 0,
    1: _SigNotify + _SigKill,
    2: _SigNotify + _SigKill,
    3: _SigNotify + _SigThrow,
    4: _SigThrow + _SigUnblock,
    5: _SigThrow + _SigUnblock,
    6: _SigNotify + _SigThrow,
    7: _SigPanic + _SigUnblock,
    8: _SigPanic + _SigUnblock,
    9: 0,
    10: _SigNotify,
    11: _SigPanic + _SigUnblock,
    12: _SigNotify,
    13: _SigNotify,
    14: _SigNotify,
    15: _SigNotify + _SigKill,
    16: _SigThrow + _SigUnblock,
    17: _SigNotify + _SigUnblock + _SigIgn,
    18: _SigNotify + _SigDefault + _SigIgn,
    19: 0,
    20: _SigNotify + _SigDefault + _SigIgn,
    21: _SigNotify + _SigDefault + _SigIgn,
    22: _SigNotify + _SigDefault + _SigIgn,
    23: _SigNotify + _SigIgn,
    24: _SigNotify,
    25: _SigNotify,
    26: _SigNotify,
    27: _SigNotify + _SigUnblock,
    28: _SigNotify + _SigIgn,
    29: _SigNotify,
    30: _SigNotify,
    31: _SigThrow,
    32: _SigSetStack + _SigUnblock,
    33: _SigSetStack + _SigUnblock,
    34: _SigSetStack + _SigUnblock,
  };
  for (const [i, f] of Object.entries(set)) t[Number(i)] = f;
  return t;
})();

/**
 * initsig's decision for signal i (runtime.initsig.want): install the Go
 * handler unless the table says the signal has no flags or keeps its
 * default action (_SigDefault). Differs: without cgo, c-archive or an
 * inherited SIG_IGN (the emulated process starts with every action at
 * SIG_DFL), sigInstallGoHandler is true for every remaining signal, so
 * getsig's answer is not needed.
 */
export function initsigWant(i: number): boolean {
  const f = SIGTABLE_FLAGS[i] ?? 0;
  return f !== 0 && (f & _SigDefault) === 0;
}

/** blockableSig without cgo or c-archive: every signal except those flagged _SigUnblock. */
function blockableSig(sig: number): boolean {
  return ((SIGTABLE_FLAGS[sig] ?? 0) & _SigUnblock) === 0;
}

/** minitSignalMask's nmask: *src (a sigset, 64 bits) with the signals that must not be blocked removed, into *dst. */
export function minitUnblockable(rt: Runtime, src: number, dst: number): void {
  let nmask = rt.mem.u64(src);
  for (let i = 1; i < NSIG; i++) if (!blockableSig(i)) nmask &= ~(1n << BigInt(i - 1));
  rt.mem.setU64(dst, nmask);
}

/** canPreemptM: mp holds no locks, is not allocating, has no preemptoff reason and runs its P. */
export function canPreemptM(rt: Runtime, mp: M): boolean {
  return mp.locks === 0 && mp.mallocing === 0 && mp.preemptoff.len === 0 && mp.p !== 0 && rt.p(mp.p).status === _Prunning;
}

/**
 * Ports preemptM: ask mp's thread to stop with a signal, unless one is on
 * its way (m.signalPending). The signal is sent by the glue at the end of
 * the host call (see the file comment).
 */
export function preemptM(rt: Runtime, mp: M): void {
  if (mp.signalPending !== 0) return;
  mp.signalPending = 1;
  rt.preemptPending.push(mp.addr);
}

/** runtime.signalM_next: the next M to send sigPreempt, or 0. */
export function signalMNext(rt: Runtime): number {
  return rt.preemptPending.shift() ?? 0;
}

/** Ports wantAsyncPreempt: gp (or its P) was asked to stop and it is running. */
export function wantAsyncPreempt(rt: Runtime, gp: G): boolean {
  const mp = rt.m(gp.m);
  return (gp.preempt || (mp.p !== 0 && rt.p(mp.p).preempt)) && (gp.atomicstatus & ~_Gscan) === _Grunning;
}

/**
 * The stack asyncPreempt and asyncPreempt2 need below an interrupted SP
 * (asyncPreemptStack: their largest frames plus 8 words, as preempt.go's
 * init computes it from the stubs' frames): amd64 384 + 16, arm 192 + 8.
 */
function asyncPreemptStack(rt: Runtime): number {
  return rt.arch.ptrSize === 8 ? 384 + 16 + 8 * 8 : 192 + 8 + 8 * 4;
}

/** Why isAsyncSafePoint said no (for the event stream), or undefined: it is one. */
export function asyncUnsafeReason(rt: Runtime, gp: G, pc: number, sp: number): string | undefined {
  const mp = rt.m(gp.m);
  if (mp.curg !== gp.addr) return 'not the M\'s current goroutine';
  if (mp.p === 0 || !canPreemptM(rt, mp)) return 'the M cannot be preempted (locks, mallocing, preemptoff or no running P)';
  if (sp < gp.stack.lo || sp - gp.stack.lo < asyncPreemptStack(rt)) return 'too little stack left for asyncPreempt';
  const b = rt.machine.image.blockAt(pc);
  if (!b) return 'not in Go code (runtime host function or stub)';
  if (!b.file.endsWith('.go')) return `in assembly (${b.name})`;
  if (b.name.startsWith('runtime.')) return `in the runtime (${b.name})`;
  const line = b.lines.find((l) => pc >= l.addr && pc < l.addr + l.size);
  if (line?.unsafe) return `at an unsafe point of ${b.name} (prologue, epilogue or morestack path)`;
  return undefined;
}

/** Ports isAsyncSafePoint: may gp, stopped at pc with SP sp, be made to call asyncPreempt there? (resumePC = pc) */
export function isAsyncSafePoint(rt: Runtime, gp: G, pc: number, sp: number): boolean {
  return asyncUnsafeReason(rt, gp, pc, sp) === undefined;
}

/**
 * Ports doSigPreempt: inject a call of asyncPreempt if gp wants to stop and
 * may stop here, by editing the interrupted context in the frame; then the
 * M counts the preemption signal as handled.
 */
export function doSigPreempt(rt: Runtime, gp: G, uc: number): void {
  const so = rt.arch.signal;
  const pc = rt.mem.ptr(uc + so.uc.pc);
  const sp = rt.mem.ptr(uc + so.uc.sp);
  const mp = rt.m(gp.m);
  if (wantAsyncPreempt(rt, gp)) {
    const why = asyncUnsafeReason(rt, gp, pc, sp);
    if (why === undefined) {
      so.pushCall(rt.mem, uc, rt.machine.sym('runtime.asyncPreempt'), pc);
      if (rt.events.active) rt.events.emit({ kind: 'asyncpreempt', goid: gp.goid, g: gp.addr, m: mp.id, pc, sp, injected: true });
    } else if (rt.events.active) rt.events.emit({ kind: 'asyncpreempt', goid: gp.goid, g: gp.addr, m: mp.id, pc, sp, injected: false, why });
  }
  mp.preemptGen = (mp.preemptGen + 1) >>> 0;
  mp.signalPending = 0;
}

/**
 * Ports sighandler (on gsignal) for the signals an emulated program meets:
 * sigPreempt -> doSigPreempt (unless GODEBUG asyncpreemptoff=1); a SIGURG
 * nobody asked for is then ignored (no os/signal.Notify), as Go's table
 * says. Differs: any other signal is a fatal "unexpected signal" throw (no
 * panics from faults through signals: the emulator reports faults itself).
 */
export function sighandler(rt: Runtime, sig: number, info: number, uc: number, gp: G): void {
  const gsignal = rt.getg();
  const mp = rt.m(gp.m);
  if (gsignal.addr !== mp.gsignal) goThrow('sighandler: not on gsignal');
  if (sig === sigPreempt && rt.debug.asyncpreemptoff === 0) doSigPreempt(rt, gp, uc);
  const flags = SIGTABLE_FLAGS[sig] ?? 0;
  if ((flags & (_SigThrow | _SigPanic)) === 0) return;
  if ((flags & _SigPanic) !== 0) {
    const so = rt.arch.signal;
    const code = rt.mem.u32(info + 8) | 0;
    const addr = rt.mem.ptr(info + so.siAddr);
    const pc = rt.mem.ptr(uc + so.uc.pc);
    // a fault of compiled Go code in a goroutine: it "calls" sigpanic from the faulting PC (preparePanic)
    if (code > 0 && faultPanics(rt, pc) && gp.addr !== mp.g0 && gp.addr !== mp.gsignal) {
      gp.sig = sig;
      gp.sigcode0 = code;
      gp.sigcode1 = addr;
      gp.sigpc = pc;
      so.pushCall(rt.mem, uc, rt.machine.sym('runtime.sigpanic'), pc);
      return;
    }
    goThrow('unexpected signal during runtime execution', [`[signal SIGSEGV: segmentation violation code=0x${code.toString(16)} addr=0x${addr.toString(16)} pc=0x${pc.toString(16)}]`]);
  }
  goThrow(`unexpected signal ${sig}`);
}

/**
 * Is pc in compiled Go code (not the runtime's host functions or assembly)?
 * Only there does a fault become a panic (sigpanic); the emulated kernel
 * signals only those faults (Threads.faultPanics), so one in a stub (a
 * broken --stub under validate) is reported by the emulator, registers and
 * all, where Go would print "unexpected signal during runtime execution".
 */
export function faultPanics(rt: Runtime, pc: number): boolean {
  const b = rt.machine.image.blockAt(pc);
  return b !== undefined && b.file.endsWith('.go') && !b.name.startsWith('runtime.');
}

/**
 * Ports sigpanic for a SIGSEGV (signal_unix.go): the goroutine "called" it
 * from the faulting instruction (sighandler's preparePanic), so its frame is
 * the faulting one at that PC itself (not a return address); panicmem's
 * error, with the signal's line when it is not recovered.
 */
export function sigpanic(rt: Runtime): never {
  const gp = rt.getg();
  if (gp.sig === 0) goThrow('unexpected signal during runtime execution');
  const site = { ...callSite(rt), isReturnAddr: false };
  throw new GoPanic('runtime error: invalid memory address or nil pointer dereference', gp.goid, site, false, { signal: true, faultAddr: gp.sigcode1 });
}
