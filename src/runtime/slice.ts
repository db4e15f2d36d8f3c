// Slices and strings: ports of go1.19 slice.go (makeslice, growslice,
// slicecopy), string.go (concatstrings, slicebytetostring,
// stringtoslicebyte, stringtoslicerune, slicerunetostring, intstring),
// utf8.go (decoderune), the bounds-check panics of error.go (boundsError),
// and the memory primitives compiled code calls (memmove, memequal). Values
// live in emulated memory; nothing is kept here between calls.
import type { Runtime } from './runtime.ts';
import { newString, readString, typeAt, valuesEqual } from './typedesc.ts';
import { GoPanic } from './throw.ts';
import { mallocgc, roundupsize } from './malloc.ts';

/** panic(errorString(msg)): "panic: runtime error: <msg>" */
export function runtimeError(rt: Runtime, msg: string): never {
  throw new GoPanic(`runtime error: ${msg}`, rt.getg().goid);
}

/** The largest allocation go1.19 tries (malloc.go maxAlloc); larger ones are 'out of range' panics. */
export function maxAlloc(rt: Runtime): number {
  // go1.19: 1<<48 on amd64, 1<<32 - 1 on 32-bit arm
  return rt.arch.ptrSize === 8 ? 2 ** 48 : 2 ** 32 - 1;
}

/** makeslice(et, len, cap): the backing array of make([]T, len, cap). */
export function makeslice(rt: Runtime, et: number, len: number, cap: number): number {
  const size = typeAt(rt, et).size;
  const mem = size * cap;
  if (mem > maxAlloc(rt) || len < 0 || len > cap) {
    if (size * len > maxAlloc(rt) || len < 0) runtimeError(rt, 'makeslice: len out of range');
    runtimeError(rt, 'makeslice: cap out of range');
  }
  return mallocgc(rt, mem, et, true);
}

/**
 * growslice(et, old, cap): a new backing array for at least `cap`
 * elements, with the old elements copied. go1.19's growth: double below 256
 * elements, then grow by (newcap + 3*256)/4 until it fits; then round the
 * byte size up to the allocator's size class (so cap() prints what Go prints).
 * Returns (pointer, old length, new capacity).
 */
export function growslice(rt: Runtime, et: number, oldPtr: number, oldLen: number, oldCap: number, cap: number): [number, number, number] {
  if (cap < oldCap) runtimeError(rt, 'growslice: cap out of range');
  const size = typeAt(rt, et).size;
  if (size === 0) return [zerobase(rt), oldLen, cap];
  let newcap = oldCap;
  const doublecap = newcap + newcap;
  if (cap > doublecap) newcap = cap;
  else {
    const threshold = 256;
    if (oldCap < threshold) newcap = doublecap;
    else {
      while (newcap > 0 && newcap < cap) newcap += Math.floor((newcap + 3 * threshold) / 4);
      if (newcap <= 0) newcap = cap;
    }
  }
  const capmem = roundupsize(newcap * size);
  if (newcap * size > maxAlloc(rt) || capmem > maxAlloc(rt)) runtimeError(rt, 'growslice: cap out of range');
  newcap = Math.floor(capmem / size);
  const p = mallocgc(rt, capmem, et, true);
  if (oldLen > 0) rt.mem.copyWithin(p, oldPtr, oldLen * size);
  return [p, oldLen, newcap];
}

/** An address for zero-size allocations (Go's &zerobase). */
function zerobase(rt: Runtime): number {
  return rt.heap.alloc(0);
}

/** slicecopy: copy(dst, src) of min(lengths) elements of `width` bytes. */
export function slicecopy(rt: Runtime, to: number, toLen: number, from: number, fromLen: number, width: number): number {
  const n = Math.min(toLen, fromLen);
  if (n === 0 || width === 0) return n;
  rt.mem.copyWithin(to, from, n * width);
  return n;
}

/** boundsError codes (error.go) and their messages; %x and %y are the two operands. */
export const BOUNDS_FORMATS = {
  panicIndex: ['index out of range [%x] with length %y', 'index out of range [%x]'],
  panicSliceAlen: ['slice bounds out of range [:%x] with length %y', 'slice bounds out of range [:%x]'],
  panicSliceAcap: ['slice bounds out of range [:%x] with capacity %y', 'slice bounds out of range [:%x]'],
  panicSliceB: ['slice bounds out of range [%x:%y]', 'slice bounds out of range [%x:]'],
  panicSlice3Alen: ['slice bounds out of range [::%x] with length %y', 'slice bounds out of range [::%x]'],
  panicSlice3Acap: ['slice bounds out of range [::%x] with capacity %y', 'slice bounds out of range [::%x]'],
  panicSlice3B: ['slice bounds out of range [:%x:%y]', 'slice bounds out of range [:%x:]'],
  panicSlice3C: ['slice bounds out of range [%x:%y:]', 'slice bounds out of range [%x::]'],
} as const;

/** boundsError.Error() without its "runtime error: " prefix (error.go): code is the index of the format in BOUNDS_FORMATS. */
export function boundsText(code: number, x: bigint, y: bigint, signed: boolean): string {
  const [fmt, neg] = Object.values(BOUNDS_FORMATS)[code] ?? BOUNDS_FORMATS.panicIndex;
  const f = signed && x < 0n ? neg : fmt;
  return f.replace('%x', String(signed ? x : BigInt.asUintN(64, x))).replace('%y', String(y));
}

