// The type checker of the subset: resolves names, computes the type and the
// constant value of every expression, folds constants exactly (big integers,
// then checked against the target's int width), and reports what real Go
// rejects with go1.19's wording where practical (types2): undefined names,
// mismatched types, wrong argument counts, unused variables and imports,
// missing returns, misplaced break/continue. It also works out closures:
// which variables each function literal captures (those live in heap cells),
// and names every function the way the Go compiler does (main.f,
// main.f.func1, main.f.func1.1, main.glob..func1).
//
// Errors in the program stop checking at once (the first one is reported),
// except "declared but not used", "imported and not used: ..." and unused labels,
// which are collected and reported (earliest first) once everything else is
// known to be fine.
import { goEntries, type GoSignature, type GoType } from '../abi/index.ts';
import type {
  Block,
  Breakable,
  CallExpr,
  Clause,
  ConstSpec,
  Expr,
  FuncDecl,
  FuncLit,
  Ident,
  IfStmt,
  Signature,
  SourceFile,
  Stmt,
  TypeExpr,
  VarSpec,
} from './ast.ts';
import { fail, type Pos, PosError, unsupported } from './errors.ts';
import {
  BOOL,
  type ChanType,
  type ConstValue,
  constString,
  defaultType,
  fitsInt,
  type FuncType,
  identical,
  INT,
  isUntyped,
  STRUCT0,
  type Type,
  typeString,
  UNTYPED_BOOL,
  UNTYPED_INT,
  UNTYPED_NIL,
  UNTYPED_STRING,
  WAITGROUP,
} from './types.ts';

// ---- objects -------------------------------------------------------------------------

export interface VarObj {
  kind: 'var';
  name: string;
  pos: Pos;
  type: Type;
  /** the function whose frame holds the variable; null for package-level variables */
  owner: FuncInfo | null;
  /** read somewhere (for "declared but not used") */
  used: boolean;
  /** referenced from a function literal: the variable lives in a heap cell */
  captured: boolean;
  /** parameters and results are never "unused" */
  isParam: boolean;
  /** link symbol of a package-level variable */
  global?: string;
}

export interface ConstObj {
  kind: 'const';
  name: string;
  pos: Pos;
  type: Type;
  value: ConstValue;
}

export interface FuncObj {
  kind: 'func';
  name: string;
  pos: Pos;
  type: FuncType;
  symbol: string;
  decl: FuncDecl;
}

export interface PkgObj {
  kind: 'pkg';
  name: string;
  path: string;
  pos: Pos;
  used: boolean;
}

export type Obj =
  | VarObj
  | ConstObj
  | FuncObj
  | PkgObj
  | { kind: 'type'; name: string; type: Type | null }
  | { kind: 'builtin'; name: string }
  | { kind: 'nil' }
  | { kind: 'iota' };

/** Everything the code generator needs to know about one function (declared or literal). */
export interface FuncInfo {
  /** link symbol: main.fib, main.main.func1, main.main.func1.1, main.glob..func1 */
  symbol: string;
  parent: FuncInfo | null;
  type: FuncType;
  /** one per parameter position; null for unnamed or blank parameters */
  params: (VarObj | null)[];
  /** the named results, or null when results are unnamed */
  namedResults: VarObj[] | null;
  /** variables of enclosing functions that this function uses, in order of first use */
  captures: VarObj[];
  isClosure: boolean;
  hasDefer: boolean;
  pos: Pos;
  /** the closing brace */
  end: Pos;
  body: Block;
  /** prefix for the names of function literals inside (main.f.func, main.f.func1.) */
  litPrefix: string;
  litCount: number;
}

export interface VarInit {
  /** null for blank (_) names */
  vars: (VarObj | null)[];
  values: Expr[];
  pos: Pos;
}

export interface CheckedProgram {
  file: SourceFile;
  /** every declared function except init functions, in source order */
  funcs: FuncInfo[];
  /** user `func init()`s in source order (symbols main.init.0, main.init.1, ...) */
  initFuncs: FuncInfo[];
  /** package-level variables */
  globals: VarObj[];
  /** package-level variable initializers in Go's initialization order */
  varInits: VarInit[];
  /** the pseudo-function whose code runs package initialization (main.init) */
  initInfo: FuncInfo;
}

export interface CheckOptions {
  /** bits of int and pointers (8 * arch.ptrSize) */
  wordBits: number;
}

// ---- scopes ------------------------------------------------------------------------------

class Scope {
  readonly names = new Map<string, Obj>();
  constructor(readonly parent: Scope | null) {}
  lookup(name: string): Obj | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const o = s.names.get(name);
      if (o) return o;
    }
    return undefined;
  }
}

const BUILTINS = ['print', 'println', 'len', 'cap', 'close', 'make'];
const UNSUPPORTED_BUILTINS = ['append', 'copy', 'delete', 'new', 'panic', 'recover', 'complex', 'real', 'imag', 'min', 'max', 'clear'];
const UNSUPPORTED_TYPES = [
  'string', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr',
  'byte', 'rune', 'float32', 'float64', 'complex64', 'complex128', 'error', 'any', 'comparable',
];

/** The Go signatures of the entries in src/abi that programs call by name, by name. */
function goFuncTypes(entries: readonly { go: GoSignature }[]): Readonly<Record<string, FuncType>> {
  const goType = (t: GoType): Type => (t === 'int' ? INT : BOOL);
  const byName: Record<string, FuncType> = Object.create(null); // no inherited names (runtime.constructor)
  for (const { go } of entries) byName[go.name] = { k: 'func', params: go.params.map((p) => goType(p.type)), results: go.results.map(goType) };
  return byName;
}

/** runtime.F a program may call (the list in src/abi) */
const RUNTIME_FUNCS = goFuncTypes(goEntries('runtime'));
/** the methods of sync.WaitGroup (the list in src/abi) */
const WG_METHODS = goFuncTypes(goEntries('sync', 'WaitGroup'));
/** "Add, Done and Wait" */
const WG_METHOD_LIST = Object.keys(WG_METHODS).join(', ').replace(/, ([^,]*)$/, ' and $1');

/** Builtins whose result must be used (they cannot be go/defer'ed or be statements). */
const VALUE_BUILTINS = new Set(['len', 'cap', 'make']);

const ARITH = new Set(['+', '-', '*', '/', '%', '&', '|', '^', '&^']);
const COMPARE = new Set(['==', '!=', '<', '<=', '>', '>=']);

export function unparen(e: Expr): Expr {
  while (e.kind === 'paren') e = e.x;
  return e;
}

interface FnCtx {
  info: FuncInfo;
  labels: Map<string, { pos: Pos; used: boolean; stmt: Stmt }>;
  /** enclosing for/range/switch statements, innermost last */
  breakables: Breakable[];
  /** statements that some break leaves */
  broken: Set<Breakable>;
  /** the `for` statement a `fallthrough` may not cross, etc. */
}

type RefSink = Set<VarObj | FuncObj>;

export function checkProgram(file: SourceFile, opts: CheckOptions): CheckedProgram {
  return new Checker(file, opts).run();
}

class Checker {
  private readonly universe = new Scope(null);
  private readonly pkgScope: Scope;
  private readonly soft: PosError[] = [];
  private fn: FnCtx | null = null;
  private iota: number | null = null;
  private readonly globals: VarObj[] = [];
  private readonly globalSpec = new Map<VarObj, VarSpec>();
  private readonly specState = new Map<VarSpec, 'resolving' | 'done'>();
  private readonly specVars = new Map<VarSpec, (VarObj | null)[]>();
  private readonly lazyConsts = new Map<ConstObj, { spec: ConstSpec; index: number; state: 'todo' | 'resolving' | 'done' }>();
  private readonly funcRefs = new Map<FuncObj, RefSink>();
  private readonly specRefs = new Map<VarSpec, RefSink>();
  private refSink: RefSink | null = null;
  /** locals declared in the function (and its literals) being checked, for the unused check */
  private locals: VarObj[] = [];
  private readonly initInfo: FuncInfo;

  constructor(
    private readonly file: SourceFile,
    private readonly opts: CheckOptions,
  ) {
    const u = this.universe;
    u.names.set('int', { kind: 'type', name: 'int', type: INT });
    u.names.set('bool', { kind: 'type', name: 'bool', type: BOOL });
    for (const t of UNSUPPORTED_TYPES) u.names.set(t, { kind: 'type', name: t, type: null });
    u.names.set('true', { kind: 'const', name: 'true', pos: { line: 0, col: 0 }, type: UNTYPED_BOOL, value: true });
    u.names.set('false', { kind: 'const', name: 'false', pos: { line: 0, col: 0 }, type: UNTYPED_BOOL, value: false });
    u.names.set('nil', { kind: 'nil' });
    u.names.set('iota', { kind: 'iota' });
    for (const b of [...BUILTINS, ...UNSUPPORTED_BUILTINS]) u.names.set(b, { kind: 'builtin', name: b });
    this.pkgScope = new Scope(u);
    const dummyBody: Block = { kind: 'block', pos: file.pkgPos, text: '', body: [], end: file.pkgPos };
    this.initInfo = {
      symbol: 'main.init',
      parent: null,
      type: { k: 'func', params: [], results: [] },
      params: [],
      namedResults: null,
      captures: [],
      isClosure: false,
      hasDefer: false,
      pos: file.pkgPos,
      end: file.pkgPos,
      body: dummyBody,
      litPrefix: 'main.glob..func',
      litCount: 0,
    };
  }

