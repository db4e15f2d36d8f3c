// Typed views of the go1.19 runtime structs onto emulated memory: one class
// per struct (G, M, P, Gobuf, Schedt, HChan, Sudog, ...) whose getters and
// setters are generated from the tables in specs.ts, at the offsets of the
// Layout for the arch. See specs.ts for how each Go type is read and written.
import type { Arena } from '../engine/arena.ts';
import { classify, SCALAR_KIND, SPECS, type FieldInfo, type FieldName, type FieldsOf, type Layout, type ScalarKind, type StructName, type StructSpec } from './specs.ts';

type ScalarGoType = keyof typeof SCALAR_KIND | `*${string}` | `func${string}`;
/** the view class a nested-struct Go type reads as */
interface ViewTypes {
  stack: Stack;
  gobuf: Gobuf;
  gQueue: GQueue;
  gList: GList;
  note: Note;
  mutex: Mutex;
  waitq: WaitQ;
  string: GoString;
  'p.gFree': PGFree;
  'schedt.disable': SchedtDisable;
  'schedt.gFree': SchedtGFree;
}
type ValueOf<T> = T extends 'bool' ? boolean : T extends ScalarGoType ? number : never;
type ViewOf<T> = T extends `[]${string}` ? GoSlice : T extends keyof ViewTypes ? ViewTypes[T] : never;
type GoTypeOf<S extends StructName, F extends keyof FieldsOf<S>> = FieldsOf<S>[F] extends readonly [string, infer T] ? T : never;

/** The generated properties of a view: read/write scalars, read-only nested views. */
export type Accessors<S extends StructName> = {
  -readonly [F in keyof FieldsOf<S> as [ValueOf<GoTypeOf<S, F>>] extends [never] ? never : F]: ValueOf<GoTypeOf<S, F>>;
} & {
  readonly [F in keyof FieldsOf<S> as [ViewOf<GoTypeOf<S, F>>] extends [never] ? never : F]: ViewOf<GoTypeOf<S, F>>;
};

/**
 * A struct at `addr` in emulated memory. Nothing is copied: every property
 * access reads or writes the arena. Views are cheap; make them freely.
 */
export abstract class StructView<S extends StructName> {
  /** the struct's name (on each view class's prototype: a constructor stores only L, mem and addr) */
  declare readonly struct: S;

  constructor(
    readonly L: Layout,
    readonly mem: Arena,
    readonly addr: number,
  ) {
    if (mem.wordSize !== L.ptrSize) {
      throw new Error(`${this.struct} view: arena word size ${mem.wordSize} does not match ${L.arch} (${L.ptrSize})`);
    }
  }

  /** this struct's field offsets on this arch (the object L.off[struct]) */
  get off(): { readonly [F in FieldName<S>]: number } {
    return this.L.off[this.struct];
  }

  /** sizeof(struct) on this arch */
  get size(): number {
    return this.L.sizes[this.struct];
  }

  /** address of a field */
  addrOf(field: FieldName<S>): number {
    return this.addr + this.off[field];
  }

  /** clear the whole struct (like a fresh Go allocation) */
  zero(): void {
    this.mem.fill(this.addr, this.size);
  }

  /**
   * Every scalar field's current value, for dumps. int64/uint64 values beyond
   * 2^53 come back as bigint instead of throwing.
   */
  snapshot(): Record<string, number | boolean | bigint> {
    const out: Record<string, number | boolean | bigint> = {};
    for (const f of this.L.fields(this.struct)) {
      const c = classify(f.goType);
      if (c.t !== 'scalar') continue;
      try {
        out[f.name] = (this as unknown as Record<string, number | boolean>)[f.name]!;
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        const a = this.addr + f.offset;
        out[f.name] = c.kind === 'u64' || c.kind === 'uint' ? this.mem.u64(a) : this.mem.i64(a);
      }
    }
    return out;
  }

  /** address of element i of an array field, bounds-checked */
  protected elemAddr(field: FieldName<S>, i: number): number {
    return elemAt(this, this.L.field(this.struct, field), i);
  }
}

/** address of element i of the array field f of v, bounds-checked */
function elemAt(v: AnyView, f: FieldInfo, i: number): number {
  if (!Number.isInteger(i) || i < 0 || i >= f.len!) {
    throw new RangeError(`${v.struct}.${f.name}[${i}]: index out of range [0, ${f.len})`);
  }
  return v.addr + f.offset + i * f.elemSize!;
}

