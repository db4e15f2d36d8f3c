// Errors of the Go-subset compiler. Every problem in the user's program is a
// CompileError carrying the Go source position, formatted the way the Go
// toolchain prints its diagnostics: `file:line:col: message`.
import { UserError } from '../engine/errors.ts';

/** A 1-based source position (columns count bytes, as Go's do). */
export interface Pos {
  line: number;
  col: number;
}

/**
 * A program outside the subset, or one that real Go rejects. It extends
 * UserError so that the CLI prints it as one line, without a stack trace.
 */
export class CompileError extends UserError {
  /**
   * every error printed, in gc's order (the first is line:col: detail); the
   * message has one line each, and under it a tab-indented line for each of
   * its notes, as gc prints them
   */
  readonly errors: { line: number; col: number; detail: string; also?: readonly Note[] }[];
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly detail: string,
    more: { line: number; col: number; detail: string; also?: readonly Note[] }[] = [],
    also: readonly Note[] = [],
  ) {
    const all = [{ line, col, detail, also }, ...more];
    super(all.map((e) => [`${file}:${e.line}:${e.col}: ${e.detail}`, ...(e.also ?? []).map((n) => `\t${file}:${n.line}:${n.col}: ${n.detail}`)].join('\n')).join('\n'));
    this.name = 'CompileError';
    this.errors = all;
  }
}

/**
 * Thrown inside the compiler without a file name; compileProgram adds the
 * file when it converts this into a CompileError.
 */
export class PosError extends Error {
  constructor(
    readonly pos: Pos,
    readonly detail: string,
    /** types2's continuation lines ("\tfile:line:col: other declaration of x"), printed under the error */
    readonly also: readonly Note[] = [],
  ) {
    super(detail);
    this.name = 'PosError';
  }
}

/** A continuation line of an error, at its own position. */
export interface Note {
  line: number;
  col: number;
  detail: string;
}

/** The note types2 adds to a redeclaration: where the other declaration is. */
export function otherDeclaration(pos: Pos, name: string): Note[] {
  return [{ line: pos.line, col: pos.col, detail: `other declaration of ${name}` }];
}

/**
 * Several errors of the program, in the order Go's front end reports them
 * (parser, then type checker; `reported`). `pos`/`detail` are those of the
 * first line gc prints; `printed()` gives every line it prints.
 */
export class GoErrors extends PosError {
  constructor(readonly reported: PosError[]) {
    const lines = gcErrorLines(reported);
    super(lines[0]!.pos, lines[0]!.detail);
    this.name = 'GoErrors';
  }

  printed(): PosError[] {
    return gcErrorLines(this.reported);
  }
}

/** gc's cap on the errors it reports before giving up (base.ErrorfAt without -e) */
export const GC_MAX_ERRORS = 10;

/**
 * The lines cmd/compile prints for errors reported in this order: a port of
 * base.ErrorfAt and base.FlushErrors (go1.19 cmd/compile/internal/base/print.go).
 * ErrorfAt keeps one syntax error per line and drops a non-syntax error
 * equal to the previous one on the same line; at the tenth error kept it
 * flushes and adds "too many errors" at that error's position. FlushErrors
 * sorts by position (stably) and drops exact repeats.
 */
export function gcErrorLines(reported: PosError[]): PosError[] {
  const kept: PosError[] = [];
  // (gc compares whole messages, continuation lines included)
  const msg = (e: PosError) => e.detail + e.also.map((n) => `\n${n.line}:${n.col}:${n.detail}`).join('');
  let lastSyntax = 0;
  let lastOther = 0;
  let lastMsg = '';
  let tooMany: Pos | undefined;
  for (const e of reported) {
    if (e.detail.startsWith('syntax error')) {
      if (e.pos.line === lastSyntax) continue;
      lastSyntax = e.pos.line;
    } else {
      if (e.pos.line === lastOther && msg(e) === lastMsg) continue;
      lastOther = e.pos.line;
      lastMsg = msg(e);
    }
    kept.push(e);
    if (kept.length >= GC_MAX_ERRORS) {
      tooMany = e.pos;
      break;
    }
  }
  const sorted = kept.map((e, i) => ({ e, i })).sort((a, b) => a.e.pos.line - b.e.pos.line || a.e.pos.col - b.e.pos.col || a.i - b.i).map((x) => x.e);
  const out = sorted.filter((e, i) => i === 0 || !(e.pos.line === sorted[i - 1]!.pos.line && e.pos.col === sorted[i - 1]!.pos.col && msg(e) === msg(sorted[i - 1]!)));
  if (tooMany) out.push(new PosError(tooMany, 'too many errors'));
  return out;
}

/** An error of gc's scanner (a malformed literal, an invalid character): what contains it is a bad operand for types2. */
export class ScanError extends PosError {}

/** `e` as the errors it stands for, in reporting order. */
export function reportedErrors(e: PosError): PosError[] {
  return e instanceof GoErrors ? e.reported : [e];
}

export function fail(pos: Pos, detail: string): never {
  throw new PosError(pos, detail);
}

/**
 * A construct outside the subset. Go reports errors in a program before
 * anything is compiled, so these do not stop checking: the parser and the
 * checker record them, skip the construct, and report the first one only
 * when the program has no error Go would report (src/compile/check.ts).
 */
export class UnsupportedError extends PosError {}

/** A construct that depends on one outside the subset (skipped; the first cause is reported). */
export class SkippedError extends UnsupportedError {}

/** A construct that depends on a declaration Go reported an error in (types2's invalid operands: skipped silently). */
export class InvalidByError extends SkippedError {}

export function unsupported(pos: Pos, what: string): never {
  throw new UnsupportedError(pos, `unsupported: ${what}`);
}
