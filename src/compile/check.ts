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
// Errors in the program are reported and checking goes on, as types2 does
// (report(), stmt(), guard()): what a failed statement or declaration declares
// is invalid and its uses are skipped silently; the errors come out in
// types2's order (unused variables at the end of each function, unused
// imports last) and compile/errors.ts prints them as gc does.
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
  CompositeLit,
  TypeExpr,
  TypeSpec,
  TypeSwitchStmt,
  VarSpec,
} from './ast.ts';
import { typeText } from './parse.ts';
import { fail, GoErrors, InvalidByError, otherDeclaration, type Pos, PosError, reportedErrors, SkippedError, unsupported, UnsupportedError } from './errors.ts';
import {
  ANY,
  BOOL,
  BYTE,
  type ChanType,
  comparable,
  type ConstValue,
  constString,
  defaultType,
  ERROR,
  type Field,
  fitsInt,
  fitsIntType,
  type FuncType,
  identical,
  type IfaceType,
  type IMethod,
  INT,
  INT32,
  INT8,
  INT16,
  INT64,
  UINT,
  UINT16,
  UINT32,
  UINT64,
  UINTPTR,
  isBoolean,
  isInteger,
  isFloat,
  isNumeric,
  FLOAT64,
  UNTYPED_FLOAT,
  isMem,
  isString,
  isUntyped,
  lookupFieldOrMethod,
  type Method,
  missingMethod,
  methodSet,
  type NamedType,
  nilable,
  RUNE,
  type Selection,
  STRING,
  STRUCT0,
  type Type,
  typeString,
  UINT8,
  under,
  type UntypedType,
  UNTYPED_BOOL,
  UNTYPED_INT,
  UNTYPED_NIL,
  UNTYPED_RUNE,
  UNTYPED_STRING,
  SYNC_TYPES,
  type SyncName,
} from './types.ts';
import { unsupportedLibMethod } from './libmethods.ts';
import { PKG_FUNCS, PKG_TYPES, PKG_VARS, pkgConst, type PkgFunc } from './packages.ts';
import { checkSelect } from './select.ts';
import { TIME_CONSTS } from './timepkg.ts';
import { intBits, intSigned, isIntKind } from './ints.ts';
import { float64ToRat, isRat, Rat, ratToFloat64, toRat } from './floats.ts';

/** The integer types beyond int, uint8/byte and int32/rune. */
const INT_UNIVERSE: [string, Type][] = [['int8', INT8], ['int16', INT16], ['int64', INT64], ['uint', UINT], ['uint16', UINT16], ['uint32', UINT32], ['uint64', UINT64], ['uintptr', UINTPTR]];

const EMPTY_IFACE_T: Type = { k: 'iface', methods: [] };

/** the methods of sync's types (WaitGroup, Mutex, RWMutex, Once) */
const SYNC_METHOD_NAMES = ['Add', 'Done', 'Wait', 'Lock', 'Unlock', 'TryLock', 'RLock', 'RUnlock', 'TryRLock', 'RLocker', 'Do'];

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
  /** its address is taken (&x, a pointer method called on it, an array sliced): it lives in a heap cell */
  addrTaken?: boolean;
  /** link symbol of a package-level variable */
  global?: string;
  /** declared by a construct outside the subset: uses of it are skipped */
  invalid?: UnsupportedError;
}

export interface ConstObj {
  kind: 'const';
  name: string;
  pos: Pos;
  type: Type;
  value: ConstValue;
  invalid?: UnsupportedError;
}

export interface FuncObj {
  kind: 'func';
  name: string;
  pos: Pos;
  type: FuncType;
  symbol: string;
  /** null for a function declared outside the subset (see BadNode) */
  decl: FuncDecl | null;
  invalid?: UnsupportedError;
}

export interface PkgObj {
  kind: 'pkg';
  name: string;
  path: string;
  pos: Pos;
  /** the alias's position (import f "fmt") */
  namePos?: Pos;
  used: boolean;
  invalid?: UnsupportedError;
}

export type Obj =
  | VarObj
  | ConstObj
  | FuncObj
  | PkgObj
  | TypeObj
  | { kind: 'builtin'; name: string }
  | { kind: 'nil' }
  | { kind: 'iota' };

export interface TypeObj {
  kind: 'type';
  name: string;
  /** null: a predeclared type outside the subset */
  type: Type | null;
  /** a package-level declaration not yet resolved */
  spec?: TypeSpec;
  state?: 'todo' | 'resolving' | 'done';
  invalid?: UnsupportedError;
}

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
  /** a method: the receiver is parameter 0 (of the named type or a pointer to it) */
  recv?: { named: NamedType; ptr: boolean };
}

export interface VarInit {
  /** null for blank (_) names */
  vars: (VarObj | null)[];
  values: Expr[];
  pos: Pos;
}

export interface CheckedProgram {
  file: SourceFile;
  /** every declared function and method except init functions, in source order */
  funcs: FuncInfo[];
  /** every named type of the program (package-level and local), for method tables */
  namedTypes: NamedType[];
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

const BUILTINS = ['print', 'println', 'len', 'cap', 'close', 'make', 'append', 'copy', 'delete', 'new', 'panic', 'recover'];
const UNSUPPORTED_BUILTINS = ['complex', 'real', 'imag', 'min', 'max', 'clear'];
const UNSUPPORTED_TYPES = ['float32', 'complex64', 'complex128', 'comparable'];
/** The packages a program may import. */
const PACKAGES = ['runtime', 'sync', 'sync/atomic', 'fmt', 'errors', 'strconv', 'time', 'strings', 'sort', 'io', 'os', 'math', 'syscall'];
/** go1.19's standard library (`go list std` without internal and vendor packages): other imports are Go's error. */
const STD_PACKAGES = new Set(
  (
    'archive/tar archive/zip bufio bytes compress/bzip2 compress/flate compress/gzip compress/lzw compress/zlib container/heap container/list container/ring context ' +
    'crypto crypto/aes crypto/cipher crypto/des crypto/dsa crypto/ecdsa crypto/ed25519 crypto/elliptic crypto/hmac crypto/md5 crypto/rand crypto/rc4 crypto/rsa crypto/sha1 ' +
    'crypto/sha256 crypto/sha512 crypto/subtle crypto/tls crypto/x509 crypto/x509/pkix database/sql database/sql/driver debug/buildinfo debug/dwarf debug/elf debug/gosym ' +
    'debug/macho debug/pe debug/plan9obj embed encoding encoding/ascii85 encoding/asn1 encoding/base32 encoding/base64 encoding/binary encoding/csv encoding/gob encoding/hex ' +
    'encoding/json encoding/pem encoding/xml errors expvar flag fmt go/ast go/build go/build/constraint go/constant go/doc go/doc/comment go/format go/importer go/parser ' +
    'go/printer go/scanner go/token go/types hash hash/adler32 hash/crc32 hash/crc64 hash/fnv hash/maphash html html/template image image/color image/color/palette ' +
    'image/draw image/gif image/jpeg image/png index/suffixarray io io/fs io/ioutil log log/syslog math math/big math/bits math/cmplx math/rand mime mime/multipart ' +
    'mime/quotedprintable net net/http net/http/cgi net/http/cookiejar net/http/fcgi net/http/httptest net/http/httptrace net/http/httputil net/http/pprof net/mail ' +
    'net/netip net/rpc net/rpc/jsonrpc net/smtp net/textproto net/url os os/exec os/signal os/user path path/filepath plugin reflect regexp regexp/syntax runtime ' +
    'runtime/cgo runtime/debug runtime/metrics runtime/pprof runtime/race runtime/trace sort strconv strings sync sync/atomic syscall testing testing/fstest ' +
    'testing/iotest testing/quick text/scanner text/tabwriter text/template text/template/parse time time/tzdata unicode unicode/utf16 unicode/utf8 unsafe'
  ).split(' '),
);

/** The Go signatures of the entries in src/abi that programs call by name, by name. */
function goFuncTypes(entries: readonly { go: GoSignature }[]): Readonly<Record<string, FuncType>> {
  const goType = (t: GoType): Type => (t === 'int' ? INT : BOOL);
  const byName: Record<string, FuncType> = Object.create(null); // no inherited names (runtime.constructor)
  for (const { go } of entries) byName[go.name] = { k: 'func', params: go.params.map((p) => goType(p.type)), results: go.results.map(goType) };
  return byName;
}

/** runtime.F a program may call (the list in src/abi) */
const RUNTIME_FUNCS = goFuncTypes(goEntries('runtime'));
/** the methods of sync.WaitGroup and sync.Mutex (the list in src/abi) and sync.Once (once.ts) */
const SYNC_METHODS: Readonly<Record<SyncName, Readonly<Record<string, FuncType>>>> = {
  WaitGroup: goFuncTypes(goEntries('sync', 'WaitGroup')),
  Mutex: goFuncTypes(goEntries('sync', 'Mutex')),
  RWMutex: goFuncTypes(goEntries('sync', 'RWMutex')),
  Once: { Do: { k: 'func', params: [{ k: 'func', params: [], results: [] }], results: [] } },
};
/** "Add, Done and Wait" */
const methodList = (n: SyncName) => Object.keys(SYNC_METHODS[n]).join(', ').replace(/, ([^,]*)$/, ' and $1');

/** Builtins whose result must be used (they cannot be go/defer'ed or be statements). */
const VALUE_BUILTINS = new Set(['len', 'cap', 'make', 'append', 'new']);

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
  const c = new Checker(file, opts);
  try {
    return c.run();
  } catch (e) {
    // an error that stops checking (a package-level one): with those reported before it
    if (e instanceof PosError && !(e instanceof GoErrors) && !(e instanceof UnsupportedError) && c.reported.length > 0) throw new GoErrors([...c.reported, e]);
    throw e;
  }
}

class Checker {
  private readonly universe = new Scope(null);
  private readonly pkgScope: Scope;
  /** the program's errors, in the order types2 reports them */
  private readonly soft: PosError[] = [];
  get reported(): readonly PosError[] {
    return this.soft;
  }
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
    const types: [string, Type][] = [['int', INT], ['bool', BOOL], ['string', STRING], ['uint8', UINT8], ['byte', BYTE], ['int32', INT32], ['rune', RUNE], ['error', ERROR], ['any', ANY], ['float64', FLOAT64], ...INT_UNIVERSE];
    for (const [name, type] of types) u.names.set(name, { kind: 'type', name, type });
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
    const fileScope = new Scope(this.universe);
    const pkgs: PkgObj[] = [];
    for (const imp of f.imports) {
      if (!STD_PACKAGES.has(imp.path)) fail(imp.pos, `package ${imp.path} is not in GOROOT (/usr/lib/go-1.19/src/${imp.path})`);
      const name = imp.name ?? imp.path.slice(imp.path.lastIndexOf('/') + 1);
      const p: PkgObj = { kind: 'pkg', name, path: imp.path, pos: imp.pos, namePos: imp.namePos, used: false };
      if (fileScope.names.has(name)) {
        // reported, and left out of scope: so it is also never used
        const prev = fileScope.names.get(name) as PkgObj;
        this.report(new PosError(imp.namePos ?? imp.pos, `${name} redeclared in this block`, otherDeclaration(prev.namePos ?? prev.pos, name)));
        pkgs.push(p);
        continue;
      }
      // a package outside the subset is recorded (reported only if Go finds no error) and its uses are skipped
      if (!PACKAGES.includes(imp.path)) this.guard(() => unsupported(imp.pos, `import "${imp.path}" (supported: ${PACKAGES.map((x) => `"${x}"`).join(', ')})`), [p]);
      else if (name === '_' || name === '.') this.guard(() => unsupported(imp.namePos!, name === '_' ? 'blank imports' : 'dot imports'), [p]);
      fileScope.names.set(name, p);
      pkgs.push(p);
    }
    // Package scope: functions, variables and constants, in any order.
    (this.pkgScope as { parent: Scope | null }).parent = fileScope;
    this.scope = this.pkgScope;
    const funcObjs: FuncObj[] = [];
    const initDecls: FuncDecl[] = [];
    const declare = (name: string, p: Pos, o: Obj) => {
      if (name === '_') return;
      // (reported; the first declaration keeps the name)
      const prev = this.pkgScope.names.get(name);
      if (prev) return void this.report(new PosError(p, `${name} redeclared in this block`, otherDeclaration(objPos(prev) ?? p, name)));
      const imp = fileScope.names.get(name) as PkgObj | undefined;
      if (imp) return void this.report(new PosError(p, `${name} already declared through import of package ${imp.path.slice(imp.path.lastIndexOf('/') + 1)} ("${imp.path}")`, otherDeclaration(imp.namePos ?? imp.pos, name)));
      this.pkgScope.names.set(name, o);
    };
    const methodDecls: FuncDecl[] = [];
    const EMPTY_SIG: FuncType = { k: 'func', params: [], results: [] };
    for (const d of f.decls) {
      if (d.kind === 'bad') {
        this.unsupportedErrors.push(d.err);
        for (const x of d.declares) {
          const o: Obj =
            x.what === 'func'
              ? { kind: 'func', name: x.name, pos: x.pos, type: EMPTY_SIG, symbol: `main.${x.name}`, decl: null, invalid: d.err }
              : x.what === 'type'
                ? { kind: 'type', name: x.name, type: null, invalid: d.err }
                : x.what === 'const'
                  ? { kind: 'const', name: x.name, pos: x.pos, type: UNTYPED_INT, value: 0n, invalid: d.err }
                  : { kind: 'var', name: x.name, pos: x.pos, type: INT, owner: null, used: true, captured: false, isParam: false, invalid: d.err };
          declare(x.name, x.pos, o);
          if (x.name === 'main' && o.kind === 'func') funcObjs.push(o);
        }
        for (const name of d.idents) {
          const o = fileScope.names.get(name);
          if (o && o.kind === 'pkg') o.used = true;
        }
        continue;
      }
      if (d.kind === 'func') {
        const fd = d.decl;
        if (fd.recv) {
          methodDecls.push(fd);
          continue;
        }
        if (fd.name === 'init') {
          if (fd.sig.params.length || fd.sig.results.length) fail(fd.namePos, 'func init must have no arguments and no return values');
          initDecls.push(fd);
          continue;
        }
        if (fd.name === 'main' && (fd.sig.params.length || fd.sig.results.length)) fail(fd.namePos, 'func main must have no arguments and no return values');
        const o: FuncObj = { kind: 'func', name: fd.name, pos: fd.namePos, type: EMPTY_SIG, symbol: `main.${fd.name}`, decl: fd };
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
      } else if (d.kind === 'type') {
        const sp = d.spec;
        const o: TypeObj = { kind: 'type', name: sp.name, type: null, spec: sp, state: 'todo' };
        if (!sp.alias) o.type = this.newNamed(sp.name, undefined);
        declare(sp.name, sp.namePos, o);
      } else {
        d.spec.names.forEach((n, i) => {
          const c: ConstObj = { kind: 'const', name: n.name, pos: n.pos, type: UNTYPED_INT, value: 0n };
          n.obj = c;
          declare(n.name, n.pos, c);
          this.lazyConsts.set(c, { spec: d.spec, index: i, state: 'todo' });
        });
      }
    }

