// 64-bit division on 32-bit targets: ports runtime/vlrt.go (int64div,
// uint64div, int64mod, uint64mod), which gc calls for / and % of int64 and
// uint64 values on arm and 386 (the lowering, src/compile/lowerint.ts, does
// the same). Each takes two int64 arguments (a pair of words each, low word
// first) and returns one.
//
// Differences from vlrt.go: the quotient comes from BigInt arithmetic
// instead of the shift-and-subtract loop of dodiv/_div64by32; the Go-visible
// behaviour is the same: truncated division, a zero divisor panics with
// "integer divide by zero" (vlrt.go calls panicdivide), and the remainder
// takes the sign of the dividend. MinInt64 / -1 wraps to MinInt64 as Go
// defines it (int64div's result is truncated to 64 bits).
import { defineEntry, ENTRY } from '../abi/index.ts';
import type { Arch } from '../arch/index.ts';
import type { HostCall, HostRegistry } from '../os/host.ts';
import type { Runtime } from './runtime.ts';
import { GoPanic } from './throw.ts';

/** The two int64 arguments of a vlrt function (word 0 and word 2 where words are 32 bits). */
function operands(c: HostCall): [bigint, bigint] {
  return [c.argI64(0), c.argI64(c.int64Words)];
}

function divide(rt: Runtime, n: bigint, d: bigint, op: 'div' | 'mod'): bigint {
  if (d === 0n) throw new GoPanic('runtime error: integer divide by zero', rt.getg().goid);
  // BigInt's / truncates toward zero and % takes the dividend's sign, as Go's do
  return op === 'div' ? n / d : n % d;
}

/** A float64's bits as an int64 (d2v takes the fields apart). */
function bitsOf(f: number): bigint {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(f);
  return b.readBigInt64LE(0);
}

/**
 * Ports vlrt.go _d2v: a float64 truncated toward zero into 64 bits, from its
 * IEEE fields: the 53-bit significand shifted by the exponent, then negated
 * for a negative value. Out of range (a shift left of more than 11 bits: huge
 * values, infinities, NaN) the high word is uint32(d) as gc compiles it for
 * the target (Arch.float64ToUint32; arm's VCVT saturates) and the low word is
 * 0. Only 32-bit targets call these entries (a 64-bit target converts in
 * line), as in Go.
 */
function d2v(arch: Arch, d: number): bigint {
  const x = BigInt.asUintN(64, bitsOf(d));
  const sig = (x & 0xf_ffff_ffff_ffffn) | (1n << 52n);
  const sh = 1075 - Number((x >> 52n) & 0x7ffn);
  let y: bigint;
  if (sh >= 0) y = sh < 64 ? sig >> BigInt(sh) : 0n;
  else if (-sh <= 11) y = BigInt.asUintN(64, sig << BigInt(-sh));
  else y = BigInt(arch.float64ToUint32(d)) << 32n;
  return x >> 63n ? BigInt.asUintN(64, -y) : y;
}

export function defineVlrtHosts(host: HostRegistry, rt: () => Runtime): void {
  const result = (c: HostCall, v: bigint) => c.i64(v);
  defineEntry(host, ENTRY.int64div, (c) => {
    const [n, d] = operands(c);
    return result(c, BigInt.asIntN(64, divide(rt(), n, d, 'div')));
  });
  defineEntry(host, ENTRY.int64mod, (c) => {
    const [n, d] = operands(c);
    return result(c, divide(rt(), n, d, 'mod'));
  });
  defineEntry(host, ENTRY.uint64div, (c) => {
    const [n, d] = operands(c);
    return result(c, divide(rt(), BigInt.asUintN(64, n), BigInt.asUintN(64, d), 'div'));
  });
  defineEntry(host, ENTRY.uint64mod, (c) => {
    const [n, d] = operands(c);
    return result(c, divide(rt(), BigInt.asUintN(64, n), BigInt.asUintN(64, d), 'mod'));
  });
  // conversions (the float64 travels as its bits); Number(bigint) rounds to nearest, ties to even, as Go converts
  defineEntry(host, ENTRY.int64tofloat64, (c) => c.f64(Number(c.argI64(0))));
  defineEntry(host, ENTRY.uint64tofloat64, (c) => c.f64(Number(BigInt.asUintN(64, c.argI64(0)))));
  defineEntry(host, ENTRY.float64toint64, (c) => result(c, d2v(c.arch, c.argF64(0))));
  defineEntry(host, ENTRY.float64touint64, (c) => result(c, d2v(c.arch, c.argF64(0))));
}
