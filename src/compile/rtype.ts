// Runtime type descriptors and itabs, emitted as read-only data.
//
// Every type the generated code hands to the runtime (make, new, interface
// conversions, maps, fmt) gets one descriptor, `type.N`, so two descriptors
// are equal exactly when the types are identical. Its head is go1.19's
// _type at the real offsets (size, ptrdata, hash, tflag, align, fieldAlign,
// kind, equal, gcdata, str, ptrToThis), followed by the kind's own part as
// go1.19 lays it out (ptrtype.elem, slicetype.elem, arraytype.elem/slice/len,
// chantype.elem/dir, maptype.key/elem/bucket/hasher/keysize/elemsize/
// bucketsize/flags, structtype.pkgPath/fields, interfacetype.pkgpath/mhdr,
// functype.inCount/outCount). Field names use go1.19's name encoding (a
// flag byte, a varint length, the bytes).
//
// Go resolves the remaining names and method tables through 32-bit offsets
// into the module data (nameOff, typeOff, textOff, the uncommontype); the
// emulator has no module data, so where go1.19 puts the uncommontype this
// descriptor has a gogo-emu extension instead (EXT_WORDS words):
//   word 0, 1   the type's string as reflect writes it (%T): pointer, length
//   word 2, 3   the method table: count, pointer
// A method-table entry is METHOD_WORDS words: name pointer, name length,
// signature pointer, signature length (the method's func type as a string,
// e.g. "func() string": name and signature together identify a method), and
// the entry the itab holds (its receiver is an interface's data word). For an
// interface type the table lists its methods (entry 0).
//
// Itabs (`go.itab.N`) are go1.19's: inter, _type, hash, padding, fun[] at the
// real offsets; the compiler emits one per (concrete type, interface) pair
// it converts between; the runtime builds the others (assertions to an
// interface, src/runtime/iface.ts) from the method tables.
import type { DataBlock, DataItem } from './ir.ts';
import {
  alignOf,
  type FuncType,
  hasPointers,
  isDirectIface,
  methodSet,
  type MethodSetEntry,
  type NamedType,
  rtypeString,
  sizeOf,
  structLayout,
  type Type,
  under,
  identical,
} from './types.ts';

/** Words of the gogo-emu extension after the kind's part. */
export const EXT_WORDS = 4;
/** Words of one method-table entry. */
export const METHOD_WORDS = 5;

/** go1.19's kind numbers (runtime/typekind.go, via go_asm.h). */
export function kindOf(t: Type, K: (name: string) => number): number {
  const u = under(t);
  switch (u.k) {
    case 'bool':
      return K('const_kindBool');
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
    case 'float64':
      // const_kindInt, const_kindUint8, ... (go_asm.h spells them with a capital)
      return K(`const_kind${u.k[0]!.toUpperCase()}${u.k.slice(1)}`);
    case 'string':
      return K('const_kindString');
    case 'slice':
      return K('const_kindSlice');
    case 'array':
      return K('const_kindArray');
    case 'ptr':
      return K('const_kindPtr');
    case 'struct':
    case 'sync':
      return K('const_kindStruct');
    case 'map':
      return K('const_kindMap');
    case 'chan':
      return K('const_kindChan');
    case 'func':
      return K('const_kindFunc');
    case 'iface':
      return K('const_kindInterface');
    default:
      throw new Error(`kindOf: no runtime kind for ${u.k}`);
  }
}

/** The size of the kind-specific part that follows _type (go_asm.h <kind>type__size minus _type__size). */
export function kindPartSize(t: Type, K: (name: string) => number): number {
  const base = K('_type__size');
  const u = under(t);
  const part = (name: string) => K(`${name}__size`) - base;
  switch (u.k) {
    case 'ptr':
      return part('ptrtype');
    case 'slice':
      return part('slicetype');
    case 'array':
      return part('arraytype');
    case 'chan':
      return part('chantype');
    case 'map':
      return part('maptype');
    case 'struct':
      return part('structtype');
    case 'iface':
      return part('interfacetype');
    case 'func':
      return part('functype');
    default:
      return 0;
  }
}

