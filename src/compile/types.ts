// Go types of the subset, constant values, and the memory layout of values.
//
// Types: the integer kinds int (the word size of the target: 64 bits on
// amd64, 32 on arm, as in Go), uint8 (byte) and int32 (rune); bool; string;
// arrays, slices, pointers, structs, maps, channels, functions and
// interfaces; named (defined) types with methods; sync.WaitGroup; the
// untyped kinds of constants (int, rune, bool, string) and nil. Tuples
// describe the results of multi-value calls.
//
// Layout: sizes, alignments and field offsets are gc's (types/size.go):
// bool and uint8 take 1 byte, int32 4, int and pointers a word, a string is
// {ptr, len}, a slice {ptr, len, cap}, an interface {tab or type, data}; a
// struct aligns each field and rounds its size up to its alignment (plus one
// byte after a final zero-size field). A value in registers and frame slots
// is the list of its scalar leaves, one word each (see leaves()).

import { type IntKind, intBits, intSigned, isIntKind, fitsIntKind } from './ints.ts';
import { type Rat, isRat, ratString } from './floats.ts';
export type { IntKind } from './ints.ts';

/** The sync types of the subset. */
export type SyncName = 'WaitGroup' | 'Mutex' | 'RWMutex' | 'Once';

export type BasicType = {
  readonly k: IntKind | 'float64' | 'bool' | 'string';
  /** how the program named it when that differs from the kind (byte, rune) */
  readonly alias?: 'byte' | 'rune';
};

export interface Field {
  readonly name: string;
  readonly type: Type;
  /** an embedded field (its name is the type's name) */
  readonly embedded: boolean;
}

export interface IMethod {
  readonly name: string;
  readonly type: FuncType;
}

/** A method declared on a named type. */
export interface Method {
  readonly name: string;
  /** declared with a pointer receiver (func (t *T) M()) */
  readonly ptrRecv: boolean;
  /** the signature without the receiver */
  readonly type: FuncType;
  /** the link symbol of the declared method: main.T.M or main.(*T).M */
  readonly symbol: string;
  /** the receiver's position, for messages */
  readonly line?: number;
}

export interface NamedType {
  readonly k: 'named';
  readonly name: string;
  /** '' for the predeclared error; main, errors, fmt, strconv */
  readonly pkg: string;
  /** the underlying type (set once the declaration is resolved) */
  under: Type;
  methods: Method[];
  /** declared inside a function: its link name gets a suffix (main.point·1) */
  readonly localId?: number;
}

export type Type =
  | BasicType
  | { readonly k: 'slice'; readonly elem: Type }
  | { readonly k: 'array'; readonly elem: Type; readonly len: number }
  | { readonly k: 'ptr'; readonly elem: Type }
  | { readonly k: 'struct'; readonly fields: readonly Field[] }
  | { readonly k: 'map'; readonly key: Type; readonly elem: Type }
  | { readonly k: 'iface'; readonly methods: readonly IMethod[]; readonly alias?: 'any' }
  /** sync.WaitGroup, sync.Mutex, sync.Once: used through their methods (and addresses) only */
  | { readonly k: 'sync'; readonly name: SyncName }
  | { readonly k: 'chan'; readonly dir: 'both' | 'send' | 'recv'; readonly elem: Type }
  | { readonly k: 'func'; readonly params: readonly Type[]; readonly results: readonly Type[]; readonly variadic?: boolean }
  | NamedType
  | { readonly k: 'untyped'; readonly base: 'int' | 'rune' | 'float' | 'bool' | 'string' | 'nil' }
  | { readonly k: 'tuple'; readonly types: readonly Type[] };

export type FuncType = Extract<Type, { k: 'func' }>;
export type ChanType = Extract<Type, { k: 'chan' }>;
export type StructType = Extract<Type, { k: 'struct' }>;
export type IfaceType = Extract<Type, { k: 'iface' }>;
export type SliceType = Extract<Type, { k: 'slice' }>;
export type ArrayType = Extract<Type, { k: 'array' }>;
export type MapType = Extract<Type, { k: 'map' }>;
export type PtrType = Extract<Type, { k: 'ptr' }>;
export type UntypedType = Extract<Type, { k: 'untyped' }>;

