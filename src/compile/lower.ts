// Lowering: the checked AST to IR functions (ir.ts), plus read-only data and
// the list of package-level variables.
//
// Values: a value is the list of its scalar leaves (types.ts leaves()), one
// IR operand (a word) each: an int or a pointer is one word, a string two
// (pointer, length), a slice three, an interface two (itab or type, data), a
// struct the leaves of its fields in order. Arrays (and structs containing
// arrays) are "memory values": one word, the address of storage holding the
// value, copied (memmove) wherever Go copies a value.
//
// Frame model: every scalar variable and temporary has its own word slot. A
// variable that a function literal captures, whose address is taken, that is
// an array, or a sync.WaitGroup, lives instead in a heap cell from
// runtime.newobject in Go's memory layout; its slot holds the cell's
// address, and closures hold the same address, so no pointer into a stack is
// ever stored anywhere (the runtime's stack copier moves frames with
// memcpy). Addresses of frame slots (`frame` operands) are only passed to a
// runtime call for the duration of that call, or used by loads and stores
// with no call in between.
//
// Go semantics kept here (go1.19): a loop variable is one variable for the
// whole loop, so closures created in different iterations share it; a
// variable declared inside the body is new in each iteration. Arguments of
// deferred calls and go statements are evaluated at the statement; the call
// itself goes through a wrapper closure (main.f.deferwrap1 / main.f.gowrap1,
// Go 1.21's names) whose context words hold the evaluated values, as the Go
// compiler has done since 1.17. Deferred calls run at every return point via
// runtime.deferreturn (see the loop in finish()).
import type { Block, Breakable, CallExpr, CompositeLit, Expr, FuncLit, Ident, IfStmt, Stmt, TypeSwitchStmt } from './ast.ts';
import { type CheckedProgram, type FuncInfo, unparen, type VarInit, type VarObj } from './check.ts';
import { ENTRY, FMT_CALL, goEntry, type RuntimeEntry } from '../abi/index.ts';
import { type BinOp, type CallArg, type Callee, type CmpOp, type CallResult, type DataBlock, type DataItem, frame, imm, type Inst, type InstBody, type IrFunc, type Operand, slot, sym } from './ir.ts';
import { dependencyInits, ERRNO, ERROR_STRING, LIBRARY_CALLS, NUM_ERROR, PKG_VARS, WRAP_ERROR } from './packages.ts';
import { lowerSelect, type SelectLowerHooks } from './select.ts';
import { lowerTimeCall } from './timepkg.ts';
import { type IfaceEntry, RTypes } from './rtype.ts';
import { emitRuntimeErrorTypes } from './rterrors.ts';
import { lowerAtomic } from './atomic.ts';
import { emitOnceFuncs, ONCE_DO } from './once.ts';
import { emitFmtCatchFuncs, FMT_HANDLE_METHODS } from './fmtcatch.ts';
import { emitPreprintpanics } from './printpanics.ts';
import { emitAtomicMethods } from './atomictypes.ts';
import { intKindOf, IntLowering } from './lowerint.ts';
import { FloatLowering, isFloat64 } from './lowerfloat.ts';
import { isRat, ratToFloat64, toRat } from './floats.ts';
import {
  ANY,
  type ConstValue,
  ERROR,
  type FuncType,
  INT,
  isDirectIface,
  isMem,
  leaves,
  type MapType,
  type MethodSetEntry,
  type PathStep,
  RUNE,
  type Selection,
  sizeOf,
  alignOf,
  STRING,
  structLayout,
  type StructType,
  type Type,
  UINT8,
  under,
  identical,
  wordCount,
} from './types.ts';

export interface LoweredProgram {
  funcs: IrFunc[];
  data: DataBlock[];
  globals: { name: string; size: number; align: number }[];
}

export interface LowerOptions {
  ptrSize: number;
  /** go_asm.h constants of the target (struct offsets of _type, itab, hmap ...) */
  K: (name: string) => number;
}

/** A value: its scalar leaves (see the file comment). */
type Val = Operand[];

/** A call whose callee and arguments are evaluated, ready to be emitted (now, or later by a go/defer wrapper). */
type Plan =
  | { k: 'call'; fn: Callee; args: CallArg[]; results: readonly Type[] }
  | { k: 'print'; ln: boolean; items: PrintItem[] }
  /** a builtin or library function lowered inline (fmt.Println, close, panic, ...): its evaluated arguments */
  | { k: 'special'; name: string; call: CallExpr; args: Val[] };

type PrintItem = { k: 'bool'; v: Operand } | { k: 'eface'; t: Operand; d: Operand } | { k: 'int' | 'uint' | 'float'; a: CallArg } | { k: 'str'; p: Operand; n: Operand };

/** An assignable location. */
type Place =
  | { k: 'blank' }
  /** leaves of a variable kept in frame slots (or part of one) */
  | { k: 'slots'; slots: number[]; t: Type }
  /** memory at address(base) + off */
  | { k: 'mem'; base: Operand; off: number; t: Type }
  /** a map element: written through runtime.mapassign */
  | { k: 'map'; mt: MapType; m: Operand; key: Val; t: Type };

/** Instructions whose destination slot may be replaced (see emit). */
const RETARGET = new Set<string>(['mov', 'bin', 'div', 'mod', 'shl', 'shr', 'neg', 'com', 'not', 'load']);

const CMPOPS: Record<string, CmpOp> = { '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' };

const BINOPS: Record<string, BinOp> = {
  '+': 'add', '-': 'sub', '*': 'mul', '&': 'and', '|': 'or', '^': 'xor', '&^': 'andnot',
  '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge',
};

/** boundsErrorCode of go1.19's runtime/error.go, and the panic entry of each. */
const BOUNDS = {
  index: ENTRY.panicIndex,
  sliceAlen: ENTRY.panicSliceAlen,
  sliceAcap: ENTRY.panicSliceAcap,
  sliceB: ENTRY.panicSliceB,
  slice3Alen: ENTRY.panicSlice3Alen,
  slice3Acap: ENTRY.panicSlice3Acap,
  slice3B: ENTRY.panicSlice3B,
  slice3C: ENTRY.panicSlice3C,
} as const;

export function lowerProgram(p: CheckedProgram, opts: LowerOptions): LoweredProgram {
  return new ProgramLowerer(p, opts).run();
}

class ProgramLowerer {
  readonly funcs: IrFunc[] = [];
  private readonly data = new Map<string, DataBlock>();
  private readonly strings = new Map<string, string>();
  readonly rtypes: RTypes;
  private readonly wrappers: IfaceEntry[] = [];
  private readonly wrapperNames = new Set<string>();
  private readonly fmWrappers = new Map<string, { sel: Extract<Selection, { kind: 'method' | 'imethod' }>; recvT: Type }>();

  constructor(
    readonly prog: CheckedProgram,
    readonly opts: LowerOptions,
  ) {
    this.rtypes = new RTypes({
      W: opts.ptrSize,
      K: opts.K,
      addData: (name, line, items) => this.addData(name, line, items),
      stringSym: (b, line) => this.stringSym(b, line),
      needWrapper: (e) => {
        if (e.wrapper && !this.wrapperNames.has(e.symbol)) {
          this.wrapperNames.add(e.symbol);
          this.wrappers.push(e);
        }
      },
    });
  }

  get W(): number {
    return this.opts.ptrSize;
  }

  K(name: string): number {
    return this.opts.K(name);
  }

  run(): LoweredProgram {
    const p = this.prog;
    // main.init: the imported packages' inits the runtime shows (os's, under fmt),
    // package-level variable initializers, then the init functions.
    const init = new FnLowerer(this, p.initInfo, p.initInfo.pos.line, p.initInfo.pos.line);
    init.beginBody();
    for (const sym of dependencyInits(p.file.imports.map((i) => i.path))) init.emitCallTo(sym, p.initInfo.pos.line);
    for (const vi of p.varInits) init.varInit(vi);
    p.initFuncs.forEach((f) => init.emitCallTo(f.symbol, f.pos.line));
    init.finish();
    for (const f of p.funcs) this.lowerFunc(f);
    for (const f of p.initFuncs) this.lowerFunc(f);
    // wrappers the method tables and itabs need (they may need more)
    for (let i = 0; i < this.wrappers.length; i++) FnLowerer.ifaceWrapper(this, this.wrappers[i]!);
    // the typed atomics' methods the program reaches (atomictypes.ts)
    emitAtomicMethods({ W: this.W, funcs: this.funcs, data: [...this.data.values()] }, p.initInfo.pos.line);
    // A global is aligned as cmd/link's symalign aligns a data symbol the
    // compiler gave no alignment: the largest power of two not above its
    // size, up to 8 (arm's Maxalign; amd64's 32 would only move addresses),
    // so a global int64 (or WaitGroup) is 8-aligned for 64-bit atomics on arm too.
    const symalign = (size: number) => {
      let a = 8;
      while (a > size && a > 1) a >>= 1;
      return a;
    };
    const globals = p.globals.map((v) => {
      const size = Math.max(sizeOf(v.type, this.W), this.W);
      return { name: v.global!, size, align: Math.max(alignOf(v.type, this.W), this.W, symalign(size)) };
    });
    return { funcs: this.funcs, data: [...this.data.values()], globals };
  }

  lowerFunc(info: FuncInfo): void {
    const fl = new FnLowerer(this, info, info.pos.line, info.end.line);
    fl.beginBody();
    fl.stmts(info.body.body);
    fl.finish();
  }

  addData(name: string, line: number, items: DataItem[]): string {
    if (!this.data.has(name)) this.data.set(name, { name, line, items });
    return name;
  }

  /** The rodata symbol holding a string's bytes (null for the empty string). */
  stringSym(bytes: Uint8Array, line: number): string | null {
    if (bytes.length === 0) return null;
    const key = Buffer.from(bytes).toString('hex');
    let s = this.strings.get(key);
    if (!s) {
      s = `go.string.${this.strings.size}`;
      this.strings.set(key, s);
      this.addData(s, line, [{ k: 'bytes', b: bytes }]);
    }
    return s;
  }

  /** A type descriptor for runtime.newobject: word 0 is the size in bytes. */
  cellType(size: number, line: number): string {
    return this.addData(`type.cell${size}`, line, [{ k: 'word', v: BigInt(size) }]);
  }

  /** A channel type descriptor for runtime.makechan: word 0 is the element size. */
  chanType(elem: Type, line: number): string {
    const size = sizeOf(elem, this.W);
    return this.addData(`type.chan${size}`, line, [{ k: 'word', v: BigInt(size) }]);
  }

  /** The static funcval of a top-level function (Go's main.f·f): one word, the code address. */
  /** os.Stdout / os.Stderr: a static *os.File (its fd word) */
  pkgVar(name: string, line: number): string {
    const [pkg, v] = name.split('.') as [string, string];
    const sym = `${pkg}.${v.toLowerCase()}File`;
    return this.addData(sym, line, [{ k: 'word', v: BigInt(PKG_VARS[pkg]![v]!.fd) }]);
  }

  /** syscall.errnoItab: the word errnoErr reads (src/runtime/syscallpkg.ts): the itab of syscall.Errno for error. */
  errnoItab(line: number): string {
    return this.addData('syscall.errnoItab', line, [{ k: 'word', v: this.rtypes.itabSym(ERRNO, ERROR) }]);
  }

  staticFuncval(fn: string, line: number): string {
    return this.addData(`${fn}.f`, line, [{ k: 'word', v: fn }]);
  }

  /** A method value's function (gc's main.T.M-fm): its closure holds the receiver. */
  fmWrapper(name: string, sel: Extract<Selection, { kind: 'method' | 'imethod' }>, recvT: Type): string {
    if (!this.fmWrappers.has(name)) {
      this.fmWrappers.set(name, { sel, recvT });
      FnLowerer.methodValueFunc(this, name, sel, recvT);
    }
    return name;
  }
}

interface LoopLabels {
  brk: number;
  cont?: number;
}

/** Where a variable lives: its leaves in frame slots, or a heap cell whose address is in a slot. */
type VarLoc = { k: 'slots'; slots: number[] } | { k: 'cell'; slot: number };

class FnLowerer {
  private readonly body: Inst[] = [];
  private nslots = 0;
  private readonly freeTemps: number[] = [];
  private readonly liveTemps: number[] = [];
  private nlabels = 0;
  private line: number;
  private readonly vars = new Map<VarObj, VarLoc>();
  private readonly captureIdx = new Map<VarObj, number>();
  private readonly ctxtSlot: number | null;
  private readonly params: number[] = [];
  private readonly results: number[] = [];
  private readonly targets = new Map<Breakable, LoopLabels>();
  private exitLabel = 0;
  private wrapCount = { go: 0, defer: 0 };
  /** results of calls and receives already performed (see prepare) */
  private readonly hoisted = new Map<Expr, Val[]>();
  /** expressions prepare() has walked: expr() prepares every level, so each subtree is walked once, not once per enclosing level */
  private readonly prepared = new Set<Expr>();
  /** arithmetic by integer type (lowerint.ts) */
  private readonly ints = new IntLowering({
    W: this.P.W,
    temp: () => this.temp(),
    emit: (i) => this.emit(i),
    label: () => this.label(),
    place: (id) => this.place(id),
  });
  /** float64 arithmetic (lowerfloat.ts) */
  private readonly floats = new FloatLowering({ W: this.P.W, temp: () => this.temp(), emit: (i) => this.emit(i), label: () => this.label(), place: (id) => this.place(id) }, this.ints);

  constructor(
    private readonly P: ProgramLowerer,
    private readonly info: FuncInfo,
    line: number,
    private readonly endLine: number,
  ) {
    this.line = line;
    this.ctxtSlot = info.isClosure ? this.newVar() : null;
    info.captures.forEach((v, i) => this.captureIdx.set(v, i));
  }

  private get W(): number {
    return this.P.W;
  }

  private words(t: Type): number {
    return wordCount(t, this.W);
  }

  private typeSym(t: Type): Operand {
    return sym(this.P.rtypes.typeSym(t));
  }

  // ---- slots, labels, emission ---------------------------------------------------------

  private newVar(): number {
    return this.nslots++;
  }

  /** n consecutive fresh slots (a block whose frame address may be passed to a call). */
  private newBlock(n: number): number {
    const s = this.nslots;
    this.nslots += Math.max(n, 1);
    return s;
  }

  private temp(): number {
    const s = this.freeTemps.pop() ?? this.nslots++;
    this.liveTemps.push(s);
    return s;
  }

  /** Temporaries made after mark() are free again after release(mark). */
  private mark(): number {
    return this.liveTemps.length;
  }

  private release(m: number): void {
    while (this.liveTemps.length > m) this.freeTemps.push(this.liveTemps.pop()!);
  }

  private label(): number {
    return ++this.nlabels;
  }

  private emit(i: InstBody): void {
    // `t = a op b; x = t` becomes `x = a op b` when t is a temporary made for
    // that value (an expression's result is used once).
    if (i.op === 'mov' && i.src.k === 'slot' && this.liveTemps.includes(i.src.s)) {
      const last = this.body[this.body.length - 1];
      if (last && RETARGET.has(last.op) && (last as { dst?: number }).dst === i.src.s) {
        (last as { dst: number }).dst = i.dst;
        return;
      }
    }
    this.body.push({ ...i, line: this.line });
  }

  private place(id: number): void {
    this.emit({ op: 'label', id });
  }

  private jmp(target: number): void {
    this.emit({ op: 'jmp', target });
  }

  private mov(src: Operand): Operand {
    const t = this.temp();
    this.emit({ op: 'mov', dst: t, src });
    return slot(t);
  }

  private bin(bop: BinOp, a: Operand, b: Operand): Operand {
    if (bop === 'add' && b.k === 'imm' && b.v === 0n) return a;
    const t = this.temp();
    this.emit({ op: 'bin', bop, dst: t, a, b });
    return slot(t);
  }

  /**
   * A call of runtime entry `e` (src/abi): its symbol, and arguments and
   * results as the list gives them (an int64 parameter takes an int64
   * argument; a bool result is a byte). `dsts` receive the first results.
   */
  private rtcall(e: RuntimeEntry, args: (Operand | CallArg)[], dsts: number[] = []): void {
    const a = args.map((x) => ('k' in x ? { v: x } : x));
    if (a.length !== e.params.length || a.some((x, i) => !!x.int64 !== (e.params[i]!.kind === 'int64')) || dsts.length > e.results.length) {
      throw new Error(`lower: a call of ${e.symbol} that does not match its entry in src/abi`);
    }
    const results = dsts.map((dst, i) => ({ dst, bool: e.results[i]!.kind === 'bool' }));
    this.emit({ op: 'call', fn: { k: 'sym', name: e.symbol }, args: a, results });
  }

