// The gobuf validator: a real run on each arch satisfies every invariant, the
// switches recorded from the real go1.19 runtime do too, and deliberately
// broken stubs (test/trace/fixtures/<arch>/*.s, one line changed each) are
// caught with the invariant's name and exact expected/actual values.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Arch } from '../../src/arch/index.ts';
import { ROOT } from '../../src/os/machine.ts';
import { loadOracleTrace } from '../../src/trace/oracle.ts';
import type { SwitchRecord } from '../../src/trace/record.ts';
import { recordRun } from '../../src/cli/record-run.ts';
import { loadProgram } from '../../src/session/program.ts';
import { formatViolation, invariantsFor, validateRecords, type Violation } from '../../src/trace/validator.ts';
import { archCases } from '../helpers.ts';
import { recordGolden } from './helpers.ts';

const hex = (v: bigint | undefined) => `0x${v!.toString(16)}`;

describe.each(archCases)('validating switches on %s', (name, arch) => {
  it('a real run (goroutines, Gosched, channels, stack growth) has every kind of switch and no violation', async () => {
    const run = await recordGolden('goroutines', arch);
    expect(run.error).toBeUndefined();
    expect(run.result?.exitCode).toBe(0);
    expect(run.result?.stderr).toBe('206\n');
    const rep = validateRecords(arch, run.records, run.symbols);
    expect(rep.violations.map(formatViolation)).toEqual([]);
    expect(rep.unevaluated).toEqual([]);
    expect(rep.byKind.gogo).toBeGreaterThan(15);
    expect(rep.byKind.mcall).toBeGreaterThan(8);
    expect(rep.byKind.systemstack).toBeGreaterThan(4);
    for (const k of ['systemstack_ret', 'morestack', 'morestack_noctxt', 'goexit_ret', 'mstart'] as const) expect(rep.byKind[k], k).toBeGreaterThan(0);
    // every invariant that applies on this arch was evaluated on some switch
    expect(rep.checks).toBeGreaterThan(rep.records * 8);
  });

  it('accepts every switch recorded from the real go1.19 runtime', () => {
    const t = loadOracleTrace(name);
    expect(t.total).toBe(name === 'amd64' ? 108 : 100);
    expect(t.records.length + t.notSwitches.length).toBe(t.total);
    const rep = validateRecords(arch, t.records, t.symbols);
    expect(rep.violations.map(formatViolation)).toEqual([]);
    expect(rep.records).toBe(t.total - 1); // rt0_go is an entry breakpoint, not a switch
    expect(rep.byKind).toMatchObject({ gogo: 18, mcall: 15, systemstack_ret: name === 'amd64' ? 18 : 17, morestack_noctxt: 2, goexit_ret: 1, mstart: 1 });
    expect(rep.unchecked.map((u) => u.kind)).toEqual(['systemstack']); // the sysmon start the recording skipped
    expect(rep.checks).toBeGreaterThan(800);
    // the only inputs the oracle lacks: amd64 [SP+8] at mcall exits
    expect([...new Set(rep.unevaluated.map((u) => u.invariant))]).toEqual(name === 'amd64' ? ['mcall.arg'] : []);
  });

  it('is not a no-op: a record with one register off fails exactly that invariant', () => {
    const t = loadOracleTrace(name);
    const gogo = t.records.find((r) => r.kind === 'gogo')!;
    const bad: SwitchRecord = { ...gogo, exit: { ...gogo.exit, regs: { ...gogo.exit.regs, [arch.spReg]: gogo.gobuf!.sp + 8n } } };
    const rep = validateRecords(arch, [bad], t.symbols);
    expect(rep.violations.map((v) => v.invariant)).toEqual(['gogo.sp']);
    expect(rep.violations[0]).toMatchObject({ expected: hex(gogo.gobuf!.sp), actual: hex(gogo.gobuf!.sp + 8n), seq: gogo.seq, kind: 'gogo', goid: 1 });
  });

  it('lists invariants per arch (BP on amd64, LR on arm, TLS g on amd64)', () => {
    const names = invariantsFor(arch).map((i) => i.name);
    expect(names).toContain('gogo.sp');
    expect(names.includes('gogo.bp')).toBe(name === 'amd64');
    expect(names.includes('gogo.lr')).toBe(name === 'arm');
    expect(names.includes('gogo.tls_g')).toBe(name === 'amd64');
  });
});