/** FNV-1a of the type's string: the _type.hash of a descriptor (and of itabs). */
export function typeHash(s: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(s)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** go1.19's name encoding: flags, varint length, bytes (flag 1<<0 exported, 1<<3 embedded). */
export function encodeName(name: string, embedded: boolean): Uint8Array {
  const b = new TextEncoder().encode(name);
  const exported = /^\p{Lu}/u.test(name);
  const len: number[] = [];
  let n = b.length;
  do {
    len.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>= 7;
  } while (n > 0);
  return Uint8Array.from([(exported ? 1 : 0) | (embedded ? 8 : 0), ...len, ...b]);
}

/** A method-table entry to be built: the function an itab calls for `name` on values of `recv`. */
export interface IfaceEntry {
  /** the entry's link symbol (the declared method itself, or a wrapper to generate) */
  symbol: string;
  /** the declared method to call when `symbol` is a wrapper */
  wrapper: { recv: Type; entry: MethodSetEntry } | null;
}

/** Where the descriptors go, and the facts they need. */
export interface RTypeHost {
  readonly W: number;
  /** a go_asm.h constant of the target */
  K(name: string): number;
  addData(name: string, line: number, items: DataItem[]): string;
  /** the symbol of the rodata bytes of a string (null for the empty string) */
  stringSym(bytes: Uint8Array, line: number): string | null;
  /** a wrapper function the program must contain (generated by the lowering) */
  needWrapper(e: IfaceEntry): void;
}

export class RTypes {
  private readonly syms: { t: Type; sym: string }[] = [];
  private readonly itabs: { t: Type; i: Type; sym: string }[] = [];
  private n = 0;

  constructor(private readonly h: RTypeHost) {}

  private get W(): number {
    return this.h.W;
  }

  /** The descriptor of t (emitted with everything it refers to on first use). */
  typeSym(t: Type): string {
    for (const x of this.syms) if (x.t === t || identical(x.t, t)) return x.sym;
    const sym = `type.${this.n++}`;
    this.syms.push({ t, sym });
    this.emit(t, sym);
    return sym;
  }

  /** The itab of concrete type t for interface i. */
  itabSym(t: Type, i: Type): string {
    for (const x of this.itabs) if (identical(x.t, t) && identical(x.i, i)) return x.sym;
    const sym = `go.itab.${this.itabs.length}`;
    this.itabs.push({ t, i, sym });
    const W = this.W;
    const K = (n: string) => this.h.K(n);
    const items: DataItem[] = [];
    const put = new Writer(items, W);
    put.word(this.typeSym(i));
    put.word(this.typeSym(t));
    put.int(4, typeHash(rtypeString(t)));
    put.pad(K('itab_fun'));
    const iu = under(i);
    if (iu.k !== 'iface') throw new Error('itabSym: not an interface');
    const ms = methodSet(t);
    for (const m of iu.methods) {
      const have = ms.find((x) => x.name === m.name);
      if (!have) throw new Error(`itabSym: ${rtypeString(t)} has no method ${m.name}`);
      put.word(this.ifaceEntry(t, have).symbol);
    }
    this.h.addData(sym, 0, items);
    return sym;
  }

  /** The link name of a named type (main.T, main.T..1 for a local type, errors.errorString). */
  static linkName(t: NamedType): string {
    return `${t.pkg === '' ? 'go' : t.pkg}.${t.name}${t.localId !== undefined ? `..${t.localId}` : ''}`;
  }

  /**
   * The function an itab holds for method `m` of values of type t: its
   * receiver is the interface's data word (t itself when pointer-shaped,
   * else a pointer to a t). A method declared with that very receiver is
   * used as it is; everything else goes through a wrapper main.(*T).M /
   * main.T.M (gc's names), generated by the lowering.
   */
  ifaceEntry(t: Type, m: MethodSetEntry): IfaceEntry {
    const direct = isDirectIface(t);
    const sel = m.sel;
    if (sel.kind === 'method' && sel.path.length === 0) {
      if (sel.method.ptrRecv && t.k === 'ptr') return { symbol: sel.method.symbol, wrapper: null };
      if (!sel.method.ptrRecv && direct && t.k === 'named') return { symbol: sel.method.symbol, wrapper: null };
    }
    // the wrapper's receiver: a pointer to the value, or the pointer-shaped value itself
    const base = t.k === 'ptr' ? t.elem : t;
    let symbol: string;
    if (direct && t.k !== 'ptr') symbol = base.k === 'named' ? `${RTypes.linkName(base)}.${m.name}` : `${this.typeSym(t)}.${m.name}`;
    else symbol = base.k === 'named' ? `${RTypes.linkName(base).replace(/\.([^.]+(?:\.\.\d+)?)$/, '.(*$1)')}.${m.name}` : `${this.typeSym({ k: 'ptr', elem: base })}.${m.name}`;
    const e: IfaceEntry = { symbol, wrapper: { recv: direct && t.k !== 'ptr' ? t : { k: 'ptr', elem: base }, entry: m } };
    this.h.needWrapper(e);
    return e;
  }

  private emit(t: Type, sym: string): void {
    const W = this.W;
    const K = (n: string) => this.h.K(n);
    const items: DataItem[] = [];
    const put = new Writer(items, W);
    const u = under(t);
    const str = rtypeString(t);
    const size = sizeOf(t, W);
    // _type
    put.at(K('_type_size')).word(BigInt(size));
    put.at(K('_type_ptrdata')).word(BigInt(hasPointers(t) ? size : 0));
    put.at(K('_type_hash')).int(4, typeHash(str));
    const ms = u.k === 'iface' ? [] : methodSet(t);
    const tflag = (t.k === 'named' ? K('const_tflagNamed') : 0) | (ms.length > 0 || t.k === 'named' ? K('const_tflagUncommon') : 0);
    put.at(K('_type_tflag')).int(1, tflag);
    put.at(K('_type_align')).int(1, alignOf(t, W));
    put.at(K('_type_fieldAlign')).int(1, alignOf(t, W));
    put.at(K('_type_kind')).int(1, kindOf(t, K) | (isDirectIface(t) ? K('const_kindDirectIface') : 0));
    put.at(K('_type_equal')).word(0n);
    put.at(K('_type_gcdata')).word(0n);
    put.at(K('_type_str')).int(4, 0);
    put.at(K('_type_ptrToThis')).int(4, 0);
    put.pad(K('_type__size'));
    // the kind's part
    const extraBlocks: { name: string; items: DataItem[] }[] = [];
    switch (u.k) {
      case 'ptr':
        put.at(K('ptrtype_elem')).word(this.typeSym(u.elem));
        break;
      case 'slice':
        put.at(K('slicetype_elem')).word(this.typeSym(u.elem));
        break;
      case 'array':
        put.at(K('arraytype_elem')).word(this.typeSym(u.elem));
        put.at(K('arraytype_slice')).word(this.typeSym({ k: 'slice', elem: u.elem }));
        put.at(K('arraytype_len')).word(BigInt(u.len));
        break;
      case 'chan':
        put.at(K('chantype_elem')).word(this.typeSym(u.elem));
        put.at(K('chantype_dir')).word(BigInt(u.dir === 'recv' ? 1 : u.dir === 'send' ? 2 : 3));
        break;
      case 'map': {
        const ks = sizeOf(u.key, W);
        const es = sizeOf(u.elem, W);
        const maxKey = K('const_maxKeySize');
        const maxElem = K('const_maxElemSize');
        const keysize = ks > maxKey ? W : ks;
        const elemsize = es > maxElem ? W : es;
        const ov = Math.ceil((K('const_bucketCnt') + K('const_bucketCnt') * (keysize + elemsize)) / W) * W;
        put.at(K('maptype_key')).word(this.typeSym(u.key));
        put.at(K('maptype_elem')).word(this.typeSym(u.elem));
        put.at(K('maptype_bucket')).word(0n);
        put.at(K('maptype_hasher')).word(0n);
        put.at(K('maptype_keysize')).int(1, keysize);
        put.at(K('maptype_elemsize')).int(1, elemsize);
        put.at(K('maptype_bucketsize')).int(2, ov + W);
        // indirectkey 1, indirectelem 2, reflexivekey 4 (no floats), needkeyupdate 8 (strings, interfaces)
        const needUpdate = u.key.k === 'string' || under(u.key).k === 'string' || under(u.key).k === 'iface';
        put.at(K('maptype_flags')).int(4, (ks > maxKey ? 1 : 0) | (es > maxElem ? 2 : 0) | 4 | (needUpdate ? 8 : 0));
        break;
      }
      case 'struct': {
        const fsym = `${sym}.fields`;
        const { offsets } = structLayout(u, W);
        const fitems: DataItem[] = [];
        const fp = new Writer(fitems, W);
        u.fields.forEach((f, i) => {
          const nsym = this.h.addData(`${sym}.name${i}`, 0, [{ k: 'bytes', b: encodeName(f.name, f.embedded) }]);
          fp.word(nsym);
          fp.word(this.typeSym(f.type));
          fp.word(BigInt(offsets[i]!));
        });
        put.at(K('structtype_pkgPath')).word(0n);
        put.at(K('structtype_fields')).word(u.fields.length ? fsym : 0n);
        put.word(BigInt(u.fields.length));
        put.word(BigInt(u.fields.length));
        if (u.fields.length) extraBlocks.push({ name: fsym, items: fitems });
        break;
      }
      case 'iface':
        put.at(K('interfacetype_pkgpath')).word(0n);
        put.at(K('interfacetype_mhdr')).word(0n);
        put.word(BigInt(u.methods.length));
        put.word(BigInt(u.methods.length));
        break;
      case 'func':
        put.at(K('functype_inCount')).int(2, u.params.length);
        put.at(K('functype_outCount')).int(2, u.results.length | (u.variadic ? 0x8000 : 0));
        break;
      default:
        break;
    }
    put.pad(K('_type__size') + kindPartSize(t, K));
    // the gogo-emu extension
    const sbytes = new TextEncoder().encode(str);
    put.word(this.h.stringSym(sbytes, 0) ?? 0n);
    put.word(BigInt(sbytes.length));
    const mitems: DataItem[] = [];
    const mp = new Writer(mitems, W);
    if (u.k === 'iface') {
      for (const m of u.methods) this.methodEntry(mp, m.name, m.type, null);
      put.word(BigInt(u.methods.length));
    } else {
      for (const m of ms) this.methodEntry(mp, m.name, m.type, this.ifaceEntry(t, m).symbol);
      put.word(BigInt(ms.length));
    }
    const msym = `${sym}.methods`;
    put.word(mitems.length ? msym : 0n);
    if (mitems.length) extraBlocks.push({ name: msym, items: mitems });
    this.h.addData(sym, 0, items);
    for (const b of extraBlocks) this.h.addData(b.name, 0, b.items);
  }

  private methodEntry(w: Writer, name: string, type: FuncType, entry: string | null): void {
    const nb = new TextEncoder().encode(name);
    const sb = new TextEncoder().encode(rtypeString(type));
    w.word(this.h.stringSym(nb, 0) ?? 0n);
    w.word(BigInt(nb.length));
    w.word(this.h.stringSym(sb, 0) ?? 0n);
    w.word(BigInt(sb.length));
    w.word(entry ?? 0n);
  }
}

/** Appends data items at byte offsets (checking that fields are written in order). */
class Writer {
  private off = 0;
  constructor(
    private readonly items: DataItem[],
    private readonly W: number,
  ) {}

  /** Pad to `off` (which must not be behind). */
  at(off: number): this {
    this.pad(off);
    return this;
  }

  pad(off: number): void {
    if (off < this.off) throw new Error(`rtype: field at ${off} written after ${this.off}`);
    while (this.off < off) this.int(1, 0);
  }

  word(v: bigint | string): void {
    this.items.push({ k: 'word', v });
    this.off += this.W;
  }

  int(size: 1 | 2 | 4, v: number): void {
    this.items.push({ k: 'int', size, v });
    this.off += size;
  }
}
