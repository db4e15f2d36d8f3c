// arm (32-bit, GOARM=7) code generation: IR to Keystone UAL syntax, Go's ABI0
// (go1.19 arm has no register ABI).
//
// Calling convention: the caller stores argument word i at 4+4i(R13) of its
// own SP and finds the results right after the arguments; 0(R13) of every
// frame holds that frame's saved LR. R10 holds g (never written), R7 is the
// closure context on entry, and a closure is called with R7 = funcval,
// `ldr r11, [r7]; blx r11` (a method from an itab: `blx r11` with R11 = the
// code address). int is 32 bits; an int64 argument (printint) takes two
// words, low word first.
//
// Frame of T bytes (after `str lr, [sp, #-T]!`):
//   [sp+T+4+4i]       argument word i (then the results) in the caller's frame
//   [sp+4+out+4s]     slot s (every variable and temporary)
//   [sp+4..4+out)     outgoing arguments and results of our calls
//   [sp]              saved LR
// Prologue: Go's stack check (R1 = g.stackguard0; compare SP, or SP minus the
// part of the frame above StackSmall; BLS to morestack), then push LR with
// the frame. The morestack path is `mov r3, lr; bl runtime.morestack_noctxt;
// b <entry>` (runtime.morestack for closures, which keeps R7); the arguments
// are already in memory.
//
// Scratch registers: R0-R3, R11 (address base), R12 (large frame offsets).
// Constants and symbol addresses are built with movw/movt (no literal pools:
// they must lie within 4 KiB of their use). sdiv needs the arch's Keystone
// prelude `.cpu cortex-a15` (src/arch/arm.ts). No data directives in
// functions: Keystone mis-encodes later branches to absolute targets after
// one (the linker rejects such blocks).
import { asmSymbol, type Inst, type IrFunc, NEGATE, type Operand } from '../ir.ts';
import { ENTRY } from '../../abi/index.ts';
import { goAsmConst } from '../../go119/goasm.ts';
import type { Arch } from '../../arch/types.ts';
import type { CodegenBackend } from './types.ts';
import { AsmWriter, dataBlock } from './writer.ts';
import { emitPairOp } from './arm_pair.ts';
import { emitFloatOp } from './arm_float.ts';

const COND: Record<string, string> = { eq: 'eq', ne: 'ne', lt: 'lt', le: 'le', gt: 'gt', ge: 'ge', ltu: 'lo', leu: 'ls', gtu: 'hi', geu: 'hs' };
const ALU: Record<string, string> = { add: 'add', sub: 'sub', and: 'and', or: 'orr', xor: 'eor', andnot: 'bic' };

/** Is v an ARM modified immediate (an 8-bit value rotated right by an even amount)? */
export function armImm(v: number): boolean {
  v >>>= 0;
  for (let r = 0; r < 32; r += 2) {
    const x = ((v << r) | (v >>> (32 - r))) >>> 0;
    if (x < 256) return true;
  }
  return false;
}

export function armBackend(arch: Arch): CodegenBackend {
  const stackSmall = goAsmConst(arch, 'const__StackSmall');
  return {
    func: (f, file) => new ArmFunc(f, stackSmall).emit(file),
    data: (d, file) => dataBlock(d, file, '.long'),
  };
}

class ArmFunc {
  readonly w = new AsmWriter();
  /** bytes of the outgoing argument/result area */
  private readonly out: number;
  /** the frame size, including the saved LR */
  private readonly T: number;

  constructor(
    private readonly f: IrFunc,
    private readonly stackSmall: number,
  ) {
    let maxWords = 0;
    for (const i of f.body) {
      if (i.op !== 'call') continue;
      const words = i.args.reduce((n, a) => n + (a.int64 ? 2 : 1), 0) + i.results.reduce((n, r) => n + (r.hi !== undefined ? 2 : 1), 0);
      maxWords = Math.max(maxWords, words);
    }
    this.out = 4 * maxWords;
    this.T = 4 + this.out + 4 * f.nslots;
  }

  private slotOff(s: number): number {
    return 4 + this.out + 4 * s;
  }

  /** A memory operand [sp, #off]; large offsets go through R12. */
  private spMem(off: number): string {
    if (off <= 4095) return `[sp, #${off}]`;
    this.constant('r12', off);
    this.w.op('add r12, sp, r12');
    return '[r12]';
  }

