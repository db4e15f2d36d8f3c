// arm (32-bit, GOARM=7): register ids for Unicorn, the Go ABI0 facts the
// runtime and host calls need, user mode with VFP, and TLS through TPIDRURO.
import type { Arena } from '../engine/arena.ts';
import { disassembleOne } from '../engine/asm.ts';
import type { Engine } from '../engine/engine.ts';
import { EmulationFault } from '../engine/errors.ts';
import { UC } from '../engine/unicorn.ts';
import { ARM_COSTS } from './costs.ts';
import type { Arch } from './types.ts';
import { armSignal } from './sigframe_arm.ts';

// QEMU's ARM exception numbers that Unicorn passes to the interrupt hook (EXCP_*).
const EXCEPTIONS: Record<number, string> = { 1: 'undefined instruction', 3: 'prefetch abort', 4: 'data abort', 7: 'breakpoint' };

// Unicorn's ARM register ids (unicorn/arm.h, Debian 2.0.1).
const regIds: Record<string, number> = {
  r0: 66, r1: 67, r2: 68, r3: 69, r4: 70, r5: 71, r6: 72, r7: 73, r8: 74, r9: 75, r10: 76, r11: 77, r12: 78,
  sp: 12, lr: 10, pc: 11, r13: 12, r14: 10, r15: 11, cpsr: 3, fpexc: 4, tpidruro: 113,
};

// NOREGNAME: print r10/r11/r12 (Go's g, R11, R12) rather than sl/fp/ip.
// `.cpu cortex-a15`: the CPU Unicorn emulates; without it Keystone rejects
// sdiv/udiv as a missing feature.
const asmTarget = {
  ks: ['ARCH_ARM', 'MODE_ARM'],
  cs: ['ARCH_ARM', 'MODE_ARM'],
  csOptions: [['OPT_SYNTAX', 'OPT_SYNTAX_NOREGNAME']],
  prelude: '.cpu cortex-a15',
  dataBeforeCodeBreaksBranches: true,
} as const;

/** CPSR mode bits for user mode; FPEXC.EN enables VFP/NEON. */
const CPSR_USR = 0x10;
const FPEXC_EN = 0x40000000;

/** Linux EABI system call numbers the emulated OS knows. */
/** Linux EABI system call numbers (the ones go1.19's sys_linux_arm.s uses). */
const SYSCALLS: Record<number, string> = {
  1: 'exit', 3: 'read', 4: 'write', 5: 'open', 6: 'close', 20: 'getpid', 33: 'access', 37: 'kill', 45: 'brk', 55: 'fcntl',
  91: 'munmap', 104: 'setitimer', 120: 'clone', 158: 'sched_yield', 162: 'nanosleep', 173: 'rt_sigreturn',
  174: 'rt_sigaction', 175: 'rt_sigprocmask', 186: 'sigaltstack', 192: 'mmap2', 219: 'mincore', 220: 'madvise',
  224: 'gettid', 240: 'futex', 242: 'sched_getaffinity', 248: 'exit_group', 263: 'clock_gettime', 268: 'tgkill',
  359: 'pipe2',
};
const INTR_SVC = 2;

const R10_ID = regIds.r10!;

/** v as the 32-bit word Number(BigInt.asUintN(32, BigInt(v))) gives, without a BigInt for safe integers */
function word32(v: bigint | number): number {
  return typeof v === 'number' && Number.isSafeInteger(v) ? v >>> 0 : Number(BigInt.asUintN(32, BigInt(v)));
}

/** the system call's number and its six arguments, as the kernel reads them */
const SYSCALL_REGS: readonly string[] = ['r7', 'r0', 'r1', 'r2', 'r3', 'r4', 'r5'];

function stackSlot(e: Engine, i: number): number {
  // ABI0 at entry (after BL): 0(R13) is the caller's saved-LR slot, args from 4(R13).
  return e.sp + 4 + 4 * i;
}

