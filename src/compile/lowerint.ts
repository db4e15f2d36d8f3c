// Lowering of Go's integer arithmetic for every integer type (ints.ts): the
// part of lower.ts that depends on an integer's width and signedness.
//
// A value narrower than the word is one word, extended by its signedness
// (ints.ts); an operation that can leave the type's range is followed by a
// narrowing (norm). A 64-bit value on a 32-bit target is a pair of words
// [low, high]: + - * and shifts and comparisons become the IR's pair
// operations (the arm backend's ADDS/ADC, UMULL, SBCS sequences), & | ^ &^
// work word by word, and / % call the runtime's int64div family (vlrt.go),
// as gc does on 386 and arm.
//
// Go's rules kept here: unsigned division and remainder, logical right
// shifts of unsigned values, shift counts of unsigned type never panic
// (a signed negative count panics), counts of the width or more give 0 or
// the sign, x / -1 is -x (so MinInt64 / -1 wraps) and x % -1 is 0.
import { ENTRY, type RuntimeEntry } from '../abi/index.ts';
import { type CallArg, type CmpOp, type InstBody, type Operand, imm, slot } from './ir.ts';
import { type IntKind, intBits, intSigned, isIntKind } from './ints.ts';
import { type Type, under } from './types.ts';

/** What the integer lowering needs from the function being lowered. */
export interface IntHost {
  readonly W: number;
  temp(): number;
  emit(i: InstBody): void;
  label(): number;
  place(id: number): void;
}

type Val = Operand[];

const SIGNED_CMP: Record<string, CmpOp> = { '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' };
const UNSIGNED_CMP: Record<string, CmpOp> = { '==': 'eq', '!=': 'ne', '<': 'ltu', '<=': 'leu', '>': 'gtu', '>=': 'geu' };
const BITWISE: Record<string, 'and' | 'or' | 'xor' | 'andnot'> = { '&': 'and', '|': 'or', '^': 'xor', '&^': 'andnot' };

/** The integer kind of t (an untyped integer constant counts as int). */
export function intKindOf(t: Type): IntKind | null {
  const u = under(t);
  if (isIntKind(u.k)) return u.k;
  if (u.k === 'untyped' && (u.base === 'int' || u.base === 'rune')) return u.base === 'rune' ? 'int32' : 'int';
  return null;
}

export class IntLowering {
  constructor(private readonly h: IntHost) {}

  private get bitsW(): number {
    return this.h.W * 8;
  }

  private kind(t: Type): IntKind {
    const k = intKindOf(t);
    if (!k) throw new Error(`lower: ${t.k} is not an integer type`);
    return k;
  }

  /** Is t a 64-bit integer on a 32-bit target (a pair of words)? */
  isPair(t: Type): boolean {
    const k = intKindOf(t);
    return k !== null && intBits(k, this.h.W) > this.bitsW;
  }

  isUnsigned(t: Type): boolean {
    const k = intKindOf(t);
    return k !== null && !intSigned(k);
  }

  /** The IR comparison for `op` on values of integer type t. */
  cmpOp(op: string, t: Type): CmpOp {
    return (this.isUnsigned(t) ? UNSIGNED_CMP : SIGNED_CMP)[op]!;
  }

  private tmp(): number {
    return this.h.temp();
  }

  private op1(i: (dst: number) => InstBody): Operand {
    const d = this.tmp();
    this.h.emit(i(d));
    return slot(d);
  }

  /** Narrow a word to integer type t: sign- or zero-extend from its width. */
  norm(t: Type, v: Operand): Operand {
    const k = this.kind(t);
    const bits = intBits(k, this.h.W);
    if (bits >= this.bitsW) return v;
    if (!intSigned(k) && bits <= 16) return this.op1((dst) => ({ op: 'bin', bop: 'and', dst, a: v, b: imm((1 << bits) - 1) }));
    const n = imm(this.bitsW - bits);
    const up = this.op1((dst) => ({ op: 'shl', dst, a: v, b: n }));
    return this.op1((dst) => ({ op: 'shr', dst, a: up, b: n, unsigned: !intSigned(k) }));
  }

  /** The constant v of integer type t. */
  constant(v: bigint, t: Type): Val {
    if (this.isPair(t)) return [imm(BigInt.asIntN(32, v)), imm(BigInt.asIntN(32, v >> 32n))];
    return [imm(BigInt.asIntN(this.bitsW, v))];
  }

