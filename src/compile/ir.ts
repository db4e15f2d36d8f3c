// The compiler's intermediate representation: arch-neutral, one word per value.
//
// Every variable and temporary lives in a frame slot of one machine word (int
// is the word size on both arches; bools are 0/1 words; channels, funcvals and
// heap cells are pointers). Instructions read operands (slots, immediates,
// symbol addresses) and write slots, so a backend needs no register
// allocation: it loads operands into scratch registers, computes and stores.
// Each instruction carries the Go source line it came from.
//
// Calls follow Go's ABI for the target (the backend decides where arguments
// and results go). The runtime functions compiled code calls are listed in
// src/abi (ENTRY).

/** An instruction operand. */
export type Operand =
  /** the word in frame slot s */
  | { readonly k: 'slot'; readonly s: number }
  /** an integer constant (already wrapped to the word size) */
  | { readonly k: 'imm'; readonly v: bigint }
  /** the address of a link symbol (function, rodata, global) */
  | { readonly k: 'sym'; readonly name: string }
  /**
   * the address of frame slot s: only as a call argument, for the duration of
   * that call (the stack may move between calls; nothing keeps this address)
   */
  | { readonly k: 'frame'; readonly s: number };

/** Comparisons: signed (lt .. ge) and unsigned (ltu .. geu, for bounds checks). */
export type CmpOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'ltu' | 'leu' | 'gtu' | 'geu';
export type BinOp = 'add' | 'sub' | 'mul' | 'and' | 'or' | 'xor' | 'andnot' | CmpOp;

/** The comparison that is true exactly when `c` is false. */
export const NEGATE: Readonly<Record<CmpOp, CmpOp>> = { eq: 'ne', ne: 'eq', lt: 'ge', ge: 'lt', le: 'gt', gt: 'le', ltu: 'geu', geu: 'ltu', leu: 'gtu', gtu: 'leu' };

/**
 * What a call calls: a symbol, a closure (through its funcval, with the
 * closure context register set), or a code address (a method from an itab).
 */
export type Callee = { readonly k: 'sym'; readonly name: string } | { readonly k: 'closure'; readonly fv: Operand } | { readonly k: 'code'; readonly addr: Operand };

export interface CallArg {
  v: Operand;
  /** an int64 argument built from a word (two words on a 32-bit target: low, then the sign) */
  int64?: boolean;
  /** the high word of an int64 argument on a 32-bit target (instead of the sign of v) */
  hi?: Operand;
}

export interface CallResult {
  /** the slot that receives the result; null to drop it */
  dst: number | null;
  /** a Go bool or uint8: only its low byte is defined */
  bool?: boolean;
  /** an int64 result on a 32-bit target: the slot that receives its high word */
  hi?: number;
}

/** The atomic read-modify-write operations (sync/atomic, src/compile/atomic.ts). */
export type AtomicOp = 'add' | 'swap' | 'cas' | 'load' | 'store';

/** Bytes of a memory access: a word (the default), a 32-bit value, a byte. */
export type AccessSize = 1 | 2 | 4 | 8;

/** A 64-bit value on a 32-bit target: its low and high words. */
export type Pair = readonly [Operand, Operand];

