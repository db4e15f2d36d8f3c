// Dirty-page trackers for the arena: which pages were written since the last
// snapshot or restore. Both writers of the arena are ordinary host stores to
// the same pages -- Unicorn's JIT through the pointer given to
// uc_mem_map_ptr, and TypeScript through the DataView -- so a mechanism that
// watches the host page tables sees both.
//
// Options measured on the project's machine (Linux 6.18 guest, 2 vCPUs, a
// noisy neighbourhood: figures are medians and vary by up to 2x between
// runs). Reproduce with `npx tsx tools/probe-dirty-tracking.ts` (mechanisms)
// and `npx tsx tools/bench-snapshot.ts` (whole snapshots).
//
// - (a) soft-dirty bits (`echo 4 > /proc/self/clear_refs`, pagemap bit 55):
//   this kernel is built without CONFIG_MEM_SOFT_DIRTY; clear_refs accepts
//   "4" but bit 55 stays 0 for pages written by Unicorn and by TS alike.
//   Unusable here. It would also be process-wide: clearing for one arena
//   clears for every other (a second session in the process), and every V8
//   heap page takes a fault after each clear.
// - (d) userfaultfd write protection in async mode + PAGEMAP_SCAN
//   (UffdTracker, chosen): per registered range, so any number of arenas
//   (sessions) in one process are independent. The kernel resolves the write
//   fault itself and the page reads as written; PAGEMAP_SCAN lists the
//   written pages and re-protects them in the same call. Sees both writers
//   (probe and tests). Costs on the 1.6 GiB machine arena: the first
//   protect installs page-table markers for every page (7-24 ms once, ~5 MB
//   of page tables); a scan is 0.7-1.3 ms whether 0 or 10k pages were
//   written; each page's first write after a snapshot takes one minor fault
//   (~1 us; 1-5 us when 10k pages fault in a row).
// - (b) comparison with a shadow copy (ShadowTracker, the fallback where
//   userfaultfd WP_ASYNC or PAGEMAP_SCAN is missing, i.e. before Linux 6.7):
//   mincore() finds the resident pages (0.17-0.26 ms for the arena; reading
//   the pagemap present bits instead: 1.6-2.2 ms), each is compared with its
//   shadow (Buffer.compare, 0.8-1.3 us a page) and changed ones are copied
//   into the shadow. Every snapshot compares the whole footprint however
//   few pages were written (10k-page footprint: 5.6-12 ms for a 10-page
//   snapshot vs 0.7 ms with uffd-wp) and the shadow doubles the memory of
//   touched pages. No cost during the run.
// - (c) UC_HOOK_MEM_WRITE: never sees TypeScript's writes, and a JS callback
//   per store made a store loop 3.6-6.5x slower (1M stores: 83-98 ms ->
//   348-539 ms). Rejected.
import { HOST_PAGE, MADV_DONTFORK, MADV_NOHUGEPAGE, PAGE_IS_PFNZERO, PAGE_IS_PRESENT, PAGE_IS_WRITTEN, PM_SCAN_CHECK_WPASYNC, PM_SCAN_WP_MATCHING, closeFd, madvise, mincore, pagemapScan, uffdApi, uffdRegisterWP, userfaultfd, UFFD_FEATURE_WP_ASYNC, UFFD_FEATURE_WP_UNPOPULATED } from './linux.ts';
import { koffi, uc } from './unicorn.ts';

export type TrackerKind = 'uffd-wp' | 'shadow';

/** How an arena finds its dirty pages: 'auto' is uffd-wp where the kernel has it, else shadow. */
export type TrackingChoice = TrackerKind | 'auto';

/** Page numbers are relative to the start of the tracked memory, ascending. */
export interface DirtyTracker {
  readonly kind: TrackerKind;
  /**
   * Begin tracking: the current content is the first reference. Returns the
   * pages that may hold non-zero bytes at this moment.
   */
  start(): Uint32Array;
  /** pages that may hold non-zero bytes (every other page reads as zero) */
  resident(): Uint32Array;
  /** pages written since the last take() or reset(); starts a new interval */
  take(): Uint32Array;
  /** like take() without starting a new interval */
  peek(): Uint32Array;
  /**
   * The memory's current content is the new reference. `pages` must include
   * every page written since the last take()/reset() (uffd-wp re-protects
   * everything regardless; shadow refreshes exactly these pages).
   */
  reset(pages: Uint32Array): void;
  close(): void;
}

