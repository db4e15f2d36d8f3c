// Timeline export in the Trace Event Format (the JSON that Perfetto and
// chrome://tracing load). Built from the runtime's event stream plus the
// switch recorder:
//   - two processes of tracks: "Ms" (one track per M) and "Ps" (one per P);
//   - a complete ('X') slice per goroutine run, from execute until the
//     goroutine leaves the CPU (park, yield, exit, end of the program), on
//     its M's and its P's track;
//   - instant ('i') events for goroutine creation, parks (with the wait
//     reason), readies, yields, exits and stack growth;
//   - with several Ms and Ps: slices for a spinning M ("spinning") and for
//     an M asleep on m.park ("idle (stopm)") on its M's track, and for a P
//     released and not yet acquired again ("idle") on its P's track; instant
//     events for steals (on the thief's M and P), handoffs, Ms made or woken
//     (newm, startm, startlockedm), thread exits, stop/start the world and
//     GOMAXPROCS changes;
//   - args that link each slice to the gogo switch record that started it,
//     and each park/yield/exit to the mcall record that left the goroutine
//     (`switch`: the record's seq, as `gogo-emu switches` prints it);
//   - with the `insns` option (the web app, to jump there): the global
//     instruction count where each event happened (`insns`; a slice also
//     gets `endInsns`).
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
  ph: 'X' | 'i' | 'M';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  s?: 't';
  cat?: string;
  args?: Record<string, unknown>;
}

export interface TraceFile {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ns';
  otherData: Record<string, string>;
}

