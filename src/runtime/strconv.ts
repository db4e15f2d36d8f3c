// strconv.Itoa, Atoi and Quote, and the Error methods of the error types the
// library functions return (errors.errorString, fmt.wrapError,
// strconv.NumError), as host functions over emulated memory. Ports of
// strconv/atoi.go (Atoi's fast path and ParseInt's errors), itoa.go,
// quote.go (through fmt.ts), errors/errors.go and fmt/errors.go.
import type { Runtime } from './runtime.ts';
import { quoteWith } from './fmt.ts';
import { newString, readString } from './typedesc.ts';

const enc = new TextEncoder();

/** A new *errors.errorString{s}: its address. */
export function newErrorString(rt: Runtime, s: string): number {
  const W = rt.arch.ptrSize;
  const e = rt.heap.alloc(2 * W);
  const [p, n] = newString(rt, enc.encode(s));
  rt.mem.setPtr(e, p);
  rt.mem.setPtr(e + W, n);
  return e;
}

/** A string field at address a (pointer, length). */
function stringAt(rt: Runtime, a: number): Uint8Array {
  return readString(rt, rt.mem.ptr(a), rt.mem.ptr(a + rt.arch.ptrSize));
}

/** errors.(*errorString).Error */
export function errorStringError(rt: Runtime, e: number): [number, number] {
  return [rt.mem.ptr(e), rt.mem.ptr(e + rt.arch.ptrSize)];
}

/** strconv.(*NumError).Error: "strconv." + Func + ": parsing " + Quote(Num) + ": " + Err.Error() (Err is an *errors.errorString here). */
export function numErrorError(rt: Runtime, e: number): [number, number] {
  const W = rt.arch.ptrSize;
  const fn = Buffer.from(stringAt(rt, e)).toString('utf8');
  const num = stringAt(rt, e + 2 * W);
  const errData = rt.mem.ptr(e + 5 * W);
  const err = Buffer.from(stringAt(rt, errData)).toString('utf8');
  const s = `strconv.${fn}: parsing ${quoteWith(num, 0x22, false)}: ${err}`;
  return newString(rt, enc.encode(s));
}

export function itoa(rt: Runtime, i: bigint): [number, number] {
  return newString(rt, enc.encode(i.toString()));
}

export function quote(rt: Runtime, p: number, n: number): [number, number] {
  return newString(rt, enc.encode(quoteWith(readString(rt, p, n), 0x22, false)));
}

/**
 * A new *strconv.NumError{Func: fn, Num: s, Err: errors.New(what)}: its
 * address (the data word of an error whose itab is the caller's).
 */
export function newNumError(rt: Runtime, fn: string, s: Uint8Array, what: string, errStringTab: number): number {
  const W = rt.arch.ptrSize;
  const e = rt.heap.alloc(6 * W);
  const [fp, fnl] = newString(rt, enc.encode(fn));
  rt.mem.setPtr(e, fp);
  rt.mem.setPtr(e + W, fnl);
  const [np, nn] = newString(rt, s);
  rt.mem.setPtr(e + 2 * W, np);
  rt.mem.setPtr(e + 3 * W, nn);
  rt.mem.setPtr(e + 4 * W, errStringTab);
  rt.mem.setPtr(e + 5 * W, newErrorString(rt, what));
  return e;
}

/**
 * Atoi(s): (value, error), as atoi.go's Atoi: its fast path gives what
 * ParseInt(s, 10, 0) gives, and the error's Func is "Atoi"; out of range
 * gives the nearest limit.
 */
export function atoi(rt: Runtime, p: number, n: number, numErrorTab: number, errStringTab: number): [bigint, number, number] {
  const s = readString(rt, p, n);
  const { v, err } = goParseInt(s, 10n, 0n, rt.arch.ptrSize * 8);
  return err === null ? [v, 0, 0] : [v, numErrorTab, newNumError(rt, 'Atoi', s, err, errStringTab)];
}

/** A parse's result: the value, and the NumError's Err text (null: no error). */
export interface Parsed {
  v: bigint;
  err: string | null;
}

