// The Linux parts of the runtime's start-up: a port of go1.19 os_linux.go
// getproccount (what osinit stores in ncpu).
import { affinityMask } from '../os/linux/thread.ts';
import type { Runtime } from './runtime.ts';

/**
 * Ports getproccount: the CPUs in the affinity mask that sched_getaffinity
 * reports, counted bit by bit (at least 1). Differs: osinit is a host
 * function, so it asks the OS for the mask directly rather than through the
 * system call into an 8 KiB buffer on its stack.
 */
export function getproccount(rt: Runtime): number {
  let n = 0;
  for (let v of affinityMask(rt.threads, rt.arch.ptrSize)) {
    for (; v !== 0; v >>= 1) n += v & 1;
  }
  return n === 0 ? 1 : n;
}
