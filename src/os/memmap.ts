// The emulated address space: one arena, the same on both arches (everything
// lies below 4 GiB so 32-bit arm can address it; it ends at 0xf0000000, below
// arm's high vectors page at 0xffff0000). Page 0 (in fact everything below
// ARENA_BASE) stays unmapped, so a nil dereference faults. Host memory is
// reserved, not committed: only pages the program touches cost memory.
//
// Sizing: a goroutine takes its g (392 bytes on amd64, 240 on arm), a
// 2 KiB stack, and usually a closure and a sudog while it waits, about
// 2.6 KiB on amd64; a million goroutines take about 450 MiB of heap and
// 2 GiB of stacks, which fit (test/runtime/memory.test.ts measures the
// per-goroutine cost and checks the arithmetic on both arches). The
// 32-bit address space is the limit on arm: the same regions are all it
// has room for.
import { EXIT_SENTINEL } from '../engine/engine.ts';
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
  /** g, m, p, hchan, sudog, closures and every object of the program (mallocgc; no collector) */
  heap: { start: 0x1100000, size: 1024 * MiB - 17 * MiB, perms: UC.PROT_READ | UC.PROT_WRITE },
  /**
   * goroutine and g0 stacks (stackalloc): 2.75 GiB. A million 2 KiB
   * goroutine stacks take 2 GiB; a stack can still double up to Go's own
   * limit (maxstacksize: 1e9 bytes on 64-bit, 2.5e8 on 32-bit): the last
   * successful copy needs a 512 MiB stack while every smaller size (about
   * 512 MiB in all) sits in the per-size free lists.
   */
  stacks: { start: 0x40000000, size: 2816 * MiB, perms: UC.PROT_READ | UC.PROT_WRITE },
} as const;

export const ARENA_END = REGIONS.stacks.start + REGIONS.stacks.size;
export const ARENA_SIZE = ARENA_END - ARENA_BASE;
export const HOST_SLOTS = REGIONS.host.size / 16;

// The engine's exit sentinel must stay unmapped, or a return to it would run
// whatever memory lies there instead of ending the run.
if (EXIT_SENTINEL >= ARENA_BASE && EXIT_SENTINEL < ARENA_END) throw new Error(`memmap: the arena [0x${ARENA_BASE.toString(16)}, 0x${ARENA_END.toString(16)}) covers the exit sentinel 0x${EXIT_SENTINEL.toString(16)}`);
