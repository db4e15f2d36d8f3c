// Records and checks the register-level events of a preemption by signal
// (DESIGN.md, "Observation"): four new switch kinds next to gogo, mcall, ...
//
//   signal         the OS delivered a signal: the interrupted registers (the
//                  mcontext and FP state the kernel saved in the rt_sigframe)
//                  and the handler's registers, the frame's addresses and its
//                  decoded contents (siginfo, uc_stack, uc_sigmask)
//   sigreturn      rt_sigreturn put the registers back from the frame: the
//                  registers at the first instruction after it
//   asyncPreempt   entry: the goroutine "called" asyncPreempt (pushCall)
//   asyncPreempt_ret  asyncPreempt returned to the interrupted PC
//
// Invariants (checked by checkPreemptions, in order of the records of one thread / goroutine):
//   sigreturn.regs   after rt_sigreturn every general register and the
//                    flags equal the interrupted state, except what pushCall
//                    changed (SP one word lower with the interrupted PC -- arm:
//                    LR -- stored there; PC = asyncPreempt; arm: LR = the
//                    interrupted PC); without an injection, all of them
//   sigreturn.fp     the FP/vector registers equal those saved in the frame
//   asyncPreempt.entry   PC = asyncPreempt with the return address (amd64
//                    [SP], arm LR) = the interrupted PC
//   asyncPreempt_ret.regs  when asyncPreempt returns: PC = the interrupted PC
//                    and every general register (the g register included),
//                    SP, the flags and the FP/vector registers asyncPreempt
//                    saves equal the state at the interruption
//
// The "interrupted state" is the signal record's (what the kernel wrote in
// the frame). Arch-neutral: register names come from Arch.signal.
import type { Arch } from '../arch/index.ts';
import type { Disposable } from '../engine/engine.ts';
import type { BlockWatch } from '../os/threads.ts';
import type { Process } from '../session/process.ts';

export type PreemptKind = 'signal' | 'sigreturn' | 'asyncPreempt' | 'asyncPreempt_ret';

export interface PreemptRecord {
  kind: PreemptKind;
  seq: number;
  /** Linux thread id */
  thread: number;
  /** the goroutine (its goid) the thread ran, where known */
  goid: number | undefined;
  /** registers: for `signal` the handler's (after delivery); else those at the event */
  regs: Record<string, bigint>;
  fp: Record<string, bigint>;
  /** signal: the interrupted state (mcontext) and FP state from the frame */
  interrupted?: Record<string, bigint>;
  interruptedFp?: Record<string, bigint>;
  sig?: number;
  frame?: { frame: number; info: number; uc: number; fp: number; siginfo: { signo: number; code: number; pid: number }; ucStack: { sp: number; flags: number; size: number }; sigmask: bigint };
  /** sigreturn: the frame's mcontext as rt_sigreturn read it (pushCall's edits included) */
  restored?: Record<string, bigint>;
  /** asyncPreempt: the signal record it belongs to */
  signalSeq?: number;
  /** whether sighandler injected asyncPreempt (from the runtime's event) */
  injected?: boolean;
  clock: number;
}

export interface PreemptViolation {
  seq: number;
  kind: PreemptKind;
  invariant: string;
  detail: string;
}

export const PREEMPT_INVARIANTS: readonly { name: string; text: string }[] = [
  { name: 'sigreturn.regs', text: 'after rt_sigreturn every register equals the interrupted state, except what pushCall changed (SP, the pushed word, PC; arm: LR)' },
  { name: 'sigreturn.fp', text: 'after rt_sigreturn the FP/vector registers equal the state saved in the frame' },
  { name: 'asyncPreempt.entry', text: 'asyncPreempt is entered with its return address (amd64 [SP], arm LR) = the interrupted PC' },
  { name: 'asyncPreempt_ret.regs', text: 'when asyncPreempt returns, PC = the interrupted PC and every general register, SP, the flags and the saved FP/vector registers equal the interrupted state' },
];

/** The flags bits a program can observe and asyncPreempt restores (amd64: CF PF AF ZF SF DF OF; arm: NZCVQ). */
function flagsMask(arch: Arch): bigint {
  return arch.ptrSize === 8 ? 0xcd5n : 0xf8000000n;
}

