// The memory arena: one page-aligned block of host memory (libc mmap through
// koffi) that Unicorn maps with uc_mem_map_ptr and TypeScript reads and writes
// through a DataView, with no FFI call per access. Emulated stores are visible to
// TypeScript at once and vice versa (same bytes). Little-endian on both arches.
//
// Snapshots (snapshot/restore) copy only the pages written since the previous
// snapshot or restore; see dirty.ts for how those pages are found and
// snapshot.ts for the representation.
import { createTracker, type DirtyTracker, type TrackerKind, type TrackingChoice } from './dirty.ts';
import { ArenaSnapshot, copyPages, pathPages, unionPages, writeBack } from './snapshot.ts';
import { koffi, uc } from './unicorn.ts';

export const PAGE = 0x1000;

export interface ArenaOptions {
  /** how snapshots find dirty pages (default 'auto': uffd-wp where the kernel has it, else shadow) */
  dirtyTracking?: TrackingChoice;
}

export interface RestoreResult {
  /** pages compared with the snapshot (the ones that may have differed) */
  checked: number;
  /** pages that differed and were rewritten, ascending page numbers */
  written: Uint32Array;
}

export function pageAlign(n: number): number {
  return Math.ceil(n / PAGE) * PAGE;
}

export class Arena {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** the native pointer to the first byte (for uc_mem_map_ptr) */
  readonly hostPtr: unknown;
  private freed = false;

  /**
   * @param base emulated address of the first byte (page aligned, never 0: page 0 stays unmapped)
   * @param size bytes, rounded up to whole pages
   * @param wordSize pointer size of the emulated arch (4 or 8), for ptr()/setPtr()
   */
  constructor(
    readonly base: number,
    size: number,
    readonly wordSize: 4 | 8,
    private readonly options: ArenaOptions = {},
  ) {
    if (base % PAGE !== 0 || base === 0) throw new Error(`arena base 0x${base.toString(16)} must be page aligned and not 0`);
    this.size = pageAlign(size);
    const PROT_RW = 3;
    const MAP_PRIVATE_ANON_NORESERVE = 0x22 | 0x4000; // pages are committed when first touched
    const p = uc().mmap(null, this.size, PROT_RW, MAP_PRIVATE_ANON_NORESERVE, -1, 0);
    if (p === null || koffi.address(p) === 0xffffffffffffffffn) throw new Error(`mmap of ${this.size} bytes failed`);
    this.hostPtr = p;
    const ab = koffi.view(p, this.size);
    this.bytes = new Uint8Array(ab);
    this.view = new DataView(ab);
  }

  readonly size: number;

  get end(): number {
    return this.base + this.size;
  }

  contains(addr: number, len = 1): boolean {
    return addr >= this.base && addr + len <= this.end;
  }

  /** offset of an emulated address inside the arena; throws OutsideArena outside it */
  off(addr: number, len = 1): number {
    const o = addr - this.base;
    if (o < 0 || o + len > this.size || !Number.isInteger(o)) {
      throw new OutsideArena(addr, len);
    }
    return o;
  }

  u8(a: number): number {
    return this.view.getUint8(this.off(a, 1));
  }
  u16(a: number): number {
    return this.view.getUint16(this.off(a, 2), true);
  }
  u32(a: number): number {
    return this.view.getUint32(this.off(a, 4), true);
  }
  i32(a: number): number {
    return this.view.getInt32(this.off(a, 4), true);
  }
  u64(a: number): bigint {
    return this.view.getBigUint64(this.off(a, 8), true);
  }
  /** u64 as a number: Number(u64(a)) without a BigInt (exact below 2^53, rounded above) */
  u64n(a: number): number {
    const o = this.off(a, 8);
    return this.view.getUint32(o + 4, true) * 0x1_0000_0000 + this.view.getUint32(o, true);
  }
  i64(a: number): bigint {
    return this.view.getBigInt64(this.off(a, 8), true);
  }
  setU8(a: number, v: number): void {
    this.view.setUint8(this.off(a, 1), v);
  }
  setU16(a: number, v: number): void {
    this.view.setUint16(this.off(a, 2), v, true);
  }
  setU32(a: number, v: number): void {
    this.view.setUint32(this.off(a, 4), v >>> 0, true);
  }
  setU64(a: number, v: bigint | number): void {
    if (typeof v === 'number' && Number.isSafeInteger(v)) {
      // the 64-bit two's complement of a safe integer, without a BigInt
      const o = this.off(a, 8);
      this.view.setUint32(o, v >>> 0, true);
      this.view.setUint32(o + 4, Math.floor(v / 0x1_0000_0000) >>> 0, true);
      return;
    }
    this.view.setBigUint64(this.off(a, 8), BigInt.asUintN(64, BigInt(v)), true);
  }

  /** a pointer-sized word as a number (addresses fit: the arena lives below 2^53) */
  ptr(a: number): number {
    return this.wordSize === 8 ? this.u64n(a) : this.u32(a);
  }
  setPtr(a: number, v: number): void {
    if (this.wordSize === 8) this.setU64(a, v);
    else this.setU32(a, v);
  }
  /** a pointer-sized word as an unsigned bigint (for values such as stackPreempt on amd64) */
  word(a: number): bigint {
    return this.wordSize === 8 ? this.u64(a) : BigInt(this.u32(a));
  }
  setWord(a: number, v: bigint | number): void {
    if (this.wordSize === 8) this.setU64(a, v);
    else this.setU32(a, Number(BigInt.asUintN(32, BigInt(v))));
  }

