// Time system calls on the virtual clock (DESIGN.md, "Threads (Ms), CPUs and
// time"): nanosleep blocks the thread until its clock's deadline (costing
// nothing meanwhile), clock_gettime reads the calling thread's clock. Neither
// ever looks at the host's time, so a run is the same however fast the host is.
//
// struct timespec is {tv_sec, tv_nsec}, two C longs: 8 bytes each on x86-64,
// 4 on arm (the 32-bit syscalls take the old 32-bit timespec).
import type { Arena } from '../../engine/arena.ts';
import { EFAULT, EINVAL } from './errno.ts';
import type { SyscallHandler } from './syscalls.ts';

const NS_PER_S = 1_000_000_000;

/**
 * CLOCK_REALTIME at virtual time 0: 2026-01-01T00:00:00Z (fixed, so runs
 * repeat exactly; recent, so a program comparing time.Now() with a date of
 * the last years gets what a real run gets today).
 */
export const REALTIME_EPOCH_NS = 1_767_225_600 * NS_PER_S;

// clock ids (linux/time.h)
const CLOCK_REALTIME = 0;
const CLOCK_MONOTONIC = 1;
const CLOCK_MONOTONIC_RAW = 4;
const CLOCK_REALTIME_COARSE = 5;
const CLOCK_MONOTONIC_COARSE = 6;
const CLOCK_BOOTTIME = 7;

function long(mem: Arena, addr: number): bigint {
  return mem.wordSize === 8 ? mem.i64(addr) : BigInt(mem.i32(addr));
}

/**
 * A relative timespec at `addr` in nanoseconds, or -EFAULT / -EINVAL as the
 * kernel answers a bad pointer or a negative or unnormalised value.
 */
export function readTimespec(mem: Arena, addr: number): number | bigint {
  const w = mem.wordSize;
  if (!mem.contains(addr, 2 * w)) return -EFAULT;
  const sec = long(mem, addr);
  const nsec = long(mem, addr + w);
  if (sec < 0n || nsec < 0n || nsec >= BigInt(NS_PER_S)) return -EINVAL;
  return Number(sec) * NS_PER_S + Number(nsec);
}

/** Store ns as a timespec at addr; false if addr is not in memory. */
export function writeTimespec(mem: Arena, addr: number, ns: number): boolean {
  const w = mem.wordSize;
  if (!mem.contains(addr, 2 * w)) return false;
  mem.setWord(addr, BigInt(Math.floor(ns / NS_PER_S)));
  mem.setWord(addr + w, BigInt(ns % NS_PER_S));
  return true;
}

/** nanosleep(req, rem): sleep req on the virtual clock. rem is never written (no signal interrupts a sleep yet). */
export const nanosleep: SyscallHandler = ([req], c) => {
  const ns = readTimespec(c.mem, Number(req));
  if (typeof ns === 'bigint') return ns;
  const t = c.threads.current!;
  c.threads.block(t, { on: 'nanosleep', deadline: t.clock + ns, timeoutResult: 0 });
  return undefined;
};

/** clock_gettime(clk, tp): the calling thread's clock; the realtime clocks add REALTIME_EPOCH_NS. */
export const clock_gettime: SyscallHandler = ([clk, tp], c) => {
  const now = c.threads.current!.clock;
  let ns: number;
  switch (Number(clk)) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
      ns = REALTIME_EPOCH_NS + now;
      break;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
      ns = now;
      break;
    default:
      return -EINVAL; // CPU-time and per-process clocks are not modelled
  }
  return writeTimespec(c.mem, Number(tp), ns) ? 0n : -EFAULT;
};
