// Shared test helpers: the arch list for describe.each, and a machine made of
// small per-arch test programs (TEXT blocks written in each arch's syntax).
import { ARCHES, type Arch, type ArchName } from '../src/arch/index.ts';
import { EXIT_SENTINEL } from '../src/engine/engine.ts';
import { parseAsm } from '../src/link/source.ts';
import type { HostRegistry } from '../src/os/host.ts';
import { Machine } from '../src/os/machine.ts';
import { REGIONS } from '../src/os/memmap.ts';

export const archCases: [ArchName, Arch][] = Object.entries(ARCHES) as [ArchName, Arch][];

/** Per-arch source of a test .s file. */
export type PerArch = Record<ArchName, string>;

export async function testMachine(arch: Arch, src: PerArch, defineHosts?: (h: HostRegistry) => void): Promise<Machine> {
  return Machine.create({ arch, blocks: parseAsm(src[arch.name], `test/${arch.name}.s`), defineHosts, cacheDir: null });
}

export const STACK_TOP = REGIONS.stacks.start + 0x10000;

/**
 * Call a function at `pc` as from a caller whose next instruction is the exit
 * sentinel: amd64 pushes the sentinel as return address; arm sets LR.
 */
export function callFrom(m: Machine, pc: number, opts: { count?: number } = {}) {
  const e = m.engine;
  if (m.arch.lrReg) {
    e.sp = STACK_TOP;
    e.setReg(m.arch.lrReg, EXIT_SENTINEL);
  } else {
    e.sp = STACK_TOP - 8;
    m.mem.setPtr(STACK_TOP - 8, EXIT_SENTINEL);
  }
  return e.run(pc, opts);
}

/** The GOMAXPROCS a fixture was recorded with: its `// GOMAXPROCS=N` line, else 1 (tools/record-expected.sh). */
export function fixtureGomaxprocs(source: string): string {
  return /^\/\/ GOMAXPROCS=(\d+)$/m.exec(source.split('\n').slice(0, 5).join('\n'))?.[1] ?? '1';
}