  /** A runtime call with one result, in a new temporary. */
  private rtcallValue(e: RuntimeEntry, args: (Operand | CallArg)[]): Operand {
    const t = this.temp();
    this.rtcall(e, args, [t]);
    return slot(t);
  }

  /** A runtime call with several results, in new temporaries. */
  private rtcallValues(e: RuntimeEntry, args: (Operand | CallArg)[], n = e.results.length): Operand[] {
    const ts = Array.from({ length: n }, () => this.temp());
    this.rtcall(e, args, ts);
    return ts.map(slot);
  }

  emitCallTo(name: string, line: number): void {
    this.line = line;
    this.emit({ op: 'call', fn: { k: 'sym', name }, args: [], results: [] });
  }

  // ---- function frame --------------------------------------------------------------------

  /** Parameters, results and the prologue work (boxing captured parameters). */
  beginBody(): void {
    const info = this.info;
    const paramSlots = info.type.params.map((t) => Array.from({ length: this.words(t) }, () => this.newVar()));
    const resultSlots = info.type.results.map((t) => Array.from({ length: this.words(t) }, () => this.newVar()));
    for (const s of paramSlots) this.params.push(...s);
    for (const s of resultSlots) this.results.push(...s);
    this.exitLabel = this.label();
    info.params.forEach((v, i) => {
      if (!v) return;
      const ps = paramSlots[i]!;
      if (this.boxed(v)) this.declare(v, ps.map(slot));
      else this.vars.set(v, { k: 'slots', slots: ps });
    });
    info.namedResults?.forEach((v, i) => {
      const rs = resultSlots[i]!;
      if (this.boxed(v)) this.declare(v, null);
      else {
        this.vars.set(v, { k: 'slots', slots: rs });
        for (const s of rs) this.emit({ op: 'mov', dst: s, src: imm(0) });
      }
    });
    this.resultSlots = resultSlots;
    // a recovered panic returns the results as they are: unnamed ones are zero then
    if (info.hasDefer && !info.namedResults) for (const s of this.results) this.emit({ op: 'mov', dst: s, src: imm(0) });
  }

  private resultSlots: number[][] = [];
  /** a go/defer or method wrapper (IrFunc.wrapper) */
  isWrapper = false;

  /** The single exit: run deferred calls, copy boxed named results out, return. */
  finish(): void {
    this.line = this.endLine;
    this.place(this.exitLabel);
    if (this.info.hasDefer) {
      const loop = this.label();
      const done = this.label();
      this.place(loop);
      const fv = this.temp();
      this.rtcall(ENTRY.deferreturn, [], [fv]);
      this.emit({ op: 'br', cond: slot(fv), when: false, target: done });
      this.emit({ op: 'call', fn: { k: 'closure', fv: slot(fv) }, args: [], results: [] });
      this.jmp(loop);
      this.place(done);
    }
    this.info.namedResults?.forEach((v, i) => {
      if (!this.boxed(v)) return;
      const val = this.readVar(v);
      const out = isMem(v.type) ? this.copyValue(val, v.type) : val;
      out.forEach((o, k) => this.emit({ op: 'mov', dst: this.resultSlots[i]![k]!, src: o }));
    });
    this.emit({ op: 'ret' });
    this.P.funcs.push({
      name: this.info.symbol,
      line: this.info.pos.line,
      col: this.info.pos.col,
      endLine: this.endLine,
      params: this.params,
      results: this.results,
      ctxtSlot: this.ctxtSlot,
      nslots: this.nslots,
      body: this.body,
      ...(this.isWrapper ? { wrapper: true } : {}),
    });
  }

  // ---- variables -----------------------------------------------------------------------------

  private boxed(v: VarObj): boolean {
    return v.captured || !!v.addrTaken || v.type.k === 'sync' || isMem(v.type);
  }

  /** Allocate a variable of this function (a heap cell if boxed) and initialize it. */
  private declare(v: VarObj, init: Val | null): void {
    if (this.boxed(v)) {
      const s = this.newVar();
      this.vars.set(v, { k: 'cell', slot: s });
      const size = Math.max(sizeOf(v.type, this.W), this.W);
      this.rtcall(ENTRY.newobject, [sym(this.P.cellType(size, this.line))], [s]);
      if (init && !init.every((o) => o.k === 'imm' && o.v === 0n)) this.storeMem(slot(s), 0, v.type, init);
      return;
    }
    const n = this.words(v.type);
    const slots = Array.from({ length: n }, () => this.newVar());
    this.vars.set(v, { k: 'slots', slots });
    slots.forEach((s, i) => this.emit({ op: 'mov', dst: s, src: init ? init[i]! : imm(0) }));
  }

  /** The address of a boxed variable's cell (or of a global). */
  private cellAddr(v: VarObj): Operand {
    if (v.global) return sym(v.global);
    const own = this.vars.get(v);
    if (own !== undefined) {
      if (own.k !== 'cell') throw new Error(`lower: variable ${v.name} has no cell`);
      return slot(own.slot);
    }
    const idx = this.captureIdx.get(v);
    if (idx === undefined || this.ctxtSlot === null) throw new Error(`lower: variable ${v.name} is not visible in ${this.info.symbol}`);
    const t = this.temp();
    this.emit({ op: 'load', dst: t, base: slot(this.ctxtSlot), off: this.W * (1 + idx) });
    return slot(t);
  }

  private varPlace(v: VarObj): Place {
    const loc = v.global ? undefined : this.vars.get(v);
    if (loc && loc.k === 'slots') return { k: 'slots', slots: loc.slots, t: v.type };
    return { k: 'mem', base: this.cellAddr(v), off: 0, t: v.type };
  }

  private readVar(v: VarObj): Val {
    return this.loadPlace(this.varPlace(v));
  }

  private writeVar(v: VarObj, src: Val): void {
    this.storePlace(this.varPlace(v), src);
  }

  // ---- memory ----------------------------------------------------------------------------------

  /** The value of type t at address(base)+off (a memory value is its address). */
  private loadMem(base: Operand, off: number, t: Type): Val {
    if (isMem(t)) return [this.bin('add', base, imm(off))];
    return leaves(t, this.W).map((l) => {
      const d = this.temp();
      this.emit(l.size === this.W ? { op: 'load', dst: d, base, off: off + l.off } : { op: 'load', dst: d, base, off: off + l.off, size: l.size, signed: l.signed });
      return slot(d);
    });
  }

  private storeMem(base: Operand, off: number, t: Type, v: Val): void {
    if (isMem(t)) {
      this.rtcall(ENTRY.memmove, [this.bin('add', base, imm(off)), v[0]!, imm(sizeOf(t, this.W))]);
      return;
    }
    leaves(t, this.W).forEach((l, i) => {
      const src = v[i]!;
      this.emit(l.size === this.W ? { op: 'store', base, off: off + l.off, src } : { op: 'store', base, off: off + l.off, src, size: l.size });
    });
  }

  /** A new zeroed heap object of type t (runtime.newobject). */
  private newObject(t: Type): Operand {
    return this.rtcallValue(ENTRY.newobject, [this.typeSym(t)]);
  }

  /** A fresh copy of a memory value (an array): Go copies values on assignment, calls, returns. */
  private copyValue(v: Val, t: Type): Val {
    if (!isMem(t)) return v;
    const p = this.newObject(t);
    this.rtcall(ENTRY.memmove, [p, v[0]!, imm(sizeOf(t, this.W))]);
    return [p];
  }

  /** The zero value of t. */
  private zeroVal(t: Type): Val {
    if (isMem(t)) return [this.newObject(t)];
    return leaves(t, this.W).map(() => imm(0));
  }

  /** Put a value in fresh temporaries (so later writes to its sources cannot change it). */
  private snapshot(v: Val): Val {
    return v.map((o) => (o.k === 'slot' ? this.mov(o) : o));
  }

  /** Store a value in frame slots laid out as Go lays it out in memory; returns the block's first slot. */
  private spillToFrame(t: Type, v: Val): number {
    const s = this.newBlock(Math.ceil(sizeOf(t, this.W) / this.W));
    this.storeMem(frame(s), 0, t, v);
    return s;
  }

  // ---- places -----------------------------------------------------------------------------------

  loadPlace(p: Place): Val {
    switch (p.k) {
      case 'blank':
        throw new Error('lower: reading _');
      case 'slots':
        return p.slots.map(slot);
      case 'mem':
        return this.loadMem(p.base, p.off, p.t);
      case 'map': {
        const ks = this.spillToFrame(p.mt.key, p.key);
        const ptr = this.rtcallValue(ENTRY.mapaccess1, [this.typeSym(p.mt), p.m, frame(ks)]);
        return this.loadMem(ptr, 0, p.t);
      }
    }
  }

  private storePlace(p: Place, v: Val): void {
    switch (p.k) {
      case 'blank':
        return;
      case 'slots': {
        // a value built from the destination's own slots (p = P{p.Y, p.X}) is copied first
        const dst = new Set(p.slots);
        const src = v.some((o, i) => o.k === 'slot' && dst.has(o.s) && o.s !== p.slots[i]) ? this.snapshot(v) : v;
        p.slots.forEach((s, i) => this.emit({ op: 'mov', dst: s, src: src[i]! }));
        return;
      }
      case 'mem':
        this.storeMem(p.base, p.off, p.t, v);
        return;
      case 'map': {
        const ks = this.spillToFrame(p.mt.key, p.key);
        const ptr = this.rtcallValue(ENTRY.mapassign, [this.typeSym(p.mt), p.m, frame(ks)]);
        this.storeMem(ptr, 0, p.t, v);
        return;
      }
    }
  }

  /** The field i of a struct place. */
  private fieldPlace(p: Place, st: StructType, i: number): Place {
    const ft = st.fields[i]!.type;
    if (p.k === 'slots') {
      let start = 0;
      for (let j = 0; j < i; j++) start += this.words(st.fields[j]!.type);
      return { k: 'slots', slots: p.slots.slice(start, start + this.words(ft)), t: ft };
    }
    if (p.k === 'mem') return { k: 'mem', base: p.base, off: p.off + structLayout(st, this.W).offsets[i]!, t: ft };
    throw new Error(`lower: field of a ${p.k} place`);
  }

  /** The leaves of field i of a struct value. */
  private fieldVal(v: Val, st: StructType, i: number): Val {
    let start = 0;
    for (let j = 0; j < i; j++) start += this.words(st.fields[j]!.type);
    return v.slice(start, start + this.words(st.fields[i]!.type));
  }

  /** The address of a place in memory (a variable must be boxed; the checker marks those). */
  private placeAddr(p: Place): Operand {
    if (p.k !== 'mem') throw new Error(`lower: address of a ${p.k} place`);
    return this.bin('add', p.base, imm(p.off));
  }

  /** The location an expression denotes (it is addressable, a map element, or _). */
  private placeOf(e: Expr): Place {
    const x = unparen(e);
    switch (x.kind) {
      case 'ident':
        if (x.name === '_') return { k: 'blank' };
        return this.varPlace(x.obj as VarObj);
      case 'unary':
        if (x.op === '*') return { k: 'mem', base: this.nilCheck(this.expr(x.x)[0]!), off: 0, t: x.t! };
        break;
      case 'selector': {
        const sel = x.selection;
        if (sel?.kind === 'field') return this.walkPath(this.refOf(x.x), x.x.t!, sel.path).place();
        break;
      }
      case 'index': {
        const u = under(x.x.t!);
        if (u.k === 'map') {
          const m = this.expr(x.x)[0]!;
          const key = this.exprTo(x.index, u.key);
          return { k: 'map', mt: u, m, key, t: u.elem };
        }
        return this.elemPlace(x);
      }
    }
    throw new Error(`lower: ${x.kind} is not assignable`);
  }

  /** An expression as a place when it is one in memory or slots, else as a value. */
  private refOf(e: Expr): Ref {
    const x = unparen(e);
    const addressable = (y: Expr): boolean => {
      const z = unparen(y);
      if (z.kind === 'ident') return z.obj?.kind === 'var';
      if (z.kind === 'unary') return z.op === '*';
      if (z.kind === 'selector') return z.selection?.kind === 'field' && (z.selection.path.some((s) => s.deref) || addressable(z.x));
      if (z.kind === 'index') {
        const u = under(z.x.t!);
        return u.k === 'slice' || u.k === 'ptr' || (u.k === 'array' && addressable(z.x));
      }
      return false;
    };
    if (addressable(x)) return new Ref(this, this.placeOf(x), null, x.t!);
    const v = this.expr(x);
    if (isMem(x.t!)) return new Ref(this, { k: 'mem', base: v[0]!, off: 0, t: x.t! }, null, x.t!);
    return new Ref(this, null, v, x.t!);
  }

  /** Follow a selector path from `r` (of type t): fields, with automatic dereferences. */
  walkPath(r: Ref, t: Type, path: readonly PathStep[]): Ref {
    let cur = r;
    let ct = t;
    for (const step of path) {
      let st = under(ct);
      if (st.k === 'ptr') {
        // through a pointer: the struct is in memory
        const p = this.nilCheck(cur.value()[0]!);
        ct = st.elem;
        st = under(ct);
        cur = new Ref(this, { k: 'mem', base: p, off: 0, t: ct }, null, ct);
      }
      const s = st as StructType;
      const ft = s.fields[step.index]!.type;
      cur = cur.p ? new Ref(this, this.fieldPlace(cur.p, s, step.index), null, ft) : new Ref(this, null, this.fieldVal(cur.v!, s, step.index), ft);
      ct = ft;
    }
    return cur;
  }

  // ---- statements --------------------------------------------------------------------------------

  stmts(list: Stmt[]): void {
    for (const s of list) this.stmt(s);
  }

  private stmt(s: Stmt): void {
    const m = this.mark();
    const savedLine = this.line;
    this.line = s.pos.line;
    try {
      this.stmtInner(s);
    } finally {
      this.release(m);
      this.line = savedLine;
    }
  }

  private stmtInner(s: Stmt): void {
    switch (s.kind) {
      case 'empty':
      case 'const':
      case 'type':
        return;
      case 'expr': {
        const x = unparen(s.x);
        if (x.kind === 'unary' && x.op === '<-') {
          this.rtcall(ENTRY.chanrecv1, [this.expr(x.x)[0]!, imm(0)]);
          return;
        }
        this.callExpr(x as CallExpr);
        return;
      }
      case 'send': {
        this.prepare(s.ch);
        this.prepare(s.value);
        const c = this.expr(s.ch)[0]!;
        const et = (under(s.ch.t!) as Extract<Type, { k: 'chan' }>).elem;
        const v = this.exprTo(s.value, et);
        this.rtcall(ENTRY.chansend1, [c, this.elemAddr(et, v)]);
        return;
      }
      case 'incdec': {
        const p = this.placeOf(s.x);
        const t = s.x.t!;
        const cur = this.loadPlace(p);
        if (isFloat64(t)) this.storePlace(p, this.floats.incdec(s.op as '++' | '--', cur));
        else this.storePlace(p, this.ints.binary(s.op === '++' ? '+' : '-', t, cur, this.ints.constant(1n, t), t));
        return;
      }
      case 'assign':
        if (s.op === '=') return this.assign(s.lhs, s.rhs);
        return this.opAssign(s.lhs[0]!, s.op.slice(0, -1), s.rhs[0]!);
      case 'define': {
        const types = s.lhs.map((id, i) => (id.obj as VarObj | undefined)?.type ?? this.valueTypes(s.rhs, s.lhs.length)[i]!);
        const vals = this.values(s.rhs, s.lhs.length, types, s.lhs.length > 1);
        s.lhs.forEach((id, i) => {
          if (id.name === '_') return;
          const v = id.obj as VarObj;
          if (s.fresh![i]) this.declare(v, this.copyValue(vals[i]!, v.type));
          else this.writeVar(v, vals[i]!);
        });
        return;
      }
      case 'var':
        for (const spec of s.specs) {
          const types = spec.names.map((id) => (id.obj as VarObj | undefined)?.type ?? INT);
          const vals = spec.values.length ? this.values(spec.values, spec.names.length, types) : null;
          spec.names.forEach((id, i) => {
            if (id.name === '_') return;
            const v = id.obj as VarObj;
            this.declare(v, vals ? this.copyValue(vals[i]!, v.type) : isMem(v.type) ? null : null);
          });
        }
        return;
      case 'block':
        return this.stmts(s.body);
      case 'if':
        return this.ifStmt(s);
      case 'for': {
        if (s.init) this.stmt(s.init);
        const top = this.label();
        const cont = this.label();
        const brk = this.label();
        this.targets.set(s, { brk, cont });
        this.place(top);
        if (s.cond) this.branch(s.cond, brk, false);
        this.block(s.body);
        this.line = s.pos.line;
        this.place(cont);
        if (s.post) this.stmt(s.post);
        this.line = s.pos.line;
        this.jmp(top);
        this.place(brk);
        return;
      }
      case 'range':
        return this.rangeStmt(s);
      case 'switch':
        return this.switchStmt(s);
      case 'typeswitch':
        return this.typeSwitchStmt(s);
      case 'select':
        return lowerSelect(this.selectHooks(), s);
      case 'labeled':
        return this.stmt(s.stmt);
      case 'break':
      case 'continue': {
        const t = this.targets.get(s.target!)!;
        this.jmp(s.kind === 'break' ? t.brk : t.cont!);
        return;
      }
      case 'return':
        return this.returnStmt(s.results);
      case 'go':
      case 'defer':
        return this.goDefer(s.kind, s.call);
      case 'fallthrough':
        return; // handled by switchStmt
    }
  }

