// The gobuf validator: the invariants each kind of switch must satisfy,
// checked on normalized switch records (record.ts) -- those our recorder
// makes from the emulator and those oracle.ts loads from the real go1.19
// runtime, with the same code.
//
// The invariants are what DESIGN.md ("Observation") names and what
// tools/oracle/README.md ("Checks") observed on every hit of the real stubs on both
// arches. They are stated arch-neutrally with the Arch's facts:
//   callerPC(entry)  the return address a called stub sees: LR on arm, [SP] on amd64
//   callerSP(entry)  the caller's SP after the return: SP on arm, SP+8 on amd64
//   callPush         what a CALL pushes: PtrSize on amd64, nothing on arm (BL)
//   lrPush           what a framed function's prologue pushes: LR on arm, nothing on amd64
//   getg()           the g the runtime sees: the TLS slot where g lives there
//                    (amd64 [fs_base-8]), else the g register (arm R10)
// Invariants that concern one arch only are marked with what they need:
// bp (a frame-pointer register), lr (a link register), tls (g in TLS),
// regabi (ABIInternal argument registers).
//
// A check whose inputs a record lacks (the oracle recorded no [SP+8] at
// amd64 mcall exits, say) is counted as unevaluated, never as passed.
import { archByName, type Arch } from '../arch/index.ts';
import { layoutFor } from '../go119/index.ts';
import { subjectGoid, SWITCH_KINDS, type CpuState, type SwitchKind, type SwitchRecord, type SymbolTable } from './record.ts';

type Need = 'bp' | 'lr' | 'tls' | 'regabi';

export interface Invariant {
  name: string;
  kind: SwitchKind;
  /** what the arch must have for the invariant to apply */
  needs?: Need;
  text: string;
}

const I = (kind: SwitchKind, name: string, text: string, needs?: Need): Invariant => ({ name: `${kind}.${name}`, kind, text, ...(needs ? { needs } : {}) });

