// The emulated OS's threads and its one virtual timeline (DESIGN.md,
// "Threads (Ms), CPUs and time" and "Waiting is a syscall").
//
// Each thread has a saved CPU context (uc_context: all registers, FS_BASE /
// TPIDRURO included) and a clock in modeled cycles. Emulated instructions are
// charged per mnemonic (arch costs table) through a block hook over the text
// region; each host call is charged HOST_CALL_CYCLES. The clock runs at a
// nominal 1 GHz: a thread's clock is its nanotime().
//
// Scheduling: at every scheduling point (a quantum used up, a thread that
// blocks, yields or exits) the OS runs the thread on a CPU with the smallest
// clock, ties broken by thread id, for one quantum of instructions. So threads
// advance in step and interleave at quantum granularity; the same inputs give
// the same interleaving.
//
// CPUs: the machine has `cpus` virtual CPUs (what sched_getaffinity reports),
// and at most that many threads execute at any virtual instant. A runnable
// thread holds a CPU (`onCpu`) or waits for one in the ready queue, first come
// first served (by the time it became ready). A CPU is given up when its thread
// blocks or exits (the CPU is free from that thread's clock on), and at the
// end of a quantum when a ready thread has been waiting since before that
// clock (round robin). A thread that gets a CPU runs from the later of its own
// clock and the time the CPU became free, so time spent waiting for a CPU
// passes on its clock without cycles. With no more runnable threads than CPUs
// nobody ever waits. A thread inside a critical section (enterCritical: the
// runtime holds one of its locks) keeps its CPU and runs on at the end of its
// quantum until it leaves the section, as a kernel does not preempt a
// spinlock holder; it must not block there.
//
// Waiting: a thread blocked in a system call is plain data (`wait`: what it
// waits on and until when) and costs nothing until woken. A woken thread's
// clock jumps forward to its waker's clock (never backward); a thread whose
// deadline has come is woken at its deadline, and when every thread waits,
// time jumps to the earliest deadline. When every thread waits without one,
// run() returns 'all-parked'. The result of the blocking call is kept with the
// thread and written to its result register when it next runs.
//
// A wake-up does not end the waker's quantum (a host function cannot stop the
// CPU mid-call); the woken thread runs at the next scheduling point, starting
// from its waker's time.
//
// Instruction counts: a thread's `insns` and `totalInsns` count the
// instructions executed in the text region (stubs and program), as the block
// hook charges them (through the cost table of cycles.ts: the block hook is
// machine code that adds each block's count and cost to two counters, which
// are folded into the running thread whenever JavaScript runs -- any hook,
// the end of an engine run -- so nothing in JavaScript sees them stale); host-slot instructions (one per host call) are not
// counted there. Unicorn's own count, which bounds each engine run and
// defines a quantum, counts both: text instructions plus host calls
// (HostRegistry.calls). Run control (advance) keeps a quantum in progress
// across any number of engine runs, so a run cut into pieces -- by
// breakpoints, instruction targets, pauses -- executes exactly what one
// uncut run executes.
import type { Arch } from '../arch/index.ts';
import { costOf } from '../arch/costs.ts';
import { disassemble } from '../engine/asm.ts';
import { BlockCounter } from '../engine/blockcount.ts';
import type { Disposable, EngineContext, RunResult } from '../engine/engine.ts';
import { codeMatchesImage, fillCostTable } from './cycles.ts';
import { NO_EVENTS, type EventSink, type OsEvent } from './events.ts';
import { EmulationFault, GogoError } from '../engine/errors.ts';
import type { Machine } from './machine.ts';
import { REGIONS } from './memmap.ts';
import { newThreadSignals, type SigAction, type ThreadSignals } from './linux/signal.ts';
import { newFiles, type FilesData } from './linux/pipe.ts';

/** Modeled cost of entering and leaving any host function. */
export const HOST_CALL_CYCLES = 20;
/** Instructions a thread runs before the next scheduling point (one quantum). */
export const DEFAULT_SLICE = 10_000;
/** The machine's virtual CPU count unless an option says otherwise. */
export const DEFAULT_CPUS = 4;
/** The most virtual CPUs a machine can have (what a 1024-bit affinity mask of glibc's cpu_set_t holds). */
export const MAX_CPUS = 1024;

export type ThreadState = 'runnable' | 'waiting' | 'exited';

/** Why a thread waits: plain data, so that a run can be snapshotted. */
export interface Wait {
  /** the system call it blocked in */
  on: 'futex' | 'nanosleep' | 'pipe';
  /** the futex word it sleeps on */
  addr?: number;
  /** a pipe wait (linux/pipe.ts): the pipe, reading or writing, the user buffer still to fill or send, bytes written so far */
  pipe?: number;
  dir?: 'r' | 'w';
  buf?: number;
  len?: number;
  done?: number;
  /** absolute time (on the virtual clock) at which the wait times out */
  deadline?: number;
  /** the call's result if the deadline comes first (futex: -ETIMEDOUT, nanosleep: 0) */
  timeoutResult: number;
  /** order of blocking over all threads: wake-ups on one address are FIFO */
  seq: number;
}

