// Go types of the subset and constant values.
//
// Types: int (the word size of the target: 64 bits on amd64, 32 on arm, as in
// Go), bool, struct{}, sync.WaitGroup, chan T, func(...) ..., and the untyped
// kinds of constants (int, bool, string) and nil. Tuples describe the results
// of multi-value calls.

export type Type =
  | { readonly k: 'int' }
  | { readonly k: 'bool' }
  | { readonly k: 'struct0' }
  | { readonly k: 'waitgroup' }
  | { readonly k: 'chan'; readonly dir: 'both' | 'send' | 'recv'; readonly elem: Type }
  | { readonly k: 'func'; readonly params: readonly Type[]; readonly results: readonly Type[] }
  | { readonly k: 'untyped'; readonly base: 'int' | 'bool' | 'string' | 'nil' }
  | { readonly k: 'tuple'; readonly types: readonly Type[] };

export type FuncType = Extract<Type, { k: 'func' }>;
export type ChanType = Extract<Type, { k: 'chan' }>;

export const INT: Type = { k: 'int' };
export const BOOL: Type = { k: 'bool' };
export const STRUCT0: Type = { k: 'struct0' };
export const WAITGROUP: Type = { k: 'waitgroup' };
export const UNTYPED_INT: Type = { k: 'untyped', base: 'int' };
export const UNTYPED_BOOL: Type = { k: 'untyped', base: 'bool' };
export const UNTYPED_STRING: Type = { k: 'untyped', base: 'string' };
export const UNTYPED_NIL: Type = { k: 'untyped', base: 'nil' };

/** A constant's value: integers are exact (arbitrary precision), strings are bytes. */
export type ConstValue = bigint | boolean | Uint8Array;

export function typeString(t: Type | undefined): string {
  if (!t) return 'no value';
  switch (t.k) {
    case 'int':
    case 'bool':
      return t.k;
    case 'struct0':
      return 'struct{}';
    case 'waitgroup':
      return 'sync.WaitGroup';
    case 'chan':
      return `${t.dir === 'recv' ? '<-chan' : t.dir === 'send' ? 'chan<-' : 'chan'} ${typeString(t.elem)}`;
    case 'func': {
      const r = t.results.length === 0 ? '' : t.results.length === 1 ? ` ${typeString(t.results[0])}` : ` (${t.results.map(typeString).join(', ')})`;
      return `func(${t.params.map(typeString).join(', ')})${r}`;
    }
    case 'untyped':
      return t.base === 'nil' ? 'untyped nil' : `untyped ${t.base}`;
    case 'tuple':
      return `(${t.types.map(typeString).join(', ')})`;
  }
}

export function identical(a: Type, b: Type): boolean {
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'chan': {
      const c = b as ChanType;
      return a.dir === c.dir && identical(a.elem, c.elem);
    }
    case 'func': {
      const f = b as FuncType;
      return (
        a.params.length === f.params.length &&
        a.results.length === f.results.length &&
        a.params.every((p, i) => identical(p, f.params[i]!)) &&
        a.results.every((r, i) => identical(r, f.results[i]!))
      );
    }
    case 'untyped':
      return a.base === (b as { base: string }).base;
    case 'tuple': {
      const u = b as Extract<Type, { k: 'tuple' }>;
      return a.types.length === u.types.length && a.types.every((x, i) => identical(x, u.types[i]!));
    }
    default:
      return true;
  }
}

export const isUntyped = (t: Type): t is Extract<Type, { k: 'untyped' }> => t.k === 'untyped';

/** The type an untyped constant gets when nothing else decides it (Go's default type). */
export function defaultType(t: Type): Type {
  if (t.k !== 'untyped') return t;
  if (t.base === 'int') return INT;
  if (t.base === 'bool') return BOOL;
  return t;
}

/** Bytes of a value of type t in memory (channel elements, heap cells). */
export function sizeOf(t: Type, ptrSize: number): number {
  switch (t.k) {
    case 'bool':
      return 1;
    case 'struct0':
      return 0;
    case 'waitgroup':
      return 16;
    default:
      return ptrSize;
  }
}

/** Is v representable as a signed integer of `bits` bits? */
export function fitsInt(v: bigint, bits: number): boolean {
  return BigInt.asIntN(bits, v) === v;
}

export function constString(v: ConstValue): string {
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return JSON.stringify(new TextDecoder().decode(v));
}