export const INT: Type = { k: 'int' };
export const UINT8: Type = { k: 'uint8' };
export const BYTE: Type = { k: 'uint8', alias: 'byte' };
export const INT32: Type = { k: 'int32' };
export const RUNE: Type = { k: 'int32', alias: 'rune' };
export const INT8: Type = { k: 'int8' };
export const INT16: Type = { k: 'int16' };
export const INT64: Type = { k: 'int64' };
export const UINT: Type = { k: 'uint' };
export const UINT16: Type = { k: 'uint16' };
export const UINT32: Type = { k: 'uint32' };
export const UINT64: Type = { k: 'uint64' };
export const UINTPTR: Type = { k: 'uintptr' };
export const BOOL: Type = { k: 'bool' };
export const STRING: Type = { k: 'string' };
export const STRUCT0: Type = { k: 'struct', fields: [] };
export const WAITGROUP: Type = { k: 'sync', name: 'WaitGroup' };
export const SYNC_TYPES: Readonly<Record<SyncName, Type>> = { WaitGroup: WAITGROUP, Mutex: { k: 'sync', name: 'Mutex' }, RWMutex: { k: 'sync', name: 'RWMutex' }, Once: { k: 'sync', name: 'Once' } };
export const ANY: Type = { k: 'iface', methods: [], alias: 'any' };
export const EMPTY_IFACE: Type = { k: 'iface', methods: [] };
export const UNTYPED_INT: Type = { k: 'untyped', base: 'int' };
export const UNTYPED_RUNE: Type = { k: 'untyped', base: 'rune' };
export const UNTYPED_FLOAT: Type = { k: 'untyped', base: 'float' };
export const FLOAT64: Type = { k: 'float64' };
export const UNTYPED_BOOL: Type = { k: 'untyped', base: 'bool' };
export const UNTYPED_STRING: Type = { k: 'untyped', base: 'string' };
export const UNTYPED_NIL: Type = { k: 'untyped', base: 'nil' };

const STRING_RESULT: FuncType = { k: 'func', params: [], results: [STRING] };
/** the predeclared error: interface{ Error() string } */
export const ERROR: NamedType = { k: 'named', name: 'error', pkg: '', under: { k: 'iface', methods: [{ name: 'Error', type: STRING_RESULT }] }, methods: [] };

/** A constant's value: integers are exact (arbitrary precision), floats exact rationals (floats.ts), strings are bytes. */
export type ConstValue = bigint | boolean | Uint8Array | Rat;

export const isUntyped = (t: Type): t is UntypedType => t.k === 'untyped';

/** The underlying type (a named type's declared type; every other type is its own). */
export function under(t: Type): Type {
  return t.k === 'named' ? t.under : t;
}

export function isInteger(t: Type): boolean {
  const u = under(t);
  return isIntKind(u.k) || (u.k === 'untyped' && (u.base === 'int' || u.base === 'rune'));
}
/** float64, or an untyped float constant */
export function isFloat(t: Type): boolean {
  const u = under(t);
  return u.k === 'float64' || (u.k === 'untyped' && u.base === 'float');
}
export const isNumeric = (t: Type): boolean => isInteger(t) || isFloat(t);
export const isString = (t: Type): boolean => {
  const u = under(t);
  return u.k === 'string' || (u.k === 'untyped' && u.base === 'string');
};
export const isBoolean = (t: Type): boolean => {
  const u = under(t);
  return u.k === 'bool' || (u.k === 'untyped' && u.base === 'bool');
};
export const isIface = (t: Type): boolean => under(t).k === 'iface';

// ---- type strings ---------------------------------------------------------------------

/** A signature's parameters and results: (int, ...string) (int, error). */
function sig(t: FuncType, str: (t: Type) => string): string {
  const ps = t.params.map((p, i) => (t.variadic && i === t.params.length - 1 ? `...${str((p as SliceType).elem)}` : str(p)));
  const r = t.results.length === 0 ? '' : t.results.length === 1 ? ` ${str(t.results[0]!)}` : ` (${t.results.map(str).join(', ')})`;
  return `(${ps.join(', ')})${r}`;
}

/** A type as go1.19's type checker writes it in messages (names of package main unqualified). */
export function typeString(t: Type | undefined): string {
  return t ? formatType(t, 'types2') : 'no value';
}

/** A type as the runtime and reflect write it (%T, panics): main.T, []uint8, interface {}. */
export function rtypeString(t: Type): string {
  return formatType(t, 'reflect');
}

/**
 * The two ways Go writes types: the type checker's (aliases byte, rune and
 * any kept; struct{...}) and reflect's (main.T qualified; struct { ... },
 * interface { ... }).
 */
