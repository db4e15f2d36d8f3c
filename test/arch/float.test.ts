// Arch.float64ToUint32: uint32(d) as gc compiles it for each target, the
// high word vlrt.go's _d2v gives an out-of-range float64 (src/runtime/vlrt.ts).
import { describe, expect, it } from 'vitest';
import { ARCHES } from '../../src/arch/index.ts';

describe('float64ToUint32', () => {
  it('amd64: CVTTSD2SQ, then the low 32 bits (0 when out of int64 range or NaN)', () => {
    const f = ARCHES.amd64.float64ToUint32;
    expect([3.9, -1, 2 ** 32 + 5, -(2 ** 32) - 5, 1e300, -1e300, Infinity, NaN, 2 ** 63, -(2 ** 63)].map(f)).toEqual([3, 0xffffffff, 5, 0xfffffffb, 0, 0, 0, 0, 0, 0]);
  });
  it('arm: VCVT.U32.F64 saturates (0 for NaN and negatives, 0xffffffff from 2^32)', () => {
    const f = ARCHES.arm.float64ToUint32;
    expect([3.9, -1, 2 ** 32 + 5, -(2 ** 32) - 5, 1e300, -1e300, Infinity, NaN, 0.5].map(f)).toEqual([3, 0, 0xffffffff, 0, 0xffffffff, 0, 0xffffffff, 0, 0]);
  });
});
