// A block counter: a UC_HOOK_BLOCK that adds, for every translated block
// Unicorn runs, the block's instruction count and cost to two accumulators,
// from a table computed once by the caller (no JavaScript per block).
//
// Two tables have one 64-bit entry per byte offset from `base`: `starts` at
// the start of each instruction, `ends` at the end of each, the cumulative
// cost of the instructions before that point in its low 32 bits and their
// cumulative count in its high 32 bits; everywhere else all ones. A block
// [addr, addr+size) that starts at an instruction's start and ends at an
// instruction's end costs ends[end] - starts[start] (one subtraction gives
// both halves: the low half never borrows, the costs being cumulative).
// (Two tables, not one of boundaries: bytes between an instruction's end and
// the next one's start -- data -- must not count as nothing when they run.)
// Any other block -- outside the tables, an end that is no instruction's
// end -- and every block while `slowAll` (a stop asked for) is set
// goes to the caller's JavaScript function `slow` instead, with the same
// arguments as a block hook. Both paths record the last block's address and
// size (for a run that stops inside it).
//
// On an x86-64 Linux host the hook is 103 bytes of machine code in an
// executable page (no compiler needed at install time); elsewhere, or with
// GOGO_EMU_BLOCK_HOOK=js, a JavaScript hook does the same over the same memory.
//
// The accumulators are read and cleared by the caller (take()) between runs
// and whenever a JavaScript hook runs (Engine.onHookEntry), so that whoever
// reads instruction counts during a run sees them up to date.
import type { Disposable, Engine } from './engine.ts';
import { koffi, uc, UC } from './unicorn.ts';

// The hook, System V AMD64: rdi = uc, rsi = address, edx = size, rcx = the
// state below (u64 words: 0 base, 1 limit, 2 starts, 3 ends, 4 cost, 5 insns,
// 6 last address, 7 last size, 8 slowAll flag, 9 slow function). Assembled with
// Keystone (test/engine/blockcount.test.ts assembles it again and compares):
//
//     mov rax, rsi
//     sub rax, qword ptr [rcx]          ; offset of the block
//     cmp qword ptr [rcx + 64], 0       ; slowAll (a stop asked for)
//     jne slow
//     cmp rax, qword ptr [rcx + 8]
//     ja slow
//     mov r9d, edx
//     add r9, rax                       ; offset of its end
//     cmp r9, qword ptr [rcx + 8]
//     ja slow
//     mov r10, qword ptr [rcx + 16]
//     mov r11, qword ptr [r10 + rax*8]  ; starts[offset]
//     cmp r11, -1
//     je slow
//     mov r10, qword ptr [rcx + 24]
//     mov r8, qword ptr [r10 + r9*8]    ; ends[end]
//     cmp r8, -1
//     je slow
//     sub r8, r11
//     mov r9d, r8d
//     shr r8, 32
//     add qword ptr [rcx + 32], r9      ; cost
//     add qword ptr [rcx + 40], r8      ; instructions
//     mov qword ptr [rcx + 48], rsi
//     mov r9d, edx
//     mov qword ptr [rcx + 56], r9
//     ret
//   slow:
//     mov qword ptr [rcx + 48], rsi
//     mov r9d, edx
//     mov qword ptr [rcx + 56], r9
//     jmp qword ptr [rcx + 72]
export const BLOCK_HOOK_X64_SOURCE = `mov rax, rsi
sub rax, qword ptr [rcx]
cmp qword ptr [rcx + 64], 0
jne slow
cmp rax, qword ptr [rcx + 8]
ja slow
mov r9d, edx
add r9, rax
cmp r9, qword ptr [rcx + 8]
ja slow
mov r10, qword ptr [rcx + 16]
mov r11, qword ptr [r10 + rax*8]
cmp r11, -1
je slow
mov r10, qword ptr [rcx + 24]
mov r8, qword ptr [r10 + r9*8]
cmp r8, -1
je slow
sub r8, r11
mov r9d, r8d
shr r8, 32
add qword ptr [rcx + 32], r9
add qword ptr [rcx + 40], r8
mov qword ptr [rcx + 48], rsi
mov r9d, edx
mov qword ptr [rcx + 56], r9
ret
slow:
mov qword ptr [rcx + 48], rsi
mov r9d, edx
mov qword ptr [rcx + 56], r9
jmp qword ptr [rcx + 72]`;

export const BLOCK_HOOK_X64 =
  '4889f0482b014883794000754c483b410877464189d14901c14c3b4908773a4c8b51104d8b1cc24983fbff742c4c8b51184f8b04ca4983f8ff741e4d29d84589c149c1e8204c0149204c014128488971304189d14c894938c3488971304189d14c894938ff6148';

const W = { base: 0, limit: 1, starts: 2, ends: 3, cost: 4, insns: 5, lastAddr: 6, lastSize: 7, stop: 8, slow: 9 } as const;
const WORDS = 10;
/** a table entry that is no boundary */
export const NOT_A_BOUNDARY = 0xffffffff;

/** The machine code page, made once per process (undefined: not on this host). */
let codePage: unknown | null | undefined;

function nativeCode(): unknown | undefined {
  if (codePage !== undefined) return codePage ?? undefined;
  codePage = null;
  if (process.arch !== 'x64' || process.platform !== 'linux') return undefined;
  const code = Buffer.from(BLOCK_HOOK_X64, 'hex');
  const PAGE = 4096;
  const p = uc().mmap(null, PAGE, 3 /* RW */, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0);
  if (p === null || koffi.address(p) === 0xffffffffffffffffn) return undefined;
  new Uint8Array(koffi.view(p, PAGE)).set(code);
  if (uc().mprotect(p, PAGE, 5 /* R+X */) !== 0) {
    uc().munmap(p, PAGE);
    return undefined;
  }
  codePage = p; // kept for the life of the process (shared by every engine)
  return p;
}

