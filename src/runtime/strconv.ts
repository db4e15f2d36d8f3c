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
 * Atoi(s): (value, error). Errors are *strconv.NumError{Func: "Atoi", Num:
 * s, Err: ErrSyntax or ErrRange}; out of range gives the nearest limit, as
 * ParseInt does.
 */
export function atoi(rt: Runtime, p: number, n: number, numErrorTab: number, errStringTab: number): [bigint, number, number] {
  const s = readString(rt, p, n);
  const bits = rt.arch.ptrSize * 8;
  const text = Buffer.from(s).toString('latin1');
  const fail = (v: bigint, what: string): [bigint, number, number] => {
    const W = rt.arch.ptrSize;
    const e = rt.heap.alloc(6 * W);
    const [fp, fnl] = newString(rt, enc.encode('Atoi'));
    rt.mem.setPtr(e, fp);
    rt.mem.setPtr(e + W, fnl);
    const [np, nn] = newString(rt, s);
    rt.mem.setPtr(e + 2 * W, np);
    rt.mem.setPtr(e + 3 * W, nn);
    rt.mem.setPtr(e + 4 * W, errStringTab);
    rt.mem.setPtr(e + 5 * W, newErrorString(rt, what));
    return [v, numErrorTab, e];
  };
  const m = /^([+-]?)([0-9]+)$/.exec(text);
  if (!m) return fail(0n, 'invalid syntax');
  let v = BigInt(m[2]!);
  if (m[1] === '-') v = -v;
  const max = (1n << BigInt(bits - 1)) - 1n;
  const min = -(1n << BigInt(bits - 1));
  if (v > max) return fail(max, 'value out of range');
  if (v < min) return fail(min, 'value out of range');
  return [v, 0, 0];
}
