// Reading the type descriptors the compiler emits (src/compile/rtype.ts):
// go1.19's _type and the kind's part at their real offsets (go_asm.h), then
// the gogo-emu extension (the type's string and its method table) where Go
// keeps the uncommontype. Everything is read from emulated memory; nothing is
// cached between calls except the go_asm.h constants.
//
// Also the value helpers the runtime's language support shares: Go's
// equality and hashing of values in memory (alg.go's typehash / _type.equal,
// for maps and interface comparisons) and heap strings.
import type { Arch } from '../arch/index.ts';
import type { Arena } from '../engine/arena.ts';
import { goAsmConst } from '../go119/goasm.ts';
import type { Runtime } from './runtime.ts';
import { GoPanic } from './throw.ts';

/** Words of a method-table entry (as src/compile/rtype.ts writes them). */
const METHOD_WORDS = 5;

/** go1.19's kinds (typekind.go). */
export const Kind = {
  Bool: 1,
  Int: 2,
  Int8: 3,
  Int16: 4,
  Int32: 5,
  Int64: 6,
  Uint: 7,
  Uint8: 8,
  Uint16: 9,
  Uint32: 10,
  Uint64: 11,
  Uintptr: 12,
  Float64: 14,
  Array: 17,
  Chan: 18,
  Func: 19,
  Interface: 20,
  Map: 21,
  Ptr: 22,
  Slice: 23,
  String: 24,
  Struct: 25,
} as const;

/** An integer kind's size in bytes (W: the word size) and signedness; null for other kinds. */
export function intKind(kind: number, W: number): { size: number; signed: boolean } | null {
  switch (kind) {
    case Kind.Int:
      return { size: W, signed: true };
    case Kind.Uint:
    case Kind.Uintptr:
      return { size: W, signed: false };
    case Kind.Int8:
    case Kind.Int16:
    case Kind.Int32:
    case Kind.Int64:
      return { size: 1 << (kind - Kind.Int8), signed: true };
    case Kind.Uint8:
    case Kind.Uint16:
    case Kind.Uint32:
    case Kind.Uint64:
      return { size: 1 << (kind - Kind.Uint8), signed: false };
    default:
      return null;
  }
}