  /** x op y for integer type t (y has type yt: the count of a shift may differ). */
  binary(op: string, t: Type, x: Val, y: Val, yt: Type): Val {
    if (op === '<<' || op === '>>') return this.shift(op, t, x, y, yt);
    if (this.isPair(t)) return this.pairBinary(op, t, x, y);
    const a = x[0]!;
    const b = y[0]!;
    const unsigned = this.isUnsigned(t);
    const bw = BITWISE[op];
    if (bw) return [this.op1((dst) => ({ op: 'bin', bop: bw, dst, a, b }))];
    if (op === '+' || op === '-' || op === '*') {
      const bop = op === '+' ? 'add' : op === '-' ? 'sub' : 'mul';
      return [this.norm(t, this.op1((dst) => ({ op: 'bin', bop, dst, a, b })))];
    }
    if (op === '/' || op === '%') {
      if (!unsigned && b.k === 'imm' && b.v === -1n) {
        // x / -1 == -x (the smallest value wraps to itself), x % -1 == 0
        if (op === '%') return [imm(0)];
        return [this.norm(t, this.op1((dst) => ({ op: 'neg', dst, a })))];
      }
      const r = this.op1((dst) => ({ op: op === '/' ? 'div' : 'mod', dst, a, b, unsigned }));
      return [unsigned ? r : this.norm(t, r)];
    }
    throw new Error(`lower: integer operator ${op}`);
  }

  private pairBinary(op: string, t: Type, x: Val, y: Val): Val {
    const bw = BITWISE[op];
    if (bw) return [0, 1].map((i) => this.op1((dst) => ({ op: 'bin', bop: bw, dst, a: x[i]!, b: y[i]! })));
    if (op === '+' || op === '-' || op === '*') {
      const d: [number, number] = [this.tmp(), this.tmp()];
      this.h.emit({ op: 'pair', pop: op === '+' ? 'add' : op === '-' ? 'sub' : 'mul', dst: d, a: [x[0]!, x[1]!], b: [y[0]!, y[1]!] });
      return d.map(slot);
    }
    if (op === '/' || op === '%') {
      const unsigned = this.isUnsigned(t);
      const e = op === '/' ? (unsigned ? ENTRY.uint64div : ENTRY.int64div) : unsigned ? ENTRY.uint64mod : ENTRY.int64mod;
      return this.call64(e, [x, y]);
    }
    throw new Error(`lower: integer operator ${op}`);
  }

  /** Slots for an int64 result: one word, or a pair on a 32-bit target. */
  call64Results(): number[] {
    return this.h.W === 4 ? [this.tmp(), this.tmp()] : [this.tmp()];
  }

  /**
   * A runtime function of int64 arguments with one int64 result: a word each
   * on a 64-bit target, pairs on a 32-bit one.
   */
  call64(e: RuntimeEntry, args: Val[]): Val {
    const lo = this.tmp();
    const pair = this.h.W === 4;
    const hi = pair ? this.tmp() : undefined;
    const a: CallArg[] = args.map((v) => (pair ? { v: v[0]!, int64: true, hi: v[1]! } : { v: v[0]!, int64: true }));
    this.h.emit({ op: 'call', fn: { k: 'sym', name: e.symbol }, args: a, results: [hi === undefined ? { dst: lo } : { dst: lo, hi }] });
    return hi === undefined ? [slot(lo)] : [slot(lo), slot(hi)];
  }

  /**
   * The count of a shift as one word, and whether it is known not to be
   * negative. A 64-bit count on a 32-bit target: a negative one panics here,
   * one above 32 bits becomes the largest word.
   */
  private count(y: Val, yt: Type): { c: Operand; ucount: boolean } {
    if (!this.isPair(yt)) {
      const c = y[0]!;
      return { c, ucount: this.isUnsigned(yt) || c.k === 'imm' };
    }
    const c = this.tmp();
    this.h.emit({ op: 'mov', dst: c, src: y[0]! });
    const done = this.label();
    this.h.emit({ op: 'br', cond: y[1]!, when: false, target: done });
    if (!this.isUnsigned(yt)) {
      const ok = this.label();
      this.h.emit({ op: 'brcmp', cmp: 'ge', a: y[1]!, b: imm(0), when: true, target: ok });
      this.h.emit({ op: 'call', fn: { k: 'sym', name: ENTRY.panicshift.symbol }, args: [], results: [] });
      this.h.place(ok);
    }
    this.h.emit({ op: 'mov', dst: c, src: imm(-1) });
    this.h.place(done);
    return { c: slot(c), ucount: true };
  }

  private label(): number {
    return this.h.label();
  }