/** Every invariant, in check order. */
export const INVARIANTS: readonly Invariant[] = [
  // gogo(buf): restore the goroutine saved in buf
  I('gogo', 'pc', 'PC after gogo = gobuf.pc'),
  I('gogo', 'sp', 'SP after gogo = gobuf.sp'),
  I('gogo', 'g_reg', 'g register after gogo = gobuf.g'),
  I('gogo', 'tls_g', 'TLS g slot after gogo = gobuf.g', 'tls'),
  I('gogo', 'bp', 'BP after gogo = gobuf.bp', 'bp'),
  I('gogo', 'lr', 'LR after gogo = gobuf.lr', 'lr'),
  I('gogo', 'ret', 'result register (AX/R0) after gogo = gobuf.ret'),
  I('gogo', 'ctxt', 'closure context register (DX/R7) after gogo = gobuf.ctxt'),
  I('gogo', 'clear_sp', 'gogo clears gobuf.sp'),
  I('gogo', 'clear_ret', 'gogo clears gobuf.ret'),
  I('gogo', 'clear_ctxt', 'gogo clears gobuf.ctxt'),
  I('gogo', 'clear_bp', 'gogo clears gobuf.bp', 'bp'),
  I('gogo', 'clear_lr', 'gogo clears gobuf.lr', 'lr'),
  I('gogo', 'keep_pc', 'gogo leaves gobuf.pc as it was'),
  I('gogo', 'keep_g', 'gogo leaves gobuf.g as it was'),
  I('gogo', 'buf_is_sched', 'buf = &gobuf.g.sched (gogo resumes a g from its own sched)'),
  I('gogo', 'status', 'the target g is _Grunning when gogo starts (execute set it), unless it is its M\'s g0 (goexit0 of a locked goroutine returns to mstart)'),
  I('gogo', 'fresh_sp', 'fresh goroutine: gobuf.sp = stack.hi - alignUp(4*PtrSize+MinFrameSize, StackAlign) - callPush (amd64 hi-40, arm hi-20)'),
  I('gogo', 'fresh_return', 'fresh goroutine: its function returns to goexit+PCQuantum ([gobuf.sp] on amd64, gobuf.lr on arm)'),
  I('gogo', 'fresh_lr_slot', 'fresh goroutine: the saved-LR slot [gobuf.sp] is 0', 'lr'),
  I('gogo', 'fresh_stackguard', 'fresh goroutine: stackguard0 = stack.lo + _StackGuard'),
  I('gogo', 'fresh_stack_size', 'fresh goroutine: a _StackMin (2 KiB) stack'),
  // mcall(fn): save the caller in g.sched, call fn(g) on g0
  I('mcall', 'not_g0', 'mcall is not called on g0 (Go calls badmcall)'),
  I('mcall', 'sched_pc', "g.sched.pc = mcall's caller PC (callerPC at entry)"),
  I('mcall', 'sched_sp', "g.sched.sp = mcall's caller SP (callerSP at entry)"),
  I('mcall', 'sched_bp', 'g.sched.bp = BP at entry', 'bp'),
  I('mcall', 'sched_lr', 'g.sched.lr = 0', 'lr'),
  I('mcall', 'g_reg', 'g register at fn = m.g0'),
  I('mcall', 'tls_g', 'TLS g slot at fn = m.g0', 'tls'),
  I('mcall', 'sp', 'SP at fn = g0.sched.sp - 2*PtrSize (a return-address/saved-LR slot and the argument slot)'),
  I('mcall', 'arg', "fn's stack argument [SP+PtrSize] = the old g"),
  I('mcall', 'arg_reg', "fn's first ABIInternal argument register (AX) = the old g", 'regabi'),
  I('mcall', 'ctxt', 'closure context register at fn = fn'),
  I('mcall', 'pc', 'PC = fn.fn'),
  I('mcall', 'return_addr', "fn's return address is in mcall, right after the call (fn must not return)"),
  I('mcall', 'bp_kept', "BP is not changed: fn starts with the old g's frame pointer", 'bp'),
  // systemstack(fn)
  I('systemstack', 'path', 'systemstack runs on g0, gsignal or m.curg (else badsystemstack)'),
  I('systemstack', 'noswitch_pc', 'on g0/gsignal: a tail call, PC = fn.fn'),
  I('systemstack', 'noswitch_ctxt', 'on g0/gsignal: closure context register = fn'),
  I('systemstack', 'noswitch_sp', 'on g0/gsignal: SP back at its entry value'),
  I('systemstack', 'noswitch_lr', 'on g0/gsignal: LR back at its entry value (the prologue push undone)', 'lr'),
  I('systemstack', 'noswitch_g', 'on g0/gsignal: the g register is not changed'),
  I('systemstack', 'sched_pc', 'switch: g.sched.pc = systemstack_switch + lrPush (past its push of LR on arm)'),
  I('systemstack', 'sched_sp', "switch: g.sched.sp = entry SP - lrPush (systemstack's own frame)"),
  I('systemstack', 'sched_bp', 'switch: g.sched.bp = BP at entry', 'bp'),
  I('systemstack', 'sched_lr', 'switch: g.sched.lr = 0', 'lr'),
  I('systemstack', 'sched_ret', 'switch: g.sched.ret = 0'),
  I('systemstack', 'sched_ctxt', 'switch: g.sched.ctxt = 0 (gosave_systemstack_switch asserts it)'),
  I('systemstack', 'g_reg', 'switch: g register at fn = m.g0'),
  I('systemstack', 'tls_g', 'switch: TLS g slot at fn = m.g0', 'tls'),
  I('systemstack', 'sp', 'switch: SP at fn = g0.sched.sp - callPush'),
  I('systemstack', 'pc', 'switch: PC = fn.fn'),
  I('systemstack', 'ctxt', 'switch: closure context register = fn'),
  I('systemstack', 'return_addr', "switch: fn's return address is in systemstack, right after the call"),
  // systemstack's return path
  I('systemstack_ret', 'paired', 'the return follows a systemstack switch on the same thread, at the address its fn was given'),
  I('systemstack_ret', 'g', 'getg() after the return = m.curg'),
  I('systemstack_ret', 'sp', 'SP after the return = the saved curg.sched.sp + PtrSize (systemstack popped its frame / return address)'),
  I('systemstack_ret', 'pc', "PC after the return = systemstack's caller PC"),
  I('systemstack_ret', 'sched_sp_cleared', 'curg.sched.sp is cleared after the return'),
  // morestack / morestack_noctxt (through to newstack)
  ...(['morestack', 'morestack_noctxt'] as const).flatMap((k) => [
    I(k, 'not_g0', 'morestack is not called on g0 (badmorestackg0)'),
    I(k, 'sched_pc', "g.sched.pc = f's resume PC (callerPC at entry)"),
    I(k, 'sched_sp', "g.sched.sp = f's SP (callerSP at entry)"),
    I(k, 'sched_bp', 'g.sched.bp = BP at entry', 'bp'),
    I(k, 'sched_lr', "g.sched.lr = f's own LR (R3 at entry)", 'lr'),
    I(k, 'sched_ctxt', k === 'morestack' ? 'g.sched.ctxt = the closure context register at entry' : 'g.sched.ctxt = 0 (no context)'),
    I(k, 'morebuf_pc', "m.morebuf.pc = f's caller PC ([SP+8] on amd64, R3 on arm)"),
    I(k, 'morebuf_sp', "m.morebuf.sp = f's caller SP (callerSP + callPush)"),
    I(k, 'morebuf_g', 'm.morebuf.g = g'),
    I(k, 'g', 'getg() at newstack = m.g0'),
    I(k, 'sp', 'SP at newstack = g0.sched.sp - PtrSize'),
    I(k, 'lr_slot', 'the saved-LR slot [SP] at newstack is 0', 'lr'),
    I(k, 'pc', 'PC = runtime.newstack'),
  ]),
  // a goroutine's top function returned
  I('goexit_ret', 'pc', 'the top function returns to goexit+PCQuantum'),
  I('goexit_ret', 'sp', 'SP there = stack.hi - alignUp(4*PtrSize+MinFrameSize, StackAlign) (amd64 hi-32, arm hi-20)'),
  I('goexit_ret', 'next', 'then goexit calls goexit1'),
  // mstart
  I('mstart', 'g0', 'mstart runs on the M\'s g0'),
];

