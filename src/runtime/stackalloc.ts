// Stack memory: ports the idea of stack.go's stackalloc/stackfree. Go keeps
// per-size pools of spans; here stacks are carved from the stacks region by a
// bump pointer, aligned like Go's spans (to the size up to 8 KiB, then to
// 8 KiB pages), and freed stacks go to a per-size free list for reuse (last
// freed, first reused), so addresses are deterministic.
import { goThrow } from './throw.ts';

/** Go's heap page size: large stacks are runs of pages. */
const PAGE = 8192;

export interface StackRange {
  lo: number;
  hi: number;
}

/** StackAllocator.capture(): the bump pointer, the free stacks by size, the bytes in use. */
export interface StackAllocatorState {
  next: number;
  pools: [number, number[]][];
  inUse: number;
}

export class StackAllocator {
  private next: number;
  private readonly pools = new Map<number, number[]>();
  /** bytes of stack in use */
  inUse = 0;

  constructor(
    readonly start: number,
    readonly end: number,
  ) {
    this.next = start;
  }

  /** stackalloc(n): n must be a power of two. */
  alloc(n: number): StackRange {
    if (n <= 0 || (n & (n - 1)) !== 0) goThrow(`stackalloc: bad size ${n}`);
    const pool = this.pools.get(n);
    let lo = pool?.pop();
    if (lo === undefined) {
      const align = Math.min(n, PAGE);
      lo = Math.ceil(this.next / align) * align;
      if (lo + n > this.end) goThrow(`out of memory allocating stack of ${n} bytes (the stacks region holds ${this.end - this.start})`);
      this.next = lo + n;
    }
    this.inUse += n;
    return { lo, hi: lo + n };
  }

  /** Plain data of the allocator's state (the stacks themselves are the arena's). */
  capture(): StackAllocatorState {
    return { next: this.next, pools: [...this.pools].map(([n, l]) => [n, [...l]]), inUse: this.inUse };
  }

  restoreFrom(s: StackAllocatorState): void {
    this.next = s.next;
    this.pools.clear();
    for (const [n, l] of s.pools) this.pools.set(n, [...l]);
    this.inUse = s.inUse;
  }

  /** stackfree(stk) */
  free(stk: StackRange): void {
    const n = stk.hi - stk.lo;
    let pool = this.pools.get(n);
    if (!pool) this.pools.set(n, (pool = []));
    pool.push(stk.lo);
    this.inUse -= n;
  }
}
