// The emulated Linux system call layer (DESIGN.md, "src/os"): one table of
// handlers by call name, shared by both arches. The arch module supplies only
// the numbers and the register convention (Arch.syscallNumbers, syscallArgs,
// setSyscallResult); what a call does lives here. A call this table does not
// implement returns -ENOSYS, as a kernel without it would.
import type { Arch } from '../../arch/index.ts';
import type { Arena } from '../../engine/arena.ts';
import type { Disposable, Engine } from '../../engine/engine.ts';

export const ENOSYS = 38n;
export const EINVAL = 22n;
/** arch_prctl code that sets the FS base (the amd64 TLS pointer) */
export const ARCH_SET_FS = 0x1002n;

/** What the OS needs from the process it runs (the session wires these). */
export interface LinuxProcess {
  /** bytes written to a file descriptor */
  write(fd: number, bytes: Uint8Array): void;
  /** exit / exit_group: the process ends with this status (the low 8 bits, as wait(2) reports it) */
  exit(code: number): void;
}

export interface SyscallContext {
  readonly arch: Arch;
  readonly engine: Engine;
  readonly mem: Arena;
  readonly proc: LinuxProcess;
}

/** A system call: the six argument registers in, the result (or -errno) out. */
export type SyscallHandler = (args: bigint[], c: SyscallContext) => bigint;

/** The system calls the emulated OS implements, by name. */
export const SYSCALL_HANDLERS: Readonly<Record<string, SyscallHandler>> = {
  write([fd, p, n], c) {
    const len = Number(n);
    c.proc.write(Number(fd), c.mem.read(Number(p), len));
    return BigInt(len);
  },
  exit([code], c) {
    c.proc.exit(Number(BigInt.asUintN(8, code!)));
    return 0n;
  },
  exit_group([code], c) {
    c.proc.exit(Number(BigInt.asUintN(8, code!)));
    return 0n;
  },
  arch_prctl([code, addr], c) {
    if (code !== ARCH_SET_FS) return -EINVAL; // only ARCH_SET_FS is used by Go's settls
    c.arch.setThreadPointer(c.engine, addr!);
    return 0n;
  },
};

/** Answer the arch's system-call instruction with the handlers above (plus `extra`, which win). */
export function installSyscalls(c: SyscallContext, extra: Readonly<Record<string, SyscallHandler>> = {}): Disposable {
  const { arch, engine } = c;
  return arch.hookSyscall(engine, () => {
    const { nr, args } = arch.syscallArgs(engine);
    const name = arch.syscallNumbers[nr];
    const h = name === undefined ? undefined : (extra[name] ?? SYSCALL_HANDLERS[name]);
    arch.setSyscallResult(engine, h ? h(args, c) : -ENOSYS);
  });
}