/** Where a thread made by clone starts: the instruction after the syscall, with its own SP (and TLS). */
export interface ThreadStart {
  pc: number;
  sp: number;
  /** thread pointer (CLONE_SETTLS), else the parent's is kept */
  tls?: bigint;
}

export class Thread {
  state: ThreadState = 'runnable';
  /** its virtual clock: modeled cycles executed plus time it was made to skip (wake-ups, deadlines) */
  clock = 0;
  /** modeled cycles this thread executed */
  cycles = 0;
  /** emulated instructions executed by this thread */
  insns = 0;
  /** what it waits on, while waiting */
  wait: Wait | undefined;
  /** result of the system call it blocked in, written to its result register when it next runs */
  result: number | undefined;
  /** for a thread made by clone, not yet run: where it starts */
  start: ThreadStart | undefined;
  /** exit status, once exited */
  exitCode: number | undefined;
  /** the virtual CPU it holds, while it holds one */
  onCpu: number | undefined;
  /** the CPU it last held (preferred when it gets one again) */
  lastCpu: number | undefined;
  /** while waiting for a CPU: since when (its clock then), and an order among equal times */
  readyAt = 0;
  readySeq = 0;
  /** nesting depth of critical sections (enterCritical): the OS does not take its CPU away */
  critical = 0;
  /** its signal mask, pending signals and alternate signal stack (src/os/linux/signal.ts) */
  signals: ThreadSignals = newThreadSignals();

  constructor(
    readonly id: number,
    readonly name: string,
    readonly ctx: EngineContext,
  ) {}

  /** Linux thread id: the main thread's tid is the pid (1), the others follow in creation order. */
  get tid(): number {
    return this.id + 1;
  }
}

/** The run ended because the instruction budget was used up. */
export class BudgetExceeded extends GogoError {
  constructor(
    readonly budget: number,
    readonly pc: number,
    readonly where: string,
  ) {
    super('budget', `instruction budget of ${budget} exhausted at pc=0x${pc.toString(16)} (${where}); raise it with --max-insns`);
    this.name = 'BudgetExceeded';
  }
}

export interface ThreadsOptions {
  /** instructions per quantum (default DEFAULT_SLICE) */
  slice?: number;
  /** stop the run after this many emulated instructions over all threads */
  maxInsns?: number;
  /** the machine's virtual CPU count (default DEFAULT_CPUS) */
  cpus?: number;
  /**
   * Seed for perturbing quanta (each one shortened by a pseudo-random amount),
   * to explore other interleavings; same seed, same run. Default: off.
   */
  interleaveSeed?: number;
  /**
   * Charge blocks from the cost table made at start (default true); false
   * charges every block by disassembling it in JavaScript, as before the
   * table existed: the same counts and cycles, slower (tests compare them).
   */
  costTable?: boolean;
}

/** One virtual CPU: the thread on it (an id), or idle since `free` (a clock). */
export interface Cpu {
  thread: number | undefined;
  free: number;
}

/** Why Threads.advance returned. */
export type AdvanceResult =
  /** the process asked to exit (requestExit) */
  | 'exit'
  /** every thread waits and nothing can wake one */
  | 'all-parked'
  /** totalInsns reached limits.insns */
  | 'insns'
  /** the thread limits.thread names reached its instruction count */
  | 'thread-insns'
  /** limits.chunk engine instructions ran */
  | 'chunk'
  /** stopNow or stopSoon asked for a stop */
  | 'stopped'
  /** totalInsns reached the budget (opts.maxInsns) */
  | 'budget';

export interface AdvanceLimits {
  /** stop when totalInsns reaches this */
  insns?: number;
  /** stop when thread `id` has executed `insns` instructions (its own count) */
  thread?: { id: number; insns: number };
  /** return after at most this many engine instructions (text + host calls), e.g. to let other work run */
  chunk?: number;
}

/** One thread in Threads.capture(): its fields and its registers (uc_context bytes). */
export interface ThreadData {
  id: number;
  name: string;
  state: ThreadState;
  clock: number;
  cycles: number;
  insns: number;
  wait: Wait | undefined;
  result: number | undefined;
  start: ThreadStart | undefined;
  exitCode: number | undefined;
  onCpu: number | undefined;
  lastCpu: number | undefined;
  readyAt: number;
  readySeq: number;
  critical: number;
  signals: ThreadSignals;
  cpu: Uint8Array;
}

/** Threads.capture(): plain data. */
export interface ThreadsData {
  threads: ThreadData[];
  /** the CPU's registers (the loaded thread's) */
  cpu: Uint8Array;
  current: number | undefined;
  loaded: number | undefined;
  totalInsns: number;
  quanta: number;
  quantumLeft: number;
  exitRequested: boolean;
  waitSeq: number;
  perturbState: number;
  cpuState: Cpu[];
  readyQueue: number[];
  readySeq: number;
  sigactions: (SigAction | undefined)[];
  files: FilesData;
}