  private get W(): number {
    return this.opts.wordBits;
  }

  // ---- package level ------------------------------------------------------------------

  run(): CheckedProgram {
    const f = this.file;
    if (f.pkg !== 'main') fail(f.pkgPos, `package ${f.pkg} is not a main package`);
    const fileScope = new Scope(this.universe);
    const pkgs: PkgObj[] = [];
    for (const imp of f.imports) {
      if (imp.path !== 'runtime' && imp.path !== 'sync') unsupported(imp.pos, `import "${imp.path}" (only "runtime" and "sync" are supported)`);
      if (fileScope.names.has(imp.path)) fail(imp.pos, `${imp.path} redeclared in this block`);
      const p: PkgObj = { kind: 'pkg', name: imp.path, path: imp.path, pos: imp.pos, used: false };
      fileScope.names.set(imp.path, p);
      pkgs.push(p);
    }
    // Package scope: functions, variables and constants, in any order.
    (this.pkgScope as { parent: Scope | null }).parent = fileScope;
    this.scope = this.pkgScope;
    const funcObjs: FuncObj[] = [];
    const initDecls: FuncDecl[] = [];
    const declare = (name: string, p: Pos, o: Obj) => {
      if (name === '_') return;
      if (this.pkgScope.names.has(name)) fail(p, `${name} redeclared in this block`);
      if (fileScope.names.has(name)) fail(p, `${name} already declared through import of package ${name} ("${name}")`);
      this.pkgScope.names.set(name, o);
    };
    for (const d of f.decls) {
      if (d.kind === 'func') {
        const fd = d.decl;
        if (fd.name === 'init') {
          if (fd.sig.params.length || fd.sig.results.length) fail(fd.namePos, 'func init must have no arguments and no return values');
          initDecls.push(fd);
          continue;
        }
        if (fd.name === 'main' && (fd.sig.params.length || fd.sig.results.length)) fail(fd.namePos, 'func main must have no arguments and no return values');
        const o: FuncObj = { kind: 'func', name: fd.name, pos: fd.namePos, type: this.signature(fd.sig), symbol: `main.${fd.name}`, decl: fd };
        declare(fd.name, fd.namePos, o);
        funcObjs.push(o);
      } else if (d.kind === 'var') {
        const vars = d.spec.names.map((n) => {
          if (n.name === '_') return null;
          const v: VarObj = { kind: 'var', name: n.name, pos: n.pos, type: INT, owner: null, used: false, captured: false, isParam: false, global: `main.${n.name}` };
          n.obj = v;
          declare(n.name, n.pos, v);
          this.globals.push(v);
          this.globalSpec.set(v, d.spec);
          return v;
        });
        this.specVars.set(d.spec, vars);
      } else {
        d.spec.names.forEach((n, i) => {
          const c: ConstObj = { kind: 'const', name: n.name, pos: n.pos, type: UNTYPED_INT, value: 0n };
          n.obj = c;
          declare(n.name, n.pos, c);
          this.lazyConsts.set(c, { spec: d.spec, index: i, state: 'todo' });
        });
      }
    }
    if (!funcObjs.some((o) => o.name === 'main')) fail({ line: 1, col: 1 }, 'function main is undeclared in the main package');

    // Constants and variable initializers (package-level code runs in main.init).
    for (const c of this.lazyConsts.keys()) this.resolveConst(c);
    for (const d of f.decls) if (d.kind === 'var') this.resolveVarSpec(d.spec);

    // Function bodies.
    const funcs: FuncInfo[] = [];
    for (const o of funcObjs) {
      const sink: RefSink = new Set();
      this.funcRefs.set(o, sink);
      funcs.push(this.funcBody(o.decl, o.type, o.symbol, sink));
    }
    const initFuncs = initDecls.map((fd, i) => this.funcBody(fd, { k: 'func', params: [], results: [] }, `main.init.${i}`, new Set()));

    for (const p of pkgs) if (!p.used) this.soft.push(new PosError(p.pos, `imported and not used: "${p.path}"`));
    this.reportSoft();
    return { file: f, funcs, initFuncs, globals: this.globals, varInits: this.initOrder(), initInfo: this.initInfo };
  }

