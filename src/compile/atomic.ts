// sync/atomic: Add, Load, Store, Swap and CompareAndSwap on int32, uint32,
// int64 and uint64 (AddInt32 ... CompareAndSwapUint64), lowered inline to
// the IR's `atomic` instruction, which the backends emit as the machine's
// atomic instructions as go1.19's sync/atomic reaches them
// (runtime/internal/atomic): on amd64 LOCK XADD, XCHG (Swap and Store),
// LOCK CMPXCHG and a plain MOV (Load), 32 or 64 bits wide; on arm
// LDREX/STREX loops between DMB ISH barriers (Xadd and Xchg loop over
// armcas there), and for 64 bits LDREXD/STREXD loops (armXadd64,
// armXchg64, armCas64, armLoad64, armStore64), the value a register pair.
// A nil address panics as Go's fault does (the compiled nil check of every
// dereference); a 64-bit one that is not 8-aligned on a 32-bit target
// panics as go1.19's panicUnaligned does.
import type { AtomicOp, InstBody, Operand } from './ir.ts';
import { BOOL, type FuncType, INT32, INT64, type Type, UINT32, UINT64 } from './types.ts';

const fn = (params: Type[], results: Type[]): { type: FuncType } => ({ type: { k: 'func', params, results } });

const KINDS = { Int32: INT32, Uint32: UINT32, Int64: INT64, Uint64: UINT64 } as const;
const OPS = { Add: 'add', Load: 'load', Store: 'store', Swap: 'swap', CompareAndSwap: 'cas' } as const satisfies Record<string, AtomicOp>;

function signature(op: keyof typeof OPS, t: Type): { type: FuncType } {
  const p: Type = { k: 'ptr', elem: t };
  switch (op) {
    case 'Add':
    case 'Swap':
      return fn([p, t], [t]);
    case 'Load':
      return fn([p], [t]);
    case 'Store':
      return fn([p, t], []);
    case 'CompareAndSwap':
      return fn([p, t, t], [BOOL]);
  }
}

/** The Go signatures the checker gives them (package path "sync/atomic"), in go1.19's doc order. */
export const ATOMIC_FUNCS: Readonly<Record<string, { type: FuncType }>> = Object.fromEntries(
  (Object.keys(OPS) as (keyof typeof OPS)[]).flatMap((op) => (Object.keys(KINDS) as (keyof typeof KINDS)[]).map((k) => [`${op}${k}`, signature(op, KINDS[k])])),
);

/** What the lowering gives this file: emit an instruction, a new temporary, a nil check, the word size. */
export interface AtomicLowerer {
  readonly W: number;
  emit(i: InstBody): void;
  temp(): number;
  nilCheck(p: Operand): Operand;
  /** panic("unaligned 64-bit atomic operation") unless p is 8-aligned (runtime/internal/atomic's check on 32-bit targets) */
  alignCheck(p: Operand): void;
}

/**
 * Lower sync/atomic.<name>(args): each argument a Val (one word, or a
 * [low, high] pair for a 64-bit value on a 32-bit target); its results.
 */
export function lowerAtomic(L: AtomicLowerer, name: string, args: Operand[][]): Operand[][] {
  const m = /^(Add|Load|Store|Swap|CompareAndSwap)(Int32|Uint32|Int64|Uint64)$/.exec(name);
  if (!m) throw new Error(`lower: sync/atomic.${name}`);
  const aop = OPS[m[1] as keyof typeof OPS];
  const size = m[2]!.endsWith('64') ? 8 : 4;
  const pair = size > L.W;
  const signed = m[2] === 'Int32';
  const addr = L.nilCheck(args[0]![0]!);
  if (pair) L.alignCheck(addr);
  const hi = (v: Operand[] | undefined) => (pair ? v![1]! : undefined);
  const val = aop === 'cas' ? args[2] : args[1];
  const dst = aop === 'store' ? undefined : L.temp();
  const dstHi = aop === 'store' || aop === 'cas' || !pair ? undefined : L.temp();
  L.emit({
    op: 'atomic',
    aop,
    size,
    addr,
    ...(val ? { val: val[0]!, valHi: hi(val) } : {}),
    ...(aop === 'cas' ? { old: args[1]![0]!, oldHi: hi(args[1]) } : {}),
    ...(dst !== undefined ? { dst } : {}),
    ...(dstHi !== undefined ? { dstHi } : {}),
    signed,
  });
  if (dst === undefined) return [];
  return [dstHi !== undefined ? [{ k: 'slot', s: dst }, { k: 'slot', s: dstHi }] : [{ k: 'slot', s: dst }]];
}