interface BlockInfo {
  addrs: number[];
  /** cumulative cost before each instruction, and the total at the end */
  costs: number[];
}

interface BlockWatcher {
  fn: (addr: number, size: number) => void;
  on: boolean;
}

/** Threads.watchBlocks' handle: turn the observer on and off. */
export interface BlockWatch extends Disposable {
  on(): void;
  off(): void;
}

export class Threads {
  readonly all: Thread[] = [];
  current: Thread | undefined;
  /** where thread events go (the session's bus) */
  events: EventSink<OsEvent> = NO_EVENTS;
  /** total emulated instructions over all threads */
  totalInsns = 0;
  /** quanta run so far (one per turn on the CPU, however it ended) */
  quanta = 0;
  /** the virtual CPUs */
  readonly cpuState: Cpu[];
  /** runnable threads waiting for a CPU (ids), in the order they became ready */
  readonly readyQueue: number[] = [];
  private readySeq = 0;
  /** the process's signal actions, by signal number (rt_sigaction) */
  sigactions: (SigAction | undefined)[] = [];
  /** the process's file descriptors and pipes (src/os/linux/pipe.ts) */
  files: FilesData = newFiles();
  /**
   * Called as a thread gets the CPU, with its registers loaded, before its
   * next instruction: the OS delivers pending signals here (signal.ts).
   */
  beforeQuantum: ((t: Thread) => void) | undefined;
  /**
   * Called when the current thread's instruction faults on an address with
   * no mapping, with its registers at that instruction: the OS delivers
   * SIGSEGV there and returns true, or false to let the fault end the run.
   */
  onFault: ((t: Thread, address: number) => boolean) | undefined;
  /**
   * Set by the process's runtime: the faulting PCs it turns into panics
   * (sigpanic). A fault anywhere else is not signalled: the emulator reports
   * it with the faulting registers (a broken stub under validate, a bug).
   */
  faultPanics: ((pc: number) => boolean) | undefined;
  private loaded: Thread | undefined;
  private readonly blocks = new Map<number, BlockInfo>();
  private lastBlock: { info: BlockInfo; addr: number; charged: Thread } | undefined;
  /** the block hook: counts and costs of blocks from the cost table, the others through onBlock */
  private readonly counter: BlockCounter;
  /** the sigpage's block hook */
  private readonly hooks: Disposable[] = [];
  /** watchBlocks' observers, and how many of them are on */
  private readonly blockWatchers: BlockWatcher[] = [];
  private watching = 0;
  private exitRequested = false;
  private waitSeq = 0;
  private perturbState: number;
  /** engine instructions (text + host calls) left in the current thread's quantum; 0: the next run picks a thread */
  private quantumLeft = 0;
  /** set by block/yield/exit during an engine run: the quantum ends with it */
  private quantumOver = false;
  /** a stop was asked for (stopNow / stopSoon): advance() returns 'stopped' */
  private stopRequested = false;

  constructor(
    readonly machine: Machine,
    readonly opts: ThreadsOptions = {},
  ) {
    const { engine, host } = machine;
    const text = REGIONS.text;
    const limit = machine.image.end - text.start;
    this.counter = new BlockCounter(engine, text.start, text.start + text.size - 1, text.start, limit, (addr, size) => {
      this.onBlock(addr, size);
      // as a block hook of its own after the counter's would: not once a stop was asked for
      if (this.watching > 0 && !this.stopRequested) for (const w of this.blockWatchers) if (w.on) w.fn(addr, size);
    });
    if (opts.costTable !== false) fillCostTable(this.counter.starts, this.counter.ends, text.start, machine.image, machine.arch);
    engine.onHookEntry = () => this.sync();
    // the kernel's sigpage runs user-mode instructions too (a handler's return): counted by onBlock
    const sp = REGIONS.sigpage;
    this.hooks.push(engine.hookBlock(sp.start, sp.start + sp.size - 1, (addr, size) => this.onBlock(addr, size)));
    host.beforeCall = () => {
      if (this.current) this.charge(this.current, HOST_CALL_CYCLES);
    };
    host.currentThread = () => this.current?.id ?? -1;
    this.perturbState = (opts.interleaveSeed ?? 0) >>> 0 || 1;
    this.cpuState = Array.from({ length: this.cpus }, () => ({ thread: undefined, free: 0 }));
  }

  get arch(): Arch {
    return this.machine.arch;
  }

  /** The machine's virtual CPU count. */
  get cpus(): number {
    return this.opts.cpus ?? DEFAULT_CPUS;
  }

  /** The thread with Linux thread id `tid`, if it exists. */
  byTid(tid: number): Thread | undefined {
    return this.all[tid - 1];
  }