export type InstBody =
  | { op: 'mov'; dst: number; src: Operand }
  | { op: 'bin'; bop: BinOp; dst: number; a: Operand; b: Operand }
  /**
   * Go's integer division and remainder. When b is a slot the backend checks
   * it: 0 calls ENTRY.panicdivide, -1 gives -a / 0 without trapping. An immediate
   * b is never -1 (the front end folds it); an immediate 0 (a value the lowering
   * folded, such as x << 68) is checked like a slot and panics. `unsigned`: the words
   * are unsigned (no -1 case).
   */
  | { op: 'div' | 'mod'; dst: number; a: Operand; b: Operand; unsigned?: boolean }
  /**
   * Go's shifts (shr is arithmetic: int is signed). When b is a slot the
   * backend checks it: negative calls ENTRY.panicshift, >= the word width gives
   * 0 (shl) or the sign (shr). An immediate b is always below the width.
   * `unsigned`: shr is logical (0 for counts >= the width); `ucount`: the
   * count is unsigned (never negative, no check).
   */
  | { op: 'shl' | 'shr'; dst: number; a: Operand; b: Operand; unsigned?: boolean; ucount?: boolean }
  /**
   * 64-bit arithmetic on word pairs (32-bit targets only; src/compile/int64.ts):
   * add, sub and mul wrap at 64 bits.
   */
  | { op: 'pair'; pop: 'add' | 'sub' | 'mul'; dst: readonly [number, number]; a: Pair; b: Pair }
  /**
   * A 64-bit shift of a pair by the word b (32-bit targets only). b is not
   * negative (unsigned); counts of 64 and more give 0 (shl, shru) or the sign (shr).
   */
  | { op: 'pshift'; dir: 'shl' | 'shr' | 'shru'; dst: readonly [number, number]; a: Pair; b: Operand }
  /**
   * float64 arithmetic (src/compile/lowerfloat.ts). A float64 is its IEEE bits:
   * one word on a 64-bit target, two (low, high) on a 32-bit one; dst, a and
   * b have that many words.
   */
  | { op: 'fop'; fop: 'add' | 'sub' | 'mul' | 'div'; dst: readonly number[]; a: readonly Operand[]; b: readonly Operand[] }
  /** dst = (a <cmp> b) as 0/1 for float64s: IEEE comparisons (NaN compares unequal and unordered) */
  | { op: 'fcmp'; cmp: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'; dst: number; a: readonly Operand[]; b: readonly Operand[] }
  /**
   * Conversions between a one-word integer (signed, or `unsigned`) and a
   * float64: `to: 'float'` converts the word a[0] into the float dst; `to:
   * 'int'` truncates the float a toward zero into the word dst[0].
   */
  | { op: 'fcvt'; to: 'float' | 'int'; unsigned: boolean; dst: readonly number[]; a: readonly Operand[] }
  /** dst = (a <cmp> b) as 0/1 for 64-bit pairs (32-bit targets only; lt.. signed, ltu.. unsigned) */
  | { op: 'pcmp'; cmp: CmpOp; dst: number; a: Pair; b: Pair }
  /** neg: -a; com: ^a (bitwise); not: !a for a 0/1 bool */
  | { op: 'neg' | 'com' | 'not'; dst: number; a: Operand }
  /**
   * dst = the value at address(base) + off: a word by default; `size` 1 or 4
   * loads a narrower value, zero-extended (sign-extended when `signed`)
   */
  | { op: 'load'; dst: number; base: Operand; off: number; size?: AccessSize; signed?: boolean }
  /** store the low `size` bytes (default: a word) of src at address(base) + off */
  | { op: 'store'; base: Operand; off: number; src: Operand; size?: AccessSize }
  | { op: 'label'; id: number }
  | { op: 'jmp'; target: number }
  /** jump to target when (cond != 0) === when */
  | { op: 'br'; cond: Operand; when: boolean; target: number }
  /** jump to target when (a <cmp> b) === when; cmp is a comparison (eq .. ge) */
  | { op: 'brcmp'; cmp: CmpOp; a: Operand; b: Operand; when: boolean; target: number }
  | { op: 'call'; fn: Callee; args: CallArg[]; results: CallResult[] }
  /** return: the values of the function's result slots become its results */
  | { op: 'ret' }
  /**
   * dst = the function's argument pointer (its caller's SP at the call plus
   * the arch's MinFrameSize: where its stack arguments start), as gc passes
   * it to runtime.gorecover
   */
  | { op: 'argp'; dst: number }
  /**
   * an atomic access of `size` bytes at address addr (never nil: checked
   * before): add (dst = the new value), swap (dst = the old value), cas
   * (if *addr == old then *addr = val; dst = 1 if it swapped, else 0), load
   * (dst = *addr), store (*addr = val). A 4-byte dst is sign-extended when
   * `signed`, else zero-extended; an 8-byte value on a 32-bit target is a
   * pair (val/valHi, old/oldHi, dst/dstHi). Emitted as the arch's atomic
   * instructions with the barriers Go's runtime/internal/atomic uses.
   */
  | { op: 'atomic'; aop: AtomicOp; size: 4 | 8; addr: Operand; val?: Operand; valHi?: Operand; old?: Operand; oldHi?: Operand; dst?: number; dstHi?: number; signed?: boolean };

/** An instruction and the Go source line it came from. */
export type Inst = InstBody & { line: number };

/** One function, ready for a backend. */
export interface IrFunc {
  /** link symbol */
  name: string;
  /** line and column of the func keyword, and the line of the closing brace */
  line: number;
  col: number;
  endLine: number;
  /** the slot each incoming argument word is copied to in the prologue */
  params: number[];
  /** the slots whose values are returned by `ret` */
  results: number[];
  /** entered with a closure context (DX / R7): stored to this slot in the prologue */
  ctxtSlot: number | null;
  nslots: number;
  body: Inst[];
  /**
   * a wrapper made by the compiler (go/defer wrappers, method wrappers):
   * as gc's WRAPPER functions, its prologue moves a panic's argp that
   * points at its own arguments to those of the function it calls, so a
   * recover there sees the deferred call as its own
   */
  wrapper?: boolean;
}

/** Read-only data: string bytes, type descriptors, static funcvals. */
export interface DataBlock {
  name: string;
  line: number;
  items: DataItem[];
}

export type DataItem =
  /** one machine word: a number or the address of a symbol */
  | { k: 'word'; v: bigint | string }
  /** a 1-, 2- or 4-byte integer (type descriptor fields: hash, kind, counts) */
  | { k: 'int'; size: 1 | 2 | 4; v: number }
  | { k: 'bytes'; b: Uint8Array };

/**
 * How a symbol is written in assembly text: names that are not plain
 * identifiers (sync.(*WaitGroup).Add) are quoted for Keystone.
 */
export function asmSymbol(name: string): string {
  return /^[A-Za-z_.$][\w.$]*$/.test(name) ? name : `"${name}"`;
}

export const slot = (s: number): Operand => ({ k: 'slot', s });
export const imm = (v: bigint | number): Operand => ({ k: 'imm', v: BigInt(v) });
export const sym = (name: string): Operand => ({ k: 'sym', name });
export const frame = (s: number): Operand => ({ k: 'frame', s });