const lower = (c: number) => c | 0x20;

/** Ports atoi.go underscoreOK: underscores only between digits (base prefix counts as one), in a base-prefixed literal. */
function underscoreOK(s: Uint8Array): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === 0x2d || s[0] === 0x2b)) s = s.subarray(1);
  let hex = false;
  if (s.length >= 2 && s[0] === 0x30 && (lower(s[1]!) === 0x62 || lower(s[1]!) === 0x6f || lower(s[1]!) === 0x78)) {
    i = 2;
    saw = '0';
    hex = lower(s[1]!) === 0x78;
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= 0x30 && c <= 0x39) || (hex && lower(c) >= 0x61 && lower(c) <= 0x66)) {
      saw = '0';
      continue;
    }
    if (c === 0x5f) {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/**
 * Ports atoi.go ParseUint(s, base, bitSize) for an int of intSize bits:
 * base 0 takes a 0b/0o/0x/0 prefix and underscores; a base outside 2..36
 * is "invalid base N", a bit size outside 0..64 "invalid bit size N";
 * overflow gives the largest value of the size and "value out of range".
 */
export function goParseUint(s: Uint8Array, base: bigint, bitSize: bigint, intSize: number): Parsed {
  const syntax: Parsed = { v: 0n, err: 'invalid syntax' };
  if (s.length === 0) return syntax;
  const base0 = base === 0n;
  const s0 = s;
  if (base === 0n) {
    base = 10n;
    if (s[0] === 0x30) {
      const c = s.length >= 3 ? lower(s[1]!) : 0;
      if (c === 0x62) [base, s] = [2n, s.subarray(2)];
      else if (c === 0x6f) [base, s] = [8n, s.subarray(2)];
      else if (c === 0x78) [base, s] = [16n, s.subarray(2)];
      else [base, s] = [8n, s.subarray(1)];
    }
  } else if (base < 2n || base > 36n) {
    return { v: 0n, err: `invalid base ${base}` };
  }
  if (bitSize === 0n) bitSize = BigInt(intSize);
  else if (bitSize < 0n || bitSize > 64n) return { v: 0n, err: `invalid bit size ${bitSize}` };
  const maxVal = (1n << bitSize) - 1n;
  const maxUint64 = (1n << 64n) - 1n;
  const cutoff = maxUint64 / base + 1n;
  let underscores = false;
  let n = 0n;
  for (const c of s) {
    let d: number;
    if (c === 0x5f && base0) {
      underscores = true;
      continue;
    } else if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (lower(c) >= 0x61 && lower(c) <= 0x7a) d = lower(c) - 0x61 + 10;
    else return syntax;
    if (BigInt(d) >= base) return syntax;
    if (n >= cutoff) return { v: maxVal, err: 'value out of range' };
    n *= base;
    const n1 = n + BigInt(d);
    if (n1 > maxUint64 || n1 > maxVal) return { v: maxVal, err: 'value out of range' };
    n = n1;
  }
  if (underscores && !underscoreOK(s0)) return syntax;
  return { v: n, err: null };
}

/** Ports atoi.go ParseInt: the sign, then ParseUint, then the signed range of bitSize. */
export function goParseInt(s: Uint8Array, base: bigint, bitSize: bigint, intSize: number): Parsed {
  if (s.length === 0) return { v: 0n, err: 'invalid syntax' };
  let neg = false;
  if (s[0] === 0x2b) s = s.subarray(1);
  else if (s[0] === 0x2d) [neg, s] = [true, s.subarray(1)];
  const u = goParseUint(s, base, bitSize, intSize);
  if (u.err !== null && u.err !== 'value out of range') return { v: 0n, err: u.err };
  const cutoff = 1n << ((bitSize === 0n ? BigInt(intSize) : bitSize) - 1n);
  if (!neg && u.v >= cutoff) return { v: cutoff - 1n, err: 'value out of range' };
  if (neg && u.v > cutoff) return { v: -cutoff, err: 'value out of range' };
  return { v: neg ? -u.v : u.v, err: null };
}
