// A bare emulated Linux process for OS tests: a small per-arch program (TEXT
// blocks in each arch's syntax) run from test.main on the OS's threads with
// the system-call table installed; no Go runtime. Scratch memory for the
// programs is the start of the heap region (SCRATCH), child thread stacks sit
// in the stacks region (childStack(i)).
import type { Arch } from '../../src/arch/index.ts';
import type { OsEvent } from '../../src/os/events.ts';
import type { HostRegistry } from '../../src/os/host.ts';
import { installSyscalls } from '../../src/os/linux/syscalls.ts';
import type { Machine } from '../../src/os/machine.ts';
import { REGIONS } from '../../src/os/memmap.ts';
import { Threads, type ThreadsOptions } from '../../src/os/threads.ts';
import { testMachine, type PerArch } from '../helpers.ts';

export const SCRATCH = REGIONS.heap.start;
const MAIN_STACK_TOP = REGIONS.stacks.start + 0x10000;
/** the top of child thread i's stack (64 KiB each, above the main thread's) */
export const childStack = (i: number) => MAIN_STACK_TOP + (i + 1) * 0x10000;

export interface OsRun {
  m: Machine;
  threads: Threads;
  how: 'exit' | 'all-parked';
  exitCode: number | undefined;
  out: string;
  events: OsEvent[];
}

/**
 * Run test.main of `src` as the main thread until the process exits or every
 * thread waits. `before` may fill scratch memory; `onEvent` sees each event as
 * it happens (with the threads, e.g. to read a waker's clock).
 */
export async function runOs(
  arch: Arch,
  src: PerArch,
  o: {
    opts?: ThreadsOptions;
    before?: (m: Machine) => void;
    onEvent?: (e: OsEvent, threads: Threads) => void;
    defineHosts?: (h: HostRegistry) => void;
    /** how to run the threads (default: threads.run()) */
    drive?: (threads: Threads) => 'exit' | 'all-parked';
  } = {},
): Promise<OsRun> {
  const m = await testMachine(arch, src, o.defineHosts);
  const threads = new Threads(m, { maxInsns: 5_000_000, ...o.opts });
  const events: OsEvent[] = [];
  const sink = {
    active: true,
    emit: (e: OsEvent) => {
      events.push(e);
      o.onEvent?.(e, threads);
    },
  };
  threads.events = sink;
  m.host.events = sink;
  let out = '';
  let exitCode: number | undefined;
  installSyscalls({
    arch,
    engine: m.engine,
    mem: m.mem,
    threads,
    proc: {
      write: (_fd, bytes) => (out += Buffer.from(bytes).toString('utf8')),
      exit: (code) => {
        exitCode = code;
        threads.requestExit();
      },
    },
  });
  o.before?.(m);
  threads.spawn('main', () => {
    m.engine.sp = MAIN_STACK_TOP;
    m.engine.pc = m.sym('test.main');
  });
  try {
    const how = o.drive ? o.drive(threads) : threads.run();
    return { m, threads, how, exitCode, out, events };
  } catch (e) {
    threads.dispose();
    m.close();
    throw e;
  }
}

export function closeOs(r: OsRun | undefined): void {
  if (!r) return;
  r.threads.dispose();
  r.m.close();
}
