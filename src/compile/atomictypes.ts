// go1.19's typed atomics of sync/atomic (type.go, value.go): Int32, Int64,
// Uint32, Uint64, Uintptr, Bool and Value, named struct types with go1.19's
// fields, so their size, alignment and fmt output are Go's:
//
//   Int32   {_ noCopy; v int32}           Uint32  {_ noCopy; v uint32}
//   Int64   {_ noCopy; _ align64; v int64} Uint64 {_ noCopy; _ align64; v uint64}
//   Uintptr {_ noCopy; v uintptr}          Bool    {_ noCopy; v uint32}
//   Value   {v any}
//
// align64 makes Int64 and Uint64 8-aligned on 32-bit targets too (gc's
// special case, types.ts alignOf). The integer and Bool methods (Load,
// Store, Add, Swap, CompareAndSwap; pointer receivers) are compiled
// functions named by their Go symbols (sync/atomic.(*Int32).Add, ...) whose
// bodies are the IR's atomic instruction, as atomic.ts lowers the
// functions of the package (LOCK XADD / XCHG / LOCK CMPXCHG on amd64,
// LDREX/STREX loops on arm): emitted after the lowering for those the
// program reaches (calls, method values, method tables). Value's methods
// are runtime host functions (src/runtime/atomicvalue.ts), which run
// without interruption between two instructions of the emulated CPU.
//
// Differs from gc: the methods are not inlined; a nil receiver panics
// through the compiled nil check (gc: the fault of the atomic instruction).
import { ENTRY } from '../abi/index.ts';
import { lowerAtomic } from './atomic.ts';
import type { Inst, InstBody, IrFunc, Operand, DataBlock } from './ir.ts';
import { ANY, BOOL, type Field, type FuncType, INT32, INT64, type Method, type NamedType, type Type, UINT32, UINT64, UINTPTR } from './types.ts';

/** the package's name (type strings: atomic.Int32); symbols use its path */
const PKG = 'atomic';
const PATH = 'sync/atomic';
const field = (name: string, type: Type): Field => ({ name, type, embedded: false });
const EMPTY: Type = { k: 'struct', fields: [] };
/** sync/atomic.noCopy: a zero-size field (go vet's copy check) */
const NO_COPY: NamedType = { k: 'named', name: 'noCopy', pkg: PKG, under: EMPTY, methods: [] };
/** sync/atomic.align64: a zero-size field that 8-aligns the struct holding it (types.ts alignOf) */
export const ALIGN64: NamedType = { k: 'named', name: 'align64', pkg: PKG, under: EMPTY, methods: [] };

const fn = (params: Type[], results: Type[]): FuncType => ({ k: 'func', params, results });
const sym = (type: string, m: string) => `${PATH}.(*${type}).${m}`;

function intType(name: string, v: Type, align64: boolean): NamedType {
  const fields = [field('_', NO_COPY), ...(align64 ? [field('_', ALIGN64)] : []), field('v', v)];
  const m = (n: string, t: FuncType): Method => ({ name: n, ptrRecv: true, type: t, symbol: sym(name, n) });
  return {
    k: 'named',
    name,
    pkg: PKG,
    under: { k: 'struct', fields },
    methods: [m('Add', fn([v], [v])), m('CompareAndSwap', fn([v, v], [BOOL])), m('Load', fn([], [v])), m('Store', fn([v], [])), m('Swap', fn([v], [v]))],
  };
}

const boolType: NamedType = (() => {
  const m = (n: string, t: FuncType): Method => ({ name: n, ptrRecv: true, type: t, symbol: sym('Bool', n) });
  return {
    k: 'named',
    name: 'Bool',
    pkg: PKG,
    under: { k: 'struct', fields: [field('_', NO_COPY), field('v', UINT32)] },
    methods: [m('CompareAndSwap', fn([BOOL, BOOL], [BOOL])), m('Load', fn([], [BOOL])), m('Store', fn([BOOL], [])), m('Swap', fn([BOOL], [BOOL]))],
  };
})();

const VALUE_ENTRY = { Load: ENTRY.atomicValueLoad, Store: ENTRY.atomicValueStore, Swap: ENTRY.atomicValueSwap, CompareAndSwap: ENTRY.atomicValueCompareAndSwap } as const;
const valueType: NamedType = {
  k: 'named',
  name: 'Value',
  pkg: PKG,
  under: { k: 'struct', fields: [field('v', ANY)] },
  methods: [
    { name: 'CompareAndSwap', ptrRecv: true, type: fn([ANY, ANY], [BOOL]), symbol: VALUE_ENTRY.CompareAndSwap.symbol },
    { name: 'Load', ptrRecv: true, type: fn([], [ANY]), symbol: VALUE_ENTRY.Load.symbol },
    { name: 'Store', ptrRecv: true, type: fn([ANY], []), symbol: VALUE_ENTRY.Store.symbol },
    { name: 'Swap', ptrRecv: true, type: fn([ANY], [ANY]), symbol: VALUE_ENTRY.Swap.symbol },
  ],
};

