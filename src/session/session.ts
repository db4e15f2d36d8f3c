// A Session: one run of a program as an object that can be run to a stop
// condition, stepped, paused from another async context, inspected (every
// thread's registers, memory), snapshotted, restored and replayed to an
// exact instruction count (DESIGN.md, "Layout": src/session). It drives a
// Process (process.ts) through the OS layer's run-control primitives
// (Threads.advance, stopNow, stopSoon) and never changes what runs: a run
// cut into any number of pieces executes exactly the instructions of one
// uncut run, so instruction counts, cycles, output and events are the same
// whichever way it was driven.
//
// Instruction count. `insns` (and every `instructions` target, replayTo,
// StopResult.insns) is the global count the thread layer keeps and
// `gogo-emu run` reports: instructions executed in the text region (the
// stubs and the program) over all threads. The one instruction of a host
// slot that each host call executes is not counted. A stop at count N is the
// first moment the count is N: right after the N-th text instruction,
// before anything (a host call included) runs after it.
//
// How a run stops:
// - instruction targets (instructions, step, replay, automatic snapshots)
//   bound each engine run (threads.ts, advance), so they land exactly;
// - breakpoints, runUntil addresses/symbols and switches are code hooks on
//   their addresses (one per address, shared by every condition on it) that
//   stop *before* the instruction runs; on a host slot, the host registry
//   asks before calling (HostRegistry.interceptCall). Resuming does not stop
//   again at the instruction the current thread stands on;
// - an event stops the run at the next point it can resume from: before the
//   next block of text after the host call or system call that emitted it;
// - pause() from another async context: the run works in chunks of
//   CHUNK_INSNS engine instructions and yields to Node's event loop at least
//   every YIELD_MS, so a timer or a socket handler gets to run and ask.
//
// Snapshots (snapshot/restore) hold the whole run: the arena (dirty pages
// since the previous snapshot, src/engine), every thread's registers and the
// CPU, the timeline (Threads.capture), the runtime's TypeScript state
// (Runtime.capture: allgs, allm, allp, parked-goroutine records, output,
// allocators ...), the host registry's call count and the bus's next
// sequence number. Subscribers of the bus (src/trace) are not run state:
// after a restore they see the run go on from there.
//
// Replay: with `replay` on (the default), the session keeps a snapshot at
// instruction 0 and one every `snapshotEvery` instructions
// (AUTO_SNAPSHOT_EVERY by default); replayTo(n) restores the latest one at
// or before n (or runs on from where it is, when that is nearer) and runs to
// exactly n. Writing registers or memory starts a new history from that
// point: snapshots after it are dropped and the next run begins with one.
import type { Arch } from '../arch/index.ts';
import type { Disposable } from '../engine/engine.ts';
import { EmulationFault, GogoError, UserError } from '../engine/errors.ts';
import type { ArenaSnapshot } from '../engine/snapshot.ts';
import { PAGE } from '../engine/arena.ts';
import type { HostRegistryState } from '../os/host.ts';
import { REGIONS } from '../os/memmap.ts';
import { BudgetExceeded, type AdvanceLimits, type AdvanceResult, type Thread, type ThreadsData, type ThreadState } from '../os/threads.ts';
import { reportCrash } from '../runtime/crash.ts';
import type { ProcessEvent } from '../runtime/events.ts';
import type { RuntimeState } from '../runtime/runtime.ts';
import type { ProcessBus } from './bus.ts';
import { AllParked, pipeHang, Process, type BootOptions, type ProcessResult, type ProgramImage } from './process.ts';
import { loadProgram, programFromSource } from './program.ts';

/**
 * Instructions between automatic snapshots (replay). The emulator runs 1-15
 * million instructions a second (goroutine-heavy code is the slow end), so
 * a replayTo or a step back re-runs at most about a second, usually much
 * less. A snapshot costs a millisecond or two plus the copy of the pages
 * written since the previous one (tools/bench-snapshot-session.ts: 1.3 ms
 * for a channel ping-pong, 8-10 ms after 10,000 goroutines ran); the first
 * one, which starts dirty-page tracking, 15-70 ms. Measured over whole runs:
 * 0.7-3% of a 100,000-round-trip ping-pong, 5-10% of the short
 * goroutine-heavy programs. Every automatic snapshot is kept (memory grows
 * with the pages each interval writes).
 */
export const AUTO_SNAPSHOT_EVERY = 1_000_000;
/** Engine instructions per run chunk: a pause takes effect within one chunk. */
export const CHUNK_INSNS = 50_000;
/** The run yields to Node's event loop at least this often (milliseconds of wall time). */
export const YIELD_MS = 10;

/** The switching stubs whose entry a `switch` stop condition names (goexit_ret: the return into goexit+PCQuantum). */
export const SWITCH_STUBS = {
  gogo: 'runtime.gogo',
  mcall: 'runtime.mcall',
  systemstack: 'runtime.systemstack',
  morestack: 'runtime.morestack',
  morestack_noctxt: 'runtime.morestack_noctxt',
  mstart: 'runtime.mstart',
  goexit_ret: 'runtime.goexit',
} as const;

export type SwitchStub = keyof typeof SWITCH_STUBS;