  private constant(reg: string, value: number | bigint): void {
    const v = Number(BigInt.asUintN(32, BigInt(value)));
    const w = this.w;
    if (v < 256) w.op(`mov ${reg}, #${v}`);
    else if (~v >>> 0 < 256) w.op(`mvn ${reg}, #${~v >>> 0}`);
    else {
      w.op(`movw ${reg}, #${v & 0xffff}`);
      if (v >>> 16) w.op(`movt ${reg}, #${v >>> 16}`);
    }
  }

  load(reg: string, o: Operand): void {
    const w = this.w;
    switch (o.k) {
      case 'slot':
        w.op(`ldr ${reg}, ${this.spMem(this.slotOff(o.s))}`);
        return;
      case 'imm':
        this.constant(reg, o.v);
        return;
      case 'sym': {
        if (o.name === this.f.name) {
          w.op(`adr ${reg}, ${asmSymbol(o.name)}`);
          return;
        }
        const s = asmSymbol(o.name);
        w.op(`movw ${reg}, #:lower16:${s}`);
        w.op(`movt ${reg}, #:upper16:${s}`);
        return;
      }
      case 'frame': {
        const off = this.slotOff(o.s);
        if (armImm(off)) w.op(`add ${reg}, sp, #${off}`);
        else {
          this.constant(reg, off);
          w.op(`add ${reg}, sp, ${reg}`);
        }
        return;
      }
    }
  }

  /** The memory operand [r11, #off] (R11 holds the base address); large offsets go through R12. */
  private baseMem(off: number, max = 4095): string {
    if (off >= 0 && off <= max) return `[r11, #${off}]`;
    this.constant('r12', off);
    this.w.op('add r11, r11, r12');
    return '[r11]';
  }

  storeSlot(s: number, reg: string): void {
    this.w.op(`str ${reg}, ${this.spMem(this.slotOff(s))}`);
  }

  /** An ALU second operand: an encodable immediate, or the value loaded into `scratch`. */
  private src2(o: Operand, scratch: string): string {
    if (o.k === 'imm') {
      const v = Number(BigInt.asUintN(32, o.v));
      if (armImm(v)) return `#${v}`;
    }
    this.load(scratch, o);
    return scratch;
  }

  emit(file: string) {
    const f = this.f;
    const w = this.w;
    const T = this.T;
    const self = asmSymbol(f.name);
    w.line = f.line;
    w.unsafe = true; // the stack check and the frame set-up: not async safe points
    w.op('ldr r1, [r10, #g_stackguard0]');
    if (T <= this.stackSmall) {
      w.op('cmp sp, r1');
    } else {
      const d = T - this.stackSmall;
      if (armImm(d)) w.op(`sub r2, sp, #${d}`);
      else {
        this.constant('r2', d);
        w.op('sub r2, sp, r2');
      }
      w.op('cmp r2, r1');
    }
    w.op('bls .Lmore');
    if (T <= 4095) w.op(`str lr, [sp, #-${T}]!`);
    else {
      this.constant('r11', T);
      w.op('sub sp, sp, r11');
      w.op('str lr, [sp]');
    }
    w.unsafe = false;
    if (f.ctxtSlot !== null) this.storeSlot(f.ctxtSlot, 'r7');
    f.params.forEach((s, i) => {
      w.op(`ldr r0, ${this.spMem(T + 4 + 4 * i)}`);
      this.storeSlot(s, 'r0');
    });
    if (f.wrapper) {
      // gc's WRAPPER prologue: if g._panic.argp is our argp, make it our callee's
      w.op('ldr r11, [r10, #g__panic]');
      w.op('cmp r11, #0');
      w.op('beq .Lnopanic');
      this.argp('r1');
      w.op('ldr r0, [r11, #_panic_argp]');
      w.op('cmp r0, r1');
      w.op('bne .Lnopanic');
      w.op('add r1, sp, #4');
      w.op('str r1, [r11, #_panic_argp]');
      w.label('.Lnopanic');
    }
    for (const i of f.body) {
      w.line = i.line;
      this.inst(i);
    }
    w.line = f.line;
    w.unsafe = true; // the morestack path
    w.label('.Lmore');
    w.op('mov r3, lr');
    w.op(`bl ${f.ctxtSlot !== null ? ENTRY.morestack.symbol : ENTRY.morestack_noctxt.symbol}`);
    w.op(`b ${self}`);
    const argSize = 4 * (f.params.length + f.results.length);
    // the body's SP is the entry SP minus T (tracebacks walk by it)
    return { name: f.name, file, line: f.line, header: `TEXT ${f.name}(SB), $${T - 4}-${argSize}`, body: w.lines, goFunc: { params: f.params.length, frame: T } };
  }