  /** What select.ts needs of this lowerer. */
  private selectHooks(): SelectLowerHooks {
    return {
      W: this.W,
      setLine: (l) => {
        this.line = l;
      },
      newVar: () => this.newVar(),
      newBlock: (n) => this.newBlock(n),
      label: () => this.label(),
      place: (id) => this.place(id),
      jmp: (id) => this.jmp(id),
      emit: (i) => this.emit(i),
      rtcall: (e, args, dsts) => this.rtcall(e, args, dsts),
      prepare: (e) => this.prepare(e),
      expr: (e) => this.expr(e),
      exprTo: (e, t) => this.exprTo(e, t),
      elemAddr: (et, v) => this.elemAddr(et, v),
      elemIsWord: (et) => this.elemIsWord(et),
      loadMem: (b, off, t) => this.loadMem(b, off, t),
      newObject: (t) => this.newObject(t),
      zeroVal: (t) => this.zeroVal(t),
      setReceived: (x, vals) => this.hoisted.set(x, vals),
      stmt: (st) => this.stmt(st),
      stmts: (list) => this.stmts(list),
      setBreak: (st, brk) => this.targets.set(st, { brk }),
    };
  }

  /** The types a list of expressions yields as n values (for := of a multi-value call). */
  private valueTypes(list: Expr[], n: number): Type[] {
    if (list.length === n) return list.map((e) => e.t!);
    const t = list[0]!.t!;
    if (t.k === 'tuple') return [...t.types];
    return [t, { k: 'bool' }];
  }

  /** The address of a channel element: the value laid out in memory in a frame block. */
  private elemAddr(et: Type, v: Val): Operand {
    const ls = leaves(et, this.W);
    if (ls.length === 1 && ls[0]!.off === 0 && (ls[0]!.size === this.W || ls[0]!.size === 1) && !isMem(et)) {
      // one word: the slot itself (as before)
      const t = this.temp();
      this.emit({ op: 'mov', dst: t, src: v[0]! });
      return frame(t);
    }
    if (isMem(et)) return v[0]!;
    if (ls.length === 0) {
      const t = this.temp();
      this.emit({ op: 'mov', dst: t, src: imm(0) });
      return frame(t);
    }
    return frame(this.spillToFrame(et, v));
  }

  private block(b: Block): void {
    const m = this.mark();
    this.stmts(b.body);
    this.release(m);
  }

  private ifStmt(s: IfStmt): void {
    if (s.init) this.stmt(s.init);
    const elseL = this.label();
    const end = this.label();
    this.line = s.pos.line;
    this.branch(s.cond, elseL, false);
    this.block(s.then);
    if (s.else) {
      this.line = s.then.end.line;
      this.jmp(end);
    }
    this.place(elseL);
    if (s.else) {
      if (s.else.kind === 'block') this.block(s.else);
      else this.stmt(s.else);
    }
    this.place(end);
  }

  /** The place of a range iteration variable (declared by := or an assignable expression). */
  private rangeVar(s: Extract<Stmt, { kind: 'range' }>, e: Expr | null): Place | null {
    if (!e) return null;
    const x = unparen(e);
    if (x.kind === 'ident' && x.name === '_') return null;
    if (s.define) {
      const v = (x as Ident).obj as VarObj;
      this.declare(v, null);
      return this.varPlace(v);
    }
    return this.placeOf(x);
  }

  private rangeStmt(s: Extract<Stmt, { kind: 'range' }>): void {
    const xt = s.x.t!;
    let u = under(xt);
    if (u.k === 'chan') return this.rangeChan(s);
    if (u.k === 'map') return this.rangeMap(s, u);
    // slices, arrays, pointers to arrays, strings: an index loop over a length fixed at the start
    this.prepare(s.x);
    const xv = this.expr(s.x);
    const hold = xv.map((o) => {
      const v = this.newVar();
      this.emit({ op: 'mov', dst: v, src: o });
      return v;
    });
    let base: Operand;
    let len: Operand;
    let elemT: Type;
    if (u.k === 'ptr') {
      u = under(u.elem);
    }
    if (u.k === 'string') {
      return this.rangeString(s, hold);
    }
    if (u.k === 'slice') {
      base = slot(hold[0]!);
      len = slot(hold[1]!);
      elemT = u.elem;
    } else if (u.k === 'array') {
      // a value array is copied when its elements are used (the range expression is evaluated once)
      if (under(xt).k === 'array' && s.value) {
        const c = this.copyValue([slot(hold[0]!)], xt)[0]!;
        this.emit({ op: 'mov', dst: hold[0]!, src: c });
      }
      base = slot(hold[0]!);
      len = imm(u.len);
      elemT = u.elem;
    } else throw new Error(`lower: range over ${u.k}`);
    const key = this.rangeVar(s, s.key);
    const val = this.rangeVar(s, s.value);
    const i = this.newVar();
    this.emit({ op: 'mov', dst: i, src: imm(0) });
    const top = this.label();
    const cont = this.label();
    const brk = this.label();
    this.targets.set(s, { brk, cont });
    this.place(top);
    this.line = s.pos.line;
    this.emit({ op: 'brcmp', cmp: 'ge', a: slot(i), b: len, when: true, target: brk });
    if (key) this.storePlace(key, [slot(i)]);
    if (val) {
      const m = this.mark();
      const addr = this.bin('add', base, this.bin('mul', slot(i), imm(sizeOf(elemT, this.W))));
      this.storePlace(val, this.copyValue(this.loadMem(addr, 0, elemT), elemT));
      this.release(m);
    }
    this.block(s.body);
    this.line = s.pos.line;
    this.place(cont);
    this.emit({ op: 'bin', bop: 'add', dst: i, a: slot(i), b: imm(1) });
    this.jmp(top);
    this.place(brk);
  }

  /** for i, r := range s: UTF-8 decoding, ASCII inline and the rest through runtime.decoderune (as gc does). */
  private rangeString(s: Extract<Stmt, { kind: 'range' }>, hold: number[]): void {
    const key = this.rangeVar(s, s.key);
    const val = this.rangeVar(s, s.value);
    const i = this.newVar();
    const next = this.newVar();
    const r = this.newVar();
    this.emit({ op: 'mov', dst: next, src: imm(0) });
    const top = this.label();
    const brk = this.label();
    const ascii = this.label();
    const body = this.label();
    this.targets.set(s, { brk, cont: top });
    this.place(top);
    this.line = s.pos.line;
    this.emit({ op: 'mov', dst: i, src: slot(next) });
    this.emit({ op: 'brcmp', cmp: 'ge', a: slot(i), b: slot(hold[1]!), when: true, target: brk });
    const m = this.mark();
    const p = this.bin('add', slot(hold[0]!), slot(i));
    this.emit({ op: 'load', dst: r, base: p, off: 0, size: 1 });
    this.release(m);
    this.emit({ op: 'brcmp', cmp: 'lt', a: slot(r), b: imm(0x80), when: true, target: ascii });
    this.rtcall(ENTRY.decoderune, [slot(hold[0]!), slot(hold[1]!), slot(i)], [r, next]);
    this.jmp(body);
    this.place(ascii);
    this.emit({ op: 'bin', bop: 'add', dst: next, a: slot(i), b: imm(1) });
    this.place(body);
    if (key) this.storePlace(key, [slot(i)]);
    if (val) this.storePlace(val, [slot(r)]);
    this.block(s.body);
    this.line = s.pos.line;
    this.jmp(top);
    this.place(brk);
  }

  private rangeChan(s: Extract<Stmt, { kind: 'range' }>): void {
    const c = this.newVar();
    this.emit({ op: 'mov', dst: c, src: this.expr(s.x)[0]! });
    const et = (under(s.x.t!) as Extract<Type, { k: 'chan' }>).elem;
    const key = this.rangeVar(s, s.key);
    const top = this.label();
    const brk = this.label();
    this.targets.set(s, { brk, cont: top });
    const one = this.elemIsWord(et);
    const elem = one ? this.newVar() : this.newBlock(Math.ceil(sizeOf(et, this.W) / this.W));
    const ok = this.newVar();
    this.place(top);
    this.line = s.pos.line;
    if (one) this.emit({ op: 'mov', dst: elem, src: imm(0) });
    this.rtcall(ENTRY.chanrecv2, [slot(c), frame(elem)], [ok]);
    this.emit({ op: 'br', cond: slot(ok), when: false, target: brk });
    if (key) {
      const m = this.mark();
      this.storePlace(key, one ? [slot(elem)] : this.loadMem(frame(elem), 0, et));
      this.release(m);
    }
    this.block(s.body);
    this.line = s.pos.line;
    this.jmp(top);
    this.place(brk);
  }

  /** Is a channel element one word in a slot (int, pointer, bool, struct{}, ...)? */
  private elemIsWord(et: Type): boolean {
    const ls = leaves(et, this.W);
    return !isMem(et) && (ls.length === 0 || (ls.length === 1 && ls[0]!.off === 0 && (ls[0]!.size === this.W || (ls[0]!.size === 1 && !ls[0]!.signed))));
  }

  private rangeMap(s: Extract<Stmt, { kind: 'range' }>, mt: MapType): void {
    const m = this.expr(s.x)[0]!;
    const key = this.rangeVar(s, s.key);
    const val = this.rangeVar(s, s.value);
    const K = (n: string) => this.P.K(n);
    // the iterator (go1.19's hiter) lives in the heap: it is passed to every mapiternext
    const it = this.newVar();
    this.rtcall(ENTRY.newobject, [sym(this.P.cellType(K('hiter__size'), this.line))], [it]);
    this.rtcall(ENTRY.mapiterinit, [this.typeSym(mt), m, slot(it)]);
    const top = this.label();
    const cont = this.label();
    const brk = this.label();
    this.targets.set(s, { brk, cont });
    this.place(top);
    this.line = s.pos.line;
    const kp = this.newVar();
    this.emit({ op: 'load', dst: kp, base: slot(it), off: K('hiter_key') });
    this.emit({ op: 'br', cond: slot(kp), when: false, target: brk });
    const mk = this.mark();
    if (key) this.storePlace(key, this.copyValue(this.loadMem(slot(kp), 0, mt.key), mt.key));
    if (val) {
      const vp = this.temp();
      this.emit({ op: 'load', dst: vp, base: slot(it), off: K('hiter_elem') });
      this.storePlace(val, this.copyValue(this.loadMem(slot(vp), 0, mt.elem), mt.elem));
    }
    this.release(mk);
    this.block(s.body);
    this.line = s.pos.line;
    this.place(cont);
    this.rtcall(ENTRY.mapiternext, [slot(it)]);
    this.jmp(top);
    this.place(brk);
  }

  private switchStmt(s: Extract<Stmt, { kind: 'switch' }>): void {
    if (s.init) this.stmt(s.init);
    this.line = s.pos.line;
    let tag: Val | null = null;
    const tagT = s.tag ? s.tag.t! : null;
    if (s.tag) {
      const v = this.expr(s.tag);
      if (v.length === 1 && v[0]!.k === 'imm') tag = v;
      else {
        tag = v.map((o) => {
          const t = this.newVar();
          this.emit({ op: 'mov', dst: t, src: o });
          return slot(t);
        });
      }
    }
    this.clauses(s, s.clauses, (c) => c.values === null, (c, body) => {
      for (const v of c.values!) {
        this.line = v.pos.line;
        const m = this.mark();
        if (tag && tagT) {
          const single = tag.length === 1 && this.words(v.t!) === 1 && under(tagT).k !== 'iface' && under(v.t!).k !== 'iface' && under(tagT).k !== 'string' && under(tagT).k !== 'float64';
          if (single) this.emit({ op: 'brcmp', cmp: 'eq', a: tag[0]!, b: this.expr(v)[0]!, when: true, target: body });
          else {
            const skip = this.label();
            this.prepare(v);
            this.compareEq(tagT, tag, v.t!, this.expr(v), skip);
            this.jmp(body);
            this.place(skip);
          }
        } else {
          this.branch(v, body, true);
        }
        this.release(m);
      }
    });
  }

  /**
   * The clauses of a switch (or type switch): each case's tests in order,
   * jumping to its body; then default, or the end; then the bodies, each
   * leaving the switch unless it ends in fallthrough. `enter` runs at the
   * start of a body (a type switch's clause variable).
   */
  private clauses<C extends { pos: { line: number }; body: Stmt[] }>(
    s: Breakable & { end: { line: number } },
    clauses: C[],
    isDefault: (c: C) => boolean,
    tests: (c: C, body: number) => void,
    enter?: (c: C) => void,
  ): void {
    const end = this.label();
    this.targets.set(s, { brk: end });
    const bodies = clauses.map(() => this.label());
    let deflt = -1;
    clauses.forEach((c, i) => {
      if (isDefault(c)) deflt = i;
      else tests(c, bodies[i]!);
    });
    this.jmp(deflt >= 0 ? bodies[deflt]! : end);
    clauses.forEach((c, i) => {
      this.line = c.pos.line;
      this.place(bodies[i]!);
      const m = this.mark();
      enter?.(c);
      this.stmts(c.body);
      this.release(m);
      const last = c.body[c.body.length - 1];
      if (last && last.kind === 'fallthrough') {
        this.line = last.pos.line;
        this.jmp(bodies[i + 1]!);
      } else if (i !== clauses.length - 1) {
        this.jmp(end);
      }
    });
    this.line = s.end.line;
    this.place(end);
  }

  /** switch v := x.(type): the dynamic type (eface._type or itab._type) against each case's descriptor. */
  private typeSwitchStmt(s: TypeSwitchStmt): void {
    if (s.init) this.stmt(s.init);
    this.line = s.pos.line;
    const xt = s.x.t!;
    const xv = this.expr(s.x);
    const tab = this.newVar();
    const data = this.newVar();
    this.emit({ op: 'mov', dst: tab, src: xv[0]! });
    this.emit({ op: 'mov', dst: data, src: xv[1]! });
    // the dynamic type: a non-empty interface holds an itab
    const dyn = this.newVar();
    this.emit({ op: 'mov', dst: dyn, src: this.dynType(slot(tab), (under(xt) as Extract<Type, { k: 'iface' }>).methods.length > 0) });
    this.clauses(
      s,
      s.clauses,
      (c) => c.types === null,
      (c, body) => {
        c.types!.forEach((te, j) => {
          const m = this.mark();
          const t = te === null ? null : c.resolved![j]!;
          if (t === null) {
            this.emit({ op: 'brcmp', cmp: 'eq', a: slot(dyn), b: imm(0), when: true, target: body });
          } else if (under(t).k === 'iface') {
            const skip = this.label();
            this.emit({ op: 'brcmp', cmp: 'eq', a: slot(dyn), b: imm(0), when: true, target: skip });
            this.emit({ op: 'br', cond: this.ifaceTypeCheck(t, slot(dyn)), when: true, target: body });
            this.place(skip);
          } else {
            this.emit({ op: 'brcmp', cmp: 'eq', a: slot(dyn), b: this.typeSym(t), when: true, target: body });
          }
          this.release(m);
        });
      },
      (c) => {
        if (!c.v) return;
        const v = c.v;
        const single = c.types && c.types.length === 1 && c.types[0] !== null;
        let val: Val;
        if (single && under(v.type).k !== 'iface') val = this.fromIfaceData(v.type, slot(data));
        else if (single) val = this.convertIface([slot(tab), slot(data)], xt, v.type, slot(dyn));
        else val = [slot(tab), slot(data)];
        this.declare(v, val);
      },
    );
  }

