// amd64: float64 operations on SSE2 registers (as gc compiles them): MOVQ
// between the integer slot and XMM0/XMM1, ADDSD/SUBSD/MULSD/DIVSD, UCOMISD
// with the parity flag for NaN (== is ZF and not PF, != is not ZF or PF; <
// and <= compare the swapped operands with SETA/SETAE, which are false when
// unordered), CVTSI2SD and CVTTSD2SI (truncating) for conversions from and to
// signed 64-bit words. A float64 is one word, its IEEE bits (lowerfloat.ts).
//
// Scratch registers: RAX, RCX, XMM0, XMM1.
import type { Inst, Operand } from '../ir.ts';
import type { AsmWriter } from './writer.ts';

export interface Amd64Emitter {
  readonly w: AsmWriter;
  load(reg: string, o: Operand): void;
  store(dst: number, reg: string): void;
}

const FOP = { add: 'addsd', sub: 'subsd', mul: 'mulsd', div: 'divsd' } as const;

export function emitFloatOp(e: Amd64Emitter, i: Extract<Inst, { op: 'fop' | 'fcmp' | 'fcvt' }>): void {
  const w = e.w;
  const xmm = (reg: string, o: Operand) => {
    e.load('rax', o);
    w.op(`movq ${reg}, rax`);
  };
  if (i.op === 'fop') {
    xmm('xmm0', i.a[0]!);
    xmm('xmm1', i.b[0]!);
    w.op(`${FOP[i.fop]} xmm0, xmm1`);
    w.op('movq rax, xmm0');
    e.store(i.dst[0]!, 'rax');
    return;
  }
  if (i.op === 'fcmp') {
    const swap = i.cmp === 'lt' || i.cmp === 'le';
    xmm('xmm0', (swap ? i.b : i.a)[0]!);
    xmm('xmm1', (swap ? i.a : i.b)[0]!);
    w.op('ucomisd xmm0, xmm1');
    if (i.cmp === 'eq') {
      w.op('sete al');
      w.op('setnp cl');
      w.op('and al, cl');
    } else if (i.cmp === 'ne') {
      w.op('setne al');
      w.op('setp cl');
      w.op('or al, cl');
    } else {
      w.op(i.cmp === 'lt' || i.cmp === 'gt' ? 'seta al' : 'setae al');
    }
    w.op('movzx eax, al');
    e.store(i.dst, 'rax');
    return;
  }
  // the lowering sends unsigned 64-bit words to the runtime: these are signed
  if (i.to === 'float') {
    e.load('rax', i.a[0]!);
    w.op('cvtsi2sd xmm0, rax');
    w.op('movq rax, xmm0');
    e.store(i.dst[0]!, 'rax');
  } else {
    xmm('xmm0', i.a[0]!);
    w.op('cvttsd2si rax, xmm0');
    e.store(i.dst[0]!, 'rax');
  }
}
