// Linux interfaces the arena's dirty-page tracking uses, through libc and koffi:
// userfaultfd(2) write protection in asynchronous mode together with the
// PAGEMAP_SCAN ioctl on /proc/self/pagemap (both Linux 6.7+), and mincore(2)
// and madvise(2) for the fallback. Constants are the kernel's UAPI values,
// spelled out because the Debian bookworm headers predate them.
//
// Everything here works on host addresses (BigInt) and returns plain data.
import fs from 'node:fs';
import os from 'node:os';
import { koffi } from './unicorn.ts';

export const HOST_PAGE = 0x1000;

/** A libc call failed; `errno` is the C errno. */
export class LinuxError extends Error {
  constructor(
    readonly call: string,
    readonly errno: number,
  ) {
    const name = Object.entries(os.constants.errno).find(([, v]) => v === errno)?.[0] ?? `errno ${errno}`;
    super(`${call}: ${name}`);
    this.name = 'LinuxError';
  }
}

let libc: ReturnType<typeof load> | undefined;
function load() {
  const so = koffi.load('libc.so.6');
  return {
    syscall: so.func('long syscall(long nr, ...)'),
    ioctl: so.func('int ioctl(int fd, unsigned long req, ...)'),
    mincore: so.func('int mincore(void *addr, size_t len, void *vec)'),
    madvise: so.func('int madvise(void *addr, size_t len, int advice)'),
  };
}
function c() {
  libc ??= load();
  return libc;
}

function ptr(addr: bigint): unknown {
  return koffi.as(addr, 'void *');
}

// ---- userfaultfd ------------------------------------------------------------

const NR_USERFAULTFD: Partial<Record<string, number>> = { x64: 323, arm64: 282, arm: 388 };
const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;
const UFFD_USER_MODE_ONLY = 1;

const UFFD_API = 0xaan;
export const UFFD_FEATURE_WP_UNPOPULATED = 1n << 13n;
export const UFFD_FEATURE_WP_ASYNC = 1n << 15n;
const UFFDIO_REGISTER_MODE_WP = 2n;

// _IOWR(0xAA, nr, size) = 3<<30 | size<<16 | 0xAA<<8 | nr
const UFFDIO_API = 0xc018aa3f; // struct uffdio_api { api, features, ioctls } (24 bytes)
const UFFDIO_REGISTER = 0xc020aa00; // struct uffdio_register { start, len, mode, ioctls } (32 bytes)

/**
 * A userfaultfd. Tries the full-privilege form first and falls back to
 * UFFD_USER_MODE_ONLY (what an unprivileged process gets when
 * vm.unprivileged_userfaultfd is 0); asynchronous write protection is
 * resolved by the kernel before the user/kernel-mode distinction matters.
 */
export function userfaultfd(): number {
  const nr = NR_USERFAULTFD[process.arch];
  if (nr === undefined) throw new Error(`userfaultfd: unsupported host architecture ${process.arch}`);
  let fd = Number(c().syscall(nr, 'int', O_CLOEXEC | O_NONBLOCK));
  if (fd < 0 && koffi.errno() === os.constants.errno.EPERM) {
    fd = Number(c().syscall(nr, 'int', O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY));
  }
  if (fd < 0) throw new LinuxError('userfaultfd', koffi.errno());
  return fd;
}

/** UFFDIO_API handshake requesting `features`; returns the features the kernel granted. */
export function uffdApi(fd: number, features: bigint): bigint {
  const api = new BigUint64Array([UFFD_API, features, 0n]);
  if (c().ioctl(fd, UFFDIO_API, 'void *', api) < 0) throw new LinuxError('ioctl(UFFDIO_API)', koffi.errno());
  return api[1]!;
}

/** Register [addr, addr+len) for write-protect tracking. */
export function uffdRegisterWP(fd: number, addr: bigint, len: number): void {
  const reg = new BigUint64Array([addr, BigInt(len), UFFDIO_REGISTER_MODE_WP, 0n]);
  if (c().ioctl(fd, UFFDIO_REGISTER, 'void *', reg) < 0) throw new LinuxError('ioctl(UFFDIO_REGISTER)', koffi.errno());
}

