// The runtime's state: what Go keeps in package-level variables (m0, g0,
// sched, allp, allgs, allm, gomaxprocs, ...). The struct contents live in
// emulated memory (views from src/go119); this object only holds their
// addresses and the host-side bookkeeping (heap, stack allocator, threads,
// process output). The scheduler functions in proc.ts, runq.ts and stack.ts
// take it as their first argument, the way Go's functions use globals.
import type { Arch } from '../arch/index.ts';
import type { Arena } from '../engine/arena.ts';
import type { Machine } from '../os/machine.ts';
import type { Threads } from '../os/threads.ts';
import { faultPanics } from './signal.ts';
import { G, layoutFor, M, P, Schedt, type Layout } from '../go119/index.ts';
import { debugChecksEnabled } from './assert.ts';
import { Heap, type HeapState } from './malloc.ts';
import { StackAllocator, type StackAllocatorState } from './stackalloc.ts';
import type { RuntimeSink } from './events.ts';
import type { MParkNext } from './idle.ts';
import type { ParkResume } from './park.ts';
import type { StealResume } from './steal.ts';
import type { PanicSite } from './throw.ts';
import { goThrow } from './throw.ts';
import { fastrand, fastrandinit } from './rand.ts';
import { ProcessOutput, type OutputSink, type OutputState } from './output.ts';
import { type LangState, newLangState } from './iface.ts';
import { type DebugVars, parsedebugvars } from './debug.ts';
import { PerGoroutine } from './pergoroutine.ts';

/**
 * A panic in progress, by its _panic: the text printpanics prints, the site
 * its traceback starts at, and the Error/String method preprintpanics still
 * has to call for that text (then `calling` while the call runs).
 */
export interface PendingPanic {
  value: string;
  site: PanicSite;
  method?: { fn: number; recv: number };
  calling?: boolean;
}

function copyPending(p: PendingPanic): PendingPanic {
  return { ...p, site: { ...p.site }, ...(p.method ? { method: { ...p.method } } : {}) };
}

export interface RuntimeOptions {
  /** the GOMAXPROCS environment variable, as Go would read it */
  gomaxprocsEnv?: string;
  /** the GODEBUG environment variable, as Go would read it (debug.ts) */
  godebug?: string;
  /**
   * the run's random seed: it stands in for the kernel's AT_RANDOM bytes,
   * from which Go seeds every M's fastrand (rand.ts); default 1
   */
  seed?: number;
  /** assert the port's preconditions (assert.ts); default: GOGO_EMU_DEBUG=1 in the environment */
  debugChecks?: boolean;
  /** where the program's output goes as it is written (output.ts; default: nowhere, only kept) */
  output?: OutputSink;
  /** characters of each output stream kept for ProcessResult (default DEFAULT_RETAIN; 0: none) */
  retainOutput?: number;
}

/** views of Gs (and Ms) remembered at most (a million goroutines must not keep a million views) */
const VIEW_CACHE_MAX = 4096;

/**
 * Views by address (at most VIEW_CACHE_MAX, then forgotten), with the two
 * asked for last in front of the map: a switch goes back and forth between
 * g0 and one goroutine, and hashing an address costs more than comparing.
 */
class ViewCache<V extends { readonly addr: number }> {
  private readonly byAddr = new Map<number, V>();
  private last: V | undefined;
  private prev: V | undefined;

  get(addr: number): V | undefined {
    const a = this.last;
    if (a !== undefined && a.addr === addr) return a;
    const b = this.prev;
    if (b !== undefined && b.addr === addr) {
      this.prev = a;
      this.last = b;
      return b;
    }
    const v = this.byAddr.get(addr);
    if (v !== undefined) {
      this.prev = a;
      this.last = v;
    }
    return v;
  }

