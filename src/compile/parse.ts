// Parsing, in two steps:
// 1. syntax.ts checks the file as `go build` does (the go command's reading
//    of the package clause and imports, then gc's parser) and reports the
//    first syntax error with gc's words and position. A file gc rejects
//    never reaches tree-sitter, whose error-tolerant parser would accept
//    some of them (`--x`, `i <- 3` as a condition, a second package clause).
// 2. tree-sitter-go (through web-tree-sitter) gives a concrete syntax tree of
//    the file, which is then turned into the subset's AST (ast.ts). Every
//    construct the subset lacks is rejected here, at its own position, as
//    `unsupported: <construct>` (a placeholder node that keeps the error, so
//    that the checker still reports Go's own errors first).
//
// Positions are Go's: 1-based lines and byte columns (tree-sitter counts
// UTF-16 code units in JavaScript strings; see Positions). The source text of
// a node (`text`, for messages) is computed only when a message needs it:
// copying it into every node costs time and memory quadratic in the nesting
// depth.
//
// Nesting: the conversion here, the checker and the lowering recurse on the
// depth of the tree. parseGo measures the depth first (without recursion);
// a file deeper than MAIN_THREAD_DEPTH is refused with TooDeepForThisThread,
// and compileProgram then compiles it on a thread with a large stack
// (deep.ts), where the limit is MAX_DEPTH (README, "Limits").
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Language, Parser, type Node as TsNode } from 'web-tree-sitter';
import type { BadNode, Block, Clause, CommClause, CompositeLit, ConstSpec, Expr, FieldDecl, FuncDecl, Ident, Param, Signature, SourceFile, Stmt, TopDecl, TypeClause, TypeExpr, TypeSpec, VarSpec } from './ast.ts';
import { fail, GoErrors, type Pos, PosError, ScanError, unsupported, UnsupportedError } from './errors.ts';
import { checkSyntax, TooDeep } from './syntax.ts';
import { parseFloatLit } from './floats.ts';

/**
 * The deepest syntax tree (in tree-sitter nodes, which the conversion, the
 * checker and the lowering recurse on) compiled on the calling thread.
 */
export const MAIN_THREAD_DEPTH = 600;
/** The deepest syntax tree compiled at all (on a large-stack thread). */
export const MAX_DEPTH = 40_000;
/** Recursion levels of the syntax recognizer that go with those depths. */
const RECOGNIZER_MAIN = 1_200;
const RECOGNIZER_MAX = 120_000;

/** The file is nested too deeply for this thread's stack; compileProgram moves it to a large-stack thread. */
export class TooDeepForThisThread extends Error {
  constructor() {
    super('nested too deeply for the main thread');
    this.name = 'TooDeepForThisThread';
  }
}

let parserPromise: Promise<Parser> | undefined;

/** The tree-sitter parser for Go, loaded once per process. */
function goParser(): Promise<Parser> {
  if (!parserPromise) {
    parserPromise = (async () => {
      await Parser.init();
      const require = createRequire(import.meta.url);
      const wasm = join(dirname(require.resolve('tree-sitter-go/package.json')), 'tree-sitter-go.wasm');
      const lang = await Language.load(wasm);
      const p = new Parser();
      p.setLanguage(lang);
      return p;
    })();
  }
  return parserPromise;
}

export interface ParseOptions {
  /** running on a large-stack thread: allow up to MAX_DEPTH (default: MAIN_THREAD_DEPTH) */
  deep?: boolean;
}

/**
 * Parse Go source into the subset's AST. Throws PosError for syntax errors
 * and unsupported constructs, TooDeepForThisThread when the file must be
 * compiled with a larger stack. An error gc reports without stopping before
 * type checking (a malformed number, an invalid character) is returned in
 * `softErrors`: the caller reports them with the checker's (sorted by position).
 */
export async function parseGo(source: string, o: ParseOptions = {}): Promise<SourceFile> {
  let syn;
  try {
    syn = checkSyntax(source, { maxDepth: o.deep ? RECOGNIZER_MAX : RECOGNIZER_MAIN });
  } catch (e) {
    if (!(e instanceof TooDeep)) throw e;
    if (!o.deep) throw new TooDeepForThisThread();
    fail({ line: e.line, col: e.col }, `nested too deeply: more than ${MAX_DEPTH} levels (a limit of gogo-emu, see its README)`);
  }
  const synErrors = syn.errors.map((x) => (x.scanner ? new ScanError({ line: x.line, col: x.col }, x.msg) : new PosError({ line: x.line, col: x.col }, x.msg)));
  if (syn.first && syn.fatal) throw new GoErrors(synErrors);
  // what gc skipped or could not read is blanked out (same byte length, so positions stay)
  let text = source;
  if (syn.blanks.length) {
    const bytes = new TextEncoder().encode(source);
    for (const b of syn.blanks) bytes.set(new TextEncoder().encode(b.text), b.start);
    text = new TextDecoder().decode(bytes);
  }
  const parser = await goParser();
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  try {
    const root = tree.rootNode;
    P = new Positions(text);
    const deepest = checkDepth(root, o.deep ? MAX_DEPTH : MAIN_THREAD_DEPTH, !o.deep);
    try {
      if (root.hasError) syntaxError(root);
      const file = convertFile(root);
      file.softErrors = synErrors;
      file.deepest = deepest;
      return file;
    } catch (e) {
      // gc's parser errors come first in its report; a construct outside the subset counts only when there is none
      if (synErrors.length && e instanceof PosError) throw new GoErrors(e instanceof UnsupportedError ? synErrors : [...synErrors, e]);
      throw e;
    }
  } finally {
    tree.delete();
  }
}

/**
 * Positions as Go counts them. tree-sitter's columns are UTF-16 code units
 * of the JavaScript string; Go's are bytes of UTF-8. Lines of ASCII text
 * need no conversion.
 */