const BY_NAME = new Map(INVARIANTS.map((i) => [i.name, i]));

function applies(i: Invariant, a: Arch): boolean {
  switch (i.needs) {
    case undefined:
      return true;
    case 'bp':
      return a.bpReg !== undefined;
    case 'lr':
      return a.lrReg !== undefined;
    case 'tls':
      return a.switchFacts.gInTLS;
    case 'regabi':
      return a.switchFacts.abiInternalArgRegs.length > 0;
  }
}

/** The invariants that apply on an arch. */
export function invariantsFor(a: Arch): Invariant[] {
  return INVARIANTS.filter((i) => applies(i, a));
}

export interface Violation {
  seq: number;
  kind: SwitchKind;
  goid: number | undefined;
  thread: number;
  invariant: string;
  text: string;
  expected: string;
  actual: string;
}

export interface Unevaluated {
  seq: number;
  invariant: string;
  missing: string;
}

export interface ValidationReport {
  arch: string;
  /** records validated, per kind */
  byKind: Partial<Record<SwitchKind, number>>;
  records: number;
  /** invariant checks evaluated (passed or failed) */
  checks: number;
  violations: Violation[];
  /** checks whose inputs the records lack */
  unevaluated: Unevaluated[];
  /** records not checked at all, with the reason (e.g. the oracle skipped the call) */
  unchecked: { seq: number; kind: SwitchKind; reason: string }[];
}

const hex = (v: bigint) => `0x${v.toString(16)}`;

/**
 * Validates records in order (per-thread state pairs systemstack switches
 * with their returns). One Validator per trace.
 */
export class Validator {
  readonly arch: Arch;
  private readonly L;
  private readonly report: ValidationReport;
  private readonly pending = new Map<number, SwitchRecord[]>();
  private last: Record<string, boolean> = {};