  add(v: V): V {
    if (this.byAddr.size >= VIEW_CACHE_MAX) this.byAddr.clear();
    this.byAddr.set(v.addr, v);
    this.prev = this.last;
    this.last = v;
    return v;
  }
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
  /** allp: the Ps, by id (len(allp) = gomaxprocs) */
  allp: number[] = [];
  /** every P ever made, by id: allp[:cap(allp)] in Go (Ps are never freed, only marked _Pdead) */
  readonly allpCap: number[] = [];
  gomaxprocs = 0;
  /** GOMAXPROCS(n) asked for n Ps: procresize at the next startTheWorld (0: no change) */
  newprocs = 0;
  /** idlepMask: bit i set while P i is on the idle list (pidleput/pidleget), as Go's pMask words */
  idlepMask: number[] = [];
  /** timerpMask: bit i set if P i may have timers (always, until timers are ported) */
  timerpMask: number[] = [];
  /** stealOrder (randomOrder): the P count and the numbers coprime to it, for stealWork's enumeration */
  stealOrder = { count: 0, coprimes: [] as number[] };
  /** Ms made by newm whose thread newosproc has not started yet (addresses; see newm.ts) */
  readonly newmPending: number[] = [];
  /** where an M that slept in the middle of stealWork goes on (m address -> state; steal.ts) */
  readonly stealResume = new Map<number, StealResume>();
  /** what an M asleep in mPark does when woken (m address -> who parked it; idle.ts) */
  readonly mParkNext = new Map<number, MParkNext>();
  /** the M waiting for the next timer (Go: blocked in netpoll(delay)), or 0; see sched.ts and time.ts */
  pollerM = 0;
  /** sched.pollUntil: when that M's wait ends (0: none) */
  pollUntil = 0;
  /** netpollBreak has woken that M already */
  pollBroken = false;
  /** the emulated machine's CPU count (osinit: what sched_getaffinity reports) */
  ncpu = 1;
  mainStarted = false;
  /** what the program writes to fd 1 and fd 2: to the sink as written, the last part kept (output.ts) */
  readonly output: ProcessOutput;
  exitCode: number | undefined;
  /** the M each emulated thread runs (thread id -> m address), set when the thread first enters the runtime */
  readonly mOfThread = new Map<number, number>();
  /** assert the port's preconditions (assert.ts) */
  readonly debugChecks: boolean;
  /** entry addresses of the functions a system goroutine starts at (isSystemGoroutine) */
  private readonly systemFuncs: ReadonlySet<number>;
  /** panics in progress (_panic address -> printed value, site, pending Error/String call) while their deferred calls run */
  readonly pendingPanics = new Map<number, PendingPanic>();
  /** what each parked goroutine does when it runs again (by goid; park.ts) */
  readonly parkResumes = new PerGoroutine<ParkResume>();
  /** notetsleep's deadline per sleeping M (m address -> nanotime; lock_futex.ts) */
  readonly noteDeadlines = new Map<number, number>();
  /** the GODEBUG variables (parsedebugvars; fixed for the run) */
  readonly debug: DebugVars;
  /** schedtrace's starttime: the nanotime of its first line */
  schedtraceStart: number | undefined;
  /** Ms that preemptM asked to signal, still to be sent sigPreempt by the glue at the end of the host call (signal.ts) */
  readonly preemptPending: number[] = [];
  /** fastrandinit's fastrandseed and alginit's hashkey[0], from the seed (rand.ts) */
  readonly fastrandseed: bigint;
  readonly hashkey0: bigint;
  /** the language runtime's state (itab table): plain numbers, addresses in emulated memory */
  readonly lang: LangState = newLangState();

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
    threads.faultPanics = (pc) => faultPanics(this, pc);
    this.stacks = new StackAllocator(regions.stacks.start, regions.stacks.start + regions.stacks.size);
    this.sched = new Schedt(this.L, this.mem, machine.sym('runtime.sched'));
    this.m0 = new M(this.L, this.mem, machine.sym('runtime.m0'));
    this.g0 = new G(this.L, this.mem, machine.sym('runtime.g0'));
    ({ fastrandseed: this.fastrandseed, hashkey0: this.hashkey0 } = fastrandinit(opts.seed ?? 1, this.arch.ptrSize));
    this.debugChecks = debugChecksEnabled(opts.debugChecks);
    this.debug = parsedebugvars(opts.godebug);
    this.output = new ProcessOutput(opts.output, opts.retainOutput);
    this.systemFuncs = systemFuncEntries(machine);
  }

  // Views hold no state but their address: the ones of Gs, Ms and Ps are
  // made once per address and reused (the scheduler asks for them at every
  // step; making one is an allocation and a constructor with megamorphic stores).
  private readonly gViews = new ViewCache<G>();
  private readonly mViews = new ViewCache<M>();
  private readonly pViews = new Map<number, P>();

  g(addr: number): G {
    return this.gViews.get(addr) ?? this.gViews.add(new G(this.L, this.mem, addr));
  }
  m(addr: number): M {
    return this.mViews.get(addr) ?? this.mViews.add(new M(this.L, this.mem, addr));
  }
  p(addr: number): P {
    let v = this.pViews.get(addr);
    if (v === undefined) {
      v = new P(this.L, this.mem, addr);
      this.pViews.set(addr, v);
    }
    return v;
  }

  /** getg(): the g the current thread is running (TLS on amd64, R10 on arm). */
  getg(): G {
    return this.g(this.arch.getg(this.machine.engine, this.mem));
  }

  /** The M of the thread running now: getg().m. */
  curm(): M {
    const m = this.getg().m;
    if (m === 0) goThrow('curm: the current g has no M');
    return this.m(m);
  }

  /** The current M's P (acquirep'd), or throws. */
  curp(): P {
    const pp = this.curm().p;
    if (pp === 0) goThrow('curp: M has no P');
    return this.p(pp);
  }

  /** fastrand() on the current M (its m.fastrand; rand.ts). */
  fastrand(): number {
    return fastrand(this);
  }

  /** Ports fastrandn: fastrand() scaled into [0, n). */
  fastrandn(n: number): number {
    return Number((BigInt(this.fastrand()) * BigInt(n)) >> 32n);
  }

  /** nanotime(): the current thread's virtual clock (modeled cycles at 1 GHz). */
  nanotime(): number {
    return this.threads.current?.clock ?? 0;
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

  /** Output of the process (the write system call on fd 1 or 2, or the runtime's own messages). */
  write(fd: number, data: string | Uint8Array): void {
    this.output.write(fd, data);
    if (this.events.active) this.events.emit({ kind: 'output', fd, text: typeof data === 'string' ? data : Buffer.from(data).toString('utf8') });
  }

  /** The kept part of what the process wrote to stdout (output.ts). */
  get stdout(): string {
    return this.output.text(1);
  }

  /** The kept part of what the process wrote to stderr (output.ts). */
  get stderr(): string {
    return this.output.text(2);
  }

  // ---- snapshots: the TypeScript half of the runtime's state ----------------------
  // Everything else (g, m, p, schedt, hchan, sudog, semaRoot ...) is emulated
  // memory and goes with the arena. Fixed at creation and not captured: L,
  // mem, arch, machine, threads, opts, events, sched/m0/g0 (views at fixed
  // addresses), debugChecks, systemFuncs.

  /** Plain data (structuredClone-able) of every field that changes during a run. */
  capture(): RuntimeState {
    return {
      allgs: [...this.allgs],
      allm: [...this.allm],
      allp: [...this.allp],
      gomaxprocs: this.gomaxprocs,
      ncpu: this.ncpu,
      mainStarted: this.mainStarted,
      output: this.output.capture(),
      exitCode: this.exitCode,
      mOfThread: [...this.mOfThread],
      pendingPanics: [...this.pendingPanics].map(([g, p]) => [g, copyPending(p)]),
      parkResumes: this.parkResumes.entries().map(([goid, r]) => [goid, { ...r }]),
      noteDeadlines: [...this.noteDeadlines],
      allpCap: [...this.allpCap],
      newprocs: this.newprocs,
      idlepMask: [...this.idlepMask],
      timerpMask: [...this.timerpMask],
      stealOrder: { count: this.stealOrder.count, coprimes: [...this.stealOrder.coprimes] },
      newmPending: [...this.newmPending],
      stealResume: [...this.stealResume].map(([m, r]) => [m, { ...r, enum: { ...r.enum } }]),
      mParkNext: [...this.mParkNext],
      pollerM: this.pollerM,
      pollUntil: this.pollUntil,
      pollBroken: this.pollBroken,
      funcvals: [...this.funcvals],
      schedtraceStart: this.schedtraceStart,
      preemptPending: [...this.preemptPending],
      heap: this.heap.capture(),
      stacks: this.stacks.capture(),
      lang: structuredClone(this.lang),
    };
  }

  /** Go back to a capture() of this runtime. */
  restoreFrom(s: RuntimeState): void {
    this.allgs.splice(0, this.allgs.length, ...s.allgs);
    this.allm.splice(0, this.allm.length, ...s.allm);
    this.allp = [...s.allp];
    this.gomaxprocs = s.gomaxprocs;
    this.ncpu = s.ncpu;
    this.mainStarted = s.mainStarted;
    this.output.restoreFrom(s.output);
    this.exitCode = s.exitCode;
    refill(this.mOfThread, s.mOfThread);
    refill(this.pendingPanics, s.pendingPanics.map(([g, p]) => [g, copyPending(p)]));
    this.parkResumes.clear();
    for (const [goid, r] of s.parkResumes) this.parkResumes.set(goid, { ...r });
    refill(this.noteDeadlines, s.noteDeadlines);
    this.allpCap.splice(0, this.allpCap.length, ...s.allpCap);
    this.newprocs = s.newprocs;
    this.idlepMask = [...s.idlepMask];
    this.timerpMask = [...s.timerpMask];
    this.stealOrder = { count: s.stealOrder.count, coprimes: [...s.stealOrder.coprimes] };
    this.newmPending.splice(0, this.newmPending.length, ...s.newmPending);
    refill(this.stealResume, s.stealResume.map(([m, r]) => [m, { ...r, enum: { ...r.enum } }]));
    refill(this.mParkNext, s.mParkNext);
    this.pollerM = s.pollerM;
    this.pollUntil = s.pollUntil;
    this.pollBroken = s.pollBroken;
    refill(this.funcvals, s.funcvals);
    this.schedtraceStart = s.schedtraceStart;
    this.preemptPending.splice(0, this.preemptPending.length, ...s.preemptPending);
    this.heap.restoreFrom(s.heap);
    this.stacks.restoreFrom(s.stacks);
    Object.assign(this.lang, structuredClone(s.lang));
  }

  /**
   * Ports traceback.go isSystemGoroutine: a goroutine whose start function is
   * in package runtime, except runtime.main (the main goroutine). Go looks
   * the function up (findfunc) and tests its name; here startpc, always the
   * entry of the function passed to newproc, is looked up in the set of
   * runtime entry addresses made once at start-up (systemFuncEntries).
   * The finalizer goroutine (runfinq) counts as a system goroutine unless it
   * is running a finalizer (fingRunning); no finalizer ever runs here, so it
   * always is one, like the other runtime.* starts. Differs: no
   * handleAsyncEvent (wasm).
   */
  isSystemGoroutine(gp: G): boolean {
    return this.systemFuncs.has(gp.startpc);
  }
}

