// Interfaces: ports of go1.19 iface.go (getitab and the itab table,
// assertE2I, convI2I, the TypeAssertionError messages), alg.go (efaceeq,
// ifaceeq) and panic.go's printing of a panic value (printpanicval).
//
// Interface values are go1.19's: eface {_type, data}, iface {tab, data},
// itab {inter, _type, hash, fun[]} at the go_asm.h offsets. Itabs the
// compiler could not emit (assertions to an interface, conversions between
// interfaces) are built here from the method tables of the descriptors
// (src/compile/rtype.ts) and cached in the itab table, which lives in
// emulated memory: a heap array of itab pointers, its address and length in
// Runtime.lang (plain numbers).
import type { Runtime } from './runtime.ts';
import { K, typeAt, type TypeDesc, dataEqual, intKind, Kind, readFloat64, readInt, readString } from './typedesc.ts';
import { printfloat } from './ftoa.ts';
import { GoPanic } from './throw.ts';

/** The language runtime's state on the Runtime: plain numbers (addresses in emulated memory). */
export interface LangState {
  /** the itab table: a heap array of itab pointers, and how many are in use / fit */
  itabs: number;
  nitabs: number;
  capitabs: number;
}

export function newLangState(): LangState {
  return { itabs: 0, nitabs: 0, capitabs: 0 };
}

/** TypeAssertionError.Error() (runtime/error.go). */
function assertionMessage(iface: TypeDesc | null, concrete: TypeDesc | null, asserted: TypeDesc, missing: string): string {
  const inter = iface ? iface.string : 'interface';
  const as = asserted.string;
  if (!concrete) return `interface conversion: ${inter} is nil, not ${as}`;
  const cs = concrete.string;
  if (missing === '') {
    let msg = `interface conversion: ${inter} is ${cs}, not ${as}`;
    if (cs === as) msg += concrete.pkgpath !== asserted.pkgpath ? ' (types from different packages)' : ' (types from different scopes)';
    return msg;
  }
  return `interface conversion: ${cs} is not ${as}: missing method ${missing}`;
}

/**
 * panic(&TypeAssertionError{iface, concrete, asserted, missing}): the value
 * is a *runtime.TypeAssertionError (panic.ts boxes it); printed as its
 * Error() text (a runtime.Error without the "runtime error: " prefix).
 */
function panicAssertion(rt: Runtime, iface: number, concrete: number, asserted: number, missing: string): never {
  const at = (a: number) => (a === 0 ? null : typeAt(rt, a));
  const msg = assertionMessage(at(iface), at(concrete), typeAt(rt, asserted), missing);
  throw new GoPanic(msg, rt.getg().goid, undefined, false, { kind: 'TypeAssertionError', assertion: { iface, concrete, asserted, missing } });
}

/** (*TypeAssertionError).Error() of the struct at e ({_interface, concrete, asserted *_type; missingMethod string}). */
export function typeAssertionErrorText(rt: Runtime, e: number): string {
  const W = rt.arch.ptrSize;
  const at = (a: number) => (a === 0 ? null : typeAt(rt, a));
  const n = rt.mem.ptr(e + 4 * W);
  const missing = n === 0 ? '' : new TextDecoder().decode(rt.mem.read(rt.mem.ptr(e + 3 * W), n));
  return assertionMessage(at(rt.mem.ptr(e)), at(rt.mem.ptr(e + W)), typeAt(rt, rt.mem.ptr(e + 2 * W)), missing);
}

