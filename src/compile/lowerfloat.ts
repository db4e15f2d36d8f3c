// Lowering of float64 arithmetic: the IR's fop, fcmp and fcvt operations
// (SSE2 on amd64, VFPv3 on arm), with a float64 kept as its IEEE bits in one
// word (amd64) or a pair of words, low first (arm), like an int64.
//
// Negation flips the sign bit with an integer XOR of the high word (as gc
// does with a sign mask), so -0.0 and NaNs keep Go's bits. Conversions
// between float64 and integers of a word go through fcvt (truncating toward
// zero, then narrowed to the integer type); 64-bit integers that the target
// has no instruction for (int64 on arm, uint64 and the unsigned words on
// amd64) go through the runtime's int64tofloat64 family (vlrt.go's names).
import { ENTRY } from '../abi/index.ts';
import { type InstBody, type Operand, imm, slot } from './ir.ts';
import { float64Bits } from './floats.ts';
import { intBits, intSigned } from './ints.ts';
import type { IntHost, IntLowering } from './lowerint.ts';
import { intKindOf } from './lowerint.ts';
import { type Type, under } from './types.ts';

type Val = Operand[];

const FOPS: Record<string, 'add' | 'sub' | 'mul' | 'div'> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div' };
const FCMP: Record<string, 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'> = { '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' };

export const isFloat64 = (t: Type): boolean => under(t).k === 'float64' || (under(t).k === 'untyped' && (under(t) as { base: string }).base === 'float');

export class FloatLowering {
  constructor(
    private readonly h: IntHost,
    private readonly ints: IntLowering,
  ) {}

  private get words(): number {
    return this.h.W === 8 ? 1 : 2;
  }

  private temps(): number[] {
    return Array.from({ length: this.words }, () => this.h.temp());
  }

  /** The float64 constant v. */
  constant(v: number): Val {
    const bits = float64Bits(v);
    if (this.words === 1) return [imm(BigInt.asIntN(64, bits))];
    return [imm(BigInt.asIntN(32, bits)), imm(BigInt.asIntN(32, bits >> 32n))];
  }

  binary(op: string, x: Val, y: Val): Val {
    const fop = FOPS[op];
    if (!fop) throw new Error(`lower: float operator ${op}`);
    const d = this.temps();
    this.h.emit({ op: 'fop', fop, dst: d, a: x, b: y });
    return d.map(slot);
  }

  /** -x: the sign bit flipped (the high word's top bit). */
  neg(x: Val): Val {
    const hi = x[x.length - 1]!;
    const sign = this.words === 1 ? imm(-(1n << 63n)) : imm(-(1n << 31n));
    const t = this.h.temp();
    this.h.emit({ op: 'bin', bop: 'xor', dst: t, a: hi, b: sign });
    return [...x.slice(0, -1), slot(t)];
  }

  compare(op: string, x: Val, y: Val): Operand {
    const t = this.h.temp();
    this.h.emit({ op: 'fcmp', cmp: FCMP[op]!, dst: t, a: x, b: y });
    return slot(t);
  }

  /** Jump to `ne` unless x == y (IEEE: NaN is unequal to itself, -0 equals +0). */
  branchNe(x: Val, y: Val, ne: number): void {
    const c = this.compare('==', x, y);
    this.h.emit({ op: 'br', cond: c, when: false, target: ne });
  }

  /** T(x) where T or x's type is float64 (the other an integer or float64). */
  convert(x: Val, from: Type, to: Type): Val {
    const ff = isFloat64(from);
    const tf = isFloat64(to);
    if (ff && tf) return x;
    if (tf) {
      const k = intKindOf(from)!;
      const bits = intBits(k, this.h.W);
      if (bits > this.h.W * 8) return this.ints.call64(intSigned(k) ? ENTRY.int64tofloat64 : ENTRY.uint64tofloat64, [x]);
      const d = this.temps();
      // narrower unsigned values are zero-extended: non-negative as signed words
      this.h.emit({ op: 'fcvt', to: 'float', unsigned: !intSigned(k) && bits === this.h.W * 8, dst: d, a: x });
      return d.map(slot);
    }
    const k = intKindOf(to)!;
    const bits = intBits(k, this.h.W);
    if (bits > this.h.W * 8) return this.ints.call64(intSigned(k) ? ENTRY.float64toint64 : ENTRY.float64touint64, [x]);
    const d = this.h.temp();
    this.h.emit({ op: 'fcvt', to: 'int', unsigned: !intSigned(k) && bits === this.h.W * 8, dst: [d], a: x });
    return [this.ints.norm(to, slot(d))];
  }

  /** A float64 as println's argument (its bits). */
  printArg(x: Val): { v: Operand; int64: true; hi?: Operand } {
    return x.length === 2 ? { v: x[0]!, int64: true, hi: x[1]! } : { v: x[0]!, int64: true };
  }

  /** x op 1 for ++ and --. */
  incdec(op: '++' | '--', x: Val): Val {
    return this.binary(op === '++' ? '+' : '-', x, this.constant(1));
  }
}

export type { InstBody };
