// `gogo-emu step prog.go --until 'gogo goid=6' --count 40 [--reverse N]`:
// stepping without gdb. Runs the program to a scheduler event (a switching
// stub's entry, optionally for one goroutine), a symbol or an instruction
// count, then steps the thread that stopped there one instruction at a time
// and prints each one: the global instruction count, the address as
// symbol+offset, the instruction, its .s (or .go) line, the Go line the
// goroutine in the g register is at, and the registers it changed. With
// --reverse N it then steps back N instructions on the same thread
// (snapshots and replay: reverse-stepi as the GDB stub does it), printing
// where each step back lands and the registers that changed back.
import type { Arch } from '../arch/index.ts';
import { UserError } from '../engine/errors.ts';
import { Session, SWITCH_STUBS, type StopCondition, type SwitchStub } from '../session/session.ts';
import { formatGoroutines, formatThreads, goroutineRows } from '../trace/goroutines.ts';
import { atHostSlot, reverseStep } from '../gdb/reverse.ts';
import type { Output } from './switches.ts';

export interface StepOptions {
  until: string;
  count: number;
  reverse?: number;
  goroutines?: boolean;
  maxInsns?: number;
  debugChecks?: boolean;
}

const STUB_KINDS: Record<string, SwitchStub[]> = {
  gogo: ['gogo'],
  mcall: ['mcall'],
  systemstack: ['systemstack'],
  morestack: ['morestack', 'morestack_noctxt'],
  morestack_noctxt: ['morestack_noctxt'],
  mstart: ['mstart'],
  goexit: ['goexit_ret'],
  goexit_ret: ['goexit_ret'],
};

/** --until: `KIND [goid=N]` (a switching stub, or `switch` for any), `insns=N`, `0xADDR`, or a symbol. */
export function parseUntil(spec: string): { cond: StopCondition; text: string } {
  const words = spec.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) throw new UserError("--until: empty (e.g. 'gogo goid=6', 'mcall', main.main or insns=1000)");
  const [head, ...rest] = words as [string, ...string[]];
  const insns = /^insns=(\d+)$/.exec(head);
  if (insns && rest.length === 0) return { cond: { instructions: Number(insns[1]) }, text: `instruction ${insns[1]}` };
  const bare = head.replace(/^runtime\./, '');
  if (head === 'switch' || STUB_KINDS[bare]) {
    let goid: number | undefined;
    for (const w of rest) {
      const m = /^goid=(\d+)$/.exec(w);
      if (!m) throw new UserError(`--until ${spec}: expected goid=N after ${head}, got ${w}`);
      goid = Number(m[1]);
    }
    const kind = head === 'switch' ? undefined : STUB_KINDS[bare];
    const text = `${head === 'switch' ? 'a switch' : `${SWITCH_STUBS[kind![0]!]}`}${goid === undefined ? '' : ` for goroutine ${goid}`}`;
    return { cond: { switch: { kind, goid } }, text };
  }
  if (rest.length) throw new UserError(`--until ${spec}: a symbol or address takes nothing after it`);
  if (/^0x[0-9a-f]+$/i.test(head)) return { cond: { address: Number.parseInt(head, 16) }, text: head };
  return { cond: { symbol: head }, text: head };
}

const hex = (v: bigint | number) => `0x${v.toString(16)}`;

/** The registers a step shows: the arch's dump set, and on amd64 the TLS g slot. */
function regState(s: Session, thread: number): Record<string, bigint> {
  const regs = s.registers({ thread });
  const { arch, process } = s;
  if (arch.switchFacts.gInTLS) {
    const slot = process.threads.withRegisters(process.threads.all[thread]!, () => arch.tlsSlot(process.machine.engine));
    if (process.machine.mem.contains(slot, arch.ptrSize)) regs.tls_g = process.machine.mem.word(slot);
  }
  return regs;
}

function changed(before: Record<string, bigint>, after: Record<string, bigint>, skip: string): string {
  return Object.entries(after)
    .filter(([k, v]) => k !== skip && before[k] !== v)
    .map(([k, v]) => `${k}=${hex(v)}`)
    .join(' ');
}

/** Source lines for the step rows (see the file comment for the Go column). */
class Lines {
  /** the Go line each goroutine was last seen at, by g address */
  private readonly goLine = new Map<number, string>();
  constructor(private readonly s: Session) {}

  where(pc: number): { sym: string; insn: string; line: string; goFile: boolean } {
    const m = this.s.process.machine;
    const host = m.host.nameAt(pc);
    const insn = m.engine.describe(pc) || '?';
    if (host !== undefined) return { sym: `${host}+${pc - m.host.addr(host)}`, insn: host === undefined ? insn : `${insn} (host function)`, line: '', goFile: false };
    const pos = m.image.lookup(pc);
    if (!pos) return { sym: hex(pc), insn, line: '', goFile: false };
    return { sym: `${pos.symbol}+${pos.offset}`, insn, line: `${pos.file}:${pos.line}`, goFile: pos.file.endsWith('.go') };
  }

