// The runtime's state: what Go keeps in package-level variables (m0, g0,
// sched, allp, allgs, allm, gomaxprocs, ...). The struct contents live in
// emulated memory (views from src/go119); this object only holds their
// addresses and the host-side bookkeeping (heap, stack allocator, threads,
// process output). The scheduler functions in proc.ts, runq.ts and stack.ts
// take it as their first argument, the way Go's functions use globals.
import type { Arch } from '../arch/index.ts';
import type { Arena } from '../engine/arena.ts';
import type { Machine } from '../os/machine.ts';
import type { Thread, Threads } from '../os/threads.ts';
import { G, layoutFor, M, P, Schedt, type Layout } from '../go119/index.ts';
import { Heap } from './malloc.ts';
import { StackAllocator } from './stackalloc.ts';
import type { RuntimeSink } from './events.ts';
import type { PanicSite } from './throw.ts';
import { goThrow } from './throw.ts';
import { type LangState, newLangState } from './iface.ts';

export interface RuntimeOptions {
  /** the GOMAXPROCS environment variable, as Go would read it */
  gomaxprocsEnv?: string;
  /** seed of the deterministic fastrand */
  seed?: number;
}

export class Runtime {
  readonly L: Layout;
  readonly mem: Arena;
  readonly arch: Arch;
  readonly heap: Heap;
  readonly stacks: StackAllocator;
  readonly sched: Schedt;
  readonly m0: M;
  readonly g0: G;
  /** every g ever created (allgs), in creation order */
  readonly allgs: number[] = [];
  /** every m, newest first like Go's allm list */
  readonly allm: number[] = [];
  /** allp: the Ps, by id */
  allp: number[] = [];
  gomaxprocs = 0;
  /** the emulated machine's CPU count (osinit) */
  ncpu = 1;
  mainStarted = false;
  /** what the program wrote to fd 1 and fd 2 */
  stdout = '';
  stderr = '';
  exitCode: number | undefined;
  /** the M each emulated thread runs */
  readonly mOfThread = new Map<Thread, number>();
  /** panics in progress (g address -> value and site) while their deferred calls run */
  readonly pendingPanics = new Map<number, { value: string; site: PanicSite }>();
  /** the language runtime's state (itab table): plain numbers, addresses in emulated memory */
  readonly lang: LangState = newLangState();
  private fastrandState: bigint;

  constructor(
    readonly machine: Machine,
    readonly threads: Threads,
    readonly opts: RuntimeOptions,
    /** the session's event bus (the runtime only emits) */
    readonly events: RuntimeSink,
    regions: { heap: { start: number; size: number }; stacks: { start: number; size: number } },
  ) {
    this.arch = machine.arch;
    this.mem = machine.mem;
    this.L = layoutFor(this.arch);
    this.heap = new Heap(this.mem, regions.heap.start, regions.heap.start + regions.heap.size);
    this.heap.onOutOfMemory = (line) => this.write(2, line);
    this.stacks = new StackAllocator(regions.stacks.start, regions.stacks.start + regions.stacks.size);
    this.sched = new Schedt(this.L, this.mem, machine.sym('runtime.sched'));
    this.m0 = new M(this.L, this.mem, machine.sym('runtime.m0'));
    this.g0 = new G(this.L, this.mem, machine.sym('runtime.g0'));
    this.fastrandState = BigInt(opts.seed ?? 1) | 1n;
  }

  g(addr: number): G {
    return new G(this.L, this.mem, addr);
  }
  m(addr: number): M {
    return new M(this.L, this.mem, addr);
  }
  p(addr: number): P {
    return new P(this.L, this.mem, addr);
  }

  /** getg(): the g the current thread is running (TLS on amd64, R10 on arm). */
  getg(): G {
    return this.g(this.arch.getg(this.machine.engine, this.mem));
  }

  /** The M of the thread running now. */
  curm(): M {
    const t = this.threads.current;
    const m = t && this.mOfThread.get(t);
    if (m === undefined) goThrow('curm: no M for the current thread');
    return this.m(m);
  }

  /** The current M's P (acquirep'd), or throws. */
  curp(): P {
    const pp = this.curm().p;
    if (pp === 0) goThrow('curp: M has no P');
    return this.p(pp);
  }

  /** fastrand: a deterministic xorshift64* stream (Go's is per-M wyrand; only determinism matters here). */
  fastrand(): number {
    let x = this.fastrandState;
    x ^= x >> 12n;
    x ^= (x << 25n) & 0xffffffffffffffffn;
    x ^= x >> 27n;
    this.fastrandState = x;
    return Number(((x * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn) >> 32n);
  }

  /** nanotime(): the current thread's clock (modeled cycles at 1 GHz). */
  nanotime(): number {
    return this.threads.current?.cycles ?? 0;
  }

  private readonly funcvals = new Map<string, number>();

  /** A funcval{fn} for a runtime function (e.g. to mcall a host function). */
  funcval(name: string): number {
    let fv = this.funcvals.get(name);
    if (fv === undefined) {
      fv = this.heap.alloc(this.arch.ptrSize);
      this.mem.setPtr(fv, this.machine.sym(name));
      this.funcvals.set(name, fv);
    }
    return fv;
  }

  /** exit(code): end the process after the current host call. */
  exit(code: number): void {
    this.exitCode = code;
    if (this.events.active) this.events.emit({ kind: 'exit', code });
    this.threads.requestExit();
  }

  write(fd: number, s: string): void {
    if (fd === 1) this.stdout += s;
    else this.stderr += s;
    if (this.events.active) this.events.emit({ kind: 'output', fd, text: s });
  }

  /**
   * Ports isSystemGoroutine (without the fixup for the finalizer goroutine): a
   * goroutine started at a runtime function other than runtime.main.
   */
  isSystemGoroutine(gp: G): boolean {
    const name = this.machine.describe(gp.startpc);
    return name.startsWith('runtime.') && !name.startsWith('runtime.main+') && name !== 'runtime.main';
  }
}
