// The goroutines and threads of a stopped session as tables: what `gogo-emu
// step --goroutines` prints and what the GDB stub answers to `monitor
// goroutines` and `info threads` (qThreadExtraInfo), from one place so that
// the views agree.
//
// Goroutines: every g in allgs that is not _Gdead, in allgs order: goid,
// status (traceback.go's names: runnable, running, waiting ...), the wait
// reason while waiting, the M running it and that M's thread, whether it is
// a system goroutine (isSystemGoroutine), and where it is: for a g in its
// thread's g register the PC of that thread, for any other g (one that gogo
// is about to start is one) the PC its gobuf resumes at, as
// symbol+offset and file:line (a resume PC is a return address, looked up
// at PC-1 as Go's traceback does, unless it is a function's entry).
import { _Gdead, _Grunning, _Gwaiting, waitReasonString } from '../go119/index.ts';
import type { Machine } from '../os/machine.ts';
import type { Session, ThreadInfo } from '../session/session.ts';

export interface GoroutineRow {
  goid: number;
  /** g's address */
  g: number;
  status: string;
  /** _Gwaiting: why */
  waitReason?: string;
  /** m.id of the M running it (g.m), if any */
  m?: number;
  /** the thread of the M running it */
  thread?: number;
  system: boolean;
  pc: number;
  where: string;
}

const STATUS = ['idle', 'runnable', 'running', 'syscall', 'waiting', 'moribund_unused', 'dead', 'enqueue_unused', 'copystack', 'preempted'];

/** "symbol+off file:line" of a code address; a return address is looked up at pc-1. */
export function codeLocation(machine: Machine, pc: number, returnAddr = false): string {
  const host = machine.host.nameAt(pc);
  if (host !== undefined) return `${host}+${pc - machine.host.addr(host)}`;
  const b = machine.image.blockAt(pc);
  if (!b) return `0x${pc.toString(16)}`;
  const pos = machine.image.lookup(returnAddr && pc !== b.addr ? pc - 1 : pc)!;
  return `${b.name}+${pc - b.addr} ${pos.file}:${pos.line}`;
}

/** The goroutines of a stopped session (see the file comment). */
export function goroutineRows(s: Session, threads: readonly ThreadInfo[] = s.threadList()): GoroutineRow[] {
  const { rt, machine } = s.process;
  const byM = new Map<number, ThreadInfo>();
  for (const t of threads) {
    const m = rt.mOfThread.get(t.id);
    if (m !== undefined && t.state !== 'exited') byM.set(m, t);
  }
  const rows: GoroutineRow[] = [];
  for (const a of rt.allgs) {
    const gp = rt.g(a);
    const st = gp.atomicstatus;
    if (st === _Gdead) continue;
    const on = gp.m !== 0 ? byM.get(gp.m) : undefined;
    const row: GoroutineRow = { goid: gp.goid, g: a, status: STATUS[st] ?? String(st), system: rt.isSystemGoroutine(gp), pc: 0, where: '' };
    if (st === _Gwaiting) row.waitReason = waitReasonString(gp.waitreason);
    if (gp.m !== 0) row.m = rt.m(gp.m).id;
    if (on) row.thread = on.id;
    if (st === _Grunning && on && on.g === a) {
      row.pc = Number(s.registers({ thread: on.id, names: [machine.arch.pcReg] })[machine.arch.pcReg]);
      row.where = codeLocation(machine, row.pc);
    } else {
      row.pc = gp.sched.pc;
      row.where = codeLocation(machine, row.pc, true);
    }
    rows.push(row);
  }
  return rows;
}

/** The goroutine table (one line per goroutine, a header first). */
export function formatGoroutines(rows: readonly GoroutineRow[]): string {
  const status = (r: GoroutineRow) => (r.waitReason ? `${r.status} (${r.waitReason})` : r.status);
  const w = Math.max(6, ...rows.map((r) => status(r).length));
  const out = [`  goid  ${'status'.padEnd(w)}  M     thread  where`];
  for (const r of rows) {
    const m = r.m === undefined ? '-' : `M${r.m}`;
    const t = r.thread === undefined ? '-' : String(r.thread + 1);
    out.push(`  ${String(r.goid).padStart(4)}  ${status(r).padEnd(w)}  ${m.padEnd(4)} ${t.padStart(6)}  ${r.where}${r.system ? '  [system]' : ''}`);
  }
  return out.join('\n');
}

/**
 * One thread in a few words, as gdb shows it after the thread id
 * (qThreadExtraInfo): its M and P, its state, the goroutine in its g
 * register (g0: the M's system stack) and the function it is in, e.g.
 * "M0 P0 running g5 main.main.func1".
 */
export function threadSummary(s: Session, t: ThreadInfo): string {
  const { rt, machine } = s.process;
  const parts: string[] = [];
  const ma = rt.mOfThread.get(t.id);
  if (ma !== undefined) {
    const m = rt.m(ma);
    parts.push(`M${m.id}`, m.p !== 0 ? `P${rt.p(m.p).id}` : 'no P');
  } else parts.push(t.name);
  const state = t.state === 'runnable' ? (t.current ? 'running' : 'runnable') : t.state === 'waiting' ? `waiting (${s.process.threads.all[t.id]?.wait?.on ?? '?'})` : t.state;
  parts.push(state);
  if (t.state !== 'exited') {
    parts.push(t.goid === undefined ? 'no g' : t.goid === 0 || (ma !== undefined && t.g === rt.m(ma).g0) ? 'g0' : `g${t.goid}`);
    const pc = Number(s.registers({ thread: t.id, names: [machine.arch.pcReg] })[machine.arch.pcReg]);
    parts.push(machine.host.nameAt(pc) ?? machine.image.blockAt(pc)?.name ?? `0x${pc.toString(16)}`);
  }
  return parts.join(' ');
}

/** The thread table: gdb's thread id (the Linux tid), then the summary. */
export function formatThreads(s: Session, threads: readonly ThreadInfo[] = s.threadList()): string {
  const out = ['  id  summary'];
  for (const t of threads) if (t.state !== 'exited') out.push(`${t.current ? '*' : ' '} ${String(t.tid).padStart(2)}  ${threadSummary(s, t)}`);
  return out.join('\n');
}