/** element i of a pointer array field */
function readElem(v: AnyView, f: FieldInfo, i: number): number {
  const a = elemAt(v, f, i);
  return v.mem.wordSize === 8 ? readPtr64(v.mem, a) : v.mem.u32(a);
}

/** store a pointer in element i of a pointer array field (checked like a uintptr field) */
function writeElem(v: AnyView, f: FieldInfo, i: number, x: number): void {
  const a = elemAt(v, f, i);
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0 || (v.mem.wordSize === 4 && x > 0xffff_ffff)) {
    writePtrWord(v.mem, a, x, `${v.struct}.${f.name}[${i}]`); // throws with the message
  }
  if (v.mem.wordSize === 8) write64(v.mem, a, x);
  else v.mem.setU32(a, x);
}

export type AnyView = StructView<StructName>;
export type ViewClass = (new (L: Layout, mem: Arena, addr: number) => AnyView) & { readonly struct: StructName };

/** A goroutine (runtime.g). */
export class G extends StructView<'g'> {
  static readonly struct = 'g';

  /** g.atomicstatus (same field; the name proc.go's readgstatus reads) */
  get status(): number {
    return this.atomicstatus;
  }
  set status(v: number) {
    this.atomicstatus = v;
  }
  /** g.stackguard0 as an exact unsigned word (stackPreempt on amd64 needs 64 bits) */
  get stackguard0Word(): bigint {
    return this.mem.word(this.addrOf('stackguard0'));
  }
  set stackguard0Word(v: bigint) {
    this.mem.setWord(this.addrOf('stackguard0'), v);
  }
  /** g.stackguard1 as an exact unsigned word (^uintptr(0) for user goroutines) */
  get stackguard1Word(): bigint {
    return this.mem.word(this.addrOf('stackguard1'));
  }
  set stackguard1Word(v: bigint) {
    this.mem.setWord(this.addrOf('stackguard1'), v);
  }
}
export interface G extends Accessors<'g'> {}

/** Saved registers of a descheduled goroutine (runtime.gobuf). */
export class Gobuf extends StructView<'gobuf'> {
  static readonly struct = 'gobuf';
}
export interface Gobuf extends Accessors<'gobuf'> {}

/** An OS thread (runtime.m). */
export class M extends StructView<'m'> {
  static readonly struct = 'm';

  /** address of m.tls[0], the slot settls points the thread's TLS at */
  get tlsAddr(): number {
    return this.addrOf('tls');
  }
  /** m.tls[i] */
  tls(i: number): number {
    return readElem(this, this.L.arrays.m.tls!, i);
  }
  setTls(i: number, v: number): void {
    writeElem(this, this.L.arrays.m.tls!, i, v);
  }
}
export interface M extends Accessors<'m'> {}

/** A processor (runtime.p). */
export class P extends StructView<'p'> {
  static readonly struct = 'p';

  /** number of slots in p.runq (256) */
  get runqLen(): number {
    return this.L.arrays.p.runq!.len!;
  }
  /** p.runq[i] (a guintptr); callers reduce indices modulo runqLen as Go does */
  runq(i: number): number {
    return readElem(this, this.L.arrays.p.runq!, i);
  }
  setRunq(i: number, gp: number): void {
    writeElem(this, this.L.arrays.p.runq!, i, gp);
  }
  /** p.sudogbuf[i] */
  sudogbuf(i: number): number {
    return readElem(this, this.L.arrays.p.sudogbuf!, i);
  }
  setSudogbuf(i: number, s: number): void {
    writeElem(this, this.L.arrays.p.sudogbuf!, i, s);
  }
  /** p.deferpoolbuf[i] */
  deferpoolbuf(i: number): number {
    return readElem(this, this.L.arrays.p.deferpoolbuf!, i);
  }
  setDeferpoolbuf(i: number, d: number): void {
    writeElem(this, this.L.arrays.p.deferpoolbuf!, i, d);
  }
}
export interface P extends Accessors<'p'> {}

/** p.gFree: the P's free list of dead gs, struct { gList; n int32 }. */
export class PGFree extends StructView<'p.gFree'> {
  static readonly struct = 'p.gFree';

  /** the embedded gList's head (Go: pp.gFree.head) */
  get head(): number {
    return this.gList.head;
  }
  set head(v: number) {
    this.gList.head = v;
  }
}
export interface PGFree extends Accessors<'p.gFree'> {}

/** The scheduler's global state (runtime.schedt, the variable `sched`). */
export class Schedt extends StructView<'schedt'> {
  static readonly struct = 'schedt';
}
export interface Schedt extends Accessors<'schedt'> {}

