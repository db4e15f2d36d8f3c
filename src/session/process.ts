// Starting a Go process on the emulated machine, the way Linux starts a Go
// binary: link the stubs and the program, lay out the runtime's globals,
// give the main thread (m0) an OS stack holding argc/argv/envp/auxv, and start
// it at the ELF entry (_rt0_<arch>_linux -> rt0_go -> ... -> schedule -> gogo).
// Everything after that is the emulated runtime: this file wires the layers
// (machine, threads, Linux system calls, runtime, event bus) and waits for
// exit(); the runtime turns fatal errors and panics into Go's messages.
import type { Arch } from '../arch/index.ts';
import { GogoError, UserError } from '../engine/errors.ts';
import type { TextBlock } from '../link/source.ts';
import { buildInitialStack } from '../os/linux/exec.ts';
import { installSyscalls } from '../os/linux/syscalls.ts';
import { Machine, stubBlocks } from '../os/machine.ts';
import { REGIONS } from '../os/memmap.ts';
import { Threads } from '../os/threads.ts';
import { reportCrash } from '../runtime/crash.ts';
import { dataSymbols, type GlobalVar } from '../runtime/globals.ts';
import { defineRuntimeHosts } from '../runtime/hosts.ts';
import { Runtime, type RuntimeOptions } from '../runtime/runtime.ts';

export { DEFAULT_RETAIN, RETAIN_NOTE, type OutputSink } from '../runtime/output.ts';
import { EventBus, type ProcessBus } from './bus.ts';

/** The main thread's OS stack at the bottom of the stacks region (Linux would give 8 MiB; Go uses 64 KiB of it for g0). */
const OS_STACK_SIZE = 1 << 20;

export interface ProgramImage {
  blocks: TextBlock[];
  globals: GlobalVar[];
}

export interface BootOptions extends RuntimeOptions {
  arch: Arch;
  program: ProgramImage;
  /** stop after this many emulated instructions */
  maxInsns?: number;
  /** instructions per thread quantum */
  slice?: number;
  /** the machine's virtual CPU count (what sched_getaffinity reports; default 4) */
  cpus?: number;
  /** perturb thread quanta with this seed to explore other interleavings (default: off) */
  interleaveSeed?: number;
  /** charge blocks from the cycle model's cost table (default true; false: disassemble each block, the same numbers, slower) */
  costTable?: boolean;
  /** called with the process before the first instruction runs (to subscribe to its bus) */
  observe?: (p: Process) => void;
  /**
   * TEXT blocks that replace the built-in stub blocks of the same name (a
   * user's own version of a stub, e.g. `gogo-emu validate --stub`); a name
   * that is not a built-in stub is an error.
   */
  stubOverrides?: readonly TextBlock[];
}

export interface ProcessResult {
  /** what the program wrote to stdout, as kept (BootOptions.retainOutput: the last part, with a note if its beginning was dropped) */
  stdout: string;
  /** ... and to stderr, likewise */
  stderr: string;
  exitCode: number;
  /** emulated instructions over all threads */
  insns: number;
  /** modeled cycles over all threads */
  cycles: number;
}

/** A booted process, ready to run. Close it when done. */
export class Process {
  private constructor(
    readonly machine: Machine,
    readonly threads: Threads,
    readonly rt: Runtime,
    /** every event of the run (OS and runtime); views subscribe here */
    readonly bus: ProcessBus,
  ) {}