/** The types a program may name as atomic.X (PKG_TYPES['sync/atomic']). */
export const ATOMIC_TYPES: Readonly<Record<string, NamedType>> = {
  Int32: intType('Int32', INT32, false),
  Int64: intType('Int64', INT64, true),
  Uint32: intType('Uint32', UINT32, false),
  Uint64: intType('Uint64', UINT64, true),
  Uintptr: intType('Uintptr', UINTPTR, false),
  Bool: boolType,
  Value: valueType,
};

/** The compiled methods: symbol -> [type name, method name]. */
const COMPILED = new Map<string, [string, string]>(
  Object.values(ATOMIC_TYPES)
    .filter((t) => t.name !== 'Value')
    .flatMap((t) => t.methods.map((m): [string, [string, string]] => [m.symbol, [t.name, m.name]])),
);

/** What the lowering gives this file. */
export interface AtomicTypesHost {
  readonly W: number;
  readonly funcs: IrFunc[];
  readonly data: readonly DataBlock[];
}

/** The symbols a list of instructions and data blocks refer to. */
function referenced(funcs: readonly IrFunc[], data: readonly DataBlock[]): Set<string> {
  const out = new Set<string>();
  const op = (o: Operand | undefined) => {
    if (o?.k === 'sym') out.add(o.name);
  };
  for (const f of funcs) {
    for (const i of f.body) {
      if (i.op === 'call' && i.fn.k === 'sym') out.add(i.fn.name);
      for (const v of Object.values(i)) if (v && typeof v === 'object' && 'k' in v) op(v as Operand);
      if (i.op === 'call') for (const a of i.args) op(a.v);
    }
  }
  for (const d of data) for (const it of d.items) if (it.k === 'word' && typeof it.v === 'string') out.add(it.v);
  return out;
}

/** Emit the typed atomics' compiled methods the program refers to (after the lowering). */
export function emitAtomicMethods(H: AtomicTypesHost, line: number): void {
  const refs = referenced(H.funcs, H.data);
  for (const [symbol, [type, method]] of COMPILED) {
    if (refs.has(symbol) && !H.funcs.some((f) => f.name === symbol)) H.funcs.push(method_(H.W, symbol, type, method, line));
  }
}

/** One method: the receiver (the value's address, v at offset 0), then the arguments. */
function method_(W: number, symbol: string, type: string, method: string, line: number): IrFunc {
  const body: Inst[] = [];
  let nslots = 0;
  let nlabels = 1000;
  const emit = (i: InstBody) => body.push({ ...i, line });
  const newSlot = () => nslots++;
  const slot = (s: number): Operand => ({ k: 'slot', s });
  const recv = newSlot();
  // the words of the value type: 8-byte values are pairs where the word is 4 bytes
  const kind = type === 'Bool' ? 'Uint32' : type === 'Uintptr' ? (W === 8 ? 'Uint64' : 'Uint32') : type;
  const pair = kind.endsWith('64') && W === 4;
  const words = pair ? 2 : 1;
  const nargs = { Add: 1, Load: 0, Store: 1, Swap: 1, CompareAndSwap: 2 }[method]!;
  const args = Array.from({ length: nargs }, () => Array.from({ length: words }, newSlot));
  const params = [recv, ...args.flat()];
  const L = {
    W,
    emit,
    temp: newSlot,
    nilCheck: (p: Operand) => {
      const ok = ++nlabels;
      emit({ op: 'br', cond: p, when: true, target: ok });
      emit({ op: 'call', fn: { k: 'sym', name: ENTRY.panicmem.symbol }, args: [], results: [] });
      emit({ op: 'label', id: ok });
      return p;
    },
    alignCheck: () => {}, // align64: always 8-aligned
  };
  // Bool: b32(b) is the bool's 0/1 word itself
  const out = lowerAtomic(L, `${method}${kind}`, [[slot(recv)], ...args.map((a) => a.map(slot))]);
  const results: number[] = [];
  if (out.length > 0) {
    let vals = out[0]!;
    if (type === 'Bool' && method !== 'CompareAndSwap') {
      // Load, Swap: the uint32 != 0
      const b = newSlot();
      emit({ op: 'bin', bop: 'ne', dst: b, a: vals[0]!, b: { k: 'imm', v: 0n } });
      vals = [slot(b)];
    }
    for (const v of vals) {
      const r = newSlot();
      emit({ op: 'mov', dst: r, src: v });
      results.push(r);
    }
  }
  emit({ op: 'ret' });
  return { name: symbol, line, col: 1, endLine: line, params, results, ctxtSlot: null, nslots, body };
}