  constructor(
    arch: Arch | string,
    private readonly symbols: SymbolTable,
  ) {
    this.arch = typeof arch === 'string' ? archByName(arch) : arch;
    this.L = layoutFor(this.arch);
    this.report = { arch: this.arch.name, byKind: {}, records: 0, checks: 0, violations: [], unevaluated: [], unchecked: [] };
  }

  get result(): ValidationReport {
    return this.report;
  }

  /** Check one record; returns its violations (also collected in the report). */
  check(r: SwitchRecord): Violation[] {
    const rep = this.report;
    rep.records += 1;
    rep.byKind[r.kind] = (rep.byKind[r.kind] ?? 0) + 1;
    const before = rep.violations.length;
    this.last = {};
    const c = new Check(this, r, this.symbols);
    switch (r.kind) {
      case 'gogo':
        this.gogo(c, r);
        break;
      case 'mcall':
        this.mcall(c, r);
        break;
      case 'systemstack':
        this.systemstack(c, r);
        break;
      case 'systemstack_ret':
        this.systemstackRet(c, r);
        break;
      case 'morestack':
      case 'morestack_noctxt':
        this.morestack(c, r);
        break;
      case 'goexit_ret':
        this.goexitRet(c, r);
        break;
      case 'mstart':
        c.eq('mstart.g0', r.entry.g?.mInfo?.g0, r.entry.g?.addr);
        break;
    }
    return rep.violations.slice(before);
  }

  /**
   * The invariants the last check() evaluated, by name: true if it held
   * (the `checks` of a JSON record, like the oracle's).
   */
  get lastChecks(): Readonly<Record<string, boolean>> {
    return this.last;
  }

  /** @internal */
  record(name: string, v: Violation | undefined, u: Unevaluated | undefined): void {
    if (!u) this.last[name] = !v && this.last[name] !== false;
    if (v) {
      this.report.checks += 1;
      this.report.violations.push(v);
    } else if (u) this.report.unevaluated.push(u);
    else this.report.checks += 1;
  }

  // ---- arch-neutral helpers ---------------------------------------------------

  private get w(): bigint {
    return BigInt(this.arch.ptrSize);
  }
  /** what a CALL pushes (the return address on amd64; BL pushes nothing) */
  private get callPush(): bigint {
    return this.arch.usesLR ? 0n : this.w;
  }
  /** what a framed function's prologue pushes (LR on arm) */
  private get lrPush(): bigint {
    return this.arch.usesLR ? this.w : 0n;
  }
  private reg(c: CpuState, name: string | undefined): bigint | undefined {
    return name === undefined ? undefined : c.regs[name];
  }
  private sp(c: CpuState): bigint | undefined {
    return c.regs[this.arch.spReg];
  }
  private callerPC(entry: CpuState): bigint | undefined {
    return this.arch.lrReg ? entry.regs[this.arch.lrReg] : entry.atSp;
  }
  private callerSP(entry: CpuState): bigint | undefined {
    const sp = this.sp(entry);
    return sp === undefined ? undefined : this.arch.usesLR ? sp : sp + this.w;
  }
  /** the return address a function just called sees */
  private retAddr(c: CpuState): bigint | undefined {
    return this.arch.lrReg ? c.regs[this.arch.lrReg] : c.atSp;
  }
  private getg(c: CpuState): bigint | undefined {
    return this.arch.switchFacts.gInTLS ? c.tlsG : c.regs[this.arch.gReg];
  }
  /** the first frame newproc1 lays out below stack.hi (without the return address gostartcall pushes) */
  private get topFrame(): bigint {
    const a = this.arch;
    const n = 4 * a.ptrSize + a.minFrameSize;
    return BigInt(Math.ceil(n / a.stackAlign) * a.stackAlign);
  }

