// amd64 code generation: IR to Keystone Intel syntax, Go's ABIInternal.
//
// Calling convention (Go's internal ABI): integer arguments and results in
// RAX, RBX, RCX, RDI, RSI, R8, R9, R10, R11; R14 holds g (never written);
// RDX is the closure context on entry; a closure is called through its
// funcval with RDX = funcval and `call [rdx]`, a method from an itab with
// `call r12`. Words beyond the ninth argument (or result) word go on the
// stack: at the bottom of the caller's outgoing area the stack-assigned
// argument words, then the stack-assigned result words, then an 8-byte spill
// slot per register argument, where the callee's morestack path saves the
// register arguments. (ABIInternal assigns whole arguments to registers or
// to the stack; here the split is by word, which only matters to code
// compiled by this compiler.)
//
// Frame (after the prologue, growing down):
//   [rbp+16+8i]       stack arguments, stack results, spill slots of our
//                     register arguments (the caller's area)
//   [rbp+8]           return address
//   [rbp]             caller's RBP (the frame-pointer chain)
//   [rsp+out+8s]      slot s (every variable and temporary)
//   [rsp+0..out)      spill area for the register arguments of our callees
// Prologue: the stack check against g.stackguard0 (Go's sequence), then
// `push rbp; mov rbp, rsp; sub rsp, N`. The out-of-line morestack path spills
// the register arguments, calls runtime.morestack_noctxt (runtime.morestack
// for closures, which keeps RDX) and restarts the function.
//
// Memory operands carry `qword ptr` only where no register gives the size
// (short text assembles faster). Scratch registers: RAX, RCX, RDX (after the prologue),
// R11, R12. Keystone
// pitfalls avoided (ENGINE-NOTES §6): no memory operand with an absolute
// address or two symbols (symbol addresses go through a register: `mov r11,
// sym` encodes the address as an immediate), no `#` comments, no numeric
// labels.
import { asmSymbol, type CallResult, type Inst, type IrFunc, NEGATE, type Operand } from '../ir.ts';
import { ENTRY } from '../../abi/index.ts';
import { goAsmConst } from '../../go119/goasm.ts';
import type { Arch } from '../../arch/types.ts';
import type { CodegenBackend } from './types.ts';
import { AsmWriter, dataBlock } from './writer.ts';
import { emitFloatOp } from './amd64_float.ts';

const ARG_REGS = ['rax', 'rbx', 'rcx', 'rdi', 'rsi', 'r8', 'r9', 'r10', 'r11'] as const;
/** The low byte and the 32-bit name of each argument register (for zero-extending bools). */
const BYTE_REG: Record<string, [string, string]> = {
  rax: ['al', 'eax'], rbx: ['bl', 'ebx'], rcx: ['cl', 'ecx'], rdi: ['dil', 'edi'], rsi: ['sil', 'esi'],
  r8: ['r8b', 'r8d'], r9: ['r9b', 'r9d'], r10: ['r10b', 'r10d'], r11: ['r11b', 'r11d'],
};
const SETCC: Record<string, string> = { eq: 'e', ne: 'ne', lt: 'l', le: 'le', gt: 'g', ge: 'ge', ltu: 'b', leu: 'be', gtu: 'a', geu: 'ae' };
const NREG = ARG_REGS.length;

/** How the words of a call's arguments and results are split between registers and the stack. */
function split(nargs: number, nres: number) {
  const regArgs = Math.min(nargs, NREG);
  const stackArgs = nargs - regArgs;
  const stackRes = nres - Math.min(nres, NREG);
  /** bytes of the caller's outgoing area this call needs */
  const area = 8 * (stackArgs + stackRes + regArgs);
  return { regArgs, stackArgs, stackRes, area, spill: 8 * (stackArgs + stackRes) };
}
const ALU: Record<string, string> = { add: 'add', sub: 'sub', and: 'and', or: 'or', xor: 'xor' };