class Positions {
  private readonly lines: string[];
  private readonly ascii: boolean[];
  constructor(readonly text: string) {
    this.lines = text.split('\n');
    this.ascii = this.lines.map((l) => /^[\x00-\x7f]*$/.test(l));
  }
  at(row: number, column: number): Pos {
    if (this.ascii[row] !== false) return { line: row + 1, col: column + 1 };
    return { line: row + 1, col: Buffer.byteLength(this.lines[row]!.slice(0, column)) + 1 };
  }
}
let P = new Positions('');

const pos = (n: TsNode): Pos => P.at(n.startPosition.row, n.startPosition.column);
const endPos = (n: TsNode): Pos => {
  const p = P.at(n.endPosition.row, n.endPosition.column);
  return { line: p.line, col: p.col - 1 };
};
/** The source text of a node (web-tree-sitter's node.text copies the rest of the file each time). */
const textOf = (n: TsNode): string => P.text.slice(n.startIndex, n.endIndex);

/** The first line of a node's source text (a statement's, for messages). */
function firstLine(n: TsNode): string {
  const nl = P.text.indexOf('\n', n.startIndex);
  return P.text.slice(n.startIndex, nl >= 0 && nl < n.endIndex ? nl : n.endIndex);
}

/**
 * The depth of the tree, without recursion. Past `limit`: on the main thread
 * TooDeepForThisThread, else an error at the first node that is too deep.
 */
function checkDepth(root: TsNode, limit: number, mainThread: boolean): Pos {
  const c = root.walk();
  try {
    let depth = 0;
    let max = 0;
    let deepest: Pos = { line: 1, col: 1 };
    for (;;) {
      if (depth > max) {
        max = depth;
        deepest = pos(c.currentNode);
      }
      if (depth > limit) {
        if (mainThread) throw new TooDeepForThisThread();
        fail(deepest, `nested too deeply: more than ${MAX_DEPTH} levels (a limit of gogo-emu, see its README)`);
      }
      if (c.gotoFirstChild()) {
        depth++;
        continue;
      }
      while (!c.gotoNextSibling()) {
        if (!c.gotoParent()) return deepest;
        depth--;
      }
    }
  } finally {
    c.delete();
  }
}

/** tree-sitter found an error in a file gc's parser accepts: a gap of the grammar, reported where it is. */
function syntaxError(root: TsNode): never {
  let found: TsNode | undefined;
  let deepest: TsNode = root;
  const walk = (n: TsNode) => {
    if (found) return;
    if (n.isError || n.isMissing) {
      found = n;
      return;
    }
    if (n.hasError) deepest = n;
    for (const c of n.children) if (c) walk(c);
  };
  walk(root);
  // Go accepts the file (syntax.ts found nothing), so this is gogo-emu's limit, not the program's error
  const what = 'Go syntax that tree-sitter-go does not read';
  if (!found) unsupported(pos(deepest), what);
  if (found.isMissing) unsupported(pos(found), `${what} (it expected ${found.type})`);
  const first = found.children.find((c) => c && c.type !== 'comment');
  const tok = textOf(first ?? found).split('\n')[0]!.slice(0, 20);
  unsupported(pos(found), `${what} (at ${tok || 'the end of the line'})`);
}

/** Non-comment named children. */
function named(n: TsNode): TsNode[] {
  return n.namedChildren.filter((c): c is TsNode => !!c && c.type !== 'comment');
}

function field(n: TsNode, name: string): TsNode | null {
  return n.childForFieldName(name);
}

function must(n: TsNode | null, parent: TsNode, what: string): TsNode {
  if (!n) fail(pos(parent), `syntax error: missing ${what}`);
  return n;
}

/** Human names for tree-sitter node types that the subset rejects. */
const UNSUPPORTED: Record<string, string> = {
  generic_type: 'generic types',
  negated_type: 'type constraints',
  goto_statement: 'goto statements',
  type_instantiation_expression: 'generics',
  imaginary_literal: 'complex numbers',
  type_parameter_list: 'generic types',
};

function rejectNode(n: TsNode): never {
  unsupported(pos(n), UNSUPPORTED[n.type] ?? n.type.replace(/_/g, ' '));
}

// ---- file ---------------------------------------------------------------------------

function convertFile(root: TsNode): SourceFile {
  let pkg = '';
  let pkgPos: Pos = { line: 1, col: 1 };
  const imports: SourceFile['imports'] = [];
  const decls: TopDecl[] = [];
  for (const n of named(root)) {
    try {
      convertTop(n);
    } catch (e) {
      if (!(e instanceof UnsupportedError)) throw e;
      decls.push({ kind: 'bad', pos: pos(n), ...badNode(n, e) });
    }
  }
  function convertTop(n: TsNode): void {
    switch (n.type) {
      case 'package_clause': {
        const id = named(n)[0]!;
        pkg = textOf(id);
        pkgPos = pos(id);
        break;
      }
      case 'import_declaration':
        for (const spec of named(n).flatMap((c) => (c.type === 'import_spec' ? [c] : c.type === 'import_spec_list' ? named(c).filter((x) => x.type === 'import_spec') : []))) {
          const p = must(field(spec, 'path'), spec, 'import path');
          const nm = field(spec, 'name');
          imports.push(nm ? { pos: pos(p), path: stringValueText(p), name: textOf(nm), namePos: pos(nm) } : { pos: pos(p), path: stringValueText(p) });
        }
        break;
      case 'function_declaration':
        decls.push({ kind: 'func', decl: convertFuncDecl(n) });
        break;
      case 'method_declaration':
        decls.push({ kind: 'func', decl: convertMethodDecl(n) });
        break;
      case 'type_declaration':
        for (const spec of typeSpecs(n)) decls.push({ kind: 'type', spec });
        break;
      case 'var_declaration':
        for (const s of varSpecs(n)) decls.push({ kind: 'var', spec: s });
        break;
      case 'const_declaration':
        for (const s of constSpecs(n)) decls.push({ kind: 'const', spec: s });
        break;
      default:
        rejectNode(n);
    }
  }
  if (!pkg) fail({ line: 1, col: 1 }, 'syntax error: package statement must be first');
  return { pkg, pkgPos, imports, decls };
}

