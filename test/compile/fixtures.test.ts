// The sequential fixture programs (no goroutines), compiled and run on the
// test harness (no scheduler), against real Go 1.19's output for each arch.
// The goroutine fixtures need the runtime: test/fixtures runs every fixture
// on the real boot path.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../src/os/machine.ts';
import { archCases } from '../helpers.ts';
import { runProgram } from './harness.ts';

const SEQUENTIAL = ['fib', 'ackermann', 'closures', 'defer', 'switch', 'intops', 'multiret', 'loops', 'labeled', 'print', 'deeprec'];

describe.each(archCases)('sequential fixtures on %s', (name, arch) => {
  it.each(SEQUENTIAL)('%s prints what Go prints', async (prog) => {
    const src = readFileSync(join(ROOT, 'fixtures', 'programs', `${prog}.go`), 'utf8');
    const want = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'expected', `${prog}.${name}.json`), 'utf8')) as { stderr: string; exit: number };
    const r = await runProgram(arch, src, { file: `${prog}.go` });
    expect(r.panic).toBeUndefined();
    expect(r.stderr).toBe(want.stderr);
    expect(want.exit).toBe(0);
  });

  it('exitcode: integer division by zero panics after the output before it', async () => {
    const src = readFileSync(join(ROOT, 'fixtures', 'programs', 'exitcode.go'), 'utf8');
    const want = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'expected', `exitcode.${name}.json`), 'utf8')) as { stderr: string };
    const r = await runProgram(arch, src, { file: 'exitcode.go' });
    expect(r.panic).toBe('runtime error: integer divide by zero');
    expect(want.stderr.startsWith(`${r.stderr}panic: ${r.panic}\n`)).toBe(true);
  });
});
