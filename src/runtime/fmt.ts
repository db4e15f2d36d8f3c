// fmt: a port of go1.19 fmt/print.go and format.go (Print, Println, Printf,
// Sprint, Sprintln, Sprintf, Errorf; verbs v +v #v T d s q t x X c o b U p,
// flags + - # space 0, width, precision, argument indexes, %w, the %!verb(...)
// error forms), plus strconv's Quote and Itoa/Atoi (strconv.ts uses them).
//
// The arguments are go1.19 interface values in emulated memory (a []any);
// values are read through the compiler's type descriptors (typedesc.ts), the
// way fmt reads them through reflect. Maps print with their keys sorted as
// internal/fmtsort sorts them.
//
// Methods: fmt calls Error() and String() (handleMethods). A host function
// cannot call back into emulated code, so formatting takes host calls around
// emulated code (see lowering, fmtMethodCalls): fmt.methods walks the
// arguments exactly as formatting will and returns the table of method calls
// it needs (src/abi FMT_CALL entries in a heap block); the compiled code calls
// each (fn is the method's itab entry, the receiver an interface data word)
// through fmt.(*pp).handleMethods with a deferred catchPanic (compile/
// fmtcatch.ts), which stores the result or the recovered panic; fmt.format
// walks again and takes the outcomes in the same order. A recovered panic
// changes the walk (catchPanic prints the panic's value, which may call its
// Error method), so the calls listed after it are dropped and fmt.methods
// walks again with the outcomes known so far. Nothing is kept between the
// calls but the table in emulated memory. (Like Go, the methods run before
// the output is written, since fmt buffers.)
import type { Runtime } from './runtime.ts';
import { FMT_CALL } from '../abi/index.ts';
import { intKind, K, Kind, readFloat64, readInt, readString, typeAt, type TypeDesc } from './typedesc.ts';
import { formatFloat } from './ftoa.ts';
import { mapEntries } from './map.ts';
import { decodeRune, encodeRune } from './slice.ts';

// ---- strconv.Quote (strconv/quote.go) ------------------------------------------------------

/** unicode.IsPrint, as strconv.IsPrint decides it (letters, marks, numbers, punctuation, symbols, ASCII space). */
export function isPrint(r: number): boolean {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return false;
  if (r === 0xad) return false;
  return /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(String.fromCodePoint(r));
}

const HEX = '0123456789abcdef';

/** appendQuotedWith: a Go-quoted string (quote " or '), escaping as strconv does. */
export function quoteWith(b: Uint8Array, quote: number, asciiOnly: boolean): string {
  let out = String.fromCharCode(quote);
  for (let k = 0; k < b.length; ) {
    const [r, next] = decodeRune(b, k);
    const width = next - k;
    k = next;
    if (width === 1 && r === 0xfffd) {
      out += `\\x${HEX[b[k - 1]! >> 4]}${HEX[b[k - 1]! & 15]}`;
      continue;
    }
    out += escapeRune(r, quote, asciiOnly);
  }
  return out + String.fromCharCode(quote);
}

function escapeRune(r: number, quote: number, asciiOnly: boolean): string {
  if (r === quote || r === 0x5c) return `\\${String.fromCodePoint(r)}`;
  if (asciiOnly ? r < 0x80 && isPrint(r) : isPrint(r)) return String.fromCodePoint(r);
  switch (r) {
    case 7:
      return '\\a';
    case 8:
      return '\\b';
    case 12:
      return '\\f';
    case 10:
      return '\\n';
    case 13:
      return '\\r';
    case 9:
      return '\\t';
    case 11:
      return '\\v';
  }
  if (r < 0x20 || r === 0x7f) return `\\x${HEX[r >> 4]}${HEX[r & 15]}`;
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) r = 0xfffd;
  if (r < 0x10000) return `\\u${r.toString(16).padStart(4, '0')}`;
  return `\\U${r.toString(16).padStart(8, '0')}`;
}

export function quoteRune(r: number, asciiOnly: boolean): string {
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff) || r < 0) r = 0xfffd;
  return `'${escapeRune(r, 0x27, asciiOnly)}'`;
}

/** strconv.CanBackquote */
function canBackquote(b: Uint8Array): boolean {
  for (let k = 0; k < b.length; ) {
    const [r, next] = decodeRune(b, k);
    const w = next - k;
    k = next;
    if (w > 1) {
      if (r === 0xfeff) return false;
      continue;
    }
    if (r === 0xfffd) return false;
    if ((r < 0x20 && r !== 9) || r === 0x60 || r === 0x7f) return false;
  }
  return true;
}

const enc = new TextEncoder();
const utf8 = (s: string) => enc.encode(s);
function runeCount(b: Uint8Array): number {
  let n = 0;
  for (let k = 0; k < b.length; n++) k = decodeRune(b, k)[1];
  return n;
}

// ---- values -------------------------------------------------------------------------------------

/** A value to format: its type and where it is (the address of the value in memory). */
interface Value {
  t: TypeDesc;
  addr: number;
  /** reached through an unexported struct field (reflect's CanInterface is false: no methods) */
  noIface?: boolean;
}

