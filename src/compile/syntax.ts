// Go's syntax, as the go1.19 compiler checks it: a TypeScript port of the
// scanner and parser of cmd/compile/internal/syntax (scanner.go, parser.go,
// and the expression printer of printer.go for the messages that quote code)
// that only *recognizes* a file and reports its errors exactly as `go build`
// prints them: same wording, same line and byte column.
//
// Why: tree-sitter-go (parse.ts) is an error-tolerant parser with
// context-aware lexing. It reads `--x` as `-(-x)`, `i <- 3` in a condition
// as `i < -3`, accepts a second package clause or one after the functions,
// and has no notion of Go's automatic semicolons, so programs Go rejects
// were compiled; and where it does see an error, its position and words are
// not Go's. parseGo runs this recognizer first; tree-sitter then builds the
// tree of a file that is known to be valid Go.
//
// What differs from gc, on purpose:
// - Errors: recovery as gc's (advance to a follow set after an error), so
//   every error is recorded in gc's order; recognition stops at gc's tenth
//   (base.ErrorfAt's limit); compile/errors.ts sorts them as FlushErrors.
// - //go: directives: only whether one is misplaced (gc's pragma handler);
//   what a declaration allows is not checked.
// - Nodes keep only what the checks of the parser and its messages need
//   (kinds, positions, names, operators); bodies are not kept.
// - //line directives and pragmas are ignored (they do not affect syntax).
// - Nesting: every recursive step counts one level; past `maxDepth` the
//   recognizer stops with TooDeep (see compile/index.ts for what happens then).
//
// Positions are 1-based lines and byte columns, like gc's.

/** A syntax error at a 1-based line and byte column, with gc's message. */
export interface SyntaxIssue {
  line: number;
  col: number;
  msg: string;
  /** the scanner's (a malformed literal, an invalid character): gc's checker sees a bad operand there */
  scanner?: boolean;
}

/** Thrown when the nesting limit given to checkSyntax is exceeded. */
export class TooDeep extends Error {
  constructor(
    readonly line: number,
    readonly col: number,
    readonly depth: number,
  ) {
    super(`nesting deeper than ${depth} levels`);
    this.name = 'TooDeep';
  }
}

// ---- tokens -----------------------------------------------------------------------------------

const T = {
  EOF: 1,
  Name: 2,
  Literal: 3,
  Operator: 4,
  AssignOp: 5,
  IncOp: 6,
  Assign: 7,
  Define: 8,
  Arrow: 9,
  Star: 10,
  Lparen: 11,
  Lbrack: 12,
  Lbrace: 13,
  Rparen: 14,
  Rbrack: 15,
  Rbrace: 16,
  Comma: 17,
  Semi: 18,
  Colon: 19,
  Dot: 20,
  DotDotDot: 21,
  Break: 22,
  Case: 23,
  Chan: 24,
  Const: 25,
  Continue: 26,
  Default: 27,
  Defer: 28,
  Else: 29,
  Fallthrough: 30,
  For: 31,
  Func: 32,
  Go: 33,
  Goto: 34,
  If: 35,
  Import: 36,
  Interface: 37,
  Map: 38,
  Package: 39,
  Range: 40,
  Return: 41,
  Select: 42,
  Struct: 43,
  Switch: 44,
  Type: 45,
  Var: 46,
};
// (plain numbers, not literal types: the current token changes behind the
// checker's back whenever next() runs)
type Tok = number;

const TOKEN_NAMES: Record<number, string> = {
  [T.EOF]: 'EOF',
  [T.Name]: 'name',
  [T.Literal]: 'literal',
  [T.Operator]: 'op',
  [T.AssignOp]: 'op=',
  [T.IncOp]: 'opop',
  [T.Assign]: '=',
  [T.Define]: ':=',
  [T.Arrow]: '<-',
  [T.Star]: '*',
  [T.Lparen]: '(',
  [T.Lbrack]: '[',
  [T.Lbrace]: '{',
  [T.Rparen]: ')',
  [T.Rbrack]: ']',
  [T.Rbrace]: '}',
  [T.Comma]: ',',
  [T.Semi]: ';',
  [T.Colon]: ':',
  [T.Dot]: '.',
  [T.DotDotDot]: '...',
};
const KEYWORDS: Record<string, Tok> = {
  break: T.Break,
  case: T.Case,
  chan: T.Chan,
  const: T.Const,
  continue: T.Continue,
  default: T.Default,
  defer: T.Defer,
  else: T.Else,
  fallthrough: T.Fallthrough,
  for: T.For,
  func: T.Func,
  go: T.Go,
  goto: T.Goto,
  if: T.If,
  import: T.Import,
  interface: T.Interface,
  map: T.Map,
  package: T.Package,
  range: T.Range,
  return: T.Return,
  select: T.Select,
  struct: T.Struct,
  switch: T.Switch,
  type: T.Type,
  var: T.Var,
};
for (const [k, v] of Object.entries(KEYWORDS)) TOKEN_NAMES[v] = k;

/** gc's tokstring: English words for some punctuation in messages. */
function tokstring(t: Tok): string {
  if (t === T.Comma) return 'comma';
  if (t === T.Semi) return 'semicolon or newline';
  return TOKEN_NAMES[t]!;
}

// operator precedences
const precOrOr = 1;
const precAndAnd = 2;
const precCmp = 3;
const precAdd = 4;
const precMul = 5;

/** Single-character punctuation: token, and whether a newline after it becomes a semicolon. */
const PUNCT: Record<number, [Tok, boolean]> = {
  0x28: [T.Lparen, false],
  0x5b: [T.Lbrack, false],
  0x7b: [T.Lbrace, false],
  0x2c: [T.Comma, false],
  0x29: [T.Rparen, true],
  0x5d: [T.Rbrack, true],
  0x7d: [T.Rbrace, true],
};


// ---- the scanner ----------------------------------------------------------------------------------

