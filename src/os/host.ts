// Host functions: runtime functions written in TypeScript that emulated code
// calls like any other function (DESIGN.md, "Host functions").
//
// Each host function gets a 16-byte slot in a host region; the slot holds the
// arch's plain return instruction (`ret` / `bx lr`). One UC_HOOK_CODE over the
// region dispatches slot index -> TypeScript function, which reads its
// arguments per the arch ABI and ends in one of two ways:
//   - return: results are stored and the slot's own return instruction runs;
//   - tail call: PC is redirected to an emulated function (call.tailCall), with
//     the arguments placed per that function's ABI; it returns to our caller.
// A host function never waits: one that must ends with a tail call into asm
// glue that makes the waiting system call (futex, nanosleep) and then calls
// back into a host function (DESIGN.md, "Waiting is a syscall"). So every
// waiting point is machine code and no host call is ever in progress while
// its thread is off the CPU.
import type { Abi, Arch } from '../arch/index.ts';
import { type Arena, OutsideArena } from '../engine/arena.ts';
import { EmulationFault } from '../engine/errors.ts';
import type { Disposable, Engine } from '../engine/engine.ts';
import { NO_EVENTS, type EventSink, type OsEvent } from './events.ts';

export const HOST_SLOT_SIZE = 16;

/** scratch for the float64 <-> bits conversions of HostCall */
const F64 = new DataView(new ArrayBuffer(8));

/** Returned by call.tailCall(); the PC has already been redirected. */
export interface TailCall {
  readonly kind: 'tailcall';
  readonly target: number;
}

/** A result value, several results, a tail call, or nothing. */
export type HostResult = void | undefined | bigint | number | readonly (bigint | number)[] | TailCall;

export type HostFn = (call: HostCall) => HostResult;

export interface HostSpec {
  /** calling convention of the Go function this implements */
  abi: Abi;
  /** number of word-sized arguments (needed to find ABI0 result slots) */
  nargs: number;
}

interface HostEntry extends HostSpec {
  name: string;
  addr: number;
  fn: HostFn;
  /** the entry's HostCall, made at install and reused by every call (a host call never nests in another) */
  call?: HostCall;
}

/** The arguments of one host call, and the ways to end it. */
export class HostCall {
  constructor(
    readonly arch: Arch,
    readonly engine: Engine,
    readonly mem: Arena,
    readonly name: string,
    readonly spec: HostSpec,
  ) {}

  /** argument i as an unsigned bigint */
  arg(i: number): bigint {
    return this.arch.arg(this.engine, this.mem, this.spec.abi, i);
  }
  /** argument i as a number (addresses, small ints): Number(arg(i)), without a BigInt */
  argN(i: number): number {
    return this.arch.argN(this.engine, this.mem, this.spec.abi, i);
  }
  /** argument i as a signed integer of the arch's int width */
  argInt(i: number): bigint {
    return BigInt.asIntN(this.arch.ptrSize * 8, this.arg(i));
  }

  /**
   * An int64 argument that starts at word index i: one word on 64-bit arches,
   * two (low word first) where pointers are 32 bits, as Go passes int64 there.
   */
  argI64(i: number): bigint {
    if (this.arch.ptrSize === 8) return BigInt.asIntN(64, this.arg(i));
    return BigInt.asIntN(64, this.arg(i) | (this.arg(i + 1) << 32n));
  }

  /** How many argument words an int64 or float64 takes (1 on 64-bit arches, 2 where pointers are 32 bits). */
  get int64Words(): number {
    return 8 / this.arch.ptrSize;
  }

  /** A float64 argument starting at word i: its IEEE bits travel as an int64 (argI64). */
  argF64(i: number): number {
    F64.setBigInt64(0, this.argI64(i), true);
    return F64.getFloat64(0, true);
  }

  /** A float64 as result or argument words: its IEEE bits as an int64 (i64). */
  f64(x: number): bigint[] {
    F64.setFloat64(0, x, true);
    return this.i64(F64.getBigInt64(0, true));
  }

  /** An int64 as argument words for tailCall (low word first where pointers are 32 bits). */
  i64(v: bigint | number): bigint[] {
    const u = BigInt.asUintN(64, BigInt(v));
    return this.arch.ptrSize === 8 ? [u] : [u & 0xffffffffn, u >> 32n];
  }

  /** Redirect into an emulated function (see file comment). */
  tailCall(target: number, args: readonly (bigint | number)[] = [], abi: Abi = 'abi0'): TailCall {
    this.arch.tailCall(this.engine, this.mem, abi, target, args);
    return { kind: 'tailcall', target };
  }

  /** set by callFirst: code to run when this call ends, before its continuation */
  first: number | undefined;

  /**
   * When this host call ends (by return or tail call), run the code at `glue`
   * before going on (Arch.interpose): glue must keep every register and the
   * stack above SP as it found them and end by continuing (RET / BX R12).
   */
  callFirst(glue: number): void {
    if (this.first !== undefined && this.first !== glue) throw new Error(`${this.name}: two different codes to run first`);
    this.first = glue;
  }
}

/** HostRegistry.capture(): plain data. */
export interface HostRegistryState {
  calls: number;
}

function isTailCall(x: unknown): x is TailCall {
  return typeof x === 'object' && x !== null && (x as TailCall).kind === 'tailcall';
}

