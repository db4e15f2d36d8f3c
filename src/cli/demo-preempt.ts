// `gogo-emu demo --preempt [--arch X]`: one asynchronous preemption, end to
// end, narrated from the event stream and the preemption records of a
// built-in tight-loop program (fixtures/programs/preemptresume.go at
// GOMAXPROCS=1): sysmon's backoff, retake's preemptone, the tgkill, the
// rt_sigframe the OS writes (its decoded contents), sighandler's pushCall,
// rt_sigreturn into asyncPreempt, the switch away, and asyncPreempt's return
// with every register as it was -- checked by the preemption invariants.
import { join } from 'node:path';
import type { Arch } from '../arch/index.ts';
import { ROOT } from '../os/machine.ts';
import type { ProcessEvent } from '../runtime/events.ts';
import { checkPreemptions, PreemptionRecorder } from '../trace/preemption.ts';
import { readProgramFile } from '../session/program.ts';
import { runSource } from './run.ts';

export const PREEMPT_DEMO_PROGRAM = join(ROOT, 'fixtures', 'programs', 'preemptresume.go');

const hex = (n: number | bigint | undefined) => (n === undefined ? '?' : `0x${n.toString(16)}`);
const us = (ns: number) => `${(ns / 1000).toFixed(1)} us`;

export async function demoPreemptCommand(arch: Arch): Promise<string> {
  const out: string[] = [`== ${arch.name}: asynchronous preemption, end to end (preemptresume.go, GOMAXPROCS=1)`];
  const events: ProcessEvent[] = [];
  let rec: PreemptionRecorder | undefined;
  let describe: (a: number) => string = hex;
  const r = await runSource(readProgramFile(PREEMPT_DEMO_PROGRAM), 'preemptresume.go', arch, {
    gomaxprocsEnv: '1',
    maxInsns: 40_000_000,
    observe: (p) => {
      rec = new PreemptionRecorder(p);
      describe = (a) => p.machine.describe(a);
      p.bus.onKind(['sysmon', 'preempt', 'asyncpreempt', 'tgkill', 'signal', 'sigreturn', 'gostatus', 'execute'], (e) => events.push(e));
    },
  });
  try {
    out.push(...r.stderr.trimEnd().split('\n').map((l) => `  | ${l}`), `  exit status ${r.exitCode}`);
    const records = rec!.records;
    const n = (s: string) => out.push(`  ${String(out.filter((l) => /^ {2}\s?\d+\. /.test(l)).length + 1).padStart(2)}. ${s}`);
    const sleeps = events.filter((e): e is Extract<ProcessEvent, { kind: 'sysmon' }> => e.kind === 'sysmon' && e.what === 'sleep');
    const firstPreempt = events.findIndex((e) => e.kind === 'preempt');
    const before = sleeps.filter((e) => events.indexOf(e) < firstPreempt);
    const delays = [...new Set(before.map((e) => e.delayUs))];
    n(`sysmon (M${sleeps[0]?.m ?? '?'}, no P) wakes ${before.length} times before it acts: usleep(${delays.join(', ')} us) on the virtual clock -- 20 us at first, doubling once 50 rounds in a row found nothing to do`);
    const p = events[firstPreempt];
    if (p && p.kind === 'preempt') {
      const last = before[before.length - 1];
      const at = last ? last.now + last.delayUs * 1000 : 0;
      n(`at ${us(at)}, retake sees P${p.p} still on the same schedtick for over 10 ms: preemptone sets g${p.goid}.preempt, stackguard0 = stackPreempt (for the next prologue) and p.preempt, then preemptM`);
    }
    const k = events.find((e) => e.kind === 'tgkill');
    if (k && k.kind === 'tgkill') n(`the glue after that host call runs signalM: tgkill(pid, tid ${k.target + 1}, SIGURG) from thread ${k.thread + 1}`);
    const sig = records.find((x) => x.kind === 'signal');
    if (sig && sig.frame && sig.interrupted) {
      const f = sig.frame;
      n(`the OS delivers SIGURG at thread ${sig.thread}'s next instruction boundary, ${describe(Number(sig.interrupted[arch.pcReg]))}: it writes an rt_sigframe at ${hex(f.frame)} on the gsignal stack [${hex(f.ucStack.sp)}, +${f.ucStack.size}) -- siginfo{signo=${f.siginfo.signo}, code=${f.siginfo.code} (SI_TKILL), pid=${f.siginfo.pid}}, a ucontext whose mcontext holds every register (${arch.spReg}=${hex(sig.interrupted[arch.spReg])}) and the FP state at ${hex(f.fp)} -- and enters ${describe(Number(sig.regs[arch.pcReg]))} with ${arch.spReg} = the frame`);
      n(`sigtramp -> sigtrampgo (g = gsignal) -> sighandler -> doSigPreempt: g${sig.goid} wants preemption and ${describe(Number(sig.interrupted[arch.pcReg]))} is an async safe point, so pushCall edits the saved context: ${arch.lrReg ? `${arch.spReg} -= 4 with the old LR pushed, LR = the interrupted PC` : `${arch.spReg} -= 8 with the interrupted PC pushed`}, PC = asyncPreempt`);
    }
    const sr = records.find((x) => x.kind === 'sigreturn');
    if (sr) n(`sigtramp returns to the restorer (amd64: sa_restorer, runtime.sigreturn; arm: the kernel's sigpage code): rt_sigreturn reloads every register from the frame -- now at ${describe(Number(sr.regs[arch.pcReg]))}, ${arch.spReg}=${hex(sr.regs[arch.spReg])}`);
    const ap = records.find((x) => x.kind === 'asyncPreempt');
    if (ap) n(`asyncPreempt saves the flags, the general registers and the ${arch.ptrSize === 8 ? 'X0-X15' : 'D0-D15 and FPSCR'} registers on g${ap.goid}'s stack, then asyncPreempt2 -> mcall(gopreempt_m): g${ap.goid} goes to the global run queue and main runs`);
    const ret = records.find((x) => x.kind === 'asyncPreempt_ret');
    if (ret && sig?.interrupted) n(`main yields again; g${ret.goid} is scheduled, gogo resumes it inside asyncPreempt2, asyncPreempt restores everything and returns to ${describe(Number(ret.regs[arch.pcReg]))} -- the interrupted PC, with ${arch.spReg}=${hex(ret.regs[arch.spReg])} as before`);
    const v = checkPreemptions(arch, records);
    const sigs = records.filter((x) => x.kind === 'signal').length;
    n(`checked: ${records.length} preemption records (${sigs} signals) against ${'sigreturn.regs, sigreturn.fp, asyncPreempt.entry, asyncPreempt_ret.regs'}: ${v.length === 0 ? 'no violation' : `${v.length} violations: ${v[0]!.invariant} ${v[0]!.detail}`}`);
  } finally {
    rec?.dispose();
  }
  return out.join('\n');
}