/** A method call fmt needs: nested when made while printing a recovered panic's value (not caught again). */
interface MethodCall {
  fn: number;
  recv: number;
  nested: boolean;
}

/** How a method call of the table ended: its result, or the value its recovered panic carried (an eface's words). */
type Outcome = { returned: true; text: Uint8Array } | { returned: false; type: number; dataAddr: number };

/** The Error/String method fmt would call for a value of dynamic type t: the itab entry, or 0. */
function methodEntry(t: TypeDesc, name: 'Error' | 'String'): number {
  const m = t.methods.find((x) => x.name === name && x.sig === 'func() string');
  return m ? m.ifn : 0;
}

interface FmtFlags {
  widPresent: boolean;
  precPresent: boolean;
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid: number;
  prec: number;
}

const clearFlags = (): FmtFlags => ({ widPresent: false, precPresent: false, minus: false, plus: false, sharp: false, space: false, zero: false, plusV: false, sharpV: false, wid: 0, prec: 0 });

/** One Printf/Print/Println run (Go's pp with its fmt). */
class Printer {
  buf: number[] = [];
  f: FmtFlags = clearFlags();
  /** what a bad verb reports: the top-level argument (argTop) or the value being printed */
  private arg: Value | null = null;
  private argTop = false;
  private erroring = false;
  wrapErrs = false;
  /** the %w operand of Errorf: its eface words */
  wrapped: { type: number; data: number } | null = null;
  /** the method calls past the known ones, in order (recording) */
  readonly calls: MethodCall[] = [];
  private next = 0;
  /** printing a recovered panic's value (catchPanic) */
  private panicking = false;

  constructor(
    private readonly rt: Runtime,
    /** the outcomes of the first method calls, in order */
    private readonly known: Outcome[],
    /** list the calls past the known ones (fmt.methods) instead of failing (fmt.format) */
    private readonly record: boolean,
  ) {}

  private get W(): number {
    return this.rt.arch.ptrSize;
  }
  private get mem() {
    return this.rt.mem;
  }

  private write(s: string | Uint8Array | number[]): void {
    if (typeof s === 'string') this.buf.push(...utf8(s));
    else for (const b of s) this.buf.push(b);
  }

  /** A method call's outcome, or undefined when it is not known yet (then it is recorded, and the walk goes on as if it returned ""). */
  private callMethod(fn: number, recv: number, nested: boolean): Outcome | undefined {
    const o = this.known[this.next++];
    if (o) return o;
    if (!this.record) throw new Error('fmt: more method calls than recorded');
    this.calls.push({ fn, recv, nested });
    return undefined;
  }

  /**
   * catchPanic (print.go): the method of arg called for verb panicked and the
   * panic was recovered. A nil pointer receiver prints "<nil>" (no padding);
   * otherwise
   * %!verb(PANIC=Method method: value), the value printed with default flags.
   * A panic with a nil value (recover returns nil) prints nothing.
   */
  private catchPanic(arg: Value, verb: string, method: string, o: Extract<Outcome, { returned: false }>): void {
    if (o.type === 0) return;
    if (this.isNilPtr(arg)) return this.write('<nil>');
    // a panic while printing the panic value is caught only for a nil pointer (nested calls), so it cannot come here
    if (this.panicking) throw new Error('fmt: a nested panic was caught');
    const oldFlags = this.f;
    this.f = clearFlags();
    this.write(`%!${verb}(PANIC=${method} method: `);
    this.panicking = true;
    this.printArg(this.dataValue(typeAt(this.rt, o.type), o.dataAddr), 'v');
    this.panicking = false;
    this.write(')');
    this.f = oldFlags;
  }

  // ---- padding (format.go) ----

  private writePadding(n: number): void {
    if (n <= 0) return;
    const c = this.f.zero ? 0x30 : 0x20;
    for (let i = 0; i < n; i++) this.buf.push(c);
  }

  private pad(b: Uint8Array | number[]): void {
    const bytes = b instanceof Uint8Array ? b : Uint8Array.from(b);
    if (!this.f.widPresent || this.f.wid === 0) {
      this.write(bytes);
      return;
    }
    const width = this.f.wid - runeCount(bytes);
    if (!this.f.minus) {
      this.writePadding(width);
      this.write(bytes);
    } else {
      this.write(bytes);
      this.writePadding(width);
    }
  }

  private padString(s: string | Uint8Array): void {
    this.pad(typeof s === 'string' ? utf8(s) : s);
  }

  private fmtBoolean(v: boolean): void {
    this.padString(v ? 'true' : 'false');
  }

