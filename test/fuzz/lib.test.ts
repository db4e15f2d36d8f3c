// The fuzzer's own parts, without running programs: the generator is
// deterministic and its programs compile; mutations are data; the verdicts
// classify as documented (test/fuzz/lib/outcome.ts); the reducer keeps what
// still fails; Go's error output is read as gogo-emu prints errors.
import { describe, expect, it } from 'vitest';
import { ARCHES } from '../../src/arch/index.ts';
import { compileProgram } from '../../src/compile/index.ts';
import { ROOT } from '../../src/os/machine.ts';
import { budgetVerdict, longRunVerdict } from './lib/campaign.ts';
import { generateProgram } from './lib/gen.ts';
import { goErrorLines } from './lib/golang.ts';
import { applyEdit, applyMutant, mutationBases } from './lib/mutate.ts';
import { compare, errorShape, type Outcome } from './lib/outcome.ts';
import { reduceGo } from './lib/reduce.ts';
import { runOutcome } from './lib/emu.ts';

describe('the generator', () => {
  it('gives the same program for the same choices, and a valid one for none', async () => {
    const choices = Array.from({ length: 300 }, (_, i) => (i * 7919) % 65536);
    expect(generateProgram(choices, 64)).toBe(generateProgram(choices, 64));
    for (const [bits, arch] of [[64, ARCHES.amd64], [32, ARCHES.arm]] as const) {
      await compileProgram(generateProgram([], bits), 'prog.go', arch);
      await compileProgram(generateProgram(choices, bits), 'prog.go', arch);
    }
  });
});

describe('mutations', () => {
  const bases = mutationBases(ROOT);
  it('leave out the slow fixtures and apply indices modulo what exists', () => {
    expect(bases.has('stackoverflow')).toBe(false);
    expect(bases.has('fib')).toBe(true);
    const fib = bases.get('fib')!;
    expect(applyMutant(bases, { base: 'fib', edits: [] })).toBe(fib);
    expect(applyEdit(fib, { k: 'delLine', at: 0 })).toBe(fib.split('\n').slice(1).join('\n'));
    expect(applyEdit('package main\nfunc main() { println(1 + 2) }\n', { k: 'setOp', at: 0, to: '<<' })).toBe('package main\nfunc main() { println(1 << 2) }\n');
  });
});

