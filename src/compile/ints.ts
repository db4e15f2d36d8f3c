// Go's integer types: their width and signedness on a target, and the facts
// the checker, the layout code and the lowering share about them.
//
// int, uint and uintptr are the word size of the target (64 bits on amd64,
// 32 on arm); the others have fixed widths. A value of a type narrower than
// the target's word is kept in a word extended from its width (sign-extended
// when signed, zero-extended when unsigned), so word comparisons and word
// arithmetic followed by a narrowing give Go's results. A 64-bit value on a
// 32-bit target is two words, low word first (as Go keeps it in a register
// pair and passes it in two argument words).

export type IntKind = 'int' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'uintptr';

export const INT_KINDS: readonly IntKind[] = ['int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr'];

const KINDS = new Set<string>(INT_KINDS);

export function isIntKind(k: string): k is IntKind {
  return KINDS.has(k);
}

/** Bits of an integer kind on a target whose words are W bytes. */
export function intBits(k: IntKind, W: number): number {
  switch (k) {
    case 'int8':
    case 'uint8':
      return 8;
    case 'int16':
    case 'uint16':
      return 16;
    case 'int32':
    case 'uint32':
      return 32;
    case 'int64':
    case 'uint64':
      return 64;
    default:
      return W * 8;
  }
}

export function intSigned(k: IntKind): boolean {
  return k === 'int' || k === 'int8' || k === 'int16' || k === 'int32' || k === 'int64';
}

/** Does the integer v fit kind k (on a target with W-byte words)? */
export function fitsIntKind(v: bigint, k: IntKind, W: number): boolean {
  const bits = intBits(k, W);
  return intSigned(k) ? BigInt.asIntN(bits, v) === v : BigInt.asUintN(bits, v) === v;
}

/** v wrapped to kind k: Go's result of an operation that leaves the range. */
export function wrapIntKind(v: bigint, k: IntKind, W: number): bigint {
  const bits = intBits(k, W);
  return intSigned(k) ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
}