function convertFuncDecl(n: TsNode): FuncDecl {
  if (field(n, 'type_parameters')) unsupported(pos(field(n, 'type_parameters')!), 'generic functions');
  const nameNode = must(field(n, 'name'), n, 'function name');
  const body = field(n, 'body');
  if (!body) fail(pos(nameNode), 'missing function body');
  return {
    pos: pos(n),
    name: textOf(nameNode),
    namePos: pos(nameNode),
    sig: convertSignature(n),
    body: convertBlock(body),
  };
}

/** `func (r T) Name(...) ...` / `func (r *T) ...` */
function convertMethodDecl(n: TsNode): FuncDecl {
  const recvList = must(field(n, 'receiver'), n, 'receiver');
  const rs = named(recvList);
  // gc reports these at the method's name (the token after the receiver list)
  if (rs.length !== 1) fail(pos(field(n, 'name') ?? recvList), rs.length ? 'method has multiple receivers' : 'method has no receiver');
  const r = rs[0]!;
  if (r.type !== 'parameter_declaration') rejectNode(r);
  let t = must(field(r, 'type'), r, 'receiver type');
  while (t.type === 'parenthesized_type') t = named(t)[0]!;
  let ptr = false;
  if (t.type === 'pointer_type') {
    ptr = true;
    t = named(t)[0]!;
    while (t.type === 'parenthesized_type') t = named(t)[0]!;
  }
  if (t.type === 'generic_type') unsupported(pos(t), 'generic types');
  if (t.type !== 'type_identifier') fail(pos(t), `invalid receiver type ${textOf(t)}`);
  const names = r.childrenForFieldName('name').filter((x): x is TsNode => !!x);
  const d = convertFuncDecl(n);
  return { ...d, recv: { name: names[0] ? (names[0].type === 'blank_identifier' ? '_' : textOf(names[0])) : null, pos: pos(r), ptr, typeName: textOf(t), typePos: pos(t) } };
}

/** The specs of a type declaration: `type T U`, `type T = U`, `type ( ... )`. */
function typeSpecs(n: TsNode): TypeSpec[] {
  return named(n).map((s) => {
    if (s.type !== 'type_spec' && s.type !== 'type_alias') rejectNode(s);
    if (field(s, 'type_parameters')) unsupported(pos(field(s, 'type_parameters')!), 'generic types');
    const nm = must(field(s, 'name'), s, 'type name');
    return { pos: pos(s), name: textOf(nm), namePos: pos(nm), type: convertType(must(field(s, 'type'), s, 'type')), alias: s.type === 'type_alias' };
  });
}

function convertSignature(n: TsNode): Signature {
  const plist = must(field(n, 'parameters'), n, 'parameters');
  const params = convertParams(plist);
  const r = field(n, 'result');
  let results: Param[] = [];
  if (r) results = r.type === 'parameter_list' ? convertParams(r) : [{ name: null, pos: pos(r), type: convertType(r) }];
  const decls = named(plist);
  const vi = decls.findIndex((d) => d.type === 'variadic_parameter_declaration');
  if (vi >= 0 && vi !== decls.length - 1) fail(pos(decls[vi]!), 'can only use ... with final parameter in list');
  return vi >= 0 ? { params, results, variadic: true } : { params, results };
}

function convertParams(list: TsNode): Param[] {
  const decls = named(list).map((d) => {
    if (d.type !== 'parameter_declaration' && d.type !== 'variadic_parameter_declaration') rejectNode(d);
    const typeNode = must(field(d, 'type'), d, 'parameter type');
    return { d, typeNode, names: d.childrenForFieldName('name').filter((x): x is TsNode => !!x) };
  });
  // Go: either every parameter has a name or none has. tree-sitter-go may
  // read the leading names of `a, b, c int` as types of unnamed parameters;
  // when some declaration has names, such bare identifiers are names too and
  // take the type of the next named declaration.
  if (decls.some((x) => x.names.length > 0)) {
    const out: Param[] = [];
    let pending: TsNode[] = [];
    for (const x of decls) {
      if (x.names.length === 0) {
        if (x.typeNode.type !== 'type_identifier') fail(pos(x.d), 'syntax error: mixed named and unnamed parameters');
        pending.push(x.typeNode);
        continue;
      }
      const type = convertType(x.typeNode);
      for (const nm of [...pending, ...x.names]) out.push({ name: textOf(nm), pos: pos(nm), type });
      pending = [];
    }
    if (pending.length > 0) fail(pos(pending[0]!), 'syntax error: mixed named and unnamed parameters');
    return out;
  }
  return decls.map((x) => ({ name: null, pos: pos(x.d), type: convertType(x.typeNode) }));
}

// ---- types ----------------------------------------------------------------------------

function convertType(n: TsNode): TypeExpr {
  const base = { pos: pos(n), text: textOf(n) };
  switch (n.type) {
    case 'type_identifier':
    case 'identifier':
      return { ...base, kind: 'tname', name: textOf(n) };
    case 'qualified_type':
      return { ...base, kind: 'tqual', pkg: textOf(must(field(n, 'package'), n, 'package')), name: textOf(must(field(n, 'name'), n, 'type name')) };
    case 'parenthesized_type':
      return convertType(named(n)[0]!);
    case 'channel_type': {
      const elem = convertType(must(field(n, 'value'), n, 'element type'));
      const toks = n.children.filter((c): c is TsNode => !!c && !c.isNamed).map((c) => c.type);
      // `<-chan T` starts with the arrow; `chan<- T` has it after `chan`.
      const dir = toks[0] === '<-' ? 'recv' : toks.includes('<-') ? 'send' : 'both';
      return { ...base, kind: 'tchan', dir, elem };
    }
    case 'function_type':
      return { ...base, kind: 'tfunc', sig: convertSignature(n) };
    default:
      return convertCompositeType(n);
  }
}