  /** A new thread whose registers start as set by init (called with the thread's context loaded). */
  spawn(name: string, init: () => void): Thread {
    const t = new Thread(this.all.length, name, this.machine.engine.newContext());
    this.load(t, true);
    init();
    t.ctx.save();
    this.all.push(t);
    this.makeReady(t);
    return t;
  }

  /**
   * clone: a new thread that shares everything and starts, when first run, in
   * a copy of the current thread's registers (saved now) changed by `start`.
   * Its clock starts at its parent's. Call from a system call of the parent.
   */
  spawnClone(parent: Thread, start: ThreadStart): Thread {
    const t = new Thread(this.all.length, `t${this.all.length + 1}`, this.machine.engine.newContext());
    t.ctx.save();
    t.start = start;
    t.result = 0;
    t.clock = parent.clock;
    t.signals = newThreadSignals(parent.signals);
    this.all.push(t);
    if (this.events.active) this.events.emit({ kind: 'clone', thread: parent.id, child: t.id, clock: parent.clock });
    this.makeReady(t);
    return t;
  }

  /** Make t's registers current (saving the current thread's first). */
  private load(t: Thread, fresh = false): void {
    if (this.loaded === t) return;
    if (this.loaded && this.loaded.state !== 'exited') this.loaded.ctx.save();
    if (!fresh) t.ctx.restore();
    this.loaded = t;
  }

  /** Finish what a thread's last scheduling left pending: a clone child's start, a blocked call's result. */
  private enter(t: Thread): void {
    const { engine } = this.machine;
    if (t.start) {
      engine.pc = t.start.pc;
      engine.sp = t.start.sp;
      if (t.start.tls !== undefined) this.arch.setThreadPointer(engine, t.start.tls);
      t.start = undefined;
    }
    if (t.result !== undefined) {
      this.arch.setSyscallResult(engine, BigInt(t.result));
      t.result = undefined;
    }
  }

  private charge(t: Thread, cycles: number): void {
    t.cycles += cycles;
    t.clock += cycles;
  }

  // ---- waiting and waking (called by system calls and the runtime) -------------

  /**
   * The current thread blocks in its system call: it waits as `wait` says and
   * the CPU goes to another thread. Call from a system-call hook only (the
   * thread continues after the syscall instruction once woken).
   */
  block(t: Thread, w: Omit<Wait, 'seq'>): void {
    if (t !== this.current || t.state !== 'runnable') throw new Error(`block: thread ${t.name} is not the running thread`);
    if (t.critical > 0) throw new Error(`block: thread ${t.name} blocks inside a critical section`);
    t.state = 'waiting';
    t.wait = { ...w, seq: this.waitSeq++ };
    if (this.events.active) this.events.emit({ kind: 'wait', thread: t.id, on: w.on, addr: w.addr, deadline: w.deadline, clock: t.clock, ...(w.on === 'pipe' ? { pipe: w.pipe, dir: w.dir } : {}) });
    this.endQuantum();
  }

  /** The threads waiting on futex word `addr`, in the order they started waiting. */
  futexWaiters(addr: number): Thread[] {
    return this.all.filter((t) => t.state === 'waiting' && t.wait!.on === 'futex' && t.wait!.addr === addr).sort((a, b) => a.wait!.seq - b.wait!.seq);
  }

  /** Wake a waiting thread: its call returns `result`; its clock moves up to the waker's. */
  wake(t: Thread, result: number, by: Thread | undefined): void {
    if (t.state !== 'waiting') throw new Error(`wake: thread ${t.name} is ${t.state}, not waiting`);
    if (by) t.clock = Math.max(t.clock, by.clock);
    this.resume(t, result, by?.id, false);
  }

  private resume(t: Thread, result: number, by: number | undefined, timeout: boolean): void {
    t.state = 'runnable';
    t.wait = undefined;
    t.result = result;
    if (this.events.active) this.events.emit({ kind: 'wake', thread: t.id, by, timeout, result, clock: t.clock });
    this.makeReady(t);
  }

  // ---- CPUs ------------------------------------------------------------------------

  /** t can run: it waits for a CPU from its clock on (queued by that time, then by arrival). */
  private makeReady(t: Thread): void {
    t.readyAt = t.clock;
    t.readySeq = this.readySeq++;
    const q = this.readyQueue;
    let i = q.length;
    while (i > 0) {
      const o = this.all[q[i - 1]!]!;
      if (o.readyAt < t.readyAt || (o.readyAt === t.readyAt && o.readySeq < t.readySeq)) break;
      i--;
    }
    q.splice(i, 0, t.id);
  }

  /** t leaves its CPU at its clock (it blocked, exited, or its time slice went to a waiting thread). */
  private releaseCpu(t: Thread): void {
    if (t.onCpu === undefined) return;
    const c = this.cpuState[t.onCpu]!;
    c.thread = undefined;
    c.free = t.clock;
    t.lastCpu = t.onCpu;
    t.onCpu = undefined;
  }

