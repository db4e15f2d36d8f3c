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
//     (`switch`: the record's seq, as `gogo-emu switches` prints it).
// Time is the virtual clock (modeled cycles at 1 GHz, so 1 cycle = 1 ns);
// Trace Event timestamps are microseconds.
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

interface OpenSlice {
  goid: number;
  name: string;
  m: number;
  p: number;
  start: number;
  /** index into the recorder's records where the gogo of this slice will appear */
  recordsBefore: number;
}

/** Records a running process's timeline; call toJSON() after the run. */
export class TimelineRecorder {
  private readonly events: TraceEvent[] = [];
  private readonly open = new Map<number, OpenSlice>(); // by M id
  /**
   * Events to link to a switch record: `at` is the number of records when the
   * event happened. execute precedes its gogo (search forward); a park, exit
   * or stack growth is reported after its mcall/morestack (search backward).
   */
  private readonly links: { ev: TraceEvent; kinds: SwitchKind[]; at: number; dir: 'next' | 'prev' }[] = [];
  private readonly ms = new Set<number>();
  private readonly ps = new Set<number>();
  private readonly recorder: SwitchRecorder;

  private readonly rt: Runtime;
  /** open state slices (spinning, idle) by track: `M3`, `P1` */
  private readonly states = new Map<string, { name: string; start: number }>();

  constructor(
    p: Process,
    private readonly title: string,
  ) {
    this.rt = p.rt;
    this.recorder = new SwitchRecorder(p, { steps: false });
    p.bus.on((e) => this.onEvent(e));
  }

  private now(): number {
    return this.rt.nanotime();
  }

  private where(): { m: number; p: number } {
    try {
      const m = this.rt.curm();
      return { m: m.id, p: m.p !== 0 ? this.rt.p(m.p).id : -1 };
    } catch {
      return { m: 0, p: -1 };
    }
  }

  /** An instant event on the current M's track, linked to the next switch record of `link` kind. */
  private instant(name: string, args: Record<string, unknown>, link?: SwitchKind[]): void {
    const { m } = this.where();
    this.ms.add(m);
    const ev: TraceEvent = { name, ph: 'i', s: 't', pid: PID_M, tid: m, ts: us(this.now()), cat: 'sched', args };
    this.events.push(ev);
    if (link) this.links.push({ ev, kinds: link, at: this.recorder.records.length, dir: 'prev' });
  }

  /** Open a state slice on an M or P track (closing what was open there). */
  private stateOpen(pid: number, tid: number, name: string): void {
    this.stateClose(pid, tid);
    (pid === PID_M ? this.ms : this.ps).add(tid);
    this.states.set(`${pid}:${tid}`, { name, start: this.now() });
  }

  private stateClose(pid: number, tid: number): void {
    const key = `${pid}:${tid}`;
    const s = this.states.get(key);
    if (!s) return;
    this.states.delete(key);
    this.events.push({ name: s.name, ph: 'X', pid, tid, ts: us(s.start), dur: us(this.now() - s.start), cat: 'mp' });
  }

  /** An instant event on a given track. */
  private mark(pid: number, tid: number, name: string, args: Record<string, unknown>): void {
    (pid === PID_M ? this.ms : this.ps).add(tid);
    this.events.push({ name, ph: 'i', s: 't', pid, tid, ts: us(this.now()), cat: 'mp', args });
  }

  private close(m: number, reason: string): void {
    const s = this.open.get(m);
    if (!s) return;
    this.open.delete(m);
    const end = this.now();
    const args = { goid: s.goid, until: reason };
    const slice = (pid: number, tid: number): TraceEvent => ({ name: s.name, ph: 'X', pid, tid, ts: us(s.start), dur: us(end - s.start), cat: 'goroutine', args: { ...args } });
    const onM = slice(PID_M, s.m);
    this.events.push(onM);
    this.links.push({ ev: onM, kinds: ['gogo'], at: s.recordsBefore, dir: 'next' });
    if (s.p >= 0) {
      const onP = slice(PID_P, s.p);
      this.events.push(onP);
      this.links.push({ ev: onP, kinds: ['gogo'], at: s.recordsBefore, dir: 'next' });
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
        this.open.set(e.m, { goid: e.goid, name, m: e.m, p: e.p, start: this.now(), recordsBefore: this.recorder.records.length });
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

  /** Resolve the links to switch records and produce the Trace Event JSON. */
  toJSON(): TraceFile {
    for (const m of [...this.open.keys()]) this.close(m, 'end of run');
    for (const k of [...this.states.keys()]) {
      const [pid, tid] = k.split(':').map(Number) as [number, number];
      this.stateClose(pid, tid);
    }
    const records: SwitchRecord[] = this.recorder.records;
    for (const l of this.links) {
      const r = l.dir === 'next' ? records.slice(l.at).find((x) => l.kinds.includes(x.kind)) : records.slice(0, l.at).findLast((x) => l.kinds.includes(x.kind));
      if (r) l.ev.args = { ...l.ev.args, switch: r.seq, stub: r.stub };
    }
    const meta: TraceEvent[] = [
      { name: 'process_name', ph: 'M', pid: PID_M, tid: 0, args: { name: `${this.title}: Ms (threads)` } },
      { name: 'process_name', ph: 'M', pid: PID_P, tid: 0, args: { name: `${this.title}: Ps (processors)` } },
      ...[...this.ms].sort().map((m): TraceEvent => ({ name: 'thread_name', ph: 'M', pid: PID_M, tid: m, args: { name: `M${m}` } })),
      ...[...this.ps].sort().map((p): TraceEvent => ({ name: 'thread_name', ph: 'M', pid: PID_P, tid: p, args: { name: `P${p}` } })),
    ];
    const body = [...this.events].sort((a, b) => a.ts! - b.ts!);
    return {
      traceEvents: [...meta, ...body],
      displayTimeUnit: 'ns',
      otherData: { generator: 'gogo-emu', clock: 'modeled cycles at 1 GHz (1 us = 1000 cycles)', switchRecords: String(records.length) },
    };
  }

  dispose(): void {
    this.recorder.dispose();
  }
}
