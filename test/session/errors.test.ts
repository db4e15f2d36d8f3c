// The one error hierarchy and reportError, the one mapping from anything
// thrown to the text a shell prints and its exit status.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../src/os/machine.ts';
import {
  AlreadyReported,
  AsmSourceError,
  AssemblyError,
  BudgetExceeded,
  CompileError,
  EmulationFault,
  GogoError,
  GoPanic,
  GoThrow,
  reportError,
  toolVersion,
  UcError,
  UserError,
} from '../../src/session/errors.ts';
import type { SwitchRecord } from '../../src/trace/record.ts';
import { RunawaySwitch } from '../../src/trace/switches.ts';

const fault = () => new EmulationFault('read unmapped', 0x401234, 8, 'mov rax, qword ptr [rax + 8]', { rip: 0x401234n }, 'Invalid memory read (UC_ERR_READ_UNMAPPED)');
const runaway = () => new RunawaySwitch({ seq: 2, kind: 'gogo', stub: 'runtime.gogo', insns: 100001, steps: [{ sym: 'runtime.gogo<>+12' }] } as unknown as SwitchRecord);

describe('reportError', () => {
  it.each([
    ['UserError', () => new UserError("unknown arch 'mips' (supported: amd64, arm)"), "gogo-emu: unknown arch 'mips' (supported: amd64, arm)\n", 2, 'input'],
    ['CompileError', () => new CompileError('prog.go', 3, 7, 'unsupported: map types'), 'gogo-emu: prog.go:3:7: unsupported: map types\n', 2, 'input'],
    ['AsmSourceError', () => new AsmSourceError('stub.s', 4, 'code outside a TEXT block'), 'gogo-emu: stub.s:4: code outside a TEXT block\n', 2, 'input'],
    ['AssemblyError', () => new AssemblyError(2, '  movq bad', 'invalid operand'), 'gogo-emu: line 2: invalid operand: movq bad\n', 2, 'input'],
    ['EmulationFault', fault, 'gogo-emu: emulation fault: read unmapped at address 0x8, pc=0x401234 (mov rax, qword ptr [rax + 8]): Invalid memory read (UC_ERR_READ_UNMAPPED)\n', 2, 'fault'],
    ['BudgetExceeded', () => new BudgetExceeded(50000, 0x401000, 'main.spin+0'), 'gogo-emu: instruction budget of 50000 exhausted at pc=0x401000 (main.spin+0); raise it with --max-insns\n', 2, 'budget'],
    ['RunawaySwitch', runaway, 'gogo-emu: switch #2 gogo ran 100001 instructions without leaving runtime.gogo and its helpers (last at runtime.gogo<>+12)\n', 2, 'runaway'],
    ['GoThrow', () => new GoThrow('all goroutines are asleep - deadlock!', ['', 'goroutine 1 [chan receive]:'], 'user'), 'fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [chan receive]:\n', 2, 'program'],
    ['GoPanic', () => new GoPanic('runtime error: integer divide by zero', 1), 'panic: runtime error: integer divide by zero\n\ngoroutine 1 [running]:\n', 2, 'program'],
    ['AlreadyReported (usage)', () => new AlreadyReported("error: unknown option '--bogus'", 1), '', 2, 'reported'],
    ['AlreadyReported (--help)', () => new AlreadyReported('(outputHelp)', 0), '', 0, 'reported'],
  ] as const)('%s', (_name, make, text, exitCode, kind) => {
    const e = make();
    expect(e).toBeInstanceOf(GogoError);
    expect(e.kind).toBe(kind);
    expect(e.message).not.toContain('\n');
    expect(reportError(e)).toEqual({ text, exitCode });
    // --debug changes nothing for errors that are not the tool's
    expect(reportError(e, { debug: true })).toEqual({ text, exitCode });
  });

  it('an unexpected exception is one line without a stack, unless --debug', () => {
    const e = new TypeError("Cannot read properties of undefined (reading 'addr')");
    const r = reportError(e);
    expect(r).toEqual({ text: "gogo-emu: internal error: Cannot read properties of undefined (reading 'addr') (run with --debug for a stack trace)\n", exitCode: 2 });
    expect(r.text).not.toContain('    at ');
    const d = reportError(e, { debug: true });
    expect(d.exitCode).toBe(2);
    const lines = d.text.trimEnd().split('\n');
    expect(lines[0]).toBe("gogo-emu: internal error: Cannot read properties of undefined (reading 'addr')");
    expect(d.text).toContain(e.stack!);
    expect(lines[lines.length - 1]).toMatch(/^gogo-emu: this is a bug in gogo-emu \d+\.\d+\.\d+; please report it with the command line, the program file and the output above$/);
  });

  it('a Unicorn error is an internal error; so is a thrown non-Error value', () => {
    const uc = new UcError('uc_mem_map', 11, 'Invalid memory mapping (UC_ERR_MAP)');
    expect(uc.kind).toBe('internal');
    expect(reportError(uc).text).toBe('gogo-emu: internal error: uc_mem_map: Invalid memory mapping (UC_ERR_MAP) (uc_err 11) (run with --debug for a stack trace)\n');
    expect(reportError('boom')).toEqual({ text: 'gogo-emu: internal error: boom (run with --debug for a stack trace)\n', exitCode: 2 });
    expect(reportError('boom', { debug: true }).text).toContain('(no stack: the thrown value is not an Error)');
  });

  it('keeps only the first line of a multi-line internal message', () => {
    expect(reportError(new Error('first\nsecond')).text).toBe('gogo-emu: internal error: first (run with --debug for a stack trace)\n');
  });
});

describe('the CLI maps errors through reportError', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/gogo-emu.mjs'), ...args], { encoding: 'utf8', cwd: ROOT });

  it('bad input: one line, status 2; usage errors 2; --version 0', () => {
    const r = cli('run', '--arch', 'amd64', 'nope.go');
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 2, stderr: 'gogo-emu: nope.go: no such file\n' });
    const bad = cli('run', '--bogus', 'x.go');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^error: unknown option '--bogus'\n/);
    const v = cli('--version');
    expect({ status: v.status, stdout: v.stdout.trim() }).toEqual({ status: 0, stdout: toolVersion() });
  });

  it('--debug is a global flag, accepted before and after the command', () => {
    for (const args of [['--debug', 'run', 'nope.go'], ['run', '--debug', 'nope.go']]) {
      const r = cli(...args);
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 2, stderr: 'gogo-emu: nope.go: no such file\n' });
    }
  });
});