  static async create(o: BootOptions): Promise<Process> {
    const data = dataSymbols(o.arch, o.program.globals);
    let rt: Runtime | undefined;
    const machine = await Machine.create({
      arch: o.arch,
      blocks: programText(o.arch, o.program, o.stubOverrides),
      data: data.addrs,
      defineHosts: (h) =>
        defineRuntimeHosts(h, () => {
          if (!rt) throw new Error('runtime used before boot');
          return rt;
        }),
    });
    try {
      const threads = new Threads(machine, { slice: o.slice, maxInsns: o.maxInsns, cpus: o.cpus, interleaveSeed: o.interleaveSeed, costTable: o.costTable });
      const stacks = { start: REGIONS.stacks.start + OS_STACK_SIZE, size: REGIONS.stacks.size - OS_STACK_SIZE };
      const bus: ProcessBus = new EventBus();
      machine.host.events = bus;
      threads.events = bus;
      rt = new Runtime(machine, threads, o, bus, { heap: REGIONS.heap, stacks });
      const runtime = rt;
      installSyscalls({
        arch: o.arch,
        engine: machine.engine,
        mem: machine.mem,
        threads,
        proc: { write: (fd, bytes) => runtime.write(fd, bytes), exit: (code) => runtime.exit(code) },
      });
      const sp = buildInitialStack(o.arch, machine.mem, REGIONS.stacks.start + OS_STACK_SIZE, ['prog']);
      const entry = machine.sym(o.arch.entrySymbol);
      const t = threads.spawn('m0', () => {
        machine.engine.sp = sp;
        machine.engine.pc = entry;
      });
      rt.mOfThread.set(t.id, rt.m0.addr);
      const p = new Process(machine, threads, rt, bus);
      o.observe?.(p);
      return p;
    } catch (e) {
      machine.close();
      throw e;
    }
  }

  /** Run to exit. Go's fatal errors and panics end the process with status 2, as in Go. */
  run(): ProcessResult {
    try {
      const how = this.threads.run();
      if (how === 'all-parked') throw pipeHang(this.threads) ?? new AllParked();
    } catch (e) {
      if (!reportCrash(this.rt, e)) throw e;
    }
    return this.result();
  }

  /** What the process has written and its status so far (exitCode 0 until it exits), with its instruction and cycle totals. */
  result(): ProcessResult {
    const { rt, threads } = this;
    const cycles = threads.all.reduce((s, t) => s + t.cycles, 0);
    return { stdout: rt.stdout, stderr: rt.stderr, exitCode: rt.exitCode ?? 0, insns: threads.totalInsns, cycles };
  }

  close(): void {
    this.threads.dispose();
    this.machine.close();
  }
}

/**
 * Every thread waits and one of them is blocked in a read or write of a pipe
 * that nobody can serve any more: the program hangs as it would under Go
 * (go1.19's checkdead counts an M in a system call as running, so it reports
 * no deadlock and the process waits forever). Undefined if no thread waits
 * on a pipe (then it is AllParked: a bug of the emulator).
 */
export function pipeHang(threads: Threads): GogoError | undefined {
  const t = threads.all.find((x) => x.state === 'waiting' && x.wait?.on === 'pipe');
  if (!t) return undefined;
  const what = t.wait!.dir === 'r' ? 'read(2) of an empty pipe whose write end stays open' : 'write(2) to a full pipe nobody reads';
  return new GogoError('program', `the program hangs: every thread waits and none can wake the others (thread ${t.tid} blocks in ${what}); go1.19 reports no deadlock while a goroutine is in a system call and would wait forever`);
}

/** Every thread waits and none can wake the others: with the Go runtime's own deadlock check in place, a bug of the emulator. */
export class AllParked extends Error {
  constructor() {
    super('every thread is parked and none can wake the others');
    this.name = 'AllParked';
  }
}

/** The text a process links: the arch's stubs (some replaced by stubOverrides), then the program's blocks. */
export function programText(arch: Arch, program: ProgramImage, stubOverrides?: readonly TextBlock[]): TextBlock[] {
  return [...withStubOverrides(arch, stubBlocks(arch), stubOverrides), ...program.blocks];
}

/** The arch's stub blocks with some replaced by name (BootOptions.stubOverrides). */
export function withStubOverrides(arch: Arch, stubs: TextBlock[], overrides: readonly TextBlock[] = []): TextBlock[] {
  if (overrides.length === 0) return stubs;
  const byName = new Map<string, TextBlock>();
  for (const b of overrides) {
    if (!stubs.some((s) => s.name === b.name)) throw new UserError(`${b.file}:${b.line}: ${b.name} is not a stub of asm/${arch.name} (a stub file can only replace built-in stubs)`);
    if (byName.has(b.name)) throw new UserError(`${b.file}:${b.line}: ${b.name} is defined twice`);
    byName.set(b.name, b);
  }
  return stubs.map((s) => byName.get(s.name) ?? s);
}

