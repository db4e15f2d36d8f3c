// Maps: a port of go1.19 map.go over emulated memory. The hmap header, the
// buckets (bmap: 8 tophash bytes, 8 keys, 8 elements, the overflow pointer;
// keys or elements over 128 bytes stored indirectly) and the iterator
// (hiter) are laid out as go1.19 lays them out (go_asm.h offsets, the
// maptype's keysize/elemsize/bucketsize/flags from the compiler's
// descriptor). Lookups, assignment, deletion (emptyOne/emptyRest) and
// iteration follow map.go; iteration starts at a random bucket and a random
// offset within buckets (fastrand, seeded by the run's --seed), as Go
// randomizes map order.
//
// Differs from go1.19: the hash function (any function of the value that ==
// respects, seeded per map by hash0), and growth, which rehashes the whole
// table at once when the load factor (6.5) or the overflow-bucket count is
// exceeded, instead of evacuating incrementally. An iterator that started
// before a growth keeps walking the old buckets and checks each key against
// the current table (yielding its current element, skipping deleted keys),
// which keeps Go's guarantees for maps modified during iteration.
import type { Runtime } from './runtime.ts';
import { hashValue, K, type TypeDesc, typeAt, valuesEqual } from './typedesc.ts';
import { GoPanic } from './throw.ts';

const BUCKET_CNT = 8;
const EMPTY_REST = 0;
const EMPTY_ONE = 1;
const MIN_TOP_HASH = 5;
const HASH_WRITING = 4;
const INDIRECT_KEY = 1;
const INDIRECT_ELEM = 2;

/** A map's type and its layout facts. */
class MapType {
  readonly key: TypeDesc;
  readonly elem: TypeDesc;
  readonly keysize: number;
  readonly elemsize: number;
  readonly bucketsize: number;
  readonly flags: number;
  constructor(readonly t: TypeDesc) {
    this.key = t.key;
    this.elem = t.elem;
    this.keysize = t.keysize;
    this.elemsize = t.elemsize;
    this.bucketsize = t.bucketsize;
    this.flags = t.mapflags;
  }
}

/** The hmap at h (go1.19's field offsets). */
class Hmap {
  private readonly k: (n: string) => number;
  constructor(
    private readonly rt: Runtime,
    readonly addr: number,
  ) {
    this.k = K(rt);
  }
  private a(f: string): number {
    return this.addr + this.k(`hmap_${f}`);
  }
  get count(): number {
    return this.rt.mem.ptr(this.a('count'));
  }
  set count(v: number) {
    this.rt.mem.setPtr(this.a('count'), v);
  }
  get flags(): number {
    return this.rt.mem.u8(this.a('flags'));
  }
  set flags(v: number) {
    this.rt.mem.setU8(this.a('flags'), v);
  }
  get B(): number {
    return this.rt.mem.u8(this.a('B'));
  }
  set B(v: number) {
    this.rt.mem.setU8(this.a('B'), v);
  }
  get noverflow(): number {
    return this.rt.mem.u16(this.a('noverflow'));
  }
  set noverflow(v: number) {
    this.rt.mem.setU16(this.a('noverflow'), Math.min(v, 0xffff));
  }
  get hash0(): number {
    return this.rt.mem.u32(this.a('hash0'));
  }
  set hash0(v: number) {
    this.rt.mem.setU32(this.a('hash0'), v);
  }
  get buckets(): number {
    return this.rt.mem.ptr(this.a('buckets'));
  }
  set buckets(v: number) {
    this.rt.mem.setPtr(this.a('buckets'), v);
  }
}

const overLoadFactor = (count: number, B: number) => count > BUCKET_CNT && count > 13 * (2 ** B / 2);
const tooManyOverflowBuckets = (noverflow: number, B: number) => noverflow >= 2 ** Math.min(B, 15);

function tophash(hash: number): number {
  const top = hash >>> 24;
  return top < MIN_TOP_HASH ? top + MIN_TOP_HASH : top;
}

/** Addresses within a bucket. */
function keyAt(mt: MapType, b: number, i: number): number {
  return b + BUCKET_CNT + i * mt.keysize;
}
function elemAt(mt: MapType, b: number, i: number): number {
  return b + BUCKET_CNT + BUCKET_CNT * mt.keysize + i * mt.elemsize;
}
function overflowOf(rt: Runtime, mt: MapType, b: number): number {
  return rt.mem.ptr(b + mt.bucketsize - rt.arch.ptrSize);
}
function setOverflow(rt: Runtime, mt: MapType, b: number, ov: number): void {
  rt.mem.setPtr(b + mt.bucketsize - rt.arch.ptrSize, ov);
}