/** sched.disable: goroutines held back while user scheduling is disabled. */
export class SchedtDisable extends StructView<'schedt.disable'> {
  static readonly struct = 'schedt.disable';
}
export interface SchedtDisable extends Accessors<'schedt.disable'> {}

/** sched.gFree: the global free lists of dead gs, with and without stacks. */
export class SchedtGFree extends StructView<'schedt.gFree'> {
  static readonly struct = 'schedt.gFree';
}
export interface SchedtGFree extends Accessors<'schedt.gFree'> {}

/** [lo, hi) of a goroutine stack. */
export class Stack extends StructView<'stack'> {
  static readonly struct = 'stack';
}
export interface Stack extends Accessors<'stack'> {}

/** A closure: fn, then the captured variables. */
export class FuncVal extends StructView<'funcval'> {
  static readonly struct = 'funcval';
}
export interface FuncVal extends Accessors<'funcval'> {}

/** A queue of gs linked through g.schedlink (head and tail). */
export class GQueue extends StructView<'gQueue'> {
  static readonly struct = 'gQueue';
}
export interface GQueue extends Accessors<'gQueue'> {}

/** A stack of gs linked through g.schedlink (head only). */
export class GList extends StructView<'gList'> {
  static readonly struct = 'gList';
}
export interface GList extends Accessors<'gList'> {}

/** A channel (runtime.hchan). */
export class HChan extends StructView<'hchan'> {
  static readonly struct = 'hchan';
}
export interface HChan extends Accessors<'hchan'> {}

/** A channel's list of waiting sudogs. */
export class WaitQ extends StructView<'waitq'> {
  static readonly struct = 'waitq';
}
export interface WaitQ extends Accessors<'waitq'> {}

/** A g waiting on a channel or semaphore (runtime.sudog). */
export class Sudog extends StructView<'sudog'> {
  static readonly struct = 'sudog';
}
export interface Sudog extends Accessors<'sudog'> {}

/** A bucket of the semaphore table (runtime.semaRoot): a treap of sudogs by address, and its waiter count. */
export class SemaRoot extends StructView<'semaRoot'> {
  static readonly struct = 'semaRoot';
}
export interface SemaRoot extends Accessors<'semaRoot'> {}

/** A deferred call record (runtime._defer). */
export class Defer extends StructView<'_defer'> {
  static readonly struct = '_defer';
}
export interface Defer extends Accessors<'_defer'> {}

/** An active panic (runtime._panic). */
export class Panic extends StructView<'_panic'> {
  static readonly struct = '_panic';
}
export interface Panic extends Accessors<'_panic'> {}

/** A runtime timer (time.go timer). */
export class Timer extends StructView<'timer'> {
  static readonly struct = 'timer';
}
export interface Timer extends Accessors<'timer'> {}

/** A one-shot wakeup (runtime.note): key is 0 until notewakeup. */
export class Note extends StructView<'note'> {
  static readonly struct = 'note';
}
export interface Note extends Accessors<'note'> {}

/** A runtime lock (runtime.mutex): key is 0 when unlocked. */
export class Mutex extends StructView<'mutex'> {
  static readonly struct = 'mutex';
}
export interface Mutex extends Accessors<'mutex'> {}

/** A Go string header (pointer, length). */
export class GoString extends StructView<'stringStruct'> {
  static readonly struct = 'stringStruct';

  /** the bytes the header points at, decoded as UTF-8 ('' when len is 0) */
  value(): string {
    return this.len === 0 ? '' : new TextDecoder().decode(this.mem.read(this.str, this.len));
  }
}
export interface GoString extends Accessors<'stringStruct'> {}

/** A Go slice header (array, len, cap). */
export class GoSlice extends StructView<'slice'> {
  static readonly struct = 'slice';
}
export interface GoSlice extends Accessors<'slice'> {}

/** The view class of each struct (for generic tools; normal code uses G, M, P, ... directly). */
export const VIEW_CLASSES: Readonly<Record<StructName, ViewClass>> = {
  g: G,
  gobuf: Gobuf,
  m: M,
  p: P,
  'p.gFree': PGFree,
  schedt: Schedt,
  'schedt.disable': SchedtDisable,
  'schedt.gFree': SchedtGFree,
  stack: Stack,
  funcval: FuncVal,
  gQueue: GQueue,
  gList: GList,
  hchan: HChan,
  waitq: WaitQ,
  sudog: Sudog,
  semaRoot: SemaRoot,
  _defer: Defer,
  _panic: Panic,
  note: Note,
  timer: Timer,
  mutex: Mutex,
  stringStruct: GoString,
  slice: GoSlice,
};

