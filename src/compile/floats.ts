// Floating-point constants: exact rationals, as Go's constant arithmetic is
// exact (go/constant keeps untyped float constants at arbitrary precision),
// so that 0.1 + 0.2 is 3/10 and rounds to the float64 nearest 0.3. A typed
// float64 constant is rounded to the nearest float64 (ties to even) and kept
// as the exact rational of that double.

import { formatFloat } from '../runtime/ftoa.ts';
/** A rational number num/den in lowest terms, den > 0. */
export class Rat {
  readonly num: bigint;
  readonly den: bigint;

  constructor(num: bigint, den = 1n) {
    if (den === 0n) throw new Error('Rat: zero denominator');
    if (den < 0n) {
      num = -num;
      den = -den;
    }
    const g = gcd(num < 0n ? -num : num, den);
    this.num = num / g;
    this.den = den / g;
  }

  add(b: Rat): Rat {
    return new Rat(this.num * b.den + b.num * this.den, this.den * b.den);
  }
  sub(b: Rat): Rat {
    return new Rat(this.num * b.den - b.num * this.den, this.den * b.den);
  }
  mul(b: Rat): Rat {
    return new Rat(this.num * b.num, this.den * b.den);
  }
  div(b: Rat): Rat {
    return new Rat(this.num * b.den, this.den * b.num);
  }
  neg(): Rat {
    return new Rat(-this.num, this.den);
  }
  cmp(b: Rat): number {
    const d = this.num * b.den - b.num * this.den;
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  }
  isInt(): boolean {
    return this.den === 1n;
  }
  isZero(): boolean {
    return this.num === 0n;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

export const isRat = (v: unknown): v is Rat => v instanceof Rat;

/** A constant as a rational (integer constants too). */
export function toRat(v: bigint | Rat): Rat {
  return typeof v === 'bigint' ? new Rat(v) : v;
}

/** A decimal float literal (1.5, .5, 1e9, 1_000.5e-3); hexadecimal ones are null. */
export function parseFloatLit(text: string): Rat | null {
  const s = text.replace(/_/g, '');
  const m = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
  if (!m) return null;
  const int = m[1] ?? '';
  const frac = m[2] ?? '';
  const exp = Number(m[3] ?? '0') - frac.length;
  const digits = BigInt((int + frac).replace(/^0+(?=\d)/, '') || '0');
  return exp >= 0 ? new Rat(digits * 10n ** BigInt(exp)) : new Rat(digits, 10n ** BigInt(-exp));
}

/**
 * The float64 nearest to r (ties to even), or ±Infinity when r is beyond
 * the largest float64 (an overflow the checker reports).
 */
export function ratToFloat64(r: Rat): number {
  if (r.num === 0n) return 0;
  const neg = r.num < 0n;
  let n = neg ? -r.num : r.num;
  let d = r.den;
  // scale so that 2^52 <= n/d < 2^53
  const e = n.toString(2).length - d.toString(2).length;
  let shift = 52 - e;
  if (shift > 0) n <<= BigInt(shift);
  else d <<= BigInt(-shift);
  if (n / d < 1n << 52n) {
    n <<= 1n;
    shift++;
  }
  // the binary exponent of the result's least significant bit; subnormals keep fewer bits
  let lsbExp = -shift;
  if (lsbExp < -1074) {
    d <<= BigInt(-1074 - lsbExp);
    lsbExp = -1074;
  }
  let q = n / d;
  const rem = n % d;
  const twice = 2n * rem;
  if (twice > d || (twice === d && (q & 1n) === 1n)) q++;
  const v = Number(q) * 2 ** lsbExp;
  return neg ? -v : v;
}

/** The exact rational of a finite double. */
export function float64ToRat(v: number): Rat {
  if (v === 0) return new Rat(0n);
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, v);
  const bits = b.getBigUint64(0);
  const neg = bits >> 63n === 1n;
  const exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e2: number;
  if (exp === 0) e2 = -1074;
  else {
    mant |= 1n << 52n;
    e2 = exp - 1075;
  }
  const num = neg ? -mant : mant;
  return e2 >= 0 ? new Rat(num << BigInt(e2)) : new Rat(num, 1n << BigInt(-e2));
}

/** The bits of a double, as an unsigned 64-bit integer. */
export function float64Bits(v: number): bigint {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, v);
  return b.getBigUint64(0);
}

/** A float constant as go/constant writes it in messages: %.6g of its float64 (%g when that hides a fraction). */
export function ratString(r: Rat): string {
  const v = ratToFloat64(r);
  if (Number.isFinite(v) && (v === 0) === r.isZero()) {
    const s = formatFloat(v, 'g', 6);
    return !r.isInt() && !s.includes('.') ? formatFloat(v, 'g', -1) : s;
  }
  // beyond float64: a decimal exponent and six digits, approximately (as go/constant does)
  const neg = r.num < 0n;
  const n = neg ? -r.num : r.num;
  let e = n.toString().length - r.den.toString().length;
  let m = Number((n * 10n ** 20n) / (r.den * 10n ** BigInt(Math.max(e, 0)))) / 10 ** (20 + Math.min(e, 0));
  if (m < 1 - 0.5e-6) {
    m *= 10;
    e--;
  } else if (m >= 10) {
    m /= 10;
    e++;
  }
  return `${neg ? '-' : ''}${formatFloat(m, 'g', 6)}e${e < 0 ? '-' : '+'}${Math.abs(e)}`;
}