/** The integer of kind `kind` at addr (see intKind), or null for other kinds. */
export function readInt(mem: Arena, kind: number, W: number, addr: number): bigint | null {
  const k = intKind(kind, W);
  if (!k) return null;
  const b = mem.read(addr, k.size);
  let v = 0n;
  for (let i = k.size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return k.signed ? BigInt.asIntN(k.size * 8, v) : v;
}

/** The float64 at addr. */
export function readFloat64(mem: Arena, addr: number): number {
  return Buffer.from(mem.read(addr, 8)).readDoubleLE(0);
}

const KIND_MASK = 31;
const KIND_DIRECT_IFACE = 32;

export interface FieldDesc {
  name: string;
  exported: boolean;
  embedded: boolean;
  type: TypeDesc;
  offset: number;
}

export interface MethodDesc {
  name: string;
  /** the method's func type as a string: name and signature identify a method */
  sig: string;
  /** the function an itab holds (receiver: an interface's data word) */
  ifn: number;
}

/** A view of one type descriptor in emulated memory. */
export class TypeDesc {
  constructor(
    private readonly mem: Arena,
    private readonly K: (name: string) => number,
    private readonly W: number,
    readonly addr: number,
  ) {}

  private at(addr: number): TypeDesc {
    return new TypeDesc(this.mem, this.K, this.W, addr);
  }

  get size(): number {
    return this.mem.ptr(this.addr + this.K('_type_size'));
  }
  get hash(): number {
    return this.mem.u32(this.addr + this.K('_type_hash'));
  }
  get kind(): number {
    return this.mem.u8(this.addr + this.K('_type_kind')) & KIND_MASK;
  }
  /** stored in an interface's data word as it is (pointer-shaped) */
  get direct(): boolean {
    return (this.mem.u8(this.addr + this.K('_type_kind')) & KIND_DIRECT_IFACE) !== 0;
  }
  get named(): boolean {
    return (this.mem.u8(this.addr + this.K('_type_tflag')) & this.K('const_tflagNamed')) !== 0;
  }
  /** the element type of a pointer, slice, array, channel or map */
  get elem(): TypeDesc {
    const k = this.kind;
    const off = k === Kind.Ptr ? 'ptrtype_elem' : k === Kind.Slice ? 'slicetype_elem' : k === Kind.Array ? 'arraytype_elem' : k === Kind.Chan ? 'chantype_elem' : k === Kind.Map ? 'maptype_elem' : null;
    if (!off) throw new Error(`typedesc: ${this.string} has no element type`);
    return this.at(this.mem.ptr(this.addr + this.K(off)));
  }
  get key(): TypeDesc {
    return this.at(this.mem.ptr(this.addr + this.K('maptype_key')));
  }
  get len(): number {
    return this.mem.ptr(this.addr + this.K('arraytype_len'));
  }
  /** maptype fields */
  get keysize(): number {
    return this.mem.u8(this.addr + this.K('maptype_keysize'));
  }
  get elemsize(): number {
    return this.mem.u8(this.addr + this.K('maptype_elemsize'));
  }
  get bucketsize(): number {
    return this.mem.u16(this.addr + this.K('maptype_bucketsize'));
  }
  get mapflags(): number {
    return this.mem.u32(this.addr + this.K('maptype_flags'));
  }
  get chandir(): number {
    return this.mem.ptr(this.addr + this.K('chantype_dir'));
  }

  get fields(): FieldDesc[] {
    const p = this.mem.ptr(this.addr + this.K('structtype_fields'));
    const n = this.mem.ptr(this.addr + this.K('structtype_fields') + this.W);
    const out: FieldDesc[] = [];
    const sz = this.K('structfield__size');
    for (let i = 0; i < n; i++) {
      const f = p + i * sz;
      const name = readName(this.mem, this.mem.ptr(f + this.K('structfield_name')));
      out.push({ ...name, type: this.at(this.mem.ptr(f + this.K('structfield_typ'))), offset: this.mem.ptr(f + this.K('structfield_offset')) });
    }
    return out;
  }

  /** where the gogo-emu extension starts (after the kind's part, as Go's uncommon()) */
  private get ext(): number {
    const base = this.K('_type__size');
    const part = (n: string) => this.K(`${n}__size`) - base;
    const k = this.kind;
    const size =
      k === Kind.Ptr ? part('ptrtype') : k === Kind.Slice ? part('slicetype') : k === Kind.Array ? part('arraytype') : k === Kind.Chan ? part('chantype') : k === Kind.Map ? part('maptype') : k === Kind.Struct ? part('structtype') : k === Kind.Interface ? part('interfacetype') : k === Kind.Func ? part('functype') : 0;
    return this.addr + base + size;
  }

  /** the type as reflect writes it (%T) */
  get string(): string {
    const e = this.ext;
    const p = this.mem.ptr(e);
    const n = this.mem.ptr(e + this.W);
    return n === 0 ? '' : Buffer.from(this.mem.read(p, n)).toString('utf8');
  }

  /** the method table (a type's method set; an interface's methods), sorted by name */
  get methods(): MethodDesc[] {
    const e = this.ext;
    const n = this.mem.ptr(e + 2 * this.W);
    const p = this.mem.ptr(e + 3 * this.W);
    const out: MethodDesc[] = [];
    const str = (a: number, l: number) => (l === 0 ? '' : Buffer.from(this.mem.read(a, l)).toString('utf8'));
    for (let i = 0; i < n; i++) {
      const m = p + i * METHOD_WORDS * this.W;
      const w = (j: number) => this.mem.ptr(m + j * this.W);
      out.push({ name: str(w(0), w(1)), sig: str(w(2), w(3)), ifn: w(4) });
    }
    return out;
  }

  /** The package path part of the type's name (main for main.T). */
  get pkgpath(): string {
    const s = this.string;
    const m = /^\**([\w]+)\./.exec(s);
    return m ? m[1]! : '';
  }
}


/** go1.19's name encoding: a flag byte (1 exported, 8 embedded), a varint length, the bytes. */
function readName(mem: Arena, p: number): { name: string; exported: boolean; embedded: boolean } {
  const flags = mem.u8(p);
  let n = 0;
  let shift = 0;
  let i = 1;
  for (;;) {
    const b = mem.u8(p + i++);
    n |= (b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7;
  }
  return { name: Buffer.from(mem.read(p + i, n)).toString('utf8'), exported: (flags & 1) !== 0, embedded: (flags & 8) !== 0 };
}

/** The go_asm.h constants of the runtime's arch, cached. */
export function goasmOf(arch: Arch): (name: string) => number {
  const cache = new Map<string, number>();
  return (name: string) => {
    let v = cache.get(name);
    if (v === undefined) {
      v = goAsmConst(arch, name);
      cache.set(name, v);
    }
    return v;
  };
}

const K_BY_ARCH = new Map<string, (name: string) => number>();

/** The descriptor at addr. */
export function typeAt(rt: Runtime, addr: number): TypeDesc {
  let K = K_BY_ARCH.get(rt.arch.name);
  if (!K) K_BY_ARCH.set(rt.arch.name, (K = goasmOf(rt.arch)));
  return new TypeDesc(rt.mem, K, rt.arch.ptrSize, addr);
}

/** The go_asm.h constants for rt's arch. */
export function K(rt: Runtime): (name: string) => number {
  typeAt(rt, 0);
  return K_BY_ARCH.get(rt.arch.name)!;
}

// ---- strings ---------------------------------------------------------------------------

/** A Go string's bytes. */
export function readString(rt: Runtime, p: number, n: number): Uint8Array {
  return n === 0 ? new Uint8Array(0) : rt.mem.read(p, n);
}

/** A new heap string with these bytes: [pointer, length] (the empty string has no bytes). */
export function newString(rt: Runtime, b: Uint8Array): [number, number] {
  if (b.length === 0) return [0, 0];
  const p = rt.heap.alloc(b.length);
  rt.mem.write(p, b);
  return [p, b.length];
}

// ---- equality and hashing (alg.go) --------------------------------------------------------

/** A value of type t at a and at b are equal (Go's ==); uncomparable types panic as Go's do. */
export function valuesEqual(rt: Runtime, t: TypeDesc, a: number, b: number): boolean {
  const mem = rt.mem;
  const W = rt.arch.ptrSize;
  const ik = intKind(t.kind, W);
  if (ik) return Buffer.compare(Buffer.from(mem.read(a, ik.size)), Buffer.from(mem.read(b, ik.size))) === 0;
  switch (t.kind) {
    case Kind.Bool:
      return mem.u8(a) === mem.u8(b);
    case Kind.Float64:
      return readFloat64(mem, a) === readFloat64(mem, b);
    case Kind.Ptr:
    case Kind.Chan:
    case Kind.Map:
      return mem.word(a) === mem.word(b);
    case Kind.String: {
      const n = mem.ptr(a + W);
      if (n !== mem.ptr(b + W)) return false;
      return Buffer.compare(readString(rt, mem.ptr(a), n), readString(rt, mem.ptr(b), n)) === 0;
    }
    case Kind.Interface: {
      const ta = mem.ptr(a);
      if (ta !== mem.ptr(b)) return false;
      if (ta === 0) return true;
      // a non-empty interface holds an itab; its _type follows at itab._type
      const iface = t.methods.length > 0;
      const dyn = typeAt(rt, iface ? mem.ptr(ta + K(rt)('itab__type')) : ta);
      return dataEqual(rt, dyn, mem.ptr(a + W), mem.ptr(b + W));
    }
    case Kind.Array: {
      const e = t.elem;
      const es = e.size;
      for (let i = 0; i < t.len; i++) if (!valuesEqual(rt, e, a + i * es, b + i * es)) return false;
      return true;
    }
    case Kind.Struct:
      return t.fields.every((f) => f.name === '_' || valuesEqual(rt, f.type, a + f.offset, b + f.offset));
    default:
      throw new GoPanic(`runtime error: comparing uncomparable type ${t.string}`, rt.getg().goid);
  }
}

/** Two interface data words of dynamic type t are equal (efaceeq/ifaceeq). */
export function dataEqual(rt: Runtime, t: TypeDesc, x: number, y: number): boolean {
  const k = t.kind;
  if (k === Kind.Slice || k === Kind.Map || k === Kind.Func) throw new GoPanic(`runtime error: comparing uncomparable type ${t.string}`, rt.getg().goid);
  if (t.direct) return x === y;
  return valuesEqual(rt, t, x, y);
}

/** Go's hashing of a value for maps (any function of the value that == respects; seeded per map). */
export function hashValue(rt: Runtime, t: TypeDesc, p: number, seed: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  const mix = (x: number) => {
    h = Math.imul(h ^ (x >>> 0), 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
  };
  const bytes = (b: Uint8Array) => {
    for (const x of b) mix(x);
    mix(b.length);
  };
  const mem = rt.mem;
  const W = rt.arch.ptrSize;
  const visit = (t: TypeDesc, p: number): void => {
    const ik = intKind(t.kind, W);
    if (ik) {
      // words (int, uint, uintptr) and 64-bit values as two 32-bit halves; narrower values as they are
      const v = readInt(mem, t.kind, W, p)!;
      const u = BigInt.asUintN(ik.size * 8, v);
      if (ik.size === 8 || t.kind === Kind.Int || t.kind === Kind.Uint || t.kind === Kind.Uintptr) {
        mix(Number(u & 0xffffffffn));
        mix(Number(u >> 32n));
      } else mix(Number(u));
      return;
    }
    switch (t.kind) {
      case Kind.Bool:
        mix(mem.u8(p));
        return;
      case Kind.Float64: {
        // +0 and -0 are equal keys (f64hash); a NaN never equals anything, whatever its hash
        const f = readFloat64(mem, p);
        const b = Buffer.alloc(8);
        b.writeDoubleLE(f === 0 ? 0 : f);
        mix(b.readUInt32LE(0));
        mix(b.readUInt32LE(4));
        return;
      }
      case Kind.Ptr:
      case Kind.Chan:
      case Kind.Map: {
        const v = mem.word(p);
        mix(Number(v & 0xffffffffn));
        mix(Number((v >> 32n) & 0xffffffffn));
        return;
      }
      case Kind.String:
        bytes(readString(rt, mem.ptr(p), mem.ptr(p + W)));
        return;
      case Kind.Interface: {
        const tab = mem.ptr(p);
        if (tab === 0) {
          mix(0);
          return;
        }
        const dyn = typeAt(rt, t.methods.length > 0 ? mem.ptr(tab + K(rt)('itab__type')) : tab);
        const k = dyn.kind;
        if (k === Kind.Slice || k === Kind.Map || k === Kind.Func) throw new GoPanic(`runtime error: hash of unhashable type ${dyn.string}`, rt.getg().goid);
        mix(dyn.hash);
        const data = mem.ptr(p + W);
        if (dyn.direct) {
          mix(data);
          return;
        }
        visit(dyn, data);
        return;
      }
      case Kind.Array:
        for (let i = 0; i < t.len; i++) visit(t.elem, p + i * t.elem.size);
        return;
      case Kind.Struct:
        for (const f of t.fields) if (f.name !== '_') visit(f.type, p + f.offset);
        return;
      default:
        throw new GoPanic(`runtime error: hash of unhashable type ${t.string}`, rt.getg().goid);
    }
  };
  visit(t, p);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
