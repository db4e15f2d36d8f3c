// Lowering: the checked AST to IR functions (ir.ts), plus read-only data and
// the list of package-level variables.
//
// Frame model: every variable and temporary has its own word slot. A variable
// that a function literal captures (and every sync.WaitGroup) lives instead
// in a heap cell from runtime.newobject; its slot holds the cell's address,
// and closures hold the same address, so no pointer into a stack is ever
// stored anywhere (the runtime's stack copier moves frames with memcpy).
//
// Go semantics kept here (go1.19): a loop variable is one variable for the
// whole loop, so closures created in different iterations share it; a
// variable declared inside the body is new in each iteration. Arguments of
// deferred calls and go statements are evaluated at the statement; the call
// itself goes through a wrapper closure (main.f.deferwrap1 / main.f.gowrap1,
// Go 1.21's names) whose context words hold the evaluated values, as the Go
// compiler has done since 1.17. Deferred calls run at every return point via
// runtime.deferreturn (see the loop in exit()).
import type { Block, Breakable, CallExpr, Expr, FuncLit, Ident, IfStmt, Stmt } from './ast.ts';
import { type CheckedProgram, type FuncInfo, unparen, type VarInit, type VarObj } from './check.ts';
import { ENTRY, goEntry, type RuntimeEntry } from '../abi/index.ts';
import { type BinOp, type CallArg, type CmpOp, type CallResult, type DataBlock, frame, imm, type Inst, type InstBody, type IrFunc, type Operand, slot, sym } from './ir.ts';
import { type ConstValue, type FuncType, sizeOf, type Type } from './types.ts';

export interface LoweredProgram {
  funcs: IrFunc[];
  data: DataBlock[];
  globals: { name: string; size: number; align: number }[];
}

export interface LowerOptions {
  ptrSize: number;
}

/** A call whose callee and arguments are evaluated, ready to be emitted (now, or later by a go/defer wrapper). */
type Plan =
  | { k: 'func'; name: string; args: CallArg[]; type: FuncType }
  | { k: 'closure'; fv: Operand; args: CallArg[]; type: FuncType }
  | { k: 'print'; ln: boolean; items: PrintItem[] };

type PrintItem = { k: 'int' | 'bool'; v: Operand } | { k: 'str'; sym: string | null; len: number };

/** Instructions whose destination slot may be replaced (see emit). */
const RETARGET = new Set<string>(['mov', 'bin', 'div', 'mod', 'shl', 'shr', 'neg', 'com', 'not', 'load']);

const CMPOPS: Record<string, CmpOp> = { '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' };

const BINOPS: Record<string, BinOp> = {
  '+': 'add', '-': 'sub', '*': 'mul', '&': 'and', '|': 'or', '^': 'xor', '&^': 'andnot',
  '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge',
};

export function lowerProgram(p: CheckedProgram, opts: LowerOptions): LoweredProgram {
  return new ProgramLowerer(p, opts).run();
}

class ProgramLowerer {
  readonly funcs: IrFunc[] = [];
  private readonly data = new Map<string, DataBlock>();
  private readonly strings = new Map<string, string>();

  constructor(
    readonly prog: CheckedProgram,
    readonly opts: LowerOptions,
  ) {}

  get W(): number {
    return this.opts.ptrSize;
  }

  run(): LoweredProgram {
    const p = this.prog;
    // main.init: package-level variable initializers, then the init functions.
    const init = new FnLowerer(this, p.initInfo, p.initInfo.pos.line, p.initInfo.pos.line);
    init.beginBody();
    for (const vi of p.varInits) init.varInit(vi);
    p.initFuncs.forEach((f) => init.emitCallTo(f.symbol, f.pos.line));
    init.finish();
    for (const f of p.funcs) this.lowerFunc(f);
    for (const f of p.initFuncs) this.lowerFunc(f);
    // A sync.WaitGroup holds a 64-bit state that is updated atomically: 8-aligned on every arch.
    const globals = p.globals.map((v) => ({ name: v.global!, size: Math.max(sizeOf(v.type, this.W), this.W), align: v.type.k === 'waitgroup' ? 8 : this.W }));
    return { funcs: this.funcs, data: [...this.data.values()], globals };
  }

  lowerFunc(info: FuncInfo): void {
    const fl = new FnLowerer(this, info, info.pos.line, info.end.line);
    fl.beginBody();
    fl.stmts(info.body.body);
    fl.finish();
  }

