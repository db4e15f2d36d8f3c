// The library functions of packages strings and sort and the rest of strconv
// that programs call (ENTRY's "library" block in src/abi): host functions
// over Go strings and slices in emulated memory. Ports of the behaviour of
// strings/strings.go (byte-wise search, Split's and Replace's empty-separator
// rules, Fields and TrimSpace on unicode.IsSpace, ToUpper/ToLower rune by
// rune), sort/sort.go's Ints and Strings (the sorted result is unique, so the
// algorithm does not show) and strconv's FormatInt, ParseInt, FormatBool.
// Arguments are the words of the Go arguments (a string is pointer and
// length, a slice pointer, length and capacity); results the same.
import { defineEntry, ENTRY } from '../abi/index.ts';
import type { HostCall, HostRegistry } from '../os/host.ts';
import type { Runtime } from './runtime.ts';
import { goParseInt, newNumError } from './strconv.ts';
import { newString, readString } from './typedesc.ts';
import { GoPanic } from './throw.ts';
import { mallocgc } from './malloc.ts';
import { maxAlloc, runtimeError } from './slice.ts';

const enc = new TextEncoder();

/** unicode.IsSpace's code points. */
const SPACES = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]);
const isSpace = (r: number) => SPACES.has(r) || (r >= 0x2000 && r <= 0x200a);

/** The runes of s with their byte offsets (an invalid byte is one rune U+FFFD, as Go decodes). */
function runes(s: Uint8Array): { r: number; at: number; n: number }[] {
  const out: { r: number; at: number; n: number }[] = [];
  const cont = (k: number) => k < s.length && (s[k]! & 0xc0) === 0x80;
  let i = 0;
  while (i < s.length) {
    const b = s[i]!;
    let n = 1;
    let r = 0xfffd;
    if (b < 0x80) r = b;
    else if (b >= 0xc2 && b <= 0xdf && cont(i + 1)) [n, r] = [2, ((b & 0x1f) << 6) | (s[i + 1]! & 0x3f)];
    else if (b >= 0xe0 && b <= 0xef && cont(i + 1) && cont(i + 2)) {
      const x = ((b & 0x0f) << 12) | ((s[i + 1]! & 0x3f) << 6) | (s[i + 2]! & 0x3f);
      if (x >= 0x800 && !(x >= 0xd800 && x <= 0xdfff)) [n, r] = [3, x];
    } else if (b >= 0xf0 && b <= 0xf4 && cont(i + 1) && cont(i + 2) && cont(i + 3)) {
      const x = ((b & 0x07) << 18) | ((s[i + 1]! & 0x3f) << 12) | ((s[i + 2]! & 0x3f) << 6) | (s[i + 3]! & 0x3f);
      if (x >= 0x10000 && x <= 0x10ffff) [n, r] = [4, x];
    }
    out.push({ r, at: i, n });
    i += n;
  }
  return out;
}

function indexOf(s: Uint8Array, sub: Uint8Array, from = 0): number {
  return Buffer.from(s.buffer, s.byteOffset, s.length).indexOf(Buffer.from(sub.buffer, sub.byteOffset, sub.length), from);
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.length)));
}

/** Map each rune through f (simple case mapping: a rune whose mapping is not one rune stays). */
function mapRunes(s: Uint8Array, f: (ch: string) => string): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const { r, at, n } of runes(s)) {
    const ch = String.fromCodePoint(r);
    const m = r === 0xfffd && n === 1 ? null : f(ch);
    parts.push(m !== null && [...m].length === 1 ? enc.encode(m) : s.subarray(at, at + n));
  }
  return concat(parts);
}