export type SlowBlock = (address: number, size: number) => void;

export class BlockCounter implements Disposable {
  /** whether the per-block work is machine code (else a JavaScript hook) */
  readonly native: boolean;
  /** the state as 32-bit halves (word i: [2i] low, [2i+1] high) */
  private readonly s: Uint32Array;
  /** the tables as 32-bit halves: [2k] cost, [2k+1] instructions */
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  private readonly limit: number;
  private readonly hook: Disposable;
  private readonly allocs: unknown[] = [];
  private disposed = false;

  /**
   * Count blocks in [begin, end] (inclusive) with tables of `limit + 1`
   * entries for offsets 0..limit from `base`; fill them before running.
   */
  constructor(
    private readonly engine: Engine,
    begin: number,
    end: number,
    readonly base: number,
    limit: number,
    slow: SlowBlock,
  ) {
    this.limit = limit;
    const state = koffi.alloc('uint64_t', WORDS);
    const starts = koffi.alloc('uint64_t', limit + 1);
    const ends = koffi.alloc('uint64_t', limit + 1);
    this.allocs.push(state, starts, ends);
    this.s = new Uint32Array(koffi.view(state, WORDS * 8));
    this.s.fill(0);
    this.starts = new Uint32Array(koffi.view(starts, (limit + 1) * 8));
    this.ends = new Uint32Array(koffi.view(ends, (limit + 1) * 8));
    this.starts.fill(NOT_A_BOUNDARY);
    this.ends.fill(NOT_A_BOUNDARY);
    this.setWord(W.base, base);
    this.setWord(W.limit, limit);
    const words = new BigUint64Array(this.s.buffer, this.s.byteOffset, WORDS);
    words[W.starts] = koffi.address(starts);
    words[W.ends] = koffi.address(ends);
    const code = process.env.GOGO_EMU_BLOCK_HOOK === 'js' ? undefined : nativeCode();
    this.native = code !== undefined;
    if (code !== undefined) {
      const cb = engine.registerBlockCallback(slow);
      words[W.slow] = koffi.address(cb.pointer);
      this.hook = engine.addNativeHook(UC.HOOK_BLOCK, code, state, begin, end, cb);
    } else {
      this.hook = engine.hookBlock(begin, end, (addr, size) => this.jsBlock(addr, size, slow));
    }
  }

  private setWord(i: number, v: number): void {
    this.s[2 * i] = v >>> 0;
    this.s[2 * i + 1] = Math.floor(v / 2 ** 32);
  }

  private word(i: number): number {
    return this.s[2 * i]! + this.s[2 * i + 1]! * 2 ** 32;
  }

  /** The JavaScript twin of the machine code. */
  private jsBlock(addr: number, size: number, slow: SlowBlock): void {
    this.setWord(W.lastAddr, addr);
    this.setWord(W.lastSize, size);
    const off = addr - this.base;
    const e = off + size;
    const a = this.starts;
    const z = this.ends;
    if (this.s[2 * W.stop] !== 0 || off < 0 || e > this.limit || a[2 * off] === NOT_A_BOUNDARY || z[2 * e] === NOT_A_BOUNDARY) {
      slow(addr, size);
      return;
    }
    this.setWord(W.cost, this.word(W.cost) + z[2 * e]! - a[2 * off]!);
    this.setWord(W.insns, this.word(W.insns) + z[2 * e + 1]! - a[2 * off + 1]!);
  }

  /** Cost accumulated since the last take() (read it before takeInsns). */
  get cost(): number {
    return this.word(W.cost);
  }

  /** Instructions accumulated since the last take(). */
  get insns(): number {
    return this.word(W.insns);
  }

  /** Whether anything was accumulated since the last take(). */
  get pending(): boolean {
    return this.s[2 * W.insns] !== 0 || this.s[2 * W.insns + 1] !== 0;
  }

  /** Clear the accumulators (after reading cost and insns). */
  take(): void {
    this.s[2 * W.cost] = 0;
    this.s[2 * W.cost + 1] = 0;
    this.s[2 * W.insns] = 0;
    this.s[2 * W.insns + 1] = 0;
  }

  /** The last block either path saw (size 0: none since forgetLast). */
  get lastAddr(): number {
    return this.word(W.lastAddr);
  }
  get lastSize(): number {
    return this.word(W.lastSize);
  }
  forgetLast(): void {
    this.setWord(W.lastAddr, 0);
    this.setWord(W.lastSize, 0);
  }

  /** While set, every block goes to the slow path. */
  set slowAll(on: boolean) {
    this.s[2 * W.stop] = on ? 1 : 0;
  }

  /** The tables' cost and instruction count of [off, end) if an instruction starts at off and one ends at end. */
  span(off: number, end: number): { cost: number; insns: number } | undefined {
    const a = this.starts;
    const z = this.ends;
    if (off < 0 || end > this.limit || off >= end || a[2 * off] === NOT_A_BOUNDARY || z[2 * end] === NOT_A_BOUNDARY) return undefined;
    return { cost: z[2 * end]! - a[2 * off]!, insns: z[2 * end + 1]! - a[2 * off + 1]! };
  }

  /** Stop using the tables: every block takes the slow path from now on. */
  disableTable(): void {
    this.starts.fill(NOT_A_BOUNDARY);
    this.ends.fill(NOT_A_BOUNDARY);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.hook.dispose();
    for (const p of this.allocs) koffi.free(p);
  }
}
