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
import type { HostCall, HostRegistry } from '../os/host.ts';
import type { Runtime } from './runtime.ts';
import { GoPanic } from './throw.ts';

/** The two int64 arguments of a vlrt function (word 0 and word 2 where words are 32 bits). */
function operands(c: HostCall): [bigint, bigint] {
  const w64 = 8 / c.arch.ptrSize;
  return [c.argI64(0), c.argI64(w64)];
}

function divide(rt: Runtime, n: bigint, d: bigint, op: 'div' | 'mod'): bigint {
  if (d === 0n) throw new GoPanic('runtime error: integer divide by zero', rt.getg().goid);
  // BigInt's / truncates toward zero and % takes the dividend's sign, as Go's do
  return op === 'div' ? n / d : n % d;
}

/** A float64's bits as an int64, and back. */
function bitsOf(f: number): bigint {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(f);
  return b.readBigInt64LE(0);
}
function floatOf(bits: bigint): number {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt.asIntN(64, bits));
  return b.readDoubleLE(0);
}

/**
 * A float64 truncated toward zero to an integer of `bits` bits. Go leaves
 * out-of-range conversions implementation-defined; this gives what amd64's
 * CVTTSD2SI gives for int64 (the smallest int64) and wraps for uint64.
 */
function truncate(f: number, signed: boolean): bigint {
  if (!Number.isFinite(f)) return signed ? -(1n << 63n) : 1n << 63n;
  const t = BigInt(Math.trunc(f));
  if (signed) return t >= -(1n << 63n) && t < 1n << 63n ? t : -(1n << 63n);
  return BigInt.asUintN(64, t);
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
  defineEntry(host, ENTRY.int64tofloat64, (c) => result(c, bitsOf(Number(c.argI64(0)))));
  defineEntry(host, ENTRY.uint64tofloat64, (c) => result(c, bitsOf(Number(BigInt.asUintN(64, c.argI64(0))))));
  defineEntry(host, ENTRY.float64toint64, (c) => result(c, truncate(floatOf(c.argI64(0)), true)));
  defineEntry(host, ENTRY.float64touint64, (c) => result(c, truncate(floatOf(c.argI64(0)), false)));
}
