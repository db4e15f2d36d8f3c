// Timeline export in the Trace Event Format (the JSON that Perfetto and
// chrome://tracing load). Built from the runtime's event stream plus the
// switch recorder. Three processes of tracks, each track a flat sequence of
// slices (nothing nested, nothing overlapping), each telling something the
// others do not:
//   - "Ps": one track per P, with a complete ('X') slice per goroutine run
//     on that P, from execute until the goroutine leaves the CPU (park,
//     yield, exit, the end of the run), as go tool trace's PROCS view; and
//     "idle" while the P is released;
//   - "Ms": one track per M (thread), what the thread does: "g0: schedule"
//     (the scheduler on g0, between goroutine runs), "running on P<n>" (Go
//     code of the goroutine on P<n>'s track: the M-P pairing, not the
//     goroutine again), "spinning", "idle (stopm)";
//   - "goroutines": one track per goroutine, its states as go tool trace's
//     goroutine view has them: "runnable", "running" (on which M and P),
//     "waiting: <reason>".
// Instant ('i') events for goroutine creation, parks (with the wait
// reason), readies, yields, exits, stack growth and panics sit on the track
// of the P where they happen (of the M when it holds none); steals,
// handoffs, Ms made or woken, thread exits, stop/start the world and
// GOMAXPROCS changes on the M's track; a fatal end (a throw, a deadlock, an
// unrecovered panic) and a run stopped by the budget or a fault are global
// instants. Flow arrows (v1 's'/'f' events, category "goroutine") lead
// from the event that made a goroutine runnable (its creation or a ready) to
// the start of its next run, which is never earlier (each thread has its own
// virtual clock; an event on a track never goes before the track's last one,
// see at()). Goroutine slices and instants carry
// args that link them to switch records (`switch`: the record's seq as
// `gogo-emu switches` prints it; `stub`): the gogo that started a run, the
// mcall that left it. With the `insns` option (the web app, to jump there),
// args also give the global instruction count where each event happened
// (`insns`; a slice also gets `endInsns`).
// Time is the virtual clock (modeled cycles at 1 GHz, so 1 cycle = 1 ns);
// Trace Event timestamps are microseconds.
//
// Linear time, bounded memory: links are resolved as the switch records
// complete (the recorder keeps none of them), and events go to an
// EventSorter, which keeps at most SORT_CHUNK of them in memory and spills
// sorted runs to temporary files; writeJSON streams the merged runs into the
// file. The output is what sorting every event by timestamp (stable: ties in
// the order the events were made) gives.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Runtime } from '../runtime/runtime.ts';
import type { ProcessEvent } from '../runtime/events.ts';
import type { Process } from '../session/process.ts';
import type { SwitchKind, SwitchRecord } from './record.ts';
import { SwitchRecorder } from './switches.ts';

export interface TraceEvent {
  name: string;
  ph: 'X' | 'i' | 'M' | 's' | 'f';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  /** an instant's scope: its thread's track, or global (every track) */
  s?: 't' | 'g';
  cat?: string;
  /** a flow's id ('s' and 'f' with the same id, name and cat are one arrow) */
  id?: number;
  /** a flow end binds to the slice that encloses it */
  bp?: 'e';
  args?: Record<string, unknown>;
}

export interface TraceFile {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ns';
  otherData: Record<string, string>;
}

export const PID_M = 1;
export const PID_P = 2;
export const PID_G = 3;
/**
 * The category of goroutine runs (P tracks), of the instants that make a
 * goroutine runnable (creation, ready) and of the flows between them: a
 * viewer binds a flow's ends to the event of the flow's own category at the
 * same track and time, so no other instant has this category.
 */
const CAT_G = 'goroutine';
/** the category of the other goroutine instants (parks, exits, stack growth, panics) */
const CAT_SCHED = 'sched';
const us = (cycles: number) => cycles / 1000;

/**
 * A slice's duration in microseconds, so that ts + dur never passes the end
 * in floating point (0.264 + 0.03 is 0.29400000000000004): a viewer that
 * finds a slice ending after the next one on its track starts would take
 * it for a misnested child and drop it.
 */
function durUs(start: number, end: number): number {
  const ts = us(start);
  const te = us(end);
  let d = te - ts;
  while (d > 0 && ts + d > te) d -= Math.max(d * Number.EPSILON, Number.MIN_VALUE);
  return d;
}

