// The syntax tree of the Go subset, made from tree-sitter-go's concrete tree by
// parse.ts. Only constructs of the subset exist here: anything else was
// rejected with `unsupported: ...` while converting. The checker (check.ts)
// fills in the annotation fields marked "set by the checker".
import type { Pos, PosError } from './errors.ts';
import type { FuncInfo, Obj } from './check.ts';
import type { ConstValue, Type } from './types.ts';

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
  | (Node & { kind: 'tstruct0' });

export interface Param {
  name: string | null;
  pos: Pos;
  type: TypeExpr;
}

export interface Signature {
  params: Param[];
  results: Param[];
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
}

export type Ident = Node & ExprInfo & { kind: 'ident'; name: string; obj?: Obj };

export type Expr =
  | Ident
  | (Node & ExprInfo & { kind: 'int'; value: bigint })
  | (Node & ExprInfo & { kind: 'string'; value: Uint8Array })
  | (Node & ExprInfo & { kind: 'unary'; op: string; x: Expr })
  | (Node & ExprInfo & { kind: 'binary'; op: string; x: Expr; y: Expr; opPos: Pos })
  | CallExpr
  | (Node & ExprInfo & { kind: 'selector'; x: Expr; sel: string; selPos: Pos })
  | FuncLit
  | (Node & ExprInfo & { kind: 'paren'; x: Expr })
  | (Node & ExprInfo & { kind: 'structlit' })
  | (Node & ExprInfo & { kind: 'typeexpr'; type: TypeExpr });

export type CallExpr = Node &
  ExprInfo & {
    kind: 'call';
    fn: Expr;
    args: Expr[];
    /** position of the closing parenthesis (Go reports argument-count errors there) */
    rparen: Pos;
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
export type Breakable = ForStmt | RangeStmt | SwitchStmt;

export type ForStmt = Node & { kind: 'for'; init: Stmt | null; cond: Expr | null; post: Stmt | null; body: Block; label?: string };
export type RangeStmt = Node & {
  kind: 'range';
  /** the iteration variable, if any */
  key: Expr | null;
  /** `for k := range ch` (true) or `for k = range ch` (false) */
  define: boolean;
  x: Expr;
  body: Block;
  label?: string;
};
export type SwitchStmt = Node & { kind: 'switch'; init: Stmt | null; tag: Expr | null; clauses: Clause[]; end: Pos; label?: string };

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
  | (Node & { kind: 'labeled'; label: string; stmt: Stmt })
  | (Node & { kind: 'break' | 'continue'; label: string | null; labelPos?: Pos; /** set by the checker */ target?: Breakable })
  | (Node & { kind: 'return'; results: Expr[] })
  | (Node & { kind: 'go' | 'defer'; call: CallExpr })
  | (Node & { kind: 'fallthrough' })
  | (Node & { kind: 'empty' });

export type IfStmt = Extract<Stmt, { kind: 'if' }>;

// ---- the file -------------------------------------------------------------------------

export interface ImportSpec {
  pos: Pos;
  path: string;
}

export interface FuncDecl {
  pos: Pos;
  name: string;
  namePos: Pos;
  sig: Signature;
  body: Block;
  /** set by the checker */
  info?: FuncInfo;
}

/** Package-level declarations in source order (the order of initialization, see check.ts). */
export type TopDecl = { kind: 'func'; decl: FuncDecl } | { kind: 'var'; spec: VarSpec } | { kind: 'const'; spec: ConstSpec };

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
  softError?: PosError;
  /** where the syntax tree is deepest (for an error when a deep program still exhausts the stack) */
  deepest?: Pos;
}