const fitsImm32 = (v: bigint) => v >= -(1n << 31n) && v < 1n << 31n;

export function amd64Backend(arch: Arch): CodegenBackend {
  const stackSmall = goAsmConst(arch, 'const__StackSmall');
  return {
    func: (f, file) => new Amd64Func(f, stackSmall).emit(file),
    data: (d, file) => dataBlock(d, file, '.quad'),
  };
}

class Amd64Func {
  readonly w = new AsmWriter();
  /** bytes of the outgoing spill area */
  private readonly out: number;
  /** bytes below the saved RBP */
  private readonly locals: number;

  constructor(
    private readonly f: IrFunc,
    private readonly stackSmall: number,
  ) {
    let out = 0;
    for (const i of f.body) if (i.op === 'call') out = Math.max(out, split(i.args.length, i.results.length).area);
    this.out = out;
    this.locals = this.out + 8 * f.nslots;
  }

  private slot(s: number): string {
    return `[rsp + ${this.out + 8 * s}]`;
  }

  private imm(v: bigint): string {
    return fitsImm32(v) ? String(v) : `0x${BigInt.asUintN(64, v).toString(16)}`;
  }

  /** Load an operand into a 64-bit register. */
  load(reg: string, o: Operand): void {
    const w = this.w;
    switch (o.k) {
      case 'slot':
        w.op(`mov ${reg}, ${this.slot(o.s)}`);
        return;
      case 'imm':
        w.op(`mov ${reg}, ${this.imm(o.v)}`);
        return;
      case 'sym':
        w.op(`mov ${reg}, ${asmSymbol(o.name)}`);
        return;
      case 'frame':
        w.op(`lea ${reg}, [rsp + ${this.out + 8 * o.s}]`);
        return;
    }
  }

  /** An ALU source operand: a slot, a 32-bit immediate, or the value loaded into `scratch`. */
  private src(o: Operand, scratch: string): string {
    if (o.k === 'slot') return this.slot(o.s);
    if (o.k === 'imm' && fitsImm32(o.v)) return String(o.v);
    this.load(scratch, o);
    return scratch;
  }

  emit(file: string) {
    const f = this.f;
    const w = this.w;
    const self = asmSymbol(f.name);
    const frameSize = this.locals + 8; // including the saved RBP, as Go counts it
    w.line = f.line;
    w.unsafe = true; // the stack check and the frame set-up: not async safe points
    if (frameSize <= this.stackSmall) {
      w.op('cmp rsp, qword ptr [r14 + g_stackguard0]');
    } else {
      w.op(`lea r12, [rsp - ${frameSize - this.stackSmall}]`);
      w.op('cmp r12, qword ptr [r14 + g_stackguard0]');
    }
    w.op('jbe .Lmore');
    w.op('push rbp');
    w.op('mov rbp, rsp');
    if (this.locals > 0) w.op(`sub rsp, ${this.locals}`);
    w.unsafe = false;
    if (f.ctxtSlot !== null) w.op(`mov ${this.slot(f.ctxtSlot)}, rdx`);
    f.params.forEach((s, i) => {
      if (i < NREG) w.op(`mov ${this.slot(s)}, ${ARG_REGS[i]}`);
      else {
        w.op(`mov rax, [rbp + ${16 + 8 * (i - NREG)}]`);
        w.op(`mov ${this.slot(s)}, rax`);
      }
    });
    if (f.wrapper) {
      // gc's WRAPPER prologue: if g._panic.argp is our argp, make it our callee's
      w.op('mov r12, qword ptr [r14 + g__panic]');
      w.op('test r12, r12');
      w.op('jz .Lnopanic');
      w.op('lea r11, [rbp + 16]');
      w.op('cmp qword ptr [r12 + _panic_argp], r11');
      w.op('jne .Lnopanic');
      w.op('mov qword ptr [r12 + _panic_argp], rsp');
      w.label('.Lnopanic');
    }
    for (const i of f.body) {
      w.line = i.line;
      this.inst(i);
    }
    // Out of line: grow the stack and start over.
    w.line = f.line;
    w.unsafe = true; // the morestack path
    w.label('.Lmore');
    const sp = split(f.params.length, f.results.length);
    for (let i = 0; i < sp.regArgs; i++) w.op(`mov [rsp + ${8 + sp.spill + 8 * i}], ${ARG_REGS[i]}`);
    w.op(`call ${f.ctxtSlot !== null ? ENTRY.morestack.symbol : ENTRY.morestack_noctxt.symbol}`);
    for (let i = 0; i < sp.regArgs; i++) w.op(`mov ${ARG_REGS[i]}, [rsp + ${8 + sp.spill + 8 * i}]`);
    w.op(`jmp ${self}`);
    const argSize = 8 * (f.params.length + f.results.length);
    // the body's SP is the entry SP minus the saved RBP and the locals (tracebacks walk by it)
    const goFunc = { params: f.params.length, frame: 8 + this.locals };
    return { name: f.name, file, line: f.line, header: `TEXT ${f.name}(SB), ABIInternal, $${this.locals}-${argSize}`, body: w.lines, goFunc };
  }