/** The switch record an event links to, once known. */
interface Link {
  seq: number;
  stub: string;
}

/**
 * A link to the first record of some kinds completing after the cell was
 * made (execute precedes the gogo that starts the slice); events wait in
 * `waiting` until it resolves (or the run ends).
 */
interface NextCell {
  kinds: readonly SwitchKind[];
  link?: Link;
  waiting: { ev: TraceEvent; order: number }[];
}

interface OpenSlice {
  goid: number;
  name: string;
  m: number;
  p: number;
  start: number;
  /** the gogo record that starts this slice */
  cell: NextCell;
  /** the instruction count at its start (with the insns option) */
  insns?: number;
}

/** Events kept in memory before a sorted run is spilled to a temporary file. */
export const SORT_CHUNK = 50_000;

/**
 * Sorts events by (ts, order) with bounded memory: sorted runs of at most
 * `chunk` events go to temporary files as lines "ts order json"; drain()
 * merges them. `order` is the order the events were made in, so the result
 * equals a stable sort by ts.
 */
class EventSorter {
  private buf: { ts: number; order: number; json: string }[] = [];
  private dir: string | undefined;
  private runs: string[] = [];
  count = 0;

  constructor(private readonly chunk = SORT_CHUNK) {}

  add(ev: TraceEvent, order: number): void {
    this.buf.push({ ts: ev.ts ?? 0, order, json: JSON.stringify(ev) });
    this.count++;
    if (this.buf.length >= this.chunk) this.spill();
  }

  private sortBuf(): void {
    this.buf.sort((a, b) => a.ts - b.ts || a.order - b.order);
  }

  private spill(): void {
    this.sortBuf();
    this.dir ??= mkdtempSync(join(tmpdir(), 'gogo-timeline-'));
    const file = join(this.dir, `run${this.runs.length}`);
    const fd = openSync(file, 'w');
    try {
      let text = '';
      for (const e of this.buf) {
        text += `${e.ts} ${e.order} ${e.json}\n`;
        if (text.length > 1 << 20) {
          writeSync(fd, text);
          text = '';
        }
      }
      if (text) writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    this.runs.push(file);
    this.buf = [];
  }

  /** Every event's JSON, in order. */
  *drain(): Generator<string> {
    this.sortBuf();
    const sources: { head: { ts: number; order: number; json: string } | undefined; next: () => { ts: number; order: number; json: string } | undefined }[] = [];
    for (const file of this.runs) {
      const lines = readLines(file);
      const next = () => {
        const r = lines.next();
        if (r.done) return undefined;
        const a = r.value.indexOf(' ');
        const b = r.value.indexOf(' ', a + 1);
        return { ts: Number(r.value.slice(0, a)), order: Number(r.value.slice(a + 1, b)), json: r.value.slice(b + 1) };
      };
      sources.push({ head: next(), next });
    }
    let i = 0;
    const mem = this.buf;
    sources.push({ head: mem[0], next: () => mem[++i] });
    for (;;) {
      let best = -1;
      for (let k = 0; k < sources.length; k++) {
        const h = sources[k]!.head;
        if (!h) continue;
        const b = best < 0 ? undefined : sources[best]!.head!;
        if (!b || h.ts < b.ts || (h.ts === b.ts && h.order < b.order)) best = k;
      }
      if (best < 0) return;
      const src = sources[best]!;
      yield src.head!.json;
      src.head = src.next();
    }
  }

  dispose(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    this.runs = [];
    this.buf = [];
  }
}

/** The lines of a file, read in 64 KiB pieces (a merge reads every run at once). */
function* readLines(file: string): Generator<string> {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 16);
    let rest = '';
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const text = rest + buf.toString('utf8', 0, n);
      const lines = text.split('\n');
      rest = lines.pop()!;
      yield* lines;
    }
    if (rest) yield rest;
  } finally {
    closeSync(fd);
  }
}

/** Where a flow arrow starts: the creation or ready instant of a goroutine, until it runs. */
interface FlowStart {
  pid: number;
  tid: number;
  /** virtual time (cycles) */
  ts: number;
  what: string;
}

/** A track's key in maps: its pid and tid as one number (tids stay far below 2^32; pids are 1-3). */
const trackKey = (pid: number, tid: number) => pid * 0x1_0000_0000 + tid;