export interface SwitchFilter {
  /** only these stubs (default: every one) */
  kind?: SwitchStub | readonly SwitchStub[];
  /** only switches from or to goroutine goid (gogo: its target; others: the g that enters the stub) */
  goid?: number;
}

export type StopCondition =
  /** the global instruction count reaches n (see file comment) */
  | { instructions: number }
  /** before the instruction at an address runs */
  | { address: number }
  /** before the first instruction of a symbol (a TEXT block, a host function) runs */
  | { symbol: string }
  /** at the entry of a switching stub, before its first instruction */
  | { switch: SwitchFilter }
  /** right after the host call or system call that emitted an event the predicate accepts */
  | { event: (e: ProcessEvent, seq: number) => boolean }
  /**
   * before thread `threadAt` executes its next instruction in the text
   * region (at once if it is about to: use it to finish a host call the
   * thread stands at, or to wait for a thread another one runs before)
   */
  | { threadAt: number };

export type StopReason =
  /** a breakpoint, or a runUntil address or symbol */
  | 'breakpoint'
  /** a watchpoint: right after (or, as asked, right before) the instruction that accessed the watched memory */
  | 'watchpoint'
  /** step(): the thread executed its instructions */
  | 'step'
  /** an `instructions` target or replayTo */
  | 'instructions'
  | 'event'
  | 'switch'
  /** the process exited (also after a Go fatal error or panic: status 2) */
  | 'exit'
  /** an emulation fault (the faulting instruction did not run) */
  | 'fault'
  /** the session's instruction budget is used up */
  | 'budget'
  | 'paused'
  /** every thread waits and nothing can wake one */
  | 'parked';

export interface StopResult {
  reason: StopReason;
  /** the global instruction count */
  insns: number;
  /** the next instruction of the thread below */
  pc: number;
  /** the thread that was running (id; the main thread before anything ran) */
  thread: number;
  /** 'breakpoint': the breakpoint's id (none for a runUntil address or symbol) */
  breakpoint?: number;
  /** 'watchpoint': which one, and the access that hit it (the access's own address and size) */
  watchpoint?: { id: number; access: 'read' | 'write'; address: number; size: number };
  /** 'switch': which stub, and the goroutines it switches from and (gogo) to */
  switch?: { kind: SwitchStub; stub: string; from?: number; to?: number };
  /** 'event': the event and its sequence number */
  event?: { event: ProcessEvent; seq: number };
  /** 'exit': the status */
  exitCode?: number;
  /** 'fault', 'budget': what ended the run */
  error?: GogoError;
}

export interface Breakpoint {
  id: number;
  address: number;
  /** the symbol it was set on, if any */
  symbol?: string;
}

/** What a watchpoint watches for: stores, loads, or both. */
export type WatchKind = 'write' | 'read' | 'access';

export interface Watchpoint {
  id: number;
  address: number;
  length: number;
  kind: WatchKind;
  /** where a hit stops: right after the accessing instruction (default), or right before it, the access not made */
  stop: 'after' | 'before';
}

export interface ThreadInfo {
  /** index in the thread table (StopResult.thread, step's thread) */
  id: number;
  /** Linux thread id */
  tid: number;
  name: string;
  state: ThreadState;
  /** virtual clock (modeled cycles at 1 GHz) */
  clock: number;
  cycles: number;
  insns: number;
  /** the running thread */
  current: boolean;
  /** m.id of the M it runs */
  m?: number;
  /** goid of the g in its g register (0: g0) */
  goid?: number;
  g?: number;
}

export interface SessionOptions extends Omit<BootOptions, 'arch' | 'program'> {
  /** keep snapshots for replayTo / stepBack (default true; one-shot runs turn it off) */
  replay?: boolean;
  /** instructions between automatic snapshots (default AUTO_SNAPSHOT_EVERY; 0: only the one at instruction 0) */
  snapshotEvery?: number;
}

/** A program: a file to read, source text with a file name (.go or .s), or linked-ready blocks. */
export type ProgramInput = string | { file: string; source?: string } | { program: ProgramImage };

/** A whole run at one moment (Session.snapshot). Opaque; restore it with Session.restore. */
export interface SessionSnapshot {
  readonly insns: number;
  readonly arena: ArenaSnapshot;
  readonly threads: ThreadsData;
  readonly runtime: RuntimeState;
  readonly host: HostRegistryState;
  readonly bus: { seq: number };
  readonly session: { lastStop: StopResult | undefined; ended: StopResult | undefined; history: number };
  /** replay points of its history before it (see file comment) */
  readonly replayPoints: readonly SessionSnapshot[];
}

/** A stop point's hook (text) or none (host slot: HostRegistry.interceptCall asks), with its users. */
interface Point {
  hook: Disposable | undefined;
  users: number;
}

/** What a drive runs to, besides breakpoints. */
interface Target {
  insns?: number;
  thread?: { id: number; insns: number };
  /** the reason an instruction target reports */
  reason: 'instructions' | 'step';
  addresses: ReadonlySet<number>;
  switches: readonly SwitchFilter[];
  events: readonly ((e: ProcessEvent, seq: number) => boolean)[];
  /** stop before this thread's next text instruction */
  threadAt?: number;
  /** stop only at the instruction targets (replay) */
  exact?: boolean;
}

