// The heap: a simple allocator over the heap region for everything the
// runtime and programs allocate (g, m, p, hchan, sudog, closures, and every
// object of the program through mallocgc below). Go's real allocator
// (mcache/mcentral/mheap, size classes, GC) is out of scope; what matters
// here is that objects live in emulated memory at stable addresses. Bump
// allocation with per-size free lists, memory zeroed on allocation (as
// mallocgc with needzero). There is no garbage collector: nothing the
// program allocates is ever freed, and a program that allocates more than
// the heap region holds ends as Go does when the OS refuses memory ("fatal
// error: out of memory"). The size classes are used for what programs can
// observe: the capacities growslice and []byte(s) give.
import type { Arena } from '../engine/arena.ts';
import type { Runtime } from './runtime.ts';
import { goThrow } from './throw.ts';

const ALIGN = 8;

/** mheap's growth unit (pallocChunkPages pages of 8 KiB). */
const CHUNK = 4 << 20;

/** Heap.capture(): the bump pointer, the free lists by size, the bytes in use. */
export interface HeapState {
  next: number;
  free: [number, number[]][];
  inUse: number;
}

export class Heap {
  private next: number;
  /** where the "runtime: out of memory" line goes (the process's stderr) */
  onOutOfMemory: ((line: string) => void) | undefined;
  private readonly free = new Map<number, number[]>();
  /** bytes handed out and not freed */
  inUse = 0;

  constructor(
    private readonly mem: Arena,
    readonly start: number,
    readonly end: number,
  ) {
    this.next = start;
  }

  /** mallocgc(size, needzero=true): zeroed memory, 8-byte aligned. Size 0 gets a unique 8-byte block. */
  alloc(size: number): number {
    const n = Math.max(ALIGN, Math.ceil(size / ALIGN) * ALIGN);
    const list = this.free.get(n);
    let p = list?.pop();
    if (p === undefined) {
      if (n > this.end - this.start) {
        // one block larger than the whole heap stands for a request larger than
        // the machine's memory: Linux refuses to map it and Go throws (mem_linux.go sysMapOS)
        // (on the system stack, as mheap.alloc runs: Go prints the runtime stack first)
        goThrow('runtime: out of memory', ['', 'runtime stack:', 'runtime.sysMap(...)', `\tallocating ${n} bytes`]);
      }
      if (this.next + n > this.end) {
        // what mheap.grow and mcache print when the OS refuses more memory (the ask is in 4 MiB chunks)
        const ask = Math.ceil(n / CHUNK) * CHUNK;
        this.onOutOfMemory?.(`runtime: out of memory: cannot allocate ${ask}-byte block (${this.inUse} in use)\n`);
        goThrow('out of memory');
      }
      p = this.next;
      this.next += n;
      // memory past `next` has never been written (the arena starts zeroed): no need to clear it
    } else {
      this.mem.fill(p, n, 0);
    }
    this.inUse += n;
    return p;
  }

  /** Plain data of the allocator's state (the memory itself is the arena's). */
  capture(): HeapState {
    return { next: this.next, free: [...this.free].map(([n, l]) => [n, [...l]]), inUse: this.inUse };
  }

  restoreFrom(s: HeapState): void {
    this.next = s.next;
    this.free.clear();
    for (const [n, l] of s.free) this.free.set(n, [...l]);
    this.inUse = s.inUse;
  }

  /** Give memory back (runtime-internal objects only, e.g. sudogs, freed stacks' g structs are kept). */
  release(p: number, size: number): void {
    const n = Math.max(ALIGN, Math.ceil(size / ALIGN) * ALIGN);
    let list = this.free.get(n);
    if (!list) this.free.set(n, (list = []));
    list.push(p);
    this.inUse -= n;
  }
}

/**
 * go1.19's size classes (sizeclasses.go class_to_size): the byte sizes of
 * the allocator's small-object classes. roundupsize (msize.go) rounds a
 * request up to the next class, and growslice uses it to pick the capacity.
 */
const CLASS_TO_SIZE = [
  0, 8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096,
  4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768,
];
const MAX_SMALL_SIZE = 32768;
const PAGE_SIZE = 8192;

/** roundupsize(size): the size mallocgc really gives for a request (msize.go). */
export function roundupsize(size: number): number {
  if (size < MAX_SMALL_SIZE) {
    for (const c of CLASS_TO_SIZE) if (c >= size) return c;
  }
  return Math.ceil(size / PAGE_SIZE) * PAGE_SIZE;
}

/**
 * mallocgc(size, typ, needzero): the one allocation path of compiled code
 * (newobject, makeslice, growslice, strings, maps, interfaces). Memory is
 * always zeroed; typ (a descriptor address, or 0) is not needed without a
 * collector.
 */
export function mallocgc(rt: Runtime, size: number, typ: number, needzero: boolean): number {
  void typ;
  void needzero;
  return rt.heap.alloc(size);
}