  /**
   * The CPU an idle-CPU search gives t: its last CPU if that was free by t's
   * clock, else the lowest-numbered CPU free by then, else the one that became
   * free earliest. Undefined when every CPU is busy.
   */
  private idleCpuFor(t: Thread): number | undefined {
    let early: number | undefined;
    let first: number | undefined;
    this.cpuState.forEach((c, i) => {
      if (c.thread !== undefined) return;
      if (c.free <= t.clock && first === undefined) first = i;
      if (early === undefined || c.free < this.cpuState[early]!.free) early = i;
    });
    const last = t.lastCpu;
    if (last !== undefined && this.cpuState[last]!.thread === undefined && this.cpuState[last]!.free <= t.clock) return last;
    return first ?? early;
  }

  /** Give idle CPUs to the threads waiting longest for one. */
  private fillIdleCpus(): void {
    const q = this.readyQueue;
    while (q.length > 0) {
      const t = this.all[q[0]!]!;
      const i = this.idleCpuFor(t);
      if (i === undefined) return;
      q.shift();
      const c = this.cpuState[i]!;
      const waited = Math.max(0, c.free - t.clock);
      t.clock = Math.max(t.clock, c.free);
      c.thread = t.id;
      t.onCpu = i;
      if (this.events.active) this.events.emit({ kind: 'oncpu', thread: t.id, cpu: i, clock: t.clock, waited });
    }
  }

  /**
   * After t's quantum: a thread that no longer runs gives up its CPU; one that
   * still runs gives it to the thread at the head of the ready queue if that
   * one has been waiting since t's clock or earlier (outside critical sections).
   */
  private afterQuantum(t: Thread): void {
    if (this.events.active) this.events.emit({ kind: 'quantum', thread: t.id, clock: t.clock, insns: t.insns });
    if (t.state !== 'runnable') {
      this.releaseCpu(t);
      return;
    }
    this.fillIdleCpus();
    if (t.critical > 0 || this.readyQueue.length === 0) return;
    const head = this.all[this.readyQueue[0]!]!;
    if (head.readyAt > t.clock) return;
    if (this.events.active) this.events.emit({ kind: 'offcpu', thread: t.id, cpu: t.onCpu!, clock: t.clock });
    this.releaseCpu(t);
    this.makeReady(t);
  }

  /** Enter a critical section: until leaveCritical, t keeps its CPU and runs on past its quantum. */
  enterCritical(t: Thread): void {
    t.critical++;
  }

  leaveCritical(t: Thread): void {
    if (t.critical <= 0) throw new Error(`leaveCritical: thread ${t.name} is not in a critical section`);
    t.critical--;
  }

  /** A waiting thread's deadline has come: it runs on from there. */
  private timeout(t: Thread): void {
    const w = t.wait!;
    t.clock = Math.max(t.clock, w.deadline!);
    this.resume(t, w.timeoutResult, undefined, true);
  }

  /** End the current quantum (sched_yield). Call from a system-call hook only. */
  yield(): void {
    this.endQuantum();
  }

  private endQuantum(): void {
    this.quantumOver = true;
    this.machine.engine.stop();
  }

  /** The thread ends (exit). Returns true if it was the last one. Call from a system-call hook only. */
  exitThread(t: Thread, code: number): boolean {
    t.state = 'exited';
    t.exitCode = code;
    t.critical = 0;
    if (this.loaded === t) this.loaded = undefined; // nothing to save any more
    if (this.events.active) this.events.emit({ kind: 'threadexit', thread: t.id, code, clock: t.clock });
    this.endQuantum();
    return this.all.every((x) => x.state === 'exited');
  }

  /** Ask the run loop to end after the current host or system call (exit(), exit_group). */
  requestExit(): void {
    this.exitRequested = true;
    this.machine.engine.stop();
  }

  // ---- the timeline ---------------------------------------------------------------

  /**
   * The next thread to run: idle CPUs go to the threads waiting for one, then
   * the thread on a CPU with the smallest clock (ties by id) runs. Waiting
   * threads whose deadline is not after that clock wake first (earliest
   * deadline first); with nothing runnable, time jumps to the earliest
   * deadline. Undefined when every thread waits without a deadline (or has
   * exited).
   */
  private pick(): Thread | undefined {
    for (;;) {
      this.fillIdleCpus();
      let best: Thread | undefined;
      let due: Thread | undefined;
      for (const t of this.all) {
        if (t.state === 'runnable' && t.onCpu !== undefined && (!best || t.clock < best.clock)) best = t;
        const d = t.state === 'waiting' ? t.wait!.deadline : undefined;
        if (d !== undefined && (!due || d < due.wait!.deadline!)) due = t;
      }
      if (!due || (best && due.wait!.deadline! > best.clock)) return best;
      this.timeout(due);
    }
  }