    // Types, then methods (they may refer to each other), then function signatures.
    // (A construct outside the subset in one of them makes that object invalid, and checking goes on.)
    for (const d of f.decls) {
      if (d.kind !== 'type') continue;
      const o = this.pkgScope.names.get(d.spec.name);
      // (a name declared twice, or already an imported package's, is reported by declare: no TypeObj of this spec)
      if (o?.kind !== 'type' || o.spec !== d.spec) continue;
      if (this.guard(() => this.resolveTypeObj(o), [o])) this.checkRecursive(d.spec);
    }
    const methods: ReturnType<Checker['declareMethod']>[] = [];
    // (a method whose declaration fails leaves its type without it: what uses the type is skipped,
    // not reported as missing the method)
    for (const fd of methodDecls) {
      const recv = this.pkgScope.names.get(fd.recv!.typeName);
      const n = this.soft.length;
      this.guard(() => methods.push(this.declareMethod(fd)), []);
      if (this.soft.length > n && recv && recv.kind === 'type' && recv.type?.k === 'named') recv.invalid ??= new InvalidByError(fd.recv!.typePos, 'method declaration failed');
    }
    for (const o of funcObjs) if (o.decl && !o.invalid) this.guard(() => (o.type = this.signature(o.decl!.sig)), [o]);

    // Constants and variable initializers (package-level code runs in main.init).
    for (const c of this.lazyConsts.keys()) this.guard(() => this.resolveConst(c), [c]);
    for (const d of f.decls) if (d.kind === 'var') this.guard(() => this.resolveVarSpec(d.spec), this.specVars.get(d.spec)!.filter((v): v is VarObj => !!v));