  /**
   * sync/atomic as runtime/internal/atomic does it on amd64: LOCK XADD (Xadd),
   * XCHG (Xchg, and Store), LOCK CMPXCHG + SETEQ (Cas), a plain MOV (Load).
   */
  private atomic(i: Extract<Inst, { op: 'atomic' }>): void {
    const w = this.w;
    const [sz, a, c] = i.size === 4 ? ['dword', 'eax', 'ecx'] : ['qword', 'rax', 'rcx'];
    this.load('r11', i.addr);
    switch (i.aop) {
      case 'load':
        w.op(`mov ${a}, ${sz} ptr [r11]`);
        break;
      case 'store':
      case 'swap':
        this.load('rax', i.val!);
        w.op(`xchg ${sz} ptr [r11], ${a}`);
        break;
      case 'add':
        this.load('rax', i.val!);
        w.op('mov rcx, rax');
        w.op(`lock xadd ${sz} ptr [r11], ${a}`);
        w.op(`add ${a}, ${c}`);
        break;
      case 'cas':
        this.load('rax', i.old!);
        this.load('rcx', i.val!);
        w.op(`lock cmpxchg ${sz} ptr [r11], ${c}`);
        w.op('sete al');
        w.op('movzx eax, al');
        break;
    }
    if (i.dst === undefined) return;
    if (i.size === 4 && i.signed && i.aop !== 'cas') w.op('movsxd rax, eax');
    else if (i.size === 4 && i.aop !== 'cas') w.op('mov eax, eax');
    this.store(i.dst, 'rax');
  }

  store(dst: number, reg: string): void {
    this.w.op(`mov ${this.slot(dst)}, ${reg}`);
  }

