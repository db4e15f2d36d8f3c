// The syntax tree of the Go subset, made from tree-sitter-go's concrete tree by
// parse.ts. Only constructs of the subset exist here: anything else was
// rejected with `unsupported: ...` while converting. The checker (check.ts)
// fills in the annotation fields marked "set by the checker".
import type { Pos, PosError } from './errors.ts';
import type { FuncInfo, Obj } from './check.ts';
import type { ConstValue, Selection, Type } from './types.ts';
import type { Rat } from './floats.ts';

interface Node {
  pos: Pos;
  /** the source text, for messages */
  text: string;
}

// ---- types as written -----------------------------------------------------------

export type TypeExpr =
  | (Node & { kind: 'tname'; name: string })
  | (Node & { kind: 'tqual'; pkg: string; name: string })
  | (Node & { kind: 'tchan'; dir: 'both' | 'send' | 'recv'; elem: TypeExpr })
  | (Node & { kind: 'tfunc'; sig: Signature })
  | (Node & { kind: 'tslice'; elem: TypeExpr })
  /** len null: `[...]T` (only in a composite literal) */
  | (Node & { kind: 'tarray'; len: Expr | null; elem: TypeExpr })
  | (Node & { kind: 'tptr'; elem: TypeExpr })
  | (Node & { kind: 'tmap'; key: TypeExpr; elem: TypeExpr })
  | (Node & { kind: 'tstruct'; fields: FieldDecl[] })
  | (Node & { kind: 'tiface'; methods: { name: string; pos: Pos; sig: Signature }[]; embeds: TypeExpr[] });

/** One line of a struct type: `a, b T`, or an embedded `T` / `*T` (names null). */
export interface FieldDecl {
  pos: Pos;
  names: { name: string; pos: Pos }[] | null;
  type: TypeExpr;
}

export interface Param {
  name: string | null;
  pos: Pos;
  type: TypeExpr;
}

export interface Signature {
  params: Param[];
  results: Param[];
  /** the last parameter is `...T` (its type expression is T) */
  variadic?: boolean;
}

// ---- expressions ------------------------------------------------------------------

/** Filled in by the checker for every expression it has checked. */
export interface ExprInfo {
  /** the type (a tuple for multi-value calls, undefined for no value) */
  t?: Type;
  /** the constant value, when the expression is a constant */
  cv?: ConstValue;
  /** what an expression denotes: a value, nothing (a call without results), a type, a package, a builtin */
  mode?: 'value' | 'novalue' | 'type' | 'pkg' | 'builtin' | 'commaok';
  /**
   * for mode 'builtin': which one: a Go builtin (println, len, make, ...),
   * runtime.Gosched etc., or a sync.WaitGroup method as `wg.Add`
   */
  builtin?: string;
  /** a selector's field path or method (set by the checker) */
  selection?: Selection;
}

export type Ident = Node & ExprInfo & { kind: 'ident'; name: string; obj?: Obj };

export type Expr =
  | Ident
  | (Node & ExprInfo & { kind: 'int'; value: bigint })
  | (Node & ExprInfo & { kind: 'float'; value: Rat })
  | (Node & ExprInfo & { kind: 'string'; value: Uint8Array })
  | (Node & ExprInfo & { kind: 'unary'; op: string; x: Expr })
  | (Node & ExprInfo & { kind: 'binary'; op: string; x: Expr; y: Expr; opPos: Pos })
  | CallExpr
  | (Node & ExprInfo & { kind: 'selector'; x: Expr; sel: string; selPos: Pos })
  | FuncLit
  | (Node & ExprInfo & { kind: 'paren'; x: Expr })
  | (Node & ExprInfo & { kind: 'typeexpr'; type: TypeExpr })
  | (Node & ExprInfo & { kind: 'rune'; value: bigint })
  | (Node & ExprInfo & { kind: 'index'; x: Expr; index: Expr })
  | (Node & ExprInfo & { kind: 'slice'; x: Expr; lo: Expr | null; hi: Expr | null; max: Expr | null })
  | CompositeLit
  /** x.(T); type null for the `x.(type)` of a type switch */
  | (Node & ExprInfo & { kind: 'assert'; x: Expr; type: TypeExpr | null });