interface BrokenCase {
  stub: string;
  invariant: string;
  /** expected and actual, computed from the record the violation is about */
  values: (r: SwitchRecord, a: Arch) => [bigint | undefined, bigint | undefined];
}

const BROKEN: Record<string, BrokenCase[]> = {
  amd64: [
    { stub: 'gogo-no-bp.s', invariant: 'gogo.bp', values: (r) => [r.gobuf!.bp, r.exit.regs.rbp] },
    { stub: 'gogo-no-clear.s', invariant: 'gogo.clear_sp', values: (r) => [0n, r.gobufAfter!.sp] },
    { stub: 'gogo-no-tls.s', invariant: 'gogo.tls_g', values: (r) => [r.gobuf!.g, r.exit.tlsG] },
    { stub: 'mcall-wrong-sp.s', invariant: 'mcall.sp', values: (r) => [r.entry.g!.mInfo!.g0SchedSp - 16n, r.exit.regs.rsp] },
  ],
  arm: [
    { stub: 'gogo-no-lr.s', invariant: 'gogo.lr', values: (r) => [r.gobuf!.lr, r.exit.regs.lr] },
    { stub: 'gogo-no-clear.s', invariant: 'gogo.clear_sp', values: (r) => [0n, r.gobufAfter!.sp] },
    { stub: 'gogo-no-g.s', invariant: 'gogo.g_reg', values: (r) => [r.gobuf!.g, r.exit.regs.r10] },
    { stub: 'mcall-wrong-sp.s', invariant: 'mcall.sp', values: (r) => [r.entry.g!.mInfo!.g0SchedSp - 8n, r.exit.regs.sp] },
  ],
};

describe.each(archCases)('broken stubs on %s', (name, arch) => {
  it.each(BROKEN[name]!)('$stub is caught as $invariant', async (c) => {
    const run = await recordGolden('goroutines', arch, c.stub);
    const rep = validateRecords(arch, run.records, run.symbols);
    const hits = rep.violations.filter((v: Violation) => v.invariant === c.invariant);
    expect(hits.length, rep.violations.map(formatViolation).join('\n')).toBeGreaterThan(0);
    // the first switch that went wrong is reported with the exact values
    const v = hits[0]!;
    const r = run.records.find((x) => x.seq === v.seq)!;
    const [exp, act] = c.values(r, arch);
    expect(exp).not.toBe(act);
    expect(v.expected.split(' ')[0]).toBe(hex(exp));
    expect(v.actual.split(' ')[0]).toBe(hex(act));
    const line = formatViolation(v);
    expect(line).toContain(`switch #${v.seq} ${v.kind}`);
    expect(line).toContain(`${c.invariant} violated`);
    expect(line).toContain(`expected ${hex(exp)}`);
    expect(line).toContain(`got ${hex(act)}`);
    // the same program with the built-in stubs is clean
    const good = await recordGolden('goroutines', arch);
    expect(validateRecords(arch, good.records, good.symbols).violations).toEqual([]);
  });
});

// Programs of the fixture set that exercise the other ways goroutines end or
// block (Goexit with defers, WaitGroup semaphores, panics, deadlock), compiled
// from Go: every switch they make satisfies the invariants too.
describe.each(archCases)('validating compiled fixture programs on %s', (_name, arch) => {
  it.each(['goexit', 'waitgroup', 'gopanic', 'deadlock', 'growmany'])('%s.go', async (prog) => {
    const program = await loadProgram(join(ROOT, 'fixtures', 'programs', `${prog}.go`), arch);
    const run = await recordRun({ arch, program, steps: false });
    expect(run.error).toBeUndefined();
    const rep = validateRecords(arch, run.records, run.symbols);
    expect(rep.violations.map(formatViolation)).toEqual([]);
    expect(rep.byKind.gogo).toBeGreaterThan(3);
    expect(rep.unevaluated).toEqual([]);
  });
});
