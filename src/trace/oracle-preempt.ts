// Loads the real go1.19 preemptions recorded under qemu-user + gdb
// (fixtures/oracle/preempt-<arch>.jsonl, tools/oracle/preempt.sh) as
// preemption records (preemption.ts), so that the same invariants check
// them. The recording has three kinds of points -- the handler's entry with
// the frame's contents ("signal"), asyncPreempt's entry and its return --
// and this loader pairs them the way the emulator's recorder does:
//
//   - a signal whose injection led to asyncPreempt: the next asyncPreempt
//     entry of the same goroutine whose SP is the interrupted SP minus one
//     word (pushCall's push) -- that entry is also the state right after
//     rt_sigreturn (it jumped there), so it gives the `sigreturn` record;
//   - a signal without an injection whose sigreturn lands on a recorded
//     point (a second signal taken right at asyncPreempt's entry): the next
//     record of that goroutine at the interrupted PC and SP is its sigreturn;
//   - asyncPreempt's return pairs with the goroutine's latest injected signal.
// Signals whose return lands where nothing was recorded (runtime code) have
// no sigreturn record and are only checked for their frame.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Arch } from '../arch/index.ts';
import { ROOT } from '../os/machine.ts';
import type { PreemptRecord } from './preemption.ts';

interface Raw {
  kind: 'signal' | 'asyncPreempt' | 'asyncPreempt_ret' | 'error';
  thread: number;
  g: string;
  regs: Record<string, string>;
  fp: Record<string, string>;
  sig?: number;
  interrupted?: Record<string, string>;
  interruptedFp?: Record<string, string>;
  frame?: { frame: number; info: number; uc: number; siginfo: { signo: number; code: number; pid: number }; ucStack: { sp: number; flags: number; size: number }; sigmask: string };
}

const big = (o: Record<string, string> | undefined): Record<string, bigint> => Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [k, BigInt(v)]));

export function oraclePreemptPath(arch: Arch): string {
  return join(ROOT, 'fixtures', 'oracle', `preempt-${arch.name}.jsonl`);
}

/** The recorded preemptions of `arch` as preemption records, in recording order. */
export function loadOraclePreemptions(arch: Arch): PreemptRecord[] {
  const raws = readFileSync(oraclePreemptPath(arch), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Raw);
  const sp = arch.spReg;
  const pc = arch.pcReg;
  const w = BigInt(arch.ptrSize);
  const out: PreemptRecord[] = [];
  let seq = 0;
  /** signals still waiting for their sigreturn, and the latest injected one per goroutine */
  const waiting: { rec: PreemptRecord; g: string }[] = [];
  const injected = new Map<string, PreemptRecord>();
  for (const r of raws) {
    if (r.kind === 'error') throw new Error(`${oraclePreemptPath(arch)}: a recording error at ${(r as unknown as { where: string }).where}`);
    const base = { seq: seq++, thread: r.thread, goid: undefined, regs: big(r.regs), fp: big(r.fp), clock: 0 };
    if (r.kind === 'signal') {
      const rec: PreemptRecord = {
        ...base,
        kind: 'signal',
        sig: r.sig,
        interrupted: big(r.interrupted),
        interruptedFp: big(r.interruptedFp),
        frame: { ...r.frame!, fp: 0, sigmask: BigInt(r.frame!.sigmask) },
      };
      out.push(rec);
      waiting.push({ rec, g: r.g });
      continue;
    }
    const regs = base.regs;
    if (r.kind === 'asyncPreempt') {
      // the sigreturn that got here: an injection (SP one word lower) or a plain return to this very PC
      for (let i = waiting.length - 1; i >= 0; i--) {
        const s = waiting[i]!;
        if (s.g !== r.g) continue;
        const want = s.rec.interrupted!;
        const inj = regs[sp] === want[sp]! - w;
        const plain = regs[sp] === want[sp] && regs[pc] === want[pc];
        if (!inj && !plain) continue;
        waiting.splice(i, 1);
        s.rec.injected = inj;
        out.push({ ...base, seq: seq++, kind: 'sigreturn', signalSeq: s.rec.seq });
        if (inj) injected.set(r.g, s.rec);
        break;
      }
      out.push({ ...base, seq: seq++, kind: 'asyncPreempt', signalSeq: injected.get(r.g)?.seq });
      continue;
    }
    out.push({ ...base, kind: 'asyncPreempt_ret', signalSeq: injected.get(r.g)?.seq });
    injected.delete(r.g);
  }
  // renumber in output order (seq is only an identity)
  return out;
}
