// Reverse execution on a session's snapshots and replay (gdb's
// reverse-stepi `bs` and reverse-continue `bc`).
//
// reverse-stepi: Session.stepBack(1, { thread }) (the thread's previous
// instruction, every other thread where it was then), on over a host call
// that came between (reverseStep).
//
// reverse-continue: the last breakpoint or watchpoint hit before now. The
// history is searched backwards window by window, each window one replay
// interval (AUTO_SNAPSHOT_EVERY instructions, aligned, so each starts at a
// replay point): replay to the window's start, run forward to its end with
// the breakpoints and watchpoints armed and note every hit; the last hit of
// the latest window with any is where the run goes back to (replayed to
// exactly). With none, the run goes back to instruction 0, the beginning of
// its history. A window costs a replay of up to a million instructions
// (well under a second).
//
// Position of a hit. A breakpoint (or a watchpoint that stops before the
// access) is hit when its thread stands at its address with the global
// count at N: replaying to N may land a little earlier in time (before a
// host call that is not counted, or while another thread finishes its
// quantum), so the landing then runs on to the address. A watchpoint that
// stops after the access is hit the moment the count reaches N: replaying
// to N is exact. A thread that stands at a breakpoint at a window's start
// counts as a hit there (a run resuming from a stop does not stop again
// where it stands).
import { REGIONS } from '../os/memmap.ts';
import { AUTO_SNAPSHOT_EVERY, type Session, type StopResult } from '../session/session.ts';

export interface Hit {
  insns: number;
  /** thread index */
  thread: number;
  pc: number;
  stop: StopResult;
}

/** What a reverse-continue came to: a hit, the beginning of the recorded history, or a pause (^C) on the way. */
export type ReverseResult = { hit: Hit } | { begin: StopResult } | { paused: StopResult };

/** pause() during the search: it ends where the replay stopped. */
class Paused extends Error {
  constructor(readonly stop: StopResult) {
    super('paused');
  }
}

function check(r: StopResult): StopResult {
  if (r.reason === 'paused') throw new Paused(r);
  return r;
}

function pcOf(s: Session, thread: number): number {
  const pcReg = s.arch.pcReg;
  return Number(s.registers({ thread, names: [pcReg] })[pcReg]);
}

function isHit(r: StopResult): boolean {
  return (r.reason === 'breakpoint' && r.breakpoint !== undefined) || r.reason === 'watchpoint';
}

/** Does a watchpoint stop after its access (the hit is the moment the count reaches N)? */
function stopsAfter(s: Session, r: StopResult): boolean {
  if (r.reason !== 'watchpoint') return false;
  return s.watchpoints().find((w) => w.id === r.watchpoint!.id)?.stop !== 'before';
}

/** The hits in [start, end) of the global count (a watchpoint stop after the access at `end` too, unless `end` is now). */
async function scan(s: Session, start: number, end: number, last: boolean): Promise<Hit[]> {
  const hits: Hit[] = [];
  check(await s.replayTo(start));
  const cur = s.threadList().find((t) => t.current && t.state === 'runnable');
  if (cur && start < end) {
    const pc = pcOf(s, cur.id);
    const bp = s.breakpoints().find((b) => b.address === pc);
    if (bp) hits.push({ insns: start, thread: cur.id, pc, stop: { reason: 'breakpoint', breakpoint: bp.id, insns: start, pc, thread: cur.id } });
  }
  for (;;) {
    const r = check(await s.runUntil({ instructions: end }));
    if (!isHit(r)) break;
    const after = stopsAfter(s, r);
    if (r.insns < end || (after && !last && r.insns === end)) hits.push({ insns: r.insns, thread: r.thread, pc: r.pc, stop: r });
    if (r.insns >= end) break;
  }
  return hits;
}

/** Go back to a hit found by scan (see the file comment). */
async function land(s: Session, h: Hit): Promise<void> {
  check(await s.replayTo(h.insns));
  if (stopsAfter(s, h.stop)) return;
  // on to the hit: past uncounted host calls or the end of another thread's quantum
  for (let i = 0; i < 8 && pcOf(s, h.thread) !== h.pc; i++) {
    const r = check(await s.runUntil([{ address: h.pc }, { instructions: h.insns + 1 }]));
    if (r.reason !== 'breakpoint' || r.insns > h.insns) break;
  }
}

/** reverse-continue: back to the last breakpoint or watchpoint hit before now. */
export async function reverseContinue(s: Session): Promise<ReverseResult> {
  const now = s.insns;
  let end = now;
  try {
    while (end > 0) {
      const start = Math.floor((end - 1) / AUTO_SNAPSHOT_EVERY) * AUTO_SNAPSHOT_EVERY;
      const hits = await scan(s, start, end, end === now);
      const h = hits[hits.length - 1];
      if (h) {
        await land(s, h);
        return { hit: h };
      }
      end = start;
    }
    return { begin: check(await s.replayTo(0)) };
  } catch (e) {
    if (e instanceof Paused) return { paused: e.stop };
    throw e;
  }
}

/** Is a thread at a host function's slot (a call into the TypeScript runtime that has not run yet)? */
export function atHostSlot(s: Session, thread: number): boolean {
  const pc = pcOf(s, thread);
  return pc >= REGIONS.host.start && pc < REGIONS.host.start + REGIONS.host.size;
}

/**
 * reverse-stepi on a thread: to just before its previous instruction ran.
 * Session.stepBack lands at the first moment the thread had executed one
 * instruction fewer; when a host call came between that instruction and
 * the next (a `call` into the runtime's TypeScript that returned or
 * tail-called), the landing runs on over the host call to just before the
 * instruction, as gdb expects. At the thread's first instruction: the
 * beginning of its history.
 */
export async function reverseStep(s: Session, thread: number): Promise<StopResult | { begin: true }> {
  const t = s.process.threads.all[thread];
  if (!t || t.insns === 0) return { begin: true };
  const r = await s.stepBack(1, { thread });
  if (!atHostSlot(s, thread)) return r;
  return s.runUntil({ threadAt: thread });
}