/** Slice, array, pointer, map, struct and interface types. */
function convertCompositeType(n: TsNode): TypeExpr {
  const base = { pos: pos(n), text: textOf(n) };
  switch (n.type) {
    case 'slice_type':
      return { ...base, kind: 'tslice', elem: convertType(must(field(n, 'element'), n, 'element type')) };
    case 'array_type':
      return { ...base, kind: 'tarray', len: convertExpr(must(field(n, 'length'), n, 'array length')), elem: convertType(must(field(n, 'element'), n, 'element type')) };
    case 'implicit_length_array_type':
      return { ...base, kind: 'tarray', len: null, elem: convertType(must(field(n, 'element'), n, 'element type')) };
    case 'pointer_type':
      return { ...base, kind: 'tptr', elem: convertType(must(named(n)[0] ?? null, n, 'pointer base type')) };
    case 'map_type':
      return { ...base, kind: 'tmap', key: convertType(must(field(n, 'key'), n, 'key type')), elem: convertType(must(field(n, 'value'), n, 'element type')) };
    case 'struct_type': {
      const fields: FieldDecl[] = [];
      const fl = named(n)[0];
      for (const f of fl ? named(fl) : []) {
        if (f.type !== 'field_declaration') continue;
        const names = f.childrenForFieldName('name').filter((x): x is TsNode => !!x);
        let t = convertType(must(field(f, 'type'), f, 'field type'));
        // an embedded *T: tree-sitter-go keeps the star as a token of the field
        if (names.length === 0 && f.children.some((x) => x?.type === '*')) t = { pos: pos(f), text: textOf(f), kind: 'tptr', elem: t };
        fields.push({ pos: pos(f), names: names.length ? names.map((x) => ({ name: textOf(x), pos: pos(x) })) : null, type: t });
      }
      return { ...base, kind: 'tstruct', fields };
    }
    case 'interface_type': {
      const methods: { name: string; pos: Pos; sig: Signature }[] = [];
      const embeds: TypeExpr[] = [];
      for (const c of named(n)) {
        if (c.type === 'method_elem') {
          const nm = must(field(c, 'name'), c, 'method name');
          methods.push({ name: textOf(nm), pos: pos(nm), sig: convertSignature(c) });
        } else if (c.type === 'type_elem') {
          const ts = named(c);
          if (ts.length !== 1) unsupported(pos(c), 'type constraints');
          embeds.push(convertType(ts[0]!));
        } else rejectNode(c);
      }
      return { ...base, kind: 'tiface', methods, embeds };
    }
    default:
      rejectNode(n);
  }
}

// ---- expressions ------------------------------------------------------------------------

/** The bytes of a Go string literal (interpreted or raw). */
function stringBytes(n: TsNode): Uint8Array {
  if (n.type === 'raw_string_literal') {
    return new TextEncoder().encode(textOf(n).slice(1, -1).replace(/\r/g, ''));
  }
  const body = textOf(n).slice(1, -1);
  const out: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < body.length; ) {
    const c = body[i]!;
    if (c !== '\\') {
      const cp = body.codePointAt(i)!;
      const s = String.fromCodePoint(cp);
      out.push(...enc.encode(s));
      i += s.length;
      continue;
    }
    const e = body[i + 1]!;
    const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 };
    if (e in simple) {
      out.push(simple[e]!);
      i += 2;
    } else if (e === 'x') {
      out.push(parseInt(body.slice(i + 2, i + 4), 16));
      i += 4;
    } else if (e >= '0' && e <= '7') {
      out.push(parseInt(body.slice(i + 1, i + 4), 8) & 0xff);
      i += 4;
    } else if (e === 'u' || e === 'U') {
      const len = e === 'u' ? 4 : 8;
      out.push(...enc.encode(String.fromCodePoint(parseInt(body.slice(i + 2, i + 2 + len), 16))));
      i += 2 + len;
    } else {
      fail(pos(n), 'unknown escape sequence');
    }
  }
  return Uint8Array.from(out);
}

function stringValueText(n: TsNode): string {
  return new TextDecoder().decode(stringBytes(n));
}

function parseIntLit(n: TsNode): bigint {
  const t = textOf(n).replace(/_/g, '');
  if (/^0[0-7]+$/.test(t)) return BigInt(`0o${t.slice(1)}`);
  if (/^0[oO]/.test(t)) return BigInt(`0o${t.slice(2)}`);
  return BigInt(t);
}

function convertExpr(n: TsNode): Expr {
  const e = convertExprInner(n);
  // operators, calls, selectors and function literals are printed as gc
  // prints expressions in its messages (see exprText); the rest keep their source
  if (e.kind === 'paren' || e.kind === 'unary' || e.kind === 'binary' || e.kind === 'call' || e.kind === 'selector' || e.kind === 'funclit') {
    let cached: string | undefined;
    Object.defineProperty(e, 'text', {
      enumerable: true,
      configurable: true,
      get: () => (cached ??= exprText(e)),
      set: (v: string) => {
        cached = v;
      },
    });
  }
  return e;
}

/**
 * An expression as gc's messages show it (cmd/compile/internal/syntax's
 * printer in ShortForm, which types2 uses): binary operators between
 * blanks, unary ones attached, `func(a, b int) int {…}` for a function
 * literal, whatever the spacing and line breaks of the source.
 */