/** Records preemption events of a Process (attach before it runs). */
export class PreemptionRecorder {
  readonly records: PreemptRecord[] = [];
  private readonly hooks: Disposable[] = [];
  private readonly watch: BlockWatch;
  private readonly unsubscribe: () => void;
  private seq = 0;
  /** threads whose next instruction is the one after rt_sigreturn */
  private readonly afterSigreturn = new Map<number, PreemptRecord>();
  /** threads about to return from asyncPreempt (its last instruction ran) */
  private readonly retPending = new Map<number, number>();
  /** the last signal record per thread, and per goroutine the one its asyncPreempt belongs to */
  private readonly lastSignal = new Map<number, PreemptRecord>();
  private readonly preemptOf = new Map<number, PreemptRecord>();
  private readonly arch: Arch;

  constructor(private readonly p: Process) {
    const { machine, rt } = p;
    this.arch = machine.arch;
    const { engine, image } = machine;
    const ap = image.block('runtime.asyncPreempt');
    if (ap) {
      const retAt = ap.lines.filter((l) => !l.data).map((l) => l.addr);
      // asyncPreempt's last instruction before any trap filler: its return
      const last = lastReturn(ap.bytes.length, ap.addr, retAt, this.arch);
      this.hooks.push(
        engine.hookCode(ap.addr, ap.addr + ap.bytes.length - 1, (pc) => {
          const t = rt.threads.current;
          if (!t) return;
          if (pc === ap.addr) this.push('asyncPreempt', t.id);
          else if (pc === last) {
            this.retPending.set(t.id, 1);
            this.watchIfPending();
          }
        }),
      );
    }
    // the next text block after rt_sigreturn or asyncPreempt's return: watched
    // only while one is pending (Threads.watchBlocks), not at every block
    this.watch = rt.threads.watchBlocks(() => {
      const t = rt.threads.current;
      if (!t) return;
      const sr = this.afterSigreturn.get(t.id);
      if (sr) {
        this.afterSigreturn.delete(t.id);
        sr.regs = this.regs();
        sr.fp = this.arch.signal.readFpRegs(engine);
        this.records.push(sr);
      }
      if (this.retPending.delete(t.id)) this.push('asyncPreempt_ret', t.id);
      this.watchIfPending();
    });
    this.hooks.push(this.watch);
    this.unsubscribe = p.bus.on((e) => {
      if (e.kind === 'signal') {
        const so = this.arch.signal;
        const m = machine.mem;
        const w = this.arch.ptrSize;
        const rec = this.make('signal', e.thread);
        rec.sig = e.sig;
        rec.interrupted = so.readMcontext(m, e.uc);
        rec.interruptedFp = so.readFpFrame(m, e.uc);
        rec.frame = {
          frame: e.frame,
          info: e.info,
          uc: e.uc,
          fp: e.fp,
          siginfo: { signo: m.i32(e.info), code: m.i32(e.info + 8), pid: m.i32(e.info + (w === 8 ? 16 : 12)) },
          ucStack: { sp: Number(m.word(e.uc + 2 * w)), flags: m.u32(e.uc + 3 * w), size: Number(m.word(e.uc + 4 * w)) },
          sigmask: m.u64(e.uc + so.uc.sigmask),
        };
        this.records.push(rec);
        this.lastSignal.set(e.thread, rec);
      } else if (e.kind === 'sigreturn') {
        const rec = this.make('sigreturn', e.thread);
        rec.restored = this.arch.signal.readMcontext(machine.mem, e.frame + this.ucOf(e.frame));
        rec.signalSeq = this.lastSignal.get(e.thread)?.seq;
        this.afterSigreturn.set(e.thread, rec);
        this.watchIfPending();
      } else if (e.kind === 'asyncpreempt') {
        const t = rt.threads.current;
        const s = t && this.lastSignal.get(t.id);
        if (s) {
          s.injected = e.injected;
          s.goid = e.goid;
          if (e.injected) this.preemptOf.set(e.goid, s);
        }
      }
    });
  }