  /** "the instruction after the call that left the stub": [lo, hi] bounds for a return address. */
  private afterCall(r: SwitchRecord): { lo: bigint; hi: bigint } | undefined {
    const s = r.steps[r.steps.length - 1];
    if (!s) return undefined;
    if (s.size !== undefined) return { lo: s.pc + BigInt(s.size), hi: s.pc + BigInt(s.size) };
    // oracle steps carry no sizes: on arm every instruction is 4 bytes; x86 at most 15
    const max = this.arch.insnUnit === 4 ? 4n : 15n;
    return { lo: s.pc + BigInt(this.arch.insnUnit), hi: s.pc + max };
  }

  // ---- per kind -----------------------------------------------------------------

  private gogo(c: Check, r: SwitchRecord): void {
    const a = this.arch;
    const F = a.switchFacts;
    const b = r.gobuf;
    const after = r.gobufAfter;
    const x = r.exit;
    c.eq('gogo.pc', b?.pc, x.pc);
    c.eq('gogo.sp', b?.sp, this.sp(x));
    c.eq('gogo.g_reg', b?.g, x.regs[a.gReg]);
    if (F.gInTLS) c.eq('gogo.tls_g', b?.g, x.tlsG);
    if (a.bpReg) c.eq('gogo.bp', b?.bp, x.regs[a.bpReg]);
    if (a.lrReg) c.eq('gogo.lr', b?.lr, x.regs[a.lrReg]);
    c.eq('gogo.ret', b?.ret, x.regs[F.retReg]);
    c.eq('gogo.ctxt', b?.ctxt, x.regs[a.ctxtReg]);
    c.eq('gogo.clear_sp', 0n, after?.sp);
    c.eq('gogo.clear_ret', 0n, after?.ret);
    c.eq('gogo.clear_ctxt', 0n, after?.ctxt);
    if (a.bpReg) c.eq('gogo.clear_bp', 0n, after?.bp);
    if (a.lrReg) c.eq('gogo.clear_lr', 0n, after?.lr);
    c.eq('gogo.keep_pc', b?.pc, after?.pc);
    c.eq('gogo.keep_g', b?.g, after?.g);
    c.eq('gogo.buf_is_sched', b ? b.g + BigInt(this.L.off.g.sched) : undefined, r.buf);
    const toG0 = r.targetG?.mInfo !== undefined && r.targetG.mInfo.g0 === r.targetG.addr;
    if (!toG0) c.eq('gogo.status', 2n, r.targetG ? BigInt(r.targetG.status) : undefined);
    if (r.fresh) {
      const t = r.targetG;
      const consts = this.L.consts;
      c.eq('gogo.fresh_sp', t ? t.stackHi - this.topFrame - this.callPush : undefined, b?.sp);
      const goexit = c.sym('runtime.goexit');
      const ret = goexit === undefined ? undefined : goexit + BigInt(a.pcQuantum);
      // [gobuf.sp] is read at gogo's exit, so it is only known when SP landed there
      const atSp = b && this.sp(x) === b.sp ? x.atSp : undefined;
      if (a.usesLR) {
        c.eq('gogo.fresh_return', ret, b?.lr);
        c.eq('gogo.fresh_lr_slot', 0n, atSp, '[gobuf.sp]');
      } else c.eq('gogo.fresh_return', ret, atSp, '[gobuf.sp]');
      c.eq('gogo.fresh_stackguard', t ? t.stackLo + BigInt(consts._StackGuard) : undefined, t?.stackguard0);
      c.eq('gogo.fresh_stack_size', BigInt(consts._StackMin), t ? t.stackHi - t.stackLo : undefined);
    }
  }