function formatType(t: Type, style: 'types2' | 'reflect'): string {
  const f = (x: Type) => formatType(x, style);
  const reflect = style === 'reflect';
  switch (t.k) {
    case 'bool':
    case 'string':
    case 'float64':
    case 'int':
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
    case 'uint':
    case 'uint8':
    case 'uint16':
    case 'uint32':
    case 'uint64':
    case 'uintptr':
      return reflect ? t.k : (t.alias ?? t.k);
    case 'sync':
      return `sync.${t.name}`;
    case 'slice':
      return `[]${f(t.elem)}`;
    case 'array':
      return `[${t.len}]${f(t.elem)}`;
    case 'ptr':
      return `*${f(t.elem)}`;
    case 'map':
      return `map[${f(t.key)}]${f(t.elem)}`;
    case 'struct': {
      const fields = t.fields.map((x) => (x.embedded ? f(x.type) : `${x.name} ${f(x.type)}`)).join('; ');
      if (!reflect) return `struct{${fields}}`;
      return t.fields.length === 0 ? 'struct {}' : `struct { ${fields} }`;
    }
    case 'iface': {
      if (!reflect && t.alias) return t.alias;
      const methods = t.methods.map((m) => `${m.name}${sig(m.type, f)}`).join('; ');
      if (!reflect) return `interface{${methods}}`;
      return t.methods.length === 0 ? 'interface {}' : `interface { ${methods} }`;
    }
    case 'named':
      return t.pkg === '' || (!reflect && t.pkg === 'main') ? t.name : `${t.pkg}.${t.name}`;
    case 'chan':
      return `${t.dir === 'recv' ? '<-chan' : t.dir === 'send' ? 'chan<-' : 'chan'} ${f(t.elem)}`;
    case 'func':
      return `func${sig(t, f)}`;
    case 'untyped':
      if (reflect) throw new Error(`rtypeString: ${typeString(t)} has no runtime type`);
      return t.base === 'nil' ? 'untyped nil' : `untyped ${t.base}`;
    case 'tuple':
      if (reflect) throw new Error(`rtypeString: ${typeString(t)} has no runtime type`);
      return `(${t.types.map(f).join(', ')})`;
  }
}

// ---- identity and properties ------------------------------------------------------------

export function identical(a: Type, b: Type): boolean {
  if (a === b) return true;
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'named':
      return false; // a named type is identical only to itself
    case 'chan': {
      const c = b as ChanType;
      return a.dir === c.dir && identical(a.elem, c.elem);
    }
    case 'slice':
    case 'ptr':
      return identical(a.elem, (b as SliceType).elem);
    case 'array':
      return a.len === (b as ArrayType).len && identical(a.elem, (b as ArrayType).elem);
    case 'map':
      return identical(a.key, (b as MapType).key) && identical(a.elem, (b as MapType).elem);
    case 'struct': {
      const s = b as StructType;
      return a.fields.length === s.fields.length && a.fields.every((f, i) => f.name === s.fields[i]!.name && f.embedded === s.fields[i]!.embedded && identical(f.type, s.fields[i]!.type));
    }
    case 'iface': {
      const s = b as IfaceType;
      return a.methods.length === s.methods.length && a.methods.every((m, i) => m.name === s.methods[i]!.name && identical(m.type, s.methods[i]!.type));
    }
    case 'func': {
      const f = b as FuncType;
      return (
        !!a.variadic === !!f.variadic &&
        a.params.length === f.params.length &&
        a.results.length === f.results.length &&
        a.params.every((p, i) => identical(p, f.params[i]!)) &&
        a.results.every((r, i) => identical(r, f.results[i]!))
      );
    }
    case 'untyped':
      return a.base === (b as UntypedType).base;
    case 'sync':
      return a.name === (b as { name: string }).name;
    case 'tuple': {
      const u = b as Extract<Type, { k: 'tuple' }>;
      return a.types.length === u.types.length && a.types.every((x, i) => identical(x, u.types[i]!));
    }
    default:
      return true;
  }
}

/** The type an untyped constant gets when nothing else decides it (Go's default type). */
export function defaultType(t: Type): Type {
  if (t.k !== 'untyped') return t;
  switch (t.base) {
    case 'int':
      return INT;
    case 'rune':
      return RUNE;
    case 'float':
      return FLOAT64;
    case 'bool':
      return BOOL;
    case 'string':
      return STRING;
    default:
      return t;
  }
}

