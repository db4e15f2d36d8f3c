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
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}:${col}: ${detail}`);
    this.name = 'CompileError';
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
  ) {
    super(detail);
    this.name = 'PosError';
  }
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

export function unsupported(pos: Pos, what: string): never {
  throw new UnsupportedError(pos, `unsupported: ${what}`);
}
