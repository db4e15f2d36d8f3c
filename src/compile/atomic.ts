// sync/atomic: the functions on int32 (AddInt32, LoadInt32, StoreInt32,
// CompareAndSwapInt32, SwapInt32), lowered inline to the IR's `atomic`
// instruction, which the backends emit as the machine's atomic instructions
// as go1.19's sync/atomic reaches them (runtime/internal/atomic): on amd64
// LOCK XADD, XCHG (Swap and Store), LOCK CMPXCHG and a plain MOV (Load); on
// arm LDREX/STREX loops between DMB ISH barriers (Xadd and Xchg loop over
// armcas there) and a load or store between barriers. A nil address panics
// as Go's fault does (the compiled nil check of every dereference).
import type { AtomicOp, InstBody, Operand } from './ir.ts';
import { BOOL, type FuncType, INT32, type Type } from './types.ts';

const fn = (params: Type[], results: Type[]): { type: FuncType } => ({ type: { k: 'func', params, results } });
const PTR_INT32: Type = { k: 'ptr', elem: INT32 };

/** The Go signatures the checker gives them (package path "sync/atomic"). */
export const ATOMIC_FUNCS = {
  AddInt32: fn([PTR_INT32, INT32], [INT32]),
  LoadInt32: fn([PTR_INT32], [INT32]),
  StoreInt32: fn([PTR_INT32, INT32], []),
  SwapInt32: fn([PTR_INT32, INT32], [INT32]),
  CompareAndSwapInt32: fn([PTR_INT32, INT32, INT32], [BOOL]),
} as const;

const OPS: Record<keyof typeof ATOMIC_FUNCS, AtomicOp> = { AddInt32: 'add', LoadInt32: 'load', StoreInt32: 'store', SwapInt32: 'swap', CompareAndSwapInt32: 'cas' };

/** What the lowering gives this file: emit an instruction, a new temporary, a nil check. */
export interface AtomicLowerer {
  emit(i: InstBody): void;
  temp(): number;
  nilCheck(p: Operand): Operand;
}

/** Lower sync/atomic.<name>(args) (each argument one word); its results (zero or one word). */
export function lowerAtomic(L: AtomicLowerer, name: string, args: Operand[]): Operand[][] {
  const aop = OPS[name as keyof typeof OPS];
  if (!aop) throw new Error(`lower: sync/atomic.${name}`);
  const addr = L.nilCheck(args[0]!);
  if (aop === 'store') {
    L.emit({ op: 'atomic', aop, size: 4, addr, val: args[1]! });
    return [];
  }
  const dst = L.temp();
  if (aop === 'load') L.emit({ op: 'atomic', aop, size: 4, addr, dst, signed: true });
  else if (aop === 'cas') L.emit({ op: 'atomic', aop, size: 4, addr, old: args[1]!, val: args[2]!, dst });
  else L.emit({ op: 'atomic', aop, size: 4, addr, val: args[1]!, dst, signed: true });
  return [[{ k: 'slot', s: dst }]];
}