/** Can values of t be compared with == (Go's comparable)? */
export function comparable(t: Type): boolean {
  const u = under(t);
  switch (u.k) {
    case 'slice':
    case 'map':
    case 'func':
    case 'sync':
      return false;
    case 'struct':
      return u.fields.every((f) => comparable(f.type));
    case 'array':
      return comparable(u.elem);
    default:
      return true;
  }
}

/** Can the value be nil? */
export function nilable(t: Type): boolean {
  const u = under(t);
  return u.k === 'ptr' || u.k === 'slice' || u.k === 'map' || u.k === 'chan' || u.k === 'func' || u.k === 'iface';
}

// ---- layout ------------------------------------------------------------------------------

/** Bytes of a value of type t in memory. */
export function sizeOf(t: Type, W: number): number {
  const u = under(t);
  if (isIntKind(u.k)) return intBits(u.k, W) / 8;
  if (u.k === 'float64') return 8;
  switch (u.k) {
    case 'bool':
      return 1;
    case 'string':
    case 'iface':
      return 2 * W;
    case 'slice':
      return 3 * W;
    case 'sync':
      // WaitGroup {noCopy; state1 uint64; state2 uint32}, Mutex {state int32; sema uint32}, Once {done uint32; m Mutex},
      // RWMutex {w Mutex; writerSem, readerSem uint32; readerCount, readerWait int32}
      return u.name === 'WaitGroup' ? 16 : u.name === 'Mutex' ? 8 : u.name === 'RWMutex' ? 24 : 12;
    case 'array':
      return u.len * sizeOf(u.elem, W);
    case 'struct':
      return structLayout(u, W).size;
    default:
      return W;
  }
}

export function alignOf(t: Type, W: number): number {
  // gc's special case: a sync/atomic.align64 field makes its struct 8-aligned on every target
  if (t.k === 'named' && t.pkg === 'atomic' && t.name === 'align64') return 8;
  const u = under(t);
  // gc aligns 64-bit integers to the register size: 4 bytes on 32-bit targets
  if (isIntKind(u.k)) return Math.min(intBits(u.k, W) / 8, W);
  if (u.k === 'float64') return Math.min(8, W);
  switch (u.k) {
    case 'bool':
      return 1;
    case 'sync':
      return u.name === 'WaitGroup' ? 8 : 4;
    case 'array':
      return alignOf(u.elem, W);
    case 'struct':
      return u.fields.reduce((a, f) => Math.max(a, alignOf(f.type, W)), 1);
    default:
      return W;
  }
}

const layoutCache = new WeakMap<StructType, Map<number, { offsets: number[]; size: number }>>();

/** Field offsets and size of a struct, as gc lays it out. */
export function structLayout(t: StructType, W: number): { offsets: number[]; size: number } {
  let byW = layoutCache.get(t);
  if (!byW) layoutCache.set(t, (byW = new Map()));
  let l = byW.get(W);
  if (l) return l;
  let off = 0;
  const offsets: number[] = [];
  for (const f of t.fields) {
    const a = alignOf(f.type, W);
    off = Math.ceil(off / a) * a;
    offsets.push(off);
    off += sizeOf(f.type, W);
  }
  // a final zero-size field gets a byte so that its address stays inside the struct
  const last = t.fields[t.fields.length - 1];
  if (last && off > 0 && sizeOf(last.type, W) === 0) off++;
  const align = alignOf(t, W);
  l = { offsets, size: Math.ceil(off / align) * align };
  byW.set(W, l);
  return l;
}

/** A scalar word of a value: where it lives in memory and how wide it is there. */
export interface Leaf {
  off: number;
  size: 1 | 2 | 4 | 8;
  /** sign-extend when loading a narrower-than-word value */
  signed: boolean;
}

/**
 * Values kept in memory rather than in registers and slots: arrays, and
 * structs that contain one (gc does not SSA arrays of more than one element
 * either). Such a value is handled by its address.
 */
export function isMem(t: Type): boolean {
  const u = under(t);
  if (u.k === 'array' || u.k === 'sync') return true;
  if (u.k === 'struct') return u.fields.some((f) => isMem(f.type));
  return false;
}