  private shift(op: '<<' | '>>', t: Type, x: Val, y: Val, yt: Type): Val {
    const unsigned = this.isUnsigned(t);
    let { c, ucount } = this.count(y, yt);
    if (this.isPair(t)) {
      if (!ucount) {
        // a signed one-word count: negative panics (pshift takes counts as unsigned)
        const ok = this.label();
        this.h.emit({ op: 'brcmp', cmp: 'ge', a: c, b: imm(0), when: true, target: ok });
        this.h.emit({ op: 'call', fn: { k: 'sym', name: ENTRY.panicshift.symbol }, args: [], results: [] });
        this.h.place(ok);
        ucount = true;
      }
      const d: [number, number] = [this.tmp(), this.tmp()];
      this.h.emit({ op: 'pshift', dir: op === '<<' ? 'shl' : unsigned ? 'shru' : 'shr', dst: d, a: [x[0]!, x[1]!], b: c });
      return d.map(slot);
    }
    const a = x[0]!;
    if (c.k === 'imm' && BigInt.asUintN(64, c.v) >= BigInt(this.bitsW)) {
      // a constant count of the word width or more: 0, or the sign of a signed value
      if (op === '<<' || unsigned) return [imm(0)];
      return [this.op1((dst) => ({ op: 'shr', dst, a, b: imm(this.bitsW - 1) }))];
    }
    if (op === '<<') return [this.norm(t, this.op1((dst) => ({ op: 'shl', dst, a, b: c, ucount })))];
    // values are extended by their signedness: a word shift gives the narrow result
    return [this.op1((dst) => ({ op: 'shr', dst, a, b: c, unsigned, ucount }))];
  }

  /** -x, ^x, +x for integer type t. */
  unary(op: string, t: Type, x: Val): Val {
    if (op === '+') return x;
    if (this.isPair(t)) {
      if (op === '^') return x.map((a) => this.op1((dst) => ({ op: 'com', dst, a })));
      const d: [number, number] = [this.tmp(), this.tmp()];
      this.h.emit({ op: 'pair', pop: 'sub', dst: d, a: [imm(0), imm(0)], b: [x[0]!, x[1]!] });
      return d.map(slot);
    }
    const a = x[0]!;
    return [this.norm(t, this.op1((dst) => ({ op: op === '-' ? 'neg' : 'com', dst, a })))];
  }

  /** x op y (a comparison) as a 0/1 word, for integers of type t. */
  compare(op: string, t: Type, x: Val, y: Val): Operand {
    const cmp = this.cmpOp(op, t);
    if (this.isPair(t)) return this.op1((dst) => ({ op: 'pcmp', cmp, dst, a: [x[0]!, x[1]!], b: [y[0]!, y[1]!] }));
    return this.op1((dst) => ({ op: 'bin', bop: cmp, dst, a: x[0]!, b: y[0]! }));
  }

  /** T(x) between integer types. */
  convert(x: Val, from: Type, to: Type): Val {
    const fp = this.isPair(from);
    const tp = this.isPair(to);
    if (fp && tp) return x;
    if (fp) return [this.norm(to, x[0]!)];
    if (tp) return [x[0]!, this.highWord(x[0]!, from)];
    return [this.norm(to, x[0]!)];
  }

  /** The high word of a one-word value of type t widened to 64 bits. */
  private highWord(v: Operand, t: Type): Operand {
    if (this.isUnsigned(t)) return imm(0);
    if (v.k === 'imm') return imm(v.v < 0n ? -1 : 0);
    return this.op1((dst) => ({ op: 'shr', dst, a: v, b: imm(this.bitsW - 1) }));
  }

  /** A value of integer type t as an int64 argument (printint, printuint, intstring). */
  int64Arg(x: Val, t: Type): CallArg {
    if (this.isPair(t)) return { v: x[0]!, int64: true, hi: x[1]! };
    if (this.isUnsigned(t) && this.h.W === 4) return { v: x[0]!, int64: true, hi: imm(0) };
    return { v: x[0]!, int64: true };
  }

  /**
   * An integer used as an index, length or capacity: one word. A 64-bit
   * value on a 32-bit target that does not fit a word becomes the largest
   * int, so that the bounds check that follows fails.
   */
  toWord(x: Val, t: Type): Operand {
    if (!this.isPair(t)) return x[0]!;
    const r = this.tmp();
    this.h.emit({ op: 'mov', dst: r, src: x[0]! });
    const ok = this.label();
    const sign = this.highWord(x[0]!, t);
    this.h.emit({ op: 'brcmp', cmp: 'eq', a: x[1]!, b: sign, when: true, target: ok });
    this.h.emit({ op: 'mov', dst: r, src: imm(0x7fffffff) });
    this.h.place(ok);
    return slot(r);
  }
}