  private natomic = 0;

  /**
   * sync/atomic as runtime/internal/atomic does it with GOARM=7: LDREX/STREX
   * loops between DMB ISH barriers (Xadd and Xchg, which go1.19 loops over
   * armcas; Cas itself with armcas's DMB ISHST before the STREX), and a load
   * or store between barriers (Load, Store).
   */
  private atomic(i: Extract<Inst, { op: 'atomic' }>): void {
    const w = this.w;
    if (i.size === 8) {
      this.atomic64(i);
      return;
    }
    const n = this.natomic++;
    const loop = `.Latomic${n}`;
    const fail = `.Latomicfail${n}`;
    const done = `.Latomicdone${n}`;
    this.load('r11', i.addr);
    switch (i.aop) {
      case 'load':
        w.op('ldr r0, [r11]');
        w.op('dmb ish');
        break;
      case 'store':
        this.load('r1', i.val!);
        w.op('dmb ish');
        w.op('str r1, [r11]');
        w.op('dmb ish');
        break;
      case 'add':
      case 'swap':
        this.load('r1', i.val!);
        w.op('dmb ish');
        w.label(loop);
        w.op('ldrex r0, [r11]');
        if (i.aop === 'add') {
          w.op('add r0, r0, r1');
          w.op('strex r2, r0, [r11]');
        } else {
          w.op('strex r2, r1, [r11]');
        }
        w.op('cmp r2, #0');
        w.op(`bne ${loop}`);
        w.op('dmb ish');
        break;
      case 'cas':
        this.load('r1', i.old!);
        this.load('r2', i.val!);
        w.label(loop);
        w.op('ldrex r0, [r11]');
        w.op('cmp r0, r1');
        w.op(`bne ${fail}`);
        w.op('dmb ishst');
        w.op('strex r3, r2, [r11]');
        w.op('cmp r3, #0');
        w.op(`bne ${loop}`);
        w.op('mov r0, #1');
        w.op('dmb ish');
        w.op(`b ${done}`);
        w.label(fail);
        w.op('mov r0, #0');
        w.label(done);
        break;
    }
    if (i.dst !== undefined) this.storeSlot(i.dst, 'r0');
  }

  /**
   * The 64-bit atomics of go1.19's atomic_arm.s (armXadd64, armXchg64,
   * armCas64, armLoad64, armStore64): LDREXD/STREXD on register pairs
   * (R0:R1 the value in memory, R2:R3 the operand, R4:R5 Cas's old value;
   * R12 the STREXD status), between DMB ISH barriers.
   */
  private atomic64(i: Extract<Inst, { op: 'atomic' }>): void {
    const w = this.w;
    const n = this.natomic++;
    const loop = `.Latomic${n}`;
    const fail = `.Latomicfail${n}`;
    const done = `.Latomicdone${n}`;
    this.load('r11', i.addr);
    if (i.val) {
      this.load('r2', i.val);
      this.load('r3', i.valHi!);
    }
    if (i.old) {
      this.load('r4', i.old);
      this.load('r5', i.oldHi!);
    }
    switch (i.aop) {
      case 'load':
        w.op('ldrexd r0, r1, [r11]');
        w.op('dmb ish');
        break;
      case 'store':
      case 'swap':
      case 'add':
        w.op('dmb ish');
        w.label(loop);
        w.op('ldrexd r0, r1, [r11]');
        if (i.aop === 'add') {
          w.op('adds r0, r0, r2');
          w.op('adc r1, r1, r3');
          w.op('strexd r12, r0, r1, [r11]');
        } else {
          w.op('strexd r12, r2, r3, [r11]');
        }
        w.op('cmp r12, #0');
        w.op(`bne ${loop}`);
        w.op('dmb ish');
        break;
      case 'cas':
        w.op('dmb ish');
        w.label(loop);
        w.op('ldrexd r0, r1, [r11]');
        w.op('cmp r0, r4');
        w.op(`bne ${fail}`);
        w.op('cmp r1, r5');
        w.op(`bne ${fail}`);
        w.op('strexd r12, r2, r3, [r11]');
        w.op('cmp r12, #0');
        w.op(`bne ${loop}`);
        w.op('mov r0, #1');
        w.op(`b ${done}`);
        w.label(fail);
        w.op('mov r0, #0');
        w.label(done);
        w.op('dmb ish');
        break;
    }
    if (i.dst !== undefined) this.storeSlot(i.dst, 'r0');
    if (i.dstHi !== undefined) this.storeSlot(i.dstHi, 'r1');
  }

