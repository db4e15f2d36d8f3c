// The heap: a simple allocator over the heap region for everything the
// runtime and programs allocate (g, m, p, hchan, sudog, closures, heap cells).
// Go's real allocator (mcache/mcentral/mheap, size classes, GC) is out of
// scope; what matters here is that objects live in emulated memory at stable
// addresses. Bump allocation with per-size free lists, memory zeroed on
// allocation (as mallocgc with needzero). Nothing is collected: programs in the
// supported subset are short-lived.
import type { Arena } from '../engine/arena.ts';
import { goThrow } from './throw.ts';

const ALIGN = 8;

/** Heap.capture(): the bump pointer, the free lists by size, the bytes in use. */
export interface HeapState {
  next: number;
  free: [number, number[]][];
  inUse: number;
}

export class Heap {
  private next: number;
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
      if (this.next + n > this.end) goThrow(`out of memory: the heap region (${this.end - this.start} bytes) is full`);
      p = this.next;
      this.next += n;
    }
    this.mem.fill(p, n, 0);
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