/** M track states that are the scheduler on g0 waiting or looking for work (acquirep ends them). */
const M_IDLE = /^idle/;
const G0 = 'g0: schedule';

/** Records a running process's timeline; call writeJSON() (or toJSON()) after the run. */
export class TimelineRecorder {
  private readonly sorter = new EventSorter();
  /** events made so far (a stable sort keeps ties in this order) */
  private made = 0;
  private readonly open = new Map<number, OpenSlice>(); // by M id
  /** cells waiting for the next record of their kinds */
  private pendingNext: NextCell[] = [];
  /** the last completed record of each kind, for links to the switch that just happened */
  private readonly lastOfKind = new Map<SwitchKind, { index: number; link: Link }>();
  /** switch records completed so far */
  private records = 0;
  private readonly ms = new Set<number>();
  private readonly ps = new Set<number>();
  /** goroutine tracks: goid -> track name */
  private readonly gs = new Map<number, string>();
  /** where the arrow to each runnable goroutine's next run starts */
  private readonly flowFrom = new Map<number, FlowStart>();
  private flows = 0;
  private readonly recorder: SwitchRecorder;
  private finished = false;
  /** why the run stopped before the program ended (the budget, a fault), if it did */
  private stoppedBy: string | undefined;

  private readonly rt: Runtime;
  /** the open state slice of each track (trackKey): M and P states, goroutine states */
  private readonly states = new Map<number, { pid: number; tid: number; name: string; start: number; insns?: number; args?: Record<string, unknown> }>();
  /** the last time used on each track (trackKey; see at()) */
  private readonly trackTime = new Map<number, number>();

  /**
   * `insns`: the global instruction count now (Threads.totalInsns); when
   * given, every event's args also say where in the run it happened.
   */
  constructor(
    p: Process,
    private readonly title: string,
    private readonly opts: { insns?: () => number } = {},
  ) {
    this.rt = p.rt;
    this.recorder = new SwitchRecorder(p, { steps: false, retain: false, boundaries: true });
    this.recorder.onRecord((r) => this.onRecord(r));
    p.bus.on((e) => this.onEvent(e));
  }

  private onRecord(r: SwitchRecord): void {
    const index = this.records++;
    const link = { seq: r.seq, stub: r.stub };
    this.lastOfKind.set(r.kind, { index, link });
    if (this.pendingNext.length === 0) return;
    const still: NextCell[] = [];
    for (const c of this.pendingNext) {
      if (!c.kinds.includes(r.kind)) {
        still.push(c);
        continue;
      }
      c.link = link;
      for (const w of c.waiting) this.emit(w.ev, w.order, link);
      c.waiting = [];
    }
    this.pendingNext = still;
  }

  /** The last completed record of one of `kinds`. */
  private previous(kinds: readonly SwitchKind[]): Link | undefined {
    let best: { index: number; link: Link } | undefined;
    for (const k of kinds) {
      const x = this.lastOfKind.get(k);
      if (x && (!best || x.index > best.index)) best = x;
    }
    return best?.link;
  }

  /** Hand an event to the sorter, with its link's switch seq and stub added to its args. */
  private emit(ev: TraceEvent, order: number, link: Link | undefined): void {
    if (link) ev.args = { ...ev.args, switch: link.seq, stub: link.stub };
    this.sorter.add(ev, order);
  }

  private now(): number {
    return this.rt.nanotime();
  }

  /** args plus the instruction count now (with the insns option) */
  private withInsns(args: Record<string, unknown>): Record<string, unknown> {
    return this.opts.insns ? { ...args, insns: this.opts.insns() } : args;
  }

  /** a slice's args plus the instruction counts at its start and now (with the insns option) */
  private withSpan(args: Record<string, unknown> | undefined, insns: number | undefined): Record<string, unknown> | undefined {
    return this.opts.insns ? { ...args, insns, endInsns: this.opts.insns() } : args;
  }

  /**
   * The time of an event on a track: the clock now, but never before the
   * track's last event. Each thread has its own virtual clock, and an M may
   * change another's state from behind it (wake it, ready its goroutine);
   * the woken thread's clock then moves up to the waker's, so the change
   * takes effect at the later of the two.
   */
  private at(pid: number, tid: number): number {
    const key = trackKey(pid, tid);
    const t = Math.max(this.now(), this.trackTime.get(key) ?? 0);
    this.trackTime.set(key, t);
    return t;
  }

