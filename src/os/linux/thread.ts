// Thread system calls: clone (threads only, the way Go's newosproc makes
// one), exit (the calling thread; the process ends with the last one),
// gettid, getpid, sched_yield and sched_getaffinity (the machine's virtual
// CPUs: DESIGN.md, "Threads (Ms), CPUs and time").
import { EFAULT, EINVAL, ESRCH } from './errno.ts';
import type { Threads } from '../threads.ts';
import type { SyscallHandler } from './syscalls.ts';

// clone flags (linux/sched.h)
const CSIGNAL = 0xff; // the exit signal in the low byte
const CLONE_VM = 0x100;
const CLONE_FS = 0x200;
const CLONE_FILES = 0x400;
const CLONE_SIGHAND = 0x800;
const CLONE_THREAD = 0x10000;
const CLONE_SYSVSEM = 0x40000;
const CLONE_SETTLS = 0x80000;
/** a thread in the same process: what clone must be asked for (no new processes here) */
const CLONE_NEEDED = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD;
/** everything Go's cloneFlags use, plus CLONE_SETTLS */
const CLONE_KNOWN = CLONE_NEEDED | CLONE_FS | CLONE_FILES | CLONE_SYSVSEM | CLONE_SETTLS | CSIGNAL;

/**
 * The pid of the process (getpid, tgkill's tgid, a tkill signal's si_pid):
 * a fixed number of the range Linux gives ordinary processes (above its
 * RESERVED_PIDS, 300), so a program's `os.Getpid() > 2` holds as it does
 * for real Go. Differs from Linux: thread ids start at 1 (the main thread's
 * tid is not the pid), which keeps thread numbers small in traces and the
 * debugger; nothing in the Go subset reads a tid.
 */
export const PID = 1000;

/**
 * clone(flags, stack, ...): a new thread starting at the instruction after the
 * syscall, with SP = stack (the parent's if 0), the thread pointer from the
 * TLS argument with CLONE_SETTLS (arch.cloneTlsArg), every other register as
 * the parent's, and result 0. The parent gets the child's tid. Flags asking
 * for anything but a thread of this process (a new process, tid writes,
 * namespaces, vfork) are refused with -EINVAL.
 */
export const clone: SyscallHandler = (args, c) => {
  const flags = Number(BigInt.asUintN(32, args[0]!));
  if ((flags & CLONE_NEEDED) !== CLONE_NEEDED || (flags & ~CLONE_KNOWN) !== 0) return -EINVAL;
  const stack = Number(args[1]);
  const child = c.threads.spawnClone(c.threads.current!, {
    pc: c.arch.syscallReturnPC(c.engine),
    sp: stack !== 0 ? stack : c.engine.sp,
    tls: flags & CLONE_SETTLS ? args[c.arch.cloneTlsArg]! : undefined,
  });
  return BigInt(child.tid);
};

/** exit(code): the calling thread ends; when it was the last, the process exits with code. */
export const exit: SyscallHandler = ([code], c) => {
  const status = Number(BigInt.asUintN(8, code!));
  if (c.threads.exitThread(c.threads.current!, status)) c.proc.exit(status);
  return undefined;
};

/** exit_group(code): the whole process ends. */
export const exit_group: SyscallHandler = ([code], c) => {
  c.proc.exit(Number(BigInt.asUintN(8, code!)));
  return undefined;
};

export const gettid: SyscallHandler = (_args, c) => BigInt(c.threads.current!.tid);

export const getpid: SyscallHandler = () => BigInt(PID);

/** sched_yield(): the quantum ends; the timeline picks the next thread (maybe this one again). */
export const sched_yield: SyscallHandler = (_args, c) => {
  c.threads.yield();
  return 0n;
};

/**
 * The affinity mask of every thread: one bit per virtual CPU, in whole longs
 * (as cpumask_size() with as many CPUs as the machine has).
 */
export function affinityMask(threads: Threads, longSize: number): Uint8Array {
  const ncpu = threads.cpus;
  const bytes = new Uint8Array(Math.ceil(ncpu / (8 * longSize)) * longSize);
  for (let cpu = 0; cpu < ncpu; cpu++) bytes[cpu >> 3]! |= 1 << (cpu & 7);
  return bytes;
}

/**
 * sched_getaffinity(pid, len, mask): every virtual CPU. Like Linux: -EINVAL
 * if len cannot hold a bit per CPU or is not a multiple of a long; the result
 * is the number of bytes written.
 */
export const sched_getaffinity: SyscallHandler = ([pid, len, mask], c) => {
  const p = Number(pid);
  if (p !== 0 && c.threads.byTid(p) === undefined) return -ESRCH;
  const w = c.mem.wordSize;
  const n = Number(len);
  if (n * 8 < c.threads.cpus || n % w !== 0) return -EINVAL;
  const bytes = affinityMask(c.threads, w).subarray(0, n);
  if (!c.mem.contains(Number(mask), bytes.length)) return -EFAULT;
  c.mem.write(Number(mask), bytes);
  return BigInt(bytes.length);
};