  /** Instructions of the next quantum: the slice, or with interleaveSeed a pseudo-random part of it (at least half). */
  private quantum(): number {
    const slice = this.opts.slice ?? DEFAULT_SLICE;
    if (this.opts.interleaveSeed === undefined) return slice;
    let x = this.perturbState; // xorshift32
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.perturbState = x >>> 0;
    const half = Math.ceil(slice / 2);
    return half + (this.perturbState % (slice - half + 1));
  }

  private onBlock(addr: number, size: number): void {
    let info = this.blocks.get(addr);
    if (!info || info.addrs.length === 0) {
      const insns = disassemble(this.arch.asm, this.machine.mem.read(addr, size), addr, this.arch.insnUnit);
      const costs = [0];
      for (const i of insns) costs.push(costs[costs.length - 1]! + costOf(this.arch.costs, i.mnemonic));
      info = { addrs: insns.map((i) => i.address), costs };
      this.blocks.set(addr, info);
    }
    const t = this.current!;
    t.insns += info.addrs.length;
    this.totalInsns += info.addrs.length;
    this.charge(t, info.costs[info.costs.length - 1]!);
    this.lastBlock = { info, addr, charged: t };
    // a stop asked for by a host call or system call lands here, before this
    // block's first instruction (settlePartialBlock takes the block back)
    if (this.stopRequested) this.machine.engine.stop();
  }

  /** Fold what the block counter accumulated into the running thread. */
  private sync(): void {
    const c = this.counter;
    if (!c.pending) return;
    const n = c.insns;
    const cost = c.cost;
    c.take();
    const t = this.current!;
    t.insns += n;
    this.totalInsns += n;
    this.charge(t, cost);
  }

  /** A stop was asked for (or no longer is): the block hook's slow path (onBlock) makes it. */
  private setStop(on: boolean): void {
    this.stopRequested = on;
    this.counter.slowAll = on || this.watching > 0;
  }

  /**
   * An observer of the start of every text block, but only while it is on:
   * the block counter's slow path calls it (after charging the block), so an
   * observer that needs blocks only at times (the switch recorder while a
   * switch is open, to see where it leaves its stub) costs nothing the rest
   * of the time, where a block hook of its own would call JavaScript at every
   * block of the run. Blocks of the sigpage are not shown (no text).
   */
  watchBlocks(fn: (addr: number, size: number) => void): BlockWatch {
    const w: BlockWatcher = { fn, on: false };
    this.blockWatchers.push(w);
    const set = (on: boolean) => {
      if (w.on === on) return;
      w.on = on;
      this.watching += on ? 1 : -1;
      this.counter.slowAll = this.stopRequested || this.watching > 0;
    };
    return {
      on: () => set(true),
      off: () => set(false),
      dispose: () => {
        set(false);
        const i = this.blockWatchers.indexOf(w);
        if (i >= 0) this.blockWatchers.splice(i, 1);
      },
    };
  }

  /** A run stopped inside the last block: take back what was charged for the part not executed. */
  private settlePartialBlock(pc: number): void {
    const c = this.counter;
    const addr = c.lastAddr;
    const size = c.lastSize;
    c.forgetLast();
    if (size > 0 && pc >= addr && pc < addr + size) {
      const base = c.base;
      const rest = c.span(pc - base, addr + size - base);
      if (rest && c.span(addr - base, addr + size - base)) {
        // a block of the table (whichever path charged it: the same numbers)
        this.lastBlock = undefined;
        const t = this.current!;
        t.insns -= rest.insns;
        this.totalInsns -= rest.insns;
        this.charge(t, -rest.cost);
        return;
      }
    }
    const lb = this.lastBlock;
    this.lastBlock = undefined;
    // (the block counter does not see the sigpage's blocks: onBlock charged them)
    const inSigpage = lb !== undefined && lb.addr >= REGIONS.sigpage.start && lb.addr < REGIONS.sigpage.start + REGIONS.sigpage.size;
    if (!lb || (lb.addr !== addr && !inSigpage)) return;
    const idx = lb.info.addrs.indexOf(pc);
    if (idx < 0) return;
    const n = lb.info.addrs.length;
    const t = lb.charged;
    t.insns -= n - idx;
    this.totalInsns -= n - idx;
    this.charge(t, -(lb.info.costs[n]! - lb.info.costs[idx]!));
  }

  /**
   * Run until a host function or system call asks to exit (requestExit), every
   * thread waits with nothing to wake it (returned as 'all-parked'), or the
   * budget is used up (throws BudgetExceeded).
   */
  run(): 'exit' | 'all-parked' {
    const { engine } = this.machine;
    try {
      for (;;) {
        const r = this.advance();
        if (r === 'exit' || r === 'all-parked') return r;
        if (r === 'budget') throw new BudgetExceeded(this.opts.maxInsns!, engine.pc, this.machine.describe(engine.pc));
        // 'stopped': nobody here asked for a stop; run on
      }
    } finally {
      if (this.loaded && this.loaded.state !== 'exited') this.loaded.ctx.save();
    }
  }