  /** fmtInteger (format.go): u is the magnitude source (signed values as bigint). */
  private fmtIntegerBase(v: bigint, base: number, isSigned: boolean, verb: string, upper: boolean): void {
    const f = this.f;
    const negative = isSigned && v < 0n;
    let u = negative ? -v : v;
    let prec = 0;
    if (f.precPresent) {
      prec = f.prec;
      if (prec === 0 && u === 0n) {
        const oldZero = f.zero;
        f.zero = false;
        this.writePadding(f.wid);
        f.zero = oldZero;
        return;
      }
    } else if (f.zero && f.widPresent) {
      prec = f.wid;
      if (negative || f.plus || f.space) prec--;
    }
    const digits = upper ? '0123456789ABCDEFX' : '0123456789abcdefx';
    let s = '';
    if (u === 0n) s = '0';
    while (u > 0n) {
      s = digits[Number(u % BigInt(base))] + s;
      u /= BigInt(base);
    }
    while (s.length < prec) s = `0${s}`;
    if (f.sharp) {
      if (base === 2) s = `0b${s}`;
      else if (base === 8 && s[0] !== '0') s = `0${s}`;
      else if (base === 16) s = `0${digits[16]}${s}`;
    }
    if (verb === 'O') s = `0o${s}`;
    if (negative) s = `-${s}`;
    else if (f.plus) s = `+${s}`;
    else if (f.space) s = ` ${s}`;
    const oldZero = f.zero;
    f.zero = false;
    this.padString(s);
    f.zero = oldZero;
  }

  private truncate(b: Uint8Array): Uint8Array {
    if (!this.f.precPresent) return b;
    let n = this.f.prec;
    for (let k = 0; k < b.length; ) {
      n--;
      if (n < 0) return b.subarray(0, k);
      k = decodeRune(b, k)[1];
    }
    return b;
  }

  private fmtS(b: Uint8Array): void {
    this.padString(this.truncate(b));
  }

  private fmtSbx(b: Uint8Array, upper: boolean): void {
    const f = this.f;
    const digits = upper ? '0123456789ABCDEFX' : '0123456789abcdefx';
    let length = b.length;
    if (f.precPresent && f.prec < length) length = f.prec;
    let width = 2 * length;
    if (width > 0) {
      if (f.space) {
        if (f.sharp) width *= 2;
        width += length - 1;
      } else if (f.sharp) width += 2;
    } else {
      if (f.widPresent) this.writePadding(f.wid);
      return;
    }
    if (f.widPresent && f.wid > width && !f.minus) this.writePadding(f.wid - width);
    let out = '';
    if (f.sharp) out += `0${digits[16]}`;
    for (let i = 0; i < length; i++) {
      if (f.space && i > 0) {
        out += ' ';
        if (f.sharp) out += `0${digits[16]}`;
      }
      const c = b[i]!;
      out += digits[c >> 4]! + digits[c & 15]!;
    }
    this.write(out);
    if (f.widPresent && f.wid > width && f.minus) this.writePadding(f.wid - width);
  }

  private fmtQ(b: Uint8Array): void {
    const s = this.truncate(b);
    if (this.f.sharp && canBackquote(s)) this.padString(Uint8Array.from([0x60, ...s, 0x60]));
    else this.padString(quoteWith(s, 0x22, this.f.plus));
  }

  private fmtC(c: bigint): void {
    const r = c > 0x10ffffn || c < 0n ? 0xfffd : Number(c);
    this.pad(encodeRune(r));
  }

  private fmtQc(c: bigint): void {
    const r = c > 0x10ffffn || c < 0n ? 0xfffd : Number(c);
    this.padString(quoteRune(r, this.f.plus));
  }

  private fmtUnicode(u: bigint): void {
    const f = this.f;
    let s = `U+${u.toString(16).toUpperCase().padStart(f.precPresent && f.prec > 4 ? f.prec : 4, '0')}`;
    if (f.sharp && u <= 0x10ffffn && isPrint(Number(u))) s += ` '${String.fromCodePoint(Number(u))}'`;
    const oldZero = f.zero;
    f.zero = false;
    this.padString(s);
    f.zero = oldZero;
  }

  // ---- print.go ----

  private badVerb(verb: string): void {
    this.erroring = true;
    this.write(`%!${verb}(`);
    if (this.arg) {
      const a = this.arg;
      this.write(a.t.string);
      this.write('=');
      if (this.argTop) this.printArg(a, 'v');
      else this.printValue(a, 'v', 0);
    } else {
      this.write('<nil>');
    }
    this.write(')');
    this.erroring = false;
  }

  /** fmtFloat (print.go): the verb's format and default precision, then format.go's fmtFloat. */
  private fmtFloat(v: number, verb: string): void {
    switch (verb) {
      case 'v':
        return this.fmtFloatAs(v, 'g', -1);
      case 'g':
      case 'G':
        return this.fmtFloatAs(v, verb, -1);
      case 'f':
      case 'e':
      case 'E':
        return this.fmtFloatAs(v, verb, 6);
      case 'F':
        return this.fmtFloatAs(v, 'f', 6);
      default:
        return this.badVerb(verb);
    }
  }

  /** Ports format.go's fmtFloat (without the # flag's trailing zeros). */
  private fmtFloatAs(v: number, verb: string, prec: number): void {
    const f = this.f;
    if (f.precPresent) prec = f.prec;
    let num = formatFloat(v, verb, prec);
    if (num[0] !== '-' && num[0] !== '+') num = `+${num}`;
    if (f.space && num[0] === '+' && !f.plus) num = ` ${num.slice(1)}`;
    if (num[1] === 'I' || num[1] === 'N') {
      const oldZero = f.zero;
      f.zero = false;
      if (num[1] === 'N' && !f.space && !f.plus) num = num.slice(1);
      this.padString(num);
      f.zero = oldZero;
      return;
    }
    if (f.plus || num[0] !== '+') {
      if (f.zero && f.widPresent && f.wid > num.length) {
        this.write(num[0]!);
        this.writePadding(f.wid - num.length);
        this.write(num.slice(1));
        return;
      }
      this.padString(num);
      return;
    }
    this.padString(num.slice(1));
  }

