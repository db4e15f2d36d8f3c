// How the Linux kernel delivers a signal on an ISA: the rt_sigframe it writes
// on the (alternate) signal stack -- siginfo, then a ucontext whose mcontext
// holds every user register -- the registers it sets for the handler, and how
// rt_sigreturn reads them back. One implementation per ISA
// (sigframe_amd64.ts, sigframe_arm.ts), each a transcription of the kernel's
// layout (arch/x86/kernel/signal.c + uapi sigcontext.h; arch/arm/kernel/
// signal.c + uapi sigcontext.h / ucontext.h), so that the ported Go signal
// handler reads the frame at the offsets go1.19's defs_linux_<arch>.go give.
// Pure ISA facts: which signal, when, and with what mask is the OS's business
// (src/os/linux/signal.ts).
import type { Arena } from '../engine/arena.ts';
import type { Engine } from '../engine/engine.ts';

/** stack_t: an alternate signal stack (sigaltstack). */
export interface AltStack {
  sp: number;
  flags: number;
  size: number;
}

/** What the OS asks the ISA layer to deliver. */
export interface SigDelivery {
  sig: number;
  /** the siginfo bytes (SIGINFO_SIZE) */
  info: Uint8Array;
  /** sa_handler */
  handler: number;
  /** sa_restorer with SA_RESTORER, where the handler returns to; 0 without (the kernel's own sigreturn code, in the sigpage) */
  restorer: number;
  /** where the OS mapped sigreturnCode (the kernel's sigpage) */
  sigpage: number;
  /** the top of the stack to build the frame below: the alternate stack's top (SA_ONSTACK), else undefined (below the interrupted SP) */
  stackTop: number | undefined;
  /** the thread's signal mask before delivery (saved in uc_sigmask) */
  oldMask: bigint;
  /** the thread's sigaltstack setting (saved in uc_stack) */
  altstack: AltStack;
}

/** Where the frame went: all addresses in emulated memory. */
export interface SigFrameAddrs {
  /** the handler's SP at entry (the rt_sigframe) */
  frame: number;
  info: number;
  uc: number;
  /** the saved FP/vector state (amd64 fpstate, arm VFP sigframe) */
  fp: number;
}

/** What rt_sigreturn took from the frame, besides the registers. */
export interface SigReturned {
  mask: bigint;
  altstack: AltStack;
  frame: number;
}

/** Fields of a ucontext the ported runtime reads and writes (offsets from the ucontext). */
export interface UcontextOffsets {
  /** the interrupted PC (rip / arm_pc) */
  pc: number;
  sp: number;
  /** arm_lr; undefined on amd64 */
  lr: number | undefined;
  /** the first byte of uc_mcontext */
  mcontext: number;
  sigmask: number;
}

export interface SignalArch {
  /** sizeof(struct rt_sigframe) as the kernel lays it out */
  readonly frameSize: number;
  readonly uc: UcontextOffsets;
  /** the register names of the mcontext, in the kernel's order (arch register names) */
  readonly mcontextRegs: readonly string[];
  /** the FP/vector registers the frame saves, as names readFpRegs / the frame decode use */
  readonly fpRegs: readonly string[];
  /**
   * The kernel's own return-from-handler code for handlers installed
   * without SA_RESTORER (arm: the sigpage's rt_sigreturn snippet), which the
   * OS maps at SigDelivery.sigpage; undefined where the kernel requires
   * SA_RESTORER (x86-64).
   */
  readonly sigreturnCode: Uint8Array | undefined;
  /** siginfo of a signal sent by tgkill (si_code SI_TKILL) from process pid, user uid */
  tkillInfo(sig: number, pid: number, uid: number): Uint8Array;
  /** The siginfo of a fault the kernel reports (SIGSEGV): si_code and si_addr. */
  faultInfo(sig: number, code: number, addr: number): Uint8Array;
  /** The offset of si_addr in a siginfo (after si_signo, si_errno, si_code; the union is word-aligned). */
  readonly siAddr: number;
  /** Write the frame for the current registers and enter the handler (registers as the kernel sets them). */
  deliver(e: Engine, m: Arena, d: SigDelivery): SigFrameAddrs;
  /**
   * rt_sigreturn, from inside the system-call hook: every register from the
   * frame at the current SP; PC is set so that the thread resumes at the
   * saved PC once the system-call instruction completes. Undefined for a frame
   * the kernel would refuse (it sends SIGSEGV; here the caller reports it).
   */
  sigreturn(e: Engine, m: Arena): SigReturned | undefined;
  /**
   * Ports signal_<arch>.go sigctxt.pushCall: edit the saved context of the
   * ucontext at `uc` so that the interrupted code looks as if it had called
   * `target` from `resumePC` (amd64: the return address pushed; arm: LR
   * pushed, LR = resumePC).
   */
  pushCall(m: Arena, uc: number, target: number, resumePC: number): void;
  /** The registers saved in the mcontext of a ucontext at `uc` (by mcontextRegs names, plus the flags register). */
  readMcontext(m: Arena, uc: number): Record<string, bigint>;
  /** The FP/vector registers saved in the frame's FP area (fpRegs names), as bigints. */
  readFpFrame(m: Arena, uc: number): Record<string, bigint>;
  /** The current FP/vector registers (fpRegs names), as bigints. */
  readFpRegs(e: Engine): Record<string, bigint>;
}

/** sizeof(siginfo_t) on every Linux arch */
export const SIGINFO_SIZE = 128;
/** si_code of a signal sent by tkill/tgkill */
export const SI_TKILL = -6;

/** Little-endian helpers over a byte array. */
export function le(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
