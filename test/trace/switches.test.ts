// The switch recorder: one record per hit of a switching stub, with the
// instructions (and their .s lines) the stub executed, the registers each one
// changed, entry/exit state and the gobufs involved. Our ported stubs execute
// exactly as many instructions per switch as go1.19's did in the oracle
// recordings, and a compiled pingpong.go switches goroutines in the same
// order as the real runtime did.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../src/os/machine.ts';
import { loadOracleTrace } from '../../src/trace/oracle.ts';
import { recordJsonLine, recordToJson, subjectGoid, type SwitchRecord, type SymbolTable } from '../../src/trace/record.ts';
import { archCases } from '../helpers.ts';
import { recordGolden } from './helpers.ts';

const key = (r: SwitchRecord) => r.kind + (r.path ? `/${r.path}` : '');

/** The order goroutines switch in: gogo targets, mcall functions, goroutine returns (stack-growth resumes left out). */
function timeline(rs: readonly SwitchRecord[], symbols: SymbolTable): string[] {
  const out: string[] = [];
  rs.forEach((r, i) => {
    if (r.kind === 'gogo' && rs[i - 1]?.kind.startsWith('morestack')) return;
    if (r.kind === 'mcall') out.push(`mcall g${subjectGoid(r)} ${symbols.describe(r.fnFn!).replace(/\+0$/, '')}`);
    else if (r.kind === 'gogo') out.push(`gogo g${subjectGoid(r)}${r.fresh ? ' fresh' : ''}`);
    else if (r.kind === 'goexit_ret') out.push(`goexit_ret g${subjectGoid(r)}`);
  });
  return out;
}

