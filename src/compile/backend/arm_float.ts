// arm: float64 operations on VFPv3 (GOARM=7, as gc compiles them): the two
// words of a float64 (low, high: lowerfloat.ts) meet in D0/D1 through VMOV,
// VADD.F64/VSUB/VMUL/VDIV compute, VCMP.F64 then VMRS APSR_nzcv, FPSCR give
// the flags (an unordered result sets C and V: MI, LS, GT and GE are false
// for NaN, NE true), and VCVT converts between a word in S0 and D0
// (truncating toward zero to an integer, signed or unsigned).
//
// Scratch registers: R0, R1, D0 (S0, S1), D1.
import type { Inst, Operand } from '../ir.ts';
import type { ArmEmitter } from './arm_pair.ts';

const FOP = { add: 'vadd.f64', sub: 'vsub.f64', mul: 'vmul.f64', div: 'vdiv.f64' } as const;
const COND = { eq: 'eq', ne: 'ne', lt: 'mi', le: 'ls', gt: 'gt', ge: 'ge' } as const;

export function emitFloatOp(e: ArmEmitter, i: Extract<Inst, { op: 'fop' | 'fcmp' | 'fcvt' }>): void {
  const w = e.w;
  const dload = (d: string, v: readonly Operand[]) => {
    e.load('r0', v[0]!);
    e.load('r1', v[1]!);
    w.op(`vmov ${d}, r0, r1`);
  };
  const dstore = (dst: readonly number[]) => {
    w.op('vmov r0, r1, d0');
    e.storeSlot(dst[0]!, 'r0');
    e.storeSlot(dst[1]!, 'r1');
  };
  if (i.op === 'fop') {
    dload('d0', i.a);
    dload('d1', i.b);
    w.op(`${FOP[i.fop]} d0, d0, d1`);
    dstore(i.dst);
    return;
  }
  if (i.op === 'fcmp') {
    dload('d0', i.a);
    dload('d1', i.b);
    w.op('vcmp.f64 d0, d1');
    w.op('vmrs APSR_nzcv, fpscr');
    w.op('mov r0, #0');
    w.op(`mov${COND[i.cmp]} r0, #1`);
    e.storeSlot(i.dst, 'r0');
    return;
  }
  const t = i.unsigned ? 'u32' : 's32';
  if (i.to === 'float') {
    e.load('r0', i.a[0]!);
    w.op('vmov s0, r0');
    w.op(`vcvt.f64.${t} d0, s0`);
    dstore(i.dst);
  } else {
    dload('d0', i.a);
    w.op(`vcvt.${t}.f64 s0, d0`);
    w.op('vmov r0, s0');
    e.storeSlot(i.dst[0]!, 'r0');
  }
}