// ---------------------------------------------------------------------------
// Scalar access
//
// Every field gets its own getter and setter, generated once per field with
// new Function: the field's name is a constant property key (`this.off.goid`,
// a monomorphic load: every Layout's offsets of one struct have the same
// shape) and the read or write of its kind is written out, so no accessor
// shares inline caches with another field's (a single closure shared by all
// fields made every load megamorphic). Reads of 8-byte words combine two
// 32-bit halves (no BigInt). The checks stay: a value that does not fit the
// field's Go type throws RangeError (TypeError for a non-integer or a
// non-boolean), and an int64/uint64 beyond 2^53 throws RangeError on read.

const TWO32 = 0x1_0000_0000;

function rangeError(label: string, v: unknown, type: string): RangeError {
  return new RangeError(`${label}: ${String(v)} does not fit ${type}`);
}

function notSafeInteger(label: string, v: unknown): TypeError {
  return new TypeError(`${label}: expected a safe integer, got ${String(v)}`);
}

function notBoolean(label: string, v: unknown): TypeError {
  return new TypeError(`${label}: expected a boolean, got ${String(v)}`);
}

function readU64(mem: Arena, a: number, label: string): number {
  const lo = mem.u32(a);
  const hi = mem.u32(a + 4);
  if (hi > 0x1f_ffff) throw new RangeError(`${label}: 0x${mem.u64(a).toString(16)} is beyond 2^53 (read it as a bigint)`);
  return hi * TWO32 + lo;
}

function readI64(mem: Arena, a: number, label: string): number {
  const lo = mem.u32(a);
  const hi = mem.i32(a + 4);
  const v = hi * TWO32 + lo;
  if (hi > 0x1f_ffff || hi < -0x20_0000 || !Number.isSafeInteger(v)) {
    throw new RangeError(`${label}: ${mem.i64(a)} is beyond +-2^53 (read it as a bigint)`);
  }
  return v;
}

/** a 64-bit pointer word as a number: exact below 2^53, rounded above (as Number(bigint) rounds) */
function readPtr64(mem: Arena, a: number): number {
  return mem.u32(a + 4) * TWO32 + mem.u32(a);
}

/** writes a safe integer as 64 bits (two's complement), low half first */
function write64(mem: Arena, a: number, v: number): void {
  mem.setU32(a, v >>> 0);
  mem.setU32(a + 4, Math.floor(v / TWO32) >>> 0);
}

/** a pointer-sized word, checked like a uintptr field */
function writePtrWord(mem: Arena, a: number, v: number, label: string): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw notSafeInteger(label, v);
  if (mem.wordSize === 8) {
    if (v < 0) throw rangeError(label, v, 'uintptr (as a number)');
    write64(mem, a, v);
  } else {
    if (v < 0 || v > 0xffff_ffff) throw rangeError(label, v, 'uintptr (32-bit)');
    mem.setU32(a, v);
  }
}

/** the helpers generated accessors call (passed to new Function by name) */
const HELPERS = { readU64, readI64, readPtr64, write64, rangeError, notSafeInteger, notBoolean };

/** JS source of a getter body for a field of `kind` at address `a` (a local) */
function readSource(kind: ScalarKind, label: string): string {
  const L = JSON.stringify(label);
  switch (kind) {
    case 'bool':
      return 'return mem.u8(a) !== 0;';
    case 'u8':
      return 'return mem.u8(a);';
    case 'i8':
      return 'return (mem.u8(a) << 24) >> 24;';
    case 'u16':
      return 'return mem.u16(a);';
    case 'u32':
      return 'return mem.u32(a);';
    case 'i32':
      return 'return mem.i32(a);';
    case 'u64':
      return `return readU64(mem, a, ${L});`;
    case 'i64':
      return `return readI64(mem, a, ${L});`;
    case 'int':
      return `return mem.wordSize === 8 ? readI64(mem, a, ${L}) : mem.i32(a);`;
    case 'uint':
      return `return mem.wordSize === 8 ? readU64(mem, a, ${L}) : mem.u32(a);`;
    case 'ptr':
      return 'return mem.wordSize === 8 ? readPtr64(mem, a) : mem.u32(a);';
  }
}

