// The host functions of system calls: the runtime halves of entersyscall
// and exitsyscall (syscall.ts), and the data-only parts of package syscall
// that the hand-compiled functions of asm/<arch>/syscall.s call: errnoErr
// (syscall_unix.go), Errno.Error (its table from zerrors_linux_*.go) and
// NsecToTimespec (timestruct.go).
//
// Differs: errnoErr boxes every errno afresh (Go returns the preallocated
// errEAGAIN / errEINVAL / errENOENT for those three: the same value, only
// the box differs), and Errno's table holds only the errnos the emulated OS
// can return (the others print as Go prints an errno without text,
// "errno N").
import { defineEntry, ENTRY } from '../abi/index.ts';
import type { HostRegistry } from '../os/host.ts';
import type { Runtime } from './runtime.ts';
import { exitsyscall0, exitsyscallAfter, exitsyscallFast, reentersyscall } from './syscall.ts';
import { goThrow } from './throw.ts';
import { newString } from './typedesc.ts';

/**
 * The data symbol the compiler emits for a program that calls package
 * syscall: one word, the address of the itab of syscall.Errno for error.
 */
export const ERRNO_ITAB_SYM = 'syscall.errnoItab';

/** syscall's errors table, for the errnos the emulated OS returns (zerrors_linux_amd64.go and _arm.go agree). */
const ERRNO_TEXT: Readonly<Record<number, string>> = {
  1: 'operation not permitted',
  3: 'no such process',
  4: 'interrupted system call',
  9: 'bad file descriptor',
  11: 'resource temporarily unavailable',
  12: 'cannot allocate memory',
  14: 'bad address',
  22: 'invalid argument',
  32: 'broken pipe',
  38: 'function not implemented',
  110: 'connection timed out',
};

/** Ports Errno.Error: the table's text, else "errno N". */
export function errnoText(e: number): string {
  return ERRNO_TEXT[e] ?? `errno ${e}`;
}

/** Ports errnoErr: nil for 0, else the Errno as an error (itab, pointer to the boxed value). */
export function errnoErr(rt: Runtime, e: number): [number, number] {
  if (e === 0) return [0, 0];
  const sym = rt.machine.image.symbols.get(ERRNO_ITAB_SYM) ?? rt.machine.data.get(ERRNO_ITAB_SYM);
  if (sym === undefined) goThrow(`syscall.errnoErr: the program has no ${ERRNO_ITAB_SYM} (compiled without package syscall)`);
  const W = rt.arch.ptrSize;
  const box = rt.heap.alloc(W);
  rt.mem.setWord(box, BigInt(e));
  return [rt.mem.ptr(sym!), box];
}

/** Ports NsecToTimespec: seconds and nanoseconds (the nanoseconds never negative). */
export function nsecToTimespec(nsec: bigint): [bigint, bigint] {
  let sec = nsec / 1_000_000_000n;
  let ns = nsec % 1_000_000_000n;
  if (ns < 0n) {
    ns += 1_000_000_000n;
    sec -= 1n;
  }
  return [sec, ns];
}

export function defineSyscallHosts(host: HostRegistry, rt: () => Runtime): void {
  // entersyscall's body, given getcallerpc() and getcallersp()
  host.define('runtime.reentersyscall', { abi: 'internal', nargs: 2 }, (c) => reentersyscall(rt(), c.argN(0), c.argN(1)));
  // exitsyscall up to its mcall (0: done; else the funcval of exitsyscall0), and after it
  host.define('runtime.exitsyscall.fast', { abi: 'internal', nargs: 1 }, (c) => exitsyscallFast(rt(), c.argN(0)));
  host.define('runtime.exitsyscall.after', { abi: 'internal', nargs: 0 }, () => exitsyscallAfter(rt()));
  host.define('runtime.exitsyscall0', { abi: 'internal', nargs: 1 }, (c) => exitsyscall0(rt(), c, rt().g(c.argN(0))));
  host.define('syscall.errnoErr', { abi: 'internal', nargs: 1 }, (c) => errnoErr(rt(), c.argN(0)));
  defineEntry(host, ENTRY.errnoError, (c) => newString(rt(), new TextEncoder().encode(errnoText(c.argN(0)))));
  defineEntry(host, ENTRY.syscallNsecToTimespec, (c) => {
    const [sec, ns] = nsecToTimespec(c.argI64(0));
    const W = rt().arch.ptrSize;
    // setTimespec: the fields are C longs (int64 on amd64, int32 on arm)
    return [Number(BigInt.asIntN(W * 8, sec)), Number(ns)];
  });
}