/** The key stored in a slot (through its pointer when stored indirectly). */
function slotKey(rt: Runtime, mt: MapType, b: number, i: number): number {
  const k = keyAt(mt, b, i);
  return mt.flags & INDIRECT_KEY ? rt.mem.ptr(k) : k;
}
function slotElem(rt: Runtime, mt: MapType, b: number, i: number): number {
  const e = elemAt(mt, b, i);
  return mt.flags & INDIRECT_ELEM ? rt.mem.ptr(e) : e;
}

function fastrand(rt: Runtime): number {
  return rt.fastrand() >>> 0;
}

/** makemap(t, hint, h): a new map sized for `hint` elements. */
export function makemap(rt: Runtime, t: number, hint: number): number {
  const mt = new MapType(typeAt(rt, t));
  const h = new Hmap(rt, rt.heap.alloc(K(rt)('hmap__size')));
  h.hash0 = fastrand(rt);
  let B = 0;
  if (hint < 0) hint = 0;
  while (overLoadFactor(hint, B)) B++;
  h.B = B;
  if (B !== 0) h.buckets = rt.heap.alloc(mt.bucketsize * 2 ** B);
  return h.addr;
}

/** The slot holding `key` (address of a key in memory), or null. */
function lookup(rt: Runtime, mt: MapType, h: Hmap, key: number): { b: number; i: number } | null {
  if (h.count === 0 || h.buckets === 0) return null;
  const hash = hashValue(rt, mt.key, key, h.hash0);
  const top = tophash(hash);
  let b = h.buckets + (hash & (2 ** h.B - 1)) * mt.bucketsize;
  for (; b !== 0; b = overflowOf(rt, mt, b)) {
    for (let i = 0; i < BUCKET_CNT; i++) {
      const th = rt.mem.u8(b + i);
      if (th !== top) {
        if (th === EMPTY_REST) return null;
        continue;
      }
      if (valuesEqual(rt, mt.key, key, slotKey(rt, mt, b, i))) return { b, i };
    }
  }
  return null;
}

/** A zero value of the element type (mapaccess of a missing key): one zeroed block per size, kept in the heap. */
function zeroVal(rt: Runtime, size: number): number {
  return rt.heap.alloc(size);
}

export function mapaccess1(rt: Runtime, t: number, h: number, key: number): number {
  const mt = new MapType(typeAt(rt, t));
  if (h === 0) {
    hashValue(rt, mt.key, key, 0); // a nil map still panics on unhashable keys
    return zeroVal(rt, mt.elem.size);
  }
  const s = lookup(rt, mt, new Hmap(rt, h), key);
  return s ? slotElem(rt, mt, s.b, s.i) : zeroVal(rt, mt.elem.size);
}

export function mapaccess2(rt: Runtime, t: number, h: number, key: number): [number, number] {
  const mt = new MapType(typeAt(rt, t));
  if (h === 0) {
    hashValue(rt, mt.key, key, 0);
    return [zeroVal(rt, mt.elem.size), 0];
  }
  const s = lookup(rt, mt, new Hmap(rt, h), key);
  return s ? [slotElem(rt, mt, s.b, s.i), 1] : [zeroVal(rt, mt.elem.size), 0];
}

/** Put a key (copied from `key`) into an empty slot; returns the element's address (zeroed). */
function fill(rt: Runtime, mt: MapType, b: number, i: number, top: number, key: number): number {
  rt.mem.setU8(b + i, top);
  const ks = mt.key.size;
  let kp = keyAt(mt, b, i);
  if (mt.flags & INDIRECT_KEY) {
    const p = rt.heap.alloc(ks);
    rt.mem.setPtr(kp, p);
    kp = p;
  }
  if (ks > 0) rt.mem.copyWithin(kp, key, ks);
  let ep = elemAt(mt, b, i);
  if (mt.flags & INDIRECT_ELEM) {
    const p = rt.heap.alloc(mt.elem.size);
    rt.mem.setPtr(ep, p);
    ep = p;
  } else {
    rt.mem.fill(ep, mt.elemsize, 0);
  }
  return ep;
}

/** A free slot for hash in the table (a new overflow bucket if needed). */
function insertSlot(rt: Runtime, mt: MapType, h: Hmap, hash: number): { b: number; i: number } {
  let b = h.buckets + (hash & (2 ** h.B - 1)) * mt.bucketsize;
  for (;;) {
    for (let i = 0; i < BUCKET_CNT; i++) if (rt.mem.u8(b + i) <= EMPTY_ONE) return { b, i };
    const ov = overflowOf(rt, mt, b);
    if (ov === 0) {
      const nb = rt.heap.alloc(mt.bucketsize);
      setOverflow(rt, mt, b, nb);
      h.noverflow = h.noverflow + 1;
      return { b: nb, i: 0 };
    }
    b = ov;
  }
}

