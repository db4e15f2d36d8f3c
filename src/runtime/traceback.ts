// Goroutine headers and tracebacks as go1.19 prints them after a fatal error
// or a panic:
//
//   goroutine 5 [running]:
//   main.c(0x3, 0x0)
//   	./prog.go:9 +0x54
//   main.worker(0x3, 0x41a200)
//   	./prog.go:27 +0x50
//   created by main.main
//   	./prog.go:34 +0x80
//
// Ports traceback.go goroutineheader, the frame loop of gentraceback with
// printing (traceback1, showframe, printArgs, printcreatedby) and
// tracebackothers, over the program's compiled functions. Each function's
// frame size and argument count come from the compiler (TextBlock.goFunc:
// one SP delta for the whole body, which is all Go's pcsp table would say at
// a call site); the walk goes by SP, as Go's does:
//   amd64  body SP = entry SP - frame; the return address at the entry SP;
//          the caller's SP = entry SP + 8; the argument spill slots at
//          entry SP + 8 + 8i (what Go reads for register arguments; printed
//          with `?`, Go's mark for a value that may be stale)
//   arm    body SP = entry SP - frame; the saved LR at the body SP; the
//          caller's SP = entry SP; the arguments at entry SP + 4 + 4i
// A frame's PC is a return address except for the innermost one of a fault;
// its line is that of PC-1 (tracepc) and its offset PC - entry, as Go prints.
// A frame stopped at the call of morestack (a stack overflow) has no frame of
// its own yet: its return address is at SP (amd64) or in gobuf.lr (arm).
//
// Differs: runtime frames are host functions (TypeScript) or stubs, so the
// walk covers the program's own frames: it starts at the innermost one and
// ends where a return address leaves the program (runtime.main, goexit, a
// stub); Go hides runtime frames at the default traceback level anyway,
// except exported ones such as sync.(*WaitGroup).Wait, which are not shown.
// Nothing is inlined, so there is no `(...)` frame; go/defer wrappers are
// hidden as Go hides its wrapper functions.
import { _Gdead, _Gwaiting, waitReasonString, type G } from '../go119/index.ts';
import type { LinkedBlock } from '../link/linker.ts';
import type { Runtime } from './runtime.ts';
import type { PanicSite } from './throw.ts';

/** Go's _TracebackMaxFrames: frames printed per goroutine before "...additional frames elided...". */
export const TRACEBACK_MAX_FRAMES = 100;
/** printArgs prints at most this many words. */
const MAX_ARG_WORDS = 10;

/** gStatusStrings of traceback.go, by status. */
const gStatusStrings = ['idle', 'runnable', 'running', 'syscall', 'waiting', 'moribund_unused', 'dead', 'enqueue_unused', 'copystack', 'preempted'];

/**
 * Ports goroutineheader: "goroutine N [status]:", the wait reason for a
 * waiting goroutine (or `status` when the caller knows better), and
 * ", locked to thread" while g.lockedm is set. Differs: no "N minutes"
 * (go1.19 sets g.waitsince only during a GC, which this runtime has not).
 */
export function goroutineheader(gp: G, status?: string): string {
  const st = gp.atomicstatus;
  const s = status ?? (st === _Gwaiting && gp.waitreason !== 0 ? waitReasonString(gp.waitreason) : (gStatusStrings[st] ?? '???'));
  return `goroutine ${gp.goid} [${s}${gp.lockedm !== 0 ? ', locked to thread' : ''}]:`;
}

/** One frame of the walk. */
export interface Frame {
  fn: LinkedBlock;
  /** the frame's PC: a return address, or the faulting instruction (innermost frame) */
  pc: number;
  /** the frame's SP (body SP) and FP (the caller's SP) */
  sp: number;
  fp: number;
  /** argument words as printArgs prints them */
  args: string[];
  file: string;
  line: number;
}

const hex = (n: number) => `0x${n.toString(16)}`;

/** go/defer wrappers the compiler makes (main.f.gowrap1, main.f.deferwrap1): Go hides its wrapper frames. */
const isWrapper = (name: string) => /\.(gowrap|deferwrap)\d+$/.test(name);

/** A return address of a frame stopped at its morestack call (no frame of its own yet). */
function atMorestack(rt: Runtime, ret: number): boolean {
  const t = rt.arch.callTarget(rt.mem, ret);
  return t !== undefined && (t === rt.machine.image.symbols.get('runtime.morestack') || t === rt.machine.image.symbols.get('runtime.morestack_noctxt'));
}

/** File names as Go prints them for the program: a relative .go path as ./path. */
function showFile(file: string): string {
  return file.endsWith('.go') && !file.startsWith('/') && !file.startsWith('.') ? `./${file}` : file;
}

/**
 * Ports the frame walk of gentraceback over the program's compiled functions
 * (see the file comment): from `start` outwards, at most `max` frames.
 * `more`: the walk stopped at `max` (Go then prints "...additional frames elided...").
 */
