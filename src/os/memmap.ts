// The emulated address space: one arena, the same on both arches (everything
// lies below 4 GiB so 32-bit arm can address it). Page 0 (in fact everything
// below ARENA_BASE) stays unmapped, so a nil dereference faults.
import { UC } from '../engine/unicorn.ts';

const MiB = 1 << 20;

export const ARENA_BASE = 0x400000; // where Go's linker puts amd64 text, too

/** [start, start+size) regions inside the arena, with the permissions emulated code gets. */
export const REGIONS = {
  /** stubs and the compiled program (written by the host before running) */
  text: { start: 0x400000, size: 12 * MiB, perms: UC.PROT_READ | UC.PROT_EXEC },
  /** host-function slots, 16 bytes each */
  host: { start: 0x1000000, size: 64 * 1024, perms: UC.PROT_READ | UC.PROT_EXEC },
  /** runtime globals: m0, g0, sched, allp, ... */
  data: { start: 0x1010000, size: 1 * MiB - 64 * 1024, perms: UC.PROT_READ | UC.PROT_WRITE },
  /** g, m, p, hchan, sudog, closures, heap cells (the TS allocator) */
  heap: { start: 0x1100000, size: 47 * MiB, perms: UC.PROT_READ | UC.PROT_WRITE },
  /**
   * goroutine and g0 stacks (stackalloc). 1.5 GiB so that a stack can double
   * up to Go's own limit (maxstacksize: 1e9 bytes on 64-bit, 2.5e8 on 32-bit):
   * the last successful copy needs a 512 MiB stack while every smaller size
   * (about 512 MiB in all) sits in the per-size free lists. Host memory is
   * committed only where touched.
   */
  stacks: { start: 0x4000000, size: 1536 * MiB, perms: UC.PROT_READ | UC.PROT_WRITE },
} as const;

export const ARENA_END = REGIONS.stacks.start + REGIONS.stacks.size;
export const ARENA_SIZE = ARENA_END - ARENA_BASE;
export const HOST_SLOTS = REGIONS.host.size / 16;