/** The scalar leaves of a value, in memory order (a memory value is one word: its address). */
export function leaves(t: Type, W: number): Leaf[] {
  const w = W as 4 | 8;
  const u = under(t);
  if (isMem(t)) return [{ off: 0, size: w, signed: false }];
  if (isIntKind(u.k) || u.k === 'float64') {
    const bytes = u.k === 'float64' ? 8 : intBits(u.k, W) / 8;
    // a 64-bit integer on a 32-bit target: two words, low first
    if (bytes > W) return [{ off: 0, size: w, signed: false }, { off: W, size: w, signed: false }];
    return [{ off: 0, size: bytes as 1 | 2 | 4 | 8, signed: u.k !== 'float64' && intSigned(u.k) }];
  }
  switch (u.k) {
    case 'bool':
      return [{ off: 0, size: 1, signed: false }];
    case 'string':
    case 'iface':
      return [
        { off: 0, size: w, signed: false },
        { off: W, size: w, signed: false },
      ];
    case 'slice':
      return [0, 1, 2].map((i) => ({ off: i * W, size: w, signed: false }));
    case 'struct': {
      const { offsets } = structLayout(u, W);
      return u.fields.flatMap((f, i) => leaves(f.type, W).map((l) => ({ ...l, off: l.off + offsets[i]! })));
    }
    default:
      return [{ off: 0, size: w, signed: false }];
  }
}

/** Number of words of a value in slots and registers. */
export function wordCount(t: Type, W: number): number {
  return leaves(t, W).length;
}

/** Is representation of the value in an interface the value itself (pointer-shaped, gc's isdirectiface)? */
export function isDirectIface(t: Type): boolean {
  const u = under(t);
  switch (u.k) {
    case 'ptr':
    case 'chan':
    case 'map':
    case 'func':
      return true;
    case 'array':
      return u.len === 1 && isDirectIface(u.elem);
    case 'struct':
      return u.fields.length === 1 && isDirectIface(u.fields[0]!.type);
    default:
      return false;
  }
}

/** Does the type hold pointers (ptrdata != 0)? */
export function hasPointers(t: Type): boolean {
  const u = under(t);
  if (isIntKind(u.k) || u.k === 'float64') return false;
  switch (u.k) {
    case 'bool':
    case 'sync':
      return false;
    case 'array':
      return u.len > 0 && hasPointers(u.elem);
    case 'struct':
      return u.fields.some((f) => hasPointers(f.type));
    default:
      return true;
  }
}

// ---- constants ----------------------------------------------------------------------------

/** Is v representable as a signed integer of `bits` bits? */
export function fitsInt(v: bigint, bits: number): boolean {
  return BigInt.asIntN(bits, v) === v;
}

/** Does the integer constant v fit integer type t (on a target with `wordBits`-bit int)? */
export function fitsIntType(v: bigint, t: Type, wordBits: number): boolean {
  const k = under(t).k;
  return isIntKind(k) ? fitsIntKind(v, k, wordBits / 8) : fitsInt(v, wordBits);
}

export function constString(v: ConstValue): string {
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (isRat(v)) return ratString(v);
  return JSON.stringify(new TextDecoder().decode(v));
}

// ---- fields and methods ------------------------------------------------------------------------

/** One step of a selector path: the index of a field, and whether the struct is reached through a pointer. */
export interface PathStep {
  index: number;
  /** the value holding the field is a pointer to the struct (auto-dereference) */
  deref: boolean;
}

export type Selection =
  | { kind: 'field'; path: PathStep[]; type: Type }
  /** a method of a named type, reached through embedded fields `path`; recv is the named type that declares it */
  | { kind: 'method'; path: PathStep[]; method: Method; recv: NamedType; derefRecv: boolean }
  /** a method of an interface value (possibly an embedded interface field at the end of `path`) */
  | { kind: 'imethod'; path: PathStep[]; index: number; iface: IfaceType; type: FuncType }
  /** a method expression T.M or (*T).M: the function whose first parameter is the receiver */
  | { kind: 'methodexpr'; recvT: Type; entry: MethodSetEntry }
  | { kind: 'ambiguous' }
  | { kind: 'none' };

/**
 * Go's field and method lookup (LookupFieldOrMethod): breadth-first through
 * embedded fields, the shallowest match wins, two at the same depth are
 * ambiguous. `t` is the type of the operand (a pointer to a named struct is
 * looked through).
 */
