// The memory arena: one page-aligned block of host memory (libc mmap through
// koffi) that Unicorn maps with uc_mem_map_ptr and TypeScript reads and writes
// through a DataView, with no FFI call per access. Emulated stores are visible to
// TypeScript at once and vice versa (same bytes). Little-endian on both arches.
import { koffi, uc } from './unicorn.ts';

export const PAGE = 0x1000;

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

  /** offset of an emulated address inside the arena; throws outside it */
  off(addr: number, len = 1): number {
    const o = addr - this.base;
    if (o < 0 || o + len > this.size || !Number.isInteger(o)) {
      throw new RangeError(`address 0x${addr.toString(16)} (+${len}) is outside the memory arena`);
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
    this.view.setBigUint64(this.off(a, 8), BigInt.asUintN(64, BigInt(v)), true);
  }

  /** a pointer-sized word as a number (addresses fit: the arena lives below 2^53) */
  ptr(a: number): number {
    return this.wordSize === 8 ? Number(this.u64(a)) : this.u32(a);
  }
  setPtr(a: number, v: number): void {
    if (this.wordSize === 8) this.setU64(a, BigInt(v));
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

  free(): void {
    if (this.freed) return;
    this.freed = true;
    uc().munmap(this.hostPtr, this.size);
  }
}