/** `T{...}`; type null for an element of an enclosing literal whose type is implied. */
export type CompositeLit = Node &
  ExprInfo & {
    kind: 'composite';
    type: TypeExpr | null;
    /** field: the struct field (set by the checker); index: the array or slice index (set by the checker) */
    elems: { key: Expr | null; value: Expr; pos: Pos; field?: number; index?: number }[];
    /** set by the checker: an elided `&T` in an enclosing literal's element (the literal is a pointer) */
    implicitAddr?: boolean;
    /** position of the closing brace (Go reports missing elements there) */
    rbrace: Pos;
  };

export type CallExpr = Node &
  ExprInfo & {
    kind: 'call';
    fn: Expr;
    args: Expr[];
    /** position of the closing parenthesis (Go reports argument-count errors there) */
    rparen: Pos;
    /** f(xs...) */
    ellipsis?: boolean;
    /** set by the checker: f(g()) where g's results are f's arguments (f has several parameters or is variadic) */
    spread?: boolean;
  };

export type FuncLit = Node &
  ExprInfo & {
    kind: 'funclit';
    sig: Signature;
    body: Block;
    /** set by the checker */
    info?: FuncInfo;
  };

// ---- statements ---------------------------------------------------------------------

export interface Block extends Node {
  kind: 'block';
  body: Stmt[];
  /** position of the closing brace */
  end: Pos;
}

export interface VarSpec {
  pos: Pos;
  names: Ident[];
  type: TypeExpr | null;
  values: Expr[];
}

export interface ConstSpec {
  pos: Pos;
  names: Ident[];
  type: TypeExpr | null;
  /** the values; for an implicit repetition, the previous spec's */
  values: Expr[];
  /** true when `values` were inherited from an earlier spec of the group */
  implicit: boolean;
  iota: number;
}

export interface Clause {
  pos: Pos;
  /** null for `default` */
  values: Expr[] | null;
  body: Stmt[];
}

/** Statements that `break` can leave (set up by the checker for labels and plain breaks). */
export type Breakable = ForStmt | RangeStmt | SwitchStmt | TypeSwitchStmt | SelectStmt;

/**
 * One case of a select: comm is the communication as the statement it is (a
 * send; `<-c` as an expression statement; a define or assign whose only right
 * side is the receive); null for default.
 */
export interface CommClause {
  pos: Pos;
  comm: Stmt | null;
  body: Stmt[];
}

export type SelectStmt = Node & { kind: 'select'; clauses: CommClause[]; end: Pos; label?: string };

export type ForStmt = Node & { kind: 'for'; init: Stmt | null; cond: Expr | null; post: Stmt | null; body: Block; label?: string };
export type RangeStmt = Node & {
  kind: 'range';
  /** the iteration variables, if any */
  key: Expr | null;
  value: Expr | null;
  /** `for k := range ch` (true) or `for k = range ch` (false) */
  define: boolean;
  x: Expr;
  body: Block;
  label?: string;
};
export type SwitchStmt = Node & { kind: 'switch'; init: Stmt | null; tag: Expr | null; clauses: Clause[]; end: Pos; label?: string };

/** One clause of a type switch: `case T1, T2:` (a null type is `nil`), or default (types null). */
export interface TypeClause {
  pos: Pos;
  types: (TypeExpr | null)[] | null;
  body: Stmt[];
  /** set by the checker: the clause's own variable `v` of `switch v := x.(type)` */
  v?: import('./check.ts').VarObj;
  /** set by the checker: the types of `types` (null for nil) */
  resolved?: (Type | null)[];
}