export function lookupFieldOrMethod(t: Type, name: string): Selection {
  type Entry = { t: Type; path: PathStep[]; viaPtr: boolean };
  let start: Type = t;
  let startPtr = false;
  if (t.k === 'ptr') {
    start = t.elem;
    startPtr = true;
  } else if (t.k === 'named' && t.under.k === 'ptr') {
    // methods of a named pointer type are not looked through
    start = t.under.elem;
    startPtr = true;
  }
  let level: Entry[] = [{ t: start, path: [], viaPtr: startPtr }];
  const seen = new Set<Type>();
  while (level.length > 0) {
    const found: Selection[] = [];
    const next: Entry[] = [];
    for (const e of level) {
      if (e.t.k === 'named') {
        if (seen.has(e.t)) continue;
        seen.add(e.t);
        const m = e.t.methods.find((x) => x.name === name);
        if (m && !(startPtr && t.k === 'named')) {
          found.push({ kind: 'method', path: e.path, method: m, recv: e.t, derefRecv: e.viaPtr });
          continue;
        }
      }
      const u = under(e.t);
      if (u.k === 'struct') {
        u.fields.forEach((f, i) => {
          const step = { index: i, deref: e.viaPtr };
          if (f.name === name) found.push({ kind: 'field', path: [...e.path, step], type: f.type });
          if (f.embedded) {
            const ft = f.type;
            if (ft.k === 'ptr') next.push({ t: ft.elem, path: [...e.path, step], viaPtr: true });
            else next.push({ t: ft, path: [...e.path, step], viaPtr: false });
          }
        });
      } else if (u.k === 'iface') {
        const idx = u.methods.findIndex((m) => m.name === name);
        if (idx >= 0) found.push({ kind: 'imethod', path: e.path, index: idx, iface: u, type: u.methods[idx]!.type });
      }
    }
    if (found.length === 1) return found[0]!;
    if (found.length > 1) return { kind: 'ambiguous' };
    level = next;
  }
  return { kind: 'none' };
}

/** A method in a type's method set: how to reach the declaring named type's method from a value of the type. */
export interface MethodSetEntry {
  name: string;
  type: FuncType;
  sel: Extract<Selection, { kind: 'method' | 'imethod' }>;
}

/**
 * The method set of t (Go spec): for a named type T the value-receiver
 * methods (also promoted ones), for *T all of them; an interface's methods.
 * Sorted by name. Promoted methods that need an address the value does not
 * give (a pointer method through an embedded non-pointer field of a value)
 * are left out, as Go does.
 */
export function methodSet(t: Type): MethodSetEntry[] {
  const u = under(t);
  if (u.k === 'iface') return u.methods.map((m, i) => ({ name: m.name, type: m.type, sel: { kind: 'imethod', path: [], index: i, iface: u, type: m.type } }));
  const isPtr = t.k === 'ptr';
  const base = isPtr ? (t as PtrType).elem : t;
  if (isPtr && base.k !== 'named' && under(base).k !== 'struct') return [];
  if (t.k !== 'ptr' && t.k !== 'named' && u.k !== 'struct') return [];
  // collect candidate names: methods of the type and of every embedded type, breadth-first
  const names = new Set<string>();
  const visit = (x: Type, seen: Set<Type>) => {
    if (seen.has(x)) return;
    seen.add(x);
    if (x.k === 'named') for (const m of x.methods) names.add(m.name);
    const xu = under(x);
    if (xu.k === 'struct') for (const f of xu.fields) if (f.embedded) visit(f.type.k === 'ptr' ? f.type.elem : f.type, seen);
    if (xu.k === 'iface' && x !== base) for (const m of xu.methods) names.add(m.name);
  };
  visit(base, new Set());
  const out: MethodSetEntry[] = [];
  for (const name of [...names].sort()) {
    const sel = lookupFieldOrMethod(t, name);
    if (sel.kind === 'method') {
      // a pointer-receiver method needs an addressable receiver: *T has it, T only through an embedded pointer
      const needsPtr = sel.method.ptrRecv && !sel.derefRecv && !isPtr;
      if (needsPtr) continue;
      out.push({ name, type: sel.method.type, sel });
    } else if (sel.kind === 'imethod') {
      out.push({ name, type: sel.type, sel });
    }
  }
  return out;
}

/** Does t implement interface iface? Returns the name of a missing method (or one with the wrong type), or null. */
export function missingMethod(t: Type, iface: IfaceType): { name: string; wrongType: boolean; ptrRecv: boolean } | null {
  const ms = methodSet(t);
  for (const m of iface.methods) {
    const have = ms.find((x) => x.name === m.name);
    if (!have) {
      // is it there with a pointer receiver?
      const sel = t.k !== 'ptr' ? lookupFieldOrMethod(t, m.name) : ({ kind: 'none' } as Selection);
      return { name: m.name, wrongType: false, ptrRecv: sel.kind === 'method' && sel.method.ptrRecv };
    }
    if (!identical(have.type, m.type)) return { name: m.name, wrongType: true, ptrRecv: false };
  }
  return null;
}