function exprText(e: Expr): string {
  switch (e.kind) {
    case 'paren':
      return `(${e.x.text})`;
    case 'unary':
      return `${e.op}${e.x.text}`;
    case 'binary':
      return `${e.x.text} ${e.op} ${e.y.text}`;
    case 'call':
      return `${e.fn.text}(${e.args.map((a) => a.text).join(', ')}${'ellipsis' in e && e.ellipsis ? '...' : ''})`;
    case 'selector':
      return `${e.x.text}.${e.sel}`;
    case 'funclit':
      return `func${signatureText(e.sig)} {${e.body.body.length ? '…' : ''}}`;
    default:
      return e.text;
  }
}

/** A type expression as gc's messages print it (syntax's printer, ShortForm): one line, Go's spacing. */
export function typeText(t: TypeExpr): string {
  switch (t.kind) {
    case 'tname':
      return t.name;
    case 'tqual':
      return `${t.pkg}.${t.name}`;
    case 'tfunc':
      return `func${signatureText(t.sig)}`;
    case 'tchan': {
      const e = t.elem;
      const inner = t.dir === 'both' && e.kind === 'tchan' && e.dir === 'recv' ? `(${typeText(e)})` : typeText(e);
      return `${t.dir === 'recv' ? '<-' : ''}chan${t.dir === 'send' ? '<-' : ''} ${inner}`;
    }
    case 'tslice':
      return `[]${typeText(t.elem)}`;
    case 'tptr':
      return `*${typeText(t.elem)}`;
    case 'tmap':
      return `map[${typeText(t.key)}]${typeText(t.elem)}`;
    case 'tarray':
      return `[${t.len ? t.len.text : '...'}]${typeText(t.elem)}`;
    case 'tstruct':
      return `struct{${t.fields.map((f) => (f.names ? `${f.names.map((n) => n.name).join(', ')} ` : '') + typeText(f.type)).join('; ')}}`;
    case 'tiface':
      return `interface{${[...t.embeds.map(typeText), ...t.methods.map((m) => `${m.name}${signatureText(m.sig)}`)].join('; ')}}`;
  }
}

/** `(a, b int, c bool) (int, bool)`: names sharing one written type are grouped, as gc prints them. */
function signatureText(sig: Signature): string {
  const list = (ps: Param[]) =>
    `(${ps
      .map((p, i) => {
        const last = sig.variadic && ps === sig.params && i === ps.length - 1;
        const ty = last ? `...${typeText(p.type)}` : typeText(p.type);
        if (!p.name) return ty;
        const next = ps[i + 1];
        return next && next.name && next.type === p.type ? p.name : `${p.name} ${ty}`;
      })
      .join(', ')})`;
  let s = list(sig.params);
  const r = sig.results;
  if (r.length === 1 && !r[0]!.name) s += ` ${typeText(r[0]!.type)}`;
  else if (r.length) s += ` ${list(r)}`;
  return s;
}

function convertExprInner(n: TsNode): Expr {
  const base = { pos: pos(n), text: textOf(n) };
  switch (n.type) {
    case 'identifier':
    case 'true':
    case 'false':
    case 'nil':
    case 'iota':
    case 'type_identifier':
      return { ...base, kind: 'ident', name: textOf(n) };
    case 'blank_identifier':
      return { ...base, kind: 'ident', name: '_' };
    case 'int_literal':
      return { ...base, kind: 'int', value: parseIntLit(n) };
    case 'float_literal': {
      const value = parseFloatLit(n.text);
      if (!value) unsupported(pos(n), 'hexadecimal floating-point literals');
      return { ...base, kind: 'float', value };
    }
    case 'interpreted_string_literal':
    case 'raw_string_literal':
      return { ...base, kind: 'string', value: stringBytes(n) };
    case 'parenthesized_expression': {
      const inner = named(n)[0];
      if (!inner) fail(pos(n), 'syntax error: empty parentheses');
      return { ...base, kind: 'paren', x: convertExpr(inner) };
    }
    case 'unary_expression': {
      const op = must(field(n, 'operator'), n, 'operator').type;
      return { ...base, kind: 'unary', op, x: convertExpr(must(field(n, 'operand'), n, 'operand')) };
    }
    case 'binary_expression': {
      const opNode = must(field(n, 'operator'), n, 'operator');
      return {
        ...base,
        kind: 'binary',
        op: opNode.type,
        opPos: pos(opNode),
        x: convertExpr(must(field(n, 'left'), n, 'left operand')),
        y: convertExpr(must(field(n, 'right'), n, 'right operand')),
      };
    }
    case 'call_expression': {
      if (field(n, 'type_arguments')) unsupported(pos(n), 'generics');
      const argsNode = must(field(n, 'arguments'), n, 'arguments');
      const argNodes = named(argsNode);
      const va = argNodes.findIndex((a) => a.type === 'variadic_argument');
      if (va >= 0 && va !== argNodes.length - 1) fail(pos(argNodes[va]!), 'syntax error: ... must be the final argument');
      const args = argNodes.map((a) => (a.type === 'variadic_argument' ? convertExpr(named(a)[0]!) : isTypeNode(a) ? typeAsExpr(a) : convertExpr(a)));
      const call = { ...base, kind: 'call' as const, fn: convertExpr(must(field(n, 'function'), n, 'function')), args, rparen: endPos(argsNode) };
      return va >= 0 ? { ...call, ellipsis: true } : call;
    }
    case 'selector_expression': {
      const f = must(field(n, 'field'), n, 'selector');
      return { ...base, kind: 'selector', x: convertExpr(must(field(n, 'operand'), n, 'operand')), sel: textOf(f), selPos: pos(f) };
    }
    case 'func_literal': {
      const body = must(field(n, 'body'), n, 'function body');
      return { ...base, kind: 'funclit', sig: convertSignature(n), body: convertBlock(body) };
    }
    case 'channel_type':
    case 'function_type':
    case 'qualified_type':
    case 'parenthesized_type':
    case 'slice_type':
    case 'array_type':
    case 'map_type':
    case 'pointer_type':
    case 'struct_type':
    case 'interface_type':
      return typeAsExpr(n);
    default:
      return convertCompositeExpr(n);
  }
}