    // Function and method bodies, in source order.
    // (types2 checks them in source order; an error in one does not stop the others)
    const funcs: FuncInfo[] = [];
    const initFuncs: FuncInfo[] = [];
    const bodies: { pos: Pos; run: () => void }[] = [];
    for (const o of funcObjs) {
      if (o.invalid || !o.decl) continue;
      const sink: RefSink = new Set();
      this.funcRefs.set(o, sink);
      bodies.push({ pos: o.decl.pos, run: () => funcs.push(this.funcBody(o.decl!, o.type, o.symbol, sink)) });
    }
    for (const m of methods) {
      const sink: RefSink = new Set();
      bodies.push({ pos: m.decl.pos, run: () => funcs.push(this.funcBody(m.decl, m.codeType, m.method.symbol, sink, { named: m.named, ptr: m.method.ptrRecv })) });
    }
    initDecls.forEach((fd, i) => bodies.push({ pos: fd.pos, run: () => (initFuncs[i] = this.funcBody(fd, { k: 'func', params: [], results: [] }, `main.init.${i}`, new Set())) }));
    bodies.sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col);
    for (const b of bodies) this.guard(b.run, []);
    funcs.sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col);

    for (const p of pkgs) {
      if (p.used || p.name === '_') continue;
      const aliased = p.name !== p.path.slice(p.path.lastIndexOf('/') + 1);
      this.soft.push(new PosError(aliased ? p.namePos! : p.pos, aliased ? `imported and not used: "${p.path}" as ${p.name}` : `imported and not used: "${p.path}"`));
    }
    // (the go command's and gc's own checks, once type checking found nothing)
    if (this.soft.length === 0 && f.pkg !== 'main') fail(f.pkgPos, `package ${f.pkg} is not a main package`);
    if (this.soft.length === 0 && !funcObjs.some((o) => o.name === 'main')) fail({ line: 1, col: 1 }, 'function main is undeclared in the main package');
    this.reportSoft();
    return { file: f, funcs, namedTypes: this.namedTypes, initFuncs, globals: this.globals, varInits: this.initOrder(), initInfo: this.initInfo };
  }

  private reportSoft(): void {
    const byPos = (a: PosError, b: PosError) => a.pos.line - b.pos.line || a.pos.col - b.pos.col;
    // every error, in the order types2 reports them (gc sorts and caps them: errors.ts gcErrorLines)
    if (this.soft.length > 0) throw new GoErrors(this.soft);
    // no error Go would report: the first construct outside the subset
    if (this.unsupportedErrors.length > 0) throw [...this.unsupportedErrors].sort(byPos)[0]!;
  }

  /** Run a package-level step; a construct outside the subset marks `o` invalid instead of stopping. */
  private guard(f: () => void, o: { invalid?: UnsupportedError }[]): boolean {
    const saved = { scope: this.scope, fn: this.fn, iota: this.iota, refSink: this.refSink, locals: this.locals };
    try {
      f();
      return true;
    } catch (e) {
      if (!(e instanceof PosError)) throw e;
      Object.assign(this, saved);
      // a Go error is reported (and checking goes on); an unsupported construct waits
      const inv = e instanceof UnsupportedError ? e : this.report(e);
      if (!(inv instanceof SkippedError)) this.unsupportedErrors.push(inv);
      for (const x of o) x.invalid = inv;
      return false;
    }
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
    let r;
    try {
      r = this.constValue(st.spec, st.index);
    } catch (e) {
      st.state = 'done';
      throw this.invalidate(e, [c]);
    } finally {
      Object.assign(this, { fn: saved.fn, iota: saved.iota, refSink: saved.sink, scope: saved.scope });
    }
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
    const vars = this.specVars.get(spec)!;
    try {
      const types = this.varSpecTypes(spec);
      vars.forEach((v, i) => {
        if (v) v.type = types[i]!;
      });
      this.checkUnused();
    } catch (e) {
      throw this.invalidate(e, vars.filter((v): v is VarObj => !!v));
    } finally {
      Object.assign(this, { fn: saved.fn, iota: saved.iota, refSink: saved.sink, locals: saved.locals, scope: saved.scope });
      this.specState.set(spec, 'done');
    }
  }

  /**
   * A package-level object whose declaration failed (resolved on first use,
   * maybe from another's): it is invalid from now on, its error reported once,
   * and what depends on it is skipped. Returns what to throw on.
   */
  private invalidate(e: unknown, objs: { invalid?: UnsupportedError }[]): unknown {
    if (!(e instanceof PosError)) return e;
    const inv = e instanceof UnsupportedError ? e : this.report(e);
    if (!(inv instanceof SkippedError)) this.unsupportedErrors.push(inv);
    for (const o of objs) o.invalid = inv;
    return inv instanceof InvalidByError ? new InvalidByError(inv.pos, inv.detail) : new SkippedError(inv.pos, inv.detail);
  }

  // ---- types -----------------------------------------------------------------------------

  private signature(sig: Signature): FuncType {
    const params = sig.params.map((p) => this.valueType(p.type));
    const results = sig.results.map((p) => this.valueType(p.type));
    if (sig.variadic) {
      params[params.length - 1] = { k: 'slice', elem: params[params.length - 1]! };
      return { k: 'func', params, results, variadic: true };
    }
    return { k: 'func', params, results };
  }

  // ---- named types and methods ------------------------------------------------------------

  private readonly namedTypes: NamedType[] = [];
  private localTypeCount = 0;
  /** where each method's name is declared (for "other declaration of M") */
  private readonly methodPos = new Map<Method, Pos>();
  /** method bodies -> their declarations (to find the receiver when checking the body) */
  private readonly methodBodies = new Map<Block, FuncDecl>();

  private newNamed(name: string, localId: number | undefined): NamedType {
    const t: NamedType = localId === undefined ? { k: 'named', name, pkg: 'main', under: STRUCT0, methods: [] } : { k: 'named', name, pkg: 'main', under: STRUCT0, methods: [], localId };
    this.namedTypes.push(t);
    return t;
  }

  /** Resolve a type declaration's type (package-level declarations are resolved on first use, in any order). */
  private resolveTypeObj(o: TypeObj): void {
    if (!o.spec || o.state === 'done') return;
    if (o.state === 'resolving') {
      if (o.spec.alias) fail(o.spec.namePos, `invalid recursive type alias ${o.name}`);
      return; // a named type may refer to itself (through pointers, slices, ...): its object exists already
    }
    o.state = 'resolving';
    const saved = this.scope;
    if (!this.fn) this.scope = this.pkgScope;
    try {
      this.resolveTypeSpec(o as TypeObj & { spec: TypeSpec });
    } catch (e) {
      throw this.invalidate(e, [o]);
    } finally {
      this.scope = saved;
      o.state = 'done';
    }
  }

  private resolveTypeSpec(o: TypeObj & { spec: TypeSpec }): void {
    {
      const t = this.typeOf(o.spec.type);
      if (o.spec.alias) o.type = t;
      else {
        const n = o.type as NamedType;
        n.under = under(t);
        if (t.k === 'named' && t.under === STRUCT0 && (this.pkgScope.names.get(t.name) as TypeObj | undefined)?.state === 'resolving') {
          fail(o.spec.namePos, `invalid recursive type ${o.name}`);
        }
      }
    }
  }

  /** A type that contains itself (not through a pointer, slice, map, chan or func): Go's "invalid recursive type". */
  private checkRecursive(spec: TypeSpec): void {
    const o = this.pkgScope.names.get(spec.name);
    if (o && o.kind === 'type' && o.type && o.type.k === 'named' && this.containsDirect(o.type)) fail(spec.namePos, `invalid recursive type ${spec.name}`);
  }

  private containsDirect(self: NamedType): boolean {
    const seen = new Set<Type>();
    const visit = (t: Type): boolean => {
      if (t === self) return true;
      if (seen.has(t)) return false;
      seen.add(t);
      const u = under(t);
      if (u.k === 'struct') return u.fields.some((f) => visit(f.type));
      if (u.k === 'array') return visit(u.elem);
      return false;
    };
    const u = self.under;
    if (u.k === 'struct') return u.fields.some((f) => visit(f.type));
    if (u.k === 'array') return visit(u.elem);
    return false;
  }

  /** Attach a method declaration to its receiver's named type. */
  private declareMethod(fd: FuncDecl): { decl: FuncDecl; named: NamedType; method: Method; codeType: FuncType } {
    const r = fd.recv!;
    const o = this.pkgScope.lookup(r.typeName);
    if (!o) fail(r.typePos, `undefined: ${r.typeName}`);
    skipIfInvalid(o);
    if (o.kind !== 'type') fail(r.typePos, `${r.typeName} is not a type`);
    if (!o.type) fail(r.typePos, `cannot define new methods on non-local type ${r.typeName}`);
    const named = o.type;
    if (named.k !== 'named' || named.pkg !== 'main') fail(r.typePos, `cannot define new methods on non-local type ${typeString(named)}`);
    if (named.under.k === 'ptr' || named.under.k === 'iface') fail(r.typePos, `invalid receiver type ${r.typeName} (pointer or interface type)`);
    const dup = fd.name !== '_' ? named.methods.find((m) => m.name === fd.name) : undefined;
    if (dup) throw new PosError(fd.namePos, `${r.typeName}.${fd.name} redeclared in this block`, otherDeclaration(this.methodPos.get(dup) ?? fd.namePos, fd.name));
    if (named.under.k === 'struct' && named.under.fields.some((f) => f.name === fd.name)) fail(fd.namePos, `field and method with the same name ${fd.name}`);
    const type = this.signature(fd.sig);
    const symbol = r.ptr ? `main.(*${named.name}).${fd.name}` : `main.${named.name}.${fd.name}`;
    const method: Method = { name: fd.name, ptrRecv: r.ptr, type, symbol, line: fd.pos.line };
    this.methodPos.set(method, fd.namePos);
    if (fd.name !== '_') named.methods.push(method);
    named.methods.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const recvType: Type = r.ptr ? { k: 'ptr', elem: named } : named;
    this.methodBodies.set(fd.body, fd);
    return { decl: fd, named, method, codeType: { ...type, params: [recvType, ...type.params] } };
  }

  /** A type usable for variables, parameters and results. */
  private valueType(te: TypeExpr): Type {
    const t = this.typeOf(te);
    if (t.k === 'sync') unsupported(te.pos, `passing or storing a ${typeString(t)} by value (declare it with var and call its methods)`);
    return t;
  }

  private typeOf(te: TypeExpr): Type {
    switch (te.kind) {
      case 'tname': {
        const o = this.lookup(te.name);
        if (!o) fail(te.pos, `undefined: ${te.name}`);
        skipIfInvalid(o);
        if (o.kind !== 'type') fail(te.pos, `${te.name}${o.kind === 'builtin' ? ' (built-in)' : ''} is not a type`);
        this.resolveTypeObj(o);
        if (!o.type) unsupported(te.pos, `type ${te.name}`);
        return o.type;
      }
      case 'tqual': {
        const o = this.lookup(te.pkg);
        if (!o) fail(te.pos, `undefined: ${te.pkg}`);
        if (o.kind === 'var' && te.text === `${te.pkg}.${te.name}`) {
          // x.f in a type's place, x a variable: types2 reports a missing field or method first
          o.used = true;
          skipIfInvalid(o);
          const has = o.type.k === 'sync' ? SYNC_METHOD_NAMES.includes(te.name) : lookupFieldOrMethod(o.type, te.name).kind !== 'none';
          if (!has) fail({ line: te.pos.line, col: te.pos.col + te.pkg.length + 1 }, `${te.text} undefined (type ${typeString(o.type)} has no field or method ${te.name})`);
        }
        if (o.kind !== 'pkg') fail(te.pos, `${te.text} is not a type`);
        o.used = true;
        skipIfInvalid(o);
        if (o.path === 'sync' && te.name in SYNC_TYPES) return SYNC_TYPES[te.name as SyncName];
        const t = PKG_TYPES[o.path]?.[te.name];
        if (t) return t;
        if (PKG_FUNCS[o.path]?.[te.name]) fail(te.pos, `${te.text} is not a type`);
        unsupported(te.pos, `type ${te.pkg}.${te.name}`);
      }
      // falls through (unreachable: unsupported throws)
      case 'tchan': {
        const elem = this.typeOf(te.elem);
        if (elem.k === 'sync') unsupported(te.elem.pos, `channels of ${typeString(elem)}`);
        return { k: 'chan', dir: te.dir, elem };
      }
      case 'tfunc':
        return this.signature(te.sig);
      case 'tslice':
        return { k: 'slice', elem: this.valueType(te.elem) };
      case 'tarray': {
        if (!te.len) fail(te.pos, 'invalid use of [...] array (outside a composite literal)');
        const n = this.arrayLength(te.len);
        return { k: 'array', elem: this.valueType(te.elem), len: n };
      }
      case 'tptr':
        return { k: 'ptr', elem: this.typeOf(te.elem) };
      case 'tmap': {
        const key = this.valueType(te.key);
        const elem = this.valueType(te.elem);
        if (!this.typeResolving(key) && !comparable(key)) fail(te.key.pos, `invalid map key type ${typeString(key)}`);
        return { k: 'map', key, elem };
      }
      case 'tstruct': {
        const fields: Field[] = [];
        const seen = new Map<string, Pos>();
        for (const fd of te.fields) {
          // a struct may hold a sync.WaitGroup (used through its address)
          const ft = this.typeOf(fd.type);
          const t = ft.k === 'sync' ? ft : this.valueType(fd.type);
          const add = (name: string, p: Pos, embedded: boolean) => {
            // (reported; the struct keeps the field, as types2's does)
            if (name !== '_' && seen.has(name)) this.report(new PosError(p, `${name} redeclared`, otherDeclaration(seen.get(name)!, name)));
            if (!seen.has(name)) seen.set(name, p);
            fields.push({ name, type: t, embedded });
          };
          if (fd.names) for (const n of fd.names) add(n.name, n.pos, false);
          else {
            // an embedded field is named after its type: T, *T, pkg.T
            let base = fd.type;
            if (base.kind === 'tptr') base = base.elem;
            if (base.kind !== 'tname' && base.kind !== 'tqual') fail(fd.type.pos, 'embedded field type must be a type name');
            if (t.k === 'ptr' && (under(t.elem).k === 'ptr' || under(t.elem).k === 'iface')) fail(fd.type.pos, 'embedded field type cannot be a pointer to an interface');
            add(base.name, fd.pos, true);
          }
        }
        return fields.length === 0 ? STRUCT0 : { k: 'struct', fields };
      }
      case 'tiface': {
        const methods: IMethod[] = [];
        const add = (m: IMethod, p: Pos) => {
          const prev = methods.find((x) => x.name === m.name);
          if (prev) {
            if (identical(prev.type, m.type)) return;
            fail(p, `duplicate method ${m.name}`);
          }
          methods.push(m);
        };
        for (const m of te.methods) add({ name: m.name, type: this.signature(m.sig) }, m.pos);
        for (const e of te.embeds) {
          const t = this.typeOf(e);
          const u = under(t);
          if (u.k !== 'iface') fail(e.pos, `cannot use ${typeString(t)} as interface: not an interface`);
          for (const m of u.methods) add(m, e.pos);
        }
        methods.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        return { k: 'iface', methods };
      }
    }
  }

  /** Is t a named type whose declaration is being resolved (its properties are not known yet)? */
  private typeResolving(t: Type): boolean {
    if (t.k !== 'named') return false;
    const o = this.pkgScope.names.get(t.name);
    return !!o && o.kind === 'type' && o.state === 'resolving';
  }

  /**
   * An untyped float constant with an integer value (1e3, 2.0) where Go wants
   * an integer (an array length, an index or size, a shift count) becomes an
   * untyped int, as types2 accepts it there (a representable constant).
   */
  private integralConst(e: Expr, truncatedTo?: 'int' | 'uint'): Type {
    const t = e.t!;
    if (t.k === 'untyped' && isRat(e.cv)) {
      // (an index, size or count with a fraction: types2's "truncated" error)
      if (!e.cv.isInt() && truncatedTo) fail(e.pos, `${e.text} (${this.describeMode(e)}) truncated to ${truncatedTo}`);
      if (e.cv.isInt()) {
        e.cv = e.cv.num;
        this.setType(e, UNTYPED_INT);
      }
    }
    return e.t!;
  }

  /** The constant length of an array type. */
  private arrayLength(e: Expr): number {
    this.value(e);
    const t = this.integralConst(e);
    if (e.cv === undefined) fail(e.pos, `array length ${e.text} (${this.describeMode(e)}) must be constant`);
    if (typeof e.cv !== 'bigint' || !(isInteger(t))) fail(e.pos, `array length ${e.text} (${this.describeMode(e)}) must be integer`);
    if (e.cv < 0n) fail(e.pos, `invalid array length ${e.text} (untyped int constant ${e.cv})`);
    if (e.cv > 1n << 28n) unsupported(e.pos, `arrays of ${e.cv} elements`);
    return Number(e.cv);
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

  private funcBody(fd: FuncDecl, type: FuncType, symbol: string, sink: RefSink, recv?: FuncInfo['recv']): FuncInfo {
    const info = this.newFuncInfo(symbol, null, type, fd.pos, fd.body, false);
    if (recv) info.recv = recv;
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
    const sigParams = [...sig.params];
    const decl = info.recv ? this.methodBodies.get(body) : undefined;
    if (decl?.recv) sigParams.unshift({ name: decl.recv.name, pos: decl.recv.pos, type: { kind: 'tname', name: decl.recv.typeName, pos: decl.recv.typePos, text: decl.recv.typeName } });
    info.params = sigParams.map((p, i) => {
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
    try {
      this.stmtList(body.body, scope);
      for (const [name, l] of this.fn.labels) if (!l.used) this.soft.push(new PosError(l.pos, `label ${name} defined and not used`));
      if (info.type.results.length > 0 && !this.terminatingList(body.body)) this.report(new PosError(body.end, 'missing return'));
    } finally {
      this.fn = savedFn;
      this.scope = savedScope;
      this.iota = savedIota;
    }
  }

  private declareLocal(scope: Scope, o: Obj & { name: string; pos: Pos }): void {
    if (o.name === '_') return;
    const prev = scope.names.get(o.name);
    if (prev) throw new PosError(o.pos, `${o.name} redeclared in this block`, otherDeclaration(objPos(prev) ?? o.pos, o.name));
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
      if (s.kind === 'fallthrough') {
        this.report(new PosError(s.pos, 'fallthrough statement out of place'));
        continue;
      }
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

  /**
   * Check a statement. A construct outside the subset (in it, or one it
   * depends on) does not stop checking: it is recorded, the statement is
   * skipped (the names it declares exist, invalid, and the names it mentions
   * count as used), and checking goes on, so that an error Go would report
   * anywhere in the program wins (see run()).
   */
  private stmt(s: Stmt): void {
    const saved = { scope: this.scope, fn: this.fn, iota: this.iota, refSink: this.refSink, breakables: this.fn?.breakables.length ?? 0, locals: this.locals.length };
    try {
      this.stmtChecked(s);
    } catch (e) {
      if (!(e instanceof PosError)) throw e;
      // variables it declared before it stopped (in its header, say) are not reported unused,
      // nor those := assigns to (types2's initVar marks a variable whose assignment failed used)
      for (const v of this.locals.slice(saved.locals)) v.used = true;
      if (s.kind === 'define') {
        for (const id of s.lhs) {
          const o = this.scope.names.get(id.name);
          if (o && o.kind === 'var') o.used = true;
        }
      }
      // the statement stopped part-way: back to where it started
      Object.assign(this, { scope: saved.scope, fn: saved.fn, iota: saved.iota, refSink: saved.refSink });
      if (this.fn) this.fn.breakables.length = saved.breakables;
      // labels are gc's parser's business: a branch in the statement uses its label whatever else fails
      for (const l of labelsIn(s)) {
        const lab = this.fn?.labels.get(l);
        if (lab) lab.used = true;
      }
      // a Go error is reported and checking goes on, as types2 does; what the
      // statement declares is invalid, so that its uses report nothing more
      // (types2's invalid operands; gogo-emu skips the statements using them)
      const skipped = e instanceof UnsupportedError ? e : this.report(e);
      if (!(e instanceof UnsupportedError) || e instanceof InvalidByError) this.reportUndefinedIn(s, e);
      this.skip(skipped, s.kind === 'bad' ? s.idents : usedIdentsIn(s), s.kind === 'bad' ? s.declares : declaredBy(s));
      (s as { skipped?: boolean }).skipped = true;
    }
  }

  /**
   * After an error in a simple statement, the other undefined names in its
   * expressions: types2 evaluates every operand, argument and element even
   * when another fails (check.use), so each gets its "undefined: x". Only
   * names in expression places are looked at (not the new names of :=, not
   * composite literal keys, not inside function literals or types).
   */
  private reportUndefinedIn(s: Stmt, first: PosError): void {
    if (!['expr', 'send', 'incdec', 'assign', 'define', 'var', 'const', 'return', 'go', 'defer'].includes(s.kind)) return;
    if (reportedErrors(first).length !== 1) return;
    const undefinedIn = (roots: unknown[]) => expressionIdents(roots).filter((id) => id.name !== '_' && !this.lookup(id.name));
    const at = (id: Ident) => new PosError(id.pos, `undefined: ${id.name}`);
    const same = (id: Ident) => id.pos.line === first.pos.line && id.pos.col === first.pos.col;
    if (s.kind === 'assign' && s.op === '=') {
      // types2 evaluates the right-hand side first (assignVars), then the left
      const lhs = undefinedIn(s.lhs);
      if (first.detail.startsWith('undefined: ') && lhs.some(same) && this.soft[this.soft.length - 1] === first) {
        this.soft.pop();
        for (const id of [...undefinedIn(s.rhs), ...lhs]) this.soft.push(same(id) ? first : at(id));
        return;
      }
    }
    const roots: unknown[] =
      s.kind === 'define' ? s.rhs : s.kind === 'var' || s.kind === 'const' ? s.specs.map((sp) => sp.values) : [s];
    for (const id of undefinedIn(roots)) if (!same(id)) this.soft.push(at(id));
  }

  /**
   * Check part of a statement (an if or for condition); when it fails, report
   * the error and go on with the rest of the statement, as types2 does (the
   * body is checked too). The names it mentions count as used.
   */
  private goOn(part: unknown, f: () => void): void {
    try {
      f();
    } catch (e) {
      if (!(e instanceof PosError)) throw e;
      if (e instanceof UnsupportedError) {
        if (!(e instanceof SkippedError)) this.unsupportedErrors.push(e);
      } else this.report(e);
      for (const name of identsIn(part)) {
        const o = this.lookup(name);
        if (o && (o.kind === 'var' || o.kind === 'pkg')) o.used = true;
      }
    }
  }

  /**
   * Report one of the program's errors (types2's Checker.err) and go on. The
   * error comes back as a SkippedError to mark what depends on it invalid.
   */
  private report(e: PosError): SkippedError {
    for (const x of reportedErrors(e)) this.soft.push(x);
    return new InvalidByError(e.pos, e.detail);
  }

  /** Record an unsupported construct, mark the names it mentions as used and declare what it declares (invalid). */
  private skip(e: UnsupportedError, idents: string[], declares: { name: string; pos: Pos; what: string }[]): void {
    if (!(e instanceof SkippedError)) this.unsupportedErrors.push(e);
    for (const name of idents) {
      const o = this.lookup(name);
      if (o && (o.kind === 'var' || o.kind === 'pkg')) o.used = true;
    }
    if (!this.fn) return;
    for (const d of declares) {
      if (this.scope.names.has(d.name)) continue;
      const v: VarObj = { kind: 'var', name: d.name, pos: d.pos, type: INT, owner: this.cur.info, used: true, captured: false, isParam: false, invalid: e };
      this.scope.names.set(d.name, v);
    }
  }

  private readonly unsupportedErrors: UnsupportedError[] = [];

  private stmtChecked(s: Stmt): void {
    switch (s.kind) {
      case 'bad':
        throw s.err;
      case 'empty':
        return;
      case 'expr':
        return this.exprStmt(s.x);
      case 'send':
        return this.sendStmt(s.ch, s.value);
      case 'incdec': {
        const v = this.lhs(s.x, true);
        if (v && !isNumeric(v.type)) fail(s.x.pos, `invalid operation: ${s.text.trim()} (non-numeric type ${typeString(v.type)})`);
        return;
      }
      case 'assign':
        return s.op === '=' ? this.assignStmt(s.lhs, s.rhs) : this.opAssign(s);
      case 'define':
        return this.defineStmt(s);
      case 'var':
        for (const spec of s.specs) {
          let types: Type[];
          let used = false;
          try {
            types = this.varSpecTypes(spec);
          } catch (e) {
            // `var x T = bad`: the error is reported and x is a T all the same, counted as
            // used (types2's initVar); only an error in T itself makes x invalid
            const declared = this.declaredTypeOrNull(spec);
            if (!(e instanceof PosError) || e instanceof UnsupportedError || !declared || spec.names.length !== spec.values.length) throw e;
            this.report(e);
            for (const name of identsIn(spec.values)) {
              const o = this.lookup(name);
              if (o && (o.kind === 'var' || o.kind === 'pkg')) o.used = true;
            }
            types = spec.names.map(() => declared);
            used = true;
          }
          spec.names.forEach((n, i) => {
            const v: VarObj = { kind: 'var', name: n.name, pos: n.pos, type: types[i]!, owner: this.cur.info, used, captured: false, isParam: false };
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
          if (s.cond) this.goOn(s.cond, () => this.condition(s.cond!, 'for'));
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
      case 'typeswitch':
        return this.withScope(() => this.typeSwitchStmt(s));
      case 'select':
        return checkSelect(
          {
            stmt: (st) => this.stmt(st),
            clause: (sel, f) => {
              this.cur.breakables.push(sel);
              try {
                this.withScope(f);
              } finally {
                this.cur.breakables.pop();
              }
            },
          },
          s,
        );
      case 'type':
        for (const spec of s.specs) {
          const o: TypeObj = { kind: 'type', name: spec.name, type: null, spec, state: 'todo' };
          if (!spec.alias) o.type = this.newNamed(spec.name, ++this.localTypeCount);
          if (spec.name !== '_') {
            const prev = this.scope.names.get(spec.name);
            if (prev) throw new PosError(spec.namePos, `${spec.name} redeclared in this block`, otherDeclaration(objPos(prev) ?? spec.namePos, spec.name));
            this.scope.names.set(spec.name, o);
          }
          this.resolveTypeObj(o);
          if (o.type?.k === 'named' && this.containsDirect(o.type)) fail(spec.namePos, `invalid recursive type ${spec.name}`);
        }
        return;
      case 'labeled': {
        const labels = this.cur.labels;
        if (labels.has(s.label)) fail(s.pos, `label ${s.label} already defined at ${labels.get(s.label)!.pos.line}:${labels.get(s.label)!.pos.col}`);
        labels.set(s.label, { pos: s.pos, used: false, stmt: s.stmt });
        if (s.stmt.kind === 'for' || s.stmt.kind === 'range' || s.stmt.kind === 'switch' || s.stmt.kind === 'typeswitch' || s.stmt.kind === 'select') s.stmt.label = s.label;
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
      this.goOn(s.cond, () => this.condition(s.cond, 'if'));
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
    const u = under(this.derefArray(t));
    let keyT: Type;
    let valT: Type | null = null;
    switch (u.k) {
      case 'chan':
        if (u.dir === 'send') fail(s.x.pos, `invalid operation: range ${s.x.text} receive from send-only channel`);
        if (s.value) fail(s.value.pos, `range over ${this.describe(s.x)} permits only one iteration variable`);
        keyT = u.elem;
        break;
      case 'slice':
      case 'array':
        keyT = INT;
        valT = u.elem;
        break;
      case 'string':
        keyT = INT;
        valT = RUNE;
        break;
      case 'untyped':
        if (u.base === 'string') {
          this.convertUntyped(s.x, STRING, 'range');
          keyT = INT;
          valT = RUNE;
          break;
        }
        return fail(s.x.pos, `cannot range over ${this.describe(s.x)}`);
      case 'map':
        keyT = u.key;
        valT = u.elem;
        break;
      default:
        fail(s.x.pos, `cannot range over ${this.describe(s.x)}`);
    }
    const bind = (e: Expr | null, vt: Type) => {
      if (!e) return;
      if (s.define) {
        const id = e as Ident;
        if (id.kind !== 'ident') fail(e.pos, `non-name ${e.text} on left side of :=`);
        if (id.name !== '_') {
          const v: VarObj = { kind: 'var', name: id.name, pos: id.pos, type: vt, owner: this.cur.info, used: false, captured: false, isParam: false };
          id.obj = v;
          this.declareLocal(this.scope, v);
        }
      } else {
        const v = this.lhs(e, false);
        if (v && !this.assignableType(vt, v.type)) fail(e.pos, `cannot assign ${typeString(vt)} to ${e.text} (variable of type ${typeString(v.type)}) in range`);
      }
    };
    bind(s.key, keyT);
    if (valT) bind(s.value, valT);
    this.loopBody(s, s.body);
  }

  private typeSwitchStmt(s: TypeSwitchStmt): void {
    if (s.init) this.stmt(s.init);
    const xt = this.value(s.x);
    if (under(xt).k !== 'iface') fail(s.x.pos, `${this.describe(s.x)} is not an interface`);
    const iface = under(xt) as IfaceType;
    let defaults = 0;
    const seen: { t: Type | null; pos: Pos }[] = [];
    const vars: VarObj[] = [];
    for (const c of s.clauses) {
      let single: Type | null = null;
      if (c.types === null) {
        if (++defaults > 1) fail(c.pos, 'multiple defaults in switch');
      } else {
        c.resolved = [];
        for (const te of c.types) {
          const t = te ? this.typeOf(te) : null;
          c.resolved.push(t);
          if (t && under(t).k !== 'iface') {
            const mm = missingMethod(t, iface);
            if (mm) fail(te!.pos, `impossible type switch case: ${this.describe(s.x)} cannot have dynamic type ${typeString(t)} (${mm.wrongType ? `wrong type for ${mm.name} method` : mm.ptrRecv ? `${mm.name} method has pointer receiver` : `missing ${mm.name} method`})`);
          }
          const dup = seen.find((x) => (x.t === null ? t === null : t !== null && identical(x.t, t)));
          if (dup) fail(te ? te.pos : c.pos, `duplicate case ${te ? typeString(t!) : 'nil'} in type switch`);
          seen.push({ t, pos: te ? te.pos : c.pos });
        }
        if (c.types.length === 1 && c.types[0] !== null) single = this.typeOf(c.types[0]!);
      }
      const f = this.cur;
      f.breakables.push(s);
      const saved = this.scope;
      this.scope = new Scope(saved);
      try {
        if (s.bind && s.bind.name !== '_') {
          const v: VarObj = { kind: 'var', name: s.bind.name, pos: s.bind.pos, type: single ?? xt, owner: f.info, used: false, captured: false, isParam: true };
          c.v = v;
          vars.push(v);
          this.scope.names.set(v.name, v);
        }
        for (const st of c.body) {
          if (st.kind === 'fallthrough') fail(st.pos, 'cannot fallthrough in type switch');
          this.stmt(st);
        }
      } finally {
        this.scope = saved;
        f.breakables.pop();
      }
    }
    if (s.bind && s.bind.name !== '_' && !vars.some((v) => v.used)) this.soft.push(new PosError(s.bind.pos, `${s.bind.name} declared but not used`));
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
        if (v && !this.assignableType(types[i]!, v.type)) fail(rhs[0]!.pos, `cannot use ${rhs[0]!.text} (value of type ${typeString(types[i])}) as type ${typeString(v.type)} in assignment`);
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
    const commaOk = (x.kind === 'unary' && x.op === '<-') || x.kind === 'assert' || x.kind === 'index';
    if (n === 2 && commaOk) {
      this.expr(x);
      if (x.kind !== 'index' || under(x.x.t!).k === 'map') {
        x.mode = 'commaok';
        if (e !== x) Object.assign(e, { mode: 'commaok', t: x.t });
        return [x.t!, BOOL];
      }
      this.singleValue(x);
      fail(e.pos, `assignment mismatch: ${n} variables but 1 value`);
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
    if (!v) fail(s.lhs[0]!.pos, 'cannot use _ as value or type');
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
    // the names first (types2's shortVarDecl): which are new, which are assigned
    let fresh = 0;
    const seen = new Set<string>();
    const existing: (VarObj | undefined)[] = [];
    s.fresh = s.lhs.map((id, i) => {
      if (id.name === '_') return false;
      if (seen.has(id.name)) fail(id.pos, `${id.name} repeated on left side of :=`);
      seen.add(id.name);
      const prev = this.scope.names.get(id.name);
      if (prev) {
        if (prev.kind !== 'var') fail(id.pos, `cannot assign to ${id.name} (neither addressable nor a map index expression)`);
        existing[i] = prev;
        return false;
      }
      fresh++;
      return true;
    });
    // (reported, and the values are still checked against the variables)
    if (fresh === 0) this.report(new PosError(s.opPos, 'no new variables on left side of :='));
    let types: Type[];
    this.singleAssignMismatch(s.lhs.length, s.rhs);
    if (s.lhs.length === s.rhs.length) {
      types = s.rhs.map((r, i) => {
        const t = this.value(r);
        const v = existing[i];
        if (v) {
          this.assignable(r, v.type, 'assignment');
          return v.type;
        }
        if (t.k === 'untyped') {
          if (t.base === 'nil') fail(r.pos, 'use of untyped nil in assignment');
          this.convertUntyped(r, defaultType(t), 'assignment');
        }
        if (r.t!.k === 'sync') unsupported(r.pos, `copying a ${typeString(r.t)}`);
        return r.t!;
      });
    } else if (s.rhs.length === 1) {
      types = this.multiValue(s.rhs[0]!, s.lhs.length);
      existing.forEach((v, i) => {
        if (v && !this.assignableType(types[i]!, v.type)) fail(s.rhs[0]!.pos, `cannot use ${s.rhs[0]!.text} (value of type ${typeString(types[i])}) as type ${typeString(v.type)} in assignment`);
      });
    } else {
      fail(s.rhs[0]!.pos, `assignment mismatch: ${s.lhs.length} variable${s.lhs.length > 1 ? 's' : ''} but ${s.rhs.length} value${s.rhs.length > 1 ? 's' : ''}`);
    }
    s.lhs.forEach((id, i) => {
      const v = existing[i];
      if (v) {
        id.obj = v;
        this.noteVarRef(v);
      }
    });
    if (fresh === 0) return;
    s.lhs.forEach((id, i) => {
      if (!s.fresh![i]) return;
      const v: VarObj = { kind: 'var', name: id.name, pos: id.pos, type: types[i]!, owner: this.cur.info, used: false, captured: false, isParam: false };
      id.obj = v;
      this.declareLocal(this.scope, v);
    });
  }

  /** The declared type of a var spec when it resolves (without reporting anything), else null. */
  private declaredTypeOrNull(spec: VarSpec): Type | null {
    if (!spec.type) return null;
    const n = this.soft.length;
    try {
      const t = this.valueType(spec.type);
      return this.soft.length === n && t.k !== 'sync' ? t : null;
    } catch {
      return null;
    }
  }

  /** The types of a var spec's names (checks the initializers). */
  private varSpecTypes(spec: VarSpec): Type[] {
    const n = spec.names.length;
    const declared = spec.type ? this.typeOf(spec.type) : null;
    if (declared && declared.k === 'sync' && spec.values.length > 0) unsupported(spec.values[0]!.pos, `initializing a ${typeString(declared)}`);
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
          this.convertUntyped(v, defaultType(t), 'variable declaration');
        }
        if (v.t!.k === 'sync') unsupported(v.pos, `copying a ${typeString(v.t)}`);
        return v.t!;
      });
    } else if (spec.values.length === 1) {
      types = this.multiValue(spec.values[0]!, n);
      if (declared) {
        types.forEach((t) => {
          if (!this.assignableType(t, declared)) fail(spec.values[0]!.pos, `cannot use ${spec.values[0]!.text} (value of type ${typeString(t)}) as type ${typeString(declared)} in assignment`);
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
        if (!isNumeric(t) && !isBoolean(t) && !isString(t)) fail(spec.type.pos, `invalid constant type ${typeString(t)}`);
        this.assignable(e, t, 'constant declaration');
      }
      return { type: e.t!, value: e.cv! };
    } finally {
      this.iota = savedIota;
    }
  }

  // ---- assignment targets ---------------------------------------------------------------------

  /**
   * The location an assignment writes (null for `_`): a variable, `*p`, a
   * field, an element of an array, slice or map. `use` marks a variable as
   * read too (x += 1, x++).
   */
  private lhs(e: Expr, use: boolean): { type: Type } | null {
    const x = unparen(e);
    if (x.kind === 'ident') {
      if (x.name === '_') {
        if (use) fail(x.pos, 'cannot use _ as value or type');
        return null;
      }
      const o = this.lookup(x.name);
      if (!o) fail(x.pos, `undefined: ${x.name}`);
      skipIfInvalid(o);
      x.obj = o;
      if (o.kind === 'var') {
        if (o.global) this.resolveGlobalRef(o);
        if (o.type.k === 'sync') unsupported(x.pos, `assigning to a ${typeString(o.type)}`);
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
    if (x.mode !== 'value' && x.mode !== 'commaok') this.singleValue(x);
    if (x.kind === 'index' && under(this.derefArray(x.x.t!)).k === 'map') {
      x.mode = 'value';
      if (e !== x) Object.assign(e, { t: x.t, mode: 'value' });
      return { type: x.t! };
    }
    if (this.addressable(x)) {
      if (e !== x) Object.assign(e, { t: x.t, mode: x.mode });
      return { type: x.t! };
    }
    if (x.kind === 'selector' && x.selection?.kind === 'field') {
      let root = unparen(x.x);
      while (root.kind === 'selector' && root.selection?.kind === 'field' && !root.selection.path.some((p) => p.deref)) root = unparen(root.x);
      if (root.kind === 'index' && under(root.x.t!).k === 'map') fail(x.pos, `cannot assign to struct field ${x.text} in map`);
    }
    if (x.kind === 'index' && isString(x.x.t!)) fail(x.pos, `cannot assign to ${x.text} (value of type ${typeString(x.t)})`);
    fail(x.pos, `cannot assign to ${x.text} (neither addressable nor a map index expression)`);
  }

  /** Go's addressability: variables, pointer indirections, fields of addressable structs, elements of slices and addressable arrays. */
  private addressable(e: Expr): boolean {
    const x = unparen(e);
    switch (x.kind) {
      case 'ident':
        return x.obj?.kind === 'var';
      case 'unary':
        return x.op === '*';
      case 'selector':
        if (x.selection?.kind !== 'field') return false;
        return x.selection.path.some((p) => p.deref) || this.addressable(x.x);
      case 'index': {
        const u = under(x.x.t!);
        if (u.k === 'slice') return true;
        if (u.k === 'ptr') return true;
        if (u.k === 'array') return this.addressable(x.x);
        return false;
      }
      default:
        return false;
    }
  }

  /** Mark the variable whose storage an addressable expression denotes (if any) as address-taken: it moves to a heap cell. */
  private takeAddress(e: Expr): void {
    const x = unparen(e);
    if (x.kind === 'ident' && x.obj?.kind === 'var') x.obj.addrTaken = true;
    else if (x.kind === 'selector' && x.selection?.kind === 'field' && !x.selection.path.some((p) => p.deref)) this.takeAddress(x.x);
    else if (x.kind === 'index' && under(x.x.t!).k === 'array') this.takeAddress(x.x);
  }

  /** A pointer to an array is indexed, sliced and ranged over like the array. */
  private derefArray(t: Type): Type {
    const u = under(t);
    if (u.k === 'ptr' && under(u.elem).k === 'array') return u.elem;
    return t;
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
        if (b.startsWith('sync.')) unsupported(e.pos, 'method values');
        // a package function implemented by the tool (strings.Split, ...): Go accepts it as a value
        if (b.includes('.')) unsupported(e.pos, `${b} as a function value`);
        fail(e.pos, `${e.text} (built-in) must be called`);
      }
      // falls through
      default:
        if (e.t && e.t.k === 'tuple') fail(e.pos, `multiple-value ${e.text} (value of type ${typeString(e.t)}) in single-value context`);
        if (e.mode === 'commaok') e.mode = 'value';
        if (e.t && e.t.k === 'sync') unsupported(e.pos, `using a ${typeString(e.t)} as a value (only its methods ${methodList(e.t.name)} can be called)`);
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
        e.selection = e.x.selection;
        return;
      case 'int':
        e.t = UNTYPED_INT;
        e.cv = e.value;
        e.mode = 'value';
        return;
      case 'float':
        e.t = UNTYPED_FLOAT;
        e.cv = e.value;
        e.mode = 'value';
        return;
      case 'rune':
        e.t = UNTYPED_RUNE;
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
      case 'typeexpr':
        e.t = this.typeOf(e.type);
        e.mode = 'type';
        return;
      case 'index':
        return this.index(e);
      case 'slice':
        return this.sliceExpr(e);
      case 'composite':
        return this.composite(e, null);
      case 'assert':
        return this.assertExpr(e);
    }
  }

  private ident(e: Ident): void {
    if (e.name === '_') fail(e.pos, 'cannot use _ as value or type');
    const o = this.lookup(e.name);
    if (!o) fail(e.pos, `undefined: ${e.name}`);
    skipIfInvalid(o);
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
        this.resolveTypeObj(o);
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
        skipIfInvalid(o);
        x.obj = o;
        x.mode = 'pkg';
        if (o.path === 'runtime' && !Object.hasOwn(PKG_TYPES.runtime!, e.sel)) {
          const ft = RUNTIME_FUNCS[e.sel];
          if (!ft) unsupported(e.pos, `runtime.${e.sel} (supported: ${Object.keys(RUNTIME_FUNCS).map((k) => `runtime.${k}`).join(', ')})`);
          e.mode = 'builtin';
          e.builtin = `runtime.${e.sel}`;
          e.t = ft;
          return;
        }
        if (o.path === 'sync') {
          if (e.sel in SYNC_TYPES) {
            e.mode = 'type';
            e.t = SYNC_TYPES[e.sel as SyncName];
            return;
          }
          unsupported(e.pos, `sync.${e.sel} (supported: ${Object.keys(SYNC_TYPES).map((k) => `sync.${k}`).join(', ')})`);
        }
        const pc = o.path === 'time' ? TIME_CONSTS[e.sel] : pkgConst(o.path, e.sel, this.W);
        if (pc) {
          e.mode = 'value';
          e.t = pc.type;
          e.cv = pc.value;
          return;
        }
        const pv = PKG_VARS[o.path]?.[e.sel];
        if (pv) {
          // os.Stdout, os.Stderr: values (lowered as the address of a static File)
          e.mode = 'value';
          e.builtin = `${o.path}.${e.sel}`;
          e.t = pv.type;
          return;
        }
        const pt = PKG_TYPES[o.path]?.[e.sel];
        if (pt) {
          e.mode = 'type';
          e.t = pt;
          return;
        }
        const pf: PkgFunc | undefined = PKG_FUNCS[o.path]?.[e.sel];
        if (!pf) {
          const names = [...Object.keys(PKG_FUNCS[o.path] ?? {}), ...Object.keys(PKG_VARS[o.path] ?? {})].map((k) => `${o.path}.${k}`);
          unsupported(e.pos, `${o.path}.${e.sel} (supported: ${names.join(', ')})`);
        }
        e.mode = 'builtin';
        e.builtin = `${o.path}.${e.sel}`;
        e.t = pf.type;
        return;
      }
    }
    this.expr(e.x);
    if (e.x.mode === 'type') return this.methodExpr(e);
    if (e.x.mode !== 'value') this.singleValue(e.x);
    const t = e.x.t!;
    const st = t.k === 'sync' ? t : t.k === 'ptr' && t.elem.k === 'sync' ? t.elem : null;
    if (st) {
      const m = Object.hasOwn(SYNC_METHODS[st.name], e.sel) ? SYNC_METHODS[st.name][e.sel] : undefined;
      if (!m) this.undefinedSelector(e, t);
      e.mode = 'builtin';
      e.builtin = `sync.${st.name}.${e.sel}`;
      e.t = m;
      return;
    }
    const sel = e.sel === '_' ? ({ kind: 'none' } as Selection) : lookupFieldOrMethod(t, e.sel);
    e.mode = 'value';
    switch (sel.kind) {
      case 'field':
        e.selection = sel;
        e.t = sel.type;
        return;
      case 'method': {
        // a pointer method on a value reached without a pointer needs the value's address
        if (sel.method.ptrRecv && !sel.derefRecv) {
          if (!this.addressable(e.x)) fail(e.pos, `cannot call pointer method ${e.sel} on ${typeString(t)}`);
          this.takeAddress(e.x);
        }
        e.selection = sel;
        e.t = sel.method.type;
        return;
      }
      case 'imethod':
        e.selection = sel;
        e.t = sel.type;
        return;
      case 'ambiguous':
        fail(e.selPos, `ambiguous selector ${e.text}`);
      // falls through (unreachable)
      default: {
        const u = under(t);
        if (u.k === 'ptr' && under(u.elem).k === 'iface') fail(e.selPos, `${e.text} undefined (type ${typeString(t)} is pointer to interface, not interface)`);
        this.undefinedSelector(e, t);
      }
    }
  }

  /** x.sel names nothing: outside the subset when go1.19's library type has that method (libmethods.ts), else Go's error. */
  private undefinedSelector(e: Extract<Expr, { kind: 'selector' }>, t: Type): never {
    const lib = unsupportedLibMethod(t, e.sel);
    if (lib) unsupported(e.selPos, `method ${lib}`);
    fail(e.selPos, `${e.text} undefined (type ${typeString(t)} has no field or method ${e.sel})`);
  }

  /**
   * A method expression T.M or (*T).M: a function value taking the receiver
   * first. M must be in the method set of the type (go1.19's errors).
   */
  private methodExpr(e: Extract<Expr, { kind: 'selector' }>): void {
    const t = e.x.t!;
    const entry = methodSet(t).find((m) => m.name === e.sel);
    if (!entry) {
      const sel = lookupFieldOrMethod(t, e.sel);
      if (sel.kind === 'method' && sel.method.ptrRecv) fail(e.selPos, `cannot call pointer method ${e.sel} on ${typeString(t)}`);
      fail(e.selPos, `${e.text} undefined (type ${typeString(t)} has no field or method ${e.sel})`);
    }
    const direct = entry.sel.kind === 'method' && entry.sel.path.length === 0;
    if (under(t).k === 'iface' || (t.k !== 'ptr' && !direct)) unsupported(e.pos, `method expressions of interface or promoted methods (${e.text})`);
    e.mode = 'value';
    e.selection = { kind: 'methodexpr', recvT: t, entry };
    const ft = entry.type;
    e.t = { k: 'func', params: [t, ...ft.params], results: ft.results, ...(ft.variadic ? { variadic: true } : {}) };
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
    const x = e.x;
    if (e.op === '&') {
      const ux = unparen(x);
      e.mode = 'value';
      if (ux.kind === 'composite') {
        this.expr(ux);
        e.t = { k: 'ptr', elem: ux.t! };
        return;
      }
      // &wg: the address of a sync.WaitGroup is a value (its only use besides its methods)
      this.expr(x);
      const t = x.t && x.t.k === 'sync' && x.mode === 'value' ? x.t : this.singleValue(x);
      if (!this.addressable(x)) fail(e.pos, `invalid operation: cannot take address of ${this.describe(x)}`);
      this.takeAddress(x);
      e.t = { k: 'ptr', elem: t };
      return;
    }
    if (e.op === '*') {
      this.expr(x);
      if (x.mode === 'type') {
        e.mode = 'type';
        e.t = { k: 'ptr', elem: x.t! };
        return;
      }
      const t = this.singleValue(x);
      e.mode = 'value';
      if (t.k === 'untyped' && t.base === 'nil') fail(e.pos, 'invalid operation: cannot indirect nil');
      const u = under(t);
      if (u.k !== 'ptr') fail(e.pos, `invalid operation: cannot indirect ${this.describe(x)}`);
      e.t = u.elem;
      return;
    }
    const t = this.value(x);
    e.mode = 'value';
    const u = under(t);
    switch (e.op) {
      case '<-':
        if (u.k !== 'chan') fail(x.pos, `invalid operation: cannot receive from non-channel ${this.describe(x)}`);
        if (u.dir === 'send') fail(x.pos, `invalid operation: cannot receive from send-only channel ${this.describe(x)}`);
        e.t = u.elem;
        return;
      case '!':
        if (!isBoolean(t)) fail(x.pos, `invalid operation: operator ! not defined on ${this.describe(x)}`);
        e.t = t;
        if (x.cv !== undefined) e.cv = !x.cv;
        return;
      case '-':
      case '+':
      case '^': {
        if (e.op === '^' ? !isInteger(t) : !isNumeric(t)) fail(x.pos, `invalid operation: operator ${e.op} not defined on ${this.describe(x)}`);
        e.t = t;
        if (isRat(x.cv)) {
          e.cv = e.op === '-' ? x.cv.neg() : x.cv;
          this.checkTypedConst(e);
        } else if (x.cv !== undefined) {
          const v = x.cv as bigint;
          e.cv = e.op === '-' ? -v : e.op === '+' ? v : isIntKind(u.k) && !intSigned(u.k) ? v ^ ((1n << BigInt(intBits(u.k, this.W / 8))) - 1n) : ~v;
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
    // untyped integer constants keep 512 bits (types2's overflow): past that, "constant shift overflow" at the operator
    if (e.t && isUntyped(e.t) && typeof e.cv === 'bigint' && (e.cv < 0n ? -e.cv : e.cv).toString(2).length > 512) {
      const ops2: Record<string, string> = { '+': 'addition', '-': 'subtraction', '^': 'bitwise XOR', '*': 'multiplication', '<<': 'shift' };
      const name = e.kind === 'binary' ? (ops2[e.op] ?? '') : e.kind === 'unary' && e.op === '^' ? 'bitwise complement' : '';
      fail(e.kind === 'binary' ? e.opPos : e.pos, `constant ${name} overflow`);
    }
    if (e.t && under(e.t).k === 'float64' && e.cv !== undefined) {
      const f = ratToFloat64(toRat(e.cv as bigint | Rat));
      if (!Number.isFinite(f)) fail(e.pos, `${e.text} (constant of type ${typeString(e.t)}) overflows ${typeString(under(e.t))}`);
      e.cv = float64ToRat(f);
      return;
    }
    if (e.t && !isUntyped(e.t) && isInteger(e.t) && typeof e.cv === 'bigint' && !fitsIntType(e.cv, e.t, this.W)) {
      // (types2's representable checks against the underlying basic type, and names it)
      fail(e.pos, `${e.text} (constant ${e.cv} of type ${typeString(e.t)}) overflows ${typeString(under(e.t))}`);
    }
  }

  /** Binary expression whose operands are already checked. */
  private binaryChecked(e: Extract<Expr, { kind: 'binary' }>): void {
    const { x, y, op } = e;
    e.mode = 'value';
    if (op === '&&' || op === '||') {
      this.matchTypes(e, x, y);
      for (const o of [x, y]) {
        if (!isBoolean(o.t!)) fail(o.pos, `invalid operation: operator ${op} not defined on ${this.describe(o)}`);
      }
      if (x.cv !== undefined && y.cv !== undefined) {
        e.t = x.t;
        e.cv = op === '&&' ? (x.cv as boolean) && (y.cv as boolean) : (x.cv as boolean) || (y.cv as boolean);
        return;
      }
      for (const o of [x, y]) if (isUntyped(o.t!)) this.setType(o, BOOL);
      e.t = x.t;
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
    for (const [a, b] of [[x, y], [y, x]] as const) {
      // an untyped constant against an interface takes its default type: mismatched types
      if (isUntyped(a.t!) && (a.t as UntypedType).base !== 'nil' && under(b.t!).k === 'iface') {
        fail(e.pos, `invalid operation: ${exprString(e)} (mismatched types ${typeString(x === a ? defaultType(a.t!) : x.t)} and ${typeString(y === a ? defaultType(a.t!) : y.t)})`);
      }
    }
    this.matchTypes(e, x, y);
    const t = x.t!;
    if (isString(t) && op === '+') {
      e.t = t;
      if (x.cv !== undefined && y.cv !== undefined) e.cv = concat(x.cv as Uint8Array, y.cv as Uint8Array);
      return;
    }
    if (!isInteger(t) && !(isFloat(t) && (op === '+' || op === '-' || op === '*' || op === '/'))) {
      fail(x.pos, `invalid operation: operator ${op} not defined on ${this.describe(x)}`);
    }
    if ((op === '/' || op === '%') && y.cv !== undefined && (y.cv === 0n || (isRat(y.cv) && y.cv.isZero()))) fail(y.pos, 'invalid operation: division by zero');
    e.t = t;
    if (isFloat(t) && x.cv !== undefined && y.cv !== undefined) {
      const a = toRat(x.cv as bigint | Rat);
      const b = toRat(y.cv as bigint | Rat);
      e.cv = op === '+' ? a.add(b) : op === '-' ? a.sub(b) : op === '*' ? a.mul(b) : a.div(b);
      this.checkTypedConst(e);
      return;
    }
    if (x.cv !== undefined && y.cv !== undefined) {
      let v = arith(op, x.cv as bigint, y.cv as bigint);
      const tk = under(t).k;
      if (op === '^' && isIntKind(tk) && !intSigned(tk)) v &= (1n << BigInt(intBits(tk, this.W / 8))) - 1n;
      e.cv = v;
      this.checkTypedConst(e);
    }
  }

  private shift(e: Extract<Expr, { kind: 'binary' }>): void {
    const { x, y, op } = e;
    const yt = this.integralConst(y, 'uint');
    const yDesc = y.cv !== undefined ? this.describeMode(y) : '';
    if (yt.k === 'untyped' && yt.base !== 'int' && yt.base !== 'rune') fail(y.pos, `cannot convert ${this.describe(y)} to uint`);
    if (!isInteger(yt)) fail(y.pos, `invalid operation: shift count ${this.describe(y)} must be integer`);
    if (y.cv !== undefined) {
      const c = y.cv as bigint;
      if (c < 0n) fail(y.pos, `invalid operation: negative shift count ${y.text}`);
      // an untyped count must be representable as a uint (types2's shift; the width of uint is the target's)
      if (isUntyped(yt) && !fitsIntType(c, UINT, this.W)) fail(y.pos, `${y.text} (${yDesc}) overflows uint`);
      if (isUntyped(yt)) this.convertUntyped(y, UINT, 'shift');
    }
    // an untyped float constant with an integer value shifts as an untyped int
    if (isRat(x.cv) && x.cv.isInt() && x.t!.k === 'untyped') {
      x.cv = x.cv.num;
      this.setType(x, UNTYPED_INT);
    }
    const xt = x.t!;
    if (!isInteger(xt)) fail(x.pos, `invalid operation: shift of ${this.describe(x)}`);
    if (x.cv !== undefined && y.cv !== undefined) {
      const c = y.cv as bigint;
      // (types2's bound for constant shifts: 1023 - 1 + 52)
      if (c > 1074n) fail(y.pos, `invalid operation: invalid shift count ${y.text} (${yDesc})`);
      e.t = xt;
      e.cv = op === '<<' ? (x.cv as bigint) << c : (x.cv as bigint) >> c;
      this.checkTypedConst(e);
      return;
    }
    // A non-constant shift of an untyped constant: the constant becomes an int.
    if (isUntyped(xt)) this.convertUntyped(x, INT, 'shift');
    e.t = x.t;
  }

  // ---- index, slice, composite literal, type assertion --------------------------------------

  /** An index operand: an integer (constant: not negative, below `len` when given). */
  private checkIndex(i: Expr, len: number | null, what = 'index'): void {
    this.value(i);
    const t = this.integralConst(i, 'int');
    if (!isInteger(t)) fail(i.pos, `invalid argument: ${what} ${this.describe(i)} must be integer`);
    if (i.cv !== undefined) {
      const v = i.cv as bigint;
      if (v < 0n) fail(i.pos, `invalid argument: ${what} ${i.text} (${this.describeMode(i)}) must not be negative`);
      if (len !== null && v >= BigInt(len)) fail(i.pos, `invalid argument: index ${v} out of bounds [0:${len}]`);
    }
    if (isUntyped(t)) this.convertUntyped(i, INT, 'index');
  }

  private index(e: Extract<Expr, { kind: 'index' }>): void {
    const xt = this.value(e.x);
    const u = under(this.derefArray(xt));
    e.mode = 'value';
    switch (u.k) {
      case 'string':
      case 'untyped':
        if (u.k === 'untyped' && u.base !== 'string') break;
        this.checkIndex(e.index, e.x.cv !== undefined ? (e.x.cv as Uint8Array).length : null);
        if (isUntyped(xt)) this.convertUntyped(e.x, STRING, 'index');
        e.t = BYTE;
        return;
      case 'slice':
        this.checkIndex(e.index, null);
        e.t = u.elem;
        return;
      case 'array':
        this.checkIndex(e.index, u.len);
        e.t = u.elem;
        return;
      case 'map':
        this.value(e.index);
        this.assignable(e.index, u.key, 'map index');
        e.t = u.elem;
        return;
    }
    fail(e.x.pos, `invalid operation: cannot index ${this.describe(e.x)}`);
  }

  private sliceExpr(e: Extract<Expr, { kind: 'slice' }>): void {
    const xt = this.value(e.x);
    const u = under(this.derefArray(xt));
    e.mode = 'value';
    let len: number | null = null;
    if (u.k === 'string' || (u.k === 'untyped' && u.base === 'string')) {
      if (e.max) fail(e.max.pos, `invalid operation: 3-index slice of string`);
      if (e.x.cv !== undefined) len = (e.x.cv as Uint8Array).length;
      if (isUntyped(xt)) this.convertUntyped(e.x, STRING, 'slice expression');
      e.t = isUntyped(xt) ? STRING : xt;
    } else if (u.k === 'slice') {
      e.t = xt;
    } else if (u.k === 'array') {
      if (under(xt).k === 'array') {
        if (!this.addressable(e.x)) fail(e.pos, `invalid operation: ${e.x.text} (slice of unaddressable value)`);
        this.takeAddress(e.x);
      }
      len = u.len;
      e.t = { k: 'slice', elem: u.elem };
    } else {
      fail(e.x.pos, `cannot slice ${this.describe(e.x)}`);
    }
    const consts: bigint[] = [];
    for (const i of [e.lo, e.hi, e.max]) {
      if (!i) continue;
      this.checkIndex(i, null);
      if (i.cv !== undefined) {
        const v = i.cv as bigint;
        if (len !== null && v > BigInt(len)) fail(i.pos, `invalid argument: index ${v} out of bounds [0:${len + 1}]`);
        if (consts.length && v < consts[consts.length - 1]!) fail(i.pos, `invalid slice indices: ${v} < ${consts[consts.length - 1]}`);
        consts.push(v);
      }
    }
  }

  /**
   * A composite literal. `hint` is the element type of an enclosing literal
   * when the literal's own type is elided (`{1, 2}` in `[]P{{1, 2}}`); an
   * elided `&T` makes the literal a pointer (implicitAddr).
   */
  private composite(e: CompositeLit, hint: Type | null): void {
    let t: Type;
    if (e.type) {
      if (e.type.kind === 'tarray' && e.type.len === null) {
        t = { k: 'array', elem: this.valueType(e.type.elem), len: this.maxIndex(e) };
      } else {
        t = this.typeOf(e.type);
      }
    } else {
      if (!hint) fail(e.pos, 'invalid composite literal type: missing type');
      t = hint;
      if (under(t).k === 'ptr') {
        e.implicitAddr = true;
        t = (under(t) as Extract<Type, { k: 'ptr' }>).elem;
      }
    }
    const u = under(t);
    e.mode = 'value';
    e.t = e.implicitAddr ? { k: 'ptr', elem: t } : t; // (for messages about the literal)
    const elemValue = (v: Expr, want: Type, ctx: string) => {
      const uv = unparen(v);
      if (uv.kind === 'composite' && !uv.type) {
        this.composite(uv, want);
        if (uv !== v) Object.assign(v, { t: uv.t, mode: uv.mode });
      } else this.value(v);
      this.assignable(v, want, ctx);
    };
    switch (u.k) {
      case 'struct': {
        const tn = typeString(t);
        if (e.elems.length === 0) break;
        const keyed = e.elems[0]!.key !== null;
        if (keyed) {
          const seen = new Set<string>();
          for (const el of e.elems) {
            if (!el.key) fail(el.value.pos, 'mixture of field:value and value elements in struct literal');
            const k = unparen(el.key);
            if (k.kind !== 'ident') fail(k.pos, `invalid field name ${k.text} in struct literal`);
            const idx = u.fields.findIndex((f) => f.name === k.name);
            if (idx < 0) fail(k.pos, `unknown field '${k.name}' in struct literal of type ${tn}`);
            if (seen.has(k.name)) fail(k.pos, `duplicate field name ${k.name} in struct literal`);
            seen.add(k.name);
            k.mode = 'value';
            (el as { field?: number }).field = idx;
            elemValue(el.value, u.fields[idx]!.type, 'struct literal');
          }
        } else {
          e.elems.forEach((el, i) => {
            if (el.key) fail(el.key.pos, 'mixture of field:value and value elements in struct literal');
            if (i >= u.fields.length) fail(el.value.pos, `too many values in ${complitBase(e)}{…}`);
            (el as { field?: number }).field = i;
            elemValue(el.value, u.fields[i]!.type, 'struct literal');
          });
          if (e.elems.length < u.fields.length) fail(e.rbrace, `too few values in ${complitBase(e)}{…}`);
        }
        break;
      }
      case 'array':
      case 'slice': {
        let idx = 0;
        const seen = new Set<number>();
        for (const el of e.elems) {
          if (el.key) {
            this.checkIndex(el.key, u.k === 'array' ? u.len : null);
            if (el.key.cv === undefined) fail(el.key.pos, `index ${el.key.text} must be integer constant`);
            idx = Number(el.key.cv as bigint);
          } else if (u.k === 'array' && idx >= u.len) {
            fail(el.value.pos, `index ${idx} is out of bounds (>= ${u.len})`);
          }
          if (seen.has(idx)) fail(el.key?.pos ?? el.value.pos, `duplicate index ${idx} in array or slice literal`);
          seen.add(idx);
          (el as { index?: number }).index = idx;
          idx++;
          elemValue(el.value, u.elem, 'array or slice literal');
        }
        break;
      }
      case 'map': {
        const seen = new Set<string>();
        for (const el of e.elems) {
          if (!el.key) fail(el.value.pos, 'missing key in map literal');
          elemValue(el.key, u.key, 'map literal');
          if (el.key.cv !== undefined) {
            const k = isRat(el.key.cv) ? `f${el.key.cv.num}/${el.key.cv.den}` : typeof el.key.cv === 'object' ? `s${Buffer.from(el.key.cv).toString('hex')}` : String(el.key.cv);
            if (seen.has(k)) fail(el.key.pos, `duplicate key ${el.key.text} in map literal`);
            seen.add(k);
          }
          elemValue(el.value, u.elem, 'map literal');
        }
        break;
      }
      default:
        fail(e.type?.pos ?? e.pos, `invalid composite literal type ${typeString(t)}`);
    }
    e.t = e.implicitAddr ? { k: 'ptr', elem: t } : t;
  }

  /** The length of `[...]T{...}`: one past the largest index. */
  private maxIndex(e: CompositeLit): number {
    let idx = 0;
    let max = 0;
    for (const el of e.elems) {
      if (el.key) {
        this.checkIndex(el.key, null);
        if (el.key.cv === undefined) fail(el.key.pos, `index ${el.key.text} must be integer constant`);
        idx = Number(el.key.cv as bigint);
      }
      idx++;
      max = Math.max(max, idx);
    }
    return max;
  }

  private assertExpr(e: Extract<Expr, { kind: 'assert' }>): void {
    if (!e.type) fail(e.pos, 'invalid syntax tree: use of .(type) outside type switch');
    const xt = this.value(e.x);
    const u = under(xt);
    if (u.k !== 'iface') fail(e.x.pos, `invalid operation: ${e.x.text} (${this.describeMode(e.x)}) is not an interface`);
    const t = this.typeOf(e.type);
    if (under(t).k !== 'iface') {
      const mm = missingMethod(t, u);
      if (mm) fail(e.type.pos, `impossible type assertion: ${e.text} ${typeString(t)} does not implement ${typeString(xt)} (${mm.wrongType ? `wrong type for ${mm.name} method` : mm.ptrRecv ? `${mm.name} method has pointer receiver` : `missing ${mm.name} method`})`);
    }
    e.t = t;
    e.mode = 'value';
  }

  /** Operands of == != < <= > >= ; converts untyped operands. */
  private comparable(x: Expr, y: Expr, op: string, at: Pos, whole?: Expr): void {
    const text = whole?.text ?? `${x.text} ${op} ${y.text}`;
    const xt = x.t!;
    const yt = y.t!;
    const isNil = (t: Type) => t.k === 'untyped' && t.base === 'nil';
    if (isNil(xt) && isNil(yt)) fail(at, `invalid operation: ${text} (operator ${op} not defined on nil)`);
    const nilSide = isNil(xt) || isNil(yt);
    // an interface compares with a value of a type that implements it
    if (!isUntyped(xt) && !isUntyped(yt) && !identical(xt, yt) && (this.assignableType(xt, yt) || this.assignableType(yt, xt))) {
      if (under(xt).k !== 'iface' && under(yt).k !== 'iface') this.matchTypes({ text, pos: whole?.pos ?? x.pos }, x, y, true);
      for (const o of [x, y]) {
        if (under(o.t!).k !== 'iface' && !comparable(o.t!)) fail(at, `invalid operation: ${text} (incomparable types in type set)`);
      }
      if (op !== '==' && op !== '!=') fail(whole?.pos ?? x.pos, `invalid operation: ${text} (operator ${op} not defined on ${this.describe(x)})`);
      return;
    }
    this.matchTypes({ text, pos: whole?.pos ?? x.pos }, x, y, true);
    const t = isNil(x.t!) ? y.t! : x.t!;
    const u = under(t);
    const ordered = op !== '==' && op !== '!=';
    if (ordered && !(isNumeric(t) || isString(t))) {
      fail(whole?.pos ?? x.pos, `invalid operation: ${text} (operator ${op} not defined on ${this.describe(x)})`);
    }
    if (!nilSide) {
      const what = u.k === 'func' ? 'func' : u.k === 'slice' ? 'slice' : u.k === 'map' ? 'map' : null;
      const where = whole?.pos ?? x.pos;
      if (what) fail(where, `invalid operation: ${text} (${what} can only be compared to nil)`);
      if (!comparable(t)) fail(where, `invalid operation: ${text} (${typeString(t)} cannot be compared)`);
    } else if (!nilable(t) && !isUntyped(t)) {
      fail(isNil(xt) ? x.pos : y.pos, `invalid operation: ${text} (mismatched types ${typeString(xt)} and ${typeString(yt)})`);
    }
  }

  /**
   * Give both operands of a binary operation the same type: an untyped
   * operand takes the other's type; two typed operands must be identical.
   */
  private matchTypes(e: { text: string; pos: Pos }, x: Expr, y: Expr, comparison = false): void {
    const xt = x.t!;
    const yt = y.t!;
    // types2 reports a mismatch at the start of the operation, or of its second operand in a comparison
    const mismatch = () => fail(comparison ? y.pos : e.pos, `invalid operation: ${e.text} (mismatched types ${typeString(xt)} and ${typeString(yt)})`);
    if (isUntyped(xt) && isUntyped(yt)) {
      if (xt.base === yt.base) return;
      // int, rune and float constants mix; the result is the later kind
      const num = (b: string) => b === 'int' || b === 'rune' || b === 'float';
      if (num(xt.base) && num(yt.base)) {
        const k = xt.base === 'float' || yt.base === 'float' ? UNTYPED_FLOAT : UNTYPED_RUNE;
        this.setType(x, k);
        this.setType(y, k);
        return;
      }
      if (xt.base === 'nil' || yt.base === 'nil') {
        fail(e.pos, `invalid operation: ${e.text} (mismatched types ${typeString(xt)} and ${typeString(yt)})`);
      }
      mismatch();
    }
    // types2's mayConvert: an untyped constant of a kind that may convert to
    // the other operand's type but does not is "cannot convert"; one of
    // another kind (bool, string, nil) is a mismatch (go1.19 has no pointer rule yet)
    const notConvertible = (u: Expr, ut: UntypedType, t: Type) => {
      const tk = under(t).k;
      const may = ut.base !== 'nil' && tk !== 'iface' && (ut.base === 'bool') === isBoolean(t) && (ut.base === 'string') === isString(t);
      if (may) fail(u.pos, `cannot convert ${u.text} (${this.describeMode(u)}) to ${typeString(t)}`);
      mismatch();
    };
    if (isUntyped(xt)) {
      if (!this.untypedFits(xt, yt)) notConvertible(x, xt, yt);
      this.convertUntyped(x, yt, 'operation');
      return;
    }
    if (isUntyped(yt)) {
      if (!this.untypedFits(yt, xt)) notConvertible(y, yt, xt);
      this.convertUntyped(y, xt, 'operation');
      return;
    }
    if (!identical(xt, yt)) {
      // a bidirectional channel compares with a directional one of the same element
      if (xt.k === 'chan' && yt.k === 'chan' && identical(xt.elem, yt.elem) && (xt.dir === 'both' || yt.dir === 'both')) return;
      mismatch();
    }
  }

  /** Can an untyped value of this kind become a value of type t (range aside)? */
  private untypedFits(u: UntypedType, t: Type): boolean {
    const tu = under(t);
    if (tu.k === 'iface') {
      if (u.base === 'nil') return true;
      return missingMethod(defaultType(u), tu) === null;
    }
    switch (u.base) {
      case 'int':
      case 'rune':
      case 'float':
        return isIntKind(tu.k) || tu.k === 'float64';
      case 'bool':
        return tu.k === 'bool';
      case 'nil':
        return nilable(t);
      case 'string':
        return tu.k === 'string';
    }
  }

  /** Give an untyped expression the type `target` (checks that its constant fits). */
  private convertUntyped(e: Expr, target: Type, ctx: string): void {
    const t = e.t!;
    if (t.k !== 'untyped') return;
    if (!this.untypedFits(t, target)) {
      if (t.base === 'nil') fail(e.pos, `cannot use nil as ${typeString(target)} value in ${ctx}`);
      if (under(target).k === 'iface') {
        // types2 gives the constant its default type first, then fails the typed assignment
        const dt = defaultType(t);
        const mode = e.cv !== undefined ? `constant of type ${typeString(dt)}` : `value of type ${typeString(dt)}`;
        fail(e.pos, `cannot use ${exprString(e)} (${mode}) as type ${typeString(target)} in ${ctx}${this.implementsDetail(dt, target)}`);
      }
      fail(e.pos, `cannot use ${e.text} (${this.describeMode(e)}) as ${typeString(target)} value in ${ctx}`);
    }
    if (under(target).k === 'iface') {
      // a constant stored in an interface has its default type
      if (t.base !== 'nil') return this.convertUntyped(e, defaultType(t), ctx);
      this.setType(e, target);
      return;
    }
    if (isInteger(target) && isRat(e.cv)) {
      if (!e.cv.isInt()) {
        if (ctx === 'operation') fail(e.pos, `${exprString(e)} (${this.describeMode(e)}) truncated to ${typeString(target)}`);
        fail(e.pos, `cannot use ${exprString(e)} (${this.describeMode(e)}) as ${typeString(target)} value in ${ctx} (truncated)`);
      }
      e.cv = e.cv.num;
      if (!fitsIntType(e.cv, target, this.W)) {
        if (ctx === 'operation') fail(e.pos, `${exprString(e)} (${this.describeMode(e)}) overflows ${typeString(target)}`);
        fail(e.pos, `cannot use ${exprString(e)} (${this.describeMode(e)}) as ${typeString(target)} value in ${ctx} (overflows)`);
      }
    }
    if (under(target).k === 'float64' && (isRat(e.cv) || typeof e.cv === 'bigint')) {
      const f = ratToFloat64(toRat(e.cv));
      if (!Number.isFinite(f)) fail(e.pos, `cannot use ${exprString(e)} (${this.describeMode(e)}) as ${typeString(target)} value in ${ctx} (overflows)`);
      e.cv = float64ToRat(f);
    }
    if (isInteger(target) && typeof e.cv === 'bigint' && !fitsIntType(e.cv, target, this.W)) {
      // as types2 words it: an operand of an operation (and, through isValidIndex, an index or make's size) only overflows
      if (ctx === 'operation' || ctx === 'index' || ctx === 'argument to make') fail(e.pos, `${exprString(e)} (${this.describeMode(e)}) overflows ${typeString(target)}`);
      fail(e.pos, `cannot use ${e.text} (${this.describeMode(e)}) as ${typeString(target)} value in ${ctx} (overflows)`);
    }
    this.setType(e, target);
  }

  private setType(e: Expr, t: Type): void {
    e.t = t;
    if (e.kind === 'paren') this.setType(e.x, t);
  }

  /** Go's assignability of a value of type `from` to a variable of type `to`. */
  private assignableType(from: Type, to: Type): boolean {
    if (identical(from, to)) return true;
    if (from.k === 'untyped') return this.untypedFits(from, to);
    const fu = under(from);
    const tu = under(to);
    const named = (t: Type) => t.k === 'named' || t.k === 'bool' || t.k === 'string' || t.k === 'float64' || isIntKind(t.k);
    if (identical(fu, tu) && (!named(from) || !named(to)) && fu.k !== 'iface') return true;
    if (fu.k === 'chan' && tu.k === 'chan' && fu.dir === 'both' && identical(fu.elem, tu.elem) && (!named(from) || !named(to))) return true;
    if (tu.k === 'iface' && from.k !== 'tuple' && from.k !== 'sync') return missingMethod(from, tu) === null;
    return false;
  }

  /** Why `from` is not assignable to interface `to`, as Go words it (": T does not implement I (...)"), or ''. */
  private implementsDetail(from: Type, to: Type): string {
    const tu = under(to);
    if (tu.k !== 'iface' || from.k === 'untyped') return '';
    const mm = missingMethod(from, tu);
    if (!mm) return '';
    const why = mm.wrongType ? `wrong type for ${mm.name} method` : mm.ptrRecv ? `${mm.name} method has pointer receiver` : `missing ${mm.name} method`;
    return `: ${typeString(from)} does not implement ${typeString(to)} (${why})`;
  }

  /** e (already checked, single value) must be assignable to `to`. */
  private assignable(e: Expr, to: Type, ctx: string): void {
    const t = e.t!;
    if (isUntyped(t)) return this.convertUntyped(e, to, ctx);
    if (!this.assignableType(t, to)) fail(e.pos, `cannot use ${exprString(e)} (${this.describeMode(e)}) as type ${typeString(to)} in ${ctx}${this.implementsDetail(t, to)}`);
  }

  // ---- calls ---------------------------------------------------------------------------------

  private call(e: CallExpr): void {
    const fn = unparen(e.fn);
    this.expr(fn);
    if (fn !== e.fn) Object.assign(e.fn, { t: fn.t, mode: fn.mode, builtin: fn.builtin, selection: fn.selection });
    if (fn.mode === 'type') return this.conversion(e, fn.t!);
    if (fn.mode === 'builtin') return this.builtinCall(e, fn.builtin!);
    const ft = this.singleValue(fn);
    if (under(ft).k !== 'func') fail(e.pos, `invalid operation: cannot call non-function ${this.describe(fn)}`);
    this.args(e, under(ft) as FuncType, fn.text);
    this.callResult(e, under(ft) as FuncType);
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

  /** The parameter list of a signature as Go prints it in "want (...)". */
  private paramList(ft: FuncType): string {
    return `(${ft.params.map((p, i) => (ft.variadic && i === ft.params.length - 1 ? `...${haveString((p as Extract<Type, { k: 'slice' }>).elem)}` : haveString(p))).join(', ')})`;
  }

  private args(e: CallExpr, ft: FuncType, name: string): void {
    const want = ft.params;
    const wantS = this.paramList(ft);
    const nfixed = ft.variadic ? want.length - 1 : want.length;
    const paramType = (i: number): Type => (ft.variadic && i >= nfixed ? (want[nfixed] as Extract<Type, { k: 'slice' }>).elem : want[i]!);
    if (e.ellipsis && !ft.variadic) {
      this.value(e.args[e.args.length - 1]!);
      fail(e.args[e.args.length - 1]!.pos, `have (...) used with non-variadic function ${name}`);
    }
    if (e.args.length === 1 && (want.length > 1 || ft.variadic) && !e.ellipsis) {
      const t = this.exprMulti(e.args[0]!);
      if (t && t.k === 'tuple') {
        if (t.types.length < nfixed || (!ft.variadic && t.types.length > want.length)) fail(e.args[0]!.pos, `${t.types.length < want.length ? 'not enough' : 'too many'} arguments in call to ${name} (have ${haveString(t)}, want ${wantS})`);
        t.types.forEach((at, i) => {
          if (!this.assignableType(at, paramType(i))) fail(e.args[0]!.pos, `cannot use ${e.args[0]!.text} (value of type ${haveString(at)}) as ${typeString(paramType(i))} value in argument to ${name}`);
        });
        e.spread = true;
        return;
      }
      if (t && !ft.variadic) return fail(e.args[0]!.pos, `not enough arguments in call to ${name} (have (${haveString(t)}), want ${wantS})`);
    }
    const have = e.args.map((a) => this.value(a));
    const haveS = () => `(${have.map(haveString).join(', ')}${e.ellipsis ? '...' : ''})`;
    if (e.ellipsis) {
      if (have.length !== want.length) fail(have.length < want.length ? e.rparen : e.args[want.length]!.pos, `${have.length < want.length ? 'not enough' : 'too many'} arguments in call to ${name} (have ${haveS()}, want ${wantS})`);
      e.args.forEach((a, i) => this.assignable(a, want[i]!, `argument to ${name}`));
      return;
    }
    if (have.length < nfixed || (!ft.variadic && have.length > want.length)) {
      if (have.length < nfixed) fail(e.args.length ? e.args[e.args.length - 1]!.pos : e.pos, `not enough arguments in call to ${name} (have ${haveS()}, want ${wantS})`);
      fail(e.args[want.length]!.pos, `too many arguments in call to ${name} (have ${haveS()}, want ${wantS})`);
    }
    e.args.forEach((a, i) => this.assignable(a, paramType(i), `argument to ${name}`));
  }

  private conversion(e: CallExpr, t: Type): void {
    if (e.args.length !== 1) fail(e.args.length ? e.args[1]!.pos : e.rparen, `${e.args.length ? 'too many' : 'missing'} arguments in conversion to ${typeString(t)}`);
    const a = e.args[0]!;
    const at = this.value(a);
    e.mode = 'value';
    e.t = t;
    const tu = under(t);
    const cannot = () => fail(a.pos, `cannot convert ${this.describe(a)} to type ${typeString(t)}`);
    if (isUntyped(at)) {
      // string(rune constant) is a constant string
      if ((at.base === 'int' || at.base === 'rune') && tu.k === 'string') {
        const v = a.cv as bigint;
        const ok = v >= 0n && v <= 0x10ffffn && !(v >= 0xd800n && v <= 0xdfffn);
        this.convertUntyped(a, defaultType(at), 'conversion');
        e.cv = new TextEncoder().encode(String.fromCodePoint(ok ? Number(v) : 0xfffd));
        return;
      }
      if (at.base === 'string' && tu.k === 'slice' && this.isByteOrRuneSlice(tu)) {
        this.convertUntyped(a, STRING, 'conversion');
        return;
      }
      if (!this.untypedFits(at, t)) cannot();
      if (isInteger(t) && isRat(a.cv) && !a.cv.isInt()) fail(a.pos, `cannot convert ${this.describe(a)} to type ${typeString(t)}`);
      if (isInteger(t) && isRat(a.cv) && !fitsIntType(a.cv.num, t, this.W)) fail(a.pos, `cannot convert ${this.describe(a)} to type ${typeString(t)}`);
      if (isInteger(t) && typeof a.cv === 'bigint' && !fitsIntType(a.cv, t, this.W)) fail(a.pos, `cannot convert ${this.describe(a)} to type ${typeString(t)}`);
      this.convertUntyped(a, t, 'conversion');
      if (a.cv !== undefined && tu.k !== 'iface') e.cv = a.cv;
      return;
    }
    const au = under(at);
    const ok =
      this.assignableType(at, t) ||
      identical(au, tu) ||
      (au.k === 'ptr' && tu.k === 'ptr' && identical(under(au.elem), under(tu.elem))) ||
      (isNumeric(at) && isNumeric(t)) ||
      (isInteger(at) && tu.k === 'string') ||
      (au.k === 'string' && tu.k === 'slice' && this.isByteOrRuneSlice(tu)) ||
      (tu.k === 'string' && au.k === 'slice' && this.isByteOrRuneSlice(au)) ||
      (au.k === 'chan' && tu.k === 'chan' && identical(au.elem, tu.elem));
    if (!ok) cannot();
    if (a.cv !== undefined) {
      if (isNumeric(t) && isNumeric(at) && (isFloat(t) || isFloat(at))) {
        // constant conversions between floats and integers: exact, or an error
        const r = toRat(a.cv as bigint | Rat);
        if (isInteger(t)) {
          if (!r.isInt()) fail(a.pos, `cannot convert ${this.describe(a)} to type ${typeString(t)}`);
          if (!fitsIntType(r.num, t, this.W)) fail(a.pos, `cannot convert ${this.describe(a)} to type ${typeString(t)}`);
          e.cv = r.num;
        } else {
          const f = ratToFloat64(r);
          if (!Number.isFinite(f)) fail(a.pos, `cannot convert ${this.describe(a)} to type ${typeString(t)}`);
          e.cv = float64ToRat(f);
        }
      } else if (isInteger(t) && isInteger(at)) {
        const v = a.cv as bigint;
        if (!fitsIntType(v, t, this.W)) fail(a.pos, `cannot convert ${this.describe(a)} to type ${typeString(t)}`);
        e.cv = v;
      } else if (isInteger(at) && tu.k === 'string') {
        const v = a.cv as bigint;
        const valid = v >= 0n && v <= 0x10ffffn && !(v >= 0xd800n && v <= 0xdfffn);
        e.cv = new TextEncoder().encode(String.fromCodePoint(valid ? Number(v) : 0xfffd));
      } else if (tu.k !== 'slice' && tu.k !== 'iface') {
        e.cv = a.cv;
      }
    }
  }

  private isByteOrRuneSlice(u: Type): boolean {
    if (u.k !== 'slice') return false;
    const k = under(u.elem).k;
    return k === 'uint8' || k === 'int32';
  }

  private builtinCall(e: CallExpr, name: string): void {
    const nargs = (n: number, max = n) => {
      if (e.args.length < n) fail(e.pos, `invalid operation: not enough arguments for ${exprString(e)} (expected ${n}, found ${e.args.length})`);
      if (e.args.length > max) fail(e.pos, `invalid operation: too many arguments for ${exprString(e)} (expected ${max}, found ${e.args.length})`);
    };
    if (e.ellipsis && name !== 'append' && !name.includes('.')) fail(e.pos, `invalid operation: invalid use of ... with built-in ${name}`);
    e.mode = 'value';
    switch (name) {
      case 'print':
      case 'println':
        for (const a of e.args) {
          this.expr(a);
          if (e.args.length === 1 && a.mode !== 'novalue' && a.t?.k === 'tuple') {
            // println(f()) with a multi-value f prints every result, as gc accepts it
            for (const x of a.t.types) if (!isInteger(x) && !isBoolean(x) && !isString(x)) unsupported(a.pos, `printing values of type ${typeString(x)} (print/println take integers, bools and strings)`);
            continue;
          }
          const t = this.singleValue(a);
          if (t.k === 'untyped') {
            if (t.base === 'nil') fail(a.pos, 'use of untyped nil in argument to built-in print');
            this.convertUntyped(a, defaultType(t), `argument to ${name}`);
          } else if (!isNumeric(t) && !isBoolean(t) && !isString(t) && under(t).k !== 'iface') {
            unsupported(a.pos, `printing values of type ${typeString(t)} (print/println take numbers, bools, strings and interfaces)`);
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
        const u = under(this.derefArray(t));
        if (name === 'len' && isString(t)) {
          if (a.cv !== undefined) {
            e.cv = BigInt((a.cv as Uint8Array).length);
            if (isUntyped(t)) this.convertUntyped(a, STRING, 'argument to len');
          }
          return;
        }
        if (u.k === 'array') {
          // the length of an array is a constant when evaluating the operand has no effects
          if (!this.hasCallsOrReceives(a)) e.cv = BigInt(u.len);
          return;
        }
        if (u.k === 'slice' || u.k === 'chan' || (name === 'len' && u.k === 'map')) return;
        fail(a.pos, `invalid argument: ${this.describe(a)} for ${name}`);
      }
      // falls through (unreachable)
      case 'close': {
        nargs(1);
        const a = e.args[0]!;
        const t = under(this.value(a));
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
        const u = under(t);
        if (u.k !== 'chan' && u.k !== 'slice' && u.k !== 'map') fail(te.pos, `invalid argument: cannot make ${te.text}; type must be slice, map, or channel`);
        if (u.k === 'slice') {
          if (e.args.length < 2) fail(e.pos, `invalid operation: ${e.text} expects 2 or 3 arguments; found ${e.args.length}`);
          if (e.args.length > 3) fail(e.pos, `invalid operation: ${e.text} expects 2 or 3 arguments; found ${e.args.length}`);
        } else if (e.args.length > 2) {
          fail(e.pos, `invalid operation: ${e.text} expects 1 or 2 arguments; found ${e.args.length}`);
        }
        const sizes = e.args.slice(1);
        for (const n of sizes) {
          this.value(n);
          const nt = this.integralConst(n, 'int');
          if (!isInteger(nt)) fail(n.pos, `cannot convert ${this.describe(n)} to type int`);
          if (n.cv !== undefined && (n.cv as bigint) < 0n) fail(n.pos, `invalid argument: index ${n.text} (constant of type int) must not be negative`);
          this.convertUntyped(n, INT, 'argument to make');
        }
        if (sizes.length === 2 && sizes[0]!.cv !== undefined && sizes[1]!.cv !== undefined && (sizes[0]!.cv as bigint) > (sizes[1]!.cv as bigint)) {
          fail(sizes[0]!.pos, `invalid argument: length and capacity swapped`);
        }
        e.t = t;
        return;
      }
      case 'new': {
        nargs(1);
        const te = e.args[0]!;
        this.expr(te);
        if (te.mode !== 'type') fail(te.pos, `${te.text} is not a type`);
        e.t = { k: 'ptr', elem: te.t! };
        return;
      }
      case 'append': {
        if (e.args.length === 0) fail(e.rparen, 'not enough arguments for append() (expected 1, found 0)');
        const s = e.args[0]!;
        const st = this.value(s);
        if (st.k === 'untyped' && st.base === 'nil') fail(s.pos, 'first argument to append must be a typed slice; have untyped nil');
        const su = under(st);
        if (su.k !== 'slice') fail(s.pos, `first argument to append must be a slice; have ${this.describe(s)}`);
        e.t = st;
        if (e.ellipsis) {
          if (e.args.length !== 2) fail(e.pos, `can only use ... with final argument in list`);
          const r = e.args[1]!;
          const rt = this.value(r);
          // append([]byte, string...) is allowed
          if (under(su.elem).k === 'uint8' && isString(rt)) {
            if (isUntyped(rt)) this.convertUntyped(r, STRING, 'argument to append');
            return;
          }
          if (isUntyped(rt) && rt.base === 'nil') return this.convertUntyped(r, st, 'argument to append');
          if (under(rt).k !== 'slice' || !identical(under(rt).k === 'slice' ? (under(rt) as Extract<Type, { k: 'slice' }>).elem : rt, su.elem)) {
            fail(r.pos, `cannot use ${r.text} (${this.describeMode(r)}) as type []${typeString(su.elem)} in argument to append`);
          }
          return;
        }
        for (const a of e.args.slice(1)) {
          this.value(a);
          this.assignable(a, su.elem, 'argument to append');
        }
        return;
      }
      case 'copy': {
        nargs(2);
        const [d, s] = e.args as [Expr, Expr];
        const dt = this.value(d);
        const st = this.value(s);
        e.t = INT;
        const du = under(dt);
        if (du.k !== 'slice') fail(d.pos, `invalid argument: copy expects slice arguments; found ${this.describe(d)} and ${this.describe(s)}`);
        if (isString(st) && under(du.elem).k === 'uint8') {
          if (isUntyped(st)) this.convertUntyped(s, STRING, 'argument to copy');
          return;
        }
        const su = under(st);
        if (su.k !== 'slice') fail(d.pos, `invalid argument: copy expects slice arguments; found ${this.describe(d)} and ${this.describe(s)}`);
        if (!identical(su.elem, du.elem)) fail(d.pos, `invalid argument: arguments to copy ${this.describe(d)} and ${this.describe(s)} have different element types ${typeString(du.elem)} and ${typeString(su.elem)}`);
        return;
      }
      case 'delete': {
        nargs(2);
        const [m, k] = e.args as [Expr, Expr];
        const mt = under(this.value(m));
        if (mt.k !== 'map') fail(m.pos, `invalid argument: ${this.describe(m)} is not a map`);
        this.value(k);
        this.assignable(k, mt.key, 'argument to delete');
        e.mode = 'novalue';
        e.t = undefined;
        return;
      }
      case 'panic': {
        nargs(1);
        const a = e.args[0]!;
        const t = this.value(a);
        if (t.k === 'untyped' && t.base === 'nil') unsupported(a.pos, 'panic(nil)');
        this.assignable(a, EMPTY_IFACE_T, 'argument to panic');
        e.mode = 'novalue';
        e.t = undefined;
        return;
      }
      case 'recover':
        nargs(0);
        e.t = EMPTY_IFACE_T;
        return;
      default: {
        const pf = PKG_FUNCS[name.split('.')[0]!]?.[name.split('.')[1]!];
        const [first, second, third] = name.split('.') as [string, string, string];
        const ft = pf ? pf.type : first === 'runtime' ? RUNTIME_FUNCS[second] : first === 'sync' ? SYNC_METHODS[second as SyncName][third] : undefined;
        if (!ft) unsupported(e.pos, `builtin ${name}`);
        this.args(e, ft, first === 'sync' ? e.fn.text : name);
        if ((name === 'sort.Slice' || name === 'sort.SliceStable') && !e.spread && e.args[0] && under(e.args[0].t!).k !== 'slice') {
          unsupported(e.args[0].pos, `${name} of a value that is not a slice (${typeString(e.args[0].t)})`);
        }
        this.callResult(e, ft);
      }
    }
  }

  /** Does evaluating e involve a call (other than a constant conversion or len/cap) or a receive? */
  private hasCallsOrReceives(e: Expr): boolean {
    const x = unparen(e);
    switch (x.kind) {
      case 'call': {
        const f = unparen(x.fn);
        if (f.mode === 'type') return x.args.some((a) => this.hasCallsOrReceives(a));
        if (f.mode === 'builtin' && (f.builtin === 'len' || f.builtin === 'cap')) return x.args.some((a) => this.hasCallsOrReceives(a));
        return true;
      }
      case 'unary':
        return x.op === '<-' || this.hasCallsOrReceives(x.x);
      case 'binary':
        return this.hasCallsOrReceives(x.x) || this.hasCallsOrReceives(x.y);
      case 'selector':
        return this.hasCallsOrReceives(x.x);
      case 'index':
        return this.hasCallsOrReceives(x.x) || this.hasCallsOrReceives(x.index);
      default:
        return false;
    }
  }

  // ---- terminating statements (Go spec) ---------------------------------------------------------

  private terminatingList(list: Stmt[]): boolean {
    const last = [...list].reverse().find((s) => s.kind !== 'empty');
    return !!last && this.terminating(last);
  }

  private terminating(s: Stmt): boolean {
    // a skipped statement (outside the subset) may well terminate: no "missing return" because of it
    if ((s as { skipped?: boolean }).skipped) return true;
    switch (s.kind) {
      case 'return':
        return true;
      case 'block':
        return this.terminatingList(s.body);
      case 'if':
        return s.else !== null && this.terminatingList(s.then.body) && this.terminating(s.else);
      case 'for':
        return s.cond === null && !this.wasBroken(s);
      case 'typeswitch':
        return !this.wasBroken(s) && s.clauses.some((c) => c.types === null) && s.clauses.every((c) => this.terminatingList(c.body));
      case 'expr': {
        const x = unparen(s.x);
        return x.kind === 'call' && unparen(x.fn).mode === 'builtin' && unparen(x.fn).builtin === 'panic';
      }
      case 'switch':
        return (
          !this.wasBroken(s) &&
          s.clauses.some((c) => c.values === null) &&
          s.clauses.every((c) => {
            const last = [...c.body].reverse().find((x) => x.kind !== 'empty');
            return !!last && (last.kind === 'fallthrough' || this.terminating(last));
          })
        );
      case 'select':
        return !this.wasBroken(s) && s.clauses.every((c) => this.terminatingList(c.body));
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
    return `${exprString(e)} (${this.describeMode(e)})`;
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
    // types2's operand modes of a receive, a type assertion and a map index
    if ((x.kind === 'unary' && x.op === '<-') || (x.kind === 'assert' && x.type)) return `comma, ok expression of type ${typeString(t)}`;
    if (x.kind === 'index' && x.x.t && under(x.x.t).k === 'map') return `map index expression of type ${typeString(t)}`;
    return `value of type ${typeString(t)}`;
  }
}

/**
 * An expression as types2 writes it in messages: the source, with the
 * elements of composite literals and the bodies of function literals shown
 * as … (an elided literal type as its underlying type).
 */
function exprString(e: Expr): string {
  let text = e.text;
  walkAst(e, (o) => {
    if (o.kind === 'composite') {
      const c = o as unknown as CompositeLit;
      const head = c.type ? typeText(c.type) : complitBase(c);
      text = text.replace(c.text, c.elems.length ? `${head}{…}` : `${head}{}`);
      return false;
    }
    if (o.kind === 'funclit') {
      const f = o as unknown as FuncLit;
      text = text.replace(f.text, `${f.text.slice(0, f.text.indexOf('{')).trim()} {…}`);
      return false;
    }
    return true;
  });
  return text;
}

/**
 * types2's `base` of a composite literal, as its struct-literal messages
 * print it (a type, not the expression): the literal's type, or for an
 * elided one deref(coreType(hint)), so *T gives T and a named T its
 * underlying type.
 */
function complitBase(o: CompositeLit): string {
  if (!o.t) return '';
  if (o.type) return typeString(o.t);
  const u = under(o.t);
  return typeString(o.implicitAddr && u.k === 'ptr' ? u.elem : u);
}

/** Uses of an object declared by a construct outside the subset are skipped (the construct is what gets reported). */
function skipIfInvalid(o: Obj): void {
  const inv = (o as { invalid?: UnsupportedError }).invalid;
  if (inv) throw inv instanceof InvalidByError ? new InvalidByError(inv.pos, inv.detail) : new SkippedError(inv.pos, inv.detail);
}

/** The identifiers of a statement's parts that are looked up as expressions (see reportUndefinedIn), in source order. */
function expressionIdents(roots: unknown[]): Ident[] {
  const out: Ident[] = [];
  const enter = (o: Record<string, unknown>): boolean => {
    switch (o.kind) {
      case 'ident':
        out.push(o as unknown as Ident);
        return false;
      case 'funclit':
      case 'typeexpr':
        return false;
      case 'selector':
        walkAst(o.x, enter, EXPRESSION_SKIP);
        return false;
      case 'composite':
        walkAst((o.elems as { value: unknown }[]).map((el) => el.value), enter, EXPRESSION_SKIP);
        return false;
    }
    return !(typeof o.kind === 'string' && /^t[a-z]+$/.test(o.kind) && o.kind !== 'type'); // not into a type expression
  };
  walkAst(roots, enter, EXPRESSION_SKIP);
  return out.sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col);
}

/** The identifiers a statement uses: not the names a declaration or := declares (a failed declaration uses only its values and types). */
function usedIdentsIn(s: Stmt): string[] {
  if (s.kind === 'define') return identsIn(s.rhs);
  if (s.kind === 'var') return identsIn(s.specs.map((sp) => [sp.type, sp.values]));
  if (s.kind === 'const') return identsIn(s.specs.map((sp) => [sp.type, sp.values]));
  return identsIn(s);
}

/** Where an object is declared (its name), when known. */
function objPos(o: Obj): Pos | undefined {
  switch (o.kind) {
    case 'pkg':
      return o.namePos ?? o.pos;
    case 'type':
      return o.spec?.namePos ?? (o as { pos?: Pos }).pos;
    default:
      return (o as { pos?: Pos }).pos;
  }
}

/** The checker's annotations on AST nodes (objects, types, function info): not walked. */
const ANNOTATIONS: ReadonlySet<string> = new Set(['obj', 't', 'info', 'selection', 'target', 'v', 'resolved']);
/** expressionIdents leaves out the annotations and the written types of declarations and literals */
const EXPRESSION_SKIP: ReadonlySet<string> = new Set([...ANNOTATIONS, 'type']);

/**
 * Walk an AST node depth-first, each object once, leaving out the fields in
 * `skip`: `enter` sees every node (arrays are walked through) and returns
 * false to keep the walk out of that node's fields.
 */
function walkAst(node: unknown, enter: (o: Record<string, unknown>) => boolean, skip: ReadonlySet<string> = ANNOTATIONS): void {
  const seen = new Set<unknown>();
  const visit = (x: unknown): void => {
    if (!x || typeof x !== 'object' || seen.has(x)) return;
    seen.add(x);
    if (Array.isArray(x)) return x.forEach(visit);
    const o = x as Record<string, unknown>;
    if (!enter(o)) return;
    for (const [k, v] of Object.entries(o)) if (!skip.has(k)) visit(v);
  };
  visit(node);
}

/** Collect what `pick` finds in each node of an AST (see walkAst). */
function collectInAst(node: unknown, pick: (o: Record<string, unknown>) => string | undefined): string[] {
  const out: string[] = [];
  walkAst(node, (o) => {
    const found = pick(o);
    if (found !== undefined) out.push(found);
    return true;
  });
  return out;
}

/** The labels the break and continue statements inside a statement name. */
function labelsIn(node: unknown): string[] {
  return collectInAst(node, (o) => ((o.kind === 'break' || o.kind === 'continue') && typeof o.label === 'string' ? o.label : undefined));
}

/** Every identifier an AST node mentions (to mark what a skipped statement uses). */
function identsIn(node: unknown): string[] {
  return collectInAst(node, (o) => {
    if ((o.kind === 'ident' || o.kind === 'tname') && typeof o.name === 'string') return o.name;
    if (o.kind === 'tqual' && typeof o.pkg === 'string') return o.pkg;
    return undefined;
  });
}

/** The names a statement declares (:= and var), for a skipped statement. */
function declaredBy(s: Stmt): { name: string; pos: Pos; what: string }[] {
  if (s.kind === 'define') return s.lhs.filter((id) => id.name !== '_').map((id) => ({ name: id.name, pos: id.pos, what: 'var' }));
  if (s.kind === 'var') return s.specs.flatMap((sp) => sp.names.filter((id) => id.name !== '_').map((id) => ({ name: id.name, pos: id.pos, what: 'var' })));
  if (s.kind === 'const') return s.specs.flatMap((sp) => sp.names.filter((id) => id.name !== '_').map((id) => ({ name: id.name, pos: id.pos, what: 'const' })));
  if (s.kind === 'type') return s.specs.filter((sp) => sp.name !== '_').map((sp) => ({ name: sp.name, pos: sp.namePos, what: 'type' }));
  return [];
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
  if (isRat(a) || isRat(b)) return compareConst(op, BigInt(toRat(a as bigint | Rat).cmp(toRat(b as bigint | Rat))), 0n);
  if (typeof a === 'object' || typeof b === 'object') {
    // strings compare by bytes
    const c = Buffer.compare(Buffer.from(a as Uint8Array), Buffer.from(b as Uint8Array));
    return compareConst(op, BigInt(c), 0n);
  }
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
