// Programs with several errors: gogo-emu prints every error go1.19's `go
// build` prints, in its order and with its cap ("too many errors" after ten),
// as test/compile/multi-errors/<name>.<arch>.txt records them from real
// go1.19 (tools/record-compile-errors.sh: amd64, and arm with GOARM=7).
// They cover gc's parser recovery (errors after the first, up to the cap; a
// go statement whose function literal has a syntax error), the checker going
// on after an error without follow-up errors (invalid declarations), the
// merge of the parser's non-syntax errors with the checker's, unused
// variables and imports among other errors, redeclarations with types2's
// "\tother declaration of x" lines, and an arch-dependent overflow.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileProgram, CompileError } from '../../src/compile/index.ts';
import { gcErrorLines, PosError } from '../../src/compile/errors.ts';
import { ROOT } from '../../src/os/machine.ts';
import { archCases } from '../helpers.ts';

const DIR = join(ROOT, 'test', 'compile', 'multi-errors');
const PROGRAMS = readdirSync(DIR).filter((f) => f.endsWith('.go')).map((f) => f.slice(0, -3)).sort();

describe.each(archCases)('several compile errors on %s, as go1.19 prints them', (name, arch) => {
  it.each(PROGRAMS)('%s', async (prog) => {
    const want = readFileSync(join(DIR, `${prog}.${name}.txt`), 'utf8').trimEnd();
    const e = await compileProgram(readFileSync(join(DIR, `${prog}.go`), 'utf8'), 'prog.go', arch).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CompileError);
    expect((e as CompileError).message).toBe(want);
    // the first line is the error's own position and text
    const c = e as CompileError;
    expect(`prog.go:${c.line}:${c.col}: ${c.detail}`).toBe(want.split('\n')[0]);
    expect(c.errors.length).toBe(want.split('\n').filter((l) => !l.startsWith('\t')).length);
  });
});

describe("gc's error list (base.ErrorfAt and FlushErrors)", () => {
  const at = (line: number, col: number, d: string) => new PosError({ line, col }, d);
  const show = (l: PosError[]) => l.map((e) => `${e.pos.line}:${e.pos.col}: ${e.detail}`);
  it('sorts by position, keeps one syntax error per line and one copy of a repeated message on a line', () => {
    const got = gcErrorLines([at(5, 1, 'b'), at(2, 3, 'syntax error: x'), at(2, 9, 'syntax error: y'), at(3, 1, 'a'), at(3, 4, 'a'), at(3, 4, 'c'), at(1, 1, 'z')]);
    expect(show(got)).toEqual(['1:1: z', '2:3: syntax error: x', '3:1: a', '3:4: c', '5:1: b']);
  });
  it('stops at the tenth error it keeps, then says "too many errors" at that error', () => {
    const errs = Array.from({ length: 14 }, (_, i) => at(20 - i, 2, `e${i}`));
    const got = show(gcErrorLines(errs));
    expect(got).toHaveLength(11);
    expect(got[0]).toBe('11:2: e9');
    expect(got[9]).toBe('20:2: e0');
    expect(got[10]).toBe('11:2: too many errors');
  });
});