  private returnStmt(results: Expr[]): void {
    const info = this.info;
    if (results.length > 0) {
      const types = info.type.results;
      const vals = this.values(results, types.length, types, true);
      vals.forEach((v, i) => {
        const named = info.namedResults?.[i];
        const out = this.copyValue(v, types[i]!);
        if (named && named.name !== '_') this.writeVar(named, out);
        else this.resultSlots[i]!.forEach((s, k) => this.emit({ op: 'mov', dst: s, src: out[k]! }));
      });
    }
    this.jmp(this.exitLabel);
  }

  private assign(lhs: Expr[], rhs: Expr[]): void {
    const types = lhs.map((l) => {
      const x = unparen(l);
      return x.kind === 'ident' && x.name === '_' ? null : l.t!;
    });
    if (lhs.length === 1) {
      this.prepare(rhs[0]!);
      const p = this.placeOf(lhs[0]!);
      const v = this.exprTo(rhs[0]!, types[0] ?? this.blankType(rhs[0]!));
      this.storePlace(p, this.copyValue(v, types[0] ?? rhs[0]!.t!));
      return;
    }
    // places (their index operands) first, then the values, then the stores in order
    if (rhs.length === lhs.length) rhs.forEach((r) => this.prepare(r));
    const places = lhs.map((l) => this.placeOf(l));
    const vals = this.values(rhs, lhs.length, types.map((t, i) => t ?? this.valueTypes(rhs, lhs.length)[i]!), true);
    places.forEach((p, i) => this.storePlace(p, this.copyValue(vals[i]!, types[i] ?? INT)));
  }

  private blankType(e: Expr): Type {
    return e.t!.k === 'tuple' ? INT : e.t!;
  }

  private opAssign(l: Expr, op: string, r: Expr): void {
    this.prepare(r);
    const p = this.placeOf(l);
    const t = l.t!;
    const x = this.loadPlace(p);
    const y = this.exprTo(r, op === '<<' || op === '>>' ? r.t! : t);
    this.storePlace(p, this.binary(op, t, x, y, r.t!));
  }

  /**
   * The values of an expression list that yields `n` values (n expressions,
   * or one multi-value call / comma-ok form), converted to `types`. With
   * `copy`, values are in fresh temporaries (for parallel assignment).
   */
  private values(list: Expr[], n: number, types: readonly Type[], copy = false): Val[] {
    let vals: Val[] = [];
    if (list.length === n) {
      list.forEach((e) => this.prepare(e));
      vals = list.map((e, i) => this.exprTo(e, types[i] ?? e.t!));
      if (copy && n > 1) vals = vals.map((v) => this.snapshot(v));
    } else {
      const e = unparen(list[0]!);
      const commaOk = (e.kind === 'unary' && e.op === '<-') || e.kind === 'index' || e.kind === 'assert';
      if (e.kind === 'unary' && e.op === '<-') vals = this.hoisted.get(e) ?? this.recv(e.x, true); // (a select case's receive is done already)
      else if (e.kind === 'index') vals = this.mapIndex(e, true);
      else if (e.kind === 'assert') vals = this.assert(e, true);
      if (commaOk) {
        // the value of a comma-ok form as the variable's type (`x, ok = <-c` with x an interface)
        if (types[0] && e.t && e.t.k !== 'tuple') vals[0] = this.convert(vals[0]!, e.t, types[0]);
      } else {
        vals = this.callExpr(e as CallExpr);
        const rt = (e.t as Extract<Type, { k: 'tuple' }>).types;
        vals = vals.map((v, i) => this.convert(v, rt[i]!, types[i] ?? rt[i]!));
      }
    }
    return vals;
  }

  /** Package initialization of one var spec (in main.init). */
  varInit(vi: VarInit): void {
    this.line = vi.pos.line;
    const m = this.mark();
    if (vi.values.length > 0) {
      const types = vi.vars.map((v) => v?.type ?? INT);
      const vals = this.values(vi.values, vi.vars.length, types, true);
      vi.vars.forEach((v, i) => {
        if (v) this.writeVar(v, this.copyValue(vals[i]!, v.type));
      });
    }
    this.release(m);
  }

  // ---- conditions ----------------------------------------------------------------------------------

  /** The value (0 or 1) of a && or || expression, with its short circuit. */
  private logicalValue(e: Expr): Val {
    const t = this.temp();
    const f = this.label();
    const end = this.label();
    this.branch(e, f, false);
    this.emit({ op: 'mov', dst: t, src: imm(1) });
    this.jmp(end);
    this.place(f);
    this.emit({ op: 'mov', dst: t, src: imm(0) });
    this.place(end);
    return [slot(t)];
  }

  /** Jump to target when e (a bool) is `when`; fall through otherwise. */
  private branch(e: Expr, target: number, when: boolean): void {
    const x = unparen(e);
    if (x.cv !== undefined) {
      if ((x.cv === true) === when) this.jmp(target);
      return;
    }
    if (x.kind === 'unary' && x.op === '!') return this.branch(x.x, target, !when);
    if (x.kind === 'binary' && (x.op === '&&' || x.op === '||')) {
      // && jumps on false as soon as one operand is false; || on true.
      const shortOn = x.op === '||';
      if (when === shortOn) {
        this.branch(x.x, target, when);
        this.branch(x.y, target, when);
      } else {
        const skip = this.label();
        this.branch(x.x, skip, shortOn);
        this.branch(x.y, target, when);
        this.place(skip);
      }
      return;
    }
    if (x.kind === 'binary' && x.op in CMPOPS && this.isWordCompare(x.x, x.y)) {
      // compare and branch, without materializing the bool
      this.prepare(x);
      const a = this.expr(x.x)[0]!;
      const b = this.expr(x.y)[0]!;
      this.emit({ op: 'brcmp', cmp: this.cmpOp(x.op, x.x, x.y), a, b, when, target });
      return;
    }
    this.emit({ op: 'br', cond: this.expr(x)[0]!, when, target });
  }

  /** The IR comparison for op on x and y: unsigned for unsigned integers. */
  private cmpOp(op: string, x: Expr, y: Expr): CmpOp {
    const t = x.t!.k === 'untyped' ? y.t! : x.t!;
    return intKindOf(t) ? this.ints.cmpOp(op, t) : CMPOPS[op]!;
  }

  /** An integer expression used as an index, length or capacity: one word. */
  private intWord(e: Expr): Operand {
    return this.ints.toWord(this.expr(e), e.t!);
  }

  /** Is a comparison of x and y a comparison of single words (ints, bools, pointers, channels)? */
  private isWordCompare(x: Expr, y: Expr): boolean {
    const one = (e: Expr) => {
      const t = e.t!;
      const u = under(t);
      return u.k !== 'string' && u.k !== 'iface' && u.k !== 'float64' && !isMem(t) && this.words(t) === 1 && !(u.k === 'untyped');
    };
    return one(x) && one(y);
  }

  // ---- expressions --------------------------------------------------------------------------------

  /** A constant of type t. */
  private constVal(v: ConstValue, t: Type): Val {
    if (typeof v === 'boolean') return [imm(v ? 1 : 0)];
    if (isFloat64(t) && (typeof v === 'bigint' || isRat(v))) return this.floats.constant(ratToFloat64(toRat(v)));
    if (isRat(v)) throw new Error(`lower: a float constant of type ${t.k}`);
    if (typeof v === 'bigint') return intKindOf(t) ? this.ints.constant(v, t) : [imm(BigInt.asIntN(this.W * 8, v))];
    const s = this.P.stringSym(v, this.line);
    const str: Val = [s ? sym(s) : imm(0), imm(v.length)];
    if (under(t).k === 'iface') return this.convert(str, STRING, t);
    return str;
  }

  /**
   * Go's order of evaluation as gc implements it: the calls and receives of
   * an expression (or of a list of them) run first, left to right, each with
   * its arguments evaluated just before it; variables are read after them.
   * prepare() performs the calls of e (not those inside the right operand of
   * && or ||, which are conditional) and remembers their results.
   */
  private prepare(e: Expr): void {
    if (e.cv !== undefined || this.hoisted.has(e) || this.prepared.has(e)) return;
    this.prepared.add(e);
    switch (e.kind) {
      case 'paren':
        return this.prepare(e.x);
      case 'unary':
        if (e.op === '<-') this.hoisted.set(e, [this.recv(e.x, false)[0]!]);
        else if (e.op !== '&' || unparen(e.x).kind !== 'composite') this.prepare(e.x);
        return;
      case 'binary':
        if (e.op === '&&' || e.op === '||') {
          // gc orders a logical expression as a unit: it is evaluated where it
          // stands (the right operand only if needed), before the calls that
          // follow it: println(f() || g(), h()) runs f, g, then h
          this.hoisted.set(e, [this.logicalValue(e)]);
          return;
        }
        this.prepare(e.x);
        this.prepare(e.y);
        return;
      case 'call': {
        const f = unparen(e.fn);
        if (f.mode === 'type') this.prepare(e.args[0]!);
        else this.hoisted.set(e, this.callExpr(e));
        return;
      }
      case 'selector':
        if (e.selection?.kind === 'field') this.prepare(e.x);
        return;
      case 'index':
        this.prepare(e.x);
        this.prepare(e.index);
        return;
      case 'slice':
        this.prepare(e.x);
        for (const i of [e.lo, e.hi, e.max]) if (i) this.prepare(i);
        return;
      case 'assert':
        this.prepare(e.x);
        return;
      default:
        return;
    }
  }

  /** e converted to type t (an interface conversion, nil of the right shape). */
  exprTo(e: Expr, t: Type): Val {
    const u = unparen(e);
    if (u.kind === 'ident' && u.obj?.kind === 'nil') return this.zeroVal(t);
    return this.convert(this.expr(e), e.t!, t);
  }

  expr(e: Expr): Val {
    if (e.cv !== undefined) return this.constVal(e.cv, e.t!);
    this.prepare(e);
    switch (e.kind) {
      case 'paren':
        return this.expr(e.x);
      case 'ident': {
        const o = e.obj!;
        if (o.kind === 'var') return this.readVar(o);
        if (o.kind === 'func') return [sym(this.P.staticFuncval(o.symbol, this.line))];
        if (o.kind === 'nil') return this.zeroVal(e.t!);
        throw new Error(`lower: identifier ${e.name} (${o.kind}) as a value`);
      }
      case 'unary': {
        if (e.op === '<-') return this.hoisted.get(e)![0]!;
        if (e.op === '&') return [this.addressOf(e.x)];
        if (e.op === '*') {
          const p = this.nilCheck(this.expr(e.x)[0]!);
          return this.loadMem(p, 0, e.t!);
        }
        if (e.op !== '!' && isFloat64(e.t!)) return e.op === '-' ? this.floats.neg(this.expr(e.x)) : this.expr(e.x);
        if (e.op !== '!') return this.ints.unary(e.op, e.t!, this.expr(e.x));
        const x = this.expr(e.x)[0]!;
        const t = this.temp();
        this.emit({ op: 'not', dst: t, a: x });
        return [slot(t)];
      }
      case 'binary': {
        if (e.op === '&&' || e.op === '||') return this.hoisted.get(e)?.[0] ?? this.logicalValue(e);
        if (e.op in CMPOPS) return [this.compare(e.op, e.x, e.y)];
        if (e.op === '+' && under(e.t!).k === 'string') return this.concat(this.concatOperands(e).map((o) => this.expr(o)));
        const x = this.expr(e.x);
        const y = this.expr(e.y);
        return this.binary(e.op, e.t!, x, y, e.y.t!);
      }
      case 'call': {
        const r = this.callExpr(e);
        if (r.length !== 1) throw new Error(`lower: ${e.text} used as a single value`);
        return r[0]!;
      }
      case 'funclit':
        return [this.closure(e)];
      case 'selector':
        return this.selectorValue(e);
      case 'index': {
        const u = under(e.x.t!);
        if (u.k === 'map') return this.mapIndex(e, false)[0]!;
        if (u.k === 'string') return [this.stringIndex(e)];
        return this.loadPlace(this.elemPlace(e));
      }
      case 'slice':
        return this.sliceExpr(e);
      case 'composite':
        return this.composite(e);
      case 'assert':
        return this.assert(e, false)[0]!;
      default:
        throw new Error(`lower: unexpected expression ${e.kind}`);
    }
  }

  /** x op y for integers (lowerint.ts) and string concatenation. */
  private binary(op: string, t: Type, x: Val, y: Val, yt: Type): Val {
    if (under(t).k === 'string') return this.concat([x, y]);
    if (isFloat64(t)) return this.floats.binary(op, x, y);
    return this.ints.binary(op, t, x, y, yt);
  }

  /** x op y on words (and ==, != on any word). */
  private arith(op: string, x: Operand, y: Operand): Operand {
    const t = this.temp();
    const bits = BigInt(this.W * 8);
    switch (op) {
      case '/':
      case '%':
        if (y.k === 'imm' && y.v === -1n) {
          // x / -1 == -x (MinInt / -1 wraps to MinInt), x % -1 == 0
          if (op === '/') this.emit({ op: 'neg', dst: t, a: x });
          else this.emit({ op: 'mov', dst: t, src: imm(0) });
          return slot(t);
        }
        this.emit({ op: op === '/' ? 'div' : 'mod', dst: t, a: x, b: y });
        return slot(t);
      case '<<':
      case '>>': {
        if (y.k === 'imm' && y.v >= bits) {
          if (op === '<<') this.emit({ op: 'mov', dst: t, src: imm(0) });
          else this.emit({ op: 'shr', dst: t, a: x, b: imm(bits - 1n) });
          return slot(t);
        }
        this.emit({ op: op === '<<' ? 'shl' : 'shr', dst: t, a: x, b: y });
        return slot(t);
      }
      default: {
        const bop = BINOPS[op];
        if (!bop) throw new Error(`lower: operator ${op}`);
        this.emit({ op: 'bin', bop, dst: t, a: x, b: y });
        return slot(t);
      }
    }
  }

  /** A comparison as a 0/1 word. */
  private compare(op: string, xe: Expr, ye: Expr): Operand {
    const xt = xe.t!;
    const yt = ye.t!;
    if (this.isWordCompare(xe, ye)) {
      const x = this.expr(xe)[0]!;
      const y = this.expr(ye)[0]!;
      return this.bin(this.cmpOp(op, xe, ye), x, y);
    }
    const it = xt.k === 'untyped' ? yt : xt;
    if (isFloat64(it)) return this.floats.compare(op, this.exprTo(xe, it), this.exprTo(ye, it));
    if (intKindOf(it) && intKindOf(xt) && intKindOf(yt)) return this.ints.compare(op, it, this.exprTo(xe, it), this.exprTo(ye, it));
    // strings: ordering through runtime.cmpstring
    if (op !== '==' && op !== '!=') {
      const x = this.exprTo(xe, STRING);
      const y = this.exprTo(ye, STRING);
      const c = this.rtcallValue(ENTRY.cmpstring, [x[0]!, x[1]!, y[0]!, y[1]!]);
      return this.arith(op, c, imm(0));
    }
    // == and !=: both sides as the interface type when one is an interface
    const ct = under(xt).k === 'iface' ? xt : under(yt).k === 'iface' ? yt : xt.k === 'untyped' ? yt : xt;
    const x = this.exprTo(xe, ct);
    const y = this.exprTo(ye, ct);
    const r = this.temp();
    const ne = this.label();
    const end = this.label();
    this.compareEq(ct, x, ct, y, ne);
    this.emit({ op: 'mov', dst: r, src: imm(op === '==' ? 1 : 0) });
    this.jmp(end);
    this.place(ne);
    this.emit({ op: 'mov', dst: r, src: imm(op === '==' ? 0 : 1) });
    this.place(end);
    return slot(r);
  }