  private fmtInteger(v: bigint, isSigned: boolean, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV && !isSigned) this.fmt0x64(v, true);
        else this.fmtIntegerBase(v, 10, isSigned, verb, false);
        return;
      case 'd':
        return this.fmtIntegerBase(v, 10, isSigned, verb, false);
      case 'b':
        return this.fmtIntegerBase(v, 2, isSigned, verb, false);
      case 'o':
      case 'O':
        return this.fmtIntegerBase(v, 8, isSigned, verb, false);
      case 'x':
        return this.fmtIntegerBase(v, 16, isSigned, verb, false);
      case 'X':
        return this.fmtIntegerBase(v, 16, isSigned, verb, true);
      case 'c':
        return this.fmtC(v);
      case 'q':
        return this.fmtQc(v);
      case 'U':
        return this.fmtUnicode(v);
      default:
        return this.badVerb(verb);
    }
  }

  private fmt0x64(v: bigint, leading0x: boolean): void {
    const sharp = this.f.sharp;
    this.f.sharp = leading0x;
    this.fmtIntegerBase(v, 16, false, 'v', false);
    this.f.sharp = sharp;
  }

  private fmtString(b: Uint8Array, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV) this.fmtQ(b);
        else this.fmtS(b);
        return;
      case 's':
        return this.fmtS(b);
      case 'x':
        return this.fmtSbx(b, false);
      case 'X':
        return this.fmtSbx(b, true);
      case 'q':
        return this.fmtQ(b);
      default:
        return this.badVerb(verb);
    }
  }

  private fmtBytes(b: Uint8Array, verb: string, typeString: string, v: Value): void {
    switch (verb) {
      case 'v':
      case 'd':
        if (this.f.sharpV) {
          this.write(typeString);
          if (b === null) {
            this.write('(nil)');
            return;
          }
          this.write('{');
          b.forEach((c, i) => {
            if (i > 0) this.write(', ');
            this.fmt0x64(BigInt(c), true);
          });
          this.write('}');
          return;
        }
        this.write('[');
        b.forEach((c, i) => {
          if (i > 0) this.write(' ');
          this.fmtIntegerBase(BigInt(c), 10, false, verb, false);
        });
        this.write(']');
        return;
      case 's':
      case 'x':
      case 'X':
      case 'q':
        return this.fmtString(b, verb);
      default:
        return this.printValue(v, verb, 0);
    }
  }

  private fmtPointer(p: number, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV) {
          this.write('(');
          this.write(this.arg?.t.string ?? '');
          this.write(')(');
          if (p === 0) this.write('nil');
          else this.fmt0x64(BigInt(p), true);
          this.write(')');
        } else if (p === 0) this.padString('<nil>');
        else this.fmt0x64(BigInt(p), !this.f.sharp);
        return;
      case 'p':
        return this.fmt0x64(BigInt(p), !this.f.sharp);
      case 'b':
      case 'o':
      case 'd':
      case 'x':
      case 'X':
        return this.fmtInteger(BigInt(p), false, verb);
      default:
        return this.badVerb(verb);
    }
  }

  /** An interface value's dynamic value (null for nil): its type and the address of the value. */
  private ifaceValue(t: TypeDesc, addr: number): Value | null {
    const W = this.W;
    const tab = this.mem.ptr(addr);
    if (tab === 0) return null;
    const dyn = typeAt(this.rt, t.methods.length > 0 ? this.mem.ptr(tab + this.itabTypeOff()) : tab);
    return this.dataValue(dyn, addr + W);
  }

  private itabTypeOff(): number {
    return K(this.rt)('itab__type');
  }

  /** The value whose interface data word is at `dataAddr`. */
  private dataValue(t: TypeDesc, dataAddr: number): Value {
    // a pointer-shaped value is the data word itself; otherwise the word points at the value
    return t.direct ? { t, addr: dataAddr } : { t, addr: this.mem.ptr(dataAddr) };
  }

  /** The interface data word for a value (its receiver in an itab call). */
  private dataWord(v: Value): number {
    return v.t.direct ? this.mem.ptr(v.addr) : v.addr;
  }

  private isNilPtr(v: Value): boolean {
    return v.t.kind === Kind.Ptr && this.mem.ptr(v.addr) === 0;
  }

  /** handleMethods: %w, then error, then Stringer, for the verbs that take them. */
  private handleMethods(v: Value, verb: string): { handled: boolean; verb: string } {
    if (this.erroring) return { handled: false, verb };
    if (verb === 'w') {
      const isErr = methodEntry(v.t, 'Error') !== 0;
      if (!isErr || !this.wrapErrs || this.wrapped) {
        this.wrapped = null;
        this.wrapErrs = false;
        this.badVerb(verb);
        return { handled: true, verb };
      }
      this.wrapped = { type: v.t.addr, data: this.dataWord(v) };
      verb = 'v';
    }
    if (this.f.sharpV) return { handled: false, verb };
    if (verb === 'v' || verb === 's' || verb === 'x' || verb === 'X' || verb === 'q') {
      for (const name of ['Error', 'String'] as const) {
        const fn = methodEntry(v.t, name);
        if (fn) {
          // while printing a panic's value, go1.19's catchPanic re-panics unless the receiver is a nil pointer: no catch for those
          const o = this.callMethod(fn, this.dataWord(v), this.panicking && !this.isNilPtr(v));
          if (o?.returned) this.fmtString(o.text, verb);
          else if (o) this.catchPanic(v, verb, name, o);
          return { handled: true, verb };
        }
      }
    }
    return { handled: false, verb };
  }

  /** printArg: a top-level argument (an interface value's dynamic value, or null for nil). */
  printArg(v: Value | null, verb: string): void {
    this.arg = v;
    this.argTop = true;
    if (!v) {
      if (verb === 'T' || verb === 'v') this.padString('<nil>');
      else this.badVerb(verb);
      return;
    }
    if (verb === 'T') return this.fmtS(utf8(v.t.string));
    if (verb === 'p') return this.fmtPointerValue(v, 'p');
    // unnamed basic types are formatted directly, others after handleMethods
    const k = v.t.kind;
    if (!v.t.named) {
      if (intKind(k, this.W)) return this.printValue(v, verb, 0);
      switch (k) {
        case Kind.Bool:
        case Kind.String:
        case Kind.Float64:
          return this.printValue(v, verb, 0);
        case Kind.Slice:
          if (v.t.elem.kind === Kind.Uint8 && !v.t.elem.named) {
            const { p, n } = this.sliceHeader(v.addr);
            return this.fmtBytes(n === 0 ? new Uint8Array(0) : this.mem.read(p, n), verb, '[]byte', v);
          }
      }
    }
    const h = this.handleMethods(v, verb);
    if (!h.handled) this.printValue(v, h.verb, 0);
  }

  private fmtPointerValue(v: Value, verb: string): void {
    const k = v.t.kind;
    if (k === Kind.Ptr || k === Kind.Chan || k === Kind.Map || k === Kind.Func) return this.fmtPointer(this.mem.ptr(v.addr), verb);
    if (k === Kind.Slice) return this.fmtPointer(this.mem.ptr(v.addr), verb);
    return this.badVerb(verb);
  }

  private sliceHeader(addr: number): { p: number; n: number } {
    return { p: this.mem.ptr(addr), n: this.mem.ptr(addr + this.W) };
  }

  private intOf(v: Value): bigint {
    return readInt(this.mem, v.t.kind, this.W, v.addr) ?? 0n;
  }

  /** printValue (print.go): by kind, recursively; methods of nested values at depth > 0. */
  printValue(v: Value, verb: string, depth: number): void {
    if (depth > 0 && !v.noIface) {
      this.arg = v;
      this.argTop = true;
      const h = this.handleMethods(v, verb);
      if (h.handled) return;
      verb = h.verb;
    }
    this.arg = v;
    this.argTop = false;
    const t = v.t;
    const mem = this.mem;
    const W = this.W;
    switch (t.kind) {
      case Kind.Bool:
        if (verb === 't' || verb === 'v') return this.fmtBoolean(mem.u8(v.addr) !== 0);
        return this.badVerb(verb);
      case Kind.Int:
      case Kind.Int8:
      case Kind.Int16:
      case Kind.Int32:
      case Kind.Int64:
        return this.fmtInteger(this.intOf(v), true, verb);
      case Kind.Uint:
      case Kind.Uint8:
      case Kind.Uint16:
      case Kind.Uint32:
      case Kind.Uint64:
      case Kind.Uintptr:
        return this.fmtInteger(this.intOf(v), false, verb);
      case Kind.Float64:
        return this.fmtFloat(readFloat64(mem, v.addr), verb);
      case Kind.String:
        return this.fmtString(readString(this.rt, mem.ptr(v.addr), mem.ptr(v.addr + W)), verb);
      case Kind.Map: {
        const hp = mem.ptr(v.addr);
        if (this.f.sharpV) {
          this.write(t.string);
          if (hp === 0) {
            this.write('(nil)');
            return;
          }
          this.write('{');
        } else this.write('map[');
        const entries = sortMapKeys(this.rt, t.key, mapEntries(this.rt, t, hp));
        entries.forEach((e, i) => {
          if (i > 0) this.write(this.f.sharpV ? ', ' : ' ');
          this.printValue({ t: t.key, addr: e.key, noIface: v.noIface }, verb, depth + 1);
          this.write(':');
          this.printValue({ t: t.elem, addr: e.elem, noIface: v.noIface }, verb, depth + 1);
        });
        this.write(this.f.sharpV ? '}' : ']');
        return;
      }
      case Kind.Struct: {
        if (this.f.sharpV) this.write(t.string);
        this.write('{');
        t.fields.forEach((fd, i) => {
          if (i > 0) this.write(this.f.sharpV ? ', ' : ' ');
          if (this.f.plusV || this.f.sharpV) {
            this.write(fd.name);
            this.write(':');
          }
          this.printValue({ t: fd.type, addr: v.addr + fd.offset, noIface: v.noIface || !fd.exported }, verb, depth + 1);
        });
        this.write('}');
        return;
      }
      case Kind.Interface: {
        const inner = this.ifaceValue(t, v.addr);
        if (!inner) {
          if (this.f.sharpV) {
            this.write(t.string);
            this.write('(nil)');
          } else this.padString('<nil>');
          return;
        }
        return this.printValue({ ...inner, noIface: v.noIface }, verb, depth + 1);
      }
      case Kind.Array:
      case Kind.Slice: {
        const isSlice = t.kind === Kind.Slice;
        const et = t.elem;
        const base = isSlice ? mem.ptr(v.addr) : v.addr;
        const n = isSlice ? mem.ptr(v.addr + W) : t.len;
        if ((verb === 's' || verb === 'q' || verb === 'x' || verb === 'X') && et.kind === Kind.Uint8) {
          return this.fmtBytes(n === 0 ? new Uint8Array(0) : mem.read(base, n), verb, t.string, v);
        }
        // [a b c], or Go syntax with %#v: []int{1, 2}, []int(nil)
        const sharpV = this.f.sharpV;
        if (sharpV) {
          this.write(t.string);
          if (isSlice && base === 0) {
            this.write('(nil)');
            return;
          }
        }
        this.write(sharpV ? '{' : '[');
        for (let i = 0; i < n; i++) {
          if (i > 0) this.write(sharpV ? ', ' : ' ');
          this.printValue({ t: et, addr: base + i * et.size, noIface: v.noIface }, verb, depth + 1);
        }
        this.write(sharpV ? '}' : ']');
        return;
      }
      case Kind.Ptr: {
        const p = mem.ptr(v.addr);
        if (depth === 0 && p !== 0) {
          const ek = t.elem.kind;
          if (ek === Kind.Array || ek === Kind.Slice || ek === Kind.Struct || ek === Kind.Map) {
            this.write('&');
            this.printValue({ t: t.elem, addr: p, noIface: v.noIface }, verb, depth + 1);
            return;
          }
        }
        return this.fmtPointer(p, verb);
      }
      case Kind.Chan:
      case Kind.Func:
        return this.fmtPointer(mem.ptr(v.addr), verb);
      default:
        this.write(`?${t.string}?`);
    }
  }


  /** doPrint: Print's spacing (between operands when neither is a string). */
  doPrint(args: (Value | null)[]): void {
    let prevString = false;
    args.forEach((a, i) => {
      const isString = !!a && a.t.kind === Kind.String;
      if (i > 0 && !isString && !prevString) this.write(' ');
      this.printArg(a, 'v');
      prevString = isString;
    });
  }

  /** doPrintln: spaces between all operands, a newline at the end. */
  doPrintln(args: (Value | null)[]): void {
    args.forEach((a, i) => {
      if (i > 0) this.write(' ');
      this.printArg(a, 'v');
    });
    this.write('\n');
  }

  /** doPrintf: the format's verbs applied to the arguments. */
  doPrintf(format: Uint8Array, args: (Value | null)[]): void {
    const end = format.length;
    let argNum = 0;
    let afterIndex = false;
    let reordered = false;
    let goodArgNum = true;
    const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;
    const parsenum = (start: number, stop: number): { num: number; ok: boolean; i: number } => {
      if (start >= stop) return { num: 0, ok: false, i: stop };
      let num = 0;
      let i = start;
      let ok = false;
      for (; i < stop && isDigit(format[i]); i++) {
        if (num > 1e6) return { num: 0, ok: false, i: stop };
        num = num * 10 + (format[i]! - 0x30);
        ok = true;
      }
      return { num, ok, i };
    };
    const argNumber = (argNum: number, i: number): { argNum: number; i: number; found: boolean } => {
      if (i >= end || format[i] !== 0x5b) return { argNum, i, found: false };
      reordered = true;
      // parseArgNumber(format[i:])
      let index = 0;
      let wid = 1;
      let ok = false;
      if (end - i >= 3) {
        for (let j = 1; i + j < end; j++) {
          if (format[i + j] === 0x5d) {
            const p = parsenum(i + 1, i + j);
            if (!p.ok || p.i !== i + j) {
              index = 0;
              wid = j + 1;
              ok = false;
            } else {
              index = p.num - 1;
              wid = j + 1;
              ok = true;
            }
            break;
          }
        }
      }
      if (ok && index >= 0 && index < args.length) return { argNum: index, i: i + wid, found: true };
      goodArgNum = false;
      return { argNum, i: i + wid, found: ok };
    };
    const intArg = (n: number): { v: number; ok: boolean; n: number } => {
      if (n >= args.length) return { v: 0, ok: false, n };
      const a = args[n];
      if (!a || !intKind(a.t.kind, this.W)) return { v: 0, ok: false, n: n + 1 };
      const v = Number(this.intOf(a));
      const ok = v >= -1e6 && v <= 1e6;
      return { v: ok ? v : 0, ok, n: n + 1 };
    };
    const vFlags = () => {
      this.f.sharpV = this.f.sharp;
      this.f.sharp = false;
      this.f.plusV = this.f.plus;
      this.f.plus = false;
    };
    let i = 0;
    formatLoop: while (i < end) {
      goodArgNum = true;
      const lasti = i;
      while (i < end && format[i] !== 0x25) i++;
      if (i > lasti) this.write(format.subarray(lasti, i));
      if (i >= end) break;
      i++; // skip %
      this.f = clearFlags();
      simpleFormat: for (; i < end; i++) {
        const c = format[i]!;
        switch (c) {
          case 0x23:
            this.f.sharp = true;
            break;
          case 0x30:
            this.f.zero = !this.f.minus;
            break;
          case 0x2b:
            this.f.plus = true;
            break;
          case 0x2d:
            this.f.minus = true;
            this.f.zero = false;
            break;
          case 0x20:
            this.f.space = true;
            break;
          default:
            // the common case: a lower-case verb with no width, precision or index
            if (c >= 0x61 && c <= 0x7a && argNum < args.length) {
              if (c === 0x76) vFlags();
              this.printArg(args[argNum]!, String.fromCharCode(c));
              argNum++;
              i++;
              continue formatLoop;
            }
            break simpleFormat;
        }
      }
      let a = argNumber(argNum, i);
      argNum = a.argNum;
      i = a.i;
      afterIndex = a.found;
      if (i < end && format[i] === 0x2a) {
        i++;
        const r = intArg(argNum);
        this.f.wid = r.v;
        this.f.widPresent = r.ok;
        argNum = r.n;
        if (!r.ok) this.write('%!(BADWIDTH)');
        if (this.f.wid < 0) {
          this.f.wid = -this.f.wid;
          this.f.minus = true;
          this.f.zero = false;
        }
        afterIndex = false;
      } else {
        const p = parsenum(i, end);
        this.f.wid = p.num;
        this.f.widPresent = p.ok;
        i = p.ok ? p.i : i;
        if (afterIndex && this.f.widPresent) goodArgNum = false;
      }
      if (i + 1 <= end && format[i] === 0x2e) {
        i++;
        if (afterIndex) goodArgNum = false;
        a = argNumber(argNum, i);
        argNum = a.argNum;
        i = a.i;
        afterIndex = a.found;
        if (i < end && format[i] === 0x2a) {
          i++;
          const r = intArg(argNum);
          this.f.prec = r.v;
          this.f.precPresent = r.ok;
          argNum = r.n;
          if (this.f.prec < 0) {
            this.f.prec = 0;
            this.f.precPresent = false;
          }
          if (!r.ok) this.write('%!(BADPREC)');
          afterIndex = false;
        } else {
          const p = parsenum(i, end);
          this.f.prec = p.num;
          this.f.precPresent = true;
          i = p.ok ? p.i : i;
        }
      }
      if (!afterIndex) {
        a = argNumber(argNum, i);
        argNum = a.argNum;
        i = a.i;
        afterIndex = a.found;
      }
      if (i >= end) {
        this.write('%!(NOVERB)');
        break;
      }
      const [r, nexti] = format[i]! < 0x80 ? [format[i]!, i + 1] : decodeRune(format, i);
      i = nexti;
      const verb = String.fromCodePoint(r);
      if (verb === '%') {
        this.write('%');
        continue;
      }
      if (!goodArgNum) {
        this.write(`%!${verb}(BADINDEX)`);
        continue;
      }
      if (argNum >= args.length) {
        this.write(`%!${verb}(MISSING)`);
        continue;
      }
      if (verb === 'v') vFlags();
      this.printArg(args[argNum]!, verb);
      argNum++;
    }
    if (!reordered && argNum < args.length) {
      this.f = clearFlags();
      this.write('%!(EXTRA ');
      for (let k = argNum; k < args.length; k++) {
        if (k > argNum) this.write(', ');
        const arg = args[k]!;
        if (!arg) this.write('<nil>');
        else {
          this.write(arg.t.string);
          this.write('=');
          this.printArg(arg, 'v');
        }
      }
      this.write(')');
    }
  }

  /** The arguments: a []any at (p, n) as dynamic values. */
  argsOf(p: number, n: number): (Value | null)[] {
    const out: (Value | null)[] = [];
    const W = this.W;
    for (let i = 0; i < n; i++) {
      const e = p + i * 2 * W;
      const t = this.mem.ptr(e);
      out.push(t === 0 ? null : this.dataValue(typeAt(this.rt, t), e + W));
    }
    return out;
  }
}

