// sysmon and preemption on both arches: asynchronous preemption through a
// real signal frame (fixtures/programs/asyncpreempt.go), its absence with
// GODEBUG=asyncpreemptoff=1, cooperative preemption at a prologue
// (coopreempt.go; preemptresume.go, where the goroutine resumes from
// asyncPreempt; the real go1.19 outputs are in fixtures/expected and checked
// by the conformance test), the register invariants of every signal
// delivery, sigreturn and asyncPreempt (src/trace/preemption.ts) -- and that
// they catch a broken asyncPreempt and a broken sigreturn -- and sysmon's
// cadence in the event stream.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Arch } from '../../src/arch/index.ts';
import { PID } from '../../src/os/linux/thread.ts';
import { parseAsm, type TextBlock } from '../../src/link/source.ts';
import { ROOT } from '../../src/os/machine.ts';
import type { Process } from '../../src/session/process.ts';
import { runToExit, Session } from '../../src/session/session.ts';
import { reportError } from '../../src/session/errors.ts';
import { checkPreemptions, PreemptionRecorder, type PreemptRecord } from '../../src/trace/preemption.ts';
import type { ProcessEvent } from '../../src/runtime/events.ts';
import { archCases } from '../helpers.ts';

const src = (name: string) => readFileSync(join(ROOT, 'fixtures', 'programs', `${name}.go`), 'utf8');
/** asyncpreempt.go needs about 11.3M instructions (10 ms of spinning) on either arch */
const BUDGET = 16_000_000;

interface Run {
  stdout: string;
  stderr: string;
  exit: number;
  records: PreemptRecord[];
  events: ProcessEvent[];
}

async function run(arch: Arch, name: string, o: { godebug?: string; stubs?: TextBlock[]; maxInsns?: number; tamper?: (p: Process) => void } = {}): Promise<Run> {
  let rec: PreemptionRecorder | undefined;
  const events: ProcessEvent[] = [];
  const s = await Session.create({ file: `${name}.go`, source: src(name) }, arch, {
    gomaxprocsEnv: '1',
    godebug: o.godebug,
    maxInsns: o.maxInsns ?? BUDGET,
    stubOverrides: o.stubs,
    replay: false,
    observe: (p) => {
      rec = new PreemptionRecorder(p);
      p.bus.onKind(['sysmon', 'preempt', 'asyncpreempt', 'tgkill', 'signal', 'sigreturn'], (e) => events.push(e));
      o.tamper?.(p);
    },
  });
  try {
    const { result, error } = await runToExit(s);
    const r = error ? reportError(error, { process: s.process }) : undefined;
    return { stdout: result.stdout, stderr: result.stderr + (r?.text ?? ''), exit: r ? r.exitCode : result.exitCode, records: rec!.records, events };
  } finally {
    rec?.dispose();
    s.close();
  }
}

/** asm/<arch>/preempt.s's asyncPreempt without the instruction that restores `reg` from its frame. */
function brokenAsyncPreempt(arch: Arch, line: RegExp): TextBlock[] {
  const file = join(ROOT, 'asm', arch.name, 'preempt.s');
  const blocks = parseAsm(readFileSync(file, 'utf8'), file).filter((b) => b.name === 'runtime.asyncPreempt');
  const body = blocks[0]!.body;
  const i = body.findIndex((l) => line.test(l.text));
  expect(i).toBeGreaterThan(0);
  body.splice(i, 1);
  return blocks;
}

