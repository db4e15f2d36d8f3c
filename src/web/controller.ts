// One page's program: the recorded run (its timeline and switches) and a live
// Session with replay that the page's commands drive. Commands run one at a
// time, in order; pause() acts at once on a run in progress. Every command
// answers with the view of where the session stopped (views.ts).
import { basename } from 'node:path';
import { archByName } from '../arch/index.ts';
import { GogoError, UserError } from '../engine/errors.ts';
import { atHostSlot, reverseStep } from '../gdb/reverse.ts';
import { Session, type StopResult } from '../session/session.ts';
import type { ArchName, Command, ExportData, ProgramInfo, Reply, SwitchMark, ViewState } from './protocol.ts';
import { recordProgram, sessionOptions, type Recording } from './recording.ts';
import { switchAt, ViewBuilder } from './views.ts';

export interface ProgramSettings {
  file: string;
  source: string;
  arch: ArchName;
  gomaxprocs: number | null;
  seed: number;
}

/** Instructions a live session may run (a runaway program stops there). */
export const LIVE_BUDGET = 200_000_000;

/** `file:line:col: message` of a compile error. */
export function errorPosition(message: string): { line?: number; col?: number } {
  const m = /^[^:\n]*?:(\d+):(?:(\d+):)? /.exec(message);
  if (!m) return {};
  return m[2] ? { line: Number(m[1]), col: Number(m[2]) } : { line: Number(m[1]) };
}