  /** The latest time of any track (where a global event goes: after everything recorded). */
  private latest(): number {
    return Math.max(this.now(), ...this.trackTime.values());
  }

  private where(): { m: number; p: number } {
    try {
      const m = this.rt.curm();
      return { m: m.id, p: m.p !== 0 ? this.rt.p(m.p).id : -1 };
    } catch {
      return { m: 0, p: -1 };
    }
  }

  /** The track of what happens now: the current M's P (where its goroutine runs), else the M itself. */
  private here(): { pid: number; tid: number } {
    const { m, p } = this.where();
    if (p >= 0) {
      this.ps.add(p);
      return { pid: PID_P, tid: p };
    }
    this.ms.add(m);
    return { pid: PID_M, tid: m };
  }

  /** A goroutine instant event where it happens, linked to the switch record of `link` kind that just completed. */
  private instant(name: string, args: Record<string, unknown>, link?: SwitchKind[], cat = CAT_SCHED): { pid: number; tid: number; ts: number } {
    const track = this.here();
    const at = { ...track, ts: this.at(track.pid, track.tid) };
    const ev: TraceEvent = { name, ph: 'i', s: 't', pid: at.pid, tid: at.tid, ts: us(at.ts), cat, args: this.withInsns(args) };
    this.emit(ev, this.made++, link && this.previous(link));
    return at;
  }

  /** Open a state slice on a track (closing what was open there). */
  private stateOpen(pid: number, tid: number, name: string, args?: Record<string, unknown>): void {
    this.stateClose(pid, tid);
    if (pid === PID_M) this.ms.add(tid);
    else if (pid === PID_P) this.ps.add(tid);
    this.states.set(trackKey(pid, tid), { pid, tid, name, start: this.at(pid, tid), insns: this.opts.insns?.(), ...(args && { args }) });
  }

  private stateName(pid: number, tid: number): string | undefined {
    return this.states.get(trackKey(pid, tid))?.name;
  }

  private stateClose(pid: number, tid: number): void {
    const key = trackKey(pid, tid);
    const s = this.states.get(key);
    if (!s) return;
    this.states.delete(key);
    const cat = pid === PID_G ? 'gstate' : 'mp';
    const args = this.withSpan(s.args, s.insns);
    this.emit({ name: s.name, ph: 'X', pid, tid, ts: us(s.start), dur: durUs(s.start, this.at(pid, tid)), cat, ...(args && { args }) }, this.made++, undefined);
  }

  /** An instant event on a given track. */
  private mark(pid: number, tid: number, name: string, args: Record<string, unknown>): void {
    (pid === PID_M ? this.ms : this.ps).add(tid);
    this.emit({ name, ph: 'i', s: 't', pid, tid, ts: us(this.at(pid, tid)), cat: 'mp', args: this.withInsns(args) }, this.made++, undefined);
  }

  /** A goroutine's track, named at first sight after its start function. */
  private gtrack(goid: number, g: number): void {
    if (this.gs.has(goid)) return;
    let name = `G${goid}`;
    try {
      name = `G${goid} ${this.rt.machine.describe(this.rt.g(g).startpc).replace(/\+0$/, '')}`;
    } catch {
      // no g to read
    }
    this.gs.set(goid, name);
  }

  /** The goroutine became runnable here: its state, and where the arrow to its next run starts. */
  private runnable(goid: number, g: number, from: { pid: number; tid: number; ts: number }, what: string): void {
    this.gtrack(goid, g);
    this.stateOpen(PID_G, goid, 'runnable');
    this.flowFrom.set(goid, { ...from, what });
  }

  /** The goroutine on M `m` leaves the CPU: its run slice ends; the M goes back to g0's scheduler. */
  private close(m: number, reason: string, toG0 = true): void {
    const s = this.open.get(m);
    if (!s) return;
    this.open.delete(m);
    const end = this.at(PID_P, s.p);
    const ev: TraceEvent = { name: s.name, ph: 'X', pid: PID_P, tid: s.p, ts: us(s.start), dur: durUs(s.start, end), cat: CAT_G, args: this.withSpan({ goid: s.goid, m: s.m, until: reason }, s.insns) };
    const order = this.made++;
    if (s.cell.link) this.emit(ev, order, s.cell.link);
    else s.cell.waiting.push({ ev, order });
    this.stateClose(PID_G, s.goid);
    if (toG0) this.stateOpen(PID_M, m, G0);
  }

