// The modeled cycle cost of an instruction, per ISA, by mnemonic. These are
// teaching numbers, not a timing simulator: the order of magnitude of the
// latency of each instruction class on a recent out-of-order core (amd64:
// Agner Fog's instruction tables for Intel Skylake; arm: the Cortex-A15
// software optimisation guide), rounded. A memory access costs as an L1 hit.
// Anything not listed costs 1 cycle.

export type CostTable = Readonly<Record<string, number>>;

export const AMD64_COSTS: CostTable = {
  imul: 3,
  mul: 3,
  idiv: 40, // 64-bit signed divide
  div: 35,
  call: 2,
  ret: 2,
  push: 1,
  pop: 1,
  syscall: 100, // the kernel entry, before any work of the call itself
  cpuid: 100,
  cld: 4,
  int3: 100,
};

export const ARM_COSTS: CostTable = {
  mul: 2,
  mla: 2,
  smull: 3,
  umull: 3,
  sdiv: 12,
  udiv: 12,
  bl: 2,
  blx: 2,
  ldm: 2,
  stm: 2,
  push: 2,
  pop: 2,
  mrc: 3,
  mcr: 3,
  svc: 100,
  dmb: 10,
};

/** Cost of one instruction given its Capstone mnemonic (condition suffixes ignored on arm). */
export function costOf(table: CostTable, mnemonic: string): number {
  const m = mnemonic.toLowerCase();
  return table[m] ?? table[m.replace(/(eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)$/, '')] ?? 1;
}