  private mcall(c: Check, r: SwitchRecord): void {
    const a = this.arch;
    const F = a.switchFacts;
    const e = r.entry;
    const x = r.exit;
    const oldg = e.g?.addr;
    const m = e.g?.mInfo;
    const sched = r.oldgAfter?.sched;
    c.ne('mcall.not_g0', m?.g0, oldg);
    c.eq('mcall.sched_pc', this.callerPC(e), sched?.pc);
    c.eq('mcall.sched_sp', this.callerSP(e), sched?.sp);
    if (a.bpReg) c.eq('mcall.sched_bp', this.reg(e, a.bpReg), sched?.bp);
    if (a.lrReg) c.eq('mcall.sched_lr', 0n, sched?.lr);
    c.eq('mcall.g_reg', m?.g0, x.regs[a.gReg]);
    if (F.gInTLS) c.eq('mcall.tls_g', m?.g0, x.tlsG);
    c.eq('mcall.sp', m && m.g0SchedSp - 2n * this.w, this.sp(x));
    c.eq('mcall.arg', oldg, x.atSp1, '[SP+PtrSize]');
    if (F.abiInternalArgRegs.length > 0) c.eq('mcall.arg_reg', oldg, x.regs[F.abiInternalArgRegs[0]!]);
    c.eq('mcall.ctxt', r.fn, x.regs[a.ctxtReg]);
    c.eq('mcall.pc', r.fnFn, x.pc);
    c.within('mcall.return_addr', this.afterCall(r), this.retAddr(x));
    if (a.bpReg) c.eq('mcall.bp_kept', this.reg(e, a.bpReg), x.regs[a.bpReg]);
  }

  private systemstack(c: Check, r: SwitchRecord): void {
    const a = this.arch;
    const F = a.switchFacts;
    const e = r.entry;
    const x = r.exit;
    if (r.path === 'skipped') {
      this.report.unchecked.push({ seq: r.seq, kind: r.kind, reason: 'the recording stepped over it: newm(sysmon) was not run' });
      return;
    }
    if (r.path === 'bad' || r.path === undefined) {
      c.fail('systemstack.path', 'g0, gsignal or m.curg', e.g ? `g ${hex(e.g.addr)} (goid ${e.g.goid})` : 'no g');
      return;
    }
    if (r.path !== 'switch') {
      c.eq('systemstack.noswitch_pc', r.fnFn, x.pc);
      c.eq('systemstack.noswitch_ctxt', r.fn, x.regs[a.ctxtReg]);
      c.eq('systemstack.noswitch_sp', this.sp(e), this.sp(x));
      if (a.lrReg) c.eq('systemstack.noswitch_lr', e.regs[a.lrReg], x.regs[a.lrReg]);
      c.eq('systemstack.noswitch_g', e.regs[a.gReg], x.regs[a.gReg]);
      return;
    }
    const m = e.g?.mInfo;
    const sched = r.oldgAfter?.sched;
    const sw = c.sym('runtime.systemstack_switch');
    c.eq('systemstack.sched_pc', sw === undefined ? undefined : sw + this.lrPush, sched?.pc);
    const esp = this.sp(e);
    c.eq('systemstack.sched_sp', esp === undefined ? undefined : esp - this.lrPush, sched?.sp);
    if (a.bpReg) c.eq('systemstack.sched_bp', e.regs[a.bpReg], sched?.bp);
    if (a.lrReg) c.eq('systemstack.sched_lr', 0n, sched?.lr);
    c.eq('systemstack.sched_ret', 0n, sched?.ret);
    c.eq('systemstack.sched_ctxt', 0n, sched?.ctxt);
    c.eq('systemstack.g_reg', m?.g0, x.regs[a.gReg]);
    if (F.gInTLS) c.eq('systemstack.tls_g', m?.g0, x.tlsG);
    c.eq('systemstack.sp', m && m.g0SchedSp - this.callPush, this.sp(x));
    c.eq('systemstack.pc', r.fnFn, x.pc);
    c.eq('systemstack.ctxt', r.fn, x.regs[a.ctxtReg]);
    c.within('systemstack.return_addr', this.afterCall(r), this.retAddr(x));
    const pend = this.pending.get(r.thread) ?? [];
    pend.push(r);
    this.pending.set(r.thread, pend);
  }

