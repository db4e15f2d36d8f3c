// Real go1.19 asynchronous preemptions, recorded under qemu-user + gdb
// (fixtures/oracle/preempt-<arch>.jsonl, tools/oracle/preempt.sh), pass the
// same preemption invariants as the emulator's: the registers after
// rt_sigreturn and when asyncPreempt returns (src/trace/preemption.ts).
import { describe, expect, it } from 'vitest';
import { loadOraclePreemptions } from '../../src/trace/oracle-preempt.ts';
import { checkPreemptions } from '../../src/trace/preemption.ts';
import { archCases } from '../helpers.ts';

describe.each(archCases)('the recorded go1.19 preemptions on %s', (_n, arch) => {
  it('have real rt_sigframes and pass the preemption invariants', () => {
    const recs = loadOraclePreemptions(arch);
    const signals = recs.filter((r) => r.kind === 'signal');
    expect(signals.length).toBeGreaterThanOrEqual(2);
    for (const s of signals) {
      expect(s.sig).toBe(23);
      expect(s.frame!.siginfo.signo).toBe(23);
      expect(s.frame!.siginfo.code).toBe(-6); // SI_TKILL: tgkill from sysmon
      // on the M's gsignal stack (32 KiB, set by minit's sigaltstack)
      expect(s.frame!.ucStack.size).toBe(32 * 1024);
      expect(s.frame!.frame).toBeGreaterThan(s.frame!.ucStack.sp);
      expect(s.frame!.frame).toBeLessThan(s.frame!.ucStack.sp + s.frame!.ucStack.size);
    }
    // at least one injection led to asyncPreempt, and asyncPreempt returned once
    expect(signals.some((s) => s.injected)).toBe(true);
    expect(recs.filter((r) => r.kind === 'sigreturn').length).toBeGreaterThanOrEqual(2);
    expect(recs.some((r) => r.kind === 'asyncPreempt_ret' && r.signalSeq !== undefined)).toBe(true);
    expect(checkPreemptions(arch, recs)).toEqual([]);
  });
});