const PID_M = 1;
const PID_P = 2;
const us = (cycles: number) => cycles / 1000;

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
  /** the instruction count at its start (with the insns option) */
  insns?: number;
  name: string;
  m: number;
  p: number;
  start: number;
  /** the gogo record that starts this slice */
  cell: NextCell;
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
  private readonly recorder: SwitchRecorder;
  private finished = false;

  private readonly rt: Runtime;
  /** open state slices (spinning, idle) by track, `pid:tid` */
  private readonly states = new Map<string, { name: string; start: number; insns?: number }>();

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
    this.recorder = new SwitchRecorder(p, { steps: false, retain: false });
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
  private at(args: Record<string, unknown>): Record<string, unknown> {
    return this.opts.insns ? { ...args, insns: this.opts.insns() } : args;
  }

  private where(): { m: number; p: number } {
    try {
      const m = this.rt.curm();
      return { m: m.id, p: m.p !== 0 ? this.rt.p(m.p).id : -1 };
    } catch {
      return { m: 0, p: -1 };
    }
  }

  /** An instant event on the current M's track, linked to the switch record of `link` kind that just completed. */
  private instant(name: string, args: Record<string, unknown>, link?: SwitchKind[]): void {
    const { m } = this.where();
    this.ms.add(m);
    const ev: TraceEvent = { name, ph: 'i', s: 't', pid: PID_M, tid: m, ts: us(this.now()), cat: 'sched', args: this.at(args) };
    this.emit(ev, this.made++, link && this.previous(link));
  }

  /** Open a state slice on an M or P track (closing what was open there). */
  private stateOpen(pid: number, tid: number, name: string): void {
    this.stateClose(pid, tid);
    (pid === PID_M ? this.ms : this.ps).add(tid);
    this.states.set(`${pid}:${tid}`, { name, start: this.now(), insns: this.opts.insns?.() });
  }

  private stateClose(pid: number, tid: number): void {
    const key = `${pid}:${tid}`;
    const s = this.states.get(key);
    if (!s) return;
    this.states.delete(key);
    const ev: TraceEvent = { name: s.name, ph: 'X', pid, tid, ts: us(s.start), dur: us(this.now() - s.start), cat: 'mp' };
    if (this.opts.insns) ev.args = { insns: s.insns, endInsns: this.opts.insns() };
    this.emit(ev, this.made++, undefined);
  }

  /** An instant event on a given track. */
  private mark(pid: number, tid: number, name: string, args: Record<string, unknown>): void {
    (pid === PID_M ? this.ms : this.ps).add(tid);
    this.emit({ name, ph: 'i', s: 't', pid, tid, ts: us(this.now()), cat: 'mp', args: this.at(args) }, this.made++, undefined);
  }

  private close(m: number, reason: string): void {
    const s = this.open.get(m);
    if (!s) return;
    this.open.delete(m);
    const end = this.now();
    const args: Record<string, unknown> = { goid: s.goid, until: reason };
    if (this.opts.insns) Object.assign(args, { insns: s.insns, endInsns: this.opts.insns() });
    const slice = (pid: number, tid: number): TraceEvent => ({ name: s.name, ph: 'X', pid, tid, ts: us(s.start), dur: us(end - s.start), cat: 'goroutine', args: { ...args } });
    const evs = [slice(PID_M, s.m)];
    if (s.p >= 0) evs.push(slice(PID_P, s.p));
    for (const ev of evs) {
      const order = this.made++;
      if (s.cell.link) this.emit(ev, order, s.cell.link);
      else s.cell.waiting.push({ ev, order });
    }
  }

  private onEvent(e: ProcessEvent): void {
    const rt = this.rt;
    switch (e.kind) {
      case 'execute': {
        this.close(e.m, 'preempted by the scheduler');
        this.ms.add(e.m);
        this.ps.add(e.p);
        const startpc = rt.g(e.g).startpc;
        const name = `G${e.goid} ${rt.machine.describe(startpc).replace(/\+0$/, '')}`;
        const cell: NextCell = { kinds: ['gogo'], waiting: [] };
        this.pendingNext.push(cell);
        this.open.set(e.m, { goid: e.goid, name, m: e.m, p: e.p, start: this.now(), cell, insns: this.opts.insns?.() });
        break;
      }
      case 'gostatus': {
        const { m } = this.where();
        if (e.from === 2 /* _Grunning */) {
          const why = e.to === 4 ? `park: ${e.reason}` : e.reason === 'Gosched' ? 'Gosched' : `status ${e.to}`;
          this.close(m, why);
          this.instant(`G${e.goid} ${why}`, { goid: e.goid, reason: e.reason ?? '' }, ['mcall']);
        } else if (e.to === 1 /* _Grunnable */) {
          this.instant(`ready G${e.goid}`, { goid: e.goid });
        }
        break;
      }
      case 'goexit': {
        const { m } = this.where();
        this.close(m, 'goexit');
        this.instant(`G${e.goid} exits`, { goid: e.goid }, ['mcall']);
        break;
      }
      case 'gocreate':
        this.instant(`go G${e.goid}`, { goid: e.goid, parent: e.parent, startpc: rt.machine.describe(e.startpc) });
        break;
      case 'stackgrow':
        this.instant(`G${e.goid} stack ${e.oldSize} -> ${e.newSize}`, { goid: e.goid, oldSize: e.oldSize, newSize: e.newSize }, ['morestack', 'morestack_noctxt']);
        break;
      case 'exit':
        for (const m of [...this.open.keys()]) this.close(m, `exit(${e.code})`);
        break;
      // ---- Ms and Ps ----
      case 'spinning':
        if (e.spinning) this.stateOpen(PID_M, e.m, 'spinning');
        else this.stateClose(PID_M, e.m);
        break;
      case 'stopm':
        this.stateOpen(PID_M, e.m, e.locked ? 'idle (stoplockedm)' : 'idle (stopm)');
        break;
      case 'acquirep':
        this.stateClose(PID_M, e.m);
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

  /** Close what is still open (end of the run) and flush events whose link never came. */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (const m of [...this.open.keys()]) this.close(m, 'end of run');
    for (const k of [...this.states.keys()]) {
      const [pid, tid] = k.split(':').map(Number) as [number, number];
      this.stateClose(pid, tid);
    }
    for (const c of this.pendingNext) for (const w of c.waiting) this.emit(w.ev, w.order, undefined);
    this.pendingNext = [];
  }

  private meta(): TraceEvent[] {
    return [
      { name: 'process_name', ph: 'M', pid: PID_M, tid: 0, args: { name: `${this.title}: Ms (threads)` } },
      { name: 'process_name', ph: 'M', pid: PID_P, tid: 0, args: { name: `${this.title}: Ps (processors)` } },
      ...[...this.ms].sort().map((m): TraceEvent => ({ name: 'thread_name', ph: 'M', pid: PID_M, tid: m, args: { name: `M${m}` } })),
      ...[...this.ps].sort().map((p): TraceEvent => ({ name: 'thread_name', ph: 'M', pid: PID_P, tid: p, args: { name: `P${p}` } })),
    ];
  }

  private otherData(): TraceFile['otherData'] {
    return { generator: 'gogo-emu', clock: 'modeled cycles at 1 GHz (1 us = 1000 cycles)', switchRecords: String(this.records) };
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