export class HostRegistry {
  private readonly entries: HostEntry[] = [];
  private readonly byName = new Map<string, HostEntry>();
  private hook: Disposable | undefined;
  private engine: Engine | undefined;
  private mem: Arena | undefined;
  /** called first on every dispatch by the one owner (the thread layer charges the call's cost) */
  beforeCall: (() => void) | undefined;
  /**
   * Called before a host function runs; returning true means "not now": the
   * interceptor has stopped the CPU (a breakpoint on the slot), the function
   * is not called and runs when execution resumes at the slot. Set by the
   * session layer.
   */
  interceptCall: ((pc: number) => boolean) | undefined;
  /**
   * Host calls dispatched so far: each is one instruction executed in the
   * host region (the slot's, whether it returned or tail-called), which
   * Unicorn's instruction count includes and the thread layer's text count
   * does not.
   */
  calls = 0;
  /** where 'hostcall' events go (the session's bus) */
  events: EventSink<OsEvent> = NO_EVENTS;
  /** the thread id reported with 'hostcall' events */
  currentThread: () => number = () => 0;

  constructor(
    readonly arch: Arch,
    /** address of the first slot (inside a mapped, executable region) */
    readonly base: number,
    /** maximum number of slots */
    readonly capacity: number,
  ) {}

  /** Bind a TypeScript function to a runtime symbol. Returns the slot address. */
  define(name: string, spec: HostSpec, fn: HostFn): number {
    if (this.byName.has(name)) throw new Error(`host function ${name} defined twice`);
    if (this.entries.length >= this.capacity) throw new Error(`host region full (${this.capacity} slots)`);
    if (this.hook) throw new Error(`host function ${name} defined after install()`);
    const e: HostEntry = { name, addr: this.base + this.entries.length * HOST_SLOT_SIZE, fn, ...spec };
    this.entries.push(e);
    this.byName.set(name, e);
    return e.addr;
  }

  /** name -> slot address, for the linker's externals */
  symbols(): Map<string, number> {
    return new Map(this.entries.map((e) => [e.name, e.addr]));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  addr(name: string): number {
    const e = this.byName.get(name);
    if (!e) throw new Error(`no host function ${name}`);
    return e.addr;
  }

  /** The host function whose slot holds addr, if any. */
  nameAt(addr: number): string | undefined {
    const i = Math.floor((addr - this.base) / HOST_SLOT_SIZE);
    return i >= 0 && i < this.entries.length ? this.entries[i]!.name : undefined;
  }

  get end(): number {
    return this.base + this.capacity * HOST_SLOT_SIZE;
  }

  /** Fill the slots with the return instruction and hook the region. */
  install(engine: Engine, mem: Arena): void {
    this.engine = engine;
    this.mem = mem;
    mem.fill(this.base, this.capacity * HOST_SLOT_SIZE, 0);
    for (const e of this.entries) {
      mem.write(e.addr, this.arch.retInsn);
      e.call = undefined; // made again for this engine and memory
    }
    engine.invalidateCode(this.base, this.capacity * HOST_SLOT_SIZE);
    this.hook = engine.hookCode(this.base, this.end - 1, (pc) => this.dispatch(pc));
  }

  private dispatch(pc: number): void {
    const i = (pc - this.base) / HOST_SLOT_SIZE;
    const e = this.entries[i];
    if (!e || !Number.isInteger(i)) throw new Error(`jump into the host region at 0x${pc.toString(16)}, not a host function`);
    if (this.interceptCall?.(pc)) return;
    this.calls++;
    this.beforeCall?.();
    if (this.events.active) this.events.emit({ kind: 'hostcall', name: e.name, addr: pc, thread: this.currentThread() });
    const call = (e.call ??= new HostCall(this.arch, this.engine!, this.mem!, e.name, e));
    call.first = undefined;
    try {
      const r = e.fn(call);
      const tail = isTailCall(r);
      if (!tail && r !== undefined) {
        if (Array.isArray(r)) {
          for (let k = 0; k < r.length; k++) this.arch.setResult(call.engine, call.mem, e.abi, e.nargs, k, r[k]!);
        } else {
          this.arch.setResult(call.engine, call.mem, e.abi, e.nargs, 0, r as bigint | number);
        }
      }
      if (call.first !== undefined) this.arch.interpose(call.engine, call.mem, call.first, tail);
    } catch (x) {
      // the emulated code handed the host an address outside memory (a stack
      // pointer or a pointer a broken stub corrupted): a fault of the program,
      // as the same access by the real runtime would be, not of the tool
      if (x instanceof OutsideArena) {
        throw new EmulationFault('host access outside memory', pc, x.addr, `host function ${e.name}`, this.engine!.dump(), `${e.name} accessed ${x.len} bytes at 0x${x.addr.toString(16)}, outside the emulated memory`);
      }
      throw x;
    }
  }

  // ---- snapshots: the entries and hooks are fixed at install; only the count moves ----

  capture(): HostRegistryState {
    return { calls: this.calls };
  }

  restoreFrom(s: HostRegistryState): void {
    this.calls = s.calls;
  }

  dispose(): void {
    this.hook?.dispose();
    this.hook = undefined;
  }
}