  /** Jump to `ne` unless x == y (x of type t; y converted to t). */
  private compareEq(t: Type, x: Val, yt: Type, yv: Val, ne: number): void {
    const y = identical(t, yt) || yt.k === 'untyped' ? yv : this.convert(yv, yt, t);
    const u = under(t);
    if (isMem(t)) {
      const ok = this.rtcallValue(ENTRY.typedequal, [this.typeSym(t), x[0]!, y[0]!]);
      this.emit({ op: 'br', cond: ok, when: false, target: ne });
      return;
    }
    switch (u.k) {
      case 'string': {
        this.emit({ op: 'brcmp', cmp: 'ne', a: x[1]!, b: y[1]!, when: true, target: ne });
        const ok = this.rtcallValue(ENTRY.memequal, [x[0]!, y[0]!, x[1]!]);
        this.emit({ op: 'br', cond: ok, when: false, target: ne });
        return;
      }
      case 'iface': {
        this.emit({ op: 'brcmp', cmp: 'ne', a: x[0]!, b: y[0]!, when: true, target: ne });
        const eq = this.label();
        this.emit({ op: 'br', cond: x[0]!, when: false, target: eq });
        const ok = this.rtcallValue(u.methods.length ? ENTRY.ifaceeq : ENTRY.efaceeq, [x[0]!, x[1]!, y[1]!]);
        this.emit({ op: 'br', cond: ok, when: false, target: ne });
        this.place(eq);
        return;
      }
      case 'struct': {
        u.fields.forEach((f, i) => {
          if (f.name === '_') return;
          this.compareEq(f.type, this.fieldVal(x, u, i), f.type, this.fieldVal(y, u, i), ne);
        });
        return;
      }
      case 'float64':
        this.floats.branchNe(x, y, ne);
        return;
      default:
        x.forEach((a, i) => this.emit({ op: 'brcmp', cmp: 'ne', a, b: y[i]!, when: true, target: ne }));
    }
  }

  /** `<-c`: the received value (and, for comma-ok, whether it came from a send). */
  private recv(ch: Expr, commaOk: boolean): Val[] {
    const c = this.expr(ch)[0]!;
    const et = (under(ch.t!) as Extract<Type, { k: 'chan' }>).elem;
    if (this.elemIsWord(et)) {
      const t = this.temp();
      // Elements smaller than a word (bool) are written as bytes: start from 0.
      this.emit({ op: 'mov', dst: t, src: imm(0) });
      const v = leaves(et, this.W).length === 0 ? [] : [slot(t)];
      if (!commaOk) {
        this.rtcall(ENTRY.chanrecv1, [c, frame(t)]);
        return [v];
      }
      const ok = this.rtcallValue(ENTRY.chanrecv2, [c, frame(t)]);
      return [v, [ok]];
    }
    const b = isMem(et) ? null : this.newBlock(Math.ceil(sizeOf(et, this.W) / this.W));
    const dst = b === null ? this.newObject(et) : frame(b);
    let ok: Operand | null = null;
    if (commaOk) ok = this.rtcallValue(ENTRY.chanrecv2, [c, dst]);
    else this.rtcall(ENTRY.chanrecv1, [c, dst]);
    const v = b === null ? [dst] : this.snapshot(this.loadMem(dst, 0, et));
    return ok ? [v, [ok]] : [v];
  }

  /** A function literal's funcval: static when it captures nothing, else a heap closure. */
  private closure(e: FuncLit): Operand {
    const info = e.info!;
    this.P.lowerFunc(info);
    if (info.captures.length === 0) return sym(this.P.staticFuncval(info.symbol, this.line));
    const fv = this.temp();
    this.rtcall(ENTRY.newobject, [sym(this.P.cellType(this.W * (1 + info.captures.length), this.line))], [fv]);
    this.emit({ op: 'store', base: slot(fv), off: 0, src: sym(info.symbol) });
    info.captures.forEach((v, i) => {
      const m = this.mark();
      this.emit({ op: 'store', base: slot(fv), off: this.W * (1 + i), src: this.cellAddr(v) });
      this.release(m);
    });
    return slot(fv);
  }

  // ---- pointers, fields, methods --------------------------------------------------------------------

  /** &x: the address of an addressable expression, or of a new object for &T{...}. */
  private addressOf(e: Expr): Operand {
    const x = unparen(e);
    if (x.kind === 'composite') {
      const t = x.t!;
      const p = this.newObject(t);
      this.initComposite(x, { k: 'mem', base: p, off: 0, t });
      return p;
    }
    return this.placeAddr(this.placeOf(x));
  }

  private selectorValue(e: Extract<Expr, { kind: 'selector' }>): Val {
    if (e.mode === 'value' && e.builtin) return [sym(this.P.pkgVar(e.builtin, this.line))];
    const sel = e.selection!;
    if (sel.kind === 'field') return this.walkPath(this.refOf(e.x), e.x.t!, sel.path).value();
    if (sel.kind === 'method' || sel.kind === 'imethod') return [this.methodValue(e, sel)];
    if (sel.kind === 'methodexpr') {
      // T.M is the method itself (receiver words first); (*T).M the method or gc's (*T).M wrapper
      const m = sel.entry.sel;
      const symbol = sel.recvT.k !== 'ptr' && m.kind === 'method' ? m.method.symbol : this.P.rtypes.ifaceEntry(sel.recvT, sel.entry).symbol;
      return [sym(this.P.staticFuncval(symbol, this.line))];
    }
    throw new Error(`lower: selector ${e.text}`);
  }

  /**
   * The receiver words of a method call x.M(...): the path to the embedded
   * value is followed, then the value (value receiver) or its address
   * (pointer receiver) is taken.
   */
  private receiver(x: Expr, sel: Extract<Selection, { kind: 'method' }>): Val {
    const m = sel.method;
    const r = this.walkPath(this.refOf(x), x.t!, sel.path);
    // r is the embedded named value, or a pointer to it
    const rt = r.t;
    const isPtr = under(rt).k === 'ptr' && rt.k !== 'named';
    if (m.ptrRecv) {
      if (isPtr) return r.value();
      return [this.placeAddr(r.place())];
    }
    if (isPtr) return this.copyValue(this.loadMem(this.nilCheck(r.value()[0]!), 0, sel.recv), sel.recv);
    return this.copyValue(r.value(), sel.recv);
  }

  /** An interface value reached by a selector path (for a method of an embedded interface). */
  private ifaceRecv(x: Expr, sel: Extract<Selection, { kind: 'imethod' }>): { tab: Operand; data: Operand; fn: Operand } {
    const r = this.walkPath(this.refOf(x), x.t!, sel.path);
    const v = this.snapshot(r.value());
    const tab = this.nilCheck(v[0]!);
    const fn = this.temp();
    if (sel.iface.methods.length === 0) throw new Error('lower: method of an empty interface');
    this.emit({ op: 'load', dst: fn, base: tab, off: this.P.K('itab_fun') + this.W * sel.index });
    return { tab, data: v[1]!, fn: slot(fn) };
  }

  /** x.M as a func value: a closure holding the receiver (gc's M-fm wrapper). */
  private methodValue(e: Extract<Expr, { kind: 'selector' }>, sel: Extract<Selection, { kind: 'method' | 'imethod' }>): Operand {
    let recvT: Type;
    let words: Val;
    if (sel.kind === 'method') {
      words = this.receiver(e.x, sel);
      recvT = sel.method.ptrRecv ? { k: 'ptr', elem: sel.recv } : sel.recv;
    } else {
      const r = this.walkPath(this.refOf(e.x), e.x.t!, sel.path);
      words = this.snapshot(r.value());
      recvT = r.t;
      this.nilCheck(words[0]!); // a method value of a nil interface panics here, as gc's check does
    }
    const name = sel.kind === 'method' ? `${sel.method.symbol}-fm` : `${this.P.rtypes.typeSym(recvT)}.${sel.iface.methods[sel.index]!.name}-fm`;
    this.P.fmWrapper(name, sel, recvT);
    const fv = this.temp();
    this.rtcall(ENTRY.newobject, [sym(this.P.cellType(this.W * (1 + words.length), this.line))], [fv]);
    this.emit({ op: 'store', base: slot(fv), off: 0, src: sym(name) });
    words.forEach((w, i) => this.emit({ op: 'store', base: slot(fv), off: this.W * (1 + i), src: w }));
    return slot(fv);
  }

  // ---- strings ----------------------------------------------------------------------------------------

  /** s[i]: bounds-checked byte load. */
  private stringIndex(e: Extract<Expr, { kind: 'index' }>): Operand {
    const s = this.expr(e.x);
    const i = this.intWord(e.index);
    this.boundsCheck('index', i, s[1]!);
    const r = this.temp();
    this.emit({ op: 'load', dst: r, base: this.bin('add', s[0]!, i), off: 0, size: 1 });
    return slot(r);
  }

  /** The operands of a chain of string concatenations a + b + c (gc concatenates them in one call). */
  private concatOperands(e: Expr): Expr[] {
    const x = unparen(e);
    if (x.kind === 'binary' && x.op === '+' && x.cv === undefined && under(x.t!).k === 'string') return [...this.concatOperands(x.x), ...this.concatOperands(x.y)];
    return [e];
  }

  /** a + b + ...: runtime.concatstring2..4, or concatstrings with a slice for more (gc has concatstring5 too; five strings are eleven argument words here). */
  private concat(parts: Val[]): Val {
    // flatten nested concatenations is done by the caller's expression tree; here: two or more parts
    const entries = [ENTRY.concatstring2, ENTRY.concatstring3, ENTRY.concatstring4];
    if (parts.length >= 2 && parts.length <= 4) {
      return this.rtcallValues(entries[parts.length - 2]!, [imm(0), ...parts.flat()]);
    }
    const arr = this.newObject({ k: 'array', elem: STRING, len: parts.length });
    parts.forEach((p, i) => this.storeMem(arr, i * 2 * this.W, STRING, p));
    return this.rtcallValues(ENTRY.concatstrings, [imm(0), arr, imm(parts.length), imm(parts.length)]);
  }

  // ---- slices and arrays ------------------------------------------------------------------------------

  /** if !(i < n) (unsigned) panic with boundsError code(i, n). */
  private boundsCheck(code: keyof typeof BOUNDS, i: Operand, n: Operand, cmp: CmpOp = 'ltu'): void {
    if (i.k === 'imm' && n.k === 'imm') {
      const ok = cmp === 'ltu' ? BigInt.asUintN(64, i.v) < BigInt.asUintN(64, n.v) : BigInt.asUintN(64, i.v) <= BigInt.asUintN(64, n.v);
      if (ok) return;
    }
    const ok = this.label();
    this.emit({ op: 'brcmp', cmp, a: i, b: n, when: true, target: ok });
    this.rtcall(BOUNDS[code], [i, n]);
    this.place(ok);
  }

  /** Panic as a nil dereference does when p is nil (gc relies on the fault; see ENTRY.panicmem). */
  private nilCheck(p: Operand): Operand {
    if (p.k === 'sym') return p;
    const ok = this.label();
    this.emit({ op: 'br', cond: p, when: true, target: ok });
    this.rtcall(ENTRY.panicmem, []);
    this.place(ok);
    return p;
  }

  /** The place of a[i] / s[i] / p[i] (bounds-checked). */
  private elemPlace(e: Extract<Expr, { kind: 'index' }>): Place {
    const xt = e.x.t!;
    const u = under(xt);
    let base: Operand;
    let len: Operand;
    let et: Type;
    if (u.k === 'slice') {
      const s = this.expr(e.x);
      base = s[0]!;
      len = s[1]!;
      et = u.elem;
    } else if (u.k === 'array') {
      base = this.placeAddr(this.refOf(e.x).place());
      len = imm(u.len);
      et = u.elem;
    } else if (u.k === 'ptr') {
      const at = under(u.elem) as Extract<Type, { k: 'array' }>;
      base = this.nilCheck(this.expr(e.x)[0]!);
      len = imm(at.len);
      et = at.elem;
    } else throw new Error(`lower: index of ${u.k}`);
    const i = this.intWord(e.index);
    this.boundsCheck('index', i, len);
    const size = sizeOf(et, this.W);
    // a constant index becomes the access's displacement when that fits 31 bits; a larger one
    // (s[1<<62]: the bounds check above panics first) is computed at run time like a variable one
    if (i.k === 'imm' && Number(i.v) * size <= 0x7fff_ffff) return { k: 'mem', base, off: Number(i.v) * size, t: et };
    return { k: 'mem', base: this.bin('add', base, size === 1 ? i : this.bin('mul', i, imm(size))), off: 0, t: et };
  }

  /** x[lo:hi:max] of a string, slice, array or pointer to array. */
  private sliceExpr(e: Extract<Expr, { kind: 'slice' }>): Val {
    const xt = e.x.t!;
    const u = under(xt);
    let base: Operand;
    let len: Operand;
    let cap: Operand;
    let es = 1;
    if (u.k === 'string') {
      const s = this.expr(e.x);
      base = s[0]!;
      len = s[1]!;
      cap = s[1]!;
    } else if (u.k === 'slice') {
      const s = this.expr(e.x);
      [base, len, cap] = [s[0]!, s[1]!, s[2]!];
      es = sizeOf(u.elem, this.W);
    } else {
      const at = (u.k === 'ptr' ? under(u.elem) : u) as Extract<Type, { k: 'array' }>;
      base = u.k === 'ptr' ? this.nilCheck(this.expr(e.x)[0]!) : this.placeAddr(this.refOf(e.x).place()); // p[:] of a nil *array panics (gc's nil check)
      len = imm(at.len);
      cap = imm(at.len);
      es = sizeOf(at.elem, this.W);
    }
    const lo = e.lo ? this.intWord(e.lo) : imm(0);
    let hi: Operand;
    let max: Operand;
    // gc's checks, from the last index down; the length kinds for arrays and strings, the capacity kinds for slices
    const isSlice = u.k === 'slice';
    if (e.max) {
      max = this.intWord(e.max);
      hi = this.intWord(e.hi!);
      this.boundsCheck(isSlice ? 'slice3Acap' : 'slice3Alen', max, cap, 'leu');
      this.boundsCheck('slice3B', hi, max, 'leu');
      this.boundsCheck('slice3C', lo, hi, 'leu');
    } else {
      hi = e.hi ? this.intWord(e.hi) : len;
      max = cap;
      if (e.hi) this.boundsCheck(isSlice ? 'sliceAcap' : 'sliceAlen', hi, cap, 'leu');
      this.boundsCheck('sliceB', lo, hi, 'leu');
    }
    const nlen = this.bin('sub', hi, lo);
    const off = lo.k === 'imm' && lo.v === 0n ? imm(0) : es === 1 ? lo : this.bin('mul', lo, imm(es));
    if (u.k === 'string') return [this.bin('add', base, off), nlen];
    const ncap = this.bin('sub', max, lo);
    // gc keeps the pointer inside the array when the new capacity is 0: ptr + (off & mask)
    let p = base;
    if (!(off.k === 'imm' && off.v === 0n)) {
      const skip = this.label();
      const r = this.temp();
      this.emit({ op: 'mov', dst: r, src: base });
      this.emit({ op: 'brcmp', cmp: 'eq', a: ncap, b: imm(0), when: true, target: skip });
      this.emit({ op: 'bin', bop: 'add', dst: r, a: slot(r), b: off });
      this.place(skip);
      p = slot(r);
    }
    return [p, nlen, ncap];
  }

  /** append(s, a, b, ...) / append(s, t...): grow through runtime.growslice when needed (gc's inline append). */
  private append(e: CallExpr): Val {
    const st = e.t!;
    const et = (under(st) as Extract<Type, { k: 'slice' }>).elem;
    const es = sizeOf(et, this.W);
    e.args.forEach((a) => this.prepare(a));
    const s = this.snapshot(this.exprTo(e.args[0]!, st));
    let src: { p: Operand; n: Operand } | null = null;
    let items: Val[] = [];
    if (e.ellipsis) {
      const r = e.args[1]!;
      const rv = this.expr(r);
      src = { p: rv[0]!, n: rv[1]! };
    } else {
      items = e.args.slice(1).map((a) => this.snapshot(this.copyValue(this.exprTo(a, et), et)));
      if (items.length === 0) return s;
    }
    const n = src ? src.n : imm(items.length);
    const ptr = this.newVar();
    const len = this.newVar();
    const cap = this.newVar();
    this.emit({ op: 'mov', dst: ptr, src: s[0]! });
    this.emit({ op: 'mov', dst: len, src: s[1]! });
    this.emit({ op: 'mov', dst: cap, src: s[2]! });
    const newlen = this.bin('add', slot(len), n);
    const ok = this.label();
    this.emit({ op: 'brcmp', cmp: 'leu', a: newlen, b: slot(cap), when: true, target: ok });
    this.rtcall(ENTRY.growslice, [this.typeSym(et), slot(ptr), slot(len), slot(cap), newlen], [ptr, this.temp(), cap]);
    this.place(ok);
    const at = this.bin('add', slot(ptr), es === 1 ? slot(len) : this.bin('mul', slot(len), imm(es)));
    if (src) {
      this.rtcall(ENTRY.memmove, [at, src.p, es === 1 ? n : this.bin('mul', n, imm(es))]);
    } else {
      items.forEach((v, i) => this.storeMem(at, i * es, et, v));
    }
    return [slot(ptr), this.bin('add', slot(len), n), slot(cap)];
  }