/** A failed bounds check: panic(boundsError{x, y, signed: true, code}) (gc's panicIndex ... panicSlice3C; x is signed). */
export function panicBounds(rt: Runtime, which: keyof typeof BOUNDS_FORMATS, x: bigint, y: bigint): never {
  const code = Object.keys(BOUNDS_FORMATS).indexOf(which);
  throw new GoPanic(`runtime error: ${boundsText(code, x, y, true)}`, rt.getg().goid, undefined, false, { kind: 'boundsError', bounds: { x, y, signed: true, code } });
}

// ---- strings -------------------------------------------------------------------------------

/** concatstrings: one new string (a single non-empty operand is returned as it is, as Go does). */
export function concatstrings(rt: Runtime, parts: [number, number][]): [number, number] {
  const nonEmpty = parts.filter(([, n]) => n > 0);
  if (nonEmpty.length === 0) return [0, 0];
  if (nonEmpty.length === 1) return nonEmpty[0]!;
  const total = nonEmpty.reduce((s, [, n]) => s + n, 0);
  const p = rt.heap.alloc(total);
  let at = p;
  for (const [q, n] of nonEmpty) {
    rt.mem.copyWithin(at, q, n);
    at += n;
  }
  return [p, total];
}

/** cmpstring: -1, 0 or +1 by bytes. */
export function cmpstring(rt: Runtime, a: number, an: number, b: number, bn: number): number {
  const c = Buffer.compare(Buffer.from(readString(rt, a, an)), Buffer.from(readString(rt, b, bn)));
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

const RUNE_ERROR = 0xfffd;

/** The UTF-8 encoding of a rune (invalid runes and surrogates become U+FFFD), as utf8.go's encoderune. */
export function encodeRune(r: number): number[] {
  if (r < 0 || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) r = RUNE_ERROR;
  if (r < 0x80) return [r];
  if (r < 0x800) return [0xc0 | (r >> 6), 0x80 | (r & 0x3f)];
  if (r < 0x10000) return [0xe0 | (r >> 12), 0x80 | ((r >> 6) & 0x3f), 0x80 | (r & 0x3f)];
  return [0xf0 | (r >> 18), 0x80 | ((r >> 12) & 0x3f), 0x80 | ((r >> 6) & 0x3f), 0x80 | (r & 0x3f)];
}

/** decoderune: the rune at s[k] and the index after it; invalid UTF-8 gives (U+FFFD, k+1). */
export function decodeRune(s: Uint8Array, k: number): [number, number] {
  const n = s.length - k;
  if (n < 1) return [RUNE_ERROR, k + 1];
  const c0 = s[k]!;
  if (c0 < 0x80) return [c0, k + 1];
  const cont = (i: number, lo = 0x80, hi = 0xbf) => i < s.length && s[i]! >= lo && s[i]! <= hi;
  if (c0 >= 0xc2 && c0 <= 0xdf) {
    if (cont(k + 1)) return [((c0 & 0x1f) << 6) | (s[k + 1]! & 0x3f), k + 2];
  } else if (c0 >= 0xe0 && c0 <= 0xef) {
    const lo = c0 === 0xe0 ? 0xa0 : 0x80;
    const hi = c0 === 0xed ? 0x9f : 0xbf;
    if (cont(k + 1, lo, hi) && cont(k + 2)) return [((c0 & 0x0f) << 12) | ((s[k + 1]! & 0x3f) << 6) | (s[k + 2]! & 0x3f), k + 3];
  } else if (c0 >= 0xf0 && c0 <= 0xf4) {
    const lo = c0 === 0xf0 ? 0x90 : 0x80;
    const hi = c0 === 0xf4 ? 0x8f : 0xbf;
    if (cont(k + 1, lo, hi) && cont(k + 2) && cont(k + 3)) return [((c0 & 0x07) << 18) | ((s[k + 1]! & 0x3f) << 12) | ((s[k + 2]! & 0x3f) << 6) | (s[k + 3]! & 0x3f), k + 4];
  }
  return [RUNE_ERROR, k + 1];
}

/** The runes of a string, as `for range` and []rune(s) see them. */
export function runesOf(s: Uint8Array): number[] {
  const out: number[] = [];
  for (let k = 0; k < s.length; ) {
    const [r, next] = decodeRune(s, k);
    out.push(r);
    k = next;
  }
  return out;
}

/** stringtoslicebyte: a new []byte (capacity rounded up to the size class, as rawbyteslice does). */
export function stringtoslicebyte(rt: Runtime, s: number, n: number): [number, number, number] {
  const cap = roundupsize(n);
  const p = mallocgc(rt, cap, 0, true);
  if (n > 0) rt.mem.copyWithin(p, s, n);
  return [p, n, cap];
}

/** stringtoslicerune: a new []rune (rawruneslice's rounding). */
export function stringtoslicerune(rt: Runtime, s: number, n: number): [number, number, number] {
  const runes = runesOf(readString(rt, s, n));
  const mem = roundupsize(runes.length * 4);
  const p = mallocgc(rt, mem, 0, true);
  runes.forEach((r, i) => rt.mem.setU32(p + 4 * i, r));
  return [p, runes.length, Math.floor(mem / 4)];
}

export function slicerunetostring(rt: Runtime, a: number, len: number): [number, number] {
  const out: number[] = [];
  for (let i = 0; i < len; i++) out.push(...encodeRune(rt.mem.i32(a + 4 * i)));
  return newString(rt, Uint8Array.from(out));
}

export function intstring(rt: Runtime, v: bigint): [number, number] {
  const r = v < 0n || v > 0x10ffffn ? RUNE_ERROR : Number(v);
  return newString(rt, Uint8Array.from(encodeRune(r)));
}

export function typedequal(rt: Runtime, t: number, a: number, b: number): boolean {
  return valuesEqual(rt, typeAt(rt, t), a, b);
}