  private watchIfPending(): void {
    if (this.afterSigreturn.size > 0 || this.retPending.size > 0) this.watch.on();
    else this.watch.off();
  }

  /** The ucontext of a frame (sigreturn event: the frame's start). */
  private ucOf(frame: number): number {
    const s = [...this.lastSignal.values()].find((r) => r.frame?.frame === frame);
    return s ? s.frame!.uc - frame : 0;
  }

  private regs(): Record<string, bigint> {
    const names = this.arch.signal.mcontextRegs;
    return this.p.machine.engine.regs(names);
  }

  private make(kind: PreemptKind, thread: number): PreemptRecord {
    const { rt, machine } = this.p;
    const t = rt.threads.all[thread]!;
    let goid: number | undefined;
    const m = rt.mOfThread.get(thread);
    if (m !== undefined && rt.m(m).curg !== 0) goid = rt.g(rt.m(m).curg).goid;
    return { kind, seq: this.seq++, thread: t.tid, goid, regs: this.regs(), fp: this.arch.signal.readFpRegs(machine.engine), clock: t.clock };
  }

  private push(kind: PreemptKind, thread: number): void {
    const rec = this.make(kind, thread);
    if (rec.goid !== undefined) rec.signalSeq = this.preemptOf.get(rec.goid)?.seq;
    if (kind === 'asyncPreempt_ret' && rec.goid !== undefined) this.preemptOf.delete(rec.goid);
    this.records.push(rec);
  }

  dispose(): void {
    for (const h of this.hooks) h.dispose();
    this.unsubscribe();
  }
}

/** The address of a block's last instruction that is a return (amd64 `ret`; arm the final `ldr pc` before the `udf`). */
function lastReturn(_len: number, _addr: number, insns: number[], arch: Arch): number {
  // asyncPreempt ends with its return; arm adds one UNDEF after it (preempt_arm.s)
  return arch.ptrSize === 8 ? insns[insns.length - 1]! : insns[insns.length - 2]!;
}

/** Check every record against the invariants (see the file comment). */
export function checkPreemptions(arch: Arch, records: readonly PreemptRecord[]): PreemptViolation[] {
  const out: PreemptViolation[] = [];
  const bySeq = new Map(records.map((r) => [r.seq, r]));
  const sp = arch.spReg;
  const pc = arch.pcReg;
  const w = BigInt(arch.ptrSize);
  const fl = arch.switchFacts.flagsReg;
  const mask = flagsMask(arch);
  const fail = (r: PreemptRecord, invariant: string, detail: string) => out.push({ seq: r.seq, kind: r.kind, invariant, detail });
  const hex = (v: bigint | undefined) => (v === undefined ? '?' : `0x${v.toString(16)}`);
  for (const r of records) {
    const s = r.signalSeq !== undefined ? bySeq.get(r.signalSeq) : undefined;
    const want = s?.interrupted;
    if (r.kind === 'sigreturn' && want) {
      const injected = s.injected === true;
      for (const [name, v] of Object.entries(want)) {
        let expect = v;
        const got = r.regs[name];
        if (name === fl) {
          if (((got ?? 0n) & mask) !== (v & mask)) fail(r, 'sigreturn.regs', `${name} ${hex(got)} != ${hex(v)} (interrupted)`);
          continue;
        }
        if (injected) {
          if (name === sp) expect = v - w;
          if (name === pc) continue; // asyncPreempt: checked by asyncPreempt.entry
          if (arch.lrReg && name === arch.lrReg) expect = want[pc]!;
        }
        if (got !== expect) fail(r, 'sigreturn.regs', `${name} ${hex(got)} != ${hex(expect)}${injected && (name === sp || name === arch.lrReg) ? ' (interrupted, as pushCall changes it)' : ' (interrupted)'}`);
      }
      // (a recording may lack some registers: the oracle's gdb reads no XMM registers through qemu's amd64 stub)
      for (const [name, v] of Object.entries(s.interruptedFp ?? {})) if (r.fp[name] !== undefined && r.fp[name] !== v) fail(r, 'sigreturn.fp', `${name} ${hex(r.fp[name])} != ${hex(v)} (saved in the frame)`);
    }
    if (r.kind === 'asyncPreempt' && want) {
      const ret = arch.lrReg ? r.regs[arch.lrReg] : undefined;
      if (arch.lrReg && ret !== want[pc]) fail(r, 'asyncPreempt.entry', `${arch.lrReg} ${hex(ret)} != the interrupted PC ${hex(want[pc])}`);
      if (!arch.lrReg && r.regs[sp] !== want[sp]! - w) fail(r, 'asyncPreempt.entry', `${sp} ${hex(r.regs[sp])} != the interrupted SP - ${w} (${hex(want[sp]! - w)})`);
    }
    if (r.kind === 'asyncPreempt_ret' && want) {
      for (const [name, v] of Object.entries(want)) {
        const got = r.regs[name];
        if (name === fl) {
          if (((got ?? 0n) & mask) !== (v & mask)) fail(r, 'asyncPreempt_ret.regs', `${name} ${hex(got)} != ${hex(v)} (interrupted)`);
        } else if (got !== v) fail(r, 'asyncPreempt_ret.regs', `${name} ${hex(got)} != ${hex(v)} (interrupted)`);
      }
      for (const [name, v] of Object.entries(s.interruptedFp ?? {})) {
        if (!savedByAsyncPreempt(arch, name) || r.fp[name] === undefined) continue;
        if (r.fp[name] !== v) fail(r, 'asyncPreempt_ret.regs', `${name} ${hex(r.fp[name])} != ${hex(v)} (interrupted)`);
      }
    }
  }
  return out;
}