/** The itab of type typ for interface inter (built and cached when new); 0 when a method is missing and canfail. */
export function getitab(rt: Runtime, inter: number, typ: number, canfail: boolean): number {
  const k = K(rt);
  const W = rt.arch.ptrSize;
  const mem = rt.mem;
  const L = rt.lang;
  for (let i = 0; i < L.nitabs; i++) {
    const tab = mem.ptr(L.itabs + i * W);
    if (mem.ptr(tab + k('itab_inter')) === inter && mem.ptr(tab + k('itab__type')) === typ) return tab;
  }
  const it = typeAt(rt, inter);
  const t = typeAt(rt, typ);
  const have = t.methods;
  const fns: number[] = [];
  for (const m of it.methods) {
    const found = have.find((x) => x.name === m.name && x.sig === m.sig);
    if (!found) {
      if (canfail) return 0;
      panicAssertion(rt, 0, typ, inter, m.name);
    }
    fns.push(found.ifn);
  }
  const tab = rt.heap.alloc(k('itab_fun') + Math.max(fns.length, 1) * W);
  mem.setPtr(tab + k('itab_inter'), inter);
  mem.setPtr(tab + k('itab__type'), typ);
  mem.setU32(tab + k('itab_hash'), t.hash);
  fns.forEach((f, i) => mem.setPtr(tab + k('itab_fun') + i * W, f));
  // add to the table (grown by doubling, as itabTable is)
  if (L.nitabs === L.capitabs) {
    const cap = Math.max(16, L.capitabs * 2);
    const a = rt.heap.alloc(cap * W);
    if (L.nitabs) mem.copyWithin(a, L.itabs, L.nitabs * W);
    L.itabs = a;
    L.capitabs = cap;
  }
  mem.setPtr(L.itabs + L.nitabs * W, tab);
  L.nitabs++;
  return tab;
}

/** convI2I: an interface value's itab for a smaller interface (nil stays nil). */
export function convI2I(rt: Runtime, inter: number, tab: number): number {
  if (tab === 0) return 0;
  const k = K(rt);
  if (rt.mem.ptr(tab + k('itab_inter')) === inter) return tab;
  return getitab(rt, inter, rt.mem.ptr(tab + k('itab__type')), false);
}

/** assertE2I: x.(I) for a dynamic type t (nil panics: "interface conversion: interface is nil, not I"). */
export function assertE2I(rt: Runtime, inter: number, t: number): number {
  if (t === 0) panicAssertion(rt, 0, 0, inter, '');
  return getitab(rt, inter, t, false);
}

/** panicdottypeE / panicdottypeI: a failed x.(T) to a concrete type. */
export function panicdottype(rt: Runtime, have: number, want: number, iface: number): never {
  panicAssertion(rt, iface, have, want, '');
}

/** The _type of an itab (0 for a nil itab). */
export function itabType(rt: Runtime, tab: number): number {
  return tab === 0 ? 0 : rt.mem.ptr(tab + K(rt)('itab__type'));
}

export function efaceeq(rt: Runtime, t: number, x: number, y: number): boolean {
  if (t === 0) return true;
  return dataEqual(rt, typeAt(rt, t), x, y);
}

export function ifaceeq(rt: Runtime, tab: number, x: number, y: number): boolean {
  if (tab === 0) return true;
  return dataEqual(rt, typeAt(rt, itabType(rt, tab)), x, y);
}

// ---- panic values ------------------------------------------------------------------------------

/** The value of a basic-kind dynamic type as print prints it. */
function printBasic(rt: Runtime, t: TypeDesc, data: number): string | null {
  const mem = rt.mem;
  const W = rt.arch.ptrSize;
  const p = t.direct ? null : data;
  const n = intKind(t.kind, W) ? readInt(mem, t.kind, W, p!) : null;
  if (n !== null) return n.toString();
  if (t.kind === Kind.Float64) return printfloat(readFloat64(mem, p!));
  switch (t.kind) {
    case Kind.Bool:
      return mem.u8(p!) ? 'true' : 'false';
    case Kind.String:
      return Buffer.from(readString(rt, mem.ptr(p!), mem.ptr(p! + W))).toString('utf8');
    default:
      return null;
  }
}

/**
 * printpanicval: what "panic: " is followed by. A basic value prints as
 * print does, a named one as main.T(5) / main.S("x"); anything else as (T)
 * and the data pointer. (An error or Stringer value is printed as its
 * method's result instead, which preprintpanics gets: panic.ts.)
 */
export function panicValueText(rt: Runtime, typ: number, data: number): string {
  if (typ === 0) return 'nil';
  const t = typeAt(rt, typ);
  const v = printBasic(rt, t, data);
  if (v !== null) {
    if (!t.named) return v;
    return t.kind === Kind.String ? `${t.string}(${JSON.stringify(v)})` : `${t.string}(${v})`;
  }
  return `(${t.string}) 0x${data.toString(16)}`;
}