export function closeFd(fd: number): void {
  fs.closeSync(fd);
}

// ---- PAGEMAP_SCAN -----------------------------------------------------------

// _IOWR('f', 16, struct pm_scan_arg) with sizeof(pm_scan_arg) = 96
const PAGEMAP_SCAN = 0xc0606610;
/** page categories (PAGE_IS_*) */
export const PAGE_IS_WRITTEN = 1n << 1n;
export const PAGE_IS_PRESENT = 1n << 3n;
export const PAGE_IS_PFNZERO = 1n << 5n;
/** write-protect the pages that match (atomically with reporting them) */
export const PM_SCAN_WP_MATCHING = 1n << 0n;
/** fail instead of silently skipping pages that are not registered for async WP */
export const PM_SCAN_CHECK_WPASYNC = 1n << 1n;

let pagemapFd: number | undefined;
function pagemap(): number {
  pagemapFd ??= fs.openSync('/proc/self/pagemap', 'r');
  return pagemapFd;
}

const VEC_LEN = 4096;
let scanVec: BigUint64Array | undefined; // struct page_region { start, end, categories }[VEC_LEN]

export interface ScanRequest {
  /** host address range to walk (page aligned) */
  start: bigint;
  end: bigint;
  flags: bigint;
  /** a page matches when (categories ^ inverted) & mask == mask */
  categoryMask: bigint;
  categoryInverted?: bigint;
  /** false: only apply `flags` (e.g. write-protect), report nothing */
  report?: boolean;
}

/**
 * One PAGEMAP_SCAN walk of [start, end). Returns the matching pages as page
 * numbers relative to `start`, ascending.
 */
export function pagemapScan(r: ScanRequest): Uint32Array {
  const report = r.report ?? true;
  scanVec ??= new BigUint64Array(VEC_LEN * 3);
  const vec = scanVec;
  const vecAddr = report ? koffi.address(vec) : 0n;
  const out: number[] = [];
  let from = r.start;
  for (;;) {
    const arg = new BigUint64Array([
      96n, // size
      r.flags,
      from,
      r.end,
      0n, // walk_end (out)
      vecAddr,
      report ? BigInt(VEC_LEN) : 0n,
      0n, // max_pages: no limit
      r.categoryInverted ?? 0n,
      r.categoryMask,
      0n, // category_anyof_mask
      report ? r.categoryMask : 0n, // return_mask
    ]);
    const n = c().ioctl(pagemap(), PAGEMAP_SCAN, 'void *', arg) as number;
    if (n < 0) throw new LinuxError('ioctl(PAGEMAP_SCAN)', koffi.errno());
    for (let i = 0; i < n; i++) {
      const s = Number((vec[i * 3]! - r.start) / BigInt(HOST_PAGE));
      const e = Number((vec[i * 3 + 1]! - r.start) / BigInt(HOST_PAGE));
      for (let p = s; p < e; p++) out.push(p);
    }
    // The walk stops early when the output vector is full; walk_end says where.
    const walkEnd = arg[4]!;
    if (walkEnd >= r.end) break;
    if (walkEnd <= from && n === 0) throw new Error(`PAGEMAP_SCAN made no progress at 0x${from.toString(16)}`);
    from = walkEnd;
  }
  return Uint32Array.from(out);
}

// ---- mincore / madvise ------------------------------------------------------

/** One byte per page of [addr, addr+len); bit 0 set when the page is resident. */
export function mincore(addr: bigint, len: number, into?: Uint8Array): Uint8Array {
  const vec = into ?? new Uint8Array(Math.ceil(len / HOST_PAGE));
  if (c().mincore(ptr(addr), len, vec) < 0) throw new LinuxError('mincore', koffi.errno());
  return vec;
}

export const MADV_DONTFORK = 10;
export const MADV_NOHUGEPAGE = 15;

export function madvise(addr: bigint, len: number, advice: number): void {
  if (c().madvise(ptr(addr), len, advice) < 0) throw new LinuxError('madvise', koffi.errno());
}