  private onEvent(e: ProcessEvent): void {
    const rt = this.rt;
    switch (e.kind) {
      case 'execute': {
        this.close(e.m, 'preempted by the scheduler');
        const startpc = rt.g(e.g).startpc;
        const name = `G${e.goid} ${rt.machine.describe(startpc).replace(/\+0$/, '')}`;
        const cell: NextCell = { kinds: ['gogo'], waiting: [] };
        this.pendingNext.push(cell);
        this.ms.add(e.m);
        this.ps.add(e.p);
        // a goroutine runs no earlier than it was made runnable (the readier's clock may be ahead of this M's)
        const from = this.flowFrom.get(e.goid);
        this.flowFrom.delete(e.goid);
        const start = Math.max(this.at(PID_P, e.p), this.at(PID_M, e.m), this.at(PID_G, e.goid), from?.ts ?? 0);
        for (const [pid, tid] of [[PID_P, e.p], [PID_M, e.m], [PID_G, e.goid]] as const) this.trackTime.set(trackKey(pid, tid), start);
        this.open.set(e.m, { goid: e.goid, name, m: e.m, p: e.p, start, cell, insns: this.opts.insns?.() });
        this.stateOpen(PID_M, e.m, `running on P${e.p}`, { goid: e.goid });
        this.gtrack(e.goid, e.g);
        this.stateOpen(PID_G, e.goid, 'running', { m: e.m, p: e.p });
        if (from) {
          const id = ++this.flows;
          const flow = { name: from.what, cat: CAT_G, id };
          this.emit({ ...flow, ph: 's', pid: from.pid, tid: from.tid, ts: us(from.ts) }, this.made++, undefined);
          this.emit({ ...flow, ph: 'f', bp: 'e', pid: PID_P, tid: e.p, ts: us(start) }, this.made++, undefined);
        }
        break;
      }
      case 'gostatus': {
        const { m } = this.where();
        if (e.from === 2 /* _Grunning */) {
          const why = e.to === 4 ? `park: ${e.reason}` : e.reason === 'Gosched' ? 'Gosched' : `status ${e.to}`;
          this.close(m, why);
          this.instant(`G${e.goid} ${why}`, { goid: e.goid, reason: e.reason ?? '' }, ['mcall']);
          if (e.to === 4) this.stateOpen(PID_G, e.goid, `waiting: ${e.reason ?? ''}`);
          else if (e.to === 1) this.stateOpen(PID_G, e.goid, 'runnable');
        } else if (e.to === 1 /* _Grunnable */) {
          const at = this.instant(`ready G${e.goid}`, { goid: e.goid }, undefined, CAT_G);
          this.runnable(e.goid, e.g, at, 'ready');
        } else if (e.to === 4) {
          this.stateOpen(PID_G, e.goid, `waiting: ${e.reason ?? ''}`);
        }
        break;
      }
      case 'goexit': {
        const { m } = this.where();
        this.close(m, 'goexit');
        this.instant(`G${e.goid} exits`, { goid: e.goid }, ['mcall']);
        this.stateClose(PID_G, e.goid);
        this.flowFrom.delete(e.goid);
        break;
      }
      case 'gocreate': {
        const at = this.instant(`go G${e.goid}`, { goid: e.goid, parent: e.parent, startpc: rt.machine.describe(e.startpc) }, undefined, CAT_G);
        this.runnable(e.goid, e.g, at, 'go');
        break;
      }
      case 'stackgrow':
        this.instant(`G${e.goid} stack ${e.oldSize} -> ${e.newSize}`, { goid: e.goid, oldSize: e.oldSize, newSize: e.newSize }, ['morestack', 'morestack_noctxt']);
        break;
      case 'panic':
        this.instant(`G${e.goid} panic: ${e.value}`, { goid: e.goid, value: e.value });
        break;
      case 'fatal':
        this.global(e.message, { what: e.what, ...(e.goid !== undefined && { goid: e.goid }) });
        break;
      case 'exit':
        for (const m of [...this.open.keys()]) this.close(m, `exit(${e.code})`, false);
        break;
      // ---- Ms and Ps ----
      case 'mstart':
        if (!this.states.has(trackKey(PID_M, e.m))) this.stateOpen(PID_M, e.m, G0);
        break;
      case 'spinning':
        if (e.spinning) this.stateOpen(PID_M, e.m, 'spinning');
        else if (this.stateName(PID_M, e.m) === 'spinning') this.stateOpen(PID_M, e.m, G0);
        break;
      case 'stopm':
        this.stateOpen(PID_M, e.m, e.locked ? 'idle (stoplockedm)' : 'idle (stopm)');
        break;
      case 'acquirep':
        if (M_IDLE.test(this.stateName(PID_M, e.m) ?? '')) this.stateOpen(PID_M, e.m, G0);
        this.stateClose(PID_P, e.p);
        break;
      case 'releasep':
        this.stateOpen(PID_P, e.p, 'idle');
        break;
      case 'steal':
        this.mark(PID_M, e.m, `steal ${e.n} from P${e.from}${e.runnext ? ' (runnext)' : ''}`, { ...e });
        this.mark(PID_P, e.p, `stole ${e.n} from P${e.from}`, { ...e });
        break;
      case 'handoffp':
        this.mark(PID_M, e.m, `handoff P${e.p} -> ${e.to}`, { p: e.p, to: e.to });
        break;
      case 'newm':
        this.mark(PID_M, e.by, `newm M${e.m}${e.spinning ? ' (spinning)' : ''}`, { ...e });
        break;
      case 'startm':
        this.mark(PID_M, e.by, `wake M${e.m} for P${e.p}${e.spinning ? ' (spinning)' : ''}`, { ...e });
        break;
      case 'startlockedm':
        this.mark(PID_M, e.m, `hand P${e.p} to M${e.to} (locked G${e.goid})`, { ...e });
        break;
      case 'mexit':
        this.stateClose(PID_M, e.m);
        this.mark(PID_M, e.m, `M${e.m} exits`, { ...e });
        break;
      // a system call: the goroutine's and its M's tracks show it as a state; the
      // goroutine's run slice on the P ends when sysmon retakes the P
      case 'entersyscall':
        this.instant(`G${e.goid} entersyscall`, { goid: e.goid, pc: rt.machine.describe(e.pc) });
        this.stateOpen(PID_G, e.goid, 'syscall', { m: e.m, p: e.p });
        this.stateOpen(PID_M, e.m, `syscall (G${e.goid}, P${e.p} _Psyscall)`, { goid: e.goid });
        break;
      case 'exitsyscall':
        this.instant(`G${e.goid} exitsyscall (${e.how})`, { goid: e.goid, how: e.how, p: e.p, oldp: e.oldp });
        if (e.how !== 'exitsyscall0') {
          this.stateOpen(PID_G, e.goid, 'running', { m: e.m, p: e.p });
          this.stateOpen(PID_M, e.m, `running on P${e.p}`, { goid: e.goid });
        } else {
          this.close(e.m, 'exitsyscall0', false);
          this.stateOpen(PID_M, e.m, G0);
          if (e.p < 0) this.runnable(e.goid, e.g, { ...this.here(), ts: this.at(PID_M, e.m) }, 'exitsyscall0: global run queue');
        }
        break;
      // sysmon on its own M's track: its sleeps as slices, what it did as instants
      case 'sysmon':
        if (e.what === 'retake') {
          this.mark(PID_M, e.m, `sysmon retakes P${e.p} (syscall)`, { ...e });
          // the goroutine in the call no longer runs on that P
          for (const [m, o] of this.open) {
            if (o.p !== e.p) continue;
            this.close(m, 'in a system call: P retaken', false);
            this.stateOpen(PID_M, m, `syscall (G${o.goid}, no P)`, { goid: o.goid });
            this.stateOpen(PID_G, o.goid, 'syscall', { m, p: -1 });
          }
        }
        else this.stateOpen(PID_M, e.m, e.what === 'sleep' ? `sysmon usleep(${e.delayUs})` : 'sysmonwait');
        break;
      // a preemption: the request and the signal's injection, as instants on the goroutine's M
      case 'preempt':
        this.mark(PID_M, e.m, `preempt G${e.goid}${e.async ? ' (+ SIGURG)' : ''}`, { ...e });
        break;
      case 'asyncpreempt':
        this.mark(PID_M, e.m, e.injected ? `SIGURG: G${e.goid} -> asyncPreempt` : `SIGURG: G${e.goid} not at a safe point`, { ...e, pc: rt.machine.describe(e.pc) });
        break;
      case 'procresize':
      case 'stoptheworld':
      case 'starttheworld': {
        const { m } = this.where();
        this.mark(PID_M, m, e.kind === 'procresize' ? `GOMAXPROCS ${e.from} -> ${e.to}` : e.kind, { ...e });
        break;
      }
      default:
    }
  }