/** JS source of a setter body storing `v` in a field of `kind` at address `a` (checked as writeScalar did) */
function writeSource(kind: ScalarKind, label: string): string {
  const L = JSON.stringify(label);
  if (kind === 'bool') return `if (typeof v !== 'boolean') throw notBoolean(${L}, v); mem.setU8(a, v ? 1 : 0);`;
  const check = (lo: string, hi: string, type: string) => `if (v < ${lo} || v > ${hi}) throw rangeError(${L}, v, ${JSON.stringify(type)});`;
  const safe = `if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw notSafeInteger(${L}, v);`;
  const MAX = 'Number.MAX_SAFE_INTEGER';
  switch (kind) {
    case 'u8':
      return `${safe} ${check('0', '0xff', 'uint8')} mem.setU8(a, v);`;
    case 'i8':
      return `${safe} ${check('-0x80', '0x7f', 'int8')} mem.setU8(a, v & 0xff);`;
    case 'u16':
      return `${safe} ${check('0', '0xffff', 'uint16')} mem.setU16(a, v);`;
    case 'u32':
      return `${safe} ${check('0', '0xffffffff', 'uint32')} mem.setU32(a, v);`;
    case 'i32':
      return `${safe} ${check('-0x80000000', '0x7fffffff', 'int32')} mem.setU32(a, v);`;
    case 'u64':
      return `${safe} ${check('0', MAX, 'uint64 (as a number)')} write64(mem, a, v);`;
    case 'i64':
      return `${safe} write64(mem, a, v);`;
    case 'int':
      return `${safe} if (mem.wordSize === 8) { write64(mem, a, v); return; } ${check('-0x80000000', '0x7fffffff', 'int (32-bit)')} mem.setU32(a, v);`;
    case 'uint':
    case 'ptr': {
      const what = kind === 'ptr' ? 'uintptr' : 'uint';
      return `${safe} if (mem.wordSize === 8) { ${check('0', MAX, `${what} (as a number)`)} write64(mem, a, v); return; } ${check('0', '0xffffffff', `${what} (32-bit)`)} mem.setU32(a, v);`;
    }
  }
}

/** name usable in a generated function's name ('p.gFree' -> p_gFree) */
const ident = (s: string) => s.replace(/\W/g, '_');

/**
 * Puts a getter (and for scalars a setter) for every table row on the view's
 * prototype. One new Function per struct makes all of its accessors: each is
 * still a function of its own (its own inline caches), and V8 compiles each
 * only when first called.
 */
function installAccessors(cls: ViewClass, struct: StructName): void {
  const spec: StructSpec = SPECS[struct];
  const entries: string[] = [];
  const views = new Map<string, ViewClass>(); // parameter name -> nested view class
  for (const [name, [, goType]] of Object.entries(spec.fields)) {
    const label = `${struct}.${name}`;
    const c = classify(goType);
    if (c.t !== 'scalar' && c.t !== 'view') continue; // arrays and opaque structs get no property
    if (Object.hasOwn(cls.prototype, name) || name in StructView.prototype || RESERVED.has(name)) {
      throw new Error(`layout: ${struct}.${name} collides with a member of ${cls.name}`);
    }
    const key = JSON.stringify(name); // a constant key: a named load
    const fn = `${ident(struct)}_${ident(name)}`;
    const at = `const mem = this.mem; const a = this.addr + this.L.off[${JSON.stringify(struct)}][${key}];`;
    if (c.t === 'scalar') {
      entries.push(`${key}: { get: function get_${fn}() { ${at} ${readSource(c.kind, label)} }, set: function set_${fn}(v) { ${at} ${writeSource(c.kind, label)} } }`);
    } else {
      const param = `View_${ident(c.struct)}`;
      views.set(param, VIEW_CLASSES[c.struct]);
      entries.push(`${key}: { get: function get_${fn}() { return new ${param}(this.L, this.mem, this.addr + this.L.off[${JSON.stringify(struct)}][${key}]); } }`);
    }
  }
  const make = new Function(...Object.keys(HELPERS), ...views.keys(), `return {\n${entries.join(',\n')}\n};`) as (...a: unknown[]) => Record<string, PropertyDescriptor>;
  for (const [name, d] of Object.entries(make(...Object.values(HELPERS), ...views.values()))) {
    Object.defineProperty(cls.prototype, name, { enumerable: true, ...d });
  }
}
/** instance properties of StructView (not on its prototype) */
const RESERVED = new Set(['L', 'mem', 'addr', 'off', 'struct']);

for (const [struct, cls] of Object.entries(VIEW_CLASSES) as [StructName, ViewClass][]) {
  if (cls.struct !== struct) throw new Error(`layout: ${cls.name}.struct is ${cls.struct}, expected ${struct}`);
  Object.defineProperty(cls.prototype, 'struct', { value: struct });
  installAccessors(cls, struct);
}
