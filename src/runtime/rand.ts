// The runtime's cheap random numbers: ports of go1.19 proc.go fastrandinit
// and mcommoninit's seeding of m.fastrand, stubs.go fastrand, and the
// wyhash-style int64Hash of hash64.go (memhash64Fallback).
//
// Where the randomness comes from. Go fills fastrandseed and hashkey from the
// 16 random bytes Linux puts in the auxiliary vector (AT_RANDOM), so each
// run differs. Here the seed option (`gogo-emu run --seed`, RuntimeOptions.seed)
// stands in for those bytes: it is expanded into fastrandseed and hashkey[0]
// (splitmix64), and everything after that follows Go: every M's m.fastrand
// (emulated memory, at go1.19's offset) is seeded from its id and the
// virtual clock, and fastrand() steps the current M's state with wyrand on
// amd64 and xorshift64+ on 32-bit arm, as stubs.go does per arch.
//
// Who calls fastrand (as in go1.19): newproc1 (g.trackingSeq), the semaphore
// treap (the ticket of each new semaRoot node, sema.go), makemap (h.hash0,
// so map iteration order follows the seed) and findRunnable's work stealing
// (the random start of stealOrder) when there are several Ps.
//
// Differs: Go hashes with AES (aeshash) on CPUs that have it and with
// hash32.go on 32-bit arches; this uses the 64-bit fallback everywhere, with
// the result cut to the pointer size.
import type { Runtime } from './runtime.ts';

const MASK64 = (1n << 64n) - 1n;
const m1 = 0xa0761d6478bd642fn;
const m2 = 0xe7037ed1a0b428dbn;
const m5 = 0x1d8e4e27c47d124fn;

/** hash64.go mix: the xor of the two halves of the 128-bit product. */
function mix(a: bigint, b: bigint): bigint {
  const p = (a & MASK64) * (b & MASK64);
  return ((p >> 64n) ^ p) & MASK64;
}

/** splitmix64 step: the seed's expansion into the bytes Go would read from AT_RANDOM. */
function splitmix64(x: bigint): { next: bigint; out: bigint } {
  const next = (x + 0x9e3779b97f4a7c15n) & MASK64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return { next, out: z ^ (z >> 31n) };
}

/** fastrandseed and hashkey[0] from a seed (fastrandinit, alginit): pointer-sized, hashkey odd. */
export function fastrandinit(seed: number, ptrSize: number): { fastrandseed: bigint; hashkey0: bigint } {
  const ptrMask = ptrSize === 8 ? MASK64 : 0xffffffffn;
  const a = splitmix64(BigInt(seed));
  const b = splitmix64(a.next);
  return { fastrandseed: a.out & ptrMask, hashkey0: (b.out & ptrMask) | 1n };
}

/** alg.go int64Hash(i, seed) as hash64.go memhash64Fallback computes it, cut to the pointer size. */
export function int64Hash(rt: Runtime, i: bigint, seed: bigint): bigint {
  const a = i & MASK64;
  const h = mix(m5 ^ 8n, mix(a ^ m2, a ^ seed ^ rt.hashkey0 ^ m1));
  return rt.arch.ptrSize === 8 ? h : h & 0xffffffffn;
}

/** The m.fastrand field's address of M `m`. */
function fastrandAddr(rt: Runtime, m: number): number {
  return m + rt.L.off.m.fastrand;
}

/** Ports mcommoninit's seeding: m.fastrand from the M's id and the clock (cputicks), never 0. */
export function mfastrandinit(rt: Runtime, m: number, id: number): void {
  const notSeed = ~rt.fastrandseed & (rt.arch.ptrSize === 8 ? MASK64 : 0xffffffffn);
  const lo = int64Hash(rt, BigInt.asUintN(64, BigInt(id)), rt.fastrandseed) & 0xffffffffn;
  let hi = int64Hash(rt, BigInt(Math.floor(rt.nanotime())), notSeed) & 0xffffffffn;
  if ((lo | hi) === 0n) hi = 1n;
  // little-endian on both arches: hi in the upper word
  rt.mem.setU64(fastrandAddr(rt, m), (hi << 32n) | lo);
}

/** Ports stubs.go fastrand on the current M: wyrand on amd64, xorshift64+ on 32-bit arm. */
export function fastrand(rt: Runtime): number {
  const at = fastrandAddr(rt, rt.curm().addr);
  let s = rt.mem.u64(at);
  if (rt.arch.ptrSize === 8) {
    s = (s + m1) & MASK64;
    rt.mem.setU64(at, s);
    return Number(mix(s, s ^ m2) & 0xffffffffn);
  }
  // t[0], t[1]: the two 32-bit halves of m.fastrand in memory order
  let s1 = s & 0xffffffffn;
  const s0 = s >> 32n;
  s1 ^= (s1 << 17n) & 0xffffffffn;
  s1 = s1 ^ s0 ^ (s1 >> 7n) ^ (s0 >> 16n);
  rt.mem.setU64(at, (s1 << 32n) | s0);
  return Number((s0 + s1) & 0xffffffffn);
}