export class Controller {
  private session: Session | undefined;
  private rec: Recording | undefined;
  private views: ViewBuilder | undefined;
  private settings: ProgramSettings;
  private lastStop: StopResult | undefined;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    initial: ProgramSettings,
    private readonly send: (r: Reply) => void,
  ) {
    this.settings = initial;
  }

  /** Take a command: pause at once, the others in turn. */
  handle(c: Command): void {
    if (c.cmd === 'pause') {
      this.session?.pause();
      return;
    }
    this.queue = this.queue.then(() => this.run(c)).catch((e) => this.send({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
  }

  /** Wait for the commands taken so far (tests). */
  idle(): Promise<void> {
    return this.queue;
  }

  private async run(c: Command): Promise<void> {
    if (this.closed) return;
    if (c.cmd === 'load') {
      await this.load({
        ...this.settings,
        ...(c.source !== undefined ? { source: c.source } : {}),
        ...(c.arch ? { arch: c.arch } : {}),
        ...(c.gomaxprocs !== undefined ? { gomaxprocs: c.gomaxprocs } : {}),
        ...(c.seed !== undefined ? { seed: c.seed } : {}),
      });
      return;
    }
    const s = this.session;
    if (!s) throw new UserError('no program is loaded');
    let stop: StopResult;
    switch (c.cmd) {
      case 'run':
        this.send({ type: 'busy', what: 'running' });
        stop = await s.runUntil();
        break;
      case 'stepi': {
        const t = s.threadList().find((x) => x.current)?.id ?? 0;
        // a host function's slot is no instruction of the program: one step
        // runs the whole host call (as gdb's stub steps), and a step that
        // lands on a slot goes on through it
        stop = atHostSlot(s, t) ? await s.runUntil({ threadAt: t }) : await s.step(1, { thread: t });
        if (stop.reason === 'step' && s.process.threads.all[t]?.state === 'runnable' && atHostSlot(s, t)) stop = await s.runUntil({ threadAt: t });
        break;
      }
      case 'nextSwitch': {
        const filter: { kind?: typeof c.kind; goid?: number } = {};
        if (c.kind) filter.kind = c.kind;
        if (c.goid !== undefined) filter.goid = c.goid;
        this.send({ type: 'busy', what: 'running to the next switch' });
        stop = await s.runUntil({ switch: filter });
        break;
      }
      case 'backi': {
        const t = s.threadList().find((x) => x.current)?.id ?? 0;
        if (s.process.threads.all[t]!.insns === 0) stop = await s.replayTo(0);
        else {
          await reverseStep(s, t);
          stop = this.here(s, 'step');
        }
        break;
      }
      case 'backSwitch': {
        const marks = this.rec!.switches;
        const i = switchAt(marks, s.insns - 1);
        stop = i < 0 ? await s.replayTo(0) : await this.toSwitch(s, marks[i]!);
        break;
      }
      case 'jump': {
        const mark = c.seq !== undefined ? this.rec!.switches.find((m) => m.seq === c.seq) : undefined;
        stop = mark ? await this.toSwitch(s, mark) : await s.replayTo(Math.max(0, Math.min(c.insns, this.rec!.end)));
        break;
      }
      case 'restart':
        stop = await s.replayTo(0);
        break;
      default:
        throw new UserError(`unknown command ${(c as { cmd: string }).cmd}`);
    }
    this.lastStop = stop;
    this.send({ type: 'state', state: this.view() });
  }

  /** The position as a stop result (after a reverse step, which returns none). */
  private here(s: Session, reason: StopResult['reason']): StopResult {
    const t = s.threadList().find((x) => x.current) ?? s.threadList()[0]!;
    return { reason, insns: s.insns, pc: Number(s.registers({ thread: t.id, names: [s.arch.pcReg] })[s.arch.pcReg]), thread: t.id };
  }

  /**
   * Replay to a switch of the recording: its stub's first instruction about
   * to run. Replaying to the count lands before any host call that comes
   * first (they are not counted), so land one instruction earlier and run to
   * the switch from there.
   */
  private async toSwitch(s: Session, m: SwitchMark): Promise<StopResult> {
    if (m.insns === 0) return s.replayTo(0);
    await s.replayTo(m.insns - 1);
    for (let i = 0; i < 8; i++) {
      const r = await s.runUntil({ switch: { kind: m.kind } });
      if (r.reason !== 'switch' || r.insns >= m.insns) return r;
    }
    return s.replayTo(m.insns);
  }

  private view(): ViewState {
    return this.views!.build(this.lastStop);
  }

  /** Record the program, boot a live session, send the program and the first view. */
  async load(p: ProgramSettings): Promise<void> {
    this.send({ type: 'busy', what: 'compiling and recording the run' });
    const arch = archByName(p.arch);
    const opts = sessionOptions(p.gomaxprocs, p.seed);
    const input = { file: p.file, source: p.source };
    let rec: Recording;
    let s: Session;
    try {
      rec = await recordProgram(input, arch, opts);
      s = await Session.create(input, arch, { ...opts, maxInsns: LIVE_BUDGET });
    } catch (e) {
      if (e instanceof UserError || (e instanceof GogoError && e.kind !== 'internal')) {
        this.send({ type: 'compileError', message: e.message, ...errorPosition(e.message) });
        return;
      }
      throw e;
    }
    this.session?.close();
    this.session = s;
    this.rec = rec;
    this.settings = p;
    this.views = new ViewBuilder(s, rec);
    this.lastStop = undefined;
    this.send({ type: 'program', program: this.info(), timeline: rec.timeline, switches: rec.switches });
    this.send({ type: 'state', state: this.view() });
  }

  info(): ProgramInfo {
    const p = this.settings;
    return { file: basename(p.file), source: p.source, arch: p.arch, gomaxprocs: p.gomaxprocs, seed: p.seed, end: this.rec!.end, ending: this.rec!.ending, truncated: this.rec!.truncated };
  }

  /**
   * The frames an exported page replays: the start, every switch of the
   * recording (at most `max`), and the end.
   */
  async exportData(max = 400): Promise<ExportData> {
    await this.queue;
    const s = this.session!;
    const rec = this.rec!;
    const frames: ViewState[] = [];
    this.lastStop = await s.replayTo(0);
    frames.push(this.view());
    for (const m of rec.switches.slice(0, max)) {
      this.lastStop = await this.toSwitch(s, m);
      frames.push(this.view());
    }
    this.lastStop = await s.runUntil();
    frames.push(this.view());
    return { program: { ...this.info(), exported: true }, timeline: rec.timeline, switches: rec.switches.slice(0, max), frames };
  }

  close(): void {
    this.closed = true;
    this.session?.pause();
    void this.queue.finally(() => this.session?.close());
  }
}

/** An archByName that names what is wrong in one line. */
export function checkArch(name: string): ArchName {
  if (name !== 'amd64' && name !== 'arm') throw new UserError(`--arch: expected amd64 or arm, not ${name}`);
  return name;
}
