// What the rest of gogo-emu needs to know about an ISA. One implementation per
// ISA (amd64.ts, arm.ts); nothing outside src/arch and asm/<arch> branches on
// the arch name.
import type { Arena } from '../engine/arena.ts';
import type { AsmTarget } from '../engine/asm.ts';
import type { Disposable, Engine, EngineArch } from '../engine/engine.ts';
import type { CostTable } from './costs.ts';
import type { SignalArch } from './signal.ts';

export type ArchName = 'amd64' | 'arm';

/**
 * How a function takes arguments and returns results.
 * - 'abi0': Go's stack-based ABI (both arches): args after the return slot.
 * - 'internal': Go's register ABI (ABIInternal). On arm, which has no register
 *   ABI in go1.19, it is the same as abi0.
 * - 'regs': arguments in the first integer argument registers on both arches
 *   (amd64: AX, BX, CX, ... as ABIInternal; arm: R0-R3). Only for tail calls
 *   from a host function into a hand-compiled stub documented to take them so:
 *   the host function's caller may have reserved no stack slots for them.
 */
export type Abi = 'abi0' | 'internal' | 'regs';

/** The gobuf fields gostartcall touches (a go119 Gobuf view fits). */
export interface GobufLike {
  sp: number;
  pc: number;
  lr: number;
  ctxt: number;
}

/**
 * What the switch recorder and validator (src/trace) need to know about an
 * arch's switching stubs beyond the ABI facts above. Descriptive only.
 */
export interface SwitchFacts {
  /**
   * Helper symbols whose instructions belong to the stub that reached them
   * (asm_*.s file-local helpers): a switch ends at the first instruction
   * outside its stub and these.
   */
  readonly helpers: readonly string[];
  /** the thread's TLS g slot holds g (amd64 [fs_base-8]); false where g lives only in the g register (arm without cgo) */
  readonly gInTLS: boolean;
  /** the register gogo loads gobuf.ret into (AX / R0) */
  readonly retReg: string;
  /** the flags register (for reports) */
  readonly flagsReg: string;
  /** ABIInternal integer argument registers in order (none on arm: go1.19 has no register ABI there) */
  readonly abiInternalArgRegs: readonly string[];
  /** where a function's stack-check stub passes its own LR to morestack (arm R3); undefined without LR */
  readonly morestackLRReg: string | undefined;
}

export interface Arch extends EngineArch {
  readonly name: ArchName;
  /** Go's GOARCH-level facts (runtime/internal/sys, goarch) */
  readonly ptrSize: 4 | 8;
  readonly pcQuantum: 1 | 4;
  readonly usesLR: boolean;
  readonly minFrameSize: number;
  readonly stackAlign: number;
  /** the register that holds the current g */
  readonly gReg: string;
  /** Go keeps a frame-pointer chain (saved BP at 0(BP)) that stack copies must adjust */
  readonly usesFramePointer: boolean;
  /** frame pointer register (amd64) or undefined */
  readonly bpReg: string | undefined;
  /** link register (arm) or undefined */
  readonly lrReg: string | undefined;
  /** closure context register (DX / R7) */
  readonly ctxtReg: string;
  /** how the kernel delivers a signal here: the rt_sigframe layout (signal.ts) */
  readonly signal: SignalArch;
  /** facts about the switching stubs for src/trace (recorder and validator) */
  readonly switchFacts: SwitchFacts;
  /** Keystone / Capstone constants */
  readonly asm: AsmTarget;
  /** bytes of the plain return instruction that fills a host slot */
  readonly retInsn: Uint8Array;
  /** retInsn as Capstone prints it (mnemonic, operands), so host slots decode without Capstone */
  readonly retInsnText: readonly [mnemonic: string, opStr: string];
  /** modeled cycles per instruction, by mnemonic (see costs.ts) */
  readonly costs: CostTable;
  /** instruction size for disassembly fallbacks (1 on x86, 4 on arm) */
  readonly insnUnit: number;

  /** Put a fresh CPU in the state Go code expects (arm: user mode, VFP on). */
  initCpu(e: Engine): void;
  /**
   * Point the thread's TLS at the g slot `gSlot` (m.tls[0]) as Go's settls does:
   * amd64 FS_BASE = gSlot + 8 so that FS:-8 is the slot; arm TPIDRURO = gSlot.
   */
  setTLS(e: Engine, gSlot: number): void;
  /** The address of the TLS g slot the thread currently uses (inverse of setTLS). */
  tlsSlot(e: Engine): number;