describe('verdicts', () => {
  const run = (stderr: string, exit = 0): Outcome => ({ kind: 'run', stdout: '', stderr, exit });
  const reject = (e: string): Outcome => ({ kind: 'reject', errors: [e] });
  it('classify each pair of outcomes', () => {
    expect(compare(run('1\n'), [run('1\n')]).cls).toBe('ok');
    expect(compare(run('1\n'), [run('2\n')]).cls).toBe('output');
    expect(compare(run('1\n'), [run('2\n'), run('1\n')]).cls).toBe('nondeterministic');
    expect(compare(reject('3:7: undefined: x'), [reject('3:7: undefined: x')]).cls).toBe('ok');
    expect(compare(reject('3:7: undefined: y'), [reject('3:7: undefined: x')]).cls).toBe('error-text');
    expect(compare(reject('3:8: undefined: x'), [reject('3:7: undefined: x')]).cls).toBe('error-col');
    expect(compare(reject('4:7: undefined: x'), [reject('3:7: undefined: x')]).cls).toBe('error-line');
    expect(compare(run(''), [reject('3:7: undefined: x')]).cls).toBe('accepts-invalid');
    expect(compare(reject('3:7: x declared but not used'), [run('')]).cls).toBe('rejects-valid');
    expect(compare(reject('3:7: unsupported: map types'), [run('')]).cls).toBe('unsupported');
    expect(compare(reject('3:7: unsupported: map types'), [run('')], { generated: true }).cls).toBe('rejects-valid');
    expect(compare(reject('5:9: nested too deeply: more than 40000 levels'), [run('')]).cls).toBe('limit');
    expect(compare({ kind: 'crash', detail: 'internal error: x' }, [run('')]).cls).toBe('crash');
    expect(compare({ kind: 'hang', detail: '' }, [run('')]).cls).toBe('hang');
    expect(compare({ kind: 'timeout', detail: '' }, [{ kind: 'timeout', detail: '' }]).cls).toBe('nonterminating');
    // out of memory in both: only the heap-in-use figure may differ
    const oom = (n: number, block = 4194304) => run(`runtime: out of memory: cannot allocate ${block}-byte block (${n} in use)\nfatal error: out of memory\n`, 2);
    expect(compare(oom(1055912992), [oom(2306670592)]).cls).toBe('limit');
    expect(compare(oom(1055912992, 8192), [oom(2306670592)]).cls).toBe('output');
    expect(compare(run('x\n', 2), [oom(2306670592)]).cls).toBe('output');
    // a budget stop is a stated limit only when real Go needed more CPU than the budget's instructions take
    const budget = compare({ kind: 'timeout', detail: 'budget' }, [run('')]);
    expect(budget.cls).toBe('budget');
    expect(budgetVerdict(budget, 1.25, 500_000_000, 'amd64').cls).toBe('limit');
    expect(budgetVerdict(budget, 0.3, 500_000_000, 'amd64').cls).toBe('budget');
    expect(budgetVerdict(budget, 1.25, 500_000_000, 'arm').cls).toBe('budget');
    expect(budgetVerdict(budget, 6, 500_000_000, 'arm').cls).toBe('limit');
    expect(budgetVerdict(budget, undefined, 500_000_000, 'amd64').cls).toBe('budget');
    // one allocation larger than the whole heap, refused by gogo-emu (Go got it from the OS): a stated limit
    const sysMap = (n: number) => run(`fatal error: runtime: out of memory\n\nruntime stack:\nruntime.sysMap(...)\n\tallocating ${n} bytes\n`, 2);
    expect(compare(sysMap(17179869272), [run('closed; received 1\n', 2)]).cls).toBe('limit');
    expect(compare(sysMap(4096), [run('closed; received 1\n', 2)]).cls).toBe('output');
    const after = (before: string) => run(`${before}fatal error: runtime: out of memory\n\nruntime stack:\nruntime.sysMap(...)\n\tallocating 17179869272 bytes\n`, 2);
    expect(compare(after('c2 len 0\n'), [run('c2 len 0\n7 14\n')]).cls).toBe('limit');
    expect(compare(after('c2 len 1\n'), [run('c2 len 0\n7 14\n')]).cls).toBe('output');
    // the stacks region full (Go's stacks grew in its whole address space): a stated limit, after the same output
    const stacks = (before: string) => run(`${before}fatal error: out of memory allocating stack of 536870912 bytes (the stacks region holds 2951741440)\n\nruntime stack:\n`, 2);
    const overflow = run('runtime: goroutine stack exceeds 1000000000-byte limit\nfatal error: stack overflow\n', 2);
    expect(compare(stacks(''), [overflow]).cls).toBe('limit');
    expect(compare(stacks('got 1\n'), [overflow]).cls).toBe('output');
    // the last, long run: a match is 'slow' (not a failure), a difference stays one, no end keeps 'budget'
    expect(longRunVerdict(run('1\n'), [run('1\n')], false, 5000)?.cls).toBe('slow');
    expect(longRunVerdict(run('2\n'), [run('1\n')], false, 5000)?.cls).toBe('output');
    expect(longRunVerdict({ kind: 'timeout', detail: '' }, [run('1\n')], false, 5000)).toBeUndefined();
    expect(longRunVerdict({ kind: 'hang', detail: '' }, [run('1\n')], false, 5000)).toBeUndefined();
    // goroutine dumps are compared up to the first goroutine header (fixtures/README.md)
    expect(compare(run('panic: x\n\ngoroutine 1 [running]:\nmain.main()\n', 2), [run('panic: x\n\ngoroutine 1 [running]:\nmain.f()\n', 2)]).cls).toBe('ok');
  });

  it('group messages by their shape', () => {
    expect(errorShape('3:2: x3 declared but not used')).toBe(errorShape('7:9: b12 declared but not used'));
    expect(errorShape('5:1: multiple-value f0((255), (+(p2) * -269)) (value of type (bool, int)) in single-value context')).toBe('multiple-value N(…) (…) in single-value context');
  });
});

describe("Go's error output", () => {
  it('is read as gogo-emu prints errors: no header, no ./, have/want folded', () => {
    const out = '# command-line-arguments\n./prog.go:4:5: not enough arguments in call to f\n\thave ()\n\twant (int)\n./prog.go:6:2: x declared but not used\n';
    expect(goErrorLines(out)).toEqual(['4:5: not enough arguments in call to f (have (), want (int))', '6:2: x declared but not used']);
  });
});

describe('the reducer', () => {
  it('keeps only what still fails, with balanced braces', async () => {
    const src = ['package main', '', 'func f() {', '\tprintln(1)', '}', '', 'func main() {', '\tif true {', '\t\tprintln(2)', '\t\tBUG()', '\t}', '\tprintln(3)', '}', ''].join('\n');
    const out = await reduceGo(src, async (s) => s.includes('BUG()') && s.includes('func main'));
    expect(out.split('\n').filter((l) => l.trim())).toEqual(['func main() {', '\t\tBUG()', '}']);
  });
});

describe("gogo-emu's output read as an outcome", () => {
  it('several compile errors (with a note under one) are one rejection with every error line', () => {
    const stderr = 'gogo-emu: /t/prog.go:4:8: fmt redeclared in this block\n\t/t/prog.go:3:8: other declaration of fmt\n/t/prog.go:4:8: imported and not used: "fmt"\n/t/prog.go:9:2: too many errors\n';
    expect(runOutcome({ stdout: '', stderr, exit: 2, ms: 1 }, '/t/prog.go')).toEqual({ kind: 'reject', errors: ['4:8: fmt redeclared in this block', '4:8: imported and not used: "fmt"', '9:2: too many errors'] });
    // a program's own output after the first line is not a rejection
    expect(runOutcome({ stdout: '', stderr: 'gogo-emu: something\npanic: x\n', exit: 2, ms: 1 }, '/t/prog.go').kind).toBe('run');
  });
});