/** internal/fmtsort's order of map keys: numbers, strings by bytes, bools false first, structs and arrays field by field. */
function sortMapKeys(rt: Runtime, kt: TypeDesc, entries: { key: number; elem: number }[]): { key: number; elem: number }[] {
  const mem = rt.mem;
  const W = rt.arch.ptrSize;
  const cmp = (t: TypeDesc, a: number, b: number): number => {
    if (t.kind === Kind.Float64) {
      // NaN first, then by value (fmtsort's floatCompare)
      const x = readFloat64(mem, a);
      const y = readFloat64(mem, b);
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : -1) : 1;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    if (intKind(t.kind, W)) {
      const x = readInt(mem, t.kind, W, a)!;
      const y = readInt(mem, t.kind, W, b)!;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    switch (t.kind) {
      case Kind.Bool:
        return mem.u8(a) - mem.u8(b);
      case Kind.String:
        return Buffer.compare(Buffer.from(readString(rt, mem.ptr(a), mem.ptr(a + W))), Buffer.from(readString(rt, mem.ptr(b), mem.ptr(b + W))));
      case Kind.Ptr:
      case Kind.Chan:
        return mem.ptr(a) - mem.ptr(b);
      case Kind.Struct:
        for (const f of t.fields) {
          const c = cmp(f.type, a + f.offset, b + f.offset);
          if (c !== 0) return c;
        }
        return 0;
      case Kind.Array:
        for (let i = 0; i < t.len; i++) {
          const c = cmp(t.elem, a + i * t.elem.size, b + i * t.elem.size);
          if (c !== 0) return c;
        }
        return 0;
      case Kind.Interface: {
        const ta = mem.ptr(a);
        const tb = mem.ptr(b);
        if (ta === 0 || tb === 0) return ta === 0 ? (tb === 0 ? 0 : -1) : 1;
        const da = typeAt(rt, t.methods.length ? mem.ptr(ta + (W === 8 ? 8 : 4)) : ta);
        const db = typeAt(rt, t.methods.length ? mem.ptr(tb + (W === 8 ? 8 : 4)) : tb);
        if (da.addr !== db.addr) return da.addr - db.addr;
        const pa = da.direct ? a + W : mem.ptr(a + W);
        const pb = db.direct ? b + W : mem.ptr(b + W);
        return cmp(da, pa, pb);
      }
      default:
        return 0;
    }
  };
  return [...entries].sort((x, y) => cmp(kt, x.key, y.key));
}

// ---- the host functions' work ---------------------------------------------------------------------

/** Print / Println / Printf / Errorf: what `mode` formats. */
export const FMT_MODE = { print: 0, println: 1, printf: 2, errorf: 3 } as const;

function run(rt: Runtime, mode: number, format: Uint8Array, argsP: number, nargs: number, known: Outcome[], record: boolean): Printer {
  const p = new Printer(rt, known, record);
  const args = p.argsOf(argsP, nargs);
  if (mode === FMT_MODE.print) p.doPrint(args);
  else if (mode === FMT_MODE.println) p.doPrintln(args);
  else {
    p.wrapErrs = mode === FMT_MODE.errorf;
    p.doPrintf(format, args);
  }
  return p;
}

/** The outcomes of a table's first n calls. */
function outcomes(rt: Runtime, table: number, n: number): Outcome[] {
  const W = rt.arch.ptrSize;
  const out: Outcome[] = [];
  for (let i = 0; i < n; i++) {
    const e = table + i * FMT_CALL.words * W;
    const word = (k: number) => rt.mem.ptr(e + k * W);
    if (word(FMT_CALL.returned) !== 0) out.push({ returned: true, text: readString(rt, word(FMT_CALL.resPtr), word(FMT_CALL.resLen)) });
    else out.push({ returned: false, type: word(FMT_CALL.panicType), dataAddr: e + FMT_CALL.panicData * W });
  }
  return out;
}

/**
 * fmt.methods: the table of method calls formatting will make (FMT_CALL
 * entries): the nknown calls of `known` with their outcomes, then the ones
 * the walk lists after them.
 */
export function fmtMethods(rt: Runtime, mode: number, fp: number, fn: number, argsP: number, nargs: number, known: number, nknown: number): [number, number] {
  const p = run(rt, mode, readString(rt, fp, fn), argsP, nargs, outcomes(rt, known, nknown), true);
  if (p.calls.length === 0) return [known, nknown];
  const W = rt.arch.ptrSize;
  const size = FMT_CALL.words * W;
  const table = rt.heap.alloc((nknown + p.calls.length) * size);
  if (nknown > 0) rt.mem.write(table, rt.mem.read(known, nknown * size));
  p.calls.forEach((c, i) => {
    const e = table + (nknown + i) * size;
    rt.mem.setPtr(e + FMT_CALL.fn * W, c.fn);
    rt.mem.setPtr(e + FMT_CALL.recv * W, c.recv);
    rt.mem.setPtr(e + FMT_CALL.nested * W, c.nested ? 1 : 0);
  });
  return [table, nknown + p.calls.length];
}

/** fmt.format: the formatted bytes, using the n method outcomes of the table, and the %w operand (Errorf). */
export function fmtFormat(rt: Runtime, mode: number, fp: number, fn: number, argsP: number, nargs: number, table: number, n: number): { bytes: Uint8Array; wrapped: { type: number; data: number } | null } {
  const p = run(rt, mode, readString(rt, fp, fn), argsP, nargs, outcomes(rt, table, n), false);
  return { bytes: Uint8Array.from(p.buf), wrapped: p.wrapped };
}

/** preprintpanics' method for a panic value of dynamic type `typ`: Error if it is an error, else String if a Stringer; the itab entry, or 0. */
export function panicMethod(rt: Runtime, typ: number): number {
  const t = typeAt(rt, typ);
  return methodEntry(t, 'Error') || methodEntry(t, 'String');
}