  /** make([]T, len[, cap]), make(map[K]V[, hint]), make(chan T[, n]). */
  private make(e: CallExpr): Val {
    const t = e.args[0]!.t!;
    const u = under(t);
    if (u.k === 'chan') {
      const size = e.args.length > 1 ? this.intWord(e.args[1]!) : imm(0);
      return [this.rtcallValue(ENTRY.makechan, [sym(this.P.chanType(u.elem, this.line)), size])];
    }
    if (u.k === 'map') {
      const hint = e.args.length > 1 ? this.intWord(e.args[1]!) : imm(0);
      return [this.rtcallValue(ENTRY.makemap, [this.typeSym(t), hint, imm(0)])];
    }
    if (u.k === 'slice') {
      e.args.slice(1).forEach((a) => this.prepare(a));
      const len = this.intWord(e.args[1]!);
      const cap = e.args.length > 2 ? this.intWord(e.args[2]!) : len;
      const p = this.rtcallValue(ENTRY.makeslice, [this.typeSym(u.elem), len, cap]);
      return [p, len, cap];
    }
    throw new Error(`lower: make(${u.k})`);
  }

  /** A composite literal's value. */
  private composite(e: CompositeLit): Val {
    const t = e.t!;
    if (e.implicitAddr) {
      const et = (t as Extract<Type, { k: 'ptr' }>).elem;
      const p = this.newObject(et);
      this.initComposite(e, { k: 'mem', base: p, off: 0, t: et });
      return [p];
    }
    const u = under(t);
    if (u.k === 'slice') {
      let n = 0;
      for (const el of e.elems) n = Math.max(n, el.index! + 1);
      const arr = this.newObject({ k: 'array', elem: u.elem, len: n });
      this.initElems(e, arr, u.elem);
      return [arr, imm(n), imm(n)];
    }
    if (u.k === 'map') {
      const m = this.rtcallValue(ENTRY.makemap, [this.typeSym(t), imm(e.elems.length), imm(0)]);
      for (const el of e.elems) {
        const mk = this.mark();
        this.prepare(el.key!);
        this.prepare(el.value);
        const key = this.exprTo(el.key!, u.key);
        const val = this.copyValue(this.exprTo(el.value, u.elem), u.elem);
        this.storePlace({ k: 'map', mt: u, m, key, t: u.elem }, val);
        this.release(mk);
      }
      return [m];
    }
    if (isMem(t)) {
      const p = this.newObject(t);
      this.initComposite(e, { k: 'mem', base: p, off: 0, t });
      return [p];
    }
    if (u.k === 'struct') {
      e.elems.forEach((el) => this.prepare(el.value));
      const vals: Val[] = u.fields.map((f) => this.zeroVal(f.type));
      for (const el of e.elems) vals[el.field!] = this.snapshot(this.exprTo(el.value, u.fields[el.field!]!.type));
      return vals.flat();
    }
    throw new Error(`lower: composite literal of ${u.k}`);
  }

  /** Store a composite literal's elements into memory at a place (arrays, structs). */
  private initComposite(e: CompositeLit, p: Extract<Place, { k: 'mem' }>): void {
    const u = under(p.t);
    if (u.k === 'array') {
      this.initElems(e, this.placeAddr(p), u.elem);
      return;
    }
    if (u.k === 'struct') {
      const base = this.placeAddr(p);
      for (const el of e.elems) {
        const mk = this.mark();
        const fp = this.fieldPlace({ k: 'mem', base, off: 0, t: p.t }, u, el.field!) as Extract<Place, { k: 'mem' }>;
        this.initValue(el.value, fp);
        this.release(mk);
      }
      return;
    }
    this.storeMem(p.base, p.off, p.t, this.composite(e));
  }

  /** Elements of an array or slice literal, stored at base + index * size. */
  private initElems(e: CompositeLit, base: Operand, et: Type): void {
    const size = sizeOf(et, this.W);
    for (const el of e.elems) {
      const mk = this.mark();
      this.initValue(el.value, { k: 'mem', base, off: el.index! * size, t: et });
      this.release(mk);
    }
  }

  /** Store one element value (nested literals are built in place). */
  private initValue(v: Expr, p: Extract<Place, { k: 'mem' }>): void {
    const x = unparen(v);
    if (x.kind === 'composite' && isMem(p.t) && !x.implicitAddr && identical(x.t!, p.t)) {
      this.initComposite(x, p);
      return;
    }
    this.prepare(v);
    this.storeMem(p.base, p.off, p.t, this.copyValue(this.exprTo(v, p.t), p.t));
  }

  // ---- maps ----------------------------------------------------------------------------------------

  /** m[k] (and v, ok := m[k]). */
  private mapIndex(e: Extract<Expr, { kind: 'index' }>, commaOk: boolean): Val[] {
    const mt = under(e.x.t!) as MapType;
    const m = this.expr(e.x)[0]!;
    const key = this.exprTo(e.index, mt.key);
    const ks = this.spillToFrame(mt.key, key);
    if (!commaOk) {
      const p = this.rtcallValue(ENTRY.mapaccess1, [this.typeSym(mt), m, frame(ks)]);
      return [this.snapshot(this.copyValue(this.loadMem(p, 0, mt.elem), mt.elem))];
    }
    const [p, ok] = this.rtcallValues(ENTRY.mapaccess2, [this.typeSym(mt), m, frame(ks)]);
    return [this.snapshot(this.copyValue(this.loadMem(p!, 0, mt.elem), mt.elem)), [ok!]];
  }

  // ---- interfaces ---------------------------------------------------------------------------------

  /** A value of type `from` as a value of type `to` (interface conversions; everything else is the same words). */
  convert(v: Val, from: Type, to: Type): Val {
    const tu = under(to);
    if (tu.k !== 'iface' || from.k === 'untyped') return v;
    const fu = under(from);
    if (fu.k === 'iface') return this.convertIface(v, from, to, null);
    // concrete -> interface: the type (empty interface) or itab, and the data word
    const tab = tu.methods.length === 0 ? this.typeSym(from) : sym(this.P.rtypes.itabSym(from, to));
    let data: Operand;
    if (isDirectIface(from)) data = v[0]!;
    else if (isMem(from)) data = this.copyValue(v, from)[0]!;
    else if (leaves(from, this.W).length === 0) data = this.zeroBase();
    else {
      data = this.newObject(from);
      this.storeMem(data, 0, from, v);
    }
    return [tab, data];
  }

  /** A pointer for zero-size values in interfaces (gc's &runtime.zerobase). */
  private zeroBase(): Operand {
    return sym(this.P.addData('runtime.zerobase', 0, [{ k: 'word', v: 0n }]));
  }

  /** Interface to interface: to the empty interface (itab -> type), or to a smaller interface (runtime.convI2I). `dyn`: the dynamic type if known. */
  private convertIface(v: Val, from: Type, to: Type, dyn: Operand | null): Val {
    const fu = under(from) as Extract<Type, { k: 'iface' }>;
    const tu = under(to) as Extract<Type, { k: 'iface' }>;
    if (identical(fu, tu)) return v;
    if (tu.methods.length === 0) {
      if (fu.methods.length === 0) return v;
      // itab -> its _type (nil stays nil)
      if (dyn) return [dyn, v[1]!];
      const r = this.temp();
      const nil = this.label();
      this.emit({ op: 'mov', dst: r, src: v[0]! });
      this.emit({ op: 'br', cond: v[0]!, when: false, target: nil });
      this.emit({ op: 'load', dst: r, base: v[0]!, off: this.P.K('itab__type') });
      this.place(nil);
      return [slot(r), v[1]!];
    }
    if (fu.methods.length === 0) {
      const tab = this.rtcallValue(ENTRY.assertE2I2, [this.typeSym(to), v[0]!]);
      return [tab, v[1]!];
    }
    const tab = this.rtcallValue(ENTRY.convI2I, [this.typeSym(to), v[0]!]);
    return [tab, v[1]!];
  }

  /** The value of a concrete type from an interface's data word. */
  private fromIfaceData(t: Type, data: Operand): Val {
    if (isDirectIface(t)) return [data];
    if (leaves(t, this.W).length === 0 && !isMem(t)) return [];
    return this.snapshot(this.copyValue(this.loadMem(data, 0, t), t));
  }

  /** 1 if a dynamic type (a _type address, not nil) implements interface t, else 0 (runtime.assertE2I2). */
  private ifaceTypeCheck(t: Type, dyn: Operand): Operand {
    const tab = this.rtcallValue(ENTRY.assertE2I2, [this.typeSym(t), dyn]);
    return this.arith('!=', tab, imm(0));
  }

  /** x.(T), and v, ok := x.(T). */
  private assert(e: Extract<Expr, { kind: 'assert' }>, commaOk: boolean): Val[] {
    const xt = e.x.t!;
    const t = e.t!;
    const xv = this.snapshot(this.expr(e.x));
    const xu = under(xt) as Extract<Type, { k: 'iface' }>;
    if (under(t).k === 'iface') {
      // to an interface: the dynamic type must implement it
      const dyn = this.dynType(xv[0]!, xu.methods.length > 0);
      let tab: Operand;
      if ((under(t) as Extract<Type, { k: 'iface' }>).methods.length === 0) tab = dyn;
      else if (commaOk) tab = this.rtcallValue(ENTRY.assertE2I2, [this.typeSym(t), dyn]);
      else tab = dyn;
      if (commaOk) {
        const ok = this.arith('!=', tab, imm(0));
        const data = this.temp();
        const z = this.label();
        this.emit({ op: 'mov', dst: data, src: imm(0) });
        this.emit({ op: 'br', cond: ok, when: false, target: z });
        this.emit({ op: 'mov', dst: data, src: xv[1]! });
        this.place(z);
        return [[tab, slot(data)], [ok]];
      }
      if ((under(t) as Extract<Type, { k: 'iface' }>).methods.length === 0) {
        // x.(interface{}): only nil fails
        const ok = this.label();
        this.emit({ op: 'br', cond: tab, when: true, target: ok });
        this.rtcall(ENTRY.panicdottypeE, [dyn, this.typeSym(t), this.typeSym(xt)]);
        this.place(ok);
        return [[tab, xv[1]!]];
      }
      return [[this.rtcallValue(ENTRY.assertE2I, [this.typeSym(t), dyn]), xv[1]!]];
    }
    // to a concrete type: compare the dynamic type (the type word, or the itab's _type) with T's descriptor
    const want = this.typeSym(t);
    const dynT = this.dynType(xv[0]!, xu.methods.length > 0);
    if (commaOk) {
      const okv = this.arith('==', dynT, want);
      const res = this.zeroVal(t).map((z) => {
        const s = this.temp();
        this.emit({ op: 'mov', dst: s, src: z });
        return s;
      });
      const skip = this.label();
      this.emit({ op: 'br', cond: okv, when: false, target: skip });
      const v = this.fromIfaceData(t, xv[1]!);
      res.forEach((s, i) => this.emit({ op: 'mov', dst: s, src: v[i]! }));
      this.place(skip);
      return [res.map(slot), [okv]];
    }
    const ok = this.label();
    this.emit({ op: 'brcmp', cmp: 'eq', a: dynT, b: want, when: true, target: ok });
    if (xu.methods.length > 0) this.rtcall(ENTRY.panicdottypeI, [xv[0]!, this.typeSym(t), this.typeSym(xt)]);
    else this.rtcall(ENTRY.panicdottypeE, [xv[0]!, this.typeSym(t), this.typeSym(xt)]);
    this.place(ok);
    return [this.fromIfaceData(t, xv[1]!)];
  }

  /** The dynamic type of an interface value: its type word, or its itab's _type (nil stays nil). */
  private dynType(tab: Operand, hasMethods: boolean): Operand {
    if (!hasMethods) return tab;
    const r = this.temp();
    const nil = this.label();
    this.emit({ op: 'mov', dst: r, src: tab });
    this.emit({ op: 'br', cond: tab, when: false, target: nil });
    this.emit({ op: 'load', dst: r, base: tab, off: this.P.K('itab__type') });
    this.place(nil);
    return slot(r);
  }

  // ---- calls ---------------------------------------------------------------------------------------

  /** Evaluate and perform a call; returns its results. */
  private callExpr(e: CallExpr): Val[] {
    const done = this.hoisted.get(e);
    if (done) return done;
    const fn = unparen(e.fn);
    if (fn.mode === 'type') return [this.conversion(e)];
    if (fn.mode === 'builtin') {
      switch (fn.builtin) {
        case 'len':
        case 'cap':
          return [[this.lenCap(fn.builtin, e.args[0]!)]];
        case 'make':
          return [this.make(e)];
        case 'new':
          return [[this.newObject(e.args[0]!.t!)]];
        case 'append':
          return [this.append(e)];
        case 'copy':
          return [[this.copyBuiltin(e)]];
      }
    }
    return this.emitPlan(this.plan(e));
  }

  private lenCap(which: 'len' | 'cap', a: Expr): Operand {
    const t = a.t!;
    const u = under(t);
    switch (u.k) {
      case 'string':
        return this.expr(a)[1]!;
      case 'slice':
        return this.expr(a)[which === 'len' ? 1 : 2]!;
      case 'array':
        this.expr(a);
        return imm(u.len);
      case 'ptr':
        this.expr(a);
        return imm((under(u.elem) as Extract<Type, { k: 'array' }>).len);
      case 'map': {
        // len(m): hmap.count, 0 for a nil map (gc inlines it)
        const m = this.expr(a)[0]!;
        const r = this.temp();
        const nil = this.label();
        this.emit({ op: 'mov', dst: r, src: imm(0) });
        this.emit({ op: 'br', cond: m, when: false, target: nil });
        this.emit({ op: 'load', dst: r, base: m, off: this.P.K('hmap_count') });
        this.place(nil);
        return slot(r);
      }
      default:
        return this.rtcallValue(which === 'len' ? ENTRY.chanlen : ENTRY.chancap, [this.expr(a)[0]!]);
    }
  }

  private copyBuiltin(e: CallExpr): Operand {
    e.args.forEach((a) => this.prepare(a));
    const d = this.expr(e.args[0]!);
    const s = this.expr(e.args[1]!);
    const et = (under(e.args[0]!.t!) as Extract<Type, { k: 'slice' }>).elem;
    return this.rtcallValue(ENTRY.slicecopy, [d[0]!, d[1]!, s[0]!, s[1]!, imm(sizeOf(et, this.W))]);
  }

  /** T(x): integer narrowing, string <-> []byte / []rune, rune -> string, interface conversions. */
  private conversion(e: CallExpr): Val {
    const t = e.t!;
    const a = e.args[0]!;
    const at = a.t!;
    const tu = under(t);
    const au = under(at);
    if (tu.k === 'iface') return this.exprTo(a, t);
    const v = this.expr(a);
    const isInt = (x: Type) => intKindOf(x) !== null;
    if ((isFloat64(t) || isFloat64(at)) && (isInt(tu) || isFloat64(t)) && (isInt(au) || isFloat64(at))) return this.floats.convert(v, at, t);
    if (isInt(tu) && isInt(au)) return this.ints.convert(v, at, t);
    if (tu.k === 'string' && isInt(au)) return this.rtcallValues(ENTRY.intstring, [imm(0), this.ints.int64Arg(v, at)]);
    if (tu.k === 'string' && au.k === 'slice') {
      if (under(au.elem).k === 'uint8') return this.rtcallValues(ENTRY.slicebytetostring, [imm(0), v[0]!, v[1]!]);
      return this.rtcallValues(ENTRY.slicerunetostring, [imm(0), v[0]!, v[1]!, v[2]!]);
    }
    if (tu.k === 'slice' && au.k === 'string') {
      if (under(tu.elem).k === 'uint8') return this.rtcallValues(ENTRY.stringtoslicebyte, [imm(0), v[0]!, v[1]!]);
      return this.rtcallValues(ENTRY.stringtoslicerune, [imm(0), v[0]!, v[1]!]);
    }
    return v;
  }