  private inst(i: Inst): void {
    const w = this.w;
    switch (i.op) {
      case 'mov':
        if (i.src.k === 'imm' && fitsImm32(i.src.v)) {
          w.op(`mov qword ptr ${this.slot(i.dst)}, ${i.src.v}`);
        } else {
          this.load('rax', i.src);
          this.store(i.dst, 'rax');
        }
        return;
      case 'bin': {
        this.load('rax', i.a);
        const b = this.src(i.b, 'rcx');
        if (i.bop in SETCC) {
          w.op(`cmp rax, ${b}`);
          w.op(`set${SETCC[i.bop]} al`);
          w.op('movzx eax, al');
        } else if (i.bop === 'mul') {
          w.op(`imul rax, ${b}`);
        } else if (i.bop === 'andnot') {
          if (b !== 'rcx') w.op(`mov rcx, ${b}`);
          w.op('not rcx');
          w.op('and rax, rcx');
        } else {
          w.op(`${ALU[i.bop]} rax, ${b}`);
        }
        this.store(i.dst, 'rax');
        return;
      }
      case 'neg':
      case 'com':
      case 'not':
        this.load('rax', i.a);
        w.op(i.op === 'neg' ? 'neg rax' : i.op === 'com' ? 'not rax' : 'xor rax, 1');
        this.store(i.dst, 'rax');
        return;
      case 'div':
      case 'mod': {
        this.load('rax', i.a);
        this.load('rcx', i.b);
        const done = w.fresh();
        // an immediate divisor is checked only when it is 0 (a count folded by the
        // lowering, e.g. 1 % (x << 68)): Go panics there as for a variable 0
        const checked = i.b.k !== 'imm' || i.b.v === 0n;
        if (checked && i.unsigned) {
          const nonzero = w.fresh();
          w.op('test rcx, rcx');
          w.op(`jne ${nonzero}`);
          w.op(`call ${ENTRY.panicdivide.symbol}`);
          w.label(nonzero);
        } else if (checked) {
          const nonzero = w.fresh();
          const normal = w.fresh();
          w.op('test rcx, rcx');
          w.op(`jne ${nonzero}`);
          w.op(`call ${ENTRY.panicdivide.symbol}`);
          w.label(nonzero);
          // x / -1 would trap for the smallest int: Go defines it as -x (and x % -1 as 0)
          w.op('cmp rcx, -1');
          w.op(`jne ${normal}`);
          w.op(i.op === 'div' ? 'neg rax' : 'xor eax, eax');
          w.op(`jmp ${done}`);
          w.label(normal);
        }
        if (i.unsigned) {
          w.op('xor edx, edx');
          w.op('div rcx');
        } else {
          w.op('cqo');
          w.op('idiv rcx');
        }
        if (i.op === 'mod') w.op('mov rax, rdx');
        w.label(done);
        this.store(i.dst, 'rax');
        return;
      }
      case 'shl':
      case 'shr': {
        this.load('rax', i.a);
        const insn = i.op === 'shl' ? 'shl' : i.unsigned ? 'shr' : 'sar';
        if (i.b.k === 'imm') {
          if (i.b.v !== 0n) w.op(`${insn} rax, ${i.b.v}`);
          this.store(i.dst, 'rax');
          return;
        }
        this.load('rcx', i.b);
        const ok = w.fresh();
        const small = w.fresh();
        const done = w.fresh();
        if (!i.ucount) {
          w.op('test rcx, rcx');
          w.op(`jns ${ok}`);
          w.op(`call ${ENTRY.panicshift.symbol}`);
        }
        w.label(ok);
        w.op('cmp rcx, 64');
        w.op(`jb ${small}`);
        w.op(i.op === 'shl' || i.unsigned ? 'xor eax, eax' : 'sar rax, 63');
        w.op(`jmp ${done}`);
        w.label(small);
        w.op(`${insn} rax, cl`);
        w.label(done);
        this.store(i.dst, 'rax');
        return;
      }
      case 'load': {
        this.load('r11', i.base);
        const m = `[r11 + ${i.off}]`;
        if (i.size === 1) w.op(i.signed ? `movsx rax, byte ptr ${m}` : `movzx eax, byte ptr ${m}`);
        else if (i.size === 2) w.op(i.signed ? `movsx rax, word ptr ${m}` : `movzx eax, word ptr ${m}`);
        else if (i.size === 4) w.op(i.signed ? `movsxd rax, dword ptr ${m}` : `mov eax, dword ptr ${m}`);
        else w.op(`mov rax, ${m}`);
        this.store(i.dst, 'rax');
        return;
      }
      case 'store': {
        this.load('r11', i.base);
        const size = i.size ?? 8;
        const ptr = size === 1 ? 'byte ptr' : size === 2 ? 'word ptr' : size === 4 ? 'dword ptr' : 'qword ptr';
        if (i.src.k === 'imm' && fitsImm32(i.src.v)) {
          const v = size === 8 ? i.src.v : BigInt.asIntN(size * 8, i.src.v);
          w.op(`mov ${ptr} [r11 + ${i.off}], ${v}`);
        } else {
          this.load('rax', i.src);
          w.op(`mov [r11 + ${i.off}], ${size === 1 ? 'al' : size === 2 ? 'ax' : size === 4 ? 'eax' : 'rax'}`);
        }
        return;
      }
      case 'label':
        w.label(`.L${i.id}`);
        return;
      case 'jmp':
        w.op(`jmp .L${i.target}`);
        return;
      case 'br':
        if (i.cond.k === 'imm') {
          if ((i.cond.v !== 0n) === i.when) w.op(`jmp .L${i.target}`);
          return;
        }
        if (i.cond.k === 'slot') w.op(`cmp qword ptr ${this.slot(i.cond.s)}, 0`);
        else {
          this.load('rax', i.cond);
          w.op('test rax, rax');
        }
        w.op(`${i.when ? 'jne' : 'je'} .L${i.target}`);
        return;
      case 'brcmp': {
        this.load('rax', i.a);
        w.op(`cmp rax, ${this.src(i.b, 'rcx')}`);
        w.op(`j${SETCC[i.when ? i.cmp : NEGATE[i.cmp]]} .L${i.target}`);
        return;
      }
      case 'pair':
      case 'pshift':
      case 'pcmp':
        throw new Error(`amd64: ${i.op} is for 32-bit targets`);
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
        // the arguments start right above the return address (MinFrameSize is 0)
        w.op('lea rax, [rbp + 16]');
        this.store(i.dst, 'rax');
        return;
      case 'ret': {
        const sp = split(this.f.params.length, this.f.results.length);
        this.f.results.forEach((s, k) => {
          if (k < NREG) return;
          w.op(`mov rax, ${this.slot(s)}`);
          w.op(`mov [rsp + ${this.locals + 16 + 8 * (sp.stackArgs + k - NREG)}], rax`);
        });
        this.f.results.forEach((s, k) => {
          if (k < NREG) w.op(`mov ${ARG_REGS[k]}, ${this.slot(s)}`);
        });
        w.unsafe = true; // the epilogue
        if (this.locals > 0) w.op(`add rsp, ${this.locals}`);
        w.op('pop rbp');
        w.op('ret');
        w.unsafe = false;
        return;
      }
    }
  }

