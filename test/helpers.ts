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

/** Go's cloneFlags (CLONE_VM|FS|FILES|SIGHAND|SYSVSEM|THREAD). */
export const CLONE_THREAD_FLAGS = 0x50f00;
/** Bytes of main.stack, the stack a goClone child runs on. */
export const CLONE_STACK = 65536;

/**
 * Assembly that makes a thread the way Go's newosproc does (a raw clone, no
 * CLONE_SETTLS) on the global main.stack (CLONE_STACK bytes), the child
 * going on at `child` and the parent after the snippet.
 */
export function goClone(arch: ArchName, child: string): string {
  if (arch === 'amd64') {
    return `
    mov edi, ${CLONE_THREAD_FLAGS}
    mov rsi, main.stack
    add rsi, ${CLONE_STACK}
    xor edx, edx
    xor r10d, r10d
    xor r8d, r8d
    mov eax, 56
    syscall
    test rax, rax
    jz ${child}`;
  }
  return `
    ldr r0, =${CLONE_THREAD_FLAGS}
    ldr r1, =main.stack
    add r1, r1, #${CLONE_STACK}
    mov r2, #0
    mov r3, #0
    mov r4, #0
    mov r7, #120
    svc #0
    cmp r0, #0
    beq ${child}`;
}