  /** the ELF entry symbol the emulated OS starts the main thread at (asm/<arch>/boot.s) */
  readonly entrySymbol: string;
  /** Linux system call numbers of this arch -> names (as sys_linux_<arch>.s defines them). */
  readonly syscallNumbers: Readonly<Record<number, string>>;
  /**
   * Hook the arch's system-call instruction (amd64 SYSCALL, arm SVC). `fn`
   * runs with the trap's registers current; read them with syscallArgs and
   * answer with setSyscallResult. What each call does is the OS's business
   * (src/os/linux).
   */
  hookSyscall(e: Engine, fn: () => void): Disposable;
  /** The number and six arguments of the system call being made (Linux register convention). */
  syscallArgs(e: Engine): { nr: number; args: bigint[] };
  /**
   * uint32(d) for a float64 d as gc compiles it for this target (what
   * vlrt.go's _d2v yields as the high word of an out-of-range value): amd64
   * truncates to int64 (CVTTSD2SQ: 1<<63 when out of range or NaN) and keeps
   * the low 32 bits; arm's VCVT.U32.F64 saturates (0 for NaN and negatives,
   * 0xffffffff from 2^32).
   */
  float64ToUint32(d: number): number;
  /** Store a system call's result (negative: -errno) in the result register. */
  setSyscallResult(e: Engine, r: bigint): void;
  /** From inside the system-call hook: the address of the instruction after the system-call instruction. */
  syscallReturnPC(e: Engine): number;
  /**
   * Which argument of clone(2) carries the new thread pointer (CLONE_SETTLS):
   * the kernel's order differs (x86-64: flags, stack, parent_tid, child_tid,
   * tls; arm: flags, stack, parent_tid, tls, child_tid).
   */
  readonly cloneTlsArg: number;
  /** Set the thread pointer register the arch's TLS uses (amd64 FS_BASE, arm TPIDRURO). */
  setThreadPointer(e: Engine, v: bigint): void;
  /** getg(): the current g as the runtime sees it (amd64: the TLS slot FS:-8; arm: R10). */
  getg(e: Engine, m: Arena): number;
  /**
   * Ports sys_x86.go / sys_arm.go gostartcall: make buf look as if its pc had
   * called fn(ctxt) and fn is about to start (amd64 pushes buf.pc as the return
   * address; arm moves it to buf.lr).
   */
  gostartcall(m: Arena, buf: GobufLike, fn: number, ctxt: number): void;
  /** The caller's SP seen from the first instruction of a function (getcallersp). */
  callerSP(e: Engine): number;
  /**
   * Deliver result i of a call that a goroutine parked in (mcall saved its
   * caller's SP/PC in gobuf): the value lands where the caller will look once
   * gogo resumes it (amd64 ABIInternal: gobuf.ret, which gogo loads into AX;
   * ABI0: the result slot above the caller's SP). gogo restores one result
   * register only: a second one (amd64 ABIInternal: BX) is carried in
   * gobuf.ctxt (DX after gogo) and moved into place by the stub at `ret2()`
   * (runtime.parkret2), which the goroutine then resumes in as if the call
   * were just returning (its return address pushed back onto its stack).
   */
  setParkedResult(m: Arena, buf: GobufLike & { ret: number }, abi: Abi, nargs: number, i: number, v: number, ret2?: () => number): void;
  /** Argument i (word-sized) of a function that was just called (PC at its first instruction). */
  arg(e: Engine, m: Arena, abi: Abi, i: number): bigint;
  /** The same as a number: Number(arg(...)) without a BigInt (exact below 2^53, rounded above). */
  argN(e: Engine, m: Arena, abi: Abi, i: number): number;
  /** Store result i of a function with `nargs` word-sized arguments, before it returns. */
  setResult(e: Engine, m: Arena, abi: Abi, nargs: number, i: number, v: bigint | number): void;
  /** The return address of a function that was just called ([SP] / LR). */
  returnAddress(e: Engine, m: Arena): number;
  /**
   * The target of the direct call that returns to `ret` (CALL rel32 on
   * amd64, BL on arm, right before `ret`), or undefined when the instruction
   * there is not one.
   */
  callTarget(m: Arena, ret: number): number | undefined;
  /** Perform the plain return of a function that was just called (pop / PC=LR). */
  doReturn(e: Engine, m: Arena): void;
  /**
   * Turn the current call into a call of `target` with `args`: the arguments are
   * placed per `abi` where the current function's caller would have put them, and
   * PC = target; the return address is kept, so target returns to our caller.
   */
  tailCall(e: Engine, m: Arena, abi: Abi, target: number, args: readonly (bigint | number)[]): void;
  /**
   * Run the code at `glue` before the continuation of a host function that has
   * just finished: its plain return (tail = false) or the tail call it set up
   * (tail = true, PC = the target, arguments in place). amd64: a tail call's
   * target is pushed as the glue's return address, a return leaves the
   * caller's return address where it is, so the glue's RET continues either
   * way; arm: R12 = the continuation (the target, or LR for a return), which
   * the glue jumps to (BX R12) after restoring every other register.
   */
  interpose(e: Engine, m: Arena, glue: number, tail: boolean): void;
}