export function defineStringsHosts(host: HostRegistry, rt: () => Runtime): void {
  const W = () => rt().arch.ptrSize;
  const str = (c: HostCall, i: number): Uint8Array => readString(rt(), c.argN(i), c.argN(i + 1));
  const ret = (b: Uint8Array): [number, number] => newString(rt(), b);
  const b = (x: boolean) => (x ? 1 : 0);
  /** a new []string: pointer, length, capacity */
  const stringSlice = (items: Uint8Array[]): [number, number, number] => {
    const r = rt();
    const w = W();
    if (items.length === 0) return [r.heap.alloc(0), 0, 0];
    const p = r.heap.alloc(2 * w * items.length);
    items.forEach((it, i) => {
      const [sp, sn] = newString(r, it);
      r.mem.setPtr(p + 2 * w * i, sp);
      r.mem.setPtr(p + 2 * w * i + w, sn);
    });
    return [p, items.length, items.length];
  };

  defineEntry(host, ENTRY.stringsContains, (c) => b(indexOf(str(c, 0), str(c, 2)) >= 0));
  defineEntry(host, ENTRY.stringsContainsRune, (c) => {
    const r = Number(c.argInt(2));
    return b(runes(str(c, 0)).some((x) => x.r === r));
  });
  defineEntry(host, ENTRY.stringsHasPrefix, (c) => {
    const s = str(c, 0);
    const p = str(c, 2);
    return b(p.length <= s.length && Buffer.compare(Buffer.from(s.subarray(0, p.length)), Buffer.from(p)) === 0);
  });
  defineEntry(host, ENTRY.stringsHasSuffix, (c) => {
    const s = str(c, 0);
    const p = str(c, 2);
    return b(p.length <= s.length && Buffer.compare(Buffer.from(s.subarray(s.length - p.length)), Buffer.from(p)) === 0);
  });
  defineEntry(host, ENTRY.stringsIndex, (c) => indexOf(str(c, 0), str(c, 2)));
  defineEntry(host, ENTRY.stringsLastIndex, (c) => Buffer.from(str(c, 0)).lastIndexOf(Buffer.from(str(c, 2))));
  defineEntry(host, ENTRY.stringsIndexByte, (c) => str(c, 0).indexOf(Number(c.arg(2) & 0xffn)));
  defineEntry(host, ENTRY.stringsCount, (c) => {
    const s = str(c, 0);
    const sub = str(c, 2);
    if (sub.length === 0) return runes(s).length + 1;
    let n = 0;
    for (let i = indexOf(s, sub); i >= 0; i = indexOf(s, sub, i + sub.length)) n++;
    return n;
  });
  defineEntry(host, ENTRY.stringsSplit, (c) => {
    const s = str(c, 0);
    const sep = str(c, 2);
    // an empty separator splits after each UTF-8 sequence
    if (sep.length === 0) return stringSlice(runes(s).map((x) => s.subarray(x.at, x.at + x.n)));
    const parts: Uint8Array[] = [];
    let start = 0;
    for (let i = indexOf(s, sep); i >= 0; i = indexOf(s, sep, start)) {
      parts.push(s.subarray(start, i));
      start = i + sep.length;
    }
    parts.push(s.subarray(start));
    return stringSlice(parts);
  });
  defineEntry(host, ENTRY.stringsFields, (c) => {
    const s = str(c, 0);
    const parts: Uint8Array[] = [];
    let start = -1;
    for (const { r, at } of runes(s)) {
      if (isSpace(r)) {
        if (start >= 0) parts.push(s.subarray(start, at));
        start = -1;
      } else if (start < 0) start = at;
    }
    if (start >= 0) parts.push(s.subarray(start));
    return stringSlice(parts);
  });
  defineEntry(host, ENTRY.stringsJoin, (c) => {
    const r = rt();
    const w = W();
    const p = c.argN(0);
    const n = c.argN(1);
    const sep = str(c, 3);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < n; i++) {
      if (i > 0) parts.push(sep);
      parts.push(readString(r, r.mem.ptr(p + 2 * w * i), r.mem.ptr(p + 2 * w * i + w)));
    }
    return ret(concat(parts));
  });
  defineEntry(host, ENTRY.stringsRepeat, (c) => {
    // ports strings.Repeat: its two panics, then Builder.Grow's make([]byte, 0, n) (out of range, or out of memory)
    const r = rt();
    const count = c.argInt(2);
    const s = str(c, 0);
    if (count === 0n) return [0, 0];
    if (count < 0n) throw new GoPanic('strings: negative Repeat count', r.getg().goid);
    const total = BigInt.asIntN(W() * 8, BigInt(s.length) * count);
    if (total / count !== BigInt(s.length)) throw new GoPanic('strings: Repeat count causes overflow', r.getg().goid);
    const n = Number(total);
    if (n > maxAlloc(r)) runtimeError(r, 'makeslice: cap out of range');
    if (n === 0) return [0, 0];
    // the copies are made in emulated memory, doubling what is there (as the Builder does)
    const p = mallocgc(r, n, 0, false);
    r.mem.write(p, s);
    for (let done = s.length; done < n; ) {
      const k = Math.min(done, n - done);
      r.mem.write(p + done, r.mem.read(p, k));
      done += k;
    }
    return [p, n];
  });
  defineEntry(host, ENTRY.stringsToUpper, (c) => ret(mapRunes(str(c, 0), (ch) => ch.toUpperCase())));
  defineEntry(host, ENTRY.stringsToLower, (c) => ret(mapRunes(str(c, 0), (ch) => ch.toLowerCase())));
  defineEntry(host, ENTRY.stringsTrimSpace, (c) => {
    const s = str(c, 0);
    const rs = runes(s).filter((x) => !isSpace(x.r));
    const all = runes(s);
    let i = 0;
    while (i < all.length && isSpace(all[i]!.r)) i++;
    let j = all.length;
    while (j > i && isSpace(all[j - 1]!.r)) j--;
    if (rs.length === 0) return [0, 0];
    return [c.argN(0) + all[i]!.at, all[j - 1]!.at + all[j - 1]!.n - all[i]!.at];
  });
  const trim = (c: HostCall, left: boolean, right: boolean): [number, number] => {
    const s = str(c, 0);
    const cut = new Set(runes(str(c, 2)).map((x) => x.r));
    const all = runes(s);
    let i = 0;
    if (left) while (i < all.length && cut.has(all[i]!.r)) i++;
    let j = all.length;
    if (right) while (j > i && cut.has(all[j - 1]!.r)) j--;
    if (i >= j) return [0, 0];
    return [c.argN(0) + all[i]!.at, all[j - 1]!.at + all[j - 1]!.n - all[i]!.at];
  };
  defineEntry(host, ENTRY.stringsTrim, (c) => trim(c, true, true));
  defineEntry(host, ENTRY.stringsTrimLeft, (c) => trim(c, true, false));
  defineEntry(host, ENTRY.stringsTrimRight, (c) => trim(c, false, true));
  defineEntry(host, ENTRY.stringsTrimPrefix, (c) => {
    const s = str(c, 0);
    const p = str(c, 2);
    const has = p.length <= s.length && Buffer.compare(Buffer.from(s.subarray(0, p.length)), Buffer.from(p)) === 0;
    return has ? [c.argN(0) + p.length, s.length - p.length] : [c.argN(0), c.argN(1)];
  });
  defineEntry(host, ENTRY.stringsTrimSuffix, (c) => {
    const s = str(c, 0);
    const p = str(c, 2);
    const has = p.length <= s.length && Buffer.compare(Buffer.from(s.subarray(s.length - p.length)), Buffer.from(p)) === 0;
    return has ? [c.argN(0), s.length - p.length] : [c.argN(0), c.argN(1)];
  });
  const replace = (s: Uint8Array, old: Uint8Array, nu: Uint8Array, n: number): Uint8Array => {
    if (n < 0) n = Infinity;
    const parts: Uint8Array[] = [];
    if (old.length === 0) {
      // an empty old string matches at the start and after each UTF-8 sequence
      let k = 0;
      const rs = runes(s);
      for (let i = 0; i <= rs.length; i++) {
        if (k < n) {
          parts.push(nu);
          k++;
        }
        if (i < rs.length) parts.push(s.subarray(rs[i]!.at, rs[i]!.at + rs[i]!.n));
      }
      return concat(parts);
    }
    let start = 0;
    let k = 0;
    for (let i = indexOf(s, old); i >= 0 && k < n; i = indexOf(s, old, start), k++) {
      parts.push(s.subarray(start, i), nu);
      start = i + old.length;
    }
    parts.push(s.subarray(start));
    return concat(parts);
  };
  defineEntry(host, ENTRY.stringsReplace, (c) => ret(replace(str(c, 0), str(c, 2), str(c, 4), Number(c.argInt(6)))));
  defineEntry(host, ENTRY.stringsReplaceAll, (c) => ret(replace(str(c, 0), str(c, 2), str(c, 4), -1)));

  // ---- strings.Builder {addr *Builder; buf []byte}: appends grow buf by doubling (its capacity is not observable here) ----
  const append = (bp: number, data: Uint8Array): void => {
    const r = rt();
    const w = W();
    let p = r.mem.ptr(bp + w);
    const len = r.mem.ptr(bp + 2 * w);
    let cap = r.mem.ptr(bp + 3 * w);
    if (len + data.length > cap) {
      cap = Math.max(2 * cap, len + data.length, 8);
      const q = r.heap.alloc(cap);
      if (len > 0) r.mem.copyWithin(q, p, len);
      p = q;
      r.mem.setPtr(bp + w, p);
      r.mem.setPtr(bp + 3 * w, cap);
    }
    if (data.length > 0) r.mem.write(p + len, data);
    r.mem.setPtr(bp + 2 * w, len + data.length);
    r.mem.setPtr(bp, bp);
  };
  const bytesArg = (c: HostCall, i: number) => readString(rt(), c.argN(i), c.argN(i + 1));
  defineEntry(host, ENTRY.builderLen, (c) => rt().mem.ptr(c.argN(0) + 2 * W()));
  defineEntry(host, ENTRY.builderReset, (c) => rt().mem.fill(c.argN(0), 4 * W(), 0));
  defineEntry(host, ENTRY.builderString, (c) => [rt().mem.ptr(c.argN(0) + W()), rt().mem.ptr(c.argN(0) + 2 * W())]);
  defineEntry(host, ENTRY.builderWrite, (c) => {
    const data = bytesArg(c, 1);
    append(c.argN(0), data);
    return [data.length, 0, 0];
  });
  defineEntry(host, ENTRY.builderWriteString, (c) => {
    const data = bytesArg(c, 1);
    append(c.argN(0), data);
    return [data.length, 0, 0];
  });
  defineEntry(host, ENTRY.builderWriteByte, (c) => {
    append(c.argN(0), new Uint8Array([Number(c.arg(1) & 0xffn)]));
    return [0, 0];
  });
  defineEntry(host, ENTRY.builderWriteRune, (c) => {
    const r = Number(c.argInt(1));
    const valid = r >= 0 && r <= 0x10ffff && !(r >= 0xd800 && r <= 0xdfff);
    const data = enc.encode(String.fromCodePoint(valid ? r : 0xfffd));
    append(c.argN(0), data);
    return [data.length, 0, 0];
  });
  // ---- os.(*File).Write: the bytes go to the file descriptor's output, as the write system call's do ----
  defineEntry(host, ENTRY.osFileWrite, (c) => {
    const r = rt();
    const fd = Number(r.mem.word(c.argN(0)));
    const data = bytesArg(c, 1);
    r.write(fd, Buffer.from(data).toString('utf8'));
    return [data.length, 0, 0];
  });

  // ---- math: exact operations only (IEEE results JavaScript and Go share bit for bit) ----
  const unary: [keyof typeof ENTRY, (x: number) => number][] = [
    ['mathSqrt', Math.sqrt],
    ['mathAbs', Math.abs],
    ['mathFloor', Math.floor],
    ['mathCeil', Math.ceil],
    ['mathTrunc', Math.trunc],
  ];
  for (const [k, f] of unary) defineEntry(host, ENTRY[k], (c: HostCall) => c.f64(f(c.argF64(0))));
  // Go's Mod is C's fmod (the sign of x), as JavaScript's %
  defineEntry(host, ENTRY.mathMod, (c) => c.f64(c.argF64(0) % c.argF64(c.int64Words)));
  defineEntry(host, ENTRY.mathMax, (c) => c.f64(Math.max(c.argF64(0), c.argF64(c.int64Words))));
  defineEntry(host, ENTRY.mathMin, (c) => c.f64(Math.min(c.argF64(0), c.argF64(c.int64Words))));
  defineEntry(host, ENTRY.mathInf, (c) => c.f64(c.argInt(0) >= 0n ? Infinity : -Infinity));
  defineEntry(host, ENTRY.mathNaN, (c) => c.f64(NaN));
  defineEntry(host, ENTRY.mathIsNaN, (c) => b(Number.isNaN(c.argF64(0))));
  defineEntry(host, ENTRY.mathIsInf, (c) => {
    const x = c.argF64(0);
    const sign = c.argInt(c.int64Words);
    return b((sign >= 0n && x === Infinity) || (sign <= 0n && x === -Infinity));
  });

  // ---- sort ----
  defineEntry(host, ENTRY.sortInts, (c) => {
    const r = rt();
    const w = W();
    const p = c.argN(0);
    const n = c.argN(1);
    if (n < 2) return;
    // the elements as a typed array over a copy of their bytes (emulated memory is little-endian, as rt.mem reads it), sorted by value
    const b = Uint8Array.from(r.mem.read(p, n * w));
    const xs = w === 8 ? new BigInt64Array(b.buffer) : new Int32Array(b.buffer);
    xs.sort();
    r.mem.write(p, b);
  });
  defineEntry(host, ENTRY.sortStrings, (c) => {
    const r = rt();
    const w = W();
    const p = c.argN(0);
    const n = c.argN(1);
    const xs = Array.from({ length: n }, (_, i) => ({ p: r.mem.ptr(p + 2 * w * i), n: r.mem.ptr(p + 2 * w * i + w) }));
    const bytes = (x: { p: number; n: number }) => Buffer.from(readString(r, x.p, x.n));
    xs.sort((a, b) => Buffer.compare(bytes(a), bytes(b)));
    xs.forEach((x, i) => {
      r.mem.setPtr(p + 2 * w * i, x.p);
      r.mem.setPtr(p + 2 * w * i + w, x.n);
    });
  });

  // ---- strconv ----
  defineEntry(host, ENTRY.strconvFormatInt, (c) => {
    const base = Number(c.argInt(8 / W()));
    if (base < 2 || base > 36) throw new GoPanic('strconv: illegal AppendInt/FormatInt base', rt().getg().goid);
    return ret(enc.encode(c.argI64(0).toString(base)));
  });
  defineEntry(host, ENTRY.strconvFormatBool, (c) => ret(enc.encode((c.arg(0) & 0xffn) !== 0n ? 'true' : 'false')));
  defineEntry(host, ENTRY.strconvParseInt, (c) => {
    const r = rt();
    const s = str(c, 0);
    const base = c.argInt(2);
    const bitSize = c.argInt(3);
    const numErrorTab = c.argN(4);
    const errStringTab = c.argN(5);
    const { v, err } = goParseInt(s, base, bitSize, W() * 8);
    return err === null ? [...c.i64(v), 0, 0] : [...c.i64(v), numErrorTab, newNumError(r, 'ParseInt', s, err, errStringTab)];
  });
}