  private systemstackRet(c: Check, r: SwitchRecord): void {
    const e = r.entry;
    const x = r.exit;
    const pend = this.pending.get(r.thread) ?? [];
    let i = pend.length - 1;
    while (i >= 0 && this.retAddr(pend[i]!.exit) !== e.pc) i--;
    const sw = i >= 0 ? pend[i] : undefined;
    if (sw) pend.length = i;
    c.eq('systemstack_ret.paired', e.pc, sw ? this.retAddr(sw.exit) : undefined, 'the return address of an open systemstack switch');
    const curg = e.g?.mInfo?.curg;
    c.eq('systemstack_ret.g', curg, this.getg(x));
    const saved = sw?.oldgAfter?.sched.sp;
    c.eq('systemstack_ret.sp', saved === undefined ? undefined : saved + this.w, this.sp(x));
    c.eq('systemstack_ret.pc', sw ? this.callerPC(sw.entry) : undefined, x.pc);
    const g = x.g && curg !== undefined && x.g.addr === curg ? x.g : undefined;
    c.eq('systemstack_ret.sched_sp_cleared', 0n, g?.sched.sp, 'curg.sched.sp');
  }

  private morestack(c: Check, r: SwitchRecord): void {
    const a = this.arch;
    const k = r.kind;
    const e = r.entry;
    const x = r.exit;
    const oldg = e.g?.addr;
    const m = e.g?.mInfo;
    const sched = r.oldgAfter?.sched;
    const mb = r.morebuf;
    const lrIn = this.reg(e, a.switchFacts.morestackLRReg);
    c.ne(`${k}.not_g0`, m?.g0, oldg);
    c.eq(`${k}.sched_pc`, this.callerPC(e), sched?.pc);
    c.eq(`${k}.sched_sp`, this.callerSP(e), sched?.sp);
    if (a.bpReg) c.eq(`${k}.sched_bp`, e.regs[a.bpReg], sched?.bp);
    if (a.lrReg) c.eq(`${k}.sched_lr`, lrIn, sched?.lr);
    c.eq(`${k}.sched_ctxt`, k === 'morestack_noctxt' ? 0n : e.regs[a.ctxtReg], sched?.ctxt);
    c.eq(`${k}.morebuf_pc`, a.lrReg ? lrIn : e.atSp1, mb?.pc);
    const csp = this.callerSP(e);
    c.eq(`${k}.morebuf_sp`, csp === undefined ? undefined : csp + this.callPush, mb?.sp);
    c.eq(`${k}.morebuf_g`, oldg, mb?.g);
    c.eq(`${k}.g`, m?.g0, this.getg(x));
    c.eq(`${k}.sp`, m && m.g0SchedSp - this.w, this.sp(x));
    if (a.lrReg) c.eq(`${k}.lr_slot`, 0n, x.atSp, '[SP]');
    c.oneOf(`${k}.pc`, [c.sym('runtime.newstack'), c.sym('runtime.newstack.abi0')], x.pc);
  }

  private goexitRet(c: Check, r: SwitchRecord): void {
    const e = r.entry;
    const goexit = c.sym('runtime.goexit');
    c.eq('goexit_ret.pc', goexit === undefined ? undefined : goexit + BigInt(this.arch.pcQuantum), e.pc);
    c.eq('goexit_ret.sp', e.g ? e.g.stackHi - this.topFrame : undefined, this.sp(e));
    c.oneOf('goexit_ret.next', [c.sym('runtime.goexit1'), c.sym('runtime.goexit1.abi0')], r.exit.pc);
  }
}

/** The checks of one record: each result goes to the validator's report. */
class Check {
  constructor(
    private readonly v: Validator,
    private readonly r: SwitchRecord,
    private readonly symbols: SymbolTable,
  ) {}

  sym(name: string): bigint | undefined {
    return this.symbols.addr(name);
  }

  private show(x: bigint): string {
    const d = this.symbols.describe(x);
    return d.startsWith('0x') ? hex(x) : `${hex(x)} (${d})`;
  }

  private violation(name: string, expected: string, actual: string): Violation {
    const inv = BY_NAME.get(name);
    if (!inv) throw new Error(`validator: unknown invariant ${name}`);
    return { seq: this.r.seq, kind: this.r.kind, goid: subjectGoid(this.r), thread: this.r.thread, invariant: name, text: inv.text, expected, actual };
  }

