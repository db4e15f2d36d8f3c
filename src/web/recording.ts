// The recorded run behind the web app's timeline: the program is run once to
// its end (or to a budget) with the switch recorder and the timeline
// recorder attached, stopping at every switching stub's entry to note the
// instruction count there. Runs are deterministic (same program, arch,
// GOMAXPROCS and seed: same instructions), so the counts hold for the live
// session the page steps through: a click on the timeline replays the live
// session to a count noted here.
import type { Arch } from '../arch/index.ts';
import { GogoError } from '../engine/errors.ts';
import { Session, type SessionOptions, type SwitchStub } from '../session/session.ts';
import type { SwitchRecord } from '../trace/record.ts';
import { SwitchRecorder } from '../trace/switches.ts';
import { PID_M, PID_P, TimelineRecorder, type TraceEvent } from '../trace/timeline.ts';
import type { SwitchMark, TimelineData, TimelineInstant, TimelineSlice, TimelineTrack } from './protocol.ts';

/** Instructions the recording runs at most (pingpong needs about 60,000; a teaching program a few million). */
export const RECORDING_BUDGET = 20_000_000;
/** Switch stops the recording notes at most. */
export const MAX_SWITCH_MARKS = 20_000;

export interface Recording {
  /** instruction count where the recording ended */
  end: number;
  ending: string;
  truncated: boolean;
  switches: SwitchMark[];
  /** the switch records by seq (every instruction of each switch) */
  records: Map<number, SwitchRecord>;
  timeline: TimelineData;
}

export interface RunInput {
  file: string;
  source: string;
}

/** Session options for a GOMAXPROCS (null: Go's default, the CPU count) and a seed. */
export function sessionOptions(gomaxprocs: number | null, seed: number): SessionOptions {
  const o: SessionOptions = { seed };
  if (gomaxprocs !== null) o.gomaxprocsEnv = String(gomaxprocs);
  return o;
}

/** Run the program once, noting every switch and the timeline (see the file comment). Compile errors throw. */
export async function recordProgram(input: RunInput, arch: Arch, o: SessionOptions, budget = RECORDING_BUDGET): Promise<Recording> {
  let rec: SwitchRecorder | undefined;
  let tl: TimelineRecorder | undefined;
  const s = await Session.create(input, arch, {
    ...o,
    maxInsns: budget,
    replay: false,
    observe: (p) => {
      rec = new SwitchRecorder(p);
      tl = new TimelineRecorder(p, input.file, { insns: () => p.threads.totalInsns });
    },
  });
  const switches: SwitchMark[] = [];
  let ending = '';
  let truncated = false;
  try {
    for (;;) {
      let r;
      try {
        r = await s.runUntil({ switch: {} });
      } catch (e) {
        if (e instanceof GogoError) {
          ending = e.message;
          break;
        }
        throw e;
      }
      if (r.reason === 'switch' && r.switch) {
        // the recorder's hook on the stub's first instruction ran before the session's stopped the run: the switch is open
        const open = rec!.unfinished().find((x) => x.thread === r.thread + 1 && Number(x.entry.pc) === r.pc && x.insns === 1);
        const m: SwitchMark = { insns: r.insns, kind: r.switch.kind as SwitchStub };
        if (open) m.seq = open.seq;
        if (r.switch.from !== undefined) m.from = r.switch.from;
        if (r.switch.to !== undefined) m.to = r.switch.to;
        switches.push(m);
        if (switches.length >= MAX_SWITCH_MARKS) {
          truncated = true;
          ending = `the recording stopped after ${MAX_SWITCH_MARKS} switches`;
          break;
        }
        continue;
      }
      if (r.reason === 'exit') ending = `exited with status ${r.exitCode}`;
      else if (r.reason === 'budget') {
        truncated = true;
        ending = `the recording stopped at its budget of ${budget} instructions`;
      } else if (r.reason === 'parked') ending = 'every thread waits and nothing can wake one';
      else ending = r.error?.message ?? r.reason;
      break;
    }
    const records = new Map<number, SwitchRecord>();
    for (const r of [...rec!.records, ...rec!.unfinished()]) records.set(r.seq, r);
    return { end: s.insns, ending, truncated, switches, records, timeline: timelineData(tl!.toJSON().traceEvents) };
  } finally {
    rec?.dispose();
    tl?.dispose();
    s.close();
  }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/**
 * The Trace Event JSON as the page's tracks, slices and instants: its M and P
 * tracks (the page has no goroutine tracks and draws no flow arrows). A
 * goroutine run, on its P's track in the file, is drawn on the track of the
 * M that ran it too (args.m), in place of the file's "running on P<n>" span.
 */
export function timelineData(events: readonly TraceEvent[]): TimelineData {
  const tracks: TimelineTrack[] = [];
  const slices: TimelineSlice[] = [];
  const instants: TimelineInstant[] = [];
  const trackOf = (pid: number, tid: number) => `${pid === PID_M ? 'M' : 'P'}${tid}`;
  let end = 0;
  for (const e of events) {
    if (e.pid !== PID_M && e.pid !== PID_P) continue;
    if (e.ph === 'M') {
      if (e.name === 'thread_name') tracks.push({ id: trackOf(e.pid, e.tid), kind: e.pid === PID_M ? 'M' : 'P', label: String(e.args?.name ?? trackOf(e.pid, e.tid)) });
      continue;
    }
    if (e.ph === 's' || e.ph === 'f') continue;
    const a = e.args ?? {};
    const ts = e.ts ?? 0;
    end = Math.max(end, ts + (e.dur ?? 0));
    if (e.ph === 'X') {
      if (e.pid === PID_M && /^running on P\d+$/.test(e.name)) continue;
      const sl: TimelineSlice = { track: trackOf(e.pid, e.tid), name: e.name, ts, dur: e.dur ?? 0, cat: e.cat ?? '' };
      if (num(a.goid) !== undefined) sl.goid = num(a.goid);
      if (typeof a.until === 'string') sl.until = a.until;
      if (num(a.insns) !== undefined) sl.insns = num(a.insns);
      if (num(a.endInsns) !== undefined) sl.endInsns = num(a.endInsns);
      if (num(a.switch) !== undefined) sl.seq = num(a.switch);
      slices.push(sl);
      if (e.pid === PID_P && e.cat === 'goroutine' && num(a.m) !== undefined) slices.push({ ...sl, track: `M${num(a.m)}` });
    } else {
      const i: TimelineInstant = { track: trackOf(e.pid, e.tid), name: e.name, ts };
      if (num(a.insns) !== undefined) i.insns = num(a.insns);
      if (num(a.goid) !== undefined) i.goid = num(a.goid);
      if (num(a.switch) !== undefined) i.seq = num(a.switch);
      instants.push(i);
    }
  }
  const order = (t: TimelineTrack) => (t.kind === 'M' ? 0 : 1e6) + Number(t.id.slice(1));
  tracks.sort((a, b) => order(a) - order(b));
  return { tracks, slices, instants, end };
}
