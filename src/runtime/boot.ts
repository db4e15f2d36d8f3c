// Starting a Go process on the emulated machine, the way Linux starts a Go
// binary: link the stubs and the program, lay out the runtime's globals,
// give the main thread (m0) an OS stack holding argc/argv/envp/auxv, and start
// it at the ELF entry (_rt0_<arch>_linux -> rt0_go -> ... -> schedule -> gogo).
// Everything after that is the emulated runtime: this file only waits for
// exit() and turns fatal errors and panics into Go's messages and status 2.
import type { Arch } from '../arch/index.ts';
import { EmulationFault, UserError } from '../engine/errors.ts';
import type { TextBlock } from '../link/source.ts';
import { Machine, stubBlocks } from '../os/machine.ts';
import { REGIONS } from '../os/memmap.ts';
import { BudgetExceeded, Threads } from '../os/threads.ts';
import { dataSymbols, type GlobalVar } from './globals.ts';
import { defineRuntimeHosts } from './hosts.ts';
import { Runtime, type RuntimeOptions } from './runtime.ts';
import { GoPanic, GoThrow } from './throw.ts';
import { frameLines, tracebackParked } from './traceback.ts';

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
  /** instructions per thread slice */
  slice?: number;
  /** called with the runtime before the first instruction runs (to subscribe to events) */
  observe?: (rt: Runtime) => void;
  /**
   * TEXT blocks that replace the built-in stub blocks of the same name (a
   * user's own version of a stub, e.g. `gogo-emu validate --stub`); a name
   * that is not a built-in stub is an error.
   */
  stubOverrides?: readonly TextBlock[];
}

export interface ProcessResult {
  stdout: string;
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
  ) {}

  static async create(o: BootOptions): Promise<Process> {
    const data = dataSymbols(o.arch, o.program.globals);
    let rt: Runtime | undefined;
    const machine = await Machine.create({
      arch: o.arch,
      blocks: [...withStubOverrides(o.arch, stubBlocks(o.arch), o.stubOverrides), ...o.program.blocks],
      data: data.addrs,
      defineHosts: (h) =>
        defineRuntimeHosts(h, () => {
          if (!rt) throw new Error('runtime used before boot');
          return rt;
        }),
    });
    try {
      const threads = new Threads(machine, { slice: o.slice, maxInsns: o.maxInsns });
      const stacks = { start: REGIONS.stacks.start + OS_STACK_SIZE, size: REGIONS.stacks.size - OS_STACK_SIZE };
      rt = new Runtime(machine, threads, o, { heap: REGIONS.heap, stacks });
      const runtime = rt;
      o.arch.hookSyscalls(machine.engine, (name, args) => osSyscall(runtime, name, args));
      const sp = buildOSStack(machine, REGIONS.stacks.start + OS_STACK_SIZE, ['prog']);
      const entry = machine.sym(o.arch.entrySymbol);
      const t = threads.spawn('m0', () => {
        machine.engine.sp = sp;
        machine.engine.pc = entry;
      });
      rt.mOfThread.set(t, rt.m0.addr);
      o.observe?.(rt);
      return new Process(machine, threads, rt);
    } catch (e) {
      machine.close();
      throw e;
    }
  }

  /** Run to exit. Go's fatal errors and panics end the process with status 2, as in Go. */
  run(): ProcessResult {
    const { rt, threads } = this;
    try {
      const how = threads.run();
      if (how === 'all-parked') throw new Error('every thread is parked and none can wake the others');
    } catch (e) {
      if (e instanceof GoThrow) {
        rt.write(2, `fatal error: ${e.what}\n`);
        for (const l of e.throwType === 'runtime' && e.dump.length === 0 ? this.throwContext() : e.dump) rt.write(2, `${l}\n`);
        rt.exitCode = 2;
      } else if (e instanceof GoPanic) {
        // Go prints the panic, then the panicking goroutine (running) and its
        // frames; a panic raised by a runtime host function shows its caller.
        const { engine, host, mem } = this.machine;
        const pc = engine.pc;
        const inHost = host.nameAt(pc) !== undefined;
        const site = e.site ?? { pc: inHost ? this.machine.arch.returnAddress(engine, mem) : pc, isReturnAddr: inHost };
        const lines = [`panic: ${e.value}`, '', `goroutine ${e.goid} [running]:`, ...frameLines(rt, site.pc, site.isReturnAddr)];
        rt.write(2, `${lines.join('\n')}\n`);
        rt.exitCode = 2;
      } else if (e instanceof BudgetExceeded || e instanceof EmulationFault) {
        throw e;
      } else {
        throw e;
      }
    }
    const cycles = threads.all.reduce((s, t) => s + t.cycles, 0);
    return { stdout: rt.stdout, stderr: rt.stderr, exitCode: rt.exitCode ?? 0, insns: threads.totalInsns, cycles };
  }

  /**
   * What Go prints after a throw that carries no dump of its own: on the
   * system stack "runtime stack:" (host frames have no text here), then the
   * user goroutine the M was running.
   */
  private throwContext(): string[] {
    const { rt } = this;
    try {
      const m = rt.curm();
      const g = rt.getg();
      const out: string[] = [];
      if (g.addr === m.g0) out.push('', 'runtime stack:', `${this.machine.describe(this.machine.engine.pc)}(...)`);
      if (m.curg !== 0) out.push('', ...tracebackParked(rt, rt.g(m.curg)).map((l, i) => (i === 0 ? l.replace(/\[[^\]]*\]/, '[running]') : l)));
      return out;
    } catch {
      return [];
    }
  }

  close(): void {
    this.threads.dispose();
    this.machine.close();
  }
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

/** The system calls the emulated OS implements (beyond what the arch handles itself). */
function osSyscall(rt: Runtime, name: string, args: bigint[]): bigint {
  switch (name) {
    case 'write': {
      const [fd, p, n] = args.map(Number) as [number, number, number];
      rt.write(fd, Buffer.from(rt.mem.read(p, n)).toString('utf8'));
      return BigInt(n);
    }
    case 'exit':
    case 'exit_group':
      rt.exit(Number(BigInt.asIntN(32, args[0]!)));
      return 0n;
    default:
      return -38n; // ENOSYS
  }
}

/**
 * The initial stack of a Linux process below `top`: argc, argv pointers, NULL,
 * an empty environment (NULL) and an empty auxiliary vector (AT_NULL), with
 * the argument strings above them. Returns the initial SP (at argc).
 */
function buildOSStack(m: Machine, top: number, argv: string[]): number {
  const w = m.arch.ptrSize;
  let at = top;
  const ptrs = argv.map((s) => {
    const bytes = Buffer.from(`${s}\0`, 'utf8');
    at -= bytes.length;
    m.mem.write(at, bytes);
    return at;
  });
  at = Math.floor(at / 16) * 16;
  const words = [argv.length, ...ptrs, 0, 0, 0, 0]; // argc, argv..., NULL, envp NULL, AT_NULL pair
  at -= words.length * w;
  at = Math.floor(at / 16) * 16;
  words.forEach((v, i) => m.mem.setPtr(at + i * w, v));
  return at;
}