export type TypeSwitchStmt = Node & {
  kind: 'typeswitch';
  init: Stmt | null;
  /** `v` in `switch v := x.(type)` */
  bind: Ident | null;
  x: Expr;
  clauses: TypeClause[];
  end: Pos;
  label?: string;
};

export type Stmt =
  | (Node & { kind: 'expr'; x: Expr })
  | (Node & { kind: 'send'; ch: Expr; value: Expr })
  | (Node & { kind: 'incdec'; x: Expr; op: '++' | '--' })
  | (Node & { kind: 'assign'; lhs: Expr[]; op: string; rhs: Expr[]; opPos: Pos })
  | (Node & { kind: 'define'; lhs: Ident[]; rhs: Expr[]; opPos: Pos; /** set by the checker: which names are new */ fresh?: boolean[] })
  | (Node & { kind: 'var'; specs: VarSpec[] })
  | (Node & { kind: 'const'; specs: ConstSpec[] })
  | Block
  | (Node & { kind: 'if'; init: Stmt | null; cond: Expr; then: Block; else: Block | IfStmt | null })
  | ForStmt
  | RangeStmt
  | SwitchStmt
  | TypeSwitchStmt
  | SelectStmt
  | (Node & { kind: 'type'; specs: TypeSpec[] })
  | (Node & { kind: 'labeled'; label: string; stmt: Stmt })
  | (Node & { kind: 'break' | 'continue'; label: string | null; labelPos?: Pos; /** set by the checker */ target?: Breakable })
  | (Node & { kind: 'return'; results: Expr[] })
  | (Node & { kind: 'go' | 'defer'; call: CallExpr })
  | (Node & { kind: 'fallthrough' })
  | (Node & { kind: 'empty' })
  /** a statement outside the subset (see BadNode) */
  | (Node & { kind: 'bad' } & BadNode);

/**
 * A statement or declaration the parser could not convert (a construct
 * outside the subset): the error, the names it declares, and every name it
 * mentions (so that variables and imports it uses count as used).
 */
export interface BadNode {
  err: import('./errors.ts').UnsupportedError;
  declares: { name: string; pos: Pos; what: 'var' | 'func' | 'type' | 'const' }[];
  idents: string[];
}

export type IfStmt = Extract<Stmt, { kind: 'if' }>;

// ---- the file -------------------------------------------------------------------------

export interface ImportSpec {
  pos: Pos;
  path: string;
  /** import name "path" (an alias; _ and . are outside the subset) */
  name?: string;
  namePos?: Pos;
}

/** `type T U` (alias: `type T = U`) */
export interface TypeSpec {
  pos: Pos;
  name: string;
  namePos: Pos;
  type: TypeExpr;
  alias: boolean;
}

export interface FuncDecl {
  pos: Pos;
  name: string;
  namePos: Pos;
  /** a method's receiver: `(t T)` / `(t *T)` (name null when unnamed) */
  recv?: { name: string | null; pos: Pos; ptr: boolean; typeName: string; typePos: Pos };
  sig: Signature;
  body: Block;
  /** set by the checker */
  info?: FuncInfo;
}

/** Package-level declarations in source order (the order of initialization, see check.ts). */
export type TopDecl = { kind: 'func'; decl: FuncDecl } | { kind: 'var'; spec: VarSpec } | { kind: 'const'; spec: ConstSpec } | { kind: 'type'; spec: TypeSpec } | ({ kind: 'bad'; pos: Pos } & BadNode);

export interface SourceFile {
  pkg: string;
  pkgPos: Pos;
  imports: ImportSpec[];
  decls: TopDecl[];
  /**
   * An error gc reports without stopping before type checking (a malformed
   * number, an invalid character, `go f`): it is the one to report unless
   * the checker finds an earlier one (gc prints its errors by position).
   */
  softErrors?: PosError[];
  /** where the syntax tree is deepest (for an error when a deep program still exhausts the stack) */
  deepest?: Pos;
}
