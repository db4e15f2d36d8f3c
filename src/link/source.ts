// Reading asm/<arch>/*.s into TEXT blocks.
//
// File format (Keystone syntax: Intel on amd64, UAL on arm), one symbol per block:
//
//   // comments run from `//` to the end of the line (stripped here: Keystone
//   // cannot parse them)
//   TEXT runtime.gogo(SB), NOSPLIT, $0-8     <- starts a block; only the name counts
//       mov rbx, qword ptr [rsp + 8]
//       jmp runtime.gogo<>                   <- other symbols by name
//
// Symbol spelling: Go's package-qualified names with a plain dot
// (`runtime.gogo`, `main.main`), as `go tool objdump` prints them; file-local
// helpers keep Go's `<>` suffix (`runtime.gogo<>`). Names containing `<>` are
// quoted for Keystone automatically. Labels inside a block are local to it.
// Data directives allowed: .quad .long .short .byte (.word is not: its size
// differs between the two assemblers), alignment with .p2align/.balign/.align;
// `ldr rX, =value` literal pools go after the block on arm.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UserError } from '../engine/errors.ts';

export interface SourceLine {
  /** the text with the comment removed */
  text: string;
  /** 1-based line number in the .s file */
  line: number;
}

export interface TextBlock {
  name: string;
  file: string;
  /** line of the TEXT directive */
  line: number;
  /** the whole TEXT header as written (flags, frame size) for display */
  header: string;
  body: SourceLine[];
  /** the comment lines right above the TEXT line (without `//`), for documentation views */
  doc?: string[];
  /** the last line of the block in its file */
  endLine?: number;
  /** a function the Go compiler made (src/compile): what a traceback needs to walk and print its frames */
  goFunc?: GoFuncInfo;
}

/** The frame facts of a compiled Go function (a pcsp/ArgInfo table in miniature: one frame size for the whole body). */
export interface GoFuncInfo {
  /** argument words, printed in a traceback as Go prints them */
  params: number;
  /** bytes SP moves down in the prologue: from the entry SP to the body's SP (amd64: saved BP and locals; arm: T, with the saved LR) */
  frame: number;
}

/** A problem in a .s file (a stub, a program or a --stub file): bad input at file:line. */
export class AsmSourceError extends UserError {
  constructor(
    readonly file: string,
    readonly line: number,
    msg: string,
  ) {
    super(`${file}:${line}: ${msg}`);
    this.name = 'AsmSourceError';
  }
}

const TEXT_RE = /^\s*TEXT\s+([^\s(,]+)/;

/** Remove a `//` comment (not inside a string literal) and trailing space. */
export function stripComment(line: string): string {
  let inStr = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') inStr = !inStr;
    else if (!inStr && c === '/' && line[i + 1] === '/') return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

/** Split one .s file's text into TEXT blocks. `file` is used in messages. */
export function parseAsm(text: string, file: string): TextBlock[] {
  const blocks: TextBlock[] = [];
  let cur: TextBlock | undefined;
  let doc: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const code = stripComment(raw);
    if (code.trim() === '') {
      const c = /^\s*\/\/ ?(.*)$/.exec(raw);
      doc = c ? [...doc, c[1]!] : [];
      return;
    }
    const m = TEXT_RE.exec(code);
    if (m) {
      cur = { name: m[1]!, file, line, header: code.trim(), body: [], doc, endLine: line };
      doc = [];
      blocks.push(cur);
      return;
    }
    doc = [];
    if (!cur) throw new AsmSourceError(file, line, 'code outside a TEXT block');
    if (/^\s*\.word\b/.test(code)) throw new AsmSourceError(file, line, 'use .long (4 bytes) or .short (2 bytes) instead of .word');
    cur.body.push({ text: code, line });
    cur.endLine = line;
  });
  return blocks;
}

/** Load every .s file of a directory, in name order. File names are reported relative to `root`. */
export function loadAsmDir(dir: string, root: string): TextBlock[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.s'))
    .sort();
  return files.flatMap((f) => {
    const path = join(dir, f);
    return parseAsm(readFileSync(path, 'utf8'), relative(root, path));
  });
}