  // ---- run control: the session layer's primitives ---------------------------------

  /** Begin a quantum of thread t: its registers in the CPU, what its scheduling left pending applied. */
  private beginQuantum(t: Thread): void {
    this.current = t;
    this.load(t);
    this.enter(t);
    this.quantumLeft = this.quantum();
    this.quanta++;
    if (t.signals.pending !== 0n) this.beforeQuantum?.(t);
  }

  /**
   * Run on the timeline until one of `limits` is reached, a stop is asked
   * for (stopNow / stopSoon), the process exits, every thread waits for
   * good, or the instruction budget (opts.maxInsns) is used up. Never
   * overshoots an instruction limit: each engine run is bounded by the
   * smallest of them in engine instructions, which are never fewer than text
   * instructions. The quantum in progress carries over to the next call.
   */
  advance(limits: AdvanceLimits = {}): AdvanceResult {
    const { engine, host } = this.machine;
    const budget = this.opts.maxInsns;
    const lt = limits.thread;
    let chunkLeft = limits.chunk ?? Number.POSITIVE_INFINITY;
    this.setStop(false);
    for (;;) {
      if (this.exitRequested) return 'exit';
      if (this.stopRequested) {
        this.setStop(false);
        return 'stopped';
      }
      if (limits.insns !== undefined && this.totalInsns >= limits.insns) return 'insns';
      if (lt && this.all[lt.id] && this.all[lt.id]!.insns >= lt.insns) return 'thread-insns';
      if (chunkLeft <= 0) return 'chunk';
      const t = this.current;
      if (this.quantumLeft <= 0 || !t || t.state !== 'runnable') {
        // a thread inside a critical section runs on (see the file comment)
        const next = t && t.state === 'runnable' && t.critical > 0 ? t : this.pick();
        if (!next) return 'all-parked';
        this.beginQuantum(next);
        continue; // a deadline that woke a thread may have asked for a stop
      }
      if (budget !== undefined && this.totalInsns >= budget) return 'budget';
      let count = Math.min(this.quantumLeft, chunkLeft);
      if (limits.insns !== undefined) count = Math.min(count, limits.insns - this.totalInsns);
      if (lt && lt.id === t.id) count = Math.min(count, lt.insns - t.insns);
      if (budget !== undefined) count = Math.min(count, budget - this.totalInsns);
      const insns0 = this.totalInsns;
      const calls0 = host.calls;
      this.quantumOver = false;
      let r: RunResult;
      this.counter.forgetLast();
      let settled = false;
      try {
        r = engine.run(engine.pc, { count });
      } catch (e) {
        // an access to an unmapped address by the thread's own code: the kernel's SIGSEGV
        if (!(e instanceof EmulationFault) || !/^(read|write) unmapped$/.test(e.fault) || e.address === undefined || engine.pc !== e.pc || !this.onFault || !this.faultPanics?.(e.pc)) throw e;
        this.sync();
        this.settlePartialBlock(engine.pc);
        settled = true;
        if (!this.onFault(t, e.address)) throw e;
        r = { reason: 'stop', pc: engine.pc };
      } finally {
        if (!settled) {
          this.sync();
          this.settlePartialBlock(engine.pc);
        }
      }
      const used = this.totalInsns - insns0 + (host.calls - calls0);
      if (r.reason === 'count' && used !== count) throw new Error(`instruction accounting: the engine ran ${count} instructions, the thread layer counted ${used}`);
      if (r.reason === 'exit') throw new Error(`thread ${t.name} returned to the exit sentinel (a thread must not return)`);
      chunkLeft -= used;
      this.quantumLeft = this.quantumOver ? 0 : this.quantumLeft - used;
      this.quantumOver = false;
      if (this.quantumLeft <= 0 || t.state !== 'runnable') {
        this.quantumLeft = 0;
        this.afterQuantum(t);
      }
    }
  }

  /**
   * Stop before the instruction at PC: for a code hook (a breakpoint), which
   * runs before its instruction. advance() returns 'stopped'.
   */
  stopNow(): void {
    this.setStop(true);
    this.machine.engine.stop();
  }

  /**
   * Stop at the next point a run can resume from: before the next block of
   * text, or when the engine run ends (a system call that blocks). For
   * anything that happens inside a host call or a system call (an event
   * listener): stopping the CPU there would run the host call again on
   * resume. advance() returns 'stopped'.
   */
  stopSoon(): void {
    this.setStop(true);
  }

  /** Whether the current thread is in the middle of a quantum (it runs on when the run resumes). */
  get inQuantum(): boolean {
    return this.quantumLeft > 0 && this.current?.state === 'runnable';
  }