  /** reg = our argument pointer: the caller's SP (above our frame) plus MinFrameSize (its saved-LR word) */
  private argp(reg: string): void {
    const off = this.T + 4;
    if (armImm(off)) this.w.op(`add ${reg}, sp, #${off}`);
    else {
      this.constant(reg, off);
      this.w.op(`add ${reg}, sp, ${reg}`);
    }
  }

  private inst(i: Inst): void {
    const w = this.w;
    switch (i.op) {
      case 'mov':
        this.load('r0', i.src);
        this.storeSlot(i.dst, 'r0');
        return;
      case 'bin': {
        this.load('r0', i.a);
        if (i.bop in COND) {
          w.op(`cmp r0, ${this.src2(i.b, 'r1')}`);
          w.op('mov r0, #0');
          w.op(`mov${COND[i.bop]} r0, #1`);
        } else if (i.bop === 'mul') {
          this.load('r1', i.b);
          w.op('mul r0, r0, r1');
        } else {
          w.op(`${ALU[i.bop]} r0, r0, ${this.src2(i.b, 'r1')}`);
        }
        this.storeSlot(i.dst, 'r0');
        return;
      }
      case 'neg':
      case 'com':
      case 'not':
        this.load('r0', i.a);
        w.op(i.op === 'neg' ? 'rsb r0, r0, #0' : i.op === 'com' ? 'mvn r0, r0' : 'eor r0, r0, #1');
        this.storeSlot(i.dst, 'r0');
        return;
      case 'div':
      case 'mod': {
        this.load('r0', i.a);
        this.load('r1', i.b);
        const done = w.fresh();
        // an immediate divisor is checked only when it is 0 (a count folded by the
        // lowering, e.g. 1 % (x << 68)): Go panics there as for a variable 0
        const checked = i.b.k !== 'imm' || i.b.v === 0n;
        if (checked && i.unsigned) {
          const nonzero = w.fresh();
          w.op('cmp r1, #0');
          w.op(`bne ${nonzero}`);
          w.op(`bl ${ENTRY.panicdivide.symbol}`);
          w.label(nonzero);
        } else if (checked) {
          const nonzero = w.fresh();
          const normal = w.fresh();
          w.op('cmp r1, #0');
          w.op(`bne ${nonzero}`);
          w.op(`bl ${ENTRY.panicdivide.symbol}`);
          w.label(nonzero);
          // Go defines MinInt / -1 as MinInt (no trap) and x % -1 as 0
          w.op('cmn r1, #1');
          w.op(`bne ${normal}`);
          w.op(i.op === 'div' ? 'rsb r0, r0, #0' : 'mov r0, #0');
          w.op(`b ${done}`);
          w.label(normal);
        }
        w.op(`${i.unsigned ? 'udiv' : 'sdiv'} r2, r0, r1`);
        w.op(i.op === 'div' ? 'mov r0, r2' : 'mls r0, r2, r1, r0');
        w.label(done);
        this.storeSlot(i.dst, 'r0');
        return;
      }
      case 'shl':
      case 'shr': {
        this.load('r0', i.a);
        const insn = i.op === 'shl' ? 'lsl' : i.unsigned ? 'lsr' : 'asr';
        if (i.b.k === 'imm') {
          if (i.b.v !== 0n) w.op(`${insn} r0, r0, #${i.b.v}`);
          this.storeSlot(i.dst, 'r0');
          return;
        }
        this.load('r1', i.b);
        if (!i.ucount) {
          const ok = w.fresh();
          w.op('cmp r1, #0');
          w.op(`bge ${ok}`);
          w.op(`bl ${ENTRY.panicshift.symbol}`);
          w.label(ok);
        }
        // Register shifts use the low byte of the count: saturate 32 and up by hand.
        w.op('cmp r1, #32');
        if (i.op === 'shl' || i.unsigned) {
          w.op('movhs r0, #0');
          w.op(`${insn}lo r0, r0, r1`);
        } else {
          w.op('movhs r1, #31');
          w.op('asr r0, r0, r1');
        }
        this.storeSlot(i.dst, 'r0');
        return;
      }
      case 'load':
        this.load('r11', i.base);
        if (i.size === 2 || (i.size === 1 && i.signed)) w.op(`${i.size === 2 ? (i.signed ? 'ldrsh' : 'ldrh') : 'ldrsb'} r0, ${this.baseMem(i.off, 255)}`);
        else w.op(`${i.size === 1 ? 'ldrb' : 'ldr'} r0, ${this.baseMem(i.off)}`);
        this.storeSlot(i.dst, 'r0');
        return;
      case 'store':
        this.load('r0', i.src);
        this.load('r11', i.base);
        if (i.size === 2) w.op(`strh r0, ${this.baseMem(i.off, 255)}`);
        else w.op(`${i.size === 1 ? 'strb' : 'str'} r0, ${this.baseMem(i.off)}`);
        return;
      case 'label':
        w.label(`.L${i.id}`);
        return;
      case 'jmp':
        w.op(`b .L${i.target}`);
        return;
      case 'br':
        if (i.cond.k === 'imm') {
          if ((i.cond.v !== 0n) === i.when) w.op(`b .L${i.target}`);
          return;
        }
        this.load('r0', i.cond);
        w.op('cmp r0, #0');
        w.op(`${i.when ? 'bne' : 'beq'} .L${i.target}`);
        return;
      case 'brcmp':
        this.load('r0', i.a);
        w.op(`cmp r0, ${this.src2(i.b, 'r1')}`);
        w.op(`b${COND[i.when ? i.cmp : NEGATE[i.cmp]]} .L${i.target}`);
        return;
      case 'pair':
      case 'pshift':
      case 'pcmp':
        return emitPairOp(this, i);
      case 'fop':
      case 'fcmp':
      case 'fcvt':
        return emitFloatOp(this, i);
      case 'call':
        return this.call(i);
      case 'atomic':
        this.atomic(i);
        return;
      case 'argp':
        this.argp('r0');
        this.storeSlot(i.dst, 'r0');
        return;
      case 'ret': {
        const base = this.T + 4 + 4 * this.f.params.length;
        this.f.results.forEach((s, k) => {
          this.load('r0', { k: 'slot', s });
          w.op(`str r0, ${this.spMem(base + 4 * k)}`);
        });
        w.unsafe = true; // the epilogue
        if (this.T <= 4095) w.op(`ldr pc, [sp], #${this.T}`);
        else {
          this.constant('r11', this.T);
          w.op('ldr pc, [sp], r11');
        }
        w.unsafe = false;
        return;
      }
    }
  }