describe.each(archCases)('recording switches on %s', (name, arch) => {
  it('numbers records in order, on thread 1 / M0, thread 2 / M1 (sysmon: its mstart only) or thread 3 / M2 with P0, and counts instructions and cycles from the steps', async () => {
    const { records } = await recordGolden('goroutines', arch);
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i));
    // (at GOMAXPROCS=1, M2 runs the P while runtime.main is locked to m0 and blocked in init; M1 is sysmon)
    expect(new Set(records.map((r) => r.thread))).toEqual(new Set([1, 2, 3]));
    expect(records.filter((r) => r.thread === 2).map((r) => r.kind)).toEqual(['mstart']);
    for (const r of records) {
      expect(r).toMatchObject({ source: 'emulator', arch: name, mId: r.thread - 1 });
      expect(r.pId === 0 || (r.kind === 'mstart' && r.pId === -1), `${r.kind} on P${r.pId}`).toBe(true);
      expect(r.insns).toBe(r.steps.length);
      expect(r.cycles).toBe(r.steps.reduce((s, x) => s + x.cycles!, 0));
      expect(r.cycles).toBeGreaterThanOrEqual(r.insns);
      expect(r.steps[0]!.pc).toBe(r.entry.pc);
    }
  });

  it('gives every instruction its .s file:line, and that line holds the instruction', async () => {
    const { records } = await recordGolden('goroutines', arch);
    const files = new Map<string, string[]>();
    let n = 0;
    for (const s of records.flatMap((r) => r.steps)) {
      expect(s.file, s.sym).toMatch(new RegExp(`^asm/${name}/\\w+\\.s$`));
      if (!files.has(s.file!)) files.set(s.file!, readFileSync(join(ROOT, s.file!), 'utf8').split('\n'));
      const src = files.get(s.file!)![s.line! - 1]!.replace(/^\s*\w+:/, '').trim();
      const mnemonic = s.insn!.split(/\s+/)[0]!;
      const written = src.split(/\s+/)[0]!;
      // Capstone prints a few forms differently from how they are written
      const same = [['je', 'jz'], ['jne', 'jnz'], ['movabs', 'mov'], ['pop', 'ldr'], ['push', 'str']];
      const ok = written === mnemonic || same.some((g) => g.includes(written) && g.includes(mnemonic));
      expect(ok, `${s.sym}: ${s.insn} vs ${src}`).toBe(true);
      n++;
    }
    expect(n).toBeGreaterThan(500);
  });

  it('executes as many instructions per switch as the real go1.19 stubs', async () => {
    const { records } = await recordGolden('goroutines', arch);
    const oracle = loadOracleTrace(name).records;
    const counts = (rs: readonly SwitchRecord[]) => {
      const m = new Map<string, Set<number>>();
      for (const r of rs) if (r.steps.length) m.set(key(r), (m.get(key(r)) ?? new Set()).add(r.insns));
      return m;
    };
    const ours = counts(records);
    const real = counts(oracle);
    const compared = [...real.keys()].filter((k) => ours.has(k));
    expect(compared.sort()).toEqual(['goexit_ret', 'gogo', 'mcall', 'morestack_noctxt', 'systemstack/noswitch(g0)', 'systemstack/switch', 'systemstack_ret']);
    for (const k of compared) expect([...ours.get(k)!], k).toEqual([...real.get(k)!]);
  });

  it('records the g register and TLS writes step by step, and exits before a host function runs', async () => {
    const { records } = await recordGolden('goroutines', arch);
    const gogo = records.find((r) => r.kind === 'gogo' && r.fresh && subjectGoid(r) === 5)!;
    const setsG = gogo.steps.filter((s) => s.changed[arch.gReg] === gogo.gobuf!.g);
    expect(setsG).toHaveLength(1);
    expect(setsG[0]!.file).toBe(`asm/${name}/switch.s`);
    if (arch.switchFacts.gInTLS) expect(gogo.steps.filter((s) => s.changed.tls_g === gogo.gobuf!.g)).toHaveLength(1);
    expect(gogo.exit.sym).toBe('main.worker+0');
    // mcall leaves for park_m, a host function: the exit state is mcall's, not park_m's
    const mcall = records.find((r) => r.kind === 'mcall')!;
    expect(mcall.exit.sym).toBe('runtime.park_m+0');
    expect(mcall.exit.regs[arch.spReg]).toBe(mcall.entry.g!.mInfo!.g0SchedSp - 2n * BigInt(arch.ptrSize));
    expect(records.filter((r) => r.kind === 'mcall').map((r) => r.exit.sym)).toContain('runtime.goexit0+0');
  });

  it('pairs each systemstack switch with its return and marks only first runs of goroutines fresh', async () => {
    const { records } = await recordGolden('goroutines', arch);
    const kinds = records.filter((r) => r.kind === 'systemstack_ret' || (r.kind === 'systemstack' && r.path === 'switch')).map((r) => r.kind);
    expect(kinds.join(' ')).toBe('systemstack systemstack_ret '.repeat(kinds.length / 2).trim());
    const fresh = records.filter((r) => r.fresh).map((r) => subjectGoid(r));
    expect(fresh).toEqual([1, 4, 2, 3, 6, 5]);
    // a resumed goroutine continues where it stopped, not at its function's entry
    for (const r of records.filter((x) => x.kind === 'gogo' && !x.fresh)) expect(r.exit.sym).not.toMatch(/\+0$/);
  });

  it('writes records as JSON lines with hex strings', async () => {
    const { records } = await recordGolden('goroutines', arch);
    const r = records.find((x) => x.kind === 'gogo')!;
    const j = JSON.parse(JSON.stringify(recordToJson(r))) as Record<string, unknown> & { entry: { regs: Record<string, string> }; steps: { src: string }[] };
    expect(j).toMatchObject({ seq: r.seq, kind: 'gogo', stub: 'runtime.gogo', thread: 1, goid: 1, buf: `0x${r.buf!.toString(16)}` });
    expect(j.entry.regs[arch.spReg]).toMatch(/^0x[0-9a-f]+$/);
    expect(j.steps[0]!.src).toMatch(new RegExp(`^asm/${name}/switch\\.s:\\d+$`));
  });

  it('writes the JSON line of a record directly as JSON.stringify of recordToJson would, for every record ours and the oracle have', async () => {
    const { records } = await recordGolden('goroutines', arch);
    const oracle = loadOracleTrace(name).records;
    const checks = { 'gogo.pc': true, 'gogo.sp': false };
    for (const r of [...records, ...oracle]) {
      expect(recordJsonLine(r)).toBe(JSON.stringify(recordToJson(r)));
      expect(recordJsonLine(r, checks)).toBe(JSON.stringify(recordToJson(r, checks)));
    }
    expect(new Set([...records, ...oracle].map((r) => r.kind)).size).toBeGreaterThanOrEqual(5);
  });

  it('a compiled pingpong.go switches goroutines in the order real go1.19 did', async () => {
    const run = await recordGolden('pingpong', arch);
    expect(run.result?.stderr).toBe('pingpong sum 3030 closed true\n');
    const t = loadOracleTrace(name);
    const ours = timeline(run.records, run.symbols);
    expect(ours.length).toBeGreaterThan(30);
    expect(ours).toEqual(timeline(t.records, t.symbols));
  });
});