  /**
   * Run fn with thread t's registers in the CPU, to read or write them: the
   * loaded thread's are there; a parked thread's context is swapped in and
   * saved back (Engine.withContext). What its scheduling left pending (a
   * clone child's start, a blocked call's result) is applied first, as when
   * it next runs -- the same registers, only earlier -- so fn sees the
   * registers the thread resumes with.
   */
  withRegisters<R>(t: Thread, fn: () => R): R {
    if (t.state === 'exited') throw new Error(`thread ${t.name} has exited: it has no registers`);
    if (this.loaded === t) {
      this.enter(t);
      return fn();
    }
    return this.machine.engine.withContext(
      t.ctx,
      () => {
        this.enter(t);
        return fn();
      },
      { save: true },
    );
  }

  /** Code at [addr, addr+len) was rewritten: forget the cycle model's blocks there. */
  codeChanged(addr: number, len: number): void {
    for (const [a, info] of this.blocks) {
      const last = info.addrs[info.addrs.length - 1] ?? a;
      if (a < addr + len && last + 16 > addr) this.blocks.delete(a);
    }
    // the table describes the linked code: once code differs, every block is disassembled
    if (!codeMatchesImage(this.machine, addr, len)) this.counter.disableTable();
  }

  // ---- snapshots ----------------------------------------------------------------------

  /**
   * Every thread (fields and registers as bytes), the CPU, the timeline's
   * counters and the quantum in progress: plain data. Call between runs.
   * The cycle model's block cache is derived from code and not included.
   */
  capture(): ThreadsData {
    if (this.lastBlock) throw new Error('Threads.capture: inside a run');
    if (this.loaded && this.loaded.state !== 'exited') this.loaded.ctx.save();
    return {
      threads: this.all.map((t) => ({
        id: t.id,
        name: t.name,
        state: t.state,
        clock: t.clock,
        cycles: t.cycles,
        insns: t.insns,
        wait: t.wait && { ...t.wait },
        result: t.result,
        start: t.start && { ...t.start },
        exitCode: t.exitCode,
        onCpu: t.onCpu,
        lastCpu: t.lastCpu,
        readyAt: t.readyAt,
        readySeq: t.readySeq,
        critical: t.critical,
        signals: structuredClone(t.signals),
        cpu: new Uint8Array(t.ctx.toBytes()),
      })),
      cpu: new Uint8Array(this.machine.engine.saveCpu()),
      current: this.current?.id,
      loaded: this.loaded?.id,
      totalInsns: this.totalInsns,
      quanta: this.quanta,
      quantumLeft: this.quantumLeft,
      exitRequested: this.exitRequested,
      waitSeq: this.waitSeq,
      perturbState: this.perturbState,
      cpuState: this.cpuState.map((c) => ({ ...c })),
      readyQueue: [...this.readyQueue],
      readySeq: this.readySeq,
      sigactions: structuredClone(this.sigactions),
      files: structuredClone(this.files),
    };
  }

  /** Go back to a capture(): threads made since are dropped, the others get their fields and registers back. */
  restoreFrom(d: ThreadsData): void {
    const { engine } = this.machine;
    while (this.all.length > d.threads.length) this.all.pop()!.ctx.free();
    d.threads.forEach((s, i) => {
      let t = this.all[i];
      if (!t || t.name !== s.name) {
        t?.ctx.free();
        t = new Thread(s.id, s.name, engine.newContext());
        this.all[i] = t;
      }
      t.state = s.state;
      t.clock = s.clock;
      t.cycles = s.cycles;
      t.insns = s.insns;
      t.wait = s.wait && { ...s.wait };
      t.result = s.result;
      t.start = s.start && { ...s.start };
      t.exitCode = s.exitCode;
      t.onCpu = s.onCpu;
      t.lastCpu = s.lastCpu;
      t.readyAt = s.readyAt;
      t.readySeq = s.readySeq;
      t.critical = s.critical;
      t.signals = structuredClone(s.signals);
      t.ctx.fromBytes(s.cpu);
    });
    engine.loadCpu(d.cpu);
    this.current = d.current === undefined ? undefined : this.all[d.current];
    this.loaded = d.loaded === undefined ? undefined : this.all[d.loaded];
    this.totalInsns = d.totalInsns;
    this.quanta = d.quanta;
    this.quantumLeft = d.quantumLeft;
    this.exitRequested = d.exitRequested;
    this.waitSeq = d.waitSeq;
    this.perturbState = d.perturbState;
    d.cpuState.forEach((c, i) => Object.assign(this.cpuState[i]!, c));
    this.readyQueue.splice(0, this.readyQueue.length, ...d.readyQueue);
    this.readySeq = d.readySeq;
    this.sigactions = structuredClone(d.sigactions);
    this.files = structuredClone(d.files);
    this.lastBlock = undefined;
    this.quantumOver = false;
    this.setStop(false);
  }

  dispose(): void {
    if (this.machine.engine.onHookEntry) this.machine.engine.onHookEntry = undefined;
    this.counter.dispose();
    for (const h of this.hooks) h.dispose();
    for (const t of this.all) t.ctx.free();
  }
}