/** Runtime.capture(): plain data (maps as entry lists). */
export interface RuntimeState {
  allgs: number[];
  allm: number[];
  allp: number[];
  gomaxprocs: number;
  ncpu: number;
  mainStarted: boolean;
  output: OutputState;
  exitCode: number | undefined;
  mOfThread: [number, number][];
  pendingPanics: [number, PendingPanic][];
  parkResumes: [number, ParkResume][];
  noteDeadlines: [number, number][];
  allpCap: number[];
  newprocs: number;
  idlepMask: number[];
  timerpMask: number[];
  stealOrder: { count: number; coprimes: number[] };
  newmPending: number[];
  stealResume: [number, StealResume][];
  mParkNext: [number, MParkNext][];
  pollerM: number;
  pollUntil: number;
  pollBroken: boolean;
  funcvals: [string, number][];
  schedtraceStart: number | undefined;
  preemptPending: number[];
  heap: HeapState;
  stacks: StackAllocatorState;
  lang: LangState;
}

function refill<K, V>(m: Map<K, V>, entries: readonly (readonly [K, V])[]): void {
  m.clear();
  for (const [k, v] of entries) m.set(k, v);
}

/**
 * The entry addresses of the runtime's functions other than runtime.main:
 * every runtime.* TEXT block of the linked image (forcegchelper, bgsweep,
 * bgscavenge, ...) and every runtime.* host function (so that a program's
 * `go runtime.Gosched()`, which gc compiles as newproc of the runtime
 * function itself, starts a system goroutine, as in Go).
 */
export function systemFuncEntries(machine: Machine): Set<number> {
  const isRuntime = (name: string) => name.startsWith('runtime.') && name !== 'runtime.main';
  const entries = new Set<number>();
  for (const b of machine.image.blocks) if (isRuntime(b.name)) entries.add(b.addr);
  for (const [name, addr] of machine.host.symbols()) if (isRuntime(name)) entries.add(addr);
  return entries;
}
