// The emulated OS's threads: each M of the Go runtime is one Thread with a
// saved CPU context (uc_context: all registers, FS_BASE / TPIDRURO included).
// One Unicorn instance runs them round-robin in slices of N instructions; the
// order is fixed (creation order), so runs are deterministic. A thread whose
// host call blocked (a generator yielded) is parked at that call and costs
// nothing until another thread wakes it; then the call is resumed in its own
// context and finishes by returning to the emulated caller.
//
// Time: every thread has a clock in modeled cycles. Emulated instructions are
// charged per mnemonic (arch costs table) through a block hook over the text
// region; each host call is charged HOST_CALL_CYCLES. The clock runs at a
// nominal 1 GHz: nanotime() = cycles.
import type { Arch } from '../arch/index.ts';
import { costOf } from '../arch/costs.ts';
import { disassemble } from '../engine/asm.ts';
import type { Disposable, EngineContext } from '../engine/engine.ts';
import { GogoError } from '../engine/errors.ts';
import type { Machine } from './machine.ts';
import type { PendingHostCall } from './host.ts';
import { REGIONS } from './memmap.ts';

/** Modeled cost of entering and leaving any host function. */
export const HOST_CALL_CYCLES = 20;
/** Instructions a thread runs before the next runnable thread gets the CPU. */
export const DEFAULT_SLICE = 10_000;

export type ThreadState = 'runnable' | 'parked' | 'exited';

export class Thread {
  state: ThreadState = 'runnable';
  /** modeled cycles used by this thread (its clock, in ns at 1 GHz) */
  cycles = 0;
  /** emulated instructions executed by this thread */
  insns = 0;
  /** the host call it is parked in */
  pending: PendingHostCall | undefined;
  /** value handed to the blocked call when it resumes */
  wakeValue: unknown;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly ctx: EngineContext,
  ) {}
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

interface BlockInfo {
  addrs: number[];
  /** cumulative cost before each instruction, and the total at the end */
  costs: number[];
}

export class Threads {
  readonly all: Thread[] = [];
  current: Thread | undefined;
  private loaded: Thread | undefined;
  private readonly blocks = new Map<number, BlockInfo>();
  private lastBlock: { info: BlockInfo; addr: number; charged: Thread } | undefined;
  private readonly hooks: Disposable[] = [];
  private exitRequested = false;
  /** total emulated instructions over all threads */
  totalInsns = 0;

  constructor(
    readonly machine: Machine,
    readonly opts: { slice?: number; maxInsns?: number } = {},
  ) {
    const { engine, host } = machine;
    const text = REGIONS.text;
    this.hooks.push(engine.hookBlock(text.start, text.start + text.size - 1, (addr, size) => this.onBlock(addr, size)));
    host.beforeCall = () => {
      if (this.current) this.current.cycles += HOST_CALL_CYCLES;
    };
    host.currentThread = () => this.current?.id ?? -1;
  }

  get arch(): Arch {
    return this.machine.arch;
  }

  /** A new thread whose registers start as set by init (called with the thread's context loaded). */
  spawn(name: string, init: () => void): Thread {
    const t = new Thread(this.all.length, name, this.machine.engine.newContext());
    this.load(t, true);
    init();
    t.ctx.save();
    this.all.push(t);
    return t;
  }

  /** Make t's registers current (saving the current thread's first). */
  private load(t: Thread, fresh = false): void {
    if (this.loaded === t) return;
    if (this.loaded && this.loaded.state !== 'exited') this.loaded.ctx.save();
    if (!fresh) t.ctx.restore();
    this.loaded = t;
  }

  /** Wake a parked thread: its blocked host call resumes with `value` when it next runs. */
  wake(t: Thread, value?: unknown): void {
    if (t.state !== 'parked') throw new Error(`wake: thread ${t.name} is ${t.state}, not parked`);
    t.state = 'runnable';
    t.wakeValue = value;
  }

  /** Ask the run loop to end after the current host call (exit()). */
  requestExit(): void {
    this.exitRequested = true;
    this.machine.engine.stop();
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
    t.cycles += info.costs[info.costs.length - 1]!;
    this.lastBlock = { info, addr, charged: t };
  }

  /** A run stopped inside the last block: take back what was charged for the part not executed. */
  private settlePartialBlock(pc: number): void {
    const lb = this.lastBlock;
    this.lastBlock = undefined;
    if (!lb) return;
    const idx = lb.info.addrs.indexOf(pc);
    if (idx < 0) return;
    const n = lb.info.addrs.length;
    const t = lb.charged;
    t.insns -= n - idx;
    this.totalInsns -= n - idx;
    t.cycles -= lb.info.costs[n]! - lb.info.costs[idx]!;
  }

  /** The next runnable thread after `after`, in creation order. */
  private next(after: Thread | undefined): Thread | undefined {
    const n = this.all.length;
    const start = after ? after.id + 1 : 0;
    for (let k = 0; k < n; k++) {
      const t = this.all[(start + k) % n]!;
      if (t.state === 'runnable') return t;
    }
    return undefined;
  }

  /**
   * Run until a host function calls requestExit(), every thread is parked
   * (returned as 'all-parked'), or the budget is used up (throws BudgetExceeded).
   */
  run(): 'exit' | 'all-parked' {
    const { engine, host } = this.machine;
    const slice = this.opts.slice ?? DEFAULT_SLICE;
    let t = this.next(undefined);
    while (!this.exitRequested) {
      if (!t) return 'all-parked';
      this.current = t;
      this.load(t);
      if (t.pending) {
        const p = t.pending;
        t.pending = undefined;
        host.resume(p, t.wakeValue);
        t.wakeValue = undefined;
        if (this.afterStop(t)) {
          t = this.next(t);
          continue;
        }
        if (this.exitRequested) break;
      }
      let count = slice;
      if (this.opts.maxInsns !== undefined) {
        const left = this.opts.maxInsns - this.totalInsns;
        if (left <= 0) throw new BudgetExceeded(this.opts.maxInsns, engine.pc, this.machine.describe(engine.pc));
        count = Math.min(count, left);
      }
      const r = engine.run(engine.pc, { count });
      this.settlePartialBlock(r.pc);
      if (r.reason === 'exit') throw new Error(`thread ${t.name} returned to the exit sentinel (an M must not return)`);
      if (r.reason === 'stop' && this.afterStop(t)) {
        t = this.next(t);
        continue;
      }
      if (this.exitRequested) break;
      // slice used up: next thread (or the same one if it is the only runnable one)
      t = this.next(t) ?? t;
    }
    if (this.loaded) this.loaded.ctx.save();
    return 'exit';
  }

  /** After a stop: park the thread if its host call blocked. True if it parked. */
  private afterStop(t: Thread): boolean {
    const p = this.machine.host.takePending();
    if (!p) return false;
    t.pending = p;
    t.state = 'parked';
    return true;
  }

  dispose(): void {
    for (const h of this.hooks) h.dispose();
    for (const t of this.all) t.ctx.free();
  }
}