describe.each(archCases)('preemption on %s', (_n, arch) => {
  it('a goroutine spinning without calls is preempted by a signal, twice, and resumes from asyncPreempt with its registers; sysmon keeps go1.19\'s cadence', async () => {
    const r = await run(arch, 'preemptresume', { maxInsns: 2 * BUDGET });
    expect(r.stderr).toBe('preempted once\npreempted twice\n');
    expect(r.exit).toBe(0);
    // the second preemption's asyncPreempt never returns: main exits first
    expect(r.records.map((x) => x.kind)).toEqual(['signal', 'sigreturn', 'asyncPreempt', 'asyncPreempt_ret', 'signal', 'sigreturn', 'asyncPreempt']);
    const sig = r.records[0]!;
    expect(sig.sig).toBe(23);
    expect(sig.injected).toBe(true);
    expect(sig.frame!.siginfo).toEqual({ signo: 23, code: -6, pid: PID }); // SI_TKILL from the process
    // the frame is on the M's gsignal stack (sigaltstack), which uc_stack records
    expect(sig.frame!.ucStack.size).toBe(32 * 1024);
    expect(sig.frame!.frame).toBeGreaterThan(sig.frame!.ucStack.sp);
    expect(sig.frame!.frame).toBeLessThan(sig.frame!.ucStack.sp + sig.frame!.ucStack.size);
    // the goroutine resumed where the signal stopped it
    expect(r.records[3]!.regs[arch.pcReg]).toBe(sig.interrupted![arch.pcReg]);
    expect(checkPreemptions(arch, r.records)).toEqual([]);
    // the order of the event stream: sysmon's preemptone, tgkill, delivery, the injection, sigreturn
    const order = r.events.filter((e) => e.kind !== 'sysmon').map((e) => e.kind);
    expect(order.slice(0, 5)).toEqual(['preempt', 'tgkill', 'signal', 'asyncpreempt', 'sigreturn']);

    // sysmon's sleeps: 20 us, doubling after 50 idle rounds, at most 10 ms, on the virtual clock
    const sleeps = r.events.filter((e): e is Extract<ProcessEvent, { kind: 'sysmon' }> => e.kind === 'sysmon' && e.what === 'sleep');
    const delays = sleeps.map((e) => e.delayUs);
    expect(delays.slice(0, 51)).toEqual(new Array(51).fill(20));
    expect(delays.slice(51, 60)).toEqual([40, 80, 160, 320, 640, 1280, 2560, 5120, 10000]);
    expect(Math.max(...delays)).toBe(10000);
    // each round starts one sleep after the previous one (plus the round's own few instructions)
    for (let i = 1; i < 60; i++) {
      const gap = sleeps[i]!.now - sleeps[i - 1]!.now;
      expect(gap).toBeGreaterThanOrEqual(delays[i - 1]! * 1000);
      expect(gap).toBeLessThan(delays[i - 1]! * 1000 + 5000);
    }
  });

  it('with GODEBUG=asyncpreemptoff=1 the same program spins until the instruction budget', async () => {
    const r = await run(arch, 'asyncpreempt', { godebug: 'asyncpreemptoff=1', maxInsns: BUDGET });
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/instruction budget of 16000000 exhausted at pc=0x[0-9a-f]+ \(main\.main\.func1\+\d+\); raise it with --max-insns/);
    expect(r.records).toEqual([]);
    // sysmon asked (cooperatively) but sent no signal
    expect(r.events.some((e) => e.kind === 'preempt' && !e.async)).toBe(true);
    expect(r.events.some((e) => e.kind === 'tgkill')).toBe(false);
  });

  it('a loop that calls a function is preempted at a prologue even with asyncpreemptoff=1', async () => {
    const r = await run(arch, 'coopreempt', { godebug: 'asyncpreemptoff=1' });
    expect(r.stderr).toBe('main runs again: the spinning goroutine was preempted cooperatively\n');
    expect(r.exit).toBe(0);
    expect(r.records).toEqual([]);
  });

  it('the invariants catch an asyncPreempt that does not restore one register', async () => {
    const stubs = brokenAsyncPreempt(arch, arch.ptrSize === 8 ? /^\s*mov rbx, qword ptr \[rsp \+ 24\]/ : /^\s*ldr r1, \[sp, #8\]/);
    const r = await run(arch, 'preemptresume', { stubs, maxInsns: 2 * BUDGET });
    const v = checkPreemptions(arch, r.records);
    expect(v.length).toBeGreaterThan(0);
    expect(v.every((x) => x.invariant === 'asyncPreempt_ret.regs')).toBe(true);
    expect(v[0]!.detail).toMatch(arch.ptrSize === 8 ? /^rbx / : /^r1 /);
  });

  it('is deterministic: the same run twice gives the same preemption records and events', async () => {
    const show = (r: Run) => JSON.stringify({ out: r.stderr, recs: r.records, ev: r.events }, (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v));
    const a = await run(arch, 'asyncpreempt');
    const b = await run(arch, 'asyncpreempt');
    expect(a.records.length).toBeGreaterThan(0);
    expect(show(b)).toBe(show(a));
  });

  it('the invariants catch a sigreturn that does not give back a register', async () => {
    // test hook: as the handler starts, the saved context in the frame loses one register
    const reg = arch.ptrSize === 8 ? 'r12' : 'r5';
    const r = await run(arch, 'asyncpreempt', {
      tamper: (p) =>
        p.bus.onKind(['signal'], (e) => {
          if (e.kind !== 'signal') return;
          const i = arch.signal.mcontextRegs.indexOf(reg);
          const at = e.uc + arch.signal.uc.mcontext + (arch.ptrSize === 8 ? 8 * i : 12 + 4 * i);
          p.machine.mem.setWord(at, 0x5a5an);
        }),
    });
    const v = checkPreemptions(arch, r.records);
    expect(v.map((x) => x.invariant)).toContain('sigreturn.regs');
    expect(v.find((x) => x.invariant === 'sigreturn.regs')!.detail).toMatch(new RegExp(`^${reg} 0x5a5a != `));
  });
});