  private call(i: Extract<Inst, { op: 'call' }>): void {
    const w = this.w;
    let word = 0;
    for (const a of i.args) {
      this.load('r0', a.v);
      w.op(`str r0, [sp, #${4 + 4 * word++}]`);
      if (a.int64 && a.hi) {
        this.load('r0', a.hi);
        w.op(`str r0, [sp, #${4 + 4 * word++}]`);
      } else if (a.int64) {
        w.op('asr r0, r0, #31');
        w.op(`str r0, [sp, #${4 + 4 * word++}]`);
      }
    }
    if (i.fn.k === 'sym') {
      w.op(`bl ${asmSymbol(i.fn.name)}`);
    } else if (i.fn.k === 'code') {
      this.load('r11', i.fn.addr);
      w.op('blx r11');
    } else {
      this.load('r7', i.fn.fv);
      w.op('ldr r11, [r7]');
      w.op('blx r11');
    }
    for (const r of i.results) {
      const k = word++;
      if (r.hi !== undefined) {
        w.op(`ldr r0, [sp, #${4 + 4 * word++}]`);
        this.storeSlot(r.hi, 'r0');
      }
      if (r.dst === null) continue;
      w.op(`${r.bool ? 'ldrb' : 'ldr'} r0, [sp, #${4 + 4 * k}]`);
      this.storeSlot(r.dst, 'r0');
    }
  }
}