export const arm: Arch = {
  name: 'arm',
  ucArch: UC.ARCH_ARM,
  ucMode: UC.MODE_ARM,
  regIds,
  dumpRegs: ['pc', 'sp', 'lr', 'r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11', 'r12', 'cpsr'],
  pcReg: 'pc',
  spReg: 'sp',
  // ARM's core registers do not overlap (sp/r13 and lr/r14 are the same ids);
  // pc is left out: a write of it also sets the Thumb bit, and reads differ
  isolatedRegs: ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11', 'r12', 'sp', 'lr', 'tpidruro'],
  hotRegs: ['pc', 'sp', 'lr', 'r0', 'r1', 'r2', 'r3', 'r10'],
  regBytes: 4,
  wordSize: 4,
  ptrSize: 4,
  pcQuantum: 4,
  usesLR: true,
  minFrameSize: 4,
  stackAlign: 4,
  gReg: 'r10',
  usesFramePointer: false,
  bpReg: undefined,
  lrReg: 'lr',
  ctxtReg: 'r7',
  signal: armSignal,
  switchFacts: {
    helpers: ['runtime.gogo<>', 'runtime.gosave_systemstack_switch<>', 'runtime.setg<>', 'runtime.save_g', 'runtime.load_g'],
    gInTLS: false,
    retReg: 'r0',
    flagsReg: 'cpsr',
    abiInternalArgRegs: [],
    morestackLRReg: 'r3',
  },
  asm: asmTarget,
  retInsn: Uint8Array.of(0x1e, 0xff, 0x2f, 0xe1), // bx lr
  retInsnText: ['bx', 'lr'],
  costs: ARM_COSTS,
  insnUnit: 4,
  describeInsn: (bytes, address) => disassembleOne(asmTarget, bytes, address),

  initCpu(e) {
    // Unicorn starts in SVC mode. SP is banked, so switch to user mode first;
    // callers set SP afterwards. VFP is off until FPEXC.EN is set.
    e.setReg('cpsr', CPSR_USR);
    e.setReg('fpexc', FPEXC_EN);
  },
  setTLS(e, gSlot) {
    e.setReg('tpidruro', gSlot);
  },
  tlsSlot(e) {
    return e.regN('tpidruro');
  },

  entrySymbol: '_rt0_arm_linux',
  syscallNumbers: SYSCALLS,
  hookSyscall(e, fn) {
    return e.hookInterrupt((intno) => {
      // bkpt, udf and the like in user code (a stub of the user, say) are a
      // fault of the emulated program, not of the emulator
      if (intno !== INTR_SVC) throw new EmulationFault(EXCEPTIONS[intno] ?? `CPU exception ${intno}`, e.pc, undefined, e.describe(e.pc), e.dump(), `unhandled CPU exception ${intno}`);
      fn();
    });
  },
  float64ToUint32(d) {
    if (Number.isNaN(d) || d <= 0) return 0; // VCVT.U32.F64 saturates
    return d >= 2 ** 32 ? 0xffff_ffff : Math.trunc(d);
  },
  syscallArgs(e) {
    const v = e.regs(SYSCALL_REGS); // one uc_reg_read_batch
    return { nr: Number(v.r7), args: [v.r0!, v.r1!, v.r2!, v.r3!, v.r4!, v.r5!] };
  },
  setSyscallResult(e, r) {
    e.setReg('r0', BigInt.asUintN(32, r));
  },
  syscallReturnPC(e) {
    // the SVC exception is taken with PC already past the instruction
    return e.pc;
  },
  cloneTlsArg: 3,
  setThreadPointer(e, v) {
    e.setReg('tpidruro', v);
  },
  getg(e) {
    return e.regNumById(R10_ID);
  },
  gostartcall(_m, buf, fn, ctxt) {
    if (buf.lr !== 0) throw new Error('invalid use of gostartcall');
    buf.lr = buf.pc;
    buf.pc = fn;
    buf.ctxt = ctxt;
  },
  callerSP(e) {
    return e.sp;
  },
  setParkedResult(m, buf, _abi, nargs, i, v) {
    // ABI0 (the only ABI): 0(SP) is the saved-LR slot, args then results follow
    m.setU32(buf.sp + 4 + 4 * (nargs + i), v >>> 0);
  },

  arg(e, m, _abi, i) {
    return BigInt(m.u32(stackSlot(e, i)));
  },
  argN(e, m, _abi, i) {
    return m.u32(stackSlot(e, i));
  },
  setResult(e, m, _abi, nargs, i, v) {
    m.setU32(stackSlot(e, nargs + i), word32(v));
  },
  returnAddress(e) {
    return e.regN('lr');
  },
  callTarget(m, ret) {
    // BL<cond> imm24: cond 1011 imm24, the word before the return address; target = insn + 8 + imm24*4
    if (!m.contains(ret - 4, 4)) return undefined;
    const w = m.u32(ret - 4);
    if ((w & 0x0f000000) !== 0x0b000000 || w >>> 28 === 0xf) return undefined;
    return (ret - 4 + 8 + (((w & 0xffffff) << 8) >> 6)) >>> 0;
  },
  doReturn(e) {
    e.pc = e.regN('lr');
  },
  tailCall(e, m, abi, target, args) {
    if (abi === 'regs') {
      if (args.length > 4) throw new Error(`tailCall: ${args.length} register arguments (R0-R3 only)`);
      for (let i = 0; i < args.length; i++) e.setReg(`r${i}`, BigInt(word32(args[i]!)));
    } else for (let i = 0; i < args.length; i++) m.setU32(stackSlot(e, i), word32(args[i]!));
    e.pc = target;
  },
  interpose(e, _m, glue, tail) {
    e.setReg('r12', BigInt(tail ? e.pc : e.regN('lr')));
    e.pc = glue;
  },
};