/** Grow the table to 2^(B+1) buckets (or the same size to drop overflow buckets), rehashing every entry. */
function grow(rt: Runtime, mt: MapType, h: Hmap): void {
  const oldB = h.B;
  const old = h.buckets;
  const newB = overLoadFactor(h.count + 1, oldB) ? oldB + 1 : oldB;
  h.B = newB;
  h.buckets = rt.heap.alloc(mt.bucketsize * 2 ** newB);
  h.noverflow = 0;
  for (let bi = 0; bi < 2 ** oldB; bi++) {
    for (let b = old + bi * mt.bucketsize; b !== 0; b = overflowOf(rt, mt, b)) {
      for (let i = 0; i < BUCKET_CNT; i++) {
        if (rt.mem.u8(b + i) < MIN_TOP_HASH) continue;
        const k = slotKey(rt, mt, b, i);
        const hash = hashValue(rt, mt.key, k, h.hash0);
        const s = insertSlot(rt, mt, h, hash);
        // move the stored words (pointers for indirect keys and elements)
        rt.mem.setU8(s.b + s.i, tophash(hash));
        rt.mem.copyWithin(keyAt(mt, s.b, s.i), keyAt(mt, b, i), mt.keysize);
        rt.mem.copyWithin(elemAt(mt, s.b, s.i), elemAt(mt, b, i), mt.elemsize);
      }
    }
  }
}

/** mapassign: the element slot for key (inserted, zeroed, when new). */
export function mapassign(rt: Runtime, t: number, hp: number, key: number): number {
  if (hp === 0) throw new GoPanic('assignment to entry in nil map', rt.getg().goid, undefined, false, { kind: 'plainError' });
  const mt = new MapType(typeAt(rt, t));
  const h = new Hmap(rt, hp);
  if (h.flags & HASH_WRITING) throwConcurrent(rt, 'concurrent map writes');
  const hash = hashValue(rt, mt.key, key, h.hash0);
  if (h.buckets === 0) h.buckets = rt.heap.alloc(mt.bucketsize);
  const found = lookup(rt, mt, h, key);
  if (found) {
    if (mt.flags & 8) rt.mem.copyWithin(slotKey(rt, mt, found.b, found.i), key, mt.key.size); // needkeyupdate
    return slotElem(rt, mt, found.b, found.i);
  }
  if (overLoadFactor(h.count + 1, h.B) || tooManyOverflowBuckets(h.noverflow, h.B)) grow(rt, mt, h);
  const s = insertSlot(rt, mt, h, hash);
  const ep = fill(rt, mt, s.b, s.i, tophash(hash), key);
  h.count = h.count + 1;
  return ep;
}

function throwConcurrent(_rt: Runtime, what: string): never {
  throw new GoPanic(what, 0, undefined, true);
}

/** mapdelete: remove key if present (its slot becomes emptyOne, then emptyRest runs are marked as map.go does). */
export function mapdelete(rt: Runtime, t: number, hp: number, key: number): void {
  const mt = new MapType(typeAt(rt, t));
  if (hp === 0) {
    hashValue(rt, mt.key, key, 0);
    return;
  }
  const h = new Hmap(rt, hp);
  const s = lookup(rt, mt, h, key);
  if (!s) return;
  if (mt.flags & INDIRECT_KEY) rt.mem.setPtr(keyAt(mt, s.b, s.i), 0);
  else rt.mem.fill(keyAt(mt, s.b, s.i), mt.keysize, 0);
  if (mt.flags & INDIRECT_ELEM) rt.mem.setPtr(elemAt(mt, s.b, s.i), 0);
  else rt.mem.fill(elemAt(mt, s.b, s.i), mt.elemsize, 0);
  rt.mem.setU8(s.b + s.i, EMPTY_ONE);
  h.count = h.count - 1;
  // a fresh seed when the map becomes empty (as Go does, against repeated collisions)
  if (h.count === 0) h.hash0 = fastrand(rt);
}

// ---- iteration ---------------------------------------------------------------------------------