let historyIds = 0;

export class Session {
  private readonly points = new Map<number, Point>();
  private readonly bps = new Map<number, Breakpoint>();
  private readonly watches = new Map<number, { wp: Watchpoint; hooks: Disposable[] }>();
  /** the watchpoint hit being stopped at: the accessing instruction and the bytes its stores overwrote */
  private watchHit: { thread: number; pc: number; undo: { addr: number; old: Uint8Array }[] } | undefined;
  /** a watchpoint stopped before this instruction of this thread: the next run executes it first, unwatched */
  private resumeOver: { thread: number; pc: number } | undefined;
  /** while set, watchpoints ignore this instruction of this thread */
  private watchSuppress: { thread: number; pc: number } | undefined;
  private nextBp = 1;
  private readonly switchEntries = new Map<number, SwitchStub>();
  private started = false;
  private running = false;
  private pauseRequested = false;
  private target: Target | undefined;
  private pendingStop: Omit<StopResult, 'insns' | 'pc' | 'thread'> | undefined;
  /** the stop the current thread resumes from: its instruction does not stop the run again */
  private skip: { thread: number; pc: number } | undefined;
  private lastStop: StopResult | undefined;
  private ended: StopResult | undefined;
  /** replay points of the current history, by instruction count */
  private replayPoints: SessionSnapshot[] = [];
  /** which history the state belongs to (a write starts a new one) */
  private history = ++historyIds;
  /** a write started a new history: snapshot before the next run */
  private branchPending = false;
  private readonly unsubscribeRestore: () => void;

  private constructor(
    readonly process: Process,
    readonly arch: Arch,
    private readonly opts: SessionOptions,
  ) {
    const { machine, threads } = process;
    machine.host.interceptCall = (pc) => this.points.has(pc) && this.atPoint(pc);
    for (const [kind, sym] of Object.entries(SWITCH_STUBS) as [SwitchStub, string][]) {
      const a = machine.image.symbols.get(sym);
      if (a !== undefined) this.switchEntries.set(kind === 'goexit_ret' ? a + arch.pcQuantum : a, kind);
    }
    // a restore that rewrites code pages (a program that was patched) must drop the cycle model's blocks there
    this.unsubscribeRestore = machine.mem.onRestore((pages) => {
      for (const p of pages) {
        const addr = machine.mem.base + p * PAGE;
        if (addr < REGIONS.host.start + REGIONS.host.size) threads.codeChanged(addr, PAGE);
      }
    });
  }

  /** Compile or read the program and boot the process (nothing runs yet). */
  static async create(input: ProgramInput, arch: Arch, o: SessionOptions = {}): Promise<Session> {
    const program = await programOf(input, arch);
    const p = await Process.create({ ...o, arch, program });
    return new Session(p, arch, o);
  }

  get bus(): ProcessBus {
    return this.process.bus;
  }

  /** The global instruction count. */
  get insns(): number {
    return this.process.threads.totalInsns;
  }

  /** Whether a run is in progress (between its chunks, other async code runs). */
  get isRunning(): boolean {
    return this.running;
  }

  /** Output, status and totals so far (ProcessResult). */
  result(): ProcessResult {
    return this.process.result();
  }