  private reportSoft(): void {
    if (this.soft.length === 0) return;
    const first = [...this.soft].sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col)[0]!;
    throw first;
  }

  /** Go's initialization order: declaration order, except that a variable waits for the variables its initializer uses (directly or through functions). */
  private initOrder(): VarInit[] {
    const specs = this.file.decls.filter((d): d is { kind: 'var'; spec: VarSpec } => d.kind === 'var').map((d) => d.spec);
    const deps = new Map<VarSpec, Set<VarSpec>>();
    for (const s of specs) {
      const out = new Set<VarSpec>();
      const seenFuncs = new Set<FuncObj>();
      const visit = (sink: RefSink | undefined) => {
        for (const r of sink ?? []) {
          if (r.kind === 'var') {
            const rs = this.globalSpec.get(r);
            if (rs) out.add(rs);
          } else if (!seenFuncs.has(r)) {
            seenFuncs.add(r);
            visit(this.funcRefs.get(r));
          }
        }
      };
      visit(this.specRefs.get(s));
      if (out.has(s) && s.values.length > 0) fail(s.pos, `initialization cycle: ${s.names.map((n) => n.name).join(', ')} refers to itself`);
      out.delete(s);
      deps.set(s, out);
    }
    const done = new Set<VarSpec>();
    const order: VarInit[] = [];
    while (done.size < specs.length) {
      const next = specs.find((s) => !done.has(s) && [...deps.get(s)!].every((d) => done.has(d)));
      if (!next) {
        const s = specs.find((x) => !done.has(x))!;
        fail(s.pos, 'initialization cycle');
      }
      done.add(next);
      order.push({ vars: this.specVars.get(next)!, values: next.values, pos: next.pos });
    }
    return order;
  }

  private resolveConst(c: ConstObj): void {
    const st = this.lazyConsts.get(c);
    if (!st || st.state === 'done') return;
    if (st.state === 'resolving') fail(c.pos, `initialization cycle or invalid recursive constant ${c.name}`);
    st.state = 'resolving';
    const saved = { fn: this.fn, iota: this.iota, sink: this.refSink, scope: this.scope };
    this.fn = null;
    this.refSink = null;
    this.scope = this.pkgScope;
    const r = this.constValue(st.spec, st.index);
    Object.assign(this, { fn: saved.fn, iota: saved.iota, refSink: saved.sink, scope: saved.scope });
    c.type = r.type;
    c.value = r.value;
    st.state = 'done';
  }

  private resolveVarSpec(spec: VarSpec): void {
    const st = this.specState.get(spec);
    if (st === 'done') return;
    if (st === 'resolving') fail(spec.pos, `initialization cycle: ${spec.names.map((n) => n.name).join(', ')} refers to itself`);
    this.specState.set(spec, 'resolving');
    const saved = { fn: this.fn, iota: this.iota, sink: this.refSink, locals: this.locals, scope: this.scope };
    this.scope = this.pkgScope;
    const sink: RefSink = new Set();
    this.specRefs.set(spec, sink);
    this.refSink = sink;
    this.iota = null;
    // Initializers run inside main.init; function literals there are main.glob..funcN.
    this.fn = { info: this.initInfo, labels: new Map(), breakables: [], broken: new Set() };
    this.locals = [];
    const types = this.varSpecTypes(spec);
    const vars = this.specVars.get(spec)!;
    vars.forEach((v, i) => {
      if (v) v.type = types[i]!;
    });
    this.checkUnused();
    Object.assign(this, { fn: saved.fn, iota: saved.iota, refSink: saved.sink, locals: saved.locals, scope: saved.scope });
    this.specState.set(spec, 'done');
  }

  // ---- types -----------------------------------------------------------------------------

  private signature(sig: Signature): FuncType {
    const params = sig.params.map((p) => this.valueType(p.type));
    const results = sig.results.map((p) => this.valueType(p.type));
    if (params.length > 9) unsupported(sig.params[9]!.pos, 'functions with more than 9 parameters');
    if (results.length > 9) unsupported(sig.results[9]!.pos, 'functions with more than 9 results');
    return { k: 'func', params, results };
  }

  /** A type usable for variables, parameters and results. */
  private valueType(te: TypeExpr): Type {
    const t = this.typeOf(te);
    if (t.k === 'waitgroup') unsupported(te.pos, 'passing or storing a sync.WaitGroup by value (declare it with var and call its methods)');
    return t;
  }

  private typeOf(te: TypeExpr): Type {
    switch (te.kind) {
      case 'tname': {
        const o = this.lookup(te.name);
        if (!o) fail(te.pos, `undefined: ${te.name}`);
        if (o.kind !== 'type') fail(te.pos, `${te.name} is not a type`);
        if (!o.type) unsupported(te.pos, `type ${te.name}`);
        return o.type;
      }
      case 'tqual': {
        const o = this.lookup(te.pkg);
        if (!o) fail(te.pos, `undefined: ${te.pkg}`);
        if (o.kind !== 'pkg') fail(te.pos, `${te.text} is not a type`);
        o.used = true;
        if (o.path === 'sync' && te.name === 'WaitGroup') return WAITGROUP;
        unsupported(te.pos, `type ${te.pkg}.${te.name}`);
      }
      // falls through (unreachable: unsupported throws)
      case 'tchan': {
        const elem = this.typeOf(te.elem);
        if (elem.k === 'waitgroup') unsupported(te.elem.pos, 'channels of sync.WaitGroup');
        return { k: 'chan', dir: te.dir, elem };
      }
      case 'tfunc':
        return this.signature(te.sig);
      case 'tstruct0':
        return STRUCT0;
    }
  }

  private lookup(name: string): Obj | undefined {
    return this.scope.lookup(name);
  }

  private scope: Scope = this.universe;

  // ---- functions ------------------------------------------------------------------------------

  private newFuncInfo(symbol: string, parent: FuncInfo | null, type: FuncType, pos: Pos, body: Block, isClosure: boolean): FuncInfo {
    return {
      symbol,
      parent,
      type,
      params: [],
      namedResults: null,
      captures: [],
      isClosure,
      hasDefer: false,
      pos,
      end: body.end,
      body,
      litPrefix: isClosure ? `${symbol}.` : `${symbol}.func`,
      litCount: 0,
    };
  }

  private funcBody(fd: FuncDecl, type: FuncType, symbol: string, sink: RefSink): FuncInfo {
    const info = this.newFuncInfo(symbol, null, type, fd.pos, fd.body, false);
    fd.info = info;
    this.refSink = sink;
    this.locals = [];
    this.checkFunc(info, fd.sig, fd.body, this.pkgScope);
    this.checkUnused();
    this.refSink = null;
    return info;
  }

  private checkUnused(): void {
    for (const v of this.locals) if (!v.used && !v.isParam) this.soft.push(new PosError(v.pos, `${v.name} declared but not used`));
    this.locals = [];
  }

  /** Check a function's parameters and body in a new scope under `outer`. */
  private checkFunc(info: FuncInfo, sig: Signature, body: Block, outer: Scope): void {
    const savedFn = this.fn;
    const savedScope = this.scope;
    const savedIota = this.iota;
    this.iota = null;
    this.fn = { info, labels: new Map(), breakables: [], broken: new Set() };
    const scope = new Scope(outer);
    this.scope = scope;
    const mk = (name: string, pos: Pos, type: Type): VarObj => ({ kind: 'var', name, pos, type, owner: info, used: false, captured: false, isParam: true });
    info.params = sig.params.map((p, i) => {
      if (!p.name || p.name === '_') return null;
      const v = mk(p.name, p.pos, info.type.params[i]!);
      this.declareLocal(scope, v);
      return v;
    });
    if (sig.results.length > 0 && sig.results[0]!.name !== null) {
      info.namedResults = sig.results.map((p, i) => {
        const v = mk(p.name!, p.pos, info.type.results[i]!);
        if (p.name !== '_') this.declareLocal(scope, v);
        return v;
      });
    }
    this.stmtList(body.body, scope);
    if (info.type.results.length > 0 && !this.terminatingList(body.body)) fail(body.end, 'missing return');
    for (const [name, l] of this.fn.labels) if (!l.used) this.soft.push(new PosError(l.pos, `label ${name} defined and not used`));
    this.fn = savedFn;
    this.scope = savedScope;
    this.iota = savedIota;
  }

  private declareLocal(scope: Scope, o: Obj & { name: string; pos: Pos }): void {
    if (o.name === '_') return;
    if (scope.names.has(o.name)) fail(o.pos, `${o.name} redeclared in this block`);
    scope.names.set(o.name, o);
    if (o.kind === 'var' && !o.isParam) this.locals.push(o);
  }

  private get cur(): FnCtx {
    if (!this.fn) throw new Error('checker: no current function');
    return this.fn;
  }

  // ---- statements ------------------------------------------------------------------------------

  private stmtList(list: Stmt[], scope: Scope): void {
    const saved = this.scope;
    this.scope = scope;
    for (const s of list) {
      if (s.kind === 'fallthrough') fail(s.pos, 'fallthrough statement out of place');
      this.stmt(s);
    }
    this.scope = saved;
  }

  private block(b: Block): void {
    this.stmtList(b.body, new Scope(this.scope));
  }

  private withScope(f: () => void): void {
    const saved = this.scope;
    this.scope = new Scope(saved);
    try {
      f();
    } finally {
      this.scope = saved;
    }
  }

  private stmt(s: Stmt): void {
    switch (s.kind) {
      case 'empty':
        return;
      case 'expr':
        return this.exprStmt(s.x);
      case 'send':
        return this.sendStmt(s.ch, s.value);
      case 'incdec': {
        const v = this.lhs(s.x, true);
        if (v && v.type.k !== 'int') fail(s.x.pos, `invalid operation: ${s.text.trim()} (non-numeric type ${typeString(v.type)})`);
        return;
      }
      case 'assign':
        return s.op === '=' ? this.assignStmt(s.lhs, s.rhs) : this.opAssign(s);
      case 'define':
        return this.defineStmt(s);
      case 'var':
        for (const spec of s.specs) {
          const types = this.varSpecTypes(spec);
          spec.names.forEach((n, i) => {
            const v: VarObj = { kind: 'var', name: n.name, pos: n.pos, type: types[i]!, owner: this.cur.info, used: false, captured: false, isParam: false };
            n.obj = v;
            this.declareLocal(this.scope, v);
          });
        }
        return;
      case 'const':
        for (const spec of s.specs) {
          spec.names.forEach((n, i) => {
            const r = this.constValue(spec, i);
            const c: ConstObj = { kind: 'const', name: n.name, pos: n.pos, type: r.type, value: r.value };
            n.obj = c;
            this.declareLocal(this.scope, c);
          });
        }
        return;
      case 'block':
        return this.block(s);
      case 'if':
        return this.ifStmt(s);
      case 'for':
        return this.withScope(() => {
          if (s.init) this.stmt(s.init);
          if (s.cond) this.condition(s.cond, 'for');
          if (s.post) {
            if (s.post.kind === 'define') fail(s.post.pos, 'cannot declare in post statement of for loop');
            this.stmt(s.post);
          }
          this.loopBody(s, s.body);
        });
      case 'range':
        return this.withScope(() => this.rangeStmt(s));
      case 'switch':
        return this.withScope(() => this.switchStmt(s));
      case 'labeled': {
        const labels = this.cur.labels;
        if (labels.has(s.label)) fail(s.pos, `label ${s.label} already defined at ${labels.get(s.label)!.pos.line}:${labels.get(s.label)!.pos.col}`);
        labels.set(s.label, { pos: s.pos, used: false, stmt: s.stmt });
        if (s.stmt.kind === 'for' || s.stmt.kind === 'range' || s.stmt.kind === 'switch') s.stmt.label = s.label;
        return this.stmt(s.stmt);
      }
      case 'break':
      case 'continue':
        return this.branchStmt(s);
      case 'return':
        return this.returnStmt(s);
      case 'go':
      case 'defer':
        return this.goDefer(s.kind, s.call);
      case 'fallthrough':
        fail(s.pos, 'fallthrough statement out of place');
    }
  }

  private exprStmt(x: Expr): void {
    const e = unparen(x);
    if (e.kind === 'call') {
      this.call(e);
      const f = unparen(e.fn);
      if (f.mode === 'type') fail(x.pos, `${x.text} (value of type ${typeString(e.t)}) is not used`);
      if (f.mode === 'builtin' && VALUE_BUILTINS.has(f.builtin!)) fail(x.pos, `${x.text} (${this.describeMode(e)}) is not used`);
      return;
    }
    if (e.kind === 'unary' && e.op === '<-') {
      this.expr(e);
      return;
    }
    this.expr(x);
    if (x.mode === 'builtin') fail(x.pos, `${x.text} (built-in) must be called`);
    fail(x.pos, `${x.text} (${this.describeMode(x)}) is not used`);
  }

  private sendStmt(ch: Expr, value: Expr): void {
    const c = this.value(ch);
    if (c.k !== 'chan') fail(ch.pos, `invalid operation: cannot send to non-channel ${this.describe(ch)}`);
    if (c.dir === 'recv') fail(ch.pos, `invalid operation: cannot send to receive-only channel ${this.describe(ch)}`);
    this.value(value);
    this.assignable(value, c.elem, 'send');
  }

  private ifStmt(s: IfStmt): void {
    this.withScope(() => {
      if (s.init) this.stmt(s.init);
      this.condition(s.cond, 'if');
      this.block(s.then);
      if (s.else) {
        if (s.else.kind === 'block') this.block(s.else);
        else this.ifStmt(s.else);
      }
    });
  }

  private condition(e: Expr, what: string): void {
    const t = this.value(e);
    if (t.k !== 'bool' && !(t.k === 'untyped' && t.base === 'bool')) fail(e.pos, `non-boolean condition in ${what} statement`);
    if (isUntyped(t)) e.t = BOOL;
  }

  private loopBody(s: Breakable, body: Block): void {
    const f = this.cur;
    f.breakables.push(s);
    try {
      this.block(body);
    } finally {
      f.breakables.pop();
    }
  }

  private rangeStmt(s: Extract<Stmt, { kind: 'range' }>): void {
    const t = this.value(s.x);
    if (t.k !== 'chan') {
      fail(s.x.pos, `cannot range over ${this.describe(s.x)}`);
    }
    if (t.dir === 'send') fail(s.x.pos, `invalid operation: range ${s.x.text} receive from send-only channel`);
    if (s.key) {
      if (s.define) {
        const id = s.key as Ident;
        if (id.kind !== 'ident') fail(s.key.pos, `non-name ${s.key.text} on left side of :=`);
        if (id.name !== '_') {
          const v: VarObj = { kind: 'var', name: id.name, pos: id.pos, type: t.elem, owner: this.cur.info, used: false, captured: false, isParam: false };
          id.obj = v;
          this.declareLocal(this.scope, v);
        }
      } else {
        const v = this.lhs(s.key, false);
        if (v && !this.assignableType(t.elem, v.type)) fail(s.key.pos, `cannot assign ${typeString(t.elem)} to ${s.key.text} (variable of type ${typeString(v.type)}) in range`);
      }
    }
    this.loopBody(s, s.body);
  }

  private switchStmt(s: Extract<Stmt, { kind: 'switch' }>): void {
    if (s.init) this.stmt(s.init);
    let tagType: Type = BOOL;
    if (s.tag) {
      const t = this.value(s.tag);
      if (t.k === 'untyped') {
        if (t.base === 'nil') fail(s.tag.pos, 'use of untyped nil in switch expression');
        this.convertUntyped(s.tag, defaultType(t), 'switch expression');
      }
      tagType = s.tag.t!;
      if (tagType.k === 'func') fail(s.tag.pos, `cannot switch on ${this.describe(s.tag)}`);
    }
    let defaults = 0;
    const seen = new Map<string, Pos>();
    s.clauses.forEach((c: Clause, ci) => {
      if (c.values === null) {
        if (++defaults > 1) fail(c.pos, 'multiple defaults in switch');
      } else {
        for (const v of c.values) {
          const vt = this.value(v);
          if (s.tag) {
            this.comparable(s.tag, v, '==', v.pos);
          } else {
            if (vt.k !== 'bool' && !(vt.k === 'untyped' && vt.base === 'bool')) fail(v.pos, `invalid case ${v.text} in switch (mismatched types ${typeString(vt)} and bool)`);
            if (isUntyped(vt)) v.t = BOOL;
          }
          if (v.cv !== undefined && typeof v.cv !== 'object') {
            const key = String(v.cv);
            const prev = seen.get(key);
            if (prev && s.tag) fail(v.pos, `duplicate case ${this.describe(v)} in expression switch`);
            seen.set(key, v.pos);
          }
        }
      }
      // The clause body; a final fallthrough is allowed except in the last clause.
      const f = this.cur;
      f.breakables.push(s);
      const saved = this.scope;
      this.scope = new Scope(saved);
      try {
        c.body.forEach((st, i) => {
          if (st.kind === 'fallthrough') {
            if (i !== c.body.length - 1) fail(st.pos, 'fallthrough statement out of place');
            if (ci === s.clauses.length - 1) fail(st.pos, 'cannot fallthrough final case in switch');
            return;
          }
          this.stmt(st);
        });
      } finally {
        this.scope = saved;
        f.breakables.pop();
      }
    });
  }

  private branchStmt(s: Extract<Stmt, { kind: 'break' | 'continue' }>): void {
    const f = this.cur;
    const loops = (b: Breakable) => b.kind === 'for' || b.kind === 'range';
    if (s.label === null) {
      const target = s.kind === 'break' ? f.breakables[f.breakables.length - 1] : [...f.breakables].reverse().find(loops);
      if (!target) fail(s.pos, s.kind === 'break' ? 'break is not in a loop, switch, or select' : 'continue is not in a loop');
      s.target = target;
    } else {
      const l = f.labels.get(s.label);
      if (l) l.used = true;
      const target = [...f.breakables].reverse().find((b) => b.label === s.label);
      if (!target || (s.kind === 'continue' && !loops(target))) {
        if (!l) fail(s.labelPos ?? s.pos, `${s.kind} label not defined: ${s.label}`);
        fail(s.labelPos ?? s.pos, `invalid ${s.kind} label ${s.label}`);
      }
      s.target = target;
    }
    if (s.kind === 'break') f.broken.add(s.target);
  }

  private returnStmt(s: Extract<Stmt, { kind: 'return' }>): void {
    const info = this.cur.info;
    const want = info.type.results;
    if (s.results.length === 0) {
      if (want.length > 0 && !info.namedResults) fail(s.pos, `not enough return values (have (), want (${want.map(typeString).join(', ')}))`);
      return;
    }
    if (s.results.length === 1 && want.length > 1) {
      const t = this.exprMulti(s.results[0]!);
      if (t && t.k === 'tuple') {
        if (t.types.length !== want.length) fail(s.results[0]!.pos, `${t.types.length < want.length ? 'not enough' : 'too many'} return values (have ${typeString(t)}, want (${want.map(typeString).join(', ')}))`);
        t.types.forEach((rt, i) => {
          if (!this.assignableType(rt, want[i]!)) fail(s.results[0]!.pos, `cannot use ${s.results[0]!.text} (value of type ${typeString(rt)}) as ${typeString(want[i])} value in return statement`);
        });
        return;
      }
    }
    const have = s.results.map((r) => this.value(r));
    if (have.length !== want.length) {
      const msg = have.length > want.length ? 'too many return values' : 'not enough return values';
      fail(s.results[Math.min(want.length, s.results.length - 1)]!.pos, `${msg} (have (${have.map(haveString).join(', ')}), want (${want.map(typeString).join(', ')}))`);
    }
    s.results.forEach((r, i) => this.assignable(r, want[i]!, 'return statement'));
  }

  private goDefer(kind: 'go' | 'defer', call: CallExpr): void {
    if (kind === 'defer') this.cur.info.hasDefer = true;
    this.call(call);
    const f = unparen(call.fn);
    if (f.mode === 'type') fail(call.pos, `${kind} requires function call, not conversion`);
    if (f.mode === 'builtin' && VALUE_BUILTINS.has(f.builtin!)) fail(call.pos, `${kind} discards result of ${this.describe(call)}`);
  }

  private assignStmt(lhs: Expr[], rhs: Expr[]): void {
    this.singleAssignMismatch(lhs.length, rhs);
    if (lhs.length === rhs.length) {
      rhs.forEach((r, i) => {
        const l = lhs[i]!;
        const v = this.lhs(l, false);
        this.value(r);
        if (v) this.assignable(r, v.type, 'assignment');
        else this.blankValue(r, 'assignment');
      });
      return;
    }
    if (rhs.length === 1) {
      const types = this.multiValue(rhs[0]!, lhs.length);
      lhs.forEach((l, i) => {
        const v = this.lhs(l, false);
        if (v && !this.assignableType(types[i]!, v.type)) fail(rhs[0]!.pos, `cannot use ${rhs[0]!.text} (value of type ${typeString(types[i])}) as ${typeString(v.type)} value in assignment`);
      });
      return;
    }
    fail(rhs[0]!.pos, `assignment mismatch: ${lhs.length} variable${lhs.length > 1 ? 's' : ''} but ${rhs.length} value${rhs.length > 1 ? 's' : ''}`);
  }

  /**
   * The element types of an expression that yields `n` values: a multi-value
   * call, or (n == 2) a comma-ok receive. Annotates the expression.
   */
  private multiValue(e: Expr, n: number): Type[] {
    const x = unparen(e);
    if (n === 2 && x.kind === 'unary' && x.op === '<-') {
      this.expr(x);
      x.mode = 'commaok';
      if (e !== x) e.mode = 'commaok';
      return [x.t!, BOOL];
    }
    const t = this.exprMulti(e);
    const count = !t ? 0 : t.k === 'tuple' ? t.types.length : 1;
    if (count !== n) {
      const what = x.kind === 'call' ? `${unparen(x.fn).text} returns ${count} value${count === 1 ? '' : 's'}` : `${count} value${count === 1 ? '' : 's'}`;
      fail(e.pos, `assignment mismatch: ${n} variable${n > 1 ? 's' : ''} but ${what}`);
    }
    return t!.k === 'tuple' ? [...t!.types] : [t!];
  }

  private blankValue(e: Expr, ctx: string): void {
    const t = e.t!;
    if (t.k === 'untyped') {
      if (t.base === 'nil') fail(e.pos, `use of untyped nil in ${ctx}`);
      this.convertUntyped(e, defaultType(t), ctx);
    }
  }

  private opAssign(s: Extract<Stmt, { kind: 'assign' }>): void {
    if (s.lhs.length !== 1 || s.rhs.length !== 1) fail(s.opPos, `assignment operation ${s.op} requires single-valued expressions`);
    const v = this.lhs(s.lhs[0]!, true);
    if (!v) fail(s.lhs[0]!.pos, 'cannot use _ as value');
    const op = s.op.slice(0, -1);
    const l = s.lhs[0]!;
    l.t = v.type;
    l.mode = 'value';
    this.value(s.rhs[0]!);
    const fake = { kind: 'binary', op, x: l, y: s.rhs[0]!, pos: l.pos, opPos: s.opPos, text: `${l.text} ${op} ${s.rhs[0]!.text}` } as Expr & { kind: 'binary' };
    this.binaryChecked(fake);
    if (!this.assignableType(fake.t!, v.type)) fail(s.pos, `cannot assign ${typeString(fake.t)} to ${l.text}`);
  }

  /** `x := f()` where f returns several values: Go's "assignment mismatch". */
  private singleAssignMismatch(lhsCount: number, rhs: Expr[]): void {
    if (lhsCount !== 1 || rhs.length !== 1) return;
    const x = unparen(rhs[0]!);
    if (x.kind !== 'call') return;
    const t = this.exprMulti(rhs[0]!);
    if (t && t.k === 'tuple') fail(rhs[0]!.pos, `assignment mismatch: 1 variable but ${unparen(x.fn).text} returns ${t.types.length} values`);
  }

  private defineStmt(s: Extract<Stmt, { kind: 'define' }>): void {
    let types: Type[];
    this.singleAssignMismatch(s.lhs.length, s.rhs);
    if (s.lhs.length === s.rhs.length) {
      types = s.rhs.map((r) => {
        const t = this.value(r);
        if (t.k === 'untyped') {
          if (t.base === 'nil') fail(r.pos, 'use of untyped nil in assignment');
          if (t.base === 'string') this.noStrings(r);
          this.convertUntyped(r, defaultType(t), 'assignment');
        }
        if (r.t!.k === 'waitgroup') unsupported(r.pos, 'copying a sync.WaitGroup');
        return r.t!;
      });
    } else if (s.rhs.length === 1) {
      types = this.multiValue(s.rhs[0]!, s.lhs.length);
    } else {
      fail(s.rhs[0]!.pos, `assignment mismatch: ${s.lhs.length} variable${s.lhs.length > 1 ? 's' : ''} but ${s.rhs.length} value${s.rhs.length > 1 ? 's' : ''}`);
    }
    let fresh = 0;
    const seen = new Set<string>();
    s.fresh = s.lhs.map((id, i) => {
      if (id.name === '_') return false;
      if (seen.has(id.name)) fail(id.pos, `${id.name} repeated on left side of :=`);
      seen.add(id.name);
      const existing = this.scope.names.get(id.name);
      if (existing) {
        if (existing.kind !== 'var') fail(id.pos, `cannot assign to ${id.name} (neither addressable nor a map index expression)`);
        id.obj = existing;
        this.noteVarRef(existing);
        if (!this.assignableType(types[i]!, existing.type)) fail(s.rhs[Math.min(i, s.rhs.length - 1)]!.pos, `cannot use ${s.rhs[Math.min(i, s.rhs.length - 1)]!.text} (value of type ${typeString(types[i])}) as ${typeString(existing.type)} value in assignment`);
        return false;
      }
      fresh++;
      return true;
    });
    if (fresh === 0) fail(s.opPos, 'no new variables on left side of :=');
    s.lhs.forEach((id, i) => {
      if (!s.fresh![i]) return;
      const v: VarObj = { kind: 'var', name: id.name, pos: id.pos, type: types[i]!, owner: this.cur.info, used: false, captured: false, isParam: false };
      id.obj = v;
      this.declareLocal(this.scope, v);
    });
  }

  /** The types of a var spec's names (checks the initializers). */
  private varSpecTypes(spec: VarSpec): Type[] {
    const n = spec.names.length;
    const declared = spec.type ? this.typeOf(spec.type) : null;
    if (declared && declared.k === 'waitgroup' && spec.values.length > 0) unsupported(spec.values[0]!.pos, 'initializing a sync.WaitGroup');
    if (spec.values.length === 0) {
      if (!declared) fail(spec.pos, 'missing type or init expr');
      return spec.names.map(() => declared);
    }
    let types: Type[];
    this.singleAssignMismatch(n, spec.values);
    if (spec.values.length === n) {
      types = spec.values.map((v) => {
        const t = this.value(v);
        if (declared) {
          this.assignable(v, declared, 'variable declaration');
          return declared;
        }
        if (t.k === 'untyped') {
          if (t.base === 'nil') fail(v.pos, 'use of untyped nil in variable declaration');
          if (t.base === 'string') this.noStrings(v);
          this.convertUntyped(v, defaultType(t), 'variable declaration');
        }
        if (v.t!.k === 'waitgroup') unsupported(v.pos, 'copying a sync.WaitGroup');
        return v.t!;
      });
    } else if (spec.values.length === 1) {
      types = this.multiValue(spec.values[0]!, n);
      if (declared) {
        types.forEach((t) => {
          if (!this.assignableType(t, declared)) fail(spec.values[0]!.pos, `cannot use ${spec.values[0]!.text} (value of type ${typeString(t)}) as ${typeString(declared)} value in assignment`);
        });
        types = types.map(() => declared);
      }
    } else {
      fail(spec.pos, `assignment mismatch: ${n} variable${n > 1 ? 's' : ''} but ${spec.values.length} value${spec.values.length > 1 ? 's' : ''}`);
    }
    return types;
  }

  private constValue(spec: ConstSpec, i: number): { type: Type; value: ConstValue } {
    const savedIota = this.iota;
    this.iota = spec.iota;
    try {
      const e = spec.values[i];
      if (!e) fail(spec.names[i]!.pos, spec.values.length < spec.names.length ? 'missing init expr for const declaration' : 'extra init expr');
      if (i === spec.names.length - 1 && spec.values.length > spec.names.length) fail(spec.values[spec.names.length]!.pos, 'extra init expr');
      // An implicitly repeated expression is checked again with the new iota.
      this.value(e);
      if (e.cv === undefined) fail(e.pos, `${e.text} (${this.describeMode(e)}) is not constant`);
      if (spec.type) {
        const t = this.typeOf(spec.type);
        if (t.k !== 'int' && t.k !== 'bool') unsupported(spec.type.pos, `constants of type ${typeString(t)}`);
        this.assignable(e, t, 'constant declaration');
      }
      return { type: e.t!, value: e.cv! };
    } finally {
      this.iota = savedIota;
    }
  }

  // ---- assignment targets ---------------------------------------------------------------------

  /** The variable an assignment writes (null for `_`). `use` marks it as read too (x += 1, x++). */
  private lhs(e: Expr, use: boolean): VarObj | null {
    const x = unparen(e);
    if (x.kind === 'ident') {
      if (x.name === '_') {
        if (use) fail(x.pos, 'cannot use _ as value');
        return null;
      }
      const o = this.lookup(x.name);
      if (!o) fail(x.pos, `undefined: ${x.name}`);
      x.obj = o;
      if (o.kind === 'var') {
        if (o.global) this.resolveGlobalRef(o);
        if (o.type.k === 'waitgroup') unsupported(x.pos, 'assigning to a sync.WaitGroup');
        this.noteVarRef(o);
        if (use) o.used = true;
        x.t = o.type;
        x.mode = 'value';
        if (e !== x) Object.assign(e, { t: x.t, mode: x.mode });
        return o;
      }
      if (o.kind === 'const' || o.kind === 'func') {
        this.expr(x);
        fail(x.pos, `cannot assign to ${x.name} (${this.describeMode(x)})`);
      }
      fail(x.pos, `cannot assign to ${x.name} (neither addressable nor a map index expression)`);
    }
    this.expr(x);
    fail(x.pos, `cannot assign to ${x.text} (neither addressable nor a map index expression)`);
  }

  // ---- expressions ------------------------------------------------------------------------------

  /** Check e as a single value; returns its type. */
  private value(e: Expr): Type {
    this.expr(e);
    return this.singleValue(e);
  }

  private singleValue(e: Expr): Type {
    switch (e.mode) {
      case 'novalue':
        fail(e.pos, `${e.text} (no value) used as value`);
      // falls through (unreachable)
      case 'type':
        fail(e.pos, `${e.text} (type) is not an expression`);
      // falls through
      case 'pkg':
        fail(e.pos, `use of package ${e.text} not in selector`);
      // falls through
      case 'builtin': {
        const b = (unparen(e) as Expr).builtin ?? e.builtin ?? e.text;
        if (b.startsWith('runtime.')) unsupported(e.pos, `${b} as a function value`);
        if (b.startsWith('wg.')) unsupported(e.pos, 'method values');
        fail(e.pos, `${e.text} (built-in) must be called`);
      }
      // falls through
      default:
        if (e.t && e.t.k === 'tuple') fail(e.pos, `multiple-value ${e.text} (value of type ${typeString(e.t)}) in single-value context`);
        if (e.mode === 'commaok') e.mode = 'value';
        if (e.t && e.t.k === 'waitgroup') unsupported(e.pos, `using a sync.WaitGroup as a value (only its methods ${WG_METHOD_LIST} can be called)`);
        return e.t!;
    }
  }

  /** Check e where a multi-value call is allowed; returns its type (a tuple for several results, undefined for none). */
  private exprMulti(e: Expr): Type | undefined {
    this.expr(e);
    if (e.mode === 'novalue') fail(e.pos, `${e.text} (no value) used as value`);
    if (e.t && e.t.k === 'tuple') return e.t;
    return this.singleValue(e);
  }

  private expr(e: Expr): void {
    switch (e.kind) {
      case 'paren':
        this.expr(e.x);
        e.t = e.x.t;
        e.cv = e.x.cv;
        e.mode = e.x.mode;
        e.builtin = e.x.builtin;
        return;
      case 'int':
        e.t = UNTYPED_INT;
        e.cv = e.value;
        e.mode = 'value';
        return;
      case 'string':
        e.t = UNTYPED_STRING;
        e.cv = e.value;
        e.mode = 'value';
        return;
      case 'ident':
        return this.ident(e);
      case 'unary':
        return this.unary(e);
      case 'binary':
        this.value(e.x);
        this.value(e.y);
        return this.binaryChecked(e);
      case 'call':
        return this.call(e);
      case 'selector':
        return this.selector(e);
      case 'funclit':
        return this.funcLit(e);
      case 'structlit':
        e.t = STRUCT0;
        e.mode = 'value';
        return;
      case 'typeexpr':
        e.t = this.typeOf(e.type);
        e.mode = 'type';
        return;
    }
  }

  private ident(e: Ident): void {
    if (e.name === '_') fail(e.pos, 'cannot use _ as value');
    const o = this.lookup(e.name);
    if (!o) fail(e.pos, `undefined: ${e.name}`);
    e.obj = o;
    switch (o.kind) {
      case 'var':
        if (o.global) this.resolveGlobalRef(o);
        o.used = true;
        this.noteVarRef(o);
        e.t = o.type;
        e.mode = 'value';
        return;
      case 'const':
        this.resolveConst(o);
        e.t = o.type;
        e.cv = o.value;
        e.mode = 'value';
        return;
      case 'func':
        this.refSink?.add(o);
        e.t = o.type;
        e.mode = 'value';
        return;
      case 'type':
        if (!o.type) unsupported(e.pos, `type ${o.name}`);
        e.t = o.type;
        e.mode = 'type';
        return;
      case 'builtin':
        if (UNSUPPORTED_BUILTINS.includes(o.name)) unsupported(e.pos, `builtin ${o.name}`);
        e.mode = 'builtin';
        e.builtin = o.name;
        return;
      case 'pkg':
        o.used = true;
        e.mode = 'pkg';
        return;
      case 'nil':
        e.t = UNTYPED_NIL;
        e.mode = 'value';
        return;
      case 'iota':
        if (this.iota === null) fail(e.pos, 'cannot use iota outside constant declaration');
        e.t = UNTYPED_INT;
        e.cv = BigInt(this.iota);
        e.mode = 'value';
        return;
    }
  }

  private resolveGlobalRef(v: VarObj): void {
    this.refSink?.add(v);
    const spec = this.globalSpec.get(v);
    if (spec && this.specState.get(spec) !== 'done') {
      if (this.specState.get(spec) === 'resolving') {
        if (this.fn?.info === this.initInfo) fail(v.pos, `initialization cycle: ${v.name} refers to itself`);
        return;
      }
      this.resolveVarSpec(spec);
    }
  }

  /** A local variable used from a function literal: it is captured by every function between. */
  private noteVarRef(v: VarObj): void {
    if (!v.owner) return;
    let f: FuncInfo | null = this.cur.info;
    if (f === v.owner) return;
    v.captured = true;
    while (f && f !== v.owner) {
      if (!f.captures.includes(v)) f.captures.push(v);
      f = f.parent;
    }
  }

  private selector(e: Extract<Expr, { kind: 'selector' }>): void {
    const x = unparen(e.x);
    if (x.kind === 'ident') {
      const o = this.lookup(x.name);
      if (o && o.kind === 'pkg') {
        o.used = true;
        x.obj = o;
        x.mode = 'pkg';
        if (o.path === 'runtime') {
          const ft = RUNTIME_FUNCS[e.sel];
          if (!ft) unsupported(e.pos, `runtime.${e.sel} (supported: ${Object.keys(RUNTIME_FUNCS).map((k) => `runtime.${k}`).join(', ')})`);
          e.mode = 'builtin';
          e.builtin = `runtime.${e.sel}`;
          e.t = ft;
          return;
        }
        if (e.sel === 'WaitGroup') {
          e.mode = 'type';
          e.t = WAITGROUP;
          return;
        }
        unsupported(e.pos, `sync.${e.sel} (only sync.WaitGroup is supported)`);
      }
    }
    this.expr(e.x);
    if (e.x.mode !== 'value') this.singleValue(e.x);
    const t = e.x.t!;
    if (t.k === 'waitgroup') {
      const m = WG_METHODS[e.sel];
      if (!m) fail(e.selPos, `${e.text} undefined (type sync.WaitGroup has no field or method ${e.sel})`);
      e.mode = 'builtin';
      e.builtin = `wg.${e.sel}`;
      e.t = m;
      return;
    }
    fail(e.selPos, `${e.text} undefined (type ${typeString(t)} has no field or method ${e.sel})`);
  }

  private funcLit(e: FuncLit): void {
    const parent = this.cur.info;
    const type = this.signature(e.sig);
    const symbol = `${parent.litPrefix}${++parent.litCount}`;
    const info = this.newFuncInfo(symbol, parent, type, e.pos, e.body, true);
    e.info = info;
    this.checkFunc(info, e.sig, e.body, this.scope);
    e.t = type;
    e.mode = 'value';
  }

  private unary(e: Extract<Expr, { kind: 'unary' }>): void {
    const t = this.value(e.x);
    const x = e.x;
    e.mode = 'value';
    switch (e.op) {
      case '<-':
        if (t.k !== 'chan') fail(x.pos, `invalid operation: cannot receive from non-channel ${this.describe(x)}`);
        if (t.dir === 'send') fail(x.pos, `invalid operation: cannot receive from send-only channel ${this.describe(x)}`);
        e.t = t.elem;
        return;
      case '!':
        if (t.k !== 'bool' && !(t.k === 'untyped' && t.base === 'bool')) fail(x.pos, `invalid operation: operator ! not defined on ${this.describe(x)}`);
        e.t = t;
        if (x.cv !== undefined) e.cv = !x.cv;
        return;
      case '-':
      case '+':
      case '^': {
        if (t.k !== 'int' && !(t.k === 'untyped' && t.base === 'int')) fail(x.pos, `invalid operation: operator ${e.op} not defined on ${this.describe(x)}`);
        e.t = t;
        if (x.cv !== undefined) {
          const v = x.cv as bigint;
          e.cv = e.op === '-' ? -v : e.op === '+' ? v : ~v;
          this.checkTypedConst(e);
        }
        return;
      }
      default:
        unsupported(e.pos, `operator ${e.op}`);
    }
  }

  /** Typed constant results must fit their type. */
  private checkTypedConst(e: Expr): void {
    if (e.t && e.t.k === 'int' && typeof e.cv === 'bigint' && !fitsInt(e.cv, this.W)) {
      fail(e.pos, `${e.text} (constant ${e.cv} of type int) overflows int`);
    }
  }

  /** Binary expression whose operands are already checked. */
  private binaryChecked(e: Extract<Expr, { kind: 'binary' }>): void {
    const { x, y, op } = e;
    e.mode = 'value';
    if (op === '&&' || op === '||') {
      for (const o of [x, y]) {
        const t = o.t!;
        if (t.k !== 'bool' && !(t.k === 'untyped' && t.base === 'bool')) fail(o.pos, `invalid operation: operator ${op} not defined on ${this.describe(o)}`);
      }
      if (x.cv !== undefined && y.cv !== undefined) {
        e.t = isUntyped(x.t!) && isUntyped(y.t!) ? UNTYPED_BOOL : BOOL;
        e.cv = op === '&&' ? (x.cv as boolean) && (y.cv as boolean) : (x.cv as boolean) || (y.cv as boolean);
        return;
      }
      for (const o of [x, y]) if (isUntyped(o.t!)) o.t = BOOL;
      e.t = BOOL;
      return;
    }
    if (op === '<<' || op === '>>') return this.shift(e);
    if (COMPARE.has(op)) {
      this.comparable(x, y, op, e.opPos, e);
      if (x.cv !== undefined && y.cv !== undefined) {
        e.t = UNTYPED_BOOL;
        e.cv = compareConst(op, x.cv, y.cv);
      } else {
        e.t = BOOL;
      }
      return;
    }
    if (!ARITH.has(op)) unsupported(e.opPos, `operator ${op}`);
    this.matchTypes(e, x, y);
    const t = x.t!;
    if (t.k === 'untyped' && t.base === 'string' && op === '+') {
      e.t = t;
      if (x.cv !== undefined && y.cv !== undefined) e.cv = concat(x.cv as Uint8Array, y.cv as Uint8Array);
      return;
    }
    if (t.k !== 'int' && !(t.k === 'untyped' && t.base === 'int')) {
      fail(x.pos, `invalid operation: operator ${op} not defined on ${this.describe(x)}`);
    }
    if ((op === '/' || op === '%') && y.cv !== undefined && y.cv === 0n) fail(y.pos, 'invalid operation: division by zero');
    e.t = t;
    if (x.cv !== undefined && y.cv !== undefined) {
      e.cv = arith(op, x.cv as bigint, y.cv as bigint);
      this.checkTypedConst(e);
    }
  }

  private shift(e: Extract<Expr, { kind: 'binary' }>): void {
    const { x, y, op } = e;
    const yt = y.t!;
    if (yt.k === 'untyped' && yt.base !== 'int') fail(y.pos, `cannot convert ${this.describe(y)} to uint`);
    if (yt.k !== 'int' && !(yt.k === 'untyped' && yt.base === 'int')) fail(y.pos, `invalid operation: shift count ${this.describe(y)} must be integer`);
    if (y.cv !== undefined) {
      const c = y.cv as bigint;
      if (c < 0n) fail(y.pos, `invalid operation: negative shift count ${y.text}`);
      if (isUntyped(yt)) this.convertUntyped(y, INT, 'shift');
    }
    const xt = x.t!;
    if (xt.k !== 'int' && !(xt.k === 'untyped' && xt.base === 'int')) fail(x.pos, `invalid operation: shift of ${this.describe(x)}`);
    if (x.cv !== undefined && y.cv !== undefined) {
      const c = y.cv as bigint;
      if (c > 10000n) fail(y.pos, `invalid shift count ${y.text}`);
      e.t = xt;
      e.cv = op === '<<' ? (x.cv as bigint) << c : (x.cv as bigint) >> c;
      this.checkTypedConst(e);
      return;
    }
    // A non-constant shift of an untyped constant: the constant becomes an int.
    if (isUntyped(xt)) this.convertUntyped(x, INT, 'shift');
    e.t = INT;
  }

  /** Operands of == != < <= > >= ; converts untyped operands. */
  private comparable(x: Expr, y: Expr, op: string, at: Pos, whole?: Expr): void {
    const text = whole?.text ?? `${x.text} ${op} ${y.text}`;
    const xt = x.t!;
    const yt = y.t!;
    if (xt.k === 'untyped' && xt.base === 'nil' && yt.k === 'untyped' && yt.base === 'nil') fail(at, `invalid operation: ${text} (operator ${op} not defined on nil)`);
    const nilSide = (xt.k === 'untyped' && xt.base === 'nil') || (yt.k === 'untyped' && yt.base === 'nil');
    this.matchTypes({ text, pos: whole?.pos ?? x.pos }, x, y);
    const t = x.t!.k === 'untyped' && x.t!.base === 'nil' ? y.t! : x.t!;
    const ordered = op !== '==' && op !== '!=';
    if (ordered && !(t.k === 'int' || (t.k === 'untyped' && t.base !== 'bool' && t.base !== 'nil'))) {
      fail(whole?.pos ?? x.pos, `invalid operation: ${text} (operator ${op} not defined on ${this.describe(x)})`);
    }
    if (t.k === 'func' && !nilSide) fail(at, `invalid operation: ${text} (func can only be compared to nil)`);
    if (t.k === 'struct0') unsupported(at, 'comparing struct{} values');
    if (t.k === 'untyped' && t.base === 'string') unsupported(at, 'comparing strings');
  }

  /**
   * Give both operands of a binary operation the same type: an untyped
   * operand takes the other's type; two typed operands must be identical.
   */
  private matchTypes(e: { text: string; pos: Pos }, x: Expr, y: Expr): void {
    const xt = x.t!;
    const yt = y.t!;
    const mismatch = (at: Pos) => fail(at, `invalid operation: ${e.text} (mismatched types ${typeString(xt)} and ${typeString(yt)})`);
    if (isUntyped(xt) && isUntyped(yt)) {
      if (xt.base !== yt.base) mismatch(e.pos);
      return;
    }
    if (isUntyped(xt)) {
      if (!this.untypedFits(xt, yt)) mismatch(x.pos);
      this.convertUntyped(x, yt, 'operation');
      return;
    }
    if (isUntyped(yt)) {
      if (!this.untypedFits(yt, xt)) mismatch(y.pos);
      this.convertUntyped(y, xt, 'operation');
      return;
    }
    if (!identical(xt, yt)) {
      // a bidirectional channel compares with a directional one of the same element
      if (xt.k === 'chan' && yt.k === 'chan' && identical(xt.elem, yt.elem) && (xt.dir === 'both' || yt.dir === 'both')) return;
      mismatch(e.pos);
    }
  }

  private untypedFits(u: Extract<Type, { k: 'untyped' }>, t: Type): boolean {
    switch (u.base) {
      case 'int':
        return t.k === 'int';
      case 'bool':
        return t.k === 'bool';
      case 'nil':
        return t.k === 'chan' || t.k === 'func';
      case 'string':
        return false;
    }
  }

  /** Give an untyped expression the type `target` (checks that its constant fits). */
  private convertUntyped(e: Expr, target: Type, ctx: string): void {
    const t = e.t!;
    if (t.k !== 'untyped') return;
    if (t.base === 'string') this.noStrings(e);
    if (!this.untypedFits(t, target)) {
      if (t.base === 'nil') fail(e.pos, `cannot use nil as ${typeString(target)} value in ${ctx}`);
      fail(e.pos, `cannot use ${e.text} (${this.describeMode(e)}) as ${typeString(target)} value in ${ctx}`);
    }
    if (target.k === 'int' && typeof e.cv === 'bigint' && !fitsInt(e.cv, this.W)) {
      // as types2 words it: an assignment-like context says where, an operand of an operation only that it overflows;
      // the constant's value is shown unless the expression is written as that value
      if (ctx === 'operation') fail(e.pos, `${e.text} (${this.describeMode(e)}) overflows int`);
      fail(e.pos, `cannot use ${e.text} (${this.describeMode(e)}) as int value in ${ctx} (overflows)`);
    }
    this.setType(e, target);
  }

  private setType(e: Expr, t: Type): void {
    e.t = t;
    if (e.kind === 'paren') this.setType(e.x, t);
  }

  private noStrings(e: Expr): never {
    unsupported(e.pos, 'string values (string literals and constants can only be printed with print/println)');
  }

  private assignableType(from: Type, to: Type): boolean {
    if (identical(from, to)) return true;
    if (from.k === 'chan' && to.k === 'chan' && from.dir === 'both' && identical(from.elem, to.elem)) return true;
    if (from.k === 'untyped') return this.untypedFits(from, to);
    return false;
  }

  /** e (already checked, single value) must be assignable to `to`. */
  private assignable(e: Expr, to: Type, ctx: string): void {
    const t = e.t!;
    if (isUntyped(t)) return this.convertUntyped(e, to, ctx);
    if (!this.assignableType(t, to)) fail(e.pos, `cannot use ${e.text} (${this.describeMode(e)}) as type ${typeString(to)} in ${ctx}`);
  }

  // ---- calls ---------------------------------------------------------------------------------

  private call(e: CallExpr): void {
    const fn = unparen(e.fn);
    this.expr(fn);
    if (fn !== e.fn) Object.assign(e.fn, { t: fn.t, mode: fn.mode, builtin: fn.builtin });
    if (fn.mode === 'type') return this.conversion(e, fn.t!);
    if (fn.mode === 'builtin') return this.builtinCall(e, fn.builtin!);
    const ft = this.singleValue(fn);
    if (ft.k !== 'func') fail(e.pos, `invalid operation: cannot call non-function ${this.describe(fn)}`);
    this.args(e, ft, fn.text);
    this.callResult(e, ft);
  }

  private callResult(e: CallExpr, ft: FuncType): void {
    if (ft.results.length === 0) {
      e.mode = 'novalue';
      e.t = undefined;
    } else {
      e.mode = 'value';
      e.t = ft.results.length === 1 ? ft.results[0]! : { k: 'tuple', types: ft.results };
    }
  }

  private args(e: CallExpr, ft: FuncType, name: string): void {
    const want = ft.params;
    const typeString = haveString;
    const wantS = `(${want.map(typeString).join(', ')})`;
    if (e.args.length === 1 && want.length > 1) {
      const t = this.exprMulti(e.args[0]!);
      if (t && t.k === 'tuple') {
        if (t.types.length !== want.length) fail(e.args[0]!.pos, `${t.types.length < want.length ? 'not enough' : 'too many'} arguments in call to ${name} (have ${typeString(t)}, want ${wantS})`);
        t.types.forEach((at, i) => {
          if (!this.assignableType(at, want[i]!)) fail(e.args[0]!.pos, `cannot use ${e.args[0]!.text} (value of type ${typeString(at)}) as ${typeString(want[i])} value in argument to ${name}`);
        });
        return;
      }
      if (t) return fail(e.args[0]!.pos, `not enough arguments in call to ${name} (have (${typeString(t)}), want ${wantS})`);
    }
    const have = e.args.map((a) => this.value(a));
    if (have.length !== want.length) {
      const haveS = `(${have.map(typeString).join(', ')})`;
      if (have.length < want.length) fail(e.args.length ? e.args[e.args.length - 1]!.pos : e.pos, `not enough arguments in call to ${name} (have ${haveS}, want ${wantS})`);
      fail(e.args[want.length]!.pos, `too many arguments in call to ${name} (have ${haveS}, want ${wantS})`);
    }
    e.args.forEach((a, i) => this.assignable(a, want[i]!, `argument to ${name}`));
  }

  private conversion(e: CallExpr, t: Type): void {
    if (e.args.length !== 1) fail(e.args.length ? e.args[1]!.pos : e.rparen, `${e.args.length ? 'too many' : 'missing'} arguments in conversion to ${typeString(t)}`);
    const a = e.args[0]!;
    const at = this.value(a);
    e.mode = 'value';
    e.t = t;
    if (isUntyped(at)) {
      if (!this.untypedFits(at, t)) fail(a.pos, `cannot convert ${this.describe(a)} to type ${typeString(t)}`);
      this.convertUntyped(a, t, 'conversion');
      if (a.cv !== undefined) e.cv = a.cv;
      return;
    }
    if (!this.assignableType(at, t) && !(at.k === 'chan' && t.k === 'chan' && identical(at.elem, t.elem))) {
      fail(a.pos, `cannot convert ${this.describe(a)} to type ${typeString(t)}`);
    }
    if (a.cv !== undefined) e.cv = a.cv;
  }

  private builtinCall(e: CallExpr, name: string): void {
    const nargs = (n: number, max = n) => {
      if (e.args.length < n) fail(e.rparen, `not enough arguments for ${e.text} (expected ${n}, found ${e.args.length})`);
      if (e.args.length > max) fail(e.args[max]!.pos, `too many arguments for ${e.text} (expected ${max}, found ${e.args.length})`);
    };
    e.mode = 'value';
    switch (name) {
      case 'print':
      case 'println':
        for (const a of e.args) {
          this.expr(a);
          if (e.args.length === 1 && a.mode !== 'novalue' && a.t?.k === 'tuple') {
            // println(f()) with a multi-value f prints every result, as gc accepts it
            for (const x of a.t.types) if (x.k !== 'int' && x.k !== 'bool') unsupported(a.pos, `printing values of type ${typeString(x)} (print/println take ints, bools and string constants)`);
            continue;
          }
          const t = this.singleValue(a);
          if (t.k === 'untyped') {
            if (t.base === 'nil') fail(a.pos, 'use of untyped nil in argument to built-in print');
            if (t.base !== 'string') this.convertUntyped(a, defaultType(t), `argument to ${name}`);
          } else if (t.k !== 'int' && t.k !== 'bool') {
            unsupported(a.pos, `printing values of type ${typeString(t)} (print/println take ints, bools and string constants)`);
          }
        }
        e.mode = 'novalue';
        e.t = undefined;
        return;
      case 'len':
      case 'cap': {
        nargs(1);
        const a = e.args[0]!;
        const t = this.value(a);
        e.t = INT;
        if (name === 'len' && t.k === 'untyped' && t.base === 'string') {
          e.cv = BigInt((a.cv as Uint8Array).length);
          e.t = UNTYPED_INT;
          return;
        }
        if (t.k !== 'chan') fail(a.pos, `invalid argument: ${this.describe(a)} for ${name}`);
        return;
      }
      case 'close': {
        nargs(1);
        const a = e.args[0]!;
        const t = this.value(a);
        if (t.k !== 'chan') fail(a.pos, `invalid operation: non-chan argument ${this.describe(a)} to close`);
        if (t.dir === 'recv') fail(a.pos, `invalid operation: cannot close receive-only channel ${this.describe(a)}`);
        e.mode = 'novalue';
        e.t = undefined;
        return;
      }
      case 'make': {
        if (e.args.length === 0) fail(e.rparen, 'not enough arguments for make() (expected 1, found 0)');
        const te = e.args[0]!;
        this.expr(te);
        if (te.mode !== 'type') fail(te.pos, `${te.text} is not a type`);
        const t = te.t!;
        if (t.k !== 'chan') unsupported(te.pos, `make(${typeString(t)}) (only channels can be made)`);
        nargs(1, 2);
        if (e.args.length === 2) {
          const n = e.args[1]!;
          const nt = this.value(n);
          if (nt.k !== 'int' && !(nt.k === 'untyped' && nt.base === 'int')) fail(n.pos, `cannot convert ${this.describe(n)} to int`);
          if (n.cv !== undefined && (n.cv as bigint) < 0n) fail(n.pos, `invalid argument: index ${n.text} (constant of type int) must not be negative`);
          this.convertUntyped(n, INT, 'argument to make');
        }
        e.t = t;
        return;
      }
      default: {
        const ft = name.startsWith('runtime.') ? RUNTIME_FUNCS[name.slice(8)] : WG_METHODS[name.slice(3)];
        if (!ft) unsupported(e.pos, `builtin ${name}`);
        this.args(e, ft, name.startsWith('wg.') ? e.fn.text : name);
        this.callResult(e, ft);
      }
    }
  }

  // ---- terminating statements (Go spec) ---------------------------------------------------------

  private terminatingList(list: Stmt[]): boolean {
    const last = [...list].reverse().find((s) => s.kind !== 'empty');
    return !!last && this.terminating(last);
  }

  private terminating(s: Stmt): boolean {
    switch (s.kind) {
      case 'return':
        return true;
      case 'block':
        return this.terminatingList(s.body);
      case 'if':
        return s.else !== null && this.terminatingList(s.then.body) && this.terminating(s.else);
      case 'for':
        return s.cond === null && !this.wasBroken(s);
      case 'switch':
        return (
          !this.wasBroken(s) &&
          s.clauses.some((c) => c.values === null) &&
          s.clauses.every((c) => {
            const last = [...c.body].reverse().find((x) => x.kind !== 'empty');
            return !!last && (last.kind === 'fallthrough' || this.terminating(last));
          })
        );
      case 'labeled':
        return this.terminating(s.stmt);
      default:
        return false;
    }
  }

  private wasBroken(s: Breakable): boolean {
    return this.fn!.broken.has(s);
  }

  // ---- descriptions for messages ----------------------------------------------------------------

  /** `x (variable of type int)`, `1 (untyped int constant)`, ... as types2 words them. */
  private describe(e: Expr): string {
    return `${e.text} (${this.describeMode(e)})`;
  }

  private describeMode(e: Expr): string {
    const x = unparen(e);
    const t = e.t;
    if (e.mode === 'novalue') return 'no value';
    if (e.mode === 'type') return 'type';
    if (e.mode === 'builtin') return 'built-in';
    if (t && t.k === 'untyped' && t.base === 'nil') return 'untyped nil';
    if (e.cv !== undefined) {
      // types2 shows the value unless the expression, as printed, is that value
      const v = constString(e.cv);
      const same = e.text === v;
      if (t && isUntyped(t)) return same ? `${typeString(t)} constant` : `${typeString(t)} constant ${v}`;
      return same ? `constant of type ${typeString(t)}` : `constant ${v} of type ${typeString(t)}`;
    }
    if (x.kind === 'ident' && x.obj?.kind === 'var') return `variable of type ${typeString(t)}`;
    return `value of type ${typeString(t)}`;
  }
}

/** A type in a "have (...)" list: Go calls untyped numeric constants "number". */
function haveString(t: Type | undefined): string {
  if (t && t.k === 'untyped' && t.base === 'int') return 'number';
  return typeString(t);
}

// ---- constant arithmetic ----------------------------------------------------------------------

function arith(op: string, a: bigint, b: bigint): bigint {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b; // BigInt division truncates toward zero, as Go's does
    case '%':
      return a % b; // and the remainder has the sign of the dividend
    case '&':
      return a & b;
    case '|':
      return a | b;
    case '^':
      return a ^ b;
    case '&^':
      return a & ~b;
  }
  throw new Error(`arith: ${op}`);
}

function compareConst(op: string, a: ConstValue, b: ConstValue): boolean {
  if (typeof a === 'object' || typeof b === 'object') return false;
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
  throw new Error(`compare: ${op}`);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export type { ChanType };