  /** Evaluate the callee and the arguments of a call. */
  private plan(e: CallExpr): Plan {
    const fn = unparen(e.fn);
    if (fn.mode === 'builtin') {
      const b = fn.builtin!;
      if (b === 'print' || b === 'println') {
        e.args.forEach((a) => this.prepare(a));
        const only = e.args.length === 1 ? e.args[0]! : undefined;
        if (only?.t?.k === 'tuple') {
          // println(f()) with a multi-value f: every result, in order
          const types = only.t.types;
          const vs = this.hoisted.get(unparen(only))!;
          const items: PrintItem[] = vs.map((v, i) => {
            const t = types[i]!;
            const k = under(t).k;
            if (k === 'string') return { k: 'str', p: v[0]!, n: v[1]! };
            if (k === 'bool') return { k: 'bool', v: v[0]! };
            return { k: this.ints.isUnsigned(t) ? 'uint' : 'int', a: this.ints.int64Arg(v, t) };
          });
          return { k: 'print', ln: b === 'println', items };
        }
        const items: PrintItem[] = e.args.map((a) => {
          const t = a.t!;
          if (t.k === 'untyped' && t.base === 'string') {
            const bytes = a.cv as Uint8Array;
            const s = this.P.stringSym(bytes, this.line);
            return { k: 'str', p: s ? sym(s) : imm(0), n: imm(bytes.length) };
          }
          const v = this.expr(a);
          if (under(t).k === 'string') return { k: 'str', p: v[0]!, n: v[1]! };
          if (under(t).k === 'iface') return { k: 'eface', t: v[0]!, d: v[1]! };
          if (under(t).k === 'bool') return { k: 'bool', v: v[0]! };
          if (isFloat64(t)) return { k: 'float', a: this.floats.printArg(v) };
          return { k: this.ints.isUnsigned(t) ? 'uint' : 'int', a: this.ints.int64Arg(v, t) };
        });
        return { k: 'print', ln: b === 'println', items };
      }
      if (b === 'close') return { k: 'call', fn: { k: 'sym', name: ENTRY.closechan.symbol }, args: [{ v: this.expr(e.args[0]!)[0]! }], results: [] };
      const ft = fn.t as FuncType;
      // runtime.F and the WaitGroup methods call the symbol src/abi gives them (the checker took their signatures from there)
      if (b.startsWith('runtime.')) return { k: 'call', fn: { k: 'sym', name: goEntry('runtime', b.slice(8))!.symbol }, args: this.args(e, ft), results: ft.results };
      if (b.startsWith('sync.')) {
        const [, type, method] = b.split('.') as [string, 'WaitGroup' | 'Mutex' | 'RWMutex' | 'Once', string];
        const recv = unparen((fn as Extract<Expr, { kind: 'selector' }>).x);
        // the value's address: a *sync.T's value, or the variable's (or field's) address
        const cell = under(recv.t!).k === 'ptr' ? this.expr(recv)[0]! : this.placeAddr(this.placeOf(recv));
        if (type === 'Once') return { k: 'special', name: b, call: e, args: [[cell], ...this.argVals(e, ft)] };
        const name = goEntry('sync', method, type)!.symbol;
        return { k: 'call', fn: { k: 'sym', name }, args: [{ v: cell }, ...this.args(e, ft)], results: ft.results };
      }
      // panic, delete, fmt.*, errors.New, strconv.*: evaluated now, lowered by emitSpecial
      return { k: 'special', name: b, call: e, args: this.specialArgs(e, b) };
    }
    const ft = under(fn.t!) as FuncType;
    // method calls: static (the receiver's words first) or through the itab
    if (fn.kind === 'selector' && (fn.selection?.kind === 'method' || fn.selection?.kind === 'imethod')) {
      const sel = fn.selection;
      if (sel.kind === 'method') {
        this.prepare(fn.x);
        const recv = this.receiver(fn.x, sel);
        return { k: 'call', fn: { k: 'sym', name: sel.method.symbol }, args: [...recv.map((v) => ({ v })), ...this.args(e, ft)], results: ft.results };
      }
      this.prepare(fn.x);
      const r = this.ifaceRecv(fn.x, sel);
      return { k: 'call', fn: { k: 'code', addr: r.fn }, args: [{ v: r.data }, ...this.args(e, ft)], results: ft.results };
    }
    this.prepare(fn);
    if (fn.kind === 'ident' && fn.obj?.kind === 'func') return { k: 'call', fn: { k: 'sym', name: fn.obj.symbol }, args: this.args(e, ft), results: ft.results };
    const fv = this.expr(fn)[0]!;
    return { k: 'call', fn: { k: 'closure', fv }, args: this.args(e, ft), results: ft.results };
  }

  /** The argument values of a call, converted to the parameter types; variadic arguments packed into a slice. */
  private argVals(e: CallExpr, ft: FuncType): Val[] {
    const want = ft.params;
    const nfixed = ft.variadic ? want.length - 1 : want.length;
    const paramType = (i: number): Type => (ft.variadic && i >= nfixed ? (want[nfixed] as Extract<Type, { k: 'slice' }>).elem : want[i]!);
    let vals: Val[];
    let types: Type[];
    if (e.spread) {
      const c = unparen(e.args[0]!) as CallExpr;
      const rt = (c.t as Extract<Type, { k: 'tuple' }>).types;
      vals = this.callExpr(c).map((v, i) => this.convert(v, rt[i]!, paramType(i)));
      types = rt.map((_, i) => paramType(i));
    } else {
      e.args.forEach((a) => this.prepare(a));
      vals = e.args.map((a, i) => this.exprTo(a, e.ellipsis && i === want.length - 1 ? want[i]! : paramType(i)));
      types = e.args.map((a, i) => (e.ellipsis && i === want.length - 1 ? want[i]! : paramType(i)));
    }
    vals = vals.map((v, i) => this.copyValue(v, types[i]!));
    if (ft.variadic && !e.ellipsis) {
      const st = want[nfixed] as Extract<Type, { k: 'slice' }>;
      const extra = vals.slice(nfixed);
      vals = vals.slice(0, nfixed);
      if (extra.length === 0) vals.push([imm(0), imm(0), imm(0)]);
      else {
        const arr = this.newObject({ k: 'array', elem: st.elem, len: extra.length });
        const es = sizeOf(st.elem, this.W);
        extra.forEach((v, i) => this.storeMem(arr, i * es, st.elem, v));
        vals.push([arr, imm(extra.length), imm(extra.length)]);
      }
    }
    return vals;
  }

  private args(e: CallExpr, ft: FuncType): CallArg[] {
    return this.argVals(e, ft).flatMap((v) => v.map((o) => ({ v: o })));
  }

  /** Arguments of a builtin or library call (as Vals, converted to the parameter types). */
  private specialArgs(e: CallExpr, name: string): Val[] {
    if (name === 'delete') {
      const mt = under(e.args[0]!.t!) as MapType;
      e.args.forEach((a) => this.prepare(a));
      return [this.expr(e.args[0]!), this.exprTo(e.args[1]!, mt.key)];
    }
    if (name === 'recover') return [];
    if (name === 'panic') {
      this.prepare(e.args[0]!);
      return [this.exprTo(e.args[0]!, ANY)];
    }
    return this.argVals(e, unparen(e.fn).t as FuncType);
  }

  private emitPlan(p: Plan): Val[] {
    if (p.k === 'print') {
      this.rtcall(ENTRY.printlock, []);
      p.items.forEach((it, i) => {
        if (p.ln && i > 0) this.rtcall(ENTRY.printsp, []);
        if (it.k === 'str') this.rtcall(ENTRY.printstring, [it.p, it.n]);
        else if (it.k === 'bool') this.rtcall(ENTRY.printbool, [it.v]);
        else if (it.k === 'eface') this.rtcall(ENTRY.printeface, [it.t, it.d]);
        else this.rtcall(it.k === 'uint' ? ENTRY.printuint : it.k === 'float' ? ENTRY.printfloat : ENTRY.printint, [it.a]);
      });
      if (p.ln) this.rtcall(ENTRY.printnl, []);
      this.rtcall(ENTRY.printunlock, []);
      return [];
    }
    if (p.k === 'special') return this.emitSpecial(p);
    const resultWords = p.results.map((t) => leaves(t, this.W));
    const results: CallResult[] = resultWords.flatMap((ls, i) => ls.map((l) => ({ dst: this.temp(), bool: l.size === 1 && !l.signed && !isMem(p.results[i]!) })));
    // a nil func value: the panic gc's fault gives, after the arguments are evaluated
    if (p.fn.k === 'closure') this.nilCheck(p.fn.fv);
    this.emit({ op: 'call', fn: p.fn, args: p.args, results });
    const out: Val[] = [];
    let k = 0;
    for (const ls of resultWords) {
      out.push(ls.map(() => slot(results[k++]!.dst!)));
    }
    return out;
  }

  /** Builtins and library functions lowered inline (their arguments already evaluated). */
  private emitSpecial(p: Extract<Plan, { k: 'special' }>): Val[] {
    const a = p.args;
    switch (p.name) {
      case 'delete': {
        const mt = under(p.call.args[0]!.t!) as MapType;
        const ks = this.spillToFrame(mt.key, a[1]!);
        this.rtcall(ENTRY.mapdelete, [this.typeSym(mt), a[0]![0]!, frame(ks)]);
        return [];
      }
      case 'panic':
        this.panicValue(a[0]!);
        return [];
      case 'recover': {
        const argp = this.temp();
        this.emit({ op: 'argp', dst: argp });
        emitRuntimeErrorTypes(this.P.rtypes, (n, l, items) => this.P.addData(n, l, items), this.line);
        return [this.rtcallValues(ENTRY.gorecover, [slot(argp)])];
      }
      case 'sync.Once.Do':
        // once.go's Do and doSlow, compiled once per program (once.ts)
        emitOnceFuncs(this.P, this.line);
        this.emit({ op: 'call', fn: { k: 'sym', name: ONCE_DO }, args: [{ v: a[0]![0]! }, { v: a[1]![0]! }], results: [] });
        return [];
      case 'errors.New': {
        const obj = this.newObject(ERROR_STRING);
        this.storeMem(obj, 0, STRING, a[0]!);
        return [[sym(this.P.rtypes.itabSym({ k: 'ptr', elem: ERROR_STRING }, ERROR)), obj]];
      }
      case 'strconv.Itoa':
        return [this.rtcallValues(ENTRY.strconvItoa, [a[0]![0]!])];
      case 'strconv.Quote':
        return [this.rtcallValues(ENTRY.strconvQuote, [a[0]![0]!, a[0]![1]!])];
      case 'strconv.Atoi': {
        const r = this.rtcallValues(ENTRY.strconvAtoi, [a[0]![0]!, a[0]![1]!, sym(this.P.rtypes.itabSym({ k: 'ptr', elem: NUM_ERROR }, ERROR)), sym(this.P.rtypes.itabSym({ k: 'ptr', elem: ERROR_STRING }, ERROR))]);
        return [[r[0]!], [r[1]!, r[2]!]];
      }
      case 'sort.Slice':
      case 'sort.SliceStable':
        this.sortSlice(p.call, a[0]!, a[1]![0]!);
        return [];
      case 'strconv.ParseInt': {
        const ts = [...this.ints.call64Results(), this.temp(), this.temp()];
        const args: CallArg[] = [a[0]![0]!, a[0]![1]!, a[1]![0]!, a[2]![0]!, sym(this.P.rtypes.itabSym({ k: 'ptr', elem: NUM_ERROR }, ERROR)), sym(this.P.rtypes.itabSym({ k: 'ptr', elem: ERROR_STRING }, ERROR))].map((v) => ({ v }));
        const n = ts.length - 2;
        this.emit({ op: 'call', fn: { k: 'sym', name: ENTRY.strconvParseInt.symbol }, args, results: [n === 2 ? { dst: ts[0]!, hi: ts[1]! } : { dst: ts[0]! }, { dst: ts[n]! }, { dst: ts[n + 1]! }] });
        return [ts.slice(0, n).map(slot), [slot(ts[n]!), slot(ts[n + 1]!)]];
      }
      default:
        if (p.name.startsWith('syscall.')) this.P.errnoItab(this.line);
        if (LIBRARY_CALLS[p.name]) return this.libraryCall(ENTRY[LIBRARY_CALLS[p.name] as keyof typeof ENTRY], unparen(p.call.fn).t as FuncType, a);
        if (p.name.startsWith('fmt.')) return this.fmtCall(p.name.slice(4), a);
        if (p.name.startsWith('sync/atomic.')) {
          const alignCheck = (o: Operand) => {
            const ok = this.label();
            this.emit({ op: 'brcmp', cmp: 'eq', a: this.bin('and', o, imm(7)), b: imm(0), when: true, target: ok });
            this.rtcall(ENTRY.panicUnaligned, []);
            this.place(ok);
          };
          return lowerAtomic({ W: this.W, emit: (i) => this.emit(i), temp: () => this.temp(), nilCheck: (o) => this.nilCheck(o), alignCheck }, p.name.slice(12), a);
        }
        if (p.name.startsWith('time.')) return lowerTimeCall({ W: this.W, temp: () => this.temp(), emit: (i) => this.emit(i) }, p.name.slice(5), a);
        throw new Error(`lower: builtin ${p.name}`);
    }
  }

  /**
   * sort.Slice(x, less) and sort.SliceStable: an insertion sort calling less,
   * which is what go1.19's pdqsort does for up to 12 elements (so ties keep
   * Go's order there) and a stable sort in general (SliceStable's order
   * whatever the length; Slice's for distinct keys). x is the slice boxed in
   * an interface: its header is read from the box.
   */
  private sortSlice(call: CallExpr, x: Val, less: Operand): void {
    const st = under(call.args[0]!.t!) as Extract<Type, { k: 'slice' }>;
    const es = sizeOf(st.elem, this.W);
    const hdr = this.snapshot(this.loadMem(x[1]!, 0, st));
    const base = hdr[0]!;
    const n = hdr[1]!;
    const tmp = this.newObject(st.elem);
    const i = this.newVar();
    const j = this.newVar();
    const outer = this.label();
    const inner = this.label();
    const nextI = this.label();
    const end = this.label();
    this.emit({ op: 'mov', dst: i, src: imm(1) });
    this.place(outer);
    this.emit({ op: 'brcmp', cmp: 'ge', a: slot(i), b: n, when: true, target: end });
    this.emit({ op: 'mov', dst: j, src: slot(i) });
    this.place(inner);
    const m = this.mark();
    this.emit({ op: 'brcmp', cmp: 'le', a: slot(j), b: imm(0), when: true, target: nextI });
    const jm1 = this.bin('sub', slot(j), imm(1));
    const ok = this.temp();
    this.emit({ op: 'call', fn: { k: 'closure', fv: less }, args: [{ v: slot(j) }, { v: jm1 }], results: [{ dst: ok, bool: true }] });
    this.emit({ op: 'br', cond: slot(ok), when: false, target: nextI });
    const pa = this.bin('add', base, this.bin('mul', slot(j), imm(es)));
    const pb = this.bin('sub', pa, imm(es));
    this.rtcall(ENTRY.memmove, [tmp, pa, imm(es)]);
    this.rtcall(ENTRY.memmove, [pa, pb, imm(es)]);
    this.rtcall(ENTRY.memmove, [pb, tmp, imm(es)]);
    this.emit({ op: 'bin', bop: 'sub', dst: j, a: slot(j), b: imm(1) });
    this.release(m);
    this.jmp(inner);
    this.place(nextI);
    this.emit({ op: 'bin', bop: 'add', dst: i, a: slot(i), b: imm(1) });
    this.jmp(outer);
    this.place(end);
  }