/** The hiter at it (go1.19's layout). */
class Hiter {
  private readonly k: (n: string) => number;
  constructor(
    private readonly rt: Runtime,
    readonly addr: number,
  ) {
    this.k = K(rt);
  }
  off(f: string): number {
    return this.addr + this.k(`hiter_${f}`);
  }
  ptr(f: string): number {
    return this.rt.mem.ptr(this.off(f));
  }
  setPtr(f: string, v: number): void {
    this.rt.mem.setPtr(this.off(f), v);
  }
  u8(f: string): number {
    return this.rt.mem.u8(this.off(f));
  }
  setU8(f: string, v: number): void {
    this.rt.mem.setU8(this.off(f), v);
  }
}

/** mapiterinit: a random start bucket and in-bucket offset, then the first entry. */
export function mapiterinit(rt: Runtime, t: number, hp: number, itp: number): void {
  const it = new Hiter(rt, itp);
  it.setPtr('t', t);
  it.setPtr('key', 0);
  it.setPtr('elem', 0);
  if (hp === 0) return;
  const h = new Hmap(rt, hp);
  it.setPtr('h', hp);
  if (h.count === 0) return;
  it.setU8('B', h.B);
  it.setPtr('buckets', h.buckets);
  const r = fastrand(rt);
  const start = r & (2 ** h.B - 1);
  it.setPtr('startBucket', start);
  it.setU8('offset', (r >>> (32 - 3)) & (BUCKET_CNT - 1));
  it.setPtr('bucket', start);
  it.setU8('wrapped', 0);
  it.setPtr('bptr', 0);
  it.setU8('i', 0);
  mapiternext(rt, itp);
}

/** mapiternext: the next entry (it.key = 0 at the end). */
export function mapiternext(rt: Runtime, itp: number): void {
  const it = new Hiter(rt, itp);
  const hp = it.ptr('h');
  if (hp === 0) {
    it.setPtr('key', 0);
    return;
  }
  const mt = new MapType(typeAt(rt, it.ptr('t')));
  const h = new Hmap(rt, hp);
  const buckets = it.ptr('buckets');
  const B = it.u8('B');
  const nb = 2 ** B;
  let bucket = it.ptr('bucket');
  let b = it.ptr('bptr');
  let i = it.u8('i');
  const offset = it.u8('offset');
  let wrapped = it.u8('wrapped') !== 0;
  const startBucket = it.ptr('startBucket');
  for (;;) {
    if (b === 0) {
      if (bucket === startBucket && wrapped) {
        it.setPtr('key', 0);
        it.setPtr('elem', 0);
        return;
      }
      b = buckets + bucket * mt.bucketsize;
      bucket++;
      if (bucket === nb) {
        bucket = 0;
        wrapped = true;
      }
      i = 0;
    }
    for (; i < BUCKET_CNT; i++) {
      const off = (i + offset) & (BUCKET_CNT - 1);
      const th = rt.mem.u8(b + off);
      if (th < MIN_TOP_HASH) continue;
      let k = slotKey(rt, mt, b, off);
      let e = slotElem(rt, mt, b, off);
      if (buckets !== h.buckets) {
        // the map grew since the iteration began: report the key only if it is still there, with its current element
        const s = lookup(rt, mt, h, k);
        if (!s) continue;
        k = slotKey(rt, mt, s.b, s.i);
        e = slotElem(rt, mt, s.b, s.i);
      }
      it.setPtr('key', k);
      it.setPtr('elem', e);
      it.setPtr('bucket', bucket);
      it.setPtr('bptr', b);
      it.setU8('i', i + 1);
      it.setU8('wrapped', wrapped ? 1 : 0);
      return;
    }
    b = overflowOf(rt, mt, b);
    i = 0;
  }
}

/** The map's entries as (key address, element address), for fmt. */
export function mapEntries(rt: Runtime, t: TypeDesc, hp: number): { key: number; elem: number }[] {
  if (hp === 0) return [];
  const mt = new MapType(t);
  const h = new Hmap(rt, hp);
  const out: { key: number; elem: number }[] = [];
  if (h.buckets === 0) return out;
  for (let bi = 0; bi < 2 ** h.B; bi++) {
    for (let b = h.buckets + bi * mt.bucketsize; b !== 0; b = overflowOf(rt, mt, b)) {
      for (let i = 0; i < BUCKET_CNT; i++) {
        if (rt.mem.u8(b + i) < MIN_TOP_HASH) continue;
        out.push({ key: slotKey(rt, mt, b, i), elem: slotElem(rt, mt, b, i) });
      }
    }
  }
  return out;
}

/** len(m) for fmt and friends. */
export function maplen(rt: Runtime, hp: number): number {
  return hp === 0 ? 0 : new Hmap(rt, hp).count;
}
