// Syntax errors as go1.19 reports them (src/compile/syntax.ts): each
// program's expected line is the first one `go build` of go1.19.8 printed for
// it (./prog.go:LINE:COL: message, from the compiler or, for the package
// clause and imports, from the go command), recorded with
// test/fuzz/lib/golang.ts. Invalid programs that tree-sitter's error-tolerant
// parser accepted are among them (--x, a send as a condition, a second
// package clause); so are the errors gc reports without stopping, which come
// after an earlier type error (a malformed literal, an invalid character).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../src/os/machine.ts';
import { archCases } from '../helpers.ts';
import { CompileError, compileProgram } from '../../src/compile/index.ts';
import { checkSyntax } from '../../src/compile/syntax.ts';

// [name, program, go1.19's first error line without the file name]
const CASES: [string, string, string][] = [
  ["prefix decrement", "package main\n\nfunc main() {\n\tx := 5\n\tprintln(--x)\n}\n", "5:10: syntax error: unexpected --, expecting expression"],
  ["postfix decrement in an argument", "package main\n\nfunc main() {\n\tx := 1\n\tprintln(x--)\n}\n", "5:11: syntax error: unexpected -- in argument list; possibly missing comma or )"],
  ["send as a for condition", "package main\n\nfunc main() {\n\tfor i := 0; i <- 3; i++ {\n\t}\n}\n", "4:16: syntax error: cannot use i <- 3 as value"],
  ["define as an if condition", "package main\n\nfunc main() {\n\tif x := 1 {\n\t}\n}\n", "4:7: syntax error: cannot use x := 1 as value"],
  ["assignment as an if condition", "package main\n\nfunc main() {\n\tx := 1\n\tif x = 2 {\n\t}\n}\n", "5:7: syntax error: cannot use assignment (x) = (2) as value"],
  ["missing if condition", "package main\n\nfunc main() {\n\tif {\n\t}\n}\n", "4:5: syntax error: missing condition in if statement"],
  ["if condition then newline", "package main\n\nfunc main() {\n\tx := 1\n\tif x > 0\n\t{\n\t}\n}\n", "5:10: syntax error: unexpected newline, expecting { after if clause"],
  ["brace of main on its own line", "package main\n\nfunc main()\n{\n}\n", "4:1: syntax error: unexpected semicolon or newline before {"],
  ["two package clauses", "package main\npackage main\nfunc main() {}\n", "2:1: syntax error: non-declaration statement outside function body"],
  ["no package clause", "func main() {}\n", "1:1: expected 'package', found 'func'"],
  ["package clause without a name", "package\nfunc main() {}\n", "2:1: expected 'IDENT', found 'func'"],
  ["two names after package", "package main main\nfunc main() {}\n", "1:14: syntax error: unexpected main, expecting semicolon or newline"],
  ["import without a path", "package main\nimport\nfunc main() {}\n", "3:1: expected 'STRING', found 'func'"],
  ["import of a number", "package main\nimport 42\nfunc main() {}\n", "2:8: expected 'STRING', found 42"],
  ["statement outside a function", "package main\nx := 1\nfunc main() {}\n", "2:1: syntax error: non-declaration statement outside function body"],
  ["missing closing paren", "package main\n\nfunc main() {\n\tprintln(1\n}\n", "4:11: syntax error: unexpected newline in argument list; possibly missing comma or )"],
  ["missing closing brace", "package main\nfunc main() {\n\tfor {\n}\n", "5:1: syntax error: unexpected EOF, expecting }"],
  ["binary operator without right operand", "package main\n\nfunc main() {\n\tprintln(1 +)\n}\n", "4:13: syntax error: unexpected ), expecting expression"],
  ["unterminated string", "package main\n\nfunc main() {\n\tprintln(\"a)\n}\n", "4:13: newline in string"],
  ["invalid character", "package main\n\nfunc main() {\n\tx := 1 @ 2\n\tprintln(x)\n}\n", "4:9: invalid character U+0040 '@'"],
  ["else on a new line", "package main\n\nfunc main() {\n\tx := 1\n\tif x > 0 {\n\t}\n\telse {\n\t}\n}\n", "7:2: syntax error: unexpected else, expecting }"],
  ["else followed by a statement", "package main\n\nfunc main() {\n\tx := 1\n\tif x > 0 {\n\t} else println(x)\n}\n", "6:9: syntax error: else must be followed by if or statement block"],
  ["var in a for initializer", "package main\n\nfunc main() {\n\tfor var i = 0; i < 3; i++ {\n\t}\n}\n", "4:10: syntax error: var declaration not allowed in for initializer"],
  ["define in a for post statement", "package main\n\nfunc main() {\n\tfor i := 0; i < 3; j := 1 {\n\t}\n}\n", "4:23: syntax error: cannot declare in post statement of for loop"],
  ["missing for condition", "package main\n\nfunc main() {\n\tfor i := 0; {\n\t}\n}\n", "4:14: syntax error: unexpected {, expecting for loop condition"],
  ["go without a call", "package main\n\nfunc main() {\n\tgo println\n}\n", "4:5: expression in go must be function call"],
  ["defer with parentheses", "package main\n\nfunc main() {\n\tdefer (println())\n}\n", "4:8: expression in defer must not be parenthesized"],
  ["label without a statement", "package main\n\nfunc main() {\n\tfor {\n\tL:\n\t}\n}\n", "5:2: label L defined and not used"],
  ["case outside a switch", "package main\n\nfunc main() {\n\tcase 1:\n}\n", "4:2: syntax error: unexpected case, expecting }"],
  ["switch without braces", "package main\n\nfunc main() {\n\tx := 1\n\tswitch x\n\tcase 1:\n}\n", "6:2: syntax error: unexpected case, expecting expression"],
  ["mixed named and unnamed parameters", "package main\nfunc f(a int, bool) {}\nfunc main() {}\n", "2:15: syntax error: mixed named and unnamed parameters"],
  ["method without a receiver", "package main\nfunc () f() {}\nfunc main() {}\n", "2:9: method has no receiver"],
  ["comma instead of semicolon in for", "package main\n\nfunc main() {\n\tfor i := 0, i < 3, i++ {\n\t}\n}\n", "4:22: syntax error: unexpected ++, expecting {"],
  ["stray closing brace", "package main\nfunc main() {\n}\n}\n", "4:1: syntax error: non-declaration statement outside function body"],
  ["number with a bad digit", "package main\n\nfunc main() {\n\tx := 09\n\tprintln(x)\n}\n", "4:8: invalid digit '9' in octal literal"],
  ["binary literal without digits", "package main\n\nfunc main() {\n\tx := 0b\n\tprintln(x)\n}\n", "4:9: binary literal has no digits"],
  ["misplaced underscore", "package main\n\nfunc main() {\n\tx := 1__0\n\tprintln(x)\n}\n", "4:9: '_' must separate successive digits"],
  ["unknown escape", "package main\n\nfunc main() {\n\tprintln(\"\\q\")\n}\n", "4:12: unknown escape"],
  ["empty rune literal", "package main\n\nfunc main() {\n\tprintln('')\n}\n", "4:11: empty rune literal or unescaped '"],
  ["unterminated comment", "package main\n\nfunc main() {\n\t/* comment\n\tprintln(1)\n}\n", "4:2: comment not terminated"],
  ["keyword as a name", "package main\n\nfunc main() {\n\tfunc := 1\n}\n", "4:7: syntax error: unexpected :=, expecting ("],
  ["chan of send direction mess", "package main\n\nfunc main() {\n\tvar c <-chan<- int\n\t_ = c\n}\n", "4:17: syntax error: unexpected int, expecting chan"],
  ["three-index slice without middle", "package main\n\nfunc main() {\n\tvar s []int\n\t_ = s[1::3]\n}\n", "5:10: middle index required in 3-index slice"],
  ["assignment operator in an expression", "package main\n\nfunc main() {\n\tx := 1\n\tprintln(x += 1)\n}\n", "5:12: syntax error: unexpected += in argument list; possibly missing comma or )"],
  ["trailing operator at end of line", "package main\n\nfunc main() {\n\tx := 1 +\n\tprintln(x)\n}\n", "5:10: undefined: x"],
  ["dot without a name", "package main\n\nfunc main() {\n\tx := 1\n\tprintln(x.)\n}\n", "5:12: syntax error: unexpected ), expecting name or ("],
  ["composite literal in an if header", "package main\ntype T struct{ a int }\nfunc main() {\n\tif x := T{1}; x.a > 0 {\n\t}\n}\n", "4:7: syntax error: cannot use x := T as value"],
];

describe.each(archCases)('syntax errors on %s, as go1.19 reports them', (_name, arch) => {
  it.each(CASES)('%s', async (_n, src, want) => {
    const e = await compileProgram(src, 'prog.go', arch).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CompileError);
    const c = e as CompileError;
    expect(`${c.line}:${c.col}: ${c.detail}`).toBe(want);
    // the first line gc prints (more may follow: test/compile/multi-errors.test.ts)
    expect(c.message.split('\n')[0]).toBe(`prog.go:${want}`);
  });
});

describe('the recognizer', () => {
  it('accepts every fixture program, and empty statements', () => {
    const dir = join(ROOT, 'fixtures', 'programs');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.go'))) expect([f, checkSyntax(readFileSync(join(dir, f))).first]).toEqual([f, null]);
    expect(checkSyntax('package main\n\nfunc main() {\n\t; println("done")\n\tx := 1;; _ = x\n}\n').first).toBeNull();
  });

  it('counts columns in bytes, as gc does', () => {
    expect(checkSyntax('package main\n\nfunc main() {\n\tprintln("é", --x)\n}\n').first).toEqual({ line: 4, col: 16, msg: 'syntax error: unexpected --, expecting expression' });
  });
});
