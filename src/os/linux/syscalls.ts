// The emulated Linux system call layer (DESIGN.md, "src/os"): one table of
// handlers by call name, shared by both arches. The arch module supplies only
// the numbers and the register convention (Arch.syscallNumbers, syscallArgs,
// setSyscallResult); what a call does lives here and in the files next to it
// (futex.ts, time.ts, thread.ts, pipe.ts). A call this table does not implement
// returns -ENOSYS, as a kernel without it would.
//
// A handler returns the call's result (-errno on failure), or undefined when
// the calling thread blocked or ended: the result of a blocked call is kept
// with the thread and delivered when it runs again (threads.ts).
import type { Arch } from '../../arch/index.ts';
import type { Arena } from '../../engine/arena.ts';
import type { Disposable, Engine } from '../../engine/engine.ts';
import type { Threads } from '../threads.ts';
import { EINVAL, ENOSYS } from './errno.ts';
import { REGIONS } from '../memmap.ts';
import { futex } from './futex.ts';
import { close, pipe2, pipeWrite, read } from './pipe.ts';
import { clone, exit, exit_group, getpid, gettid, sched_getaffinity, sched_yield } from './thread.ts';
import { clock_gettime, nanosleep } from './time.ts';
import { deliverSignals, rt_sigaction, rt_sigprocmask, rt_sigreturn, sigaltstack, tgkill } from './signal.ts';

export { EINVAL, ENOSYS } from './errno.ts';
/** arch_prctl code that sets the FS base (the amd64 TLS pointer) */
export const ARCH_SET_FS = 0x1002n;

/** What the OS needs from the process it runs (the session wires these). */
export interface LinuxProcess {
  /** bytes written to a file descriptor */
  write(fd: number, bytes: Uint8Array): void;
  /** the process ends with this status (exit_group, or exit of its last thread; the low 8 bits, as wait(2) reports it) */
  exit(code: number): void;
}

export interface SyscallContext {
  readonly arch: Arch;
  readonly engine: Engine;
  readonly mem: Arena;
  readonly proc: LinuxProcess;
  /** the process's threads and the virtual clock; `threads.current` made the call */
  readonly threads: Threads;
}

/** A system call: the six argument registers in; the result (or -errno) out, or undefined if the thread blocked or ended. */
export type SyscallHandler = (args: bigint[], c: SyscallContext) => bigint | undefined;

/** The system calls the emulated OS implements, by name. */
export const SYSCALL_HANDLERS: Readonly<Record<string, SyscallHandler>> = {
  write([fd, p, n], c) {
    const len = Number(n);
    const fdn = Number(fd);
    if (fdn !== 1 && fdn !== 2) return pipeWrite(fdn, Number(p), len, c);
    c.proc.write(fdn, c.mem.read(Number(p), len));
    return BigInt(len);
  },
  read,
  close,
  pipe2,
  exit,
  exit_group,
  arch_prctl([code, addr], c) {
    if (code !== ARCH_SET_FS) return -EINVAL; // only ARCH_SET_FS is used by Go's settls
    c.arch.setThreadPointer(c.engine, addr!);
    return 0n;
  },
  clone,
  futex,
  nanosleep,
  clock_gettime,
  gettid,
  getpid,
  sched_yield,
  sched_getaffinity,
  rt_sigaction,
  rt_sigprocmask,
  sigaltstack,
  tgkill,
  rt_sigreturn,
};

/** Answer the arch's system-call instruction with the handlers above (plus `extra`, which win). */
export function installSyscalls(c: SyscallContext, extra: Readonly<Record<string, SyscallHandler>> = {}): Disposable {
  const { arch, engine } = c;
  c.threads.beforeQuantum = (t) => deliverSignals(c, t);
  const code = arch.signal.sigreturnCode;
  if (code) c.mem.write(REGIONS.sigpage.start, code); // the kernel's sigpage
  return arch.hookSyscall(engine, () => {
    const { nr, args } = arch.syscallArgs(engine);
    const name = arch.syscallNumbers[nr];
    const h = name === undefined ? undefined : (extra[name] ?? SYSCALL_HANDLERS[name]);
    const r = h ? h(args, c) : -ENOSYS;
    if (r !== undefined) arch.setSyscallResult(engine, r);
  });
}
