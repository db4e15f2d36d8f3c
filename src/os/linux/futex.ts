// futex(2), the one way threads wait for each other (DESIGN.md, "Waiting is a
// syscall"): FUTEX_WAIT and FUTEX_WAKE, with or without FUTEX_PRIVATE_FLAG
// (every thread shares one address space here, so private and shared futexes
// are the same: the key is the address).
//
// FUTEX_WAIT checks *uaddr == val and blocks in one step (a system call is
// atomic on the emulated machine): a mismatch returns -EAGAIN at once, a
// timeout (relative, on the virtual clock) returns -ETIMEDOUT, a wake-up 0.
// FUTEX_WAKE wakes waiters on uaddr in the order they began to wait and
// returns how many it woke; as in Linux, a count below 1 still wakes one.
import { EFAULT, EINVAL, ENOSYS, ETIMEDOUT, EAGAIN } from './errno.ts';
import type { Threads } from '../threads.ts';
import type { SyscallHandler } from './syscalls.ts';
import { readTimespec } from './time.ts';

export const FUTEX_WAIT = 0;
export const FUTEX_WAKE = 1;
export const FUTEX_PRIVATE_FLAG = 128;

/**
 * Wake at most n (at least one) threads waiting on the futex word at addr,
 * first come first woken; their clocks move up to the current thread's. The
 * number woken, or -EINVAL for an unaligned address. Also the runtime's way to
 * wake (futexwakeup) from a host function.
 */
export function futexWake(threads: Threads, addr: number, n: number): number | bigint {
  if (addr % 4 !== 0) return -EINVAL;
  const limit = Math.max(1, n);
  let woken = 0;
  for (const t of threads.futexWaiters(addr)) {
    if (woken >= limit) break;
    threads.wake(t, 0, threads.current);
    woken++;
  }
  return woken;
}

/** futex(uaddr, op, val, timeout, uaddr2, val3): only the two operations Go uses. */
export const futex: SyscallHandler = ([uaddr, op, val, timeout], c) => {
  const addr = Number(uaddr);
  switch (Number(op) & ~FUTEX_PRIVATE_FLAG) {
    case FUTEX_WAIT: {
      let ns: number | undefined;
      if (timeout !== 0n) {
        const r = readTimespec(c.mem, Number(timeout));
        if (typeof r === 'bigint') return r;
        ns = r;
      }
      if (addr % 4 !== 0) return -EINVAL;
      if (!c.mem.contains(addr, 4)) return -EFAULT;
      if (c.mem.u32(addr) !== Number(BigInt.asUintN(32, val!))) return -EAGAIN;
      const t = c.threads.current!;
      c.threads.block(t, { on: 'futex', addr, deadline: ns === undefined ? undefined : t.clock + ns, timeoutResult: Number(-ETIMEDOUT) });
      return undefined;
    }
    case FUTEX_WAKE: {
      const r = futexWake(c.threads, addr, Number(BigInt.asIntN(32, val!)));
      return BigInt(r);
    }
    default:
      return -ENOSYS; // requeue, bitsets, PI and FUTEX_CLOCK_REALTIME are not modelled
  }
};