/** Rune literals, index, slice, composite literal, type assertion and conversion expressions. */
function convertCompositeExpr(n: TsNode): Expr {
  const base = { pos: pos(n), text: textOf(n) };
  switch (n.type) {
    case 'rune_literal':
      return { ...base, kind: 'rune', value: runeValue(n) };
    case 'index_expression':
      return { ...base, kind: 'index', x: convertExpr(must(field(n, 'operand'), n, 'operand')), index: convertExpr(must(field(n, 'index'), n, 'index')) };
    case 'slice_expression': {
      const opt = (f: string) => {
        const c = field(n, f);
        return c ? convertExpr(c) : null;
      };
      const max = opt('capacity');
      const hi = opt('end');
      if (max && !hi) fail(pos(n), 'middle index required in 3-index slice');
      return { ...base, kind: 'slice', x: convertExpr(must(field(n, 'operand'), n, 'operand')), lo: opt('start'), hi, max };
    }
    case 'composite_literal':
      return compositeLit(n, convertType(must(field(n, 'type'), n, 'type')));
    case 'type_assertion_expression':
      return { ...base, kind: 'assert', x: convertExpr(must(field(n, 'operand'), n, 'operand')), type: convertType(must(field(n, 'type'), n, 'type')) };
    case 'type_conversion_expression': {
      const t = must(field(n, 'type'), n, 'type');
      const arg = convertExpr(must(field(n, 'operand'), n, 'operand'));
      const close = n.children.filter((c): c is TsNode => !!c && c.type === ')').pop();
      return { ...base, kind: 'call', fn: typeAsExpr(t), args: [arg], rparen: close ? pos(close) : endPos(n) };
    }
    default:
      return rejectNode(n);
  }
}

/** `T{...}` or, for a nested element, `{...}` (type null). */
function compositeLit(n: TsNode, type: TypeExpr | null): CompositeLit {
  const body = type ? must(field(n, 'body'), n, 'literal body') : n;
  const elem = (le: TsNode): Expr => {
    const inner = named(le)[0];
    if (!inner) fail(pos(le), 'syntax error: missing element');
    return inner.type === 'literal_value' ? compositeLit(inner, null) : convertExpr(inner);
  };
  const elems = named(body).map((c) => {
    if (c.type === 'keyed_element') {
      const k = must(field(c, 'key'), c, 'key');
      return { key: elem(k), value: elem(must(field(c, 'value'), c, 'value')), pos: pos(c) };
    }
    return { key: null, value: elem(c), pos: pos(c) };
  });
  const close = body.children.filter((c): c is TsNode => !!c && c.type === '}').pop();
  return { pos: pos(n), text: textOf(n), kind: 'composite', type, elems, rbrace: close ? pos(close) : endPos(n) };
}

/** The value of a rune literal ('a', '\n', '\x41', '\u00e9', '\377'). */
function runeValue(n: TsNode): bigint {
  const body = textOf(n).slice(1, -1);
  if (body[0] !== '\\') {
    const cp = body.codePointAt(0);
    if (cp === undefined || String.fromCodePoint(cp).length !== body.length) fail(pos(n), 'more than one character in rune literal');
    return BigInt(cp);
  }
  const e = body[1]!;
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, "'": 39 };
  if (e in simple && body.length === 2) return BigInt(simple[e]!);
  if (e === 'x' && body.length === 4) return BigInt(parseInt(body.slice(2), 16));
  if ((e === 'u' && body.length === 6) || (e === 'U' && body.length === 10)) return BigInt(parseInt(body.slice(2), 16));
  if (e >= '0' && e <= '7' && body.length === 4) return BigInt(parseInt(body.slice(1), 8));
  fail(pos(n), 'unknown escape sequence');
}

function isTypeNode(n: TsNode): boolean {
  return ['channel_type', 'function_type', 'struct_type', 'qualified_type', 'parenthesized_type', 'map_type', 'slice_type', 'array_type', 'pointer_type', 'interface_type'].includes(n.type);
}

function typeAsExpr(n: TsNode): Expr {
  return { pos: pos(n), text: textOf(n), kind: 'typeexpr', type: convertType(n) };
}

function exprList(n: TsNode | null): Expr[] {
  if (!n) return [];
  if (n.type === 'expression_list') return named(n).map(convertExpr);
  return [convertExpr(n)];
}

// ---- statements ---------------------------------------------------------------------------

function convertBlock(n: TsNode): Block {
  const body: Stmt[] = [];
  for (const c of named(n)) {
    if (c.type === 'statement_list') body.push(...statementList(c));
    else body.push(convertOrBad(c));
  }
  const close = n.children.filter((c): c is TsNode => !!c && c.type === '}').pop();
  return { kind: 'block', pos: pos(n), text: '{...}', body, end: close ? pos(close) : endPos(n) };
}

function statementList(n: TsNode): Stmt[] {
  return named(n).map(convertOrBad);
}

/** A statement, or (outside the subset) a placeholder that keeps the error for later (see BadNode). */
function convertOrBad(n: TsNode): Stmt {
  try {
    return convertStmt(n);
  } catch (e) {
    if (!(e instanceof UnsupportedError)) throw e;
    return { pos: pos(n), text: firstLine(n), kind: 'bad', ...badNode(n, e) };
  }
}

