// amd64: float64 operations on SSE2 registers (as gc compiles them): MOVQ
// between the integer slot and XMM0/XMM1, ADDSD/SUBSD/MULSD/DIVSD, UCOMISD
// with the parity flag for NaN (== is ZF and not PF, != is not ZF or PF; <
// and <= compare the swapped operands with SETA/SETAE, which are false when
// unordered), CVTSI2SD and CVTTSD2SI (truncating) for conversions from and to
// 64-bit words (unsigned ones by gc's sequences around them). A float64 is one word, its IEEE bits (lowerfloat.ts).
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
  if (i.to === 'float') {
    e.load('rax', i.a[0]!);
    if (!i.unsigned) {
      w.op('cvtsi2sd xmm0, rax');
    } else {
      // a uint64 as gc converts it (ssagen uint64Tofloat): below 2^63 as a signed word;
      // otherwise half of it, its lowest bit kept for rounding, converted and doubled
      const big = w.fresh();
      const done = w.fresh();
      w.op('test rax, rax');
      w.op(`js ${big}`);
      w.op('cvtsi2sd xmm0, rax');
      w.op(`jmp ${done}`);
      w.label(big);
      w.op('mov rcx, rax');
      w.op('shr rcx, 1');
      w.op('and eax, 1');
      w.op('or rcx, rax');
      w.op('cvtsi2sd xmm0, rcx');
      w.op('addsd xmm0, xmm0');
      w.label(done);
    }
    w.op('movq rax, xmm0');
    e.store(i.dst[0]!, 'rax');
  } else {
    xmm('xmm0', i.a[0]!);
    if (!i.unsigned) {
      w.op('cvttsd2si rax, xmm0');
    } else {
      // a float64 to uint64 as gc converts it (ssagen floatToUint): below 2^63 (false for
      // NaN) by CVTTSD2SI; otherwise x - 2^63 converted, with bit 63 set. Out of range,
      // CVTTSD2SI gives 1<<63, so negative, huge and NaN values give what Go's code gives
      const high = w.fresh();
      const done = w.fresh();
      w.op('mov rax, 0x43e0000000000000'); // 2^63 as float64 bits
      w.op('movq xmm1, rax');
      w.op('ucomisd xmm1, xmm0');
      w.op(`jbe ${high}`);
      w.op('cvttsd2si rax, xmm0');
      w.op(`jmp ${done}`);
      w.label(high);
      w.op('subsd xmm0, xmm1');
      w.op('cvttsd2si rax, xmm0');
      w.op('mov rcx, 0x8000000000000000');
      w.op('or rax, rcx');
      w.label(done);
    }
    e.store(i.dst[0]!, 'rax');
  }
}