  /** A global instant (a line across every track) on the current M's track. */
  private global(name: string, args: Record<string, unknown>): void {
    const { m } = this.where();
    this.ms.add(m);
    this.emit({ name, ph: 'i', s: 'g', pid: PID_M, tid: m, ts: us(this.latest()), cat: 'end', args: this.withInsns(args) }, this.made++, undefined);
  }

  /**
   * The run stopped before the program ended (the instruction budget, an
   * emulation fault): mark where, and say so in the file (otherData.stopped).
   * What was recorded up to there is written as usual.
   */
  stop(reason: string): void {
    if (this.finished || this.stoppedBy !== undefined) return;
    this.stoppedBy = reason;
    this.global(`run stopped: ${reason}`, { reason });
    for (const m of [...this.open.keys()]) this.close(m, 'run stopped', false);
  }

  /** Close what is still open (end of the run) and flush events whose link never came. */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (const m of [...this.open.keys()]) this.close(m, 'end of run', false);
    for (const { pid, tid } of [...this.states.values()]) this.stateClose(pid, tid);
    for (const c of this.pendingNext) for (const w of c.waiting) this.emit(w.ev, w.order, undefined);
    this.pendingNext = [];
  }

  private meta(): TraceEvent[] {
    const byNumber = (a: number, b: number) => a - b;
    const proc = (pid: number, name: string, sort: number): TraceEvent[] => [
      { name: 'process_name', ph: 'M', pid, tid: 0, args: { name: `${this.title}: ${name}` } },
      { name: 'process_sort_index', ph: 'M', pid, tid: 0, args: { sort_index: sort } },
    ];
    return [
      ...proc(PID_P, 'Ps (processors)', 0),
      ...proc(PID_M, 'Ms (threads)', 1),
      ...proc(PID_G, 'goroutines', 2),
      ...[...this.ps].sort(byNumber).map((p): TraceEvent => ({ name: 'thread_name', ph: 'M', pid: PID_P, tid: p, args: { name: `P${p}` } })),
      ...[...this.ms].sort(byNumber).map((m): TraceEvent => ({ name: 'thread_name', ph: 'M', pid: PID_M, tid: m, args: { name: `M${m}` } })),
      ...[...this.gs.keys()].sort(byNumber).flatMap((g): TraceEvent[] => [
        { name: 'thread_name', ph: 'M', pid: PID_G, tid: g, args: { name: this.gs.get(g)! } },
        { name: 'thread_sort_index', ph: 'M', pid: PID_G, tid: g, args: { sort_index: g } },
      ]),
    ];
  }

  private otherData(): TraceFile['otherData'] {
    return {
      generator: 'gogo-emu',
      clock: 'modeled cycles at 1 GHz (1 us = 1000 cycles)',
      switchRecords: String(this.records),
      ...(this.stoppedBy !== undefined && { stopped: `the run stopped before the program ended: ${this.stoppedBy}; the timeline shows what was recorded up to there` }),
    };
  }

  /** The whole Trace Event JSON as an object (every event in memory: for small runs and tests). */
  toJSON(): TraceFile {
    this.finish();
    return {
      traceEvents: [...this.meta(), ...[...this.sorter.drain()].map((j) => JSON.parse(j) as TraceEvent)],
      displayTimeUnit: 'ns',
      otherData: this.otherData(),
    };
  }

  /** Write the Trace Event JSON to `path`, streaming: the same text as JSON.stringify(toJSON()). */
  writeJSON(path: string): void {
    this.finish();
    const fd = openSync(path, 'w');
    try {
      let text = '{"traceEvents":[';
      let first = true;
      const put = (json: string) => {
        text += first ? json : `,${json}`;
        first = false;
        if (text.length > 1 << 20) {
          writeSync(fd, text);
          text = '';
        }
      };
      for (const ev of this.meta()) put(JSON.stringify(ev));
      for (const json of this.sorter.drain()) put(json);
      text += `],"displayTimeUnit":"ns","otherData":${JSON.stringify(this.otherData())}}`;
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
  }

  dispose(): void {
    this.recorder.dispose();
    this.sorter.dispose();
  }
}