/** The FP/vector registers asyncPreempt saves and restores: amd64 X0-X15 (not MXCSR), arm D0-D15 and FPSCR. */
function savedByAsyncPreempt(arch: Arch, name: string): boolean {
  if (arch.ptrSize === 8) return name.startsWith('xmm');
  const d = /^d(\d+)$/.exec(name);
  return name === 'fpscr' || (d !== null && Number(d[1]) < 16);
}

/** One line per record, for `gogo-emu switches` and reports. */
export function formatPreemptRecord(arch: Arch, r: PreemptRecord, describe: (a: number) => string): string {
  const pc = arch.pcReg;
  const sp = arch.spReg;
  const hex = (v: bigint | number | undefined) => (v === undefined ? '?' : `0x${v.toString(16)}`);
  const g = r.goid !== undefined ? ` g${r.goid}` : '';
  switch (r.kind) {
    case 'signal': {
      const f = r.frame!;
      const i = r.interrupted!;
      return `#${r.seq} signal ${r.sig} to thread ${r.thread}${g} at ${describe(Number(i[pc]))} (sp=${hex(i[sp])}): rt_sigframe at ${hex(f.frame)} (siginfo ${hex(f.info)}: signo=${f.siginfo.signo} code=${f.siginfo.code} pid=${f.siginfo.pid}; ucontext ${hex(f.uc)}: uc_stack={sp=${hex(f.ucStack.sp)} flags=${f.ucStack.flags} size=${f.ucStack.size}} uc_sigmask=${hex(f.sigmask)}; fp state ${hex(f.fp)}) -> handler ${describe(Number(r.regs[pc]))} sp=${hex(r.regs[sp])}${r.injected === undefined ? '' : r.injected ? ', asyncPreempt injected' : ', no injection'}`;
    }
    case 'sigreturn':
      return `#${r.seq} rt_sigreturn on thread ${r.thread}${g}: resumes at ${describe(Number(r.regs[pc]))} sp=${hex(r.regs[sp])}`;
    case 'asyncPreempt':
      return `#${r.seq} asyncPreempt entry on thread ${r.thread}${g}: sp=${hex(r.regs[sp])}${arch.lrReg ? ` ${arch.lrReg}=${hex(r.regs[arch.lrReg])}` : ''}`;
    case 'asyncPreempt_ret':
      return `#${r.seq} asyncPreempt returns on thread ${r.thread}${g} to ${describe(Number(r.regs[pc]))} sp=${hex(r.regs[sp])}`;
  }
}