  private call(i: Extract<Inst, { op: 'call' }>): void {
    const w = this.w;
    const sp = split(i.args.length, i.results.length);
    // stack-assigned argument words first (rax is free until the registers are loaded)
    i.args.forEach((a, k) => {
      if (k < NREG) return;
      this.load('rax', a.v);
      w.op(`mov [rsp + ${8 * (k - NREG)}], rax`);
    });
    if (i.fn.k === 'code') this.load('r12', i.fn.addr);
    i.args.forEach((a, k) => {
      if (k < NREG) this.load(ARG_REGS[k]!, a.v);
    });
    if (i.fn.k === 'sym') {
      w.op(`call ${asmSymbol(i.fn.name)}`);
    } else if (i.fn.k === 'code') {
      w.op('call r12');
    } else {
      this.load('rdx', i.fn.fv);
      w.op('call qword ptr [rdx]');
    }
    i.results.forEach((r: CallResult, k) => {
      if (r.dst === null) return;
      if (k >= NREG) {
        w.op(`mov rax, [rsp + ${8 * (sp.stackArgs + k - NREG)}]`);
        this.store(r.dst, 'rax');
        return;
      }
      const reg = ARG_REGS[k]!;
      if (r.bool) {
        const [b, d] = BYTE_REG[reg]!;
        w.op(`movzx ${d}, ${b}`);
      }
      this.store(r.dst, reg);
    });
  }
}
