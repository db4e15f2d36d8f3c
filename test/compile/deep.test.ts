// Deeply nested programs (issue 16): thousands of nested parentheses, blocks,
// ifs, calls or function literals, and very long expressions, used to end in
// "internal error: Maximum call stack size exceeded". Real Go compiles them;
// gogo-emu compiles them too (on a large-stack thread past MAIN_THREAD_DEPTH,
// see src/compile/deep.ts) up to its stated limit, and refuses deeper ones
// with one clear line at the position.
import { describe, expect, it } from 'vitest';
import { ARCHES } from '../../src/arch/index.ts';
import { runSource } from '../../src/cli/run.ts';
import { CompileError, compileProgram } from '../../src/compile/index.ts';
import { MAIN_THREAD_DEPTH, MAX_DEPTH } from '../../src/compile/parse.ts';

const amd64 = ARCHES.amd64;
const prog = (body: string, decls = '') => `package main\n${decls}\nfunc main() {\n\tx := 1\n${body}\n}\n`;

// each deeper than MAIN_THREAD_DEPTH (in tree-sitter levels), so compiled on the large-stack thread
const DEEP: [string, string, string][] = [
  ['1,500 nested parentheses', prog(`\tprintln(${'('.repeat(1500)}x${')'.repeat(1500)})`), '1\n'],
  ['1,000 nested blocks', prog(`${'{'.repeat(1000)}println(x)${'}'.repeat(1000)}`), '1\n'],
  ['1,000 nested ifs', prog(`${'if x > 0 {\n'.repeat(1000)}println(x)\n${'}\n'.repeat(1000)}`), '1\n'],
  ['an else-if chain of 1,000', prog(`${'if x == 0 {\n} else '.repeat(1000)}{\n\tprintln(x)\n}`), '1\n'],
  ['300 nested function literals', prog(`${'func() {\n'.repeat(300)}println(x)\n${'}()\n'.repeat(300)}`), '1\n'],
  ['calls nested 1,000 deep', prog(`\tprintln(${'f('.repeat(1000)}x${')'.repeat(1000)})`, 'func f(a int) int { return a + 1 }\n'), '1001\n'],
  ['a sum of 5,000 terms', prog(`\tprintln(${Array(5000).fill('x').join(' + ')})`), '5000\n'],
  ['a unary chain of 1,500', prog(`\tprintln(${'- '.repeat(1500)}x)`), '1\n'],
];

describe('deeply nested programs', () => {
  it('the limits are ordered', () => {
    expect(MAIN_THREAD_DEPTH).toBeLessThan(MAX_DEPTH);
  });

  it.each(DEEP)('%s: compiles and runs as in Go', async (_name, src, want) => {
    const r = await runSource(src, 'prog.go', amd64, { maxInsns: 50_000_000 });
    expect({ stderr: r.stderr, exit: r.exitCode }).toEqual({ stderr: want, exit: 0 });
  });

  it('refuses nesting past its limit with one line at the position', async () => {
    // 50,000 nested parentheses: deeper than MAX_DEPTH
    const src = prog(`\tprintln(${'('.repeat(50000)}x${')'.repeat(50000)})`);
    const e = await compileProgram(src, 'prog.go', amd64).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CompileError);
    expect((e as CompileError).message).toMatch(/^prog\.go:5:\d+: nested too deeply: more than 40000 levels \(a limit of gogo-emu, see its README\)$/);
  });

  it('a long sum past the limit: refused at the position, no stack trace', async () => {
    const src = prog(`\tprintln(${Array(45000).fill('x').join('+')})`);
    const e = await compileProgram(src, 'prog.go', amd64).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CompileError);
    expect((e as CompileError).message).toMatch(/^prog\.go:5:\d+: nested too deeply/);
  });
});