/** What a construct outside the subset declares and mentions. */
function badNode(n: TsNode, err: UnsupportedError): BadNode {
  const declares: BadNode['declares'] = [];
  const add = (x: TsNode | null, what: BadNode['declares'][number]['what']) => {
    if (x && textOf(x) !== '_') declares.push({ name: textOf(x), pos: pos(x), what });
  };
  switch (n.type) {
    case 'short_var_declaration':
      for (const x of named(field(n, 'left') ?? n)) if (x.type === 'identifier') add(x, 'var');
      break;
    case 'var_declaration':
      for (const sp of n.descendantsOfType('var_spec')) for (const x of sp?.childrenForFieldName('name') ?? []) add(x, 'var');
      break;
    case 'const_declaration':
      for (const sp of n.descendantsOfType('const_spec')) for (const x of sp?.childrenForFieldName('name') ?? []) add(x, 'const');
      break;
    case 'type_declaration':
      for (const sp of named(n)) add(field(sp, 'name'), 'type');
      break;
    case 'function_declaration':
      add(field(n, 'name'), 'func');
      break;
  }
  const idents = n.descendantsOfType(['identifier', 'type_identifier', 'package_identifier']).map((x) => (x ? textOf(x) : ''));
  return { err, declares, idents };
}

function varSpecs(n: TsNode): VarSpec[] {
  // the declaration's own specs (`var x T` or `var ( ... )`), not those of a
  // `var` inside a function literal in one of its values
  const specs = named(n).flatMap((c) => (c.type === 'var_spec' ? [c] : c.type === 'var_spec_list' ? named(c).filter((x) => x.type === 'var_spec') : []));
  return specs.map((s) => {
    const t = field(s, 'type');
    return {
      pos: pos(s),
      names: s.childrenForFieldName('name').filter((x): x is TsNode => !!x).map(identOf),
      type: t ? convertType(t) : null,
      values: exprList(field(s, 'value')),
    };
  });
}

function constSpecs(n: TsNode): ConstSpec[] {
  const out: ConstSpec[] = [];
  let prev: { type: TypeExpr | null; values: Expr[] } | null = null;
  let iota = 0;
  for (const s of named(n)) {
    if (s.type !== 'const_spec') continue;
    const t = field(s, 'type');
    const values = exprList(field(s, 'value'));
    const names = s.childrenForFieldName('name').filter((x): x is TsNode => !!x).map(identOf);
    if (values.length === 0) {
      if (!prev) fail(pos(s), 'missing init expr for const declaration');
      if (t) fail(pos(s), 'missing init expr for const declaration');
      out.push({ pos: pos(s), names, type: prev.type, values: prev.values, implicit: true, iota });
    } else {
      prev = { type: t ? convertType(t) : null, values };
      out.push({ pos: pos(s), names, type: prev.type, values, implicit: false, iota });
    }
    iota++;
  }
  return out;
}

/** `switch [init;] [v :=] x.(type) { case T1, T2: ... default: ... }` */
function typeSwitch(n: TsNode): Stmt {
  const alias = exprList(field(n, 'alias'));
  if (alias.length > 1) fail(alias[1]!.pos, 'syntax error: unexpected comma');
  const bind = alias[0] ?? null;
  if (bind && bind.kind !== 'ident') fail(bind.pos, `invalid variable name ${bind.text} in type switch`);
  const clauses: TypeClause[] = [];
  for (const c of named(n)) {
    if (c.type !== 'type_case' && c.type !== 'default_case') continue;
    const body = named(c).filter((x) => x.type === 'statement_list').flatMap(statementList);
    if (c.type === 'default_case') {
      clauses.push({ pos: pos(c), types: null, body });
      continue;
    }
    const types = c.childrenForFieldName('type').filter((x): x is TsNode => !!x && x.isNamed).map((t) => (textOf(t) === 'nil' ? null : convertType(t)));
    clauses.push({ pos: pos(c), types, body });
  }
  const close = n.children.filter((c): c is TsNode => !!c && c.type === '}').pop();
  const x = convertExpr(must(field(n, 'value'), n, 'switch value'));
  return { pos: pos(n), text: firstLine(n), kind: 'typeswitch', init: simpleStmt(field(n, 'initializer')), bind: bind as Ident | null, x, clauses, end: close ? pos(close) : endPos(n) };
}

/**
 * `select { case c <- v: ... case v, ok := <-c: ... default: ... }`: each
 * case's communication becomes the statement it is (a send, `<-c` as an
 * expression statement, or a := / = whose right side is the receive).
 */
function selectStmt(n: TsNode): Stmt {
  const clauses: CommClause[] = [];
  for (const c of named(n)) {
    if (c.type !== 'communication_case' && c.type !== 'default_case') continue;
    const body = named(c).filter((x) => x.type === 'statement_list').flatMap(statementList);
    const cn = c.type === 'default_case' ? null : must(field(c, 'communication'), c, 'communication');
    clauses.push({ pos: pos(c), comm: cn ? commStmt(cn) : null, body });
  }
  const close = n.children.filter((c): c is TsNode => !!c && c.type === '}').pop();
  return { pos: pos(n), text: firstLine(n), kind: 'select', clauses, end: close ? pos(close) : endPos(n) };
}

function commStmt(n: TsNode): Stmt {
  if (n.type !== 'receive_statement') return convertStmt(n);
  const base = { pos: pos(n), text: firstLine(n) };
  const rhs = convertExpr(must(field(n, 'right'), n, 'receive'));
  let r = rhs;
  while (r.kind === 'paren') r = r.x;
  if (r.kind !== 'unary' || r.op !== '<-') fail(base.pos, 'select case must be send or receive (possibly with assignment)');
  const lhs = exprList(field(n, 'left'));
  if (lhs.length === 0) return { ...base, kind: 'expr', x: rhs };
  const op = n.children.find((c) => c?.type === ':=' || c?.type === '=');
  const opPos = op ? pos(op) : base.pos;
  if (op?.type === ':=') {
    const ids = lhs.map((e) => {
      if (e.kind !== 'ident') fail(e.pos, `non-name ${e.text} on left side of :=`);
      return e;
    });
    return { ...base, kind: 'define', lhs: ids, rhs: [rhs], opPos };
  }
  return { ...base, kind: 'assign', lhs, op: '=', rhs: [rhs], opPos };
}