/** The tracked memory: host address and length, page aligned. */
export interface TrackedMemory {
  readonly hostAddress: bigint;
  readonly size: number;
  readonly bytes: Uint8Array;
}

/**
 * userfaultfd write-protection in asynchronous mode (UFFD_FEATURE_WP_ASYNC)
 * and PAGEMAP_SCAN with PAGE_IS_WRITTEN. Needs Linux 6.7+ with
 * CONFIG_USERFAULTFD and CONFIG_PTE_MARKER_UFFD_WP.
 */
export class UffdTracker implements DirtyTracker {
  readonly kind = 'uffd-wp' as const;
  private fd: number | undefined;
  private readonly lo: bigint;
  private readonly hi: bigint;

  constructor(mem: TrackedMemory) {
    this.lo = mem.hostAddress;
    this.hi = mem.hostAddress + BigInt(mem.size);
    const fd = userfaultfd();
    try {
      const want = UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED;
      const got = uffdApi(fd, want);
      if ((got & want) !== want) throw new Error('userfaultfd: the kernel lacks UFFD_FEATURE_WP_ASYNC (Linux 6.7+)');
      // Transparent huge pages would make the unit of tracking 2 MiB; keep it one page.
      madvise(this.lo, mem.size, MADV_NOHUGEPAGE);
      // fork() copies the page tables of a write-protect-registered range
      // (the markers must survive), which made child_process.spawnSync of
      // `true` go from 3 to 16 ms with the 1.6 GiB arena tracked. Children
      // (compilers, tools) exec at once and never use the arena: leave it out.
      madvise(this.lo, mem.size, MADV_DONTFORK);
      uffdRegisterWP(fd, this.lo, mem.size);
      this.fd = fd;
      // Probe PAGEMAP_SCAN now so that a kernel without it falls back at once.
      this.scan(0n, false);
    } catch (e) {
      closeFd(fd);
      this.fd = undefined;
      throw e;
    }
  }

  private scan(flags: bigint, report = true, mask = PAGE_IS_WRITTEN, inverted = 0n): Uint32Array {
    if (this.fd === undefined) throw new Error('dirty tracker is closed');
    return pagemapScan({ start: this.lo, end: this.hi, flags, categoryMask: mask, categoryInverted: inverted, report });
  }

  start(): Uint32Array {
    const pages = this.resident();
    // Protect the whole range: a page never protected (never touched, or
    // touched before registration) reads as written.
    this.scan(PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC, false);
    return pages;
  }
  resident(): Uint32Array {
    // present and not the shared zero page (pages only ever read map that)
    return this.scan(0n, true, PAGE_IS_PRESENT | PAGE_IS_PFNZERO, PAGE_IS_PFNZERO);
  }
  take(): Uint32Array {
    return this.scan(PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC);
  }
  peek(): Uint32Array {
    return this.scan(0n);
  }
  reset(pages: Uint32Array): void {
    // Only `pages` can have lost their protection: re-protect just those runs
    // when they are few (one ioctl each), else walk the whole range once.
    const runs: [number, number][] = [];
    for (let i = 0; i < pages.length && runs.length <= UffdTracker.MAX_RESET_RUNS; ) {
      let j = i + 1;
      while (j < pages.length && pages[j] === pages[j - 1]! + 1) j++;
      runs.push([pages[i]!, pages[j - 1]! + 1]);
      i = j;
    }
    if (runs.length > UffdTracker.MAX_RESET_RUNS) {
      this.scan(PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC, false);
      return;
    }
    if (this.fd === undefined) throw new Error('dirty tracker is closed');
    const page = BigInt(HOST_PAGE);
    for (const [a, b] of runs) {
      pagemapScan({
        start: this.lo + BigInt(a) * page,
        end: this.lo + BigInt(b) * page,
        flags: PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC,
        categoryMask: PAGE_IS_WRITTEN,
        report: false,
      });
    }
  }
  private static readonly MAX_RESET_RUNS = 32;
  close(): void {
    if (this.fd === undefined) return;
    closeFd(this.fd); // unregisters the range
    this.fd = undefined;
  }
}