  private addData(name: string, line: number, items: DataBlock['items']): string {
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
  staticFuncval(fn: string, line: number): string {
    return this.addData(`${fn}.f`, line, [{ k: 'word', v: fn }]);
  }
}

interface LoopLabels {
  brk: number;
  cont?: number;
}

class FnLowerer {
  private readonly body: Inst[] = [];
  private nslots = 0;
  private readonly freeTemps: number[] = [];
  private readonly liveTemps: number[] = [];
  private nlabels = 0;
  private line: number;
  private readonly vars = new Map<VarObj, number>();
  private readonly captureIdx = new Map<VarObj, number>();
  private readonly ctxtSlot: number | null;
  private readonly params: number[] = [];
  private readonly results: number[] = [];
  private readonly targets = new Map<Breakable, LoopLabels>();
  private exitLabel = 0;
  private wrapCount = { go: 0, defer: 0 };
  /** results of calls and receives already performed (see prepare) */
  private readonly hoisted = new Map<Expr, Operand[]>();
  /** expressions prepare() has walked: expr() prepares every level, so each subtree is walked once, not once per enclosing level */
  private readonly prepared = new Set<Expr>();

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

  // ---- slots, labels, emission ---------------------------------------------------------

  private newVar(): number {
    return this.nslots++;
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

  emitCallTo(name: string, line: number): void {
    this.line = line;
    this.emit({ op: 'call', fn: { k: 'sym', name }, args: [], results: [] });
  }

  // ---- function frame --------------------------------------------------------------------

  /** Parameters, results and the prologue work (boxing captured parameters). */
  beginBody(): void {
    const info = this.info;
    info.type.params.forEach(() => this.params.push(this.newVar()));
    info.type.results.forEach(() => this.results.push(this.newVar()));
    this.exitLabel = this.label();
    info.params.forEach((v, i) => {
      if (!v) return;
      if (this.boxed(v)) this.declare(v, slot(this.params[i]!));
      else this.vars.set(v, this.params[i]!);
    });
    info.namedResults?.forEach((v, i) => {
      if (this.boxed(v)) this.declare(v, imm(0));
      else {
        this.vars.set(v, this.results[i]!);
        this.emit({ op: 'mov', dst: this.results[i]!, src: imm(0) });
      }
    });
  }

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
      if (this.boxed(v)) this.emit({ op: 'load', dst: this.results[i]!, base: slot(this.vars.get(v)!), off: 0 });
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
    });
  }

  // ---- variables -----------------------------------------------------------------------------

  private boxed(v: VarObj): boolean {
    return v.captured || v.type.k === 'waitgroup';
  }

  /** Allocate a variable of this function (a heap cell if boxed) and initialize it. */
  private declare(v: VarObj, init: Operand | null): void {
    const s = this.newVar();
    this.vars.set(v, s);
    if (this.boxed(v)) {
      const size = Math.max(sizeOf(v.type, this.W), this.W);
      this.rtcall(ENTRY.newobject, [sym(this.P.cellType(size, this.line))], [s]);
      if (init && !(init.k === 'imm' && init.v === 0n)) this.emit({ op: 'store', base: slot(s), off: 0, src: init });
    } else {
      this.emit({ op: 'mov', dst: s, src: init ?? imm(0) });
    }
  }

  /** The address of a boxed variable's cell (or of a global). */
  private cellAddr(v: VarObj): Operand {
    if (v.global) return sym(v.global);
    const own = this.vars.get(v);
    if (own !== undefined) return slot(own);
    const idx = this.captureIdx.get(v);
    if (idx === undefined || this.ctxtSlot === null) throw new Error(`lower: variable ${v.name} is not visible in ${this.info.symbol}`);
    const t = this.temp();
    this.emit({ op: 'load', dst: t, base: slot(this.ctxtSlot), off: this.W * (1 + idx) });
    return slot(t);
  }

  private readVar(v: VarObj): Operand {
    if (!v.global && !this.boxed(v)) return slot(this.vars.get(v)!);
    const base = this.cellAddr(v);
    const t = this.temp();
    this.emit({ op: 'load', dst: t, base, off: 0 });
    return slot(t);
  }

  private writeVar(v: VarObj, src: Operand): void {
    if (!v.global && !this.boxed(v)) {
      this.emit({ op: 'mov', dst: this.vars.get(v)!, src });
      return;
    }
    this.emit({ op: 'store', base: this.cellAddr(v), off: 0, src });
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
        return;
      case 'expr': {
        const x = unparen(s.x);
        if (x.kind === 'unary' && x.op === '<-') {
          this.rtcall(ENTRY.chanrecv1, [this.expr(x.x), imm(0)]);
          return;
        }
        this.callExpr(x as CallExpr);
        return;
      }
      case 'send': {
        this.prepare(s.ch);
        this.prepare(s.value);
        const c = this.expr(s.ch);
        const v = this.expr(s.value);
        const t = this.temp();
        this.emit({ op: 'mov', dst: t, src: v });
        this.rtcall(ENTRY.chansend1, [c, frame(t)]);
        return;
      }
      case 'incdec': {
        const v = this.lhsVar(s.x)!;
        const t = this.temp();
        this.emit({ op: 'bin', bop: s.op === '++' ? 'add' : 'sub', dst: t, a: this.readVar(v), b: imm(1) });
        this.writeVar(v, slot(t));
        return;
      }
      case 'assign':
        if (s.op === '=') return this.assign(s.lhs, s.rhs);
        return this.opAssign(s.lhs[0]!, s.op.slice(0, -1), s.rhs[0]!);
      case 'define': {
        const vals = this.values(s.rhs, s.lhs.length);
        s.lhs.forEach((id, i) => {
          if (id.name === '_') return;
          const v = id.obj as VarObj;
          if (s.fresh![i]) this.declare(v, vals[i]!);
          else this.writeVar(v, vals[i]!);
        });
        return;
      }
      case 'var':
        for (const spec of s.specs) {
          const vals = spec.values.length ? this.values(spec.values, spec.names.length) : null;
          spec.names.forEach((id, i) => {
            if (id.name === '_') return;
            this.declare(id.obj as VarObj, vals ? vals[i]! : null);
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

  private rangeStmt(s: Extract<Stmt, { kind: 'range' }>): void {
    const c = this.newVar();
    this.emit({ op: 'mov', dst: c, src: this.expr(s.x) });
    let key: VarObj | null = null;
    if (s.key) {
      const k = unparen(s.key) as Ident;
      if (k.name !== '_') {
        key = k.obj as VarObj;
        if (s.define) this.declare(key, null);
      }
    }
    const top = this.label();
    const brk = this.label();
    this.targets.set(s, { brk, cont: top });
    const elem = this.newVar();
    const ok = this.newVar();
    this.place(top);
    this.line = s.pos.line;
    this.emit({ op: 'mov', dst: elem, src: imm(0) });
    this.rtcall(ENTRY.chanrecv2, [slot(c), frame(elem)], [ok]);
    this.emit({ op: 'br', cond: slot(ok), when: false, target: brk });
    if (key) this.writeVar(key, slot(elem));
    this.block(s.body);
    this.line = s.pos.line;
    this.jmp(top);
    this.place(brk);
  }

  private switchStmt(s: Extract<Stmt, { kind: 'switch' }>): void {
    if (s.init) this.stmt(s.init);
    this.line = s.pos.line;
    let tag: Operand | null = null;
    if (s.tag) {
      const v = this.expr(s.tag);
      if (v.k === 'imm') tag = v;
      else {
        const t = this.newVar();
        this.emit({ op: 'mov', dst: t, src: v });
        tag = slot(t);
      }
    }
    const end = this.label();
    this.targets.set(s, { brk: end });
    const bodies = s.clauses.map(() => this.label());
    let deflt = -1;
    s.clauses.forEach((c, i) => {
      if (c.values === null) {
        deflt = i;
        return;
      }
      for (const v of c.values) {
        this.line = v.pos.line;
        const m = this.mark();
        if (tag) {
          this.emit({ op: 'brcmp', cmp: 'eq', a: tag, b: this.expr(v), when: true, target: bodies[i]! });
        } else {
          this.branch(v, bodies[i]!, true);
        }
        this.release(m);
      }
    });
    this.jmp(deflt >= 0 ? bodies[deflt]! : end);
    s.clauses.forEach((c, i) => {
      this.line = c.pos.line;
      this.place(bodies[i]!);
      const m = this.mark();
      this.stmts(c.body);
      this.release(m);
      const last = c.body[c.body.length - 1];
      if (last && last.kind === 'fallthrough') {
        this.line = last.pos.line;
        this.jmp(bodies[i + 1]!);
      } else if (i !== s.clauses.length - 1) {
        this.jmp(end);
      }
    });
    this.line = s.end.line;
    this.place(end);
  }

  private returnStmt(results: Expr[]): void {
    const info = this.info;
    if (results.length > 0) {
      const vals = this.values(results, info.type.results.length, true);
      vals.forEach((v, i) => {
        const named = info.namedResults?.[i];
        if (named && named.name !== '_') this.writeVar(named, v);
        else this.emit({ op: 'mov', dst: this.results[i]!, src: v });
      });
    }
    this.jmp(this.exitLabel);
  }

  private assign(lhs: Expr[], rhs: Expr[]): void {
    const vals = this.values(rhs, lhs.length, lhs.length > 1);
    lhs.forEach((l, i) => {
      const v = this.lhsVar(l);
      if (v) this.writeVar(v, vals[i]!);
    });
  }

  private opAssign(l: Expr, op: string, r: Expr): void {
    const v = this.lhsVar(l)!;
    this.prepare(r);
    const x = this.readVar(v);
    const y = this.expr(r);
    this.writeVar(v, this.arith(op, x, y));
  }

  private lhsVar(e: Expr): VarObj | null {
    const x = unparen(e) as Ident;
    if (x.name === '_') return null;
    return x.obj as VarObj;
  }

  /**
   * The values of an expression list that yields `n` values (n expressions,
   * or one multi-value call / comma-ok receive). With `copy`, values are in
   * fresh temporaries (for parallel assignment).
   */
  private values(list: Expr[], n: number, copy = false): Operand[] {
    let vals: Operand[];
    if (list.length === n) {
      list.forEach((e) => this.prepare(e));
      vals = list.map((e) => this.expr(e));
      if (copy && n > 1) {
        vals = vals.map((v) => {
          if (v.k !== 'slot') return v;
          const t = this.temp();
          this.emit({ op: 'mov', dst: t, src: v });
          return slot(t);
        });
      }
    } else {
      const e = unparen(list[0]!);
      if (e.kind === 'unary' && e.op === '<-') vals = this.recv(e.x, true);
      else vals = this.callExpr(e as CallExpr);
    }
    return vals;
  }

  /** Package initialization of one var spec (in main.init). */
  varInit(vi: VarInit): void {
    this.line = vi.pos.line;
    const m = this.mark();
    if (vi.values.length > 0) {
      const vals = this.values(vi.values, vi.vars.length, true);
      vi.vars.forEach((v, i) => {
        if (v) this.writeVar(v, vals[i]!);
      });
    }
    this.release(m);
  }

  // ---- conditions ----------------------------------------------------------------------------------

  /** The value (0 or 1) of a && or || expression, with its short circuit. */
  private logicalValue(e: Expr): Operand {
    const t = this.temp();
    const f = this.label();
    const end = this.label();
    this.branch(e, f, false);
    this.emit({ op: 'mov', dst: t, src: imm(1) });
    this.jmp(end);
    this.place(f);
    this.emit({ op: 'mov', dst: t, src: imm(0) });
    this.place(end);
    return slot(t);
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
    if (x.kind === 'binary' && x.op in CMPOPS) {
      // compare and branch, without materializing the bool
      this.prepare(x);
      const a = this.expr(x.x);
      const b = this.expr(x.y);
      this.emit({ op: 'brcmp', cmp: CMPOPS[x.op]!, a, b, when, target });
      return;
    }
    this.emit({ op: 'br', cond: this.expr(x), when, target });
  }

  // ---- expressions --------------------------------------------------------------------------------

  private constWord(v: ConstValue): Operand {
    if (typeof v === 'boolean') return imm(v ? 1 : 0);
    if (typeof v === 'bigint') return imm(BigInt.asIntN(this.W * 8, v));
    throw new Error('lower: string constant used as a value');
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
        if (e.op === '<-') this.hoisted.set(e, this.recv(e.x, false));
        else this.prepare(e.x);
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
      case 'call':
        if (unparen(e.fn).mode === 'type') this.prepare(e.args[0]!);
        else this.hoisted.set(e, this.callExpr(e));
        return;
      default:
        return;
    }
  }

  expr(e: Expr): Operand {
    if (e.cv !== undefined) return this.constWord(e.cv);
    this.prepare(e);
    switch (e.kind) {
      case 'paren':
        return this.expr(e.x);
      case 'ident': {
        const o = e.obj!;
        if (o.kind === 'var') return this.readVar(o);
        if (o.kind === 'func') return sym(this.P.staticFuncval(o.symbol, this.line));
        if (o.kind === 'nil') return imm(0);
        throw new Error(`lower: identifier ${e.name} (${o.kind}) as a value`);
      }
      case 'unary': {
        if (e.op === '<-') return this.hoisted.get(e)![0]!;
        const x = this.expr(e.x);
        if (e.op === '+') return x;
        const t = this.temp();
        this.emit({ op: e.op === '-' ? 'neg' : e.op === '^' ? 'com' : 'not', dst: t, a: x });
        return slot(t);
      }
      case 'binary': {
        if (e.op === '&&' || e.op === '||') return this.hoisted.get(e)?.[0] ?? this.logicalValue(e);
        const x = this.expr(e.x);
        const y = this.expr(e.y);
        return this.arith(e.op, x, y);
      }
      case 'call': {
        const r = this.callExpr(e);
        if (r.length !== 1) throw new Error(`lower: ${e.text} used as a single value`);
        return r[0]!;
      }
      case 'funclit':
        return this.closure(e);
      case 'structlit':
        return imm(0);
      default:
        throw new Error(`lower: unexpected expression ${e.kind}`);
    }
  }

  /** x op y for int operands (and ==, != on any word). */
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
      case '>>':
        if (y.k === 'imm' && y.v >= bits) {
          if (op === '<<') this.emit({ op: 'mov', dst: t, src: imm(0) });
          else this.emit({ op: 'shr', dst: t, a: x, b: imm(bits - 1n) });
          return slot(t);
        }
        this.emit({ op: op === '<<' ? 'shl' : 'shr', dst: t, a: x, b: y });
        return slot(t);
      default: {
        const bop = BINOPS[op];
        if (!bop) throw new Error(`lower: operator ${op}`);
        this.emit({ op: 'bin', bop, dst: t, a: x, b: y });
        return slot(t);
      }
    }
  }

  /** `<-c`: the received value (and, for comma-ok, whether it came from a send). */
  private recv(ch: Expr, commaOk: boolean): Operand[] {
    const c = this.expr(ch);
    const t = this.temp();
    // Elements smaller than a word (bool) are written as bytes: start from 0.
    this.emit({ op: 'mov', dst: t, src: imm(0) });
    if (!commaOk) {
      this.rtcall(ENTRY.chanrecv1, [c, frame(t)]);
      return [slot(t)];
    }
    const ok = this.rtcallValue(ENTRY.chanrecv2, [c, frame(t)]);
    return [slot(t), ok];
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

  // ---- calls ---------------------------------------------------------------------------------------

  /** Evaluate and perform a call; returns its results. */
  private callExpr(e: CallExpr): Operand[] {
    const done = this.hoisted.get(e);
    if (done) return done;
    const fn = unparen(e.fn);
    if (fn.mode === 'type') return [this.expr(e.args[0]!)];
    if (fn.mode === 'builtin') {
      switch (fn.builtin) {
        case 'len':
        case 'cap':
          return [this.rtcallValue(fn.builtin === 'len' ? ENTRY.chanlen : ENTRY.chancap, [this.expr(e.args[0]!)])];
        case 'make': {
          const ct = e.args[0]!.t as Extract<Type, { k: 'chan' }>;
          const size = e.args.length > 1 ? this.expr(e.args[1]!) : imm(0);
          return [this.rtcallValue(ENTRY.makechan, [sym(this.P.chanType(ct.elem, this.line)), size])];
        }
      }
    }
    return this.emitPlan(this.plan(e));
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
          return { k: 'print', ln: b === 'println', items: vs.map((v, i) => ({ k: types[i]!.k === 'bool' ? 'bool' : 'int', v })) };
        }
        const items: PrintItem[] = e.args.map((a) => {
          const t = a.t!;
          if (t.k === 'untyped' && t.base === 'string') {
            const bytes = a.cv as Uint8Array;
            return { k: 'str', sym: this.P.stringSym(bytes, this.line), len: bytes.length };
          }
          return { k: t.k === 'bool' ? 'bool' : 'int', v: this.expr(a) };
        });
        return { k: 'print', ln: b === 'println', items };
      }
      if (b === 'close') return { k: 'func', name: ENTRY.closechan.symbol, args: [{ v: this.expr(e.args[0]!) }], type: { k: 'func', params: [], results: [] } };
      const ft = fn.t as FuncType;
      // runtime.F and the WaitGroup methods call the symbol src/abi gives them (the checker took their signatures from there)
      if (b.startsWith('runtime.')) return { k: 'func', name: goEntry('runtime', b.slice(8))!.symbol, args: this.args(e, ft), type: ft };
      if (b.startsWith('wg.')) {
        const recv = unparen((fn as Extract<Expr, { kind: 'selector' }>).x) as Ident;
        const cell = this.cellAddr(recv.obj as VarObj);
        const name = goEntry('sync', b.slice(3), 'WaitGroup')!.symbol;
        return { k: 'func', name, args: [{ v: cell }, ...this.args(e, ft)], type: ft };
      }
      throw new Error(`lower: builtin ${b}`);
    }
    const ft = fn.t as FuncType;
    this.prepare(fn);
    if (fn.kind === 'ident' && fn.obj?.kind === 'func') return { k: 'func', name: fn.obj.symbol, args: this.args(e, ft), type: ft };
    const fv = this.expr(fn);
    return { k: 'closure', fv, args: this.args(e, ft), type: ft };
  }

  private args(e: CallExpr, ft: FuncType): CallArg[] {
    if (e.args.length === 1 && ft.params.length > 1) return this.callExpr(unparen(e.args[0]!) as CallExpr).map((v) => ({ v }));
    e.args.forEach((a) => this.prepare(a));
    return e.args.map((a) => ({ v: this.expr(a) }));
  }

  private emitPlan(p: Plan): Operand[] {
    if (p.k === 'print') {
      this.rtcall(ENTRY.printlock, []);
      p.items.forEach((it, i) => {
        if (p.ln && i > 0) this.rtcall(ENTRY.printsp, []);
        if (it.k === 'str') this.rtcall(ENTRY.printstring, [it.sym ? sym(it.sym) : imm(0), imm(it.len)]);
        else if (it.k === 'bool') this.rtcall(ENTRY.printbool, [it.v]);
        else this.rtcall(ENTRY.printint, [{ v: it.v, int64: true }]);
      });
      if (p.ln) this.rtcall(ENTRY.printnl, []);
      this.rtcall(ENTRY.printunlock, []);
      return [];
    }
    const results: CallResult[] = p.type.results.map((t) => ({ dst: this.temp(), bool: t.k === 'bool' }));
    const fn = p.k === 'func' ? ({ k: 'sym', name: p.name } as const) : ({ k: 'closure', fv: p.fv } as const);
    this.emit({ op: 'call', fn, args: p.args, results });
    return results.map((r) => slot(r.dst!));
  }

  // ---- go and defer --------------------------------------------------------------------------------

  private goDefer(kind: 'go' | 'defer', e: CallExpr): void {
    const p = this.plan(e);
    let fv: Operand;
    const noArgsNoResults = p.k !== 'print' && p.args.length === 0 && p.type.results.length === 0;
    if (p.k === 'closure' && noArgsNoResults) {
      fv = p.fv; // a func value without arguments is its own funcval
    } else if (p.k === 'func' && noArgsNoResults) {
      // as gc does, `go f()` / `defer f()` pass f's own funcval (no wrapper): the
      // goroutine starts at f itself, so `go runtime.Gosched()` is a system goroutine
      fv = sym(this.P.staticFuncval(p.name, this.line));
    } else {
      fv = this.wrapper(kind, p);
    }
    this.rtcall(kind === 'go' ? ENTRY.newproc : ENTRY.deferproc, [fv]);
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
    const remapped: Plan =
      p.k === 'print'
        ? { ...p, items: p.items.map((it) => (it.k === 'str' ? it : { ...it, v: capture(it.v) })) }
        : p.k === 'closure'
          ? { ...p, fv: capture(p.fv), args: p.args.map((a) => ({ ...a, v: capture(a.v) })) }
          : { ...p, args: p.args.map((a) => ({ ...a, v: capture(a.v) })) };
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
    const q: Plan =
      p.k === 'print'
        ? { ...p, items: p.items.map((it) => (it.k === 'str' ? it : { ...it, v: get(it.v) })) }
        : p.k === 'closure'
          ? { ...p, fv: get(p.fv), args: p.args.map((a) => ({ ...a, v: get(a.v) })) }
          : { ...p, args: p.args.map((a) => ({ ...a, v: get(a.v) })) };
    this.emitPlan(q);
  }
}