function identOf(n: TsNode): Ident {
  const text = textOf(n);
  return { pos: pos(n), text, kind: 'ident', name: n.type === 'blank_identifier' ? '_' : text };
}

function simpleStmt(n: TsNode | null): Stmt | null {
  return n ? convertStmt(n) : null;
}

function convertStmt(n: TsNode): Stmt {
  const base = { pos: pos(n), text: firstLine(n) };
  switch (n.type) {
    case 'expression_statement':
      return { ...base, kind: 'expr', x: convertExpr(named(n)[0]!) };
    case 'send_statement':
      return { ...base, kind: 'send', ch: convertExpr(must(field(n, 'channel'), n, 'channel')), value: convertExpr(must(field(n, 'value'), n, 'value')) };
    case 'inc_statement':
    case 'dec_statement':
      return { ...base, kind: 'incdec', x: convertExpr(named(n)[0]!), op: n.type === 'inc_statement' ? '++' : '--' };
    case 'assignment_statement': {
      const op = must(field(n, 'operator'), n, 'operator');
      return { ...base, kind: 'assign', lhs: exprList(field(n, 'left')), op: op.type, opPos: pos(op), rhs: exprList(field(n, 'right')) };
    }
    case 'short_var_declaration': {
      const left = exprList(field(n, 'left'));
      const lhs = left.map((e) => {
        if (e.kind !== 'ident') fail(e.pos, `non-name ${e.text} on left side of :=`);
        return e;
      });
      const opNode = n.children.find((c) => c?.type === ':=');
      return { ...base, kind: 'define', lhs, rhs: exprList(field(n, 'right')), opPos: opNode ? pos(opNode) : base.pos };
    }
    case 'var_declaration':
      return { ...base, kind: 'var', specs: varSpecs(n) };
    case 'const_declaration':
      return { ...base, kind: 'const', specs: constSpecs(n) };
    case 'block':
      return convertBlock(n);
    case 'if_statement': {
      const alt = field(n, 'alternative');
      return {
        ...base,
        kind: 'if',
        init: simpleStmt(field(n, 'initializer')),
        cond: convertExpr(must(field(n, 'condition'), n, 'condition')),
        then: convertBlock(must(field(n, 'consequence'), n, 'block')),
        else: alt ? (alt.type === 'block' ? convertBlock(alt) : (convertStmt(alt) as Extract<Stmt, { kind: 'if' }>)) : null,
      };
    }
    case 'for_statement': {
      const bodyNode = must(field(n, 'body'), n, 'loop body');
      const body = convertBlock(bodyNode);
      const head = named(n).find((c) => c.id !== bodyNode.id);
      if (!head) return { ...base, kind: 'for', init: null, cond: null, post: null, body };
      if (head.type === 'for_clause') {
        const c = field(head, 'condition');
        return {
          ...base,
          kind: 'for',
          init: simpleStmt(field(head, 'initializer')),
          cond: c ? convertExpr(c) : null,
          post: simpleStmt(field(head, 'update')),
          body,
        };
      }
      if (head.type === 'range_clause') {
        const left = exprList(field(head, 'left'));
        if (left.length > 2) fail(left[2]!.pos, 'range clause permits at most two iteration variables');
        const define = head.children.some((c) => c?.type === ':=');
        return { ...base, kind: 'range', key: left[0] ?? null, value: left[1] ?? null, define, x: convertExpr(must(field(head, 'right'), head, 'range expression')), body };
      }
      return { ...base, kind: 'for', init: null, cond: convertExpr(head), post: null, body };
    }
    case 'expression_switch_statement': {
      const clauses: Clause[] = [];
      for (const c of named(n)) {
        if (c.type !== 'expression_case' && c.type !== 'default_case') continue;
        const body = named(c).filter((x) => x.type === 'statement_list').flatMap(statementList);
        clauses.push({ pos: pos(c), values: c.type === 'default_case' ? null : exprList(field(c, 'value')), body });
      }
      const v = field(n, 'value');
      const close = n.children.filter((c): c is TsNode => !!c && c.type === '}').pop();
      return { ...base, kind: 'switch', init: simpleStmt(field(n, 'initializer')), tag: v ? convertExpr(v) : null, clauses, end: close ? pos(close) : endPos(n) };
    }
    case 'labeled_statement': {
      const label = textOf(must(field(n, 'label'), n, 'label'));
      const inner = named(n).find((c) => c.type !== 'label_name');
      return { ...base, kind: 'labeled', label, stmt: inner ? convertStmt(inner) : { ...base, kind: 'empty' } };
    }
    case 'break_statement':
    case 'continue_statement': {
      const l = named(n).find((c) => c.type === 'label_name');
      return { ...base, kind: n.type === 'break_statement' ? 'break' : 'continue', label: l ? textOf(l) : null, labelPos: l ? pos(l) : undefined };
    }
    case 'return_statement':
      return { ...base, kind: 'return', results: exprList(named(n)[0] ?? null) };
    case 'go_statement':
    case 'defer_statement': {
      const kind = n.type === 'go_statement' ? 'go' : 'defer';
      const x = convertExpr(named(n)[0]!);
      let inner = x;
      while (inner.kind === 'paren') inner = inner.x;
      if (inner.kind !== 'call') fail(x.pos, `expression in ${kind} must be function call`);
      if (x.kind === 'paren') fail(x.pos, `expression in ${kind} must not be parenthesized`);
      return { ...base, kind, call: inner };
    }
    case 'fallthrough_statement':
      return { ...base, kind: 'fallthrough' };
    case 'type_declaration':
      return { ...base, kind: 'type', specs: typeSpecs(n) };
    case 'type_switch_statement':
      return typeSwitch(n);
    case 'select_statement':
      return selectStmt(n);
    case 'empty_statement':
      return { ...base, kind: 'empty' };
    default:
      return rejectNode(n);
  }
}