  /** Begin the session: with replay, the snapshot at instruction 0. Every run starts it. */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.replayOn) this.replayPoints.push(this.capture());
  }

  private get replayOn(): boolean {
    return this.opts.replay !== false;
  }

  // ---- running ------------------------------------------------------------------------

  /** Run until any of the conditions holds, a breakpoint, the end of the run, the budget or pause(). */
  async runUntil(stop: StopCondition | readonly StopCondition[] = []): Promise<StopResult> {
    const conds = (Array.isArray(stop) ? stop : [stop]) as readonly StopCondition[];
    const t: Target = { reason: 'instructions', addresses: new Set(), switches: [], events: [] };
    const addresses = new Set<number>();
    const switches: SwitchFilter[] = [];
    const events: ((e: ProcessEvent, seq: number) => boolean)[] = [];
    for (const c of conds) {
      if ('instructions' in c) {
        if (c.instructions < this.insns) throw new UserError(`instruction ${c.instructions} is behind the current count ${this.insns} (use replayTo to go back)`);
        t.insns = Math.min(t.insns ?? Number.POSITIVE_INFINITY, c.instructions);
      } else if ('address' in c) addresses.add(c.address);
      else if ('symbol' in c) addresses.add(this.symbol(c.symbol));
      else if ('switch' in c) switches.push(c.switch);
      else if ('event' in c) events.push(c.event);
      else if ('threadAt' in c) {
        this.thread(c.threadAt);
        t.threadAt = c.threadAt;
      }
    }
    return this.drive({ ...t, addresses, switches, events });
  }

  /**
   * Run until thread `thread` (default: the current one) has executed n more
   * instructions. The other threads run in between as the timeline says:
   * stepping never changes the run. Breakpoints on the way stop it first.
   */
  async step(n = 1, o: { thread?: number } = {}): Promise<StopResult> {
    const t = this.thread(o.thread);
    return this.drive({ thread: { id: t.id, insns: t.insns + n }, reason: 'step', addresses: new Set(), switches: [], events: [] });
  }

  /**
   * Land exactly on global instruction count n: from the nearest replay
   * point at or before n, or from here when that is nearer. Breakpoints and
   * other conditions do not stop it.
   */
  async replayTo(n: number): Promise<StopResult> {
    if (!Number.isInteger(n) || n < 0) throw new UserError(`replayTo: ${n} is not an instruction count`);
    this.start();
    this.branchIfPending();
    const here = this.insns;
    const from = this.replayPoints.findLast((s) => s.insns <= n);
    if (n < here || (from && from.insns > here)) {
      if (!from) throw new UserError(`replayTo(${n}): no snapshot at or before instruction ${n} (the session was created with replay off)`);
      this.replayFrom(from);
    }
    return this.drive({ insns: n, reason: 'instructions', addresses: new Set(), switches: [], events: [], exact: true });
  }

  /**
   * Go back n instructions: of the whole run (global count), or with
   * `thread`, of that thread (to the first moment it had executed n fewer:
   * right after its instruction before them, as reverse-stepi wants).
   */
  async stepBack(n = 1, o: { thread?: number } = {}): Promise<StopResult> {
    if (o.thread === undefined) return this.replayTo(Math.max(0, this.insns - n));
    const t = this.thread(o.thread);
    const want = Math.max(0, t.insns - n);
    this.start();
    this.branchIfPending();
    // the latest point before the thread's instruction number `want` (or before the thread existed)
    const before = (s: SessionSnapshot) => {
      const d = s.threads.threads[t.id];
      return d === undefined || d.insns < want || (want === 0 && d.insns === 0);
    };
    const from = this.replayPoints.findLast((s) => s.insns <= this.insns && before(s));
    if (!from) throw new UserError('stepBack: no snapshot to go back from (the session was created with replay off)');
    this.replayFrom(from);
    const id = t.id;
    return this.drive({ thread: { id, insns: want }, reason: 'step', addresses: new Set(), switches: [], events: [], exact: true });
  }

  /** Ask a run in progress to stop (from a timer, a socket handler ...). False when none is running. */
  pause(): boolean {
    if (!this.running) return false;
    this.pauseRequested = true;
    return true;
  }

  private async drive(target: Target): Promise<StopResult> {
    if (this.running) throw new Error('the session is already running (pause it first)');
    this.start();
    this.branchIfPending();
    if (this.ended) return this.ended;
    const { threads } = this.process;
    this.running = true;
    this.pauseRequested = false;
    this.target = target;
    const temp = [...target.addresses];
    if (target.switches.length) temp.push(...this.switchEntries.keys());
    if (target.exact) temp.length = 0;
    for (const a of temp) this.addPoint(a);
    const unsubscribe = target.events.length ? this.bus.on((e, seq) => this.onEvent(e, seq)) : undefined;
    const threadHook = target.threadAt !== undefined && !target.exact ? this.hookThreadAt(target.threadAt) : undefined;
    const cur = threads.current;
    this.skip = undefined;
    if (this.lastStop && cur && cur.state === 'runnable') {
      const pc = this.pcOf(cur);
      if (this.points.has(pc)) this.skip = { thread: cur.id, pc };
    }
    let lastYield = performance.now();
    try {
      const over = this.resumeOver;
      this.resumeOver = undefined;
      if (over && !target.exact) {
        const t = threads.all[over.thread];
        if (t && t.state === 'runnable' && this.pcOf(t) === over.pc) {
          const early = this.stepUnwatched(over);
          if (early) return early;
        }
      }
      for (;;) {
        const every = this.opts.snapshotEvery ?? AUTO_SNAPSHOT_EVERY;
        const nextAuto = this.replayOn && every > 0 ? (Math.floor(this.insns / every) + 1) * every : Number.POSITIVE_INFINITY;
        const limits: AdvanceLimits = { chunk: CHUNK_INSNS, thread: target.thread };
        const lim = Math.min(target.insns ?? Number.POSITIVE_INFINITY, nextAuto);
        if (lim !== Number.POSITIVE_INFINITY) limits.insns = lim;
        let r: AdvanceResult;
        try {
          r = threads.advance(limits);
        } catch (e) {
          return this.crashed(e);
        }
        switch (r) {
          case 'exit':
          case 'all-parked':
          case 'budget':
            return this.endOf(r)!;
          case 'stopped': {
            const p = this.pendingStop;
            this.pendingStop = undefined;
            if (p?.reason === 'watchpoint') return this.watchStop(p);
            if (p) return this.stopped(p);
            break;
          }
          case 'thread-insns':
            return this.stopped({ reason: target.reason });
          case 'insns':
            if (this.insns === nextAuto) this.autoSnapshot();
            if (target.insns !== undefined && this.insns >= target.insns) return this.stopped({ reason: target.reason });
            break;
          case 'chunk':
            break;
        }
        if (this.pauseRequested) return this.stopped({ reason: 'paused' });
        if (performance.now() - lastYield >= YIELD_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = performance.now();
          if (this.pauseRequested) return this.stopped({ reason: 'paused' });
        }
      }
    } finally {
      for (const a of temp) this.dropPoint(a);
      threadHook?.dispose();
      unsubscribe?.();
      this.target = undefined;
      this.pendingStop = undefined;
      this.skip = undefined;
      this.running = false;
    }
  }

  /** How an advance that ran on its own ends: undefined when it merely reached its limit. */
  private endOf(r: AdvanceResult): StopResult | undefined {
    switch (r) {
      case 'exit':
        return this.end({ reason: 'exit', exitCode: this.process.rt.exitCode ?? 0 });
      case 'all-parked':
        return this.stopped({ reason: 'parked' });
      case 'budget': {
        const pc = this.stopPc();
        return this.stopped({ reason: 'budget', error: new BudgetExceeded(this.opts.maxInsns!, pc, this.process.machine.describe(pc)) });
      }
      default:
        return undefined;
    }
  }

  /** A run ended by a throw: Go's fatal errors and panics end the process (status 2); a fault ends the session; anything else is rethrown. */
  private crashed(e: unknown): StopResult {
    const { rt } = this.process;
    if (reportCrash(rt, e)) return this.end({ reason: 'exit', exitCode: rt.exitCode ?? 2 });
    if (e instanceof EmulationFault) return this.end({ reason: 'fault', error: e });
    throw e;
  }

  private end(s: Omit<StopResult, 'insns' | 'pc' | 'thread'>): StopResult {
    const r = this.stopped(s);
    this.ended = r;
    return r;
  }

  private stopped(s: Omit<StopResult, 'insns' | 'pc' | 'thread'>): StopResult {
    const r: StopResult = { ...s, insns: this.insns, pc: this.stopPc(), thread: this.thread().id };
    this.lastStop = r;
    return r;
  }

  /** PC of the current thread (the CPU's, for a thread that just exited). */
  private stopPc(): number {
    const t = this.thread();
    return t.state === 'exited' ? this.process.machine.engine.pc : this.pcOf(t);
  }

  private pcOf(t: Thread): number {
    const { engine } = this.process.machine;
    return this.process.threads.withRegisters(t, () => engine.pc);
  }

  // ---- stop points: breakpoints, addresses, switches, events ---------------------------

  private addPoint(addr: number): void {
    const p = this.points.get(addr);
    if (p) {
      p.users++;
      return;
    }
    const { engine, host } = this.process.machine;
    if (host.nameAt(addr) !== undefined) {
      if ((addr - host.base) % 16 !== 0) throw new UserError(`0x${addr.toString(16)} is inside a host function's slot, not at its start`);
      this.points.set(addr, { hook: undefined, users: 1 });
      return;
    }
    const hook = engine.hookCode(addr, addr, (pc) => {
      this.atPoint(pc);
    });
    // a hook reaches code translated before it only once that code is translated again
    engine.invalidateCode(addr, 1);
    this.points.set(addr, { hook, users: 1 });
  }

  private dropPoint(addr: number): void {
    const p = this.points.get(addr);
    if (!p || --p.users > 0) return;
    this.points.delete(addr);
    if (p.hook) {
      p.hook.dispose();
      this.process.machine.engine.invalidateCode(addr, 1);
    }
  }

  /** A stop point's hook, before the instruction at pc runs: stop there if a condition holds. True if stopping. */
  private atPoint(pc: number): boolean {
    if (!this.running || this.pendingStop) return false;
    const { threads } = this.process;
    const t = threads.current;
    if (this.skip && t?.id === this.skip.thread && pc === this.skip.pc) {
      this.skip = undefined;
      return false;
    }
    const target = this.target!;
    if (target.exact) return false;
    const why = this.matchPoint(pc, target);
    if (!why) return false;
    this.pendingStop = why;
    threads.stopNow();
    return true;
  }

  private matchPoint(pc: number, target: Target): Omit<StopResult, 'insns' | 'pc' | 'thread'> | undefined {
    for (const bp of this.bps.values()) if (bp.address === pc) return { reason: 'breakpoint', breakpoint: bp.id };
    if (target.addresses.has(pc)) return { reason: 'breakpoint' };
    const kind = this.switchEntries.get(pc);
    if (kind && target.switches.length) {
      const { from, to } = this.switchGoids(kind);
      const ok = target.switches.some((f) => {
        const kinds = f.kind === undefined ? undefined : typeof f.kind === 'string' ? [f.kind] : f.kind;
        if (kinds && !kinds.includes(kind)) return false;
        return f.goid === undefined || f.goid === from || f.goid === to;
      });
      if (ok) return { reason: 'switch', switch: { kind, stub: SWITCH_STUBS[kind], from, to } };
    }
    return undefined;
  }

  /** At a switching stub's entry: the goroutine entering it and, for gogo, the one gobuf.g names. */
  private switchGoids(kind: SwitchStub): { from?: number; to?: number } {
    const { rt, machine } = this.process;
    const goid = (g: number) => (g !== 0 && rt.mem.contains(g, rt.L.sizes.g) ? rt.g(g).goid : undefined);
    const from = goid(this.arch.getg(machine.engine, rt.mem));
    if (kind !== 'gogo') return { from };
    const buf = Number(this.arch.arg(machine.engine, rt.mem, 'abi0', 0));
    const to = rt.mem.contains(buf + rt.L.off.gobuf.g, this.arch.ptrSize) ? goid(rt.mem.ptr(buf + rt.L.off.gobuf.g)) : undefined;
    return { from, to };
  }

  private onEvent(e: ProcessEvent, seq: number): void {
    const target = this.target;
    if (!target || this.pendingStop) return;
    if (target.events.some((p) => p(e, seq))) {
      this.pendingStop = { reason: 'event', event: { event: e, seq } };
      this.process.threads.stopSoon();
    }
  }

  /** Stop before the instruction at an address or a symbol's first instruction, in every run until removed. Returns its id. */
  addBreakpoint(where: number | string): number {
    const address = typeof where === 'string' ? this.symbol(where) : where;
    const id = this.nextBp++;
    const bp: Breakpoint = { id, address };
    if (typeof where === 'string') bp.symbol = where;
    this.addPoint(address);
    this.bps.set(id, bp);
    return id;
  }

  /**
   * Stop when an emulated instruction loads (read), stores (write) or does
   * either (access) any byte of [address, address+length), in every run
   * until removed (not in replays): right after that instruction, or with
   * `stop: 'before'` right before it (its access not made; resuming then
   * executes it without stopping there again). Memory hooks see the machine
   * code's accesses only: what the TypeScript runtime reads or writes
   * through the arena, and the return instruction of a host slot, do not
   * stop the run. Returns its id (breakpoints and watchpoints share the
   * numbering).
   *
   * How: Unicorn calls the hook before the access; a stop asked for there
   * ends the run right after the access, with PC still at the instruction
   * and its register updates not made (measured: a store is done, push and
   * post-indexed stores have not moved SP or the base register). The
   * session puts back the bytes the store overwrote, which leaves the
   * machine exactly before the instruction, then (for 'after') runs that
   * one instruction of that thread with the watchpoints looking away.
   */
  addWatchpoint(address: number, length: number, kind: WatchKind, o: { stop?: 'after' | 'before' } = {}): number {
    if (!Number.isSafeInteger(length) || length <= 0 || length > PAGE) throw new UserError(`a watchpoint covers 1 to ${PAGE} bytes, not ${length}`);
    const { engine, mem } = this.process.machine;
    if (!mem.contains(address, length)) throw new UserError(`0x${address.toString(16)} (+${length}) is outside emulated memory`);
    const id = this.nextBp++;
    // Unicorn matches an access by its first address: start the range early enough for a wide access that overlaps the front
    const lo = Math.max(0, address - 63);
    const hi = address + length - 1;
    const hit = (access: 'read' | 'write') => (a: number, size: number) => {
      if (a + size > address && a < address + length) this.atWatch(id, access, a, size);
    };
    const hooks: Disposable[] = [];
    if (kind !== 'read') hooks.push(engine.hookMemWrite(lo, hi, hit('write')));
    if (kind !== 'write') hooks.push(engine.hookMemRead(lo, hi, hit('read')));
    this.watches.set(id, { wp: { id, address, length, kind, stop: o.stop ?? 'after' }, hooks });
    return id;
  }

  removeWatchpoint(id: number): boolean {
    const w = this.watches.get(id);
    if (!w) return false;
    this.watches.delete(id);
    for (const h of w.hooks) h.dispose();
    return true;
  }

  watchpoints(): Watchpoint[] {
    return [...this.watches.values()].map((w) => ({ ...w.wp }));
  }

  /**
   * A code hook over the linked text for a `threadAt` condition: stop before
   * the thread's next instruction there. Code translated before the hook
   * is dropped so that it sees every instruction; again when it goes.
   */
  private hookThreadAt(id: number): Disposable {
    const { engine, image, threads } = { ...this.process.machine, threads: this.process.threads };
    const hook = engine.hookCode(image.base, image.end - 1, () => {
      if (!this.running || this.pendingStop || threads.current?.id !== id) return;
      this.pendingStop = { reason: 'step' };
      threads.stopNow();
    });
    engine.invalidateCode(image.base, image.end - image.base);
    return {
      dispose() {
        hook.dispose();
        engine.invalidateCode(image.base, image.end - image.base);
      },
    };
  }

  /** A watchpoint's memory hook, before the access: stop the run right after it (see addWatchpoint). */
  private atWatch(id: number, access: 'read' | 'write', address: number, size: number): void {
    if (!this.running || this.pendingStop || this.target?.exact) return;
    const { threads, machine } = this.process;
    const t = threads.current;
    const pc = machine.engine.pc;
    if (!t || (pc >= REGIONS.host.start && pc < REGIONS.host.start + REGIONS.host.size)) return;
    const sup = this.watchSuppress;
    if (sup && sup.thread === t.id && sup.pc === pc) return;
    const undo = access === 'write' ? [{ addr: address, old: machine.mem.read(address, size) }] : [];
    this.watchHit = { thread: t.id, pc, undo };
    this.pendingStop = { reason: 'watchpoint', watchpoint: { id, access, address, size } };
    threads.stopNow();
  }

  /**
   * Run one instruction of a thread with watchpoints and breakpoints looking
   * away (the instruction a watchpoint stopped at). Returns what ended the
   * run early, or undefined once it ran.
   */
  private stepUnwatched(at: { thread: number; pc: number }): StopResult | undefined {
    const { threads } = this.process;
    const t = threads.all[at.thread]!;
    const saved = this.target;
    this.target = { reason: 'step', addresses: new Set(), switches: [], events: [], exact: true };
    this.watchSuppress = at;
    let r: AdvanceResult;
    try {
      r = threads.advance({ thread: { id: t.id, insns: t.insns + 1 } });
    } catch (e) {
      return this.crashed(e);
    } finally {
      this.watchSuppress = undefined;
      this.target = saved;
    }
    return this.endOf(r);
  }

  /** A watchpoint's stop, once the run stopped (see addWatchpoint). */
  private watchStop(p: Omit<StopResult, 'insns' | 'pc' | 'thread'>): StopResult {
    const hit = this.watchHit!;
    this.watchHit = undefined;
    const { mem } = this.process.machine;
    for (const u of hit.undo.reverse()) mem.write(u.addr, u.old);
    const w = this.watches.get(p.watchpoint!.id);
    if (w?.wp.stop === 'before') {
      this.resumeOver = { thread: hit.thread, pc: hit.pc };
      return this.stopped(p);
    }
    return this.stepUnwatched(hit) ?? this.stopped(p);
  }

  removeBreakpoint(id: number): boolean {
    const bp = this.bps.get(id);
    if (!bp) return false;
    this.bps.delete(id);
    this.dropPoint(bp.address);
    return true;
  }

  breakpoints(): Breakpoint[] {
    return [...this.bps.values()].map((b) => ({ ...b }));
  }

  /** The address of a symbol: a TEXT block, a host function or a data symbol. */
  symbol(name: string): number {
    try {
      return this.process.machine.sym(name);
    } catch {
      throw new UserError(`unknown symbol ${name}`);
    }
  }

  // ---- threads, registers, memory -----------------------------------------------------------

  /** Thread `id`, or the current thread (the main thread before anything ran). */
  private thread(id?: number): Thread {
    const { threads } = this.process;
    const t = id === undefined ? (threads.current ?? threads.all[0]) : threads.all[id];
    if (!t) throw new UserError(id === undefined ? 'the process has no thread' : `no thread ${id}`);
    return t;
  }

  /** A thread that has registers (not exited). */
  private live(id?: number): Thread {
    const t = this.thread(id);
    if (t.state === 'exited') throw new UserError(`thread ${t.id} (${t.name}) has exited: it has no registers`);
    return t;
  }

  /** Every thread: id, Linux tid, name, state, clock, counts, its M and the goroutine in its g register. */
  threadList(): ThreadInfo[] {
    const { threads, rt, machine } = this.process;
    return threads.all.map((t) => {
      const info: ThreadInfo = { id: t.id, tid: t.tid, name: t.name, state: t.state, clock: t.clock, cycles: t.cycles, insns: t.insns, current: t === threads.current };
      const m = rt.mOfThread.get(t.id);
      if (m !== undefined) info.m = rt.m(m).id;
      if (t.state !== 'exited') {
        // before settls there is no g to read (amd64: FS_BASE is still 0)
        const g = threads.withRegisters(t, () => {
          try {
            return this.arch.getg(machine.engine, rt.mem);
          } catch {
            return 0;
          }
        });
        if (g !== 0 && rt.mem.contains(g, rt.L.sizes.g)) {
          info.g = g;
          info.goid = rt.g(g).goid;
        }
      }
      return info;
    });
  }

  /** Registers of a thread (default: the current one; a parked thread's from its saved context), by name (default: the arch's dump set). */
  registers(o: { thread?: number; names?: readonly string[] } = {}): Record<string, bigint> {
    const { engine } = this.process.machine;
    const names = o.names ?? this.arch.dumpRegs;
    return this.process.threads.withRegisters(this.live(o.thread), () => engine.regs(names));
  }

  /**
   * Registers by Unicorn id at any width, as little-endian bytes (x87, SSE
   * and VFP registers for a debugger), of a thread (default: the current one).
   */
  registerBytes(regs: readonly { id: number; size: number }[], o: { thread?: number } = {}): Uint8Array[] {
    const { engine } = this.process.machine;
    return this.process.threads.withRegisters(this.live(o.thread), () => regs.map((r) => engine.regBytes(r.id, r.size)));
  }

  /** Write a register by Unicorn id (see registerBytes). Starts a new history for replay. */
  setRegisterBytes(id: number, bytes: Uint8Array, o: { thread?: number } = {}): void {
    this.idle('setRegisterBytes');
    const { engine } = this.process.machine;
    this.process.threads.withRegisters(this.live(o.thread), () => engine.setRegBytes(id, bytes));
    this.diverge();
  }

  /** Write a register of a thread. Starts a new history for replay (see file comment). */
  setRegister(name: string, value: bigint | number, o: { thread?: number } = {}): void {
    this.idle('setRegister');
    const { engine } = this.process.machine;
    this.process.threads.withRegisters(this.live(o.thread), () => engine.setReg(name, value));
    this.diverge();
  }

  readMemory(addr: number, len: number): Uint8Array {
    const { mem } = this.process.machine;
    if (!mem.contains(addr, len)) throw new UserError(`0x${addr.toString(16)} (+${len}) is outside emulated memory`);
    return mem.read(addr, len);
  }

  /** Write emulated memory (code too: its translations are dropped). Starts a new history for replay. */
  writeMemory(addr: number, bytes: Uint8Array): void {
    this.idle('writeMemory');
    const { mem, engine } = this.process.machine;
    if (!mem.contains(addr, bytes.length)) throw new UserError(`0x${addr.toString(16)} (+${bytes.length}) is outside emulated memory`);
    mem.write(addr, bytes);
    if (addr < REGIONS.host.start + REGIONS.host.size && bytes.length > 0) {
      engine.invalidateCode(addr, bytes.length);
      this.process.threads.codeChanged(addr, bytes.length);
    }
    this.diverge();
  }

  private idle(what: string): void {
    if (this.running) throw new Error(`${what}: the session is running (pause it first)`);
  }

  /** The state no longer follows the recorded history: replay points after here go; the next run starts with one here. */
  private diverge(): void {
    const n = this.insns;
    this.replayPoints = this.replayPoints.filter((s) => s.insns < n);
    this.history = ++historyIds;
    this.branchPending = true;
    // a fault can be fixed (a register, a pointer in memory) and the run resumed at the faulting instruction
    if (this.ended?.reason === 'fault') this.ended = undefined;
  }

  private branchIfPending(): void {
    if (!this.branchPending) return;
    this.branchPending = false;
    if (this.replayOn) this.replayPoints.push(this.capture());
  }

  private autoSnapshot(): void {
    const n = this.insns;
    if (this.replayPoints.some((s) => s.insns === n)) return;
    const s = this.capture();
    const i = this.replayPoints.findIndex((x) => x.insns > n);
    if (i < 0) this.replayPoints.push(s);
    else this.replayPoints.splice(i, 0, s);
  }

  // ---- snapshots ------------------------------------------------------------------------

  /** The whole run now (see file comment). Between runs only. */
  snapshot(): SessionSnapshot {
    this.idle('snapshot');
    this.start();
    this.branchIfPending();
    return this.capture();
  }

  /**
   * Make the run what it was at a snapshot of this session (any one, any
   * number of times). Between runs only. A snapshot taken before a register
   * or memory write brings back the history without it.
   */
  restore(s: SessionSnapshot): void {
    this.idle('restore');
    this.start();
    this.branchPending = false;
    this.restoreState(s);
    if (s.session.history !== this.history) {
      this.history = s.session.history;
      this.replayPoints = [...s.replayPoints.filter((p) => p.insns !== s.insns), s].sort((a, b) => a.insns - b.insns);
    }
  }

  /**
   * Restore a replay point of the current history. Points after it that a
   * write made (another history) are not its future: they go, and the
   * history is the point's again (going back before a write undoes it).
   */
  private replayFrom(p: SessionSnapshot): void {
    this.branchPending = false;
    this.restoreState(p);
    this.replayPoints = this.replayPoints.filter((x) => x.insns <= p.insns || x.session.history === p.session.history);
    this.history = p.session.history;
  }

  private capture(): SessionSnapshot {
    const { machine, threads, rt, bus } = this.process;
    return {
      insns: threads.totalInsns,
      arena: machine.mem.snapshot(),
      threads: threads.capture(),
      runtime: rt.capture(),
      host: machine.host.capture(),
      bus: bus.capture(),
      session: { lastStop: this.lastStop, ended: this.ended, history: this.history },
      replayPoints: [...this.replayPoints],
    };
  }

  private restoreState(s: SessionSnapshot): void {
    const { machine, threads, rt, bus } = this.process;
    this.resumeOver = undefined;
    machine.mem.restore(s.arena);
    threads.restoreFrom(s.threads);
    rt.restoreFrom(s.runtime);
    machine.host.restoreFrom(s.host);
    bus.restoreFrom(s.bus);
    this.lastStop = s.session.lastStop;
    this.ended = s.session.ended;
  }

  close(): void {
    for (const id of [...this.watches.keys()]) this.removeWatchpoint(id);
    this.unsubscribeRestore();
    this.process.machine.host.interceptCall = undefined;
    this.process.close();
  }
}

async function programOf(input: ProgramInput, arch: Arch): Promise<ProgramImage> {
  if (typeof input === 'string') return loadProgram(input, arch);
  if ('program' in input) return input.program;
  return input.source === undefined ? loadProgram(input.file, arch) : programFromSource(input.source, input.file, arch);
}

/**
 * Run a session to its end, as a shell's one-shot command does: the process
 * result, and the error that stopped the run early (an emulation fault, the
 * budget), or `paused` when pause() stopped it. Every thread waiting for
 * good is an internal error (AllParked).
 */
export async function runToExit(s: Session): Promise<{ result: ProcessResult; error?: GogoError; paused?: boolean }> {
  const stop = await s.runUntil();
  switch (stop.reason) {
    case 'exit':
      return { result: s.result() };
    case 'paused':
      // pause() from outside: a signal or a time limit (sigquit.ts); the caller reports it
      return { result: s.result(), paused: true };
    case 'fault':
    case 'budget':
      return { result: s.result(), error: stop.error! };
    case 'parked': {
      const hang = pipeHang(s.process.threads);
      if (hang) return { result: s.result(), error: hang };
      throw new AllParked();
    }
    default:
      throw new Error(`runToExit: the run stopped (${stop.reason})`);
  }
}