/**
 * Compares every resident page with a shadow copy of the reference content.
 * The shadow is a second MAP_NORESERVE mapping of the same size, so only
 * pages that were ever copied commit memory.
 */
export class ShadowTracker implements DirtyTracker {
  readonly kind = 'shadow' as const;
  private shadowPtr: unknown;
  private readonly shadow: Uint8Array;
  private readonly pages: number;
  private readonly vecA: Uint8Array;
  private readonly vecB: Uint8Array;

  constructor(private readonly mem: TrackedMemory) {
    this.pages = mem.size / HOST_PAGE;
    const MAP_PRIVATE_ANON_NORESERVE = 0x22 | 0x4000;
    const p = uc().mmap(null, mem.size, 3, MAP_PRIVATE_ANON_NORESERVE, -1, 0);
    if (p === null || koffi.address(p) === 0xffffffffffffffffn) throw new Error(`mmap of a ${mem.size}-byte shadow failed`);
    this.shadowPtr = p;
    this.shadow = new Uint8Array(koffi.view(p, mem.size));
    this.vecA = new Uint8Array(this.pages);
    this.vecB = new Uint8Array(this.pages);
  }

  private residentMask(): Uint8Array {
    return mincore(this.mem.hostAddress, this.mem.size, this.vecA);
  }

  start(): Uint32Array {
    const pages = this.resident();
    this.reset(pages);
    return pages;
  }
  resident(): Uint32Array {
    const v = this.residentMask();
    const out: number[] = [];
    for (let i = 0; i < this.pages; i++) if (v[i]! & 1) out.push(i);
    return Uint32Array.from(out);
  }

  private diff(update: boolean): Uint32Array {
    if (this.shadowPtr === undefined) throw new Error('dirty tracker is closed');
    const a = this.residentMask();
    const b = mincore(koffi.address(this.shadowPtr), this.mem.size, this.vecB);
    const cur = this.mem.bytes;
    const out: number[] = [];
    for (let i = 0; i < this.pages; i++) {
      if (!((a[i]! | b[i]!) & 1)) continue;
      const o = i * HOST_PAGE;
      const x = cur.subarray(o, o + HOST_PAGE);
      const y = this.shadow.subarray(o, o + HOST_PAGE);
      if (Buffer.compare(x, y) !== 0) {
        out.push(i);
        if (update) y.set(x);
      }
    }
    return Uint32Array.from(out);
  }

  take(): Uint32Array {
    return this.diff(true);
  }
  peek(): Uint32Array {
    return this.diff(false);
  }
  reset(pages: Uint32Array): void {
    const cur = this.mem.bytes;
    for (const p of pages) {
      const o = p * HOST_PAGE;
      this.shadow.set(cur.subarray(o, o + HOST_PAGE), o);
    }
  }
  close(): void {
    if (this.shadowPtr === undefined) return;
    uc().munmap(this.shadowPtr, this.mem.size);
    this.shadowPtr = undefined;
  }
}

/**
 * The tracker for `choice`. 'auto' takes uffd-wp and falls back to shadow
 * when the kernel refuses (no userfaultfd, no WP_ASYNC, no PAGEMAP_SCAN);
 * `fallback` then says why.
 */
export function createTracker(mem: TrackedMemory, choice: TrackingChoice): { tracker: DirtyTracker; fallback?: string } {
  if (choice === 'shadow') return { tracker: new ShadowTracker(mem) };
  try {
    return { tracker: new UffdTracker(mem) };
  } catch (e) {
    if (choice === 'uffd-wp') throw e;
    return { tracker: new ShadowTracker(mem), fallback: e instanceof Error ? e.message : String(e) };
  }
}