  /** The Go line of the goroutine in the thread's g register. */
  goOf(thread: number, pc: number): string {
    const { rt, machine } = this.s.process;
    const t = this.s.threadList()[thread];
    const g = t?.g;
    if (g === undefined || t!.goid === 0) return '';
    const here = this.where(pc);
    if (here.goFile) {
      this.goLine.set(g, here.line);
      return here.line;
    }
    let known = this.goLine.get(g);
    if (known === undefined) {
      const spc = rt.g(g).sched.pc;
      const b = machine.image.blockAt(spc);
      const pos = b && machine.image.lookup(spc !== b.addr ? spc - 1 : spc);
      known = pos?.file.endsWith('.go') ? `${pos.file}:${pos.line}` : '';
      this.goLine.set(g, known);
    }
    return known;
  }
}

/** One executed (or, stepping back, undone) instruction: the one at `pc`, with the count after it and the registers it changed. */
function row(label: string, s: Session, lines: Lines, thread: number, pc: number, regs: string): string {
  const w = lines.where(pc);
  const go = lines.goOf(thread, pc);
  const cols = [label.padStart(8), String(s.insns).padStart(9), w.sym.padEnd(30), w.insn.padEnd(44), w.line.padEnd(28), (go && !w.goFile ? go : '').padEnd(28)];
  return `${cols.join('  ')}  ${regs}`.trimEnd();
}

export async function stepCommand(file: string, arch: Arch, o: StepOptions, io: Output): Promise<number> {
  const until = parseUntil(o.until);
  const s = await Session.create(file, arch, { maxInsns: o.maxInsns, debugChecks: o.debugChecks, replay: o.reverse !== undefined });
  try {
    const r = await s.runUntil(until.cond);
    if (r.reason === 'exit' || r.reason === 'fault' || r.reason === 'budget' || r.reason === 'parked') {
      const why = r.reason === 'exit' ? `exited with status ${r.exitCode}` : r.reason === 'parked' ? 'stopped with every thread waiting' : r.error?.message;
      io.err(`gogo-emu: the program ${why} before reaching ${until.text}`);
      return 1;
    }
    const thread = r.thread;
    const t = s.threadList()[thread]!;
    const sw = r.switch ? ` (${r.switch.kind}${r.switch.to !== undefined ? ` g${r.switch.from ?? '?'} -> g${r.switch.to}` : r.switch.from !== undefined ? ` from g${r.switch.from}` : ''})` : '';
    io.out(`stopped at ${until.text}${sw}: instruction ${r.insns}, thread ${t.tid} (${t.name}), g${t.goid ?? '?'}`);
    if (o.goroutines) io.out(`goroutines:\n${formatGoroutines(goroutineRows(s))}\nthreads:\n${formatThreads(s)}`);
    const lines = new Lines(s);
    const pcReg = arch.pcReg;
    const here = (regs: Record<string, bigint>) => {
      const w = lines.where(Number(regs[pcReg]));
      return `${w.sym}${w.line ? ` (${w.line})` : ''}`;
    };
    let before = regState(s, thread);
    io.out(`at ${here(before)}; each row: an instruction, the count after it, its line, the Go line of the goroutine in the g register, the registers it changed`);
    io.out(`${'step'.padStart(8)}  ${'insn'.padStart(9)}  ${'where'.padEnd(30)}  ${'instruction'.padEnd(44)}  ${'line'.padEnd(28)}  ${'goroutine at'.padEnd(28)}  registers changed`);
    for (let i = 1; i <= o.count; i++) {
      const pc = Number(before[pcReg]);
      // at a host function's slot, one step is the whole host call (as the GDB stub steps)
      const st = atHostSlot(s, thread) ? await s.runUntil({ threadAt: thread }) : await s.step(1, { thread });
      if (st.reason !== 'step' && st.reason !== 'breakpoint') {
        io.out(`  (the run ended: ${st.reason}${st.exitCode !== undefined ? ` with status ${st.exitCode}` : ''})`);
        break;
      }
      const after = regState(s, thread);
      io.out(row(`#${i}`, s, lines, thread, pc, changed(before, after, pcReg)));
      before = after;
    }
    if (o.reverse) io.out(`now at ${here(before)}; stepping back (each row: the instruction undone, the count before it, the registers it had changed, as they were)`);
    for (let i = 1; i <= (o.reverse ?? 0); i++) {
      if (s.process.threads.all[thread]!.insns === 0) break;
      await reverseStep(s, thread);
      const after = regState(s, thread);
      io.out(row(`back #${i}`, s, lines, thread, Number(after[pcReg]), changed(before, after, pcReg)));
      before = after;
    }
    io.out(`now at ${here(before)}, instruction ${s.insns}`);
    return 0;
  } finally {
    s.close();
  }
}