export function gentraceback(rt: Runtime, start: PanicSite, max = TRACEBACK_MAX_FRAMES): { frames: Frame[]; more: boolean } {
  const { arch, mem } = rt;
  const image = rt.machine.image;
  const w = arch.ptrSize;
  const frames: Frame[] = [];
  let { pc, sp } = start;
  let isRet = start.isReturnAddr;
  for (let first = true; ; first = false) {
    // back up into the call instruction, unless pc is a function's entry (a
    // goroutine that never ran resumes there): gentraceback's frame.pc > f.entry()
    const tracepc = isRet && image.blockAt(pc)?.addr !== pc ? pc - 1 : pc;
    const fn = image.blockAt(tracepc);
    const info = fn?.goFunc;
    if (!fn || !info || !mem.contains(sp, w) || frames.length === max) break;
    // the frame's entry SP and return address
    let entrySP: number;
    let ret: number;
    if (first && isRet && atMorestack(rt, pc)) {
      entrySP = sp;
      ret = arch.usesLR ? (start.lr ?? 0) : mem.ptr(sp);
    } else {
      entrySP = sp + info.frame;
      if (!mem.contains(entrySP, w)) break;
      ret = arch.usesLR ? mem.ptr(sp) : mem.ptr(entrySP);
    }
    const fp = arch.usesLR ? entrySP : entrySP + w;
    const args: string[] = [];
    for (let i = 0; i < Math.min(info.params, MAX_ARG_WORDS); i++) {
      const at = entrySP + w + w * i;
      if (!mem.contains(at, w)) break;
      // amd64: register arguments, read from their spill slots (maybe stale: Go's `?`)
      args.push(arch.usesLR ? hex(mem.ptr(at)) : `${hex(mem.ptr(at))}?`);
    }
    if (info.params > MAX_ARG_WORDS) args.push('...');
    const pos = image.lookup(tracepc)!;
    frames.push({ fn, pc, sp, fp, args, file: pos.file, line: pos.line });
    pc = ret;
    sp = fp;
    isRet = true;
  }
  // as traceback1: a walk that filled the limit says so (even if it ended right there)
  return { frames, more: frames.length === max };
}

export interface TracebackOptions {
  /** Go's level 2 (a runtime throw): fp=, sp=, pc= on every frame */
  detail?: boolean;
}

/** The lines of a frame walk, as traceback1 prints them (wrappers hidden). */
export function frameLines(rt: Runtime, start: PanicSite, o: TracebackOptions = {}): string[] {
  const { frames, more } = gentraceback(rt, start);
  const out: string[] = [];
  for (const f of frames) {
    if (isWrapper(f.fn.name)) continue;
    const off = f.pc > f.fn.addr ? ` +${hex(f.pc - f.fn.addr)}` : '';
    const detail = o.detail ? ` fp=${hex(f.fp)} sp=${hex(f.sp)} pc=${hex(f.pc)}` : '';
    out.push(`${f.fn.name}(${f.args.join(', ')})`, `\t${showFile(f.file)}:${f.line}${off}${detail}`);
  }
  if (more) out.push('...additional frames elided...');
  if (frames.length === 0) {
    // not in the program's code (a stub, a host function): where it is, as well as we can say
    out.push(`${rt.machine.describe(start.pc)}(...)`, `\t?:0 pc=${hex(start.pc)}`);
  }
  return out;
}

/**
 * Ports printcreatedby: the function whose go statement made gp (gp.gopc,
 * a return address in it), unless it is hidden (not the program's code) or
 * gp is the main goroutine.
 */
export function createdByLines(rt: Runtime, gp: G): string[] {
  const pc = gp.gopc;
  if (pc === 0 || gp.goid === 1) return [];
  const fn = rt.machine.image.blockAt(pc - 1);
  if (!fn?.goFunc) return [];
  const pos = rt.machine.image.lookup(pc - 1)!;
  return [`created by ${fn.name}`, `\t${showFile(pos.file)}:${pos.line}${pc > fn.addr ? ` +${hex(pc - fn.addr)}` : ''}`];
}

/** Where a goroutine that is not running resumes: its gobuf (a return address into the frame it parked in). */
export function schedSite(gp: G): PanicSite {
  return { pc: gp.sched.pc, isReturnAddr: true, sp: gp.sched.sp, lr: gp.sched.lr };
}

/** A goroutine's header, frames and "created by" lines, from `start` (default: where it resumes). */
export function traceback(rt: Runtime, gp: G, o: TracebackOptions & { start?: PanicSite; status?: string } = {}): string[] {
  const head = goroutineheader(gp, o.status);
  return [head, ...frameLines(rt, o.start ?? schedSite(gp), o), ...createdByLines(rt, gp)];
}

/** Ports tracebackothers: every user goroutine that is not dead, in allgs order. */
export function tracebackothers(rt: Runtime, skip?: G): string[] {
  const out: string[] = [];
  for (const a of rt.allgs) {
    const gp = rt.g(a);
    if (gp.addr === skip?.addr || rt.isSystemGoroutine(gp) || gp.atomicstatus === _Gdead) continue;
    out.push('', ...traceback(rt, gp));
  }
  return out;
}