  private missing(name: string, what: string): void {
    if (!BY_NAME.has(name)) throw new Error(`validator: unknown invariant ${name}`);
    this.v.record(name, undefined, { seq: this.r.seq, invariant: name, missing: what });
  }

  /** expected === actual */
  eq(name: string, expected: bigint | undefined, actual: bigint | undefined, what = 'value'): void {
    if (expected === undefined) return this.missing(name, 'expected value');
    if (actual === undefined) return this.missing(name, what);
    this.v.record(name, expected === actual ? undefined : this.violation(name, this.show(expected), this.show(actual)), undefined);
  }

  /** actual !== unexpected */
  ne(name: string, unexpected: bigint | undefined, actual: bigint | undefined): void {
    if (unexpected === undefined || actual === undefined) return this.missing(name, 'value');
    this.v.record(name, unexpected !== actual ? undefined : this.violation(name, `not ${this.show(unexpected)}`, this.show(actual)), undefined);
  }

  /** actual is one of the known candidates (a function or its ABI0 wrapper) */
  oneOf(name: string, candidates: (bigint | undefined)[], actual: bigint | undefined): void {
    const known = [...new Set(candidates.filter((x): x is bigint => x !== undefined))];
    if (known.length === 0) return this.missing(name, 'expected value');
    if (actual === undefined) return this.missing(name, 'value');
    this.v.record(name, known.includes(actual) ? undefined : this.violation(name, known.map((k) => this.show(k)).join(' or '), this.show(actual)), undefined);
  }

  /** lo <= actual <= hi */
  within(name: string, range: { lo: bigint; hi: bigint } | undefined, actual: bigint | undefined): void {
    if (!range) return this.missing(name, 'expected value');
    if (actual === undefined) return this.missing(name, 'value');
    const ok = actual >= range.lo && actual <= range.hi;
    const exp = range.lo === range.hi ? this.show(range.lo) : `${this.show(range.lo)} .. ${hex(range.hi)}`;
    this.v.record(name, ok ? undefined : this.violation(name, exp, this.show(actual)), undefined);
  }

  fail(name: string, expected: string, actual: string): void {
    this.v.record(name, this.violation(name, expected, actual), undefined);
  }
}

/** Validate a whole trace. */
export function validateRecords(arch: Arch | string, records: readonly SwitchRecord[], symbols: SymbolTable): ValidationReport {
  const v = new Validator(arch, symbols);
  for (const r of records) v.check(r);
  return v.result;
}

/** One line per violation: the switch, the invariant, expected and actual. */
export function formatViolation(v: Violation): string {
  const g = v.goid === undefined ? '' : ` goid ${v.goid}`;
  return `switch #${v.seq} ${v.kind}${g} (thread ${v.thread}): ${v.invariant} violated: ${v.text}: expected ${v.expected}, got ${v.actual}`;
}

/** The summary `gogo-emu validate` prints. */
export function formatReport(rep: ValidationReport, label: string): string {
  const lines: string[] = [];
  const kinds = SWITCH_KINDS.filter((k) => rep.byKind[k]);
  lines.push(`${label}: ${rep.records} switches checked (${kinds.map((k) => `${k} ${rep.byKind[k]}`).join(', ')}), ${rep.checks} invariant checks, ${rep.violations.length} violation${rep.violations.length === 1 ? '' : 's'}`);
  if (rep.unchecked.length) lines.push(`  not checked: ${rep.unchecked.map((u) => `#${u.seq} ${u.kind} (${u.reason})`).join('; ')}`);
  if (rep.unevaluated.length) {
    const by = new Map<string, number>();
    for (const u of rep.unevaluated) by.set(`${u.invariant} (no ${u.missing})`, (by.get(`${u.invariant} (no ${u.missing})`) ?? 0) + 1);
    lines.push(`  not evaluable from the records: ${[...by].map(([k, n]) => `${k} x${n}`).join(', ')}`);
  }
  for (const v of rep.violations) lines.push(formatViolation(v));
  return lines.join('\n');
}