  read(a: number, len: number): Uint8Array {
    const o = this.off(a, len);
    return this.bytes.slice(o, o + len);
  }
  write(a: number, data: Uint8Array): void {
    this.bytes.set(data, this.off(a, data.length));
  }
  fill(a: number, len: number, value = 0): void {
    const o = this.off(a, len);
    this.bytes.fill(value, o, o + len);
  }
  copyWithin(dst: number, src: number, len: number): void {
    const s = this.off(src, len);
    this.bytes.copyWithin(this.off(dst, len), s, s + len);
  }

  // ---- snapshots ------------------------------------------------------------

  private tracker: DirtyTracker | undefined;
  /** the state the tracker's dirty pages are relative to; undefined: the all-zero arena */
  private reference: ArenaSnapshot | undefined;
  private readonly restoreListeners = new Set<(written: Uint32Array) => void>();
  /** why 'auto' tracking fell back to the shadow tracker, if it did */
  trackingFallback: string | undefined;

  /** the dirty-page mechanism in use (undefined until the first snapshot or restore) */
  get tracking(): TrackerKind | undefined {
    return this.tracker?.kind;
  }

  /**
   * Pages that may have changed since the reference state: written since the
   * last snapshot/restore, plus (until the first snapshot/restore consumes
   * them) the pages that were already non-zero when tracking started.
   * Tracking starts on first use, so runs that never snapshot pay nothing.
   */
  private changedPages(startInterval: boolean): Uint32Array {
    if (this.freed) throw new Error('arena is freed');
    if (!this.tracker) {
      const { tracker, fallback } = createTracker(
        { hostAddress: koffi.address(this.hostPtr), size: this.size, bytes: this.bytes },
        this.options.dirtyTracking ?? 'auto',
      );
      this.tracker = tracker;
      this.trackingFallback = fallback;
      this.initialPages = tracker.start();
    }
    const d = startInterval ? this.tracker.take() : this.tracker.peek();
    return this.initialPages ? unionPages([this.initialPages, d]) : d;
  }
  /** pages that were possibly non-zero when tracking started, until a snapshot or restore accounts for them */
  private initialPages: Uint32Array | undefined;

  /** pages written since the last snapshot or restore (does not start a new interval) */
  dirtyPages(): Uint32Array {
    return this.changedPages(false);
  }

  /**
   * Take a snapshot: the pages written since the previous snapshot or restore
   * (the first one: every page that may be non-zero), as a delta against the
   * previous snapshot. With `base`, a self-contained snapshot of every page
   * that may be non-zero instead. Call between runs, not from inside a hook.
   *
   * Cost (uffd-wp, tools/bench-snapshot.ts, 1.6 GiB arena with a 10k-page
   * footprint): 0.6-1.2 ms for 10 dirty pages, 3-10 ms for 1k, 21-39 ms for
   * 10k -- one scan of the arena (~0.7 ms) plus the copy, which is dominated
   * by faulting in the new buffer. The first snapshot also starts tracking
   * (40-100 ms with that footprint). The shadow tracker adds a compare of the
   * whole footprint (5.6-12 ms for 10 dirty pages).
   */
  snapshot(opts: { base?: boolean } = {}): ArenaSnapshot {
    let pages = this.changedPages(true);
    let parent = this.reference;
    if (opts.base) {
      pages = this.tracker!.resident();
      parent = undefined;
    }
    this.initialPages = undefined;
    const s = new ArenaSnapshot(parent, this.base, this.size, pages, copyPages(this.bytes, pages), this.tracker!.kind);
    this.reference = s;
    return s;
  }

  /**
   * Make the arena byte-identical to the moment `s` was taken (of this arena
   * or of another with the same base and size). Compares only the pages that
   * can differ -- those written since the last snapshot/restore plus those in
   * the snapshots on the tree path between the last one and `s` -- and
   * rewrites the ones that do. Restore listeners (the engine: translated code
   * of rewritten pages) hear about the rewritten pages. `s` can be restored
   * any number of times. Call between runs, not from inside a hook.
   *
   * Cost (uffd-wp, same bench; back to the previous snapshot): 0.6-1.2 ms
   * with 10 pages to rewrite, 2-6 ms with 1k, 19-36 ms with 10k. Going further
   * along the tree compares the pages of every snapshot on the way, each
   * looked up through the target's chain (a binary search per ancestor):
   * base snapshots bound that.
   */
  restore(s: ArenaSnapshot): RestoreResult {
    if (s.base !== this.base || s.size !== this.size) {
      throw new Error(
        `snapshot of arena 0x${s.base.toString(16)}+0x${s.size.toString(16)} cannot be restored into 0x${this.base.toString(16)}+0x${this.size.toString(16)}`,
      );
    }
    const dirty = this.changedPages(false);
    const candidates = unionPages([dirty, ...pathPages(this.reference, s)]);
    const written = writeBack(this.bytes, s, candidates);
    this.tracker!.reset(candidates);
    this.initialPages = undefined;
    this.reference = s;
    for (const l of this.restoreListeners) l(written);
    return { checked: candidates.length, written };
  }

  /** Call fn with the rewritten pages after each restore. Returns the unsubscribe function. */
  onRestore(fn: (written: Uint32Array) => void): () => void {
    this.restoreListeners.add(fn);
    return () => this.restoreListeners.delete(fn);
  }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.tracker?.close();
    this.tracker = undefined;
    uc().munmap(this.hostPtr, this.size);
  }
}

/** An access to an emulated address outside the arena (from host code: the runtime port, a host call). */
export class OutsideArena extends RangeError {
  constructor(
    readonly addr: number,
    readonly len: number,
  ) {
    super(`address 0x${addr.toString(16)} (+${len}) is outside the memory arena`);
    this.name = 'OutsideArena';
  }
}