const isLetter = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
const isDecimal = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDecimal(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
const lower = (c: number) => c | 0x20;
const RE_LETTER = /\p{L}/u;
const RE_DIGIT = /\p{Nd}/u;
const RE_PRINT = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;

/** Go's %#U: U+0024 '$' (the character only when printable). */
function fmtU(c: number): string {
  const hex = c.toString(16).toUpperCase().padStart(4, '0');
  const s = String.fromCodePoint(c);
  return c === 0x20 || RE_PRINT.test(s) ? `U+${hex} '${s}'` : `U+${hex}`;
}

/** Go's %q of a rune: 'x', with escapes for quotes and non-printables. */
function fmtQ(c: number): string {
  const simple: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v', 0x27: "\\'", 0x5c: '\\\\' };
  if (simple[c]) return `'${simple[c]}'`;
  const s = String.fromCodePoint(c);
  if (c === 0x20 || RE_PRINT.test(s)) return `'${s}'`;
  if (c < 0x80) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  if (c < 0x10000) return `'\\u${c.toString(16).padStart(4, '0')}'`;
  return `'\\U${c.toString(16).padStart(8, '0')}'`;
}

function baseName(base: number): string {
  return base === 2 ? 'binary' : base === 8 ? 'octal' : base === 10 ? 'decimal' : 'hexadecimal';
}

/** The index of the first misplaced '_' in a number literal, or -1 (scanner.go invalidSep). */
function invalidSep(x: string): number {
  let x1 = ' ';
  let d = '.';
  let i = 0;
  if (x.length >= 2 && x[0] === '0') {
    x1 = x[1]!.toLowerCase();
    if (x1 === 'x' || x1 === 'o' || x1 === 'b') {
      d = '0';
      i = 2;
    }
  }
  for (; i < x.length; i++) {
    const p = d;
    d = x[i]!;
    const c = d.charCodeAt(0);
    if (d === '_') {
      if (p !== '0') return i;
    } else if (isDecimal(c) || (x1 === 'x' && isHex(c))) d = '0';
    else {
      if (p === '_') return i - 1;
      d = '.';
    }
  }
  if (d === '_') return x.length - 1;
  return -1;
}

class Scanner {
  // source
  private readonly buf: Uint8Array;
  private r = 0; // read position: the byte after ch
  private b = -1; // start of the current segment
  private sline = 0; // 0-based position of ch
  private scol = 0;
  ch: number = 0x20;
  private chw = 0;
  // token
  nlsemi = false;
  line = 0;
  col = 0;
  tok: number = T.EOF;
  lit = '';
  op = '';
  prec = 0;
  kind: 'int' | 'float' | 'imag' | 'rune' | 'string' = 'int';
  bad = false;
  /** byte offset of the current token */
  off = 0;
  /**
   * Byte ranges the scanner skipped or could not read (invalid characters,
   * malformed literals), each with a same-length replacement that tree-sitter
   * can parse: gc goes on after these errors, and so must the rest of the
   * pipeline (see SyntaxResult).
   */
  readonly blanks: { start: number; end: number; text: string }[] = [];
  /** the current token is the first thing on its line (gc's scanner.blank) */
  protected blankLine = false;

  /** a //go: directive at (line, col) (after the //); the parser keeps it as gc's pragma */
  protected directive(_line: number, _col: number, _text: string, _blank: boolean): void {}

  constructor(
    src: Uint8Array,
    protected readonly errh: (line: number, col: number, msg: string) => void,
  ) {
    this.buf = src;
  }

  private pos(): [number, number] {
    return [this.sline + 1, this.scol + 1];
  }

  private error(msg: string): void {
    const [l, c] = this.pos();
    this.errh(l, c, msg);
  }

  private errorAt(offset: number, msg: string): void {
    this.errh(this.line, this.col + offset, msg);
  }

  private start(): void {
    this.b = this.r - this.chw;
  }
  private stop(): void {
    this.b = -1;
  }
  private segment(): string {
    return Buffer.from(this.buf.subarray(this.b, this.r - this.chw)).toString('utf8');
  }
  private rewind(): void {
    this.scol -= this.r - this.b;
    this.r = this.b;
    this.nextch();
  }

  private blank(start: number, len: number): void {
    this.blanks.push({ start, end: start + len, text: ' '.repeat(len) });
  }

  protected nextch(): void {
    for (;;) {
      this.scol += this.chw;
      if (this.ch === 0x0a) {
        this.sline++;
        this.scol = 0;
      }
      if (this.r >= this.buf.length) {
        this.ch = -1;
        this.chw = 0;
        return;
      }
      const b0 = this.buf[this.r]!;
      if (b0 < 0x80) {
        this.r++;
        this.chw = 1;
        this.ch = b0;
        if (b0 === 0) {
          this.error('invalid NUL character');
          this.blank(this.r - 1, 1);
          continue;
        }
        return;
      }
      const [c, w] = decodeRune(this.buf, this.r);
      this.ch = c;
      this.chw = w;
      this.r += w;
      if (c === 0xfffd && w === 1) {
        this.error('invalid UTF-8 encoding');
        this.blank(this.r - 1, 1);
        continue;
      }
      if (c === 0xfeff) {
        if (this.sline > 0 || this.scol > 0) {
          this.error('invalid BOM in the middle of the file');
          this.blank(this.r - w, w);
        }
        continue;
      }
      return;
    }
  }

  next(): void {
    const nlsemi = this.nlsemi;
    this.nlsemi = false;
    for (;;) {
      this.stop();
      const [startLine, startCol] = this.pos();
      while (this.ch === 0x20 || this.ch === 0x09 || (this.ch === 0x0a && !nlsemi) || this.ch === 0x0d) this.nextch();
      [this.line, this.col] = this.pos();
      // the line is blank up to the token (gc's scanner.blank: for directives)
      this.blankLine = this.line > startLine || startCol === 1;
      this.start();
      this.off = this.b;
      const c = this.ch;
      if (isLetter(c) || (c >= 0x80 && this.atIdentChar(true))) {
        this.nextch();
        this.ident();
        return;
      }
      switch (c) {
        case -1:
          if (nlsemi) {
            this.lit = 'EOF';
            this.tok = T.Semi;
            return;
          }
          this.tok = T.EOF;
          return;
        case 0x0a:
          this.nextch();
          this.lit = 'newline';
          this.tok = T.Semi;
          return;
        case 0x22:
          this.stdString();
          this.blankBadLiteral();
          return;
        case 0x60:
          this.rawString();
          this.blankBadLiteral();
          return;
        case 0x27:
          this.rune();
          this.blankBadLiteral();
          return;
        case 0x28: // ( [ { , and the closing ones (after which a newline is a semicolon)
        case 0x5b:
        case 0x7b:
        case 0x2c:
        case 0x29:
        case 0x5d:
        case 0x7d: {
          const [tok, nlsemi] = PUNCT[c]!;
          this.nextch();
          this.nlsemi = nlsemi;
          this.tok = tok;
          return;
        }
        case 0x3b:
          this.nextch();
          this.lit = 'semicolon';
          this.tok = T.Semi;
          return;
        case 0x3a:
          this.nextch();
          if (this.ch === 0x3d) {
            this.nextch();
            this.tok = T.Define;
            return;
          }
          this.tok = T.Colon;
          return;
        case 0x2e:
          this.nextch();
          if (isDecimal(this.ch)) {
            this.number(true);
            this.blankBadLiteral();
            return;
          }
          if (this.ch === 0x2e) {
            this.nextch();
            if (this.ch === 0x2e) {
              this.nextch();
              this.tok = T.DotDotDot;
              return;
            }
            this.rewind();
            this.nextch();
          }
          this.tok = T.Dot;
          return;
        case 0x2b:
          this.nextch();
          this.op = '+';
          this.prec = precAdd;
          if (this.ch !== 0x2b) return this.assignop();
          this.nextch();
          this.nlsemi = true;
          this.tok = T.IncOp;
          return;
        case 0x2d:
          this.nextch();
          this.op = '-';
          this.prec = precAdd;
          if (this.ch !== 0x2d) return this.assignop();
          this.nextch();
          this.nlsemi = true;
          this.tok = T.IncOp;
          return;
        case 0x2a:
          this.nextch();
          this.op = '*';
          this.prec = precMul;
          if (this.ch === 0x3d) {
            this.nextch();
            this.tok = T.AssignOp;
            return;
          }
          this.tok = T.Star;
          return;
        case 0x2f:
          this.nextch();
          if (this.ch === 0x2f) {
            this.nextch();
            const from = this.r - this.chw;
            this.lineComment();
            // a //go: directive goes to the parser (gc's pragma handler)
            if (this.buf[from] === 0x67 && this.buf[from + 1] === 0x6f && this.buf[from + 2] === 0x3a) {
              const text = Buffer.from(this.buf.subarray(from, this.ch < 0 ? this.r : this.r - this.chw)).toString('utf8').replace(/\r$/, '');
              this.directive(this.line, this.col + 2, text, this.blankLine);
            }
            continue;
          }
          if (this.ch === 0x2a) {
            this.nextch();
            this.fullComment();
            if (this.pos()[0] > this.line && nlsemi) {
              this.lit = 'newline';
              this.tok = T.Semi;
              return;
            }
            continue;
          }
          this.op = '/';
          this.prec = precMul;
          return this.assignop();
        case 0x25:
          this.nextch();
          this.op = '%';
          this.prec = precMul;
          return this.assignop();
        case 0x26:
          this.nextch();
          if (this.ch === 0x26) {
            this.nextch();
            this.op = '&&';
            this.prec = precAndAnd;
            this.tok = T.Operator;
            return;
          }
          this.op = '&';
          this.prec = precMul;
          if (this.ch === 0x5e) {
            this.nextch();
            this.op = '&^';
          }
          return this.assignop();
        case 0x7c:
          this.nextch();
          if (this.ch === 0x7c) {
            this.nextch();
            this.op = '||';
            this.prec = precOrOr;
            this.tok = T.Operator;
            return;
          }
          this.op = '|';
          this.prec = precAdd;
          return this.assignop();
        case 0x5e:
          this.nextch();
          this.op = '^';
          this.prec = precAdd;
          return this.assignop();
        case 0x3c:
          this.nextch();
          if (this.ch === 0x3d) {
            this.nextch();
            this.op = '<=';
            this.prec = precCmp;
            this.tok = T.Operator;
            return;
          }
          if (this.ch === 0x3c) {
            this.nextch();
            this.op = '<<';
            this.prec = precMul;
            return this.assignop();
          }
          if (this.ch === 0x2d) {
            this.nextch();
            this.tok = T.Arrow;
            return;
          }
          this.op = '<';
          this.prec = precCmp;
          this.tok = T.Operator;
          return;
        case 0x3e:
          this.nextch();
          if (this.ch === 0x3d) {
            this.nextch();
            this.op = '>=';
            this.prec = precCmp;
            this.tok = T.Operator;
            return;
          }
          if (this.ch === 0x3e) {
            this.nextch();
            this.op = '>>';
            this.prec = precMul;
            return this.assignop();
          }
          this.op = '>';
          this.prec = precCmp;
          this.tok = T.Operator;
          return;
        case 0x3d:
          this.nextch();
          if (this.ch === 0x3d) {
            this.nextch();
            this.op = '==';
            this.prec = precCmp;
            this.tok = T.Operator;
            return;
          }
          this.tok = T.Assign;
          return;
        case 0x21:
          this.nextch();
          if (this.ch === 0x3d) {
            this.nextch();
            this.op = '!=';
            this.prec = precCmp;
            this.tok = T.Operator;
            return;
          }
          this.op = '!';
          this.prec = 0;
          this.tok = T.Operator;
          return;
        case 0x7e:
          this.nextch();
          this.op = '~';
          this.prec = 0;
          this.tok = T.Operator;
          return;
        default:
          if (isDecimal(c)) {
            this.number(false);
            this.blankBadLiteral();
            return;
          }
          this.error(`invalid character ${fmtU(c)}`);
          this.blank(this.r - this.chw, this.chw);
          this.nextch();
          continue;
      }
    }
  }

  private assignop(): void {
    if (this.ch === 0x3d) {
      this.nextch();
      this.tok = T.AssignOp;
      return;
    }
    this.tok = T.Operator;
  }

  private ident(): void {
    while (isLetter(this.ch) || isDecimal(this.ch)) this.nextch();
    if (this.ch >= 0x80) while (this.atIdentChar(false)) this.nextch();
    const lit = this.segment();
    const kw = lit.length >= 2 ? KEYWORDS[lit] : undefined;
    if (kw !== undefined && Object.prototype.hasOwnProperty.call(KEYWORDS, lit)) {
      this.nlsemi = kw === T.Break || kw === T.Continue || kw === T.Fallthrough || kw === T.Return;
      this.tok = kw;
      return;
    }
    this.nlsemi = true;
    this.lit = lit;
    this.tok = T.Name;
  }

  private atIdentChar(first: boolean): boolean {
    const c = this.ch;
    if (c < 0) return false;
    const s = String.fromCodePoint(c);
    if (RE_LETTER.test(s) || c === 0x5f) return true;
    if (RE_DIGIT.test(s)) {
      if (first) this.error(`identifier cannot begin with digit ${fmtU(c)}`);
      return true;
    }
    if (c >= 0x80) {
      this.error(`invalid character ${fmtU(c)} in identifier`);
      return true;
    }
    return false;
  }

  private digits(base: number, invalid: { i: number } | null): number {
    let digsep = 0;
    if (base <= 10) {
      const max = 0x30 + base;
      while (isDecimal(this.ch) || this.ch === 0x5f) {
        let ds = 1;
        if (this.ch === 0x5f) ds = 2;
        else if (this.ch >= max && invalid && invalid.i < 0) invalid.i = this.pos()[1] - this.col;
        digsep |= ds;
        this.nextch();
      }
    } else {
      while (isHex(this.ch) || this.ch === 0x5f) {
        digsep |= this.ch === 0x5f ? 2 : 1;
        this.nextch();
      }
    }
    return digsep;
  }

  private number(seenPoint: boolean): void {
    let ok = true;
    let kind: Scanner['kind'] = 'int';
    let base = 10;
    let prefix = 0;
    let digsep = 0;
    const invalid = { i: -1 };
    if (!seenPoint) {
      if (this.ch === 0x30) {
        this.nextch();
        switch (lower(this.ch)) {
          case 0x78:
            this.nextch();
            base = 16;
            prefix = 0x78;
            break;
          case 0x6f:
            this.nextch();
            base = 8;
            prefix = 0x6f;
            break;
          case 0x62:
            this.nextch();
            base = 2;
            prefix = 0x62;
            break;
          default:
            base = 8;
            prefix = 0x30;
            digsep = 1;
        }
      }
      digsep |= this.digits(base, invalid);
      if (this.ch === 0x2e) {
        if (prefix === 0x6f || prefix === 0x62) {
          this.error(`invalid radix point in ${baseName(base)} literal`);
          ok = false;
        }
        this.nextch();
        seenPoint = true;
      }
    }
    if (seenPoint) {
      kind = 'float';
      digsep |= this.digits(base, invalid);
    }
    if ((digsep & 1) === 0 && ok) {
      this.error(`${baseName(base)} literal has no digits`);
      ok = false;
    }
    const e = lower(this.ch);
    if (e === 0x65 || e === 0x70) {
      if (ok) {
        if (e === 0x65 && prefix !== 0 && prefix !== 0x30) {
          this.error(`${fmtQ(this.ch)} exponent requires decimal mantissa`);
          ok = false;
        } else if (e === 0x70 && prefix !== 0x78) {
          this.error(`${fmtQ(this.ch)} exponent requires hexadecimal mantissa`);
          ok = false;
        }
      }
      this.nextch();
      kind = 'float';
      if (this.ch === 0x2b || this.ch === 0x2d) this.nextch();
      digsep = this.digits(10, null) | (digsep & 2);
      if ((digsep & 1) === 0 && ok) {
        this.error('exponent has no digits');
        ok = false;
      }
    } else if (prefix === 0x78 && kind === 'float' && ok) {
      this.error("hexadecimal mantissa requires a 'p' exponent");
      ok = false;
    }
    if (this.ch === 0x69) {
      kind = 'imag';
      this.nextch();
    }
    this.setLit(kind, ok);
    if (kind === 'int' && invalid.i >= 0 && ok) {
      this.errorAt(invalid.i, `invalid digit ${fmtQ(this.lit.charCodeAt(invalid.i))} in ${baseName(base)} literal`);
      ok = false;
    }
    if ((digsep & 2) !== 0 && ok) {
      const i = invalidSep(this.lit);
      if (i >= 0) {
        this.errorAt(i, "'_' must separate successive digits");
        ok = false;
      }
    }
    this.bad = !ok;
  }

  private setLit(kind: Scanner['kind'], ok: boolean): void {
    this.nlsemi = true;
    this.tok = T.Literal;
    this.lit = this.segment();
    this.bad = !ok;
    this.kind = kind;
    this.litStart = this.b;
    this.litEnd = this.r - this.chw;
  }

  private litStart = 0;
  private litEnd = 0;

  /** After a literal token: if it was malformed, replace it by a harmless one of the same length. */
  private blankBadLiteral(): void {
    if (!this.bad) return;
    const len = this.litEnd - this.litStart;
    const text = (this.kind === 'string' ? '""' : '0').slice(0, Math.max(1, len)).padEnd(len, ' ');
    this.blanks.push({ start: this.litStart, end: this.litEnd, text });
  }

  private rune(): void {
    let ok = true;
    this.nextch();
    for (let n = 0; ; n++) {
      if (this.ch === 0x27) {
        if (ok) {
          if (n === 0) {
            this.error("empty rune literal or unescaped '");
            ok = false;
          } else if (n !== 1) {
            this.errorAt(0, 'more than one character in rune literal');
            ok = false;
          }
        }
        this.nextch();
        break;
      }
      if (this.ch === 0x5c) {
        this.nextch();
        if (!this.escape(0x27)) ok = false;
        continue;
      }
      if (this.ch === 0x0a) {
        if (ok) {
          this.error('newline in rune literal');
          ok = false;
        }
        break;
      }
      if (this.ch < 0) {
        if (ok) {
          this.errorAt(0, 'rune literal not terminated');
          ok = false;
        }
        break;
      }
      this.nextch();
    }
    this.setLit('rune', ok);
  }

  private stdString(): void {
    let ok = true;
    this.nextch();
    for (;;) {
      if (this.ch === 0x22) {
        this.nextch();
        break;
      }
      if (this.ch === 0x5c) {
        this.nextch();
        if (!this.escape(0x22)) ok = false;
        continue;
      }
      if (this.ch === 0x0a) {
        this.error('newline in string');
        ok = false;
        break;
      }
      if (this.ch < 0) {
        this.errorAt(0, 'string not terminated');
        ok = false;
        break;
      }
      this.nextch();
    }
    this.setLit('string', ok);
  }

  private rawString(): void {
    let ok = true;
    this.nextch();
    for (;;) {
      if (this.ch === 0x60) {
        this.nextch();
        break;
      }
      if (this.ch < 0) {
        this.errorAt(0, 'string not terminated');
        ok = false;
        break;
      }
      this.nextch();
    }
    this.setLit('string', ok);
  }

  private lineComment(): void {
    while (this.ch >= 0 && this.ch !== 0x0a) this.nextch();
  }

  private fullComment(): void {
    while (this.ch >= 0) {
      while (this.ch === 0x2a) {
        this.nextch();
        if ((this.ch as number) === 0x2f) {
          this.nextch();
          return;
        }
      }
      this.nextch();
    }
    this.errorAt(0, 'comment not terminated');
  }

  private escape(quote: number): boolean {
    let n: number;
    let base: number;
    let max: number;
    switch (this.ch) {
      case quote:
      case 0x61:
      case 0x62:
      case 0x66:
      case 0x6e:
      case 0x72:
      case 0x74:
      case 0x76:
      case 0x5c:
        this.nextch();
        return true;
      case 0x78:
        this.nextch();
        [n, base, max] = [2, 16, 255];
        break;
      case 0x75:
        this.nextch();
        [n, base, max] = [4, 16, 0x10ffff];
        break;
      case 0x55:
        this.nextch();
        [n, base, max] = [8, 16, 0x10ffff];
        break;
      default:
        if (this.ch >= 0x30 && this.ch <= 0x37) {
          [n, base, max] = [3, 8, 255];
          break;
        }
        if (this.ch < 0) return true;
        this.error('unknown escape');
        return false;
    }
    let x = 0;
    for (let i = n; i > 0; i--) {
      if (this.ch < 0) return true;
      let d = base;
      if (isDecimal(this.ch)) d = this.ch - 0x30;
      else if (lower(this.ch) >= 0x61 && lower(this.ch) <= 0x66) d = lower(this.ch) - 0x61 + 10;
      if (d >= base) {
        this.error(`invalid character ${fmtQ(this.ch)} in ${baseName(base)} escape`);
        return false;
      }
      x = x * base + d;
      this.nextch();
    }
    if (x > max && base === 8) {
      this.error(`octal escape value ${x} > 255`);
      return false;
    }
    if (x > max || (x >= 0xd800 && x < 0xe000)) {
      this.error(`escape is invalid Unicode code point ${fmtU(x)}`);
      return false;
    }
    return true;
  }
}

/** Decode one UTF-8 rune at i: [rune, width]; invalid encodings give [0xfffd, 1], as Go's utf8.DecodeRune. */
function decodeRune(b: Uint8Array, i: number): [number, number] {
  const b0 = b[i]!;
  const need = b0 >= 0xf0 && b0 <= 0xf4 ? 4 : b0 >= 0xe0 ? 3 : b0 >= 0xc2 && b0 <= 0xdf ? 2 : 0;
  if (need === 0 || b0 > 0xf4 || i + need > b.length) return [0xfffd, 1];
  let c = b0 & (need === 2 ? 0x1f : need === 3 ? 0x0f : 0x07);
  for (let k = 1; k < need; k++) {
    const bk = b[i + k]!;
    if ((bk & 0xc0) !== 0x80) return [0xfffd, 1];
    c = (c << 6) | (bk & 0x3f);
  }
  if ((need === 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) || (need === 4 && (c < 0x10000 || c > 0x10ffff))) return [0xfffd, 1];
  return [c, need];
}

// ---- syntax nodes (only what the parser's checks and messages need) --------------------------------------

type Kind =
  | 'Bad'
  | 'Name'
  | 'BasicLit'
  | 'CompositeLit'
  | 'KeyValue'
  | 'FuncLit'
  | 'Paren'
  | 'Selector'
  | 'Index'
  | 'Slice'
  | 'Assert'
  | 'TypeSwitchGuard'
  | 'Operation'
  | 'Call'
  | 'List'
  | 'ArrayType'
  | 'SliceType'
  | 'DotsType'
  | 'StructType'
  | 'FuncType'
  | 'InterfaceType'
  | 'MapType'
  | 'ChanType'
  | 'Field'
  | 'ExprStmt'
  | 'SendStmt'
  | 'AssignStmt'
  | 'RangeClause'
  | 'Other';

interface N {
  k: Kind;
  line: number;
  col: number;
  /** Name, BasicLit: the text */
  value?: string;
  op?: string;
  x?: N;
  y?: N;
  /** Selector: the selected name; Field: its name */
  name?: N;
  /** Call arguments, List elements, CompositeLit elements (count only), Field lists */
  list?: N[];
  type?: N;
  elem?: N;
  len?: N | null;
  key?: N;
  /** ChanType: 0 both, 1 send-only, 2 receive-only */
  dir?: 0 | 1 | 2;
  params?: N[];
  results?: N[];
  hasDots?: boolean;
  /** FuncLit / CompositeLit: the body is not empty (ShortForm prints …) */
  nonEmpty?: boolean;
  lhs?: N | null;
  rhs?: N | null;
  def?: boolean;
  idx?: (N | null)[];
}

const mk = (k: Kind, line: number, col: number, f: Partial<N> = {}): N => ({ k, line, col, ...f });

function unparen(x: N): N {
  while (x.k === 'Paren') x = x.x!;
  return x;
}

function isValue(x: N): boolean {
  switch (x.k) {
    case 'BasicLit':
    case 'CompositeLit':
    case 'FuncLit':
    case 'Slice':
    case 'Assert':
    case 'TypeSwitchGuard':
    case 'Call':
      return true;
    case 'Operation':
      return x.op !== '*' || x.y !== undefined;
    case 'Paren':
      return isValue(x.x!);
    case 'Index':
      return isValue(x.x!) || isValue(x.y!);
    default:
      return false;
  }
}

function isTypeElem(x: N): boolean {
  switch (x.k) {
    case 'ArrayType':
    case 'StructType':
    case 'FuncType':
    case 'InterfaceType':
    case 'SliceType':
    case 'MapType':
    case 'ChanType':
      return true;
    case 'Operation':
      return isTypeElem(x.x!) || (x.y !== undefined && isTypeElem(x.y)) || x.op === '~';
    case 'Paren':
      return isTypeElem(x.x!);
    default:
      return false;
  }
}

function extractName(x: N, force: boolean): [N | null, N | null] {
  switch (x.k) {
    case 'Name':
      return [x, null];
    case 'Operation':
      if (x.y === undefined) break;
      if (x.op === '*') {
        if (x.x!.k === 'Name' && (force || isTypeElem(x.y))) return [x.x!, { ...x, x: x.y, y: undefined }];
      } else if (x.op === '|') {
        const [name, lhs] = extractName(x.x!, force || isTypeElem(x.y));
        if (name && lhs) return [name, { ...x, x: lhs }];
      }
      break;
    case 'Call':
      if (x.x!.k === 'Name' && x.list!.length === 1 && !x.hasDots && (force || isTypeElem(x.list![0]!))) return [x.x!, x.list![0]!];
      break;
  }
  return [null, x];
}

function startPos(n: N): [number, number] {
  for (let m = n; ; ) {
    switch (m.k) {
      case 'CompositeLit':
        if (m.type) {
          m = m.type;
          continue;
        }
        return [m.line, m.col];
      case 'Selector':
      case 'Index':
      case 'Assert':
      case 'Call':
        m = m.x!;
        continue;
      case 'TypeSwitchGuard':
        m = m.lhs ?? m.x!;
        continue;
      case 'Operation':
        if (m.y !== undefined) {
          m = m.x!;
          continue;
        }
        return [m.line, m.col];
      case 'List':
        if (m.list!.length) {
          m = m.list![0]!;
          continue;
        }
        return [m.line, m.col];
      case 'SendStmt':
        m = m.x!;
        continue;
      case 'AssignStmt':
        m = m.lhs!;
        continue;
      case 'RangeClause':
        m = m.lhs ?? m.x!;
        continue;
      default:
        return [m.line, m.col];
    }
  }
}

// ---- printing (printer.go's ShortForm, for the messages that quote code) ----------------------

function str(n: N | null | undefined): string {
  if (!n) return '';
  switch (n.k) {
    case 'Bad':
      return '<bad expr>';
    case 'Name':
    case 'BasicLit':
      return n.value!;
    case 'FuncLit':
      return `${str(n.type)} {${n.nonEmpty ? '…' : ''}}`;
    case 'CompositeLit':
      return `${n.type ? str(n.type) : ''}{${n.nonEmpty ? '…' : ''}}`;
    case 'Paren':
      return `(${str(n.x)})`;
    case 'Selector':
      return `${str(n.x)}.${str(n.name)}`;
    case 'Index':
      return `${str(n.x)}[${str(n.y)}]`;
    case 'Slice': {
      const [i, j, k] = n.idx!;
      return `${str(n.x)}[${str(i)}:${str(j)}${k ? `:${str(k)}` : ''}]`;
    }
    case 'Assert':
      return `${str(n.x)}.(${str(n.type)})`;
    case 'TypeSwitchGuard':
      return `${n.lhs ? `${str(n.lhs)} := ` : ''}${str(n.x)}.(type)`;
    case 'Call':
      return `${str(n.x)}(${n.list!.map(str).join(', ')}${n.hasDots ? '...' : ''})`;
    case 'Operation':
      return n.y === undefined ? `${n.op}${str(n.x)}` : `${str(n.x)} ${n.op} ${str(n.y)}`;
    case 'KeyValue':
      return `${str(n.key)}: ${str(n.x)}`;
    case 'List':
      return n.list!.map(str).join(', ');
    case 'ArrayType':
      return `[${n.len ? str(n.len) : '...'}]${str(n.elem)}`;
    case 'SliceType':
      return `[]${str(n.elem)}`;
    case 'DotsType':
      return `...${str(n.elem)}`;
    case 'StructType':
      return `struct{${fieldList(n.list!, '; ')}}`;
    case 'FuncType':
      return `func${signature(n)}`;
    case 'InterfaceType':
      return `interface{${n.list!.map((m) => (m.name ? `${str(m.name)}${signature(m.type!)}` : str(m.type))).join('; ')}}`;
    case 'MapType':
      return `map[${str(n.key)}]${str(n.elem)}`;
    case 'ChanType': {
      const e = n.elem!;
      const inner = n.dir === 0 && e.k === 'ChanType' && e.dir === 2 ? `(${str(e)})` : str(e);
      return `${n.dir === 2 ? '<-' : ''}chan${n.dir === 1 ? '<-' : ''} ${inner}`;
    }
    case 'ExprStmt':
      return str(n.x);
    case 'SendStmt':
      return `${str(n.x)} <- ${str(n.y)}`;
    case 'AssignStmt':
      if (n.rhs === null) return `${str(n.lhs)}${n.op}${n.op}`;
      return `${str(n.lhs)} ${n.op === 'def' ? ':' : n.op}= ${str(n.rhs)}`;
    case 'RangeClause':
      return `${n.lhs ? `${str(n.lhs)} ${n.def ? ':=' : '='} ` : ''}range ${str(n.x)}`;
    default:
      return '';
  }
}

function fieldList(fields: N[], sep: string): string {
  const groups: string[] = [];
  let i0 = 0;
  const flush = (i: number, j: number) => {
    if (i + 1 === j && !fields[i]!.name) groups.push(str(fields[i]!.type));
    else groups.push(`${fields.slice(i, j).map((f) => str(f.name)).join(', ')} ${str(fields[i]!.type)}`);
  };
  for (let i = 1; i <= fields.length; i++) {
    if (i === fields.length || !fields[i]!.name || fields[i]!.type !== fields[i - 1]!.type) {
      flush(i0, i);
      i0 = i;
    }
  }
  return fields.length ? groups.join(sep) : '';
}

function paramList(list: N[]): string {
  const parts: string[] = [];
  list.forEach((f, i) => {
    let s = '';
    if (f.name) {
      s = str(f.name);
      const f1 = list[i + 1];
      if (f1 && f1.name && f1.type === f.type) {
        parts.push(s);
        return;
      }
      s += ' ';
    }
    parts.push(s + str(unparen(f.type!)));
  });
  return `(${parts.join(', ')})`;
}

function signature(t: N): string {
  let s = paramList(t.params ?? []);
  const r = t.results;
  if (r && r.length) s += ` ${r.length === 1 && !r[0]!.name ? str(r[0]!.type) : paramList(r)}`;
  return s;
}

// ---- the parser ------------------------------------------------------------------------------------------

class Stop extends Error {}

/** the //go: directives gc gives a pragma flag (noder's pragmaFlag) */
const PRAGMA_VERBS = ['go:build', 'go:noescape', 'go:norace', 'go:nosplit', 'go:noinline', 'go:nocheckptr', 'go:systemstack', 'go:nowritebarrier', 'go:nowritebarrierrec', 'go:yeswritebarrierrec', 'go:cgo_unsafe_args', 'go:uintptrkeepalive', 'go:uintptrescapes', 'go:registerparams', 'go:notinheap'];

/** keywords that start a statement: where advance stops inside a function (gc's stopset) */
const STOPSET: Tok[] = [T.Break, T.Const, T.Continue, T.Defer, T.Fallthrough, T.For, T.Go, T.Goto, T.If, T.Return, T.Select, T.Switch, T.Type, T.Var];

class Parser extends Scanner {
  readonly errors: SyntaxIssue[] = [];
  /** a "syntax error" was reported: gc stops after parsing (no type checking) */
  fatal = false;
  private first = false;
  private fnest = 0;
  private xnest = 0;
  private depth = 0;

  constructor(
    src: Uint8Array,
    private readonly maxDepth: number,
  ) {
    super(src, (line, col, msg) => this.record(line, col, msg, true));
  }

  // nesting guard: every recursive production calls in() and out()
  private in(): void {
    if (++this.depth > this.maxDepth) throw new TooDeep(this.line, this.col, this.maxDepth);
  }
  private out(): void {
    this.depth--;
  }

  private record(line: number, col: number, msg: string, scanner = false): void {
    this.errors.push(scanner ? { line, col, msg, scanner } : { line, col, msg });
    this.first = true;
    // gc gives up at its tenth error (base.ErrorfAt; one syntax error per
    // line, a repeated message on a line once): so does recognition
    if (msg.startsWith('syntax error')) {
      if (line === this.lastSyntaxLine) return;
      this.lastSyntaxLine = line;
    } else {
      if (line === this.lastOtherLine && msg === this.lastOtherMsg) return;
      this.lastOtherLine = line;
      this.lastOtherMsg = msg;
    }
    if (++this.counted >= 10) {
      if (msg.startsWith('syntax error')) this.fatal = true;
      throw new Stop();
    }
  }
  /** gc's pending pragma: the //go: directives since the last declaration or statement, with their flags */
  private pragma: { line: number; col: number; flag: boolean }[] | null = null;

  protected override directive(line: number, col: number, text: string, blank: boolean): void {
    // noder.pragma: a directive must be on a line by itself
    this.pragma ??= [];
    if (!blank) {
      this.soft(line, col, 'misplaced compiler directive');
      return;
    }
    const verb = text.split(' ')[0]!;
    if (['go:systemstack', 'go:nowritebarrier', 'go:nowritebarrierrec', 'go:yeswritebarrierrec'].includes(verb)) this.soft(line, col, `//${verb} only allowed in runtime`);
    if (verb === 'go:uintptrkeepalive') this.soft(line, col, `//${verb} is only allowed in the standard library`);
    this.pragma.push({ line, col, flag: PRAGMA_VERBS.includes(verb) });
  }

  /** A declaration takes the pending pragma (gc checks what it allows later; not modelled). */
  private takePragma(): void {
    this.pragma = null;
  }

  /** Where no pragma may be: each pending directive with a flag is misplaced (noder.checkUnusedDuringParse). */
  private clearPragma(): void {
    const p = this.pragma;
    if (!p) return;
    this.pragma = null;
    for (const d of p) if (d.flag) this.soft(d.line, d.col, 'misplaced compiler directive');
  }

  private lastSyntaxLine = 0;
  private lastOtherLine = 0;
  private lastOtherMsg = '';
  private counted = 0;

  /** A "syntax error": recorded, and parsing goes on (gc stops after parsing: no type checking). */
  private perror(line: number, col: number, msg: string): void {
    this.fatal = true;
    this.record(line, col, msg);
  }

  /** An error after which gc parses on as if nothing happened (its type checker runs too). */
  private soft(line: number, col: number, msg: string): void {
    this.record(line, col, msg);
  }

  private got(t: Tok): boolean {
    if (this.tok === t) {
      this.next();
      return true;
    }
    return false;
  }

  private want(t: Tok): void {
    if (!this.got(t)) {
      this.syntaxError(`expecting ${tokstring(t)}`);
      this.advance();
    }
  }

  private gotAssign(): boolean {
    if (this.tok === T.Define) this.syntaxError('expecting =');
    if (this.tok === T.Assign || this.tok === T.Define) {
      this.next();
      return true;
    }
    return false;
  }

  /**
   * gc's advance: skip tokens up to one of `follow` (or, inside a function,
   * a keyword that starts a statement; never past EOF). Without a follow
   * list, skip exactly one token.
   */
  private advance(...follow: Tok[]): void {
    const stop = (t: Tok) =>
      t === T.EOF ||
      follow.includes(t) ||
      (follow.length > 0 && this.fnest > 0 && STOPSET.includes(t));
    while (!stop(this.tok)) {
      this.next();
      if (follow.length === 0) break;
    }
  }

  private syntaxError(msg: string): void {
    this.syntaxErrorAt(this.line, this.col, msg);
  }

  private syntaxErrorAt(line: number, col: number, msg: string): void {
    if (this.tok === T.EOF && this.first) {
      // gc drops this follow-up error, but the file ended early: no type checking
      this.fatal = true;
      return;
    }
    if (msg === '') {
      // nothing to add
    } else if (msg.startsWith('in ') || msg.startsWith('at ') || msg.startsWith('after ')) msg = ` ${msg}`;
    else if (msg.startsWith('expecting ')) msg = `, ${msg}`;
    else return this.perror(line, col, `syntax error: ${msg}`);
    let tok: string;
    switch (this.tok) {
      case T.Name:
      case T.Semi:
        tok = this.lit;
        break;
      case T.Literal:
        tok = `literal ${this.lit}`;
        break;
      case T.Operator:
        tok = this.op;
        break;
      case T.AssignOp:
        tok = `${this.op}=`;
        break;
      case T.IncOp:
        tok = this.op + this.op;
        break;
      default:
        tok = tokstring(this.tok);
    }
    return this.perror(line, col, `syntax error: unexpected ${tok}${msg}`);
  }

  private badExpr(): N {
    return mk('Bad', this.line, this.col);
  }

  // ---- file ----

  file(): void {
    if (!this.got(T.Package)) {
      this.syntaxError('package statement must be first');
      return;
    }
    this.takePragma();
    this.name();
    this.want(T.Semi);
    if (this.first) return;
    while (this.got(T.Import)) {
      this.appendGroup(() => this.importDecl());
      this.want(T.Semi);
    }
    let lastEmptyFunc = false;
    while (this.tok !== T.EOF) {
      switch (this.tok) {
        case T.Const:
          this.next();
          this.appendGroup(() => this.constDecl());
          lastEmptyFunc = false;
          break;
        case T.Type:
          this.next();
          this.appendGroup(() => this.typeDecl());
          lastEmptyFunc = false;
          break;
        case T.Var:
          this.next();
          this.appendGroup(() => this.varDecl());
          lastEmptyFunc = false;
          break;
        case T.Func: {
          this.next();
          const empty = this.funcDecl();
          if (empty !== null) lastEmptyFunc = empty;
          break;
        }
        default:
          if (this.tok === T.Lbrace && lastEmptyFunc) this.syntaxError('unexpected semicolon or newline before {');
          else this.syntaxError('non-declaration statement outside function body');
          this.advance(T.Const, T.Type, T.Var, T.Func);
          continue;
      }
      this.clearPragma();
      if (this.tok !== T.EOF && !this.got(T.Semi)) {
        this.syntaxError('after top level declaration');
        this.advance(T.Const, T.Type, T.Var, T.Func);
      }
    }
    this.clearPragma();
  }

  private list(context: string, sep: Tok, close: Tok, f: () => boolean): void {
    let done = false;
    while (this.tok !== T.EOF && this.tok !== close && !done) {
      done = f();
      if (!this.got(sep) && this.tok !== close) {
        this.syntaxError(`in ${context}; possibly missing ${tokstring(sep)} or ${tokstring(close)}`);
        this.advance(T.Rparen, T.Rbrack, T.Rbrace);
        if (this.tok !== close) return;
      }
    }
    this.want(close);
  }

  private appendGroup(f: () => void): void {
    if (this.tok === T.Lparen) {
      this.clearPragma();
      this.next();
      this.list('grouped declaration', T.Semi, T.Rparen, () => {
        f();
        return false;
      });
    } else f();
  }

  private importDecl(): void {
    this.takePragma();
    if (this.tok === T.Name) this.name();
    else if (this.tok === T.Dot) this.next();
    if (this.tok !== T.Literal) {
      this.syntaxError('missing import path');
      this.advance(T.Semi, T.Rparen);
      return;
    }
    const bad = this.bad;
    const kind = this.kind;
    this.next();
    if (!bad && kind !== 'string') this.syntaxError('import path must be a string');
  }

  private constDecl(): void {
    this.takePragma();
    this.nameList();
    if (this.tok !== T.EOF && this.tok !== T.Semi && this.tok !== T.Rparen) {
      this.typeOrNil();
      if (this.gotAssign()) this.exprList();
    }
  }

  private typeDecl(): void {
    this.takePragma();
    this.name();
    let typ: N | null;
    if (this.tok === T.Lbrack) {
      const [line, col] = [this.line, this.col];
      this.next();
      if (this.tok === T.Name) {
        let x: N = this.name();
        if ((this.tok as Tok) !== T.Lbrack) {
          this.xnest++;
          x = this.binaryExpr(this.pexpr(x, false), 0);
          this.xnest--;
        }
        const [pname, ptype] = extractName(x, this.tok === T.Comma);
        if (pname && (ptype || this.tok !== T.Rbrack)) {
          this.paramList(pname, ptype, T.Rbrack, true);
          this.gotAssign();
          typ = this.typeOrNil();
        } else typ = this.arrayType(line, col, x);
      } else if (this.tok === T.Rbrack) {
        this.next();
        typ = this.sliceType(line, col);
      } else typ = this.arrayType(line, col, null);
    } else {
      this.gotAssign();
      typ = this.typeOrNil();
    }
    if (!typ) {
      this.syntaxError('in type declaration');
      this.advance(T.Semi, T.Rparen);
    }
  }

  private varDecl(): void {
    this.takePragma();
    this.nameList();
    if (this.gotAssign()) this.exprList();
    else {
      this.type_();
      if (this.gotAssign()) this.exprList();
    }
  }

  /**
   * Returns whether the declaration has no body (for gc's "unexpected
   * semicolon or newline before {"), null when gc drops it (no name).
   */
  private funcDecl(): boolean | null {
    this.takePragma();
    let method = false;
    if (this.tok === T.Lparen) {
      this.next();
      const rcvr = this.paramList(null, null, T.Rparen, false);
      if (rcvr.length === 0) this.soft(this.line, this.col, 'method has no receiver');
      if (rcvr.length > 1) this.soft(this.line, this.col, 'method has multiple receivers');
      method = rcvr.length > 0;
    }
    if (this.tok !== T.Name) {
      this.syntaxError('expecting name or (');
      this.advance(T.Lbrace, T.Semi);
      return null;
    }
    this.name();
    this.funcType(method ? 'method' : '');
    if (this.tok === T.Lbrace) {
      this.funcBody();
      return false;
    }
    return true;
  }

  private funcBody(): void {
    this.fnest++;
    this.blockStmt('');
    this.fnest--;
  }

  // ---- expressions ----

  private expr(): N {
    return this.binaryExpr(null, 0);
  }

  private binaryExpr(x: N | null, prec: number): N {
    this.in();
    if (!x) x = this.unaryExpr();
    while ((this.tok === T.Operator || this.tok === T.Star) && this.prec > prec) {
      const t = mk('Operation', this.line, this.col, { op: this.op });
      const tprec = this.prec;
      this.next();
      t.x = x;
      t.y = this.binaryExpr(null, tprec);
      x = t;
    }
    this.out();
    return x;
  }

  private unaryExpr(): N {
    this.in();
    try {
      switch (this.tok) {
        case T.Operator:
        case T.Star:
          switch (this.op) {
            case '*':
            case '+':
            case '-':
            case '!':
            case '^':
            case '~': {
              const x = mk('Operation', this.line, this.col, { op: this.op });
              this.next();
              x.x = this.unaryExpr();
              return x;
            }
            case '&': {
              const x = mk('Operation', this.line, this.col, { op: '&' });
              this.next();
              x.x = unparen(this.unaryExpr());
              return x;
            }
          }
          break;
        case T.Arrow: {
          const [line, col] = [this.line, this.col];
          this.next();
          const x = this.unaryExpr();
          if (x.k === 'ChanType') {
            let dir: 0 | 1 | 2 = 1;
            let t: N = x;
            while (dir === 1) {
              if (t.k !== 'ChanType') break;
              dir = t.dir!;
              if (dir === 2) this.syntaxError('unexpected <-, expecting chan');
              t.dir = 2;
              t = t.elem!;
            }
            if (dir === 1) this.syntaxError(`unexpected ${str(t)}, expecting chan`);
            return x;
          }
          return mk('Operation', line, col, { op: '<-', x });
        }
      }
      return this.pexpr(null, true);
    } finally {
      this.out();
    }
  }

  private callStmt(): void {
    const tok = this.tok === T.Go ? 'go' : 'defer';
    this.next();
    let x = this.pexpr(null, this.tok === T.Lparen);
    const t = unparen(x);
    if (t !== x) {
      this.soft(x.line, x.col, `expression in ${tok} must not be parenthesized`);
      x = t;
    }
    if (x.k !== 'Call') this.soft(x.line, x.col, `expression in ${tok} must be function call`);
  }

  private operand(keepParens: boolean): N {
    switch (this.tok) {
      case T.Name:
        return this.name();
      case T.Literal:
        return this.oliteral()!;
      case T.Lparen: {
        const [line, col] = [this.line, this.col];
        this.next();
        this.xnest++;
        const x = this.expr();
        this.xnest--;
        this.want(T.Rparen);
        if (this.tok === T.Lbrace) keepParens = true;
        return keepParens ? mk('Paren', line, col, { x }) : x;
      }
      case T.Func: {
        const [line, col] = [this.line, this.col];
        this.next();
        const ftyp = this.funcType('function type');
        if (this.tok === T.Lbrace) {
          this.xnest++;
          const nonEmpty = this.funcBodyNonEmpty();
          this.xnest--;
          return mk('FuncLit', line, col, { type: ftyp, nonEmpty });
        }
        return ftyp;
      }
      case T.Lbrack:
      case T.Chan:
      case T.Map:
      case T.Struct:
      case T.Interface:
        return this.type_();
      default: {
        const x = this.badExpr();
        this.syntaxError('expecting expression');
        this.advance(T.Rparen, T.Rbrack, T.Rbrace);
        return x;
      }
    }
  }

  private funcBodyNonEmpty(): boolean {
    this.fnest++;
    const n = this.blockStmt('');
    this.fnest--;
    return n > 0;
  }

  private pexpr(x: N | null, keepParens: boolean): N {
    this.in();
    try {
      if (!x) x = this.operand(keepParens);
      for (;;) {
        const [line, col] = [this.line, this.col];
        switch (this.tok) {
          case T.Dot:
            this.next();
            if (this.tok === T.Name) {
              x = mk('Selector', line, col, { x, name: this.name() });
            } else if (this.tok === T.Lparen) {
              this.next();
              if (this.got(T.Type)) x = mk('TypeSwitchGuard', line, col, { x, lhs: null });
              else x = mk('Assert', line, col, { x, type: this.type_() });
              this.want(T.Rparen);
            } else {
              this.syntaxError('expecting name or (');
              this.advance(T.Semi, T.Rparen);
            }
            continue;
          case T.Lbrack: {
            this.next();
            if (this.tok === T.Rbrack) {
              this.syntaxError('expecting operand');
              this.next();
              continue;
            }
            let i: N | null = null;
            if (this.tok !== T.Colon) {
              const [ix, comma] = this.typeList();
              i = ix;
              if (comma || this.tok === T.Rbrack) {
                this.want(T.Rbrack);
                x = mk('Index', line, col, { x, y: i });
                continue;
              }
            }
            if (!this.got(T.Colon)) {
              this.syntaxError('expecting comma, : or ]');
              this.advance(T.Comma, T.Colon, T.Rbrack);
            }
            this.xnest++;
            const idx: (N | null)[] = [i, null, null];
            if (this.tok !== T.Colon && this.tok !== T.Rbrack) idx[1] = this.expr();
            if (this.tok === T.Colon) {
              if (!idx[1]) {
                this.soft(this.line, this.col, 'middle index required in 3-index slice');
                idx[1] = this.badExpr();
              }
              this.next();
              if (this.tok !== T.Rbrack) idx[2] = this.expr();
              else {
                this.soft(this.line, this.col, 'final index required in 3-index slice');
                idx[2] = this.badExpr();
              }
            }
            this.xnest--;
            this.want(T.Rbrack);
            x = mk('Slice', line, col, { x, idx });
            continue;
          }
          case T.Lparen: {
            this.next();
            const [list, hasDots] = this.argList();
            x = mk('Call', line, col, { x, list, hasDots });
            continue;
          }
          case T.Lbrace: {
            const t = unparen(x);
            let complitOk = false;
            switch (t.k) {
              case 'Name':
              case 'Selector':
                complitOk = this.xnest >= 0;
                break;
              case 'Index':
                complitOk = this.xnest >= 0 && !isValue(t);
                break;
              case 'ArrayType':
              case 'SliceType':
              case 'StructType':
              case 'MapType':
                complitOk = true;
                break;
            }
            if (!complitOk) return x;
            if (t !== x) this.syntaxError('cannot parenthesize type in composite literal');
            const n = this.complitexpr();
            n.type = x;
            x = n;
            continue;
          }
          default:
            return x;
        }
      }
    } finally {
      this.out();
    }
  }

  private bareComplitexpr(): N {
    if (this.tok === T.Lbrace) return this.complitexpr();
    return this.expr();
  }

  private complitexpr(): N {
    this.in();
    const x = mk('CompositeLit', this.line, this.col);
    this.xnest++;
    this.want(T.Lbrace);
    let n = 0;
    this.list('composite literal', T.Comma, T.Rbrace, () => {
      this.bareComplitexpr();
      if (this.tok === T.Colon) {
        this.next();
        this.bareComplitexpr();
      }
      n++;
      return false;
    });
    this.xnest--;
    x.nonEmpty = n > 0;
    this.out();
    return x;
  }

  // ---- types ----

  private type_(): N {
    const t = this.typeOrNil();
    if (!t) {
      const x = this.badExpr();
      this.syntaxError('expecting type');
      this.advance(T.Comma, T.Colon, T.Semi, T.Rparen, T.Rbrack, T.Rbrace);
      return x;
    }
    return t;
  }

  private typeOrNil(): N | null {
    this.in();
    try {
      const [line, col] = [this.line, this.col];
      switch (this.tok) {
        case T.Star:
          this.next();
          return mk('Operation', line, col, { op: '*', x: this.type_() });
        case T.Arrow: {
          this.next();
          this.want(T.Chan);
          return mk('ChanType', line, col, { dir: 2, elem: this.chanElem() });
        }
        case T.Func:
          this.next();
          return this.funcType('function type');
        case T.Lbrack:
          this.next();
          if (this.got(T.Rbrack)) return this.sliceType(line, col);
          return this.arrayType(line, col, null);
        case T.Chan: {
          this.next();
          let dir: 0 | 1 = 0;
          if (this.got(T.Arrow)) dir = 1;
          return mk('ChanType', line, col, { dir, elem: this.chanElem() });
        }
        case T.Map: {
          this.next();
          this.want(T.Lbrack);
          const key = this.type_();
          this.want(T.Rbrack);
          return mk('MapType', line, col, { key, elem: this.type_() });
        }
        case T.Struct:
          return this.structType();
        case T.Interface:
          return this.interfaceType();
        case T.Name:
          return this.qualifiedName(null);
        case T.Lparen: {
          this.next();
          const t = this.type_();
          this.want(T.Rparen);
          return t;
        }
      }
      return null;
    } finally {
      this.out();
    }
  }

  private typeInstance(typ: N): N {
    const [line, col] = [this.line, this.col];
    this.want(T.Lbrack);
    let i: N;
    if (this.tok === T.Rbrack) {
      this.syntaxError('expecting type');
      i = this.badExpr();
    } else [i] = this.typeList();
    this.want(T.Rbrack);
    return mk('Index', line, col, { x: typ, y: i });
  }

  private funcType(context: string): N {
    const typ = mk('FuncType', this.line, this.col);
    if (this.got(T.Lbrack)) {
      if (context !== '') this.syntaxErrorAt(typ.line, typ.col, `${context} must have no type parameters`);
      if (this.tok === T.Rbrack) {
        this.syntaxError('empty type parameter list');
        this.next();
      } else this.paramList(null, null, T.Rbrack, true);
    }
    this.want(T.Lparen);
    typ.params = this.paramList(null, null, T.Rparen, false);
    typ.results = this.funcResult();
    return typ;
  }

  private arrayType(line: number, col: number, len: N | null): N {
    if (!len && !this.got(T.DotDotDot)) {
      this.xnest++;
      len = this.expr();
      this.xnest--;
    }
    if (this.tok === T.Comma) {
      this.syntaxError('unexpected comma; expecting ]');
      this.next();
    }
    this.want(T.Rbrack);
    return mk('ArrayType', line, col, { len, elem: this.type_() });
  }

  private sliceType(line: number, col: number): N {
    return mk('SliceType', line, col, { elem: this.type_() });
  }

  private chanElem(): N {
    const t = this.typeOrNil();
    if (!t) {
      const x = this.badExpr();
      this.syntaxError('missing channel element type');
      return x;
    }
    return t;
  }

  private structType(): N {
    const typ = mk('StructType', this.line, this.col, { list: [] });
    this.want(T.Struct);
    this.want(T.Lbrace);
    this.list('struct type', T.Semi, T.Rbrace, () => {
      this.fieldDecl(typ);
      return false;
    });
    return typ;
  }

  private interfaceType(): N {
    const typ = mk('InterfaceType', this.line, this.col, { list: [] });
    this.want(T.Interface);
    this.want(T.Lbrace);
    this.list('interface type', T.Semi, T.Rbrace, () => {
      let f: N | null = null;
      if (this.tok === T.Name) f = this.methodDecl();
      if (!f || !f.name) f = this.embeddedElem(f);
      typ.list!.push(f);
      return false;
    });
    return typ;
  }

  private funcResult(): N[] {
    if (this.got(T.Lparen)) return this.paramList(null, null, T.Rparen, false);
    const [line, col] = [this.line, this.col];
    const typ = this.typeOrNil();
    return typ ? [mk('Field', line, col, { type: typ })] : [];
  }

  private fieldDecl(styp: N): void {
    const [line, col] = [this.line, this.col];
    const add = (name: N | undefined, type: N) => styp.list!.push(mk('Field', line, col, { name, type }));
    switch (this.tok) {
      case T.Name: {
        const name = this.name();
        if ((this.tok as Tok) === T.Dot || this.tok === T.Literal || this.tok === T.Semi || this.tok === T.Rbrace) {
          add(undefined, this.qualifiedName(name));
          this.oliteral();
          return;
        }
        const names = this.nameList(name);
        let typ: N;
        if (names.length === 1 && this.tok === T.Lbrack) {
          typ = this.arrayOrTArgs();
          if (typ.k === 'Index') {
            typ.x = name;
            this.oliteral();
            add(undefined, typ);
            return;
          }
        } else typ = this.type_();
        this.oliteral();
        for (const n of names) add(n, typ);
        return;
      }
      case T.Star: {
        this.next();
        let typ: N;
        if ((this.tok as Tok) === T.Lparen) {
          this.syntaxError('cannot parenthesize embedded type');
          this.next();
          typ = this.qualifiedName(null);
          this.got(T.Rparen);
        } else typ = this.qualifiedName(null);
        this.oliteral();
        add(undefined, mk('Operation', line, col, { op: '*', x: typ }));
        return;
      }
      case T.Lparen: {
        this.syntaxError('cannot parenthesize embedded type');
        this.next();
        let typ: N;
        if ((this.tok as Tok) === T.Star) {
          const [l2, c2] = [this.line, this.col];
          this.next();
          typ = mk('Operation', l2, c2, { op: '*', x: this.qualifiedName(null) });
        } else typ = this.qualifiedName(null);
        this.got(T.Rparen);
        this.oliteral();
        add(undefined, typ);
        return;
      }
      default:
        this.syntaxError('expecting field name or embedded type');
        this.advance(T.Semi, T.Rbrace);
    }
  }

  private arrayOrTArgs(): N {
    const [line, col] = [this.line, this.col];
    this.want(T.Lbrack);
    if (this.got(T.Rbrack)) return this.sliceType(line, col);
    const [n, comma] = this.typeList();
    this.want(T.Rbrack);
    if (!comma) {
      const elem = this.typeOrNil();
      if (elem) return mk('ArrayType', line, col, { len: n, elem });
    }
    return mk('Index', line, col, { y: n });
  }

  private oliteral(): N | null {
    if (this.tok === T.Literal) {
      const b = mk('BasicLit', this.line, this.col, { value: this.lit });
      this.next();
      return b;
    }
    return null;
  }

  private methodDecl(): N {
    const f = mk('Field', this.line, this.col);
    const name = this.name();
    const context = 'interface method';
    switch (this.tok) {
      case T.Lparen:
        f.name = name;
        f.type = this.funcType(context);
        break;
      case T.Lbrack: {
        const [line, col] = [this.line, this.col];
        this.next();
        if (this.tok === T.Rbrack) {
          const [l2, c2] = [this.line, this.col];
          this.next();
          if (this.tok === T.Lparen) {
            this.soft(l2, c2, 'empty type parameter list');
            f.name = name;
            f.type = this.funcType(context);
          } else {
            this.soft(l2, c2, 'empty type argument list');
            f.type = name;
          }
          break;
        }
        const list = this.paramList(null, null, T.Rbrack, false);
        if (list.length === 0) {
          if (this.tok === T.Lparen) {
            f.name = name;
            f.type = this.funcType(context);
          } else f.type = name;
          break;
        }
        if (list[0]!.name) {
          f.name = name;
          f.type = this.funcType(context);
          this.soft(line, col, 'interface method must have no type parameters');
          break;
        }
        f.type = mk('Index', line, col, { x: name, y: list.length === 1 ? list[0]!.type : mk('List', list[0]!.line, list[0]!.col, { list: list.map((l) => l.type!) }) });
        break;
      }
      default:
        f.type = this.qualifiedName(name);
    }
    return f;
  }

  private embeddedElem(f: N | null): N {
    if (!f) f = mk('Field', this.line, this.col, { type: this.embeddedTerm() });
    while (this.tok === T.Operator && this.op === '|') {
      const t = mk('Operation', this.line, this.col, { op: '|' });
      this.next();
      t.x = f.type;
      t.y = this.embeddedTerm();
      f.type = t;
    }
    return f;
  }

  private embeddedTerm(): N {
    if (this.tok === T.Operator && this.op === '~') {
      const t = mk('Operation', this.line, this.col, { op: '~' });
      this.next();
      t.x = this.type_();
      return t;
    }
    const t = this.typeOrNil();
    if (!t) {
      const x = this.badExpr();
      this.syntaxError('expecting ~ term or type');
      this.advance(T.Operator, T.Semi, T.Rparen, T.Rbrack, T.Rbrace);
      return x;
    }
    return t;
  }

  private paramDeclOrNil(name: N | null, follow: Tok): N | null {
    const typeSetsOk = follow === T.Rbrack;
    let [line, col] = [this.line, this.col];
    if (name) [line, col] = [name.line, name.col];
    else if (typeSetsOk && this.tok === T.Operator && this.op === '~') return this.embeddedElem(null);
    let f = mk('Field', line, col);
    if (this.tok === T.Name || name) {
      if (!name) name = this.name();
      if (this.tok === T.Lbrack) {
        f.type = this.arrayOrTArgs();
        if (f.type.k === 'Index') f.type.x = name;
        else f.name = name;
        if (typeSetsOk && this.tok === T.Operator && this.op === '|') f = this.embeddedElem(f);
        return f;
      }
      if (this.tok === T.Dot) {
        f.type = this.qualifiedName(name);
        if (typeSetsOk && this.tok === T.Operator && this.op === '|') f = this.embeddedElem(f);
        return f;
      }
      if (typeSetsOk && this.tok === T.Operator && this.op === '|') {
        f.type = name;
        return this.embeddedElem(f);
      }
      f.name = name;
    }
    if (this.tok === T.DotDotDot) {
      const t = mk('DotsType', this.line, this.col);
      this.next();
      let elem = this.typeOrNil();
      if (!elem) {
        elem = this.badExpr();
        this.syntaxError('... is missing type');
      }
      t.elem = elem;
      f.type = t;
      return f;
    }
    if (typeSetsOk && this.tok === T.Operator && this.op === '~') {
      f.type = this.embeddedElem(null).type;
      return f;
    }
    f.type = this.typeOrNil() ?? undefined;
    if (typeSetsOk && this.tok === T.Operator && this.op === '|' && f.type) f = this.embeddedElem(f);
    if (f.name || f.type) return f;
    this.syntaxError(`expecting ${tokstring(follow)}`);
    this.advance(T.Comma, follow);
    return null;
  }

  private paramList(name: N | null, typ: N | null, close: Tok, requireNames: boolean): N[] {
    if (name && typ && this.tok === close) {
      this.next();
      return [mk('Field', name.line, name.col, { name, type: typ })];
    }
    const list: N[] = [];
    let named = 0;
    let typed = 0;
    const [endLine, endCol] = this.listEnd('parameter list', T.Comma, close, () => {
      let par: N | null;
      if (typ) par = mk('Field', name!.line, name!.col, { name: name!, type: typ });
      else par = this.paramDeclOrNil(name, close);
      name = null;
      typ = null;
      if (par) {
        if (par.name && par.type) named++;
        if (par.type) typed++;
        list.push(par);
      }
      return false;
    });
    if (list.length === 0) return list;
    if (named === 0 && !requireNames) {
      for (const par of list) {
        if (par.name) {
          par.type = par.name;
          par.name = undefined;
        }
      }
    } else if (named !== list.length) {
      let pos: [number, number] | null = null;
      let t: N | undefined;
      for (let i = list.length - 1; i >= 0; i--) {
        const par = list[i]!;
        if (par.type) {
          t = par.type;
          if (!par.name) {
            pos = startPos(t);
            par.name = mk('Name', pos[0], pos[1], { value: '_' });
          }
        } else if (t) par.type = t;
        else {
          pos = [par.name!.line, par.name!.col];
          par.type = mk('Bad', pos[0], pos[1]);
        }
      }
      if (pos) {
        let msg: string;
        if (requireNames) {
          if (named === typed) {
            pos = [endLine, endCol];
            msg = 'missing type constraint';
          } else msg = 'type parameters must be named';
        } else msg = 'mixed named and unnamed parameters';
        this.syntaxErrorAt(pos[0], pos[1], msg);
      }
    }
    return list;
  }

  /** list() that also returns the position of the closing token. */
  private listEnd(context: string, sep: Tok, close: Tok, f: () => boolean): [number, number] {
    let done = false;
    while (this.tok !== T.EOF && this.tok !== close && !done) {
      done = f();
      if (!this.got(sep) && this.tok !== close) {
        this.syntaxError(`in ${context}; possibly missing ${tokstring(sep)} or ${tokstring(close)}`);
        this.advance(T.Rparen, T.Rbrack, T.Rbrace);
        if (this.tok !== close) return [this.line, this.col];
      }
    }
    const pos: [number, number] = [this.line, this.col];
    this.want(close);
    return pos;
  }

  // ---- statements ----

  private simpleStmt(lhs: N | null, keyword: Tok | 0): N {
    if (keyword === T.For && this.tok === T.Range) return this.newRangeClause(null, false);
    if (!lhs) lhs = this.exprList();
    if (lhs.k !== 'List' && this.tok !== T.Assign && this.tok !== T.Define) {
      const [line, col] = [this.line, this.col];
      switch (this.tok) {
        case T.AssignOp: {
          const op = this.op;
          this.next();
          return mk('AssignStmt', line, col, { op, lhs, rhs: this.expr() });
        }
        case T.IncOp: {
          const op = this.op;
          this.next();
          return mk('AssignStmt', line, col, { op, lhs, rhs: null });
        }
        case T.Arrow: {
          this.next();
          return mk('SendStmt', line, col, { x: lhs, y: this.expr() });
        }
        default:
          return mk('ExprStmt', lhs.line, lhs.col, { x: lhs });
      }
    }
    switch (this.tok) {
      case T.Assign:
      case T.Define: {
        const [line, col] = [this.line, this.col];
        const op = this.tok === T.Define ? 'def' : '';
        this.next();
        if (keyword === T.For && this.tok === T.Range) return this.newRangeClause(lhs, op === 'def');
        const rhs = this.exprList();
        if (rhs.k === 'TypeSwitchGuard' && keyword === T.Switch && op === 'def' && lhs.k === 'Name') {
          rhs.lhs = lhs;
          return mk('ExprStmt', rhs.line, rhs.col, { x: rhs });
        }
        return mk('AssignStmt', line, col, { op, lhs, rhs });
      }
      default: {
        this.syntaxError('expecting := or = or comma');
        this.advance(T.Semi, T.Rbrace);
        const x = lhs.k === 'List' ? lhs.list![0]! : lhs;
        return mk('ExprStmt', x.line, x.col, { x });
      }
    }
  }

  private newRangeClause(lhs: N | null, def: boolean): N {
    const r = mk('RangeClause', this.line, this.col, { lhs, def });
    this.next();
    r.x = this.expr();
    return r;
  }

  private labeledStmtOrNil(): boolean {
    const [line, col] = [this.line, this.col];
    this.want(T.Colon);
    if (this.tok === T.Rbrace) return true;
    if (this.stmtOrNil()) return true;
    this.syntaxErrorAt(line, col, 'missing statement after label');
    return false;
  }

  /** Returns the number of statements. */
  private blockStmt(context: string): number {
    this.in();
    if (!this.got(T.Lbrace)) {
      this.syntaxError(`expecting { after ${context}`);
      this.advance(T.Name, T.Rbrace);
      if (this.got(T.Rbrace)) {
        this.out();
        return 0;
      }
    }
    const n = this.stmtList();
    this.want(T.Rbrace);
    this.out();
    return n;
  }

  private declStmt(f: () => void): void {
    this.next();
    this.appendGroup(f);
  }

  private forStmt(): void {
    this.header(T.For);
    this.blockStmt('for clause');
  }

  private header(keyword: Tok): void {
    this.want(keyword);
    if (this.tok === T.Lbrace) {
      if (keyword === T.If) this.syntaxError('missing condition in if statement');
      return;
    }
    const outer = this.xnest;
    this.xnest = -1;
    let init: N | null = null;
    if (this.tok !== T.Semi) {
      if (this.got(T.Var)) this.syntaxError(`var declaration not allowed in ${tokstring(keyword)} initializer`);
      init = this.simpleStmt(null, keyword);
      if (init.k === 'RangeClause') {
        this.xnest = outer;
        return;
      }
    }
    let condStmt: N | null = null;
    let semi: { line: number; col: number; lit: string } | null = null;
    if (this.tok !== T.Lbrace) {
      if (this.tok === T.Semi) {
        semi = { line: this.line, col: this.col, lit: this.lit };
        this.next();
      } else {
        this.want(T.Lbrace);
        if (this.tok !== T.Lbrace) this.advance(T.Lbrace, T.Rbrace);
      }
      if (keyword === T.For) {
        let done = false;
        if (this.tok !== T.Semi) {
          if (this.tok === T.Lbrace) {
            this.syntaxError('expecting for loop condition');
            done = true;
          } else condStmt = this.simpleStmt(null, 0);
        }
        if (!done) {
          this.want(T.Semi);
          if (this.tok !== T.Lbrace) {
            const post = this.simpleStmt(null, 0);
            if (post.k === 'AssignStmt' && post.op === 'def') this.syntaxErrorAt(post.line, post.col, 'cannot declare in post statement of for loop');
          }
        }
      } else if (this.tok !== T.Lbrace) condStmt = this.simpleStmt(null, keyword);
    } else {
      condStmt = init;
      init = null;
    }
    if (!condStmt) {
      if (keyword === T.If && semi) {
        if (semi.lit !== 'semicolon') this.syntaxErrorAt(semi.line, semi.col, `unexpected ${semi.lit}, expecting { after if clause`);
        else this.syntaxErrorAt(semi.line, semi.col, 'missing condition in if statement');
      }
    } else if (condStmt.k !== 'ExprStmt') {
      let s: string;
      if (condStmt.k === 'AssignStmt' && condStmt.op === '') s = `assignment (${str(condStmt.lhs)}) = (${str(condStmt.rhs)})`;
      else s = str(condStmt);
      this.syntaxErrorAt(condStmt.line, condStmt.col, `cannot use ${s} as value`);
    }
    this.xnest = outer;
  }

  private ifStmt(): void {
    this.in();
    this.header(T.If);
    this.blockStmt('if clause');
    if (this.got(T.Else)) {
      if (this.tok === T.If) this.ifStmt();
      else if (this.tok === T.Lbrace) this.blockStmt('');
      else {
        this.syntaxError('else must be followed by if or statement block');
        this.advance(T.Name, T.Rbrace);
      }
    }
    this.out();
  }

  private switchStmt(): void {
    this.header(T.Switch);
    if (!this.got(T.Lbrace)) {
      this.syntaxError('missing { after switch clause');
      this.advance(T.Case, T.Default, T.Rbrace);
    }
    while (this.tok !== T.EOF && this.tok !== T.Rbrace) this.caseClause(false);
    this.want(T.Rbrace);
  }

  private selectStmt(): void {
    this.want(T.Select);
    if (!this.got(T.Lbrace)) {
      this.syntaxError('missing { after select clause');
      this.advance(T.Case, T.Default, T.Rbrace);
    }
    while (this.tok !== T.EOF && this.tok !== T.Rbrace) this.caseClause(true);
    this.want(T.Rbrace);
  }

  private caseClause(comm: boolean): void {
    switch (this.tok) {
      case T.Case:
        this.next();
        if (comm) this.simpleStmt(null, 0);
        else this.exprList();
        break;
      case T.Default:
        this.next();
        break;
      default:
        this.syntaxError('expecting case or default or }');
        this.advance(T.Colon, T.Case, T.Default, T.Rbrace);
    }
    this.want(T.Colon);
    this.stmtList();
  }

  /** Parses a statement if one is present; returns false if there is none. */
  private stmtOrNil(): boolean {
    this.in();
    try {
      if (this.tok === T.Name) {
        this.clearPragma();
        const lhs = this.exprList();
        if (lhs.k === 'Name' && this.tok === T.Colon) return this.labeledStmtOrNil();
        this.simpleStmt(lhs, 0);
        return true;
      }
      switch (this.tok) {
        case T.Var:
          this.declStmt(() => this.varDecl());
          return true;
        case T.Const:
          this.declStmt(() => this.constDecl());
          return true;
        case T.Type:
          this.declStmt(() => this.typeDecl());
          return true;
      }
      this.clearPragma();
      switch (this.tok) {
        case T.Lbrace:
          this.blockStmt('');
          return true;
        case T.Operator:
        case T.Star:
          if (['+', '-', '*', '&', '^', '!'].includes(this.op)) {
            this.simpleStmt(null, 0);
            return true;
          }
          return false;
        case T.Literal:
        case T.Func:
        case T.Lparen:
        case T.Lbrack:
        case T.Struct:
        case T.Map:
        case T.Chan:
        case T.Interface:
        case T.Arrow:
          this.simpleStmt(null, 0);
          return true;
        case T.For:
          this.forStmt();
          return true;
        case T.Switch:
          this.switchStmt();
          return true;
        case T.Select:
          this.selectStmt();
          return true;
        case T.If:
          this.ifStmt();
          return true;
        case T.Fallthrough:
          this.next();
          return true;
        case T.Break:
        case T.Continue:
          this.next();
          if ((this.tok as Tok) === T.Name) this.name();
          return true;
        case T.Go:
        case T.Defer:
          this.callStmt();
          return true;
        case T.Goto:
          this.next();
          this.name();
          return true;
        case T.Return:
          this.next();
          if ((this.tok as Tok) !== T.Semi && (this.tok as Tok) !== T.Rbrace) this.exprList();
          return true;
        case T.Semi:
          return true;
      }
      return false;
    } finally {
      this.out();
    }
  }

  private stmtList(): number {
    let n = 0;
    while (this.tok !== T.EOF && this.tok !== T.Rbrace && this.tok !== T.Case && this.tok !== T.Default) {
      // an empty statement written as `;` (tree-sitter-go has no rule for one here): blanked out
      if (this.tok === T.Semi && this.lit === 'semicolon') this.blanks.push({ start: this.off, end: this.off + 1, text: ' ' });
      const ok = this.stmtOrNil();
      this.clearPragma();
      if (!ok) break;
      n++;
      if (!this.got(T.Semi) && this.tok !== T.Rbrace) {
        this.syntaxError('at end of statement');
        this.advance(T.Semi, T.Rbrace, T.Case, T.Default);
        this.got(T.Semi);
      }
    }
    return n;
  }

  private argList(): [N[], boolean] {
    const list: N[] = [];
    let hasDots = false;
    this.xnest++;
    this.list('argument list', T.Comma, T.Rparen, () => {
      list.push(this.expr());
      hasDots = this.got(T.DotDotDot);
      return hasDots;
    });
    this.xnest--;
    return [list, hasDots];
  }

  // ---- common productions ----

  private name(): N {
    if (this.tok === T.Name) {
      const n = mk('Name', this.line, this.col, { value: this.lit });
      this.next();
      return n;
    }
    const n = mk('Name', this.line, this.col, { value: '_' });
    this.syntaxError('expecting name');
    this.advance();
    return n;
  }

  private nameList(first?: N): N[] {
    const l = [first ?? this.name()];
    while (this.got(T.Comma)) l.push(this.name());
    return l;
  }

  private qualifiedName(name: N | null): N {
    let x: N;
    if (name) x = name;
    else if (this.tok === T.Name) x = this.name();
    else {
      x = mk('Name', this.line, this.col, { value: '_' });
      this.syntaxError('expecting name');
      this.advance(T.Dot, T.Semi, T.Rbrace);
    }
    if (this.tok === T.Dot) {
      const s = mk('Selector', this.line, this.col, { x });
      this.next();
      s.name = this.name();
      x = s;
    }
    if (this.tok === T.Lbrack) x = this.typeInstance(x);
    return x;
  }

  private exprList(): N {
    const x = this.expr();
    if (this.got(T.Comma)) {
      const list = [x, this.expr()];
      while (this.got(T.Comma)) list.push(this.expr());
      return mk('List', x.line, x.col, { list });
    }
    return x;
  }

  private typeList(): [N, boolean] {
    this.xnest++;
    let x = this.expr();
    let comma = false;
    if (this.got(T.Comma)) {
      comma = true;
      let t = this.typeOrNil();
      if (t) {
        const list = [x, t];
        while (this.got(T.Comma)) {
          t = this.typeOrNil();
          if (!t) break;
          list.push(t);
        }
        x = mk('List', x.line, x.col, { list });
      }
    }
    this.xnest--;
    return [x, comma];
  }
}

export interface SyntaxOptions {
  /** recursion levels of the recognizer before it gives up with TooDeep (default 100,000) */
  maxDepth?: number;
}

export interface SyntaxResult {
  /** the error gc prints first, or null when there is none */
  first: SyntaxIssue | null;
  /** every error, in the order gc's parser reports them (compile/errors.ts gcErrorLines sorts and caps them) */
  errors: SyntaxIssue[];
  /**
   * A "syntax error" was found (or the file ended early): gc stops after
   * parsing, so `first` is the first line `go build` prints. Otherwise any
   * error is one gc's type checker runs after (a malformed literal, an
   * invalid character, `go f`): an earlier type error is printed first.
   */
  fatal: boolean;
  /** ranges of the source to replace (same byte length) before building the tree: what gc skipped or could not read */
  blanks: { start: number; end: number; text: string }[];
}

/**
 * Check a Go source file as `go build` does before type checking: first
 * the package clause and imports, as the go command reads them (go/build
 * and go/parser, with their own messages), then the whole file as the
 * compiler's parser does. Throws TooDeep past `maxDepth` levels.
 */
export function checkSyntax(src: string | Uint8Array, o: SyntaxOptions = {}): SyntaxResult {
  const bytes = typeof src === 'string' ? new TextEncoder().encode(src) : src;
  const header = checkHeader(bytes);
  if (header) return { first: header, errors: [header], fatal: true, blanks: [] };
  const p = new Parser(bytes, o.maxDepth ?? 100_000);
  try {
    p.next();
    p.file();
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  // gc prints its first ten errors sorted by position
  const first = p.errors.length ? p.errors.slice(0, 10).reduce((a, b) => (b.line < a.line || (b.line === a.line && b.col < a.col) ? b : a)) : null;
  return { first, errors: p.errors, fatal: p.fatal, blanks: p.blanks };
}

// ---- the package clause and imports, as the go command reads them -------------------------------

/**
 * How much of the file go/build hands to go/parser as the header: its
 * importReader reads `package name` and the import declarations byte by
 * byte and stops before the first byte of anything else; on anything it
 * does not understand the whole file is the header (read.go readGoInfo).
 */
function importHeader(b: Uint8Array): Uint8Array {
  let i = 0;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) i = 3;
  const start = i;
  let err = false;
  let peek = -1; // index of the peeked byte, or -1
  const isIdent = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c >= 0x80;
  // read position: bytes [start, i) have been read
  const readByte = (): number => (i < b.length ? b[i++]! : ((i = b.length + 1), -1));
  const eof = () => i > b.length;
  const peekByte = (skipSpace: boolean): number => {
    if (err) return 0;
    let c = peek >= 0 ? b[peek]! : readByte();
    while (!err && !eof()) {
      if (skipSpace && (c === 0x20 || c === 0x0c || c === 0x09 || c === 0x0d || c === 0x0a || c === 0x3b)) {
        c = readByte();
        continue;
      }
      if (skipSpace && c === 0x2f) {
        c = readByte();
        if (c === 0x2f) {
          while (c !== 0x0a && !eof()) c = readByte();
        } else if (c === 0x2a) {
          let c1 = 0;
          while ((c !== 0x2a || c1 !== 0x2f) && !err) {
            if (eof()) err = true;
            [c, c1] = [c1, readByte()];
          }
        } else err = true;
        c = readByte();
        continue;
      }
      break;
    }
    if (eof() || err) return 0;
    if (c === 0) err = true; // go/build: unexpected NUL in input (not modelled further)
    peek = i - 1;
    return c;
  };
  const nextByte = (skipSpace: boolean): number => {
    const c = peekByte(skipSpace);
    peek = -1;
    return c;
  };
  const readKeyword = (kw: string) => {
    peekByte(true);
    for (let k = 0; k < kw.length; k++) {
      if (nextByte(false) !== kw.charCodeAt(k)) {
        err = true;
        return;
      }
    }
    if (isIdent(peekByte(false))) err = true;
  };
  const readIdent = () => {
    if (!isIdent(peekByte(true))) {
      err = true;
      return;
    }
    while (isIdent(peekByte(false))) peek = -1;
  };
  const readString = () => {
    const q = nextByte(true);
    if (q === 0x60) {
      while (!err) {
        if (nextByte(false) === 0x60) break;
        if (eof()) err = true;
      }
    } else if (q === 0x22) {
      while (!err) {
        const c = nextByte(false);
        if (c === 0x22) break;
        if (eof() || c === 0x0a) err = true;
        if (c === 0x5c) nextByte(false);
      }
    } else err = true;
  };
  const readImport = () => {
    const c = peekByte(true);
    if (c === 0x2e) peek = -1;
    else if (isIdent(c)) readIdent();
    readString();
  };
  readKeyword('package');
  readIdent();
  while (peekByte(true) === 0x69) {
    readKeyword('import');
    if (peekByte(true) === 0x28) {
      nextByte(false);
      while (peekByte(true) !== 0x29 && !err) readImport();
      nextByte(false);
    } else readImport();
  }
  if (err) return b;
  // the byte that told the reader it was done is not part of the header
  const end = eof() ? b.length : Math.max(start, i - 1);
  return b.subarray(0, end);
}

/** go/token's spelling of the current token, as go/parser's "found ..." shows it. */
function goTokenFound(p: Scanner): string {
  switch (p.tok) {
    case T.Name:
    case T.Literal:
      return p.lit;
    case T.Semi:
      return p.lit === 'semicolon' ? "';'" : 'newline';
    case T.Operator:
      return `'${p.op}'`;
    case T.AssignOp:
      return `'${p.op}='`;
    case T.IncOp:
      return `'${p.op}${p.op}'`;
    default:
      return `'${TOKEN_NAMES[p.tok]}'`;
  }
}

/**
 * The first error go/parser (mode ImportsOnly) reports in the header, with
 * its wording: "expected 'package', found 'func'", "expected 'IDENT', found
 * newline", "expected ';', found foo", "expected 'STRING', found 'func'",
 * "invalid import path: ...". Only the first matters: go/parser moves
 * forward, and `go build` stops here.
 */
function checkHeader(bytes: Uint8Array): SyntaxIssue | null {
  const header = importHeader(bytes);
  const p = new Scanner(header, () => {});
  const fail = (what: string): SyntaxIssue => {
    let [line, col] = [p.line, p.col];
    if (p.tok === T.EOF && header[header.length - 1] === 0x0a) {
      // go/token puts the end of a file that ends in a newline on its last line
      const prev = header.lastIndexOf(0x0a, header.length - 2);
      [line, col] = [line - 1, header.length - prev];
    }
    return { line, col, msg: `expected ${what}, found ${goTokenFound(p)}` };
  };
  const expectSemi = (): SyntaxIssue | null => {
    if (p.tok === T.Rparen || p.tok === T.Rbrace) return null;
    if (p.tok === T.Semi) {
      p.next();
      return null;
    }
    return fail("';'");
  };
  p.next();
  if (p.tok !== T.Package) return fail("'package'");
  p.next();
  if (p.tok !== T.Name) return fail("'IDENT'");
  p.next();
  const e = expectSemi();
  if (e) return e;
  const importSpec = (): SyntaxIssue | null => {
    if (p.tok === T.Dot || p.tok === T.Name) p.next();
    if (p.tok === T.Literal && p.kind === 'string') {
      if (!isValidImport(p.lit)) return { line: p.line, col: p.col, msg: `invalid import path: ${p.lit}` };
      p.next();
    } else return fail("'STRING'");
    return expectSemi();
  };
  while (p.tok === T.Import) {
    p.next();
    if (p.tok === T.Lparen) {
      p.next();
      while (p.tok !== T.Rparen && p.tok !== T.EOF) {
        const e1 = importSpec();
        if (e1) return e1;
      }
      if (p.tok !== T.Rparen) return fail("')'");
      p.next();
      const e2 = expectSemi();
      if (e2) return e2;
    } else {
      const e3 = importSpec();
      if (e3) return e3;
    }
  }
  return null;
}

/** go/parser's isValidImport on a string literal's text. */
function isValidImport(lit: string): boolean {
  let s: string;
  if (lit.startsWith('`')) s = lit.slice(1, -1);
  else {
    try {
      s = JSON.parse(lit.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1').replace(/\\([0-7]{3})/g, (_, o: string) => `\\u${parseInt(o, 8).toString(16).padStart(4, '0')}`).replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b')) as string;
    } catch {
      return true;
    }
  }
  const illegal = '!"#$%&\'()*,:;<=>?[\\]^{|}`\ufffd';
  for (const ch of s) {
    if (illegal.includes(ch) || /\s/u.test(ch) || !/[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]/u.test(ch)) return false;
  }
  return s !== '';
}