  /**
   * A library function implemented by its runtime entry (packages.ts
   * LIBRARY_CALLS): the words of the arguments in order (an int64 as the
   * entry's int64 argument), the results as the Go results' words.
   */
  private libraryCall(e: RuntimeEntry, ft: FuncType, a: Val[]): Val[] {
    // int64 and float64 (its bits) are the entry's int64 words: one, or a pair on a 32-bit target
    const wide = (t: Type) => under(t).k === 'int64' || under(t).k === 'float64';
    const args: CallArg[] = a.flatMap((v, i) => (wide(ft.params[i]!) ? [v.length === 2 ? { v: v[0]!, int64: true, hi: v[1]! } : { v: v[0]!, int64: true }] : v.map((o) => ({ v: o }))));
    const out: Val[] = ft.results.map((t) => leaves(t, this.W).map(() => slot(this.temp())));
    const results: CallResult[] = out.flatMap((v, i): CallResult[] => {
      const s = v.map((o) => (o as { s: number }).s);
      if (wide(ft.results[i]!)) return [s.length === 2 ? { dst: s[0]!, hi: s[1]! } : { dst: s[0]! }];
      return s.map((dst, k) => ({ dst, bool: k === 0 && under(ft.results[i]!).k === 'bool' }));
    });
    this.emit({ op: 'call', fn: { k: 'sym', name: e.symbol }, args, results });
    return out;
  }

  /**
   * panic(v): runtime.gopanic. An error's Error() or a Stringer's String()
   * is called only if nothing recovers, by preprintpanics (printpanics.ts).
   */
  private panicValue(v: Val): void {
    emitPreprintpanics(this.P, this.line);
    this.rtcall(ENTRY.panicvalue, [v[0]!, v[1]!]);
  }

  /**
   * fmt.Println and friends: the arguments as a slice of interfaces, the
   * methods fmt calls (Error, String) called here first (fmt_methods lists
   * them; see src/runtime/fmt.ts), then the formatting host function, then
   * syscall.Write(1, ...) for the printing forms (as os.Stdout's Write ends
   * in go1.19: a system call through entersyscall / exitsyscall).
   */
  private fmtCall(name: string, args: Val[]): Val[] {
    if (name.startsWith('F')) {
      // Fprint*(w, ...): the text as Sprint* makes it, then w.Write([]byte(text)) through the io.Writer's itab
      const w = args[0]!;
      const text = this.fmtCall(`S${name.slice(1)}`, args.slice(1))[0]!;
      const b = this.rtcallValues(ENTRY.stringtoslicebyte, [imm(0), text[0]!, text[1]!]);
      const tab = this.nilCheck(w[0]!);
      const fn = this.temp();
      this.emit({ op: 'load', dst: fn, base: tab, off: this.P.K('itab_fun') });
      const r = [this.temp(), this.temp(), this.temp()];
      this.emit({ op: 'call', fn: { k: 'code', addr: slot(fn) }, args: [w[1]!, ...b].map((v) => ({ v })), results: r.map((dst) => ({ dst })) });
      return [[slot(r[0]!)], [slot(r[1]!), slot(r[2]!)]];
    }
    const hasFormat = name === 'Printf' || name === 'Sprintf' || name === 'Errorf';
    const fmtStr: Val = hasFormat ? args[0]! : [imm(0), imm(0)];
    const list = hasFormat ? args[1]! : args[0]!;
    const mode = { Println: 1, Print: 0, Sprintln: 1, Sprint: 0, Printf: 2, Sprintf: 2, Errorf: 3 }[name as 'Println'];
    if (mode === undefined) throw new Error(`lower: fmt.${name}`);
    // the methods fmt needs, called (with catchPanic) into a table of their outcomes
    const [calls, ncalls] = this.fmtMethodCalls(mode, fmtStr, list);
    if (name === 'Errorf') {
      const errString = sym(this.P.rtypes.itabSym({ k: 'ptr', elem: ERROR_STRING }, ERROR));
      const wrap = sym(this.P.rtypes.itabSym({ k: 'ptr', elem: WRAP_ERROR }, ERROR));
      return [this.rtcallValues(ENTRY.fmtErrorf, [fmtStr[0]!, fmtStr[1]!, list[0]!, list[1]!, slot(calls), slot(ncalls), errString, wrap])];
    }
    const out = this.rtcallValues(ENTRY.fmtFormat, [imm(mode), fmtStr[0]!, fmtStr[1]!, list[0]!, list[1]!, slot(calls), slot(ncalls)]);
    if (name.startsWith('S')) return [out];
    // os.Stdout.Write -> poll.FD.Write -> syscall.Write: write(2) inside entersyscall / exitsyscall
    this.rtcall(ENTRY.syscallWrite, [imm(1), out[0]!, out[1]!, out[1]!]);
    return [[out[1]!], [imm(0), imm(0)]];
  }

  /**
   * The method calls fmt makes for these arguments (mode: FMT_MODE), made
   * here: fmt.methods lists them as a table (src/abi FMT_CALL entries) and
   * each is called through fmt.(*pp).handleMethods, whose deferred
   * catchPanic recovers a panic in the method (fmtcatch.ts). A recovered
   * panic changes what fmt goes on to call (its value is printed, maybe by
   * its own Error method), so the calls after it are not made: fmt.methods
   * walks again with the outcomes so far and lists the rest. Returns the
   * table's slot and its length's slot.
   */
  private fmtMethodCalls(mode: number, fmtStr: Val, list: Val): [number, number] {
    emitFmtCatchFuncs(this.P, this.line);
    const W = this.W;
    const known = this.newVar();
    const nknown = this.newVar();
    const table = this.newVar();
    const n = this.newVar();
    const i = this.newVar();
    const round = this.label();
    const next = this.label();
    const done = this.label();
    this.emit({ op: 'mov', dst: known, src: imm(0) });
    this.emit({ op: 'mov', dst: nknown, src: imm(0) });
    this.place(round);
    this.rtcall(ENTRY.fmtMethods, [imm(mode), fmtStr[0]!, fmtStr[1]!, list[0]!, list[1]!, slot(known), slot(nknown)], [table, n]);
    this.emit({ op: 'mov', dst: i, src: slot(nknown) });
    this.place(next);
    this.emit({ op: 'brcmp', cmp: 'ge', a: slot(i), b: slot(n), when: true, target: done });
    const m = this.mark();
    const e = this.mov(this.bin('add', slot(table), this.bin('mul', slot(i), imm(FMT_CALL.words * W))));
    this.emit({ op: 'call', fn: { k: 'sym', name: FMT_HANDLE_METHODS }, args: [{ v: e }], results: [] });
    this.emit({ op: 'bin', bop: 'add', dst: i, a: slot(i), b: imm(1) });
    const returned = this.temp();
    this.emit({ op: 'load', dst: returned, base: e, off: FMT_CALL.returned * W });
    this.emit({ op: 'br', cond: slot(returned), when: true, target: next });
    this.release(m);
    // a recovered panic: walk again from here
    this.emit({ op: 'mov', dst: known, src: slot(table) });
    this.emit({ op: 'mov', dst: nknown, src: slot(i) });
    this.jmp(round);
    this.place(done);
    return [table, n];
  }

  // ---- go and defer --------------------------------------------------------------------------------

  private goDefer(kind: 'go' | 'defer', e: CallExpr): void {
    const p = this.plan(e);
    let fv: Operand;
    const noArgsNoResults = p.k === 'call' && p.args.length === 0 && p.results.length === 0;
    if (p.k === 'call' && p.fn.k === 'closure' && noArgsNoResults) {
      fv = p.fn.fv; // a func value without arguments is its own funcval
    } else if (p.k === 'call' && p.fn.k === 'sym' && noArgsNoResults) {
      // as gc does, `go f()` / `defer f()` pass f's own funcval (no wrapper): the
      // goroutine starts at f itself, so `go runtime.Gosched()` is a system goroutine
      fv = sym(this.P.staticFuncval(p.fn.name, this.line));
    } else {
      fv = this.wrapper(kind, p);
    }
    if (kind === 'go') {
      this.rtcall(ENTRY.newproc, [fv]);
      return;
    }
    // deferproc returns 1 in a frame that a recover resumes: on to the deferreturn epilogue
    const r = this.rtcallValue(ENTRY.deferproc, [fv]);
    this.emit({ op: 'br', cond: r, when: true, target: this.exitLabel });
  }

  /** Replace every slot operand of a plan (through `f`). */
  private mapPlan(p: Plan, f: (o: Operand) => Operand): Plan {
    const mapArg = (a: CallArg): CallArg => (a.hi ? { ...a, v: f(a.v), hi: f(a.hi) } : { ...a, v: f(a.v) });
    switch (p.k) {
      case 'print':
        return { ...p, items: p.items.map((it) => (it.k === 'str' ? { ...it, p: f(it.p), n: f(it.n) } : it.k === 'eface' ? { ...it, t: f(it.t), d: f(it.d) } : it.k === 'bool' ? { ...it, v: f(it.v) } : { ...it, a: mapArg(it.a) })) };
      case 'special':
        return { ...p, args: p.args.map((v) => v.map(f)) };
      case 'call': {
        const fn: Callee = p.fn.k === 'closure' ? { k: 'closure', fv: f(p.fn.fv) } : p.fn.k === 'code' ? { k: 'code', addr: f(p.fn.addr) } : p.fn;
        return { ...p, fn, args: p.args.map(mapArg) };
      }
    }
  }

  /**
   * A closure that performs the planned call with the values evaluated now:
   * its context words hold every non-constant operand of the plan.
   */
  private wrapper(kind: 'go' | 'defer', p: Plan): Operand {
    const captured: Operand[] = [];
    const index = new Map<string, number>();
    const capture = (o: Operand): Operand => {
      if (o.k !== 'slot') return o;
      const key = String(o.s);
      let i = index.get(key);
      if (i === undefined) {
        i = captured.length;
        captured.push(o);
        index.set(key, i);
      }
      return { k: 'slot', s: -1 - i }; // placeholder: context word i
    };
    const remapped = this.mapPlan(p, capture);
    const counter = ++this.wrapCount[kind];
    const name = `${this.info.symbol}.${kind === 'go' ? 'gowrap' : 'deferwrap'}${counter}`;
    // The wrapper function: load the captured values from the context, then call.
    const wInfo: FuncInfo = {
      ...this.info,
      symbol: name,
      parent: this.info,
      type: { k: 'func', params: [], results: [] },
      params: [],
      namedResults: null,
      captures: [],
      isClosure: true,
      hasDefer: false,
    };
    const w = new FnLowerer(this.P, wInfo, this.line, this.line);
    w.isWrapper = true;
    w.beginBody();
    w.emitWrapped(remapped);
    w.finish();
    // The funcval: code pointer, then the values.
    const fv = this.temp();
    this.rtcall(ENTRY.newobject, [sym(this.P.cellType(this.W * (1 + captured.length), this.line))], [fv]);
    this.emit({ op: 'store', base: slot(fv), off: 0, src: sym(name) });
    captured.forEach((o, i) => this.emit({ op: 'store', base: slot(fv), off: this.W * (1 + i), src: o }));
    return slot(fv);
  }

  /** In a wrapper: replace placeholder operands by loads from the context, and call. */
  private emitWrapped(p: Plan): void {
    const loaded = new Map<number, Operand>();
    const get = (o: Operand): Operand => {
      if (o.k !== 'slot' || o.s >= 0) return o;
      const i = -1 - o.s;
      let v = loaded.get(i);
      if (!v) {
        const t = this.temp();
        this.emit({ op: 'load', dst: t, base: slot(this.ctxtSlot!), off: this.W * (1 + i) });
        v = slot(t);
        loaded.set(i, v);
      }
      return v;
    };
    this.emitPlan(this.mapPlan(p, get));
  }

  // ---- generated methods ------------------------------------------------------------------------------

  /** A function made by the compiler (no Go source of its own): wrappers of methods. */
  private static synthetic(P: ProgramLowerer, symbol: string, params: Type[], results: readonly Type[], isClosure: boolean): FnLowerer {
    const line = P.prog.initInfo.pos.line;
    const info: FuncInfo = {
      ...P.prog.initInfo,
      symbol,
      parent: null,
      type: { k: 'func', params, results },
      params: [],
      namedResults: null,
      captures: [],
      isClosure,
      hasDefer: false,
    };
    const f = new FnLowerer(P, info, line, line);
    f.isWrapper = true;
    f.beginBody();
    return f;
  }

  /**
   * An itab entry's wrapper (gc's main.(*T).M / main.T.M): its receiver is
   * an interface's data word; it finds the declared method's receiver (the
   * value, through embedded fields) and calls the method with the same
   * arguments.
   */
  static ifaceWrapper(P: ProgramLowerer, e: IfaceEntry): void {
    const { recv, entry } = e.wrapper!;
    const ft = entry.type;
    const f = FnLowerer.synthetic(P, e.symbol, [recv, ...ft.params], ft.results, false);
    const r = slot(f.params[0]!);
    const argWords = f.params.slice(1).map(slot);
    // the receiver as a Ref: recv is a pointer (to the value) or the pointer-shaped value itself
    let ref: Ref;
    let t: Type;
    if (recv.k === 'ptr') {
      t = recv.elem;
      ref = new Ref(f, { k: 'mem', base: r, off: 0, t }, null, t);
    } else {
      t = recv;
      ref = new Ref(f, null, [r], t);
    }
    f.callThroughSelection(ref, t, entry, argWords, ft);
    f.finish();
  }

  /** A method value's function (M-fm): the receiver words are in the closure context. */
  static methodValueFunc(P: ProgramLowerer, name: string, sel: Extract<Selection, { kind: 'method' | 'imethod' }>, recvT: Type): void {
    const ft = sel.kind === 'method' ? sel.method.type : sel.type;
    const f = FnLowerer.synthetic(P, name, [...ft.params], ft.results, true);
    const n = wordCount(recvT, P.W);
    const words: Operand[] = [];
    for (let i = 0; i < n; i++) {
      const t = f.temp();
      f.emit({ op: 'load', dst: t, base: slot(f.ctxtSlot!), off: P.W * (1 + i) });
      words.push(slot(t));
    }
    let callee: Callee;
    let recvArgs: Operand[];
    if (sel.kind === 'method') {
      callee = { k: 'sym', name: sel.method.symbol };
      recvArgs = words;
    } else {
      const fn = f.temp();
      f.emit({ op: 'load', dst: fn, base: words[0]!, off: P.K('itab_fun') + P.W * sel.index });
      callee = { k: 'code', addr: slot(fn) };
      recvArgs = [words[1]!];
    }
    f.callAndReturn(callee, [...recvArgs, ...f.params.map(slot)], ft);
    f.finish();
  }

  /** Reach the method of `entry` from `ref` (of type t) and call it with `args`; its results become ours. */
  private callThroughSelection(ref: Ref, t: Type, entry: MethodSetEntry, args: Operand[], ft: FuncType): void {
    const sel = entry.sel;
    if (sel.kind === 'imethod') {
      const r = this.walkPath(ref, t, sel.path);
      const v = r.value();
      const fn = this.temp();
      this.emit({ op: 'load', dst: fn, base: v[0]!, off: this.P.K('itab_fun') + this.W * sel.index });
      this.callAndReturn({ k: 'code', addr: slot(fn) }, [v[1]!, ...args], ft);
      return;
    }
    const r = this.walkPath(ref, t, sel.path);
    const m = sel.method;
    const isPtr = under(r.t).k === 'ptr' && r.t.k !== 'named';
    let recvWords: Val;
    if (m.ptrRecv) recvWords = isPtr ? r.value() : [this.placeAddr(r.place())];
    else if (isPtr) recvWords = this.loadMem(r.value()[0]!, 0, sel.recv);
    else recvWords = r.value();
    this.callAndReturn({ k: 'sym', name: m.symbol }, [...recvWords, ...args], ft);
  }

  private callAndReturn(fn: Callee, args: Operand[], ft: FuncType): void {
    const res = this.emitPlan({ k: 'call', fn, args: args.map((v) => ({ v })), results: ft.results });
    res.flat().forEach((o, i) => this.emit({ op: 'mov', dst: this.results[i]!, src: o }));
  }
}

/** An expression's location (a place) or, when it has none, its value: what a selector path starts from. */
class Ref {
  constructor(
    private readonly f: FnLowerer,
    readonly p: Place | null,
    readonly v: Val | null,
    readonly t: Type,
  ) {}

  place(): Place {
    if (!this.p) throw new Error('lower: not addressable');
    return this.p;
  }

  value(): Val {
    if (this.v) return this.v;
    return this.f.loadPlace(this.p!);
  }
}

