// amd64 (x86-64): register ids for Unicorn, the Go ABI facts the runtime and
// host calls need, and TLS through FS_BASE.
import type { Arena } from '../engine/arena.ts';
import { disassembleOne } from '../engine/asm.ts';
import type { Engine } from '../engine/engine.ts';
import { UC } from '../engine/unicorn.ts';
import { AMD64_COSTS } from './costs.ts';
import type { Abi, Arch } from './types.ts';
import { amd64Signal } from './sigframe_amd64.ts';

// Unicorn's x86 register ids (unicorn/x86.h, Debian 2.0.1).
const regIds: Record<string, number> = {
  rax: 35, rbx: 37, rcx: 38, rdx: 40, rsi: 43, rdi: 39, rbp: 36, rsp: 44, rip: 41,
  r8: 106, r9: 107, r10: 108, r11: 109, r12: 110, r13: 111, r14: 112, r15: 113,
  eflags: 25, fs_base: 250, gs_base: 251,
  eax: 19, ebx: 21, ecx: 22, edx: 24, esp: 30, ebp: 20, esi: 29, edi: 23,
};

/** ABIInternal integer argument / result registers, in order (Go internal ABI spec). */
export const INT_ARG_REGS = ['rax', 'rbx', 'rcx', 'rdi', 'rsi', 'r8', 'r9', 'r10', 'r11'] as const;

const asmTarget = { ks: ['ARCH_X86', 'MODE_64'], cs: ['ARCH_X86', 'MODE_64'] } as const;

/** Linux x86-64 system call numbers the emulated OS knows. */
/** Linux x86-64 system call numbers (the ones go1.19's sys_linux_amd64.s uses). */
const SYSCALLS: Record<number, string> = {
  0: 'read', 1: 'write', 3: 'close', 9: 'mmap', 11: 'munmap', 12: 'brk', 13: 'rt_sigaction', 14: 'rt_sigprocmask',
  15: 'rt_sigreturn', 24: 'sched_yield', 27: 'mincore', 28: 'madvise', 35: 'nanosleep', 38: 'setitimer', 39: 'getpid',
  56: 'clone', 60: 'exit', 62: 'kill', 72: 'fcntl', 131: 'sigaltstack', 158: 'arch_prctl', 186: 'gettid', 202: 'futex',
  204: 'sched_getaffinity', 228: 'clock_gettime', 231: 'exit_group', 234: 'tgkill', 257: 'openat', 293: 'pipe2',
};
const X86_INS_SYSCALL = 699;

/** Unicorn ids of INT_ARG_REGS, and of FS_BASE (the host-call paths skip the name lookup) */
/** the system call's number and its six arguments, as the kernel reads them */
const SYSCALL_REGS: readonly string[] = ['rax', 'rdi', 'rsi', 'rdx', 'r10', 'r8', 'r9'];
const INT_ARG_IDS: readonly number[] = INT_ARG_REGS.map((r) => regIds[r]!);
const FS_BASE_ID = regIds.fs_base!;

/** argument / result register i of ABIInternal, by id */
function intArgId(i: number, what: string): number {
  const id = INT_ARG_IDS[i];
  if (id === undefined) throw new Error(`amd64 ABIInternal: ${what} ${i} does not fit in registers`);
  return id;
}

function stackSlot(e: Engine, i: number): number {
  // ABI0 at entry: 0(SP) is the return address, arguments then results follow.
  return e.sp + 8 + 8 * i;
}

export const amd64: Arch = {
  name: 'amd64',
  ucArch: UC.ARCH_X86,
  ucMode: UC.MODE_64,
  regIds,
  dumpRegs: ['rip', 'rsp', 'rbp', 'r14', 'rax', 'rbx', 'rcx', 'rdx', 'rdi', 'rsi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r15', 'eflags', 'fs_base'],
  pcReg: 'rip',
  spReg: 'rsp',
  isolatedRegs: ['fs_base', 'gs_base'],
  hotRegs: ['rip', 'rsp', 'fs_base', 'rax', 'rbx', 'rcx', 'rdi', 'rsi', 'r8', 'r9', 'r10', 'r11', 'r14'],
  regBytes: 8,
  wordSize: 8,
  ptrSize: 8,
  pcQuantum: 1,
  usesLR: false,
  minFrameSize: 0,
  stackAlign: 8,
  gReg: 'r14',
  usesFramePointer: true,
  bpReg: 'rbp',
  lrReg: undefined,
  ctxtReg: 'rdx',
  signal: amd64Signal,
  switchFacts: {
    helpers: ['runtime.gogo<>', 'runtime.gosave_systemstack_switch<>'],
    gInTLS: true,
    retReg: 'rax',
    flagsReg: 'eflags',
    abiInternalArgRegs: INT_ARG_REGS,
    morestackLRReg: undefined,
  },
  asm: asmTarget,
  retInsn: Uint8Array.of(0xc3),
  retInsnText: ['ret', ''],
  costs: AMD64_COSTS,
  insnUnit: 1,
  describeInsn: (bytes, address) => disassembleOne(asmTarget, bytes, address),

  initCpu(): void {
    // A fresh Unicorn x86-64 CPU is already in 64-bit long mode with zero bases.
  },
  setTLS(e, gSlot) {
    e.setReg('fs_base', gSlot + 8);
  },
  tlsSlot(e) {
    return e.regN('fs_base') - 8;
  },

  entrySymbol: '_rt0_amd64_linux',
  syscallNumbers: SYSCALLS,
  hookSyscall(e, fn) {
    return e.hookInsn(X86_INS_SYSCALL, fn);
  },
  float64ToUint32(d) {
    if (Number.isNaN(d) || d >= 2 ** 63 || d < -(2 ** 63)) return 0; // CVTTSD2SQ's integer indefinite, 1<<63
    return Number(BigInt.asUintN(32, BigInt(Math.trunc(d))));
  },
  syscallArgs(e) {
    const v = e.regs(SYSCALL_REGS); // one uc_reg_read_batch
    return { nr: Number(v.rax), args: [v.rdi!, v.rsi!, v.rdx!, v.r10!, v.r8!, v.r9!] };
  },
  setSyscallResult(e, r) {
    e.setReg('rax', BigInt.asUintN(64, r));
  },
  syscallReturnPC(e) {
    // the SYSCALL hook sees RIP at the 2-byte instruction; Unicorn steps over it afterwards
    return e.pc + 2;
  },
  cloneTlsArg: 4,
  setThreadPointer(e, v) {
    e.setReg('fs_base', v);
  },
  getg(e, m) {
    return m.ptr(e.regNumById(FS_BASE_ID) - 8);
  },
  gostartcall(m, buf, fn, ctxt) {
    const sp = buf.sp - 8;
    m.setPtr(sp, buf.pc);
    buf.sp = sp;
    buf.pc = fn;
    buf.ctxt = ctxt;
  },
  callerSP(e) {
    return e.sp + 8;
  },
  setParkedResult(m, buf, abi, nargs, i, v, ret2) {
    if (abi === 'internal') {
      if (i === 1 && ret2) {
        const stub = ret2();
        buf.ctxt = v;
        if (buf.pc !== stub) {
          // back inside the call, at its return: [SP] = return address, PC = the stub (MOV DX, BX; RET)
          buf.sp -= 8;
          m.setU64(buf.sp, BigInt(buf.pc));
          buf.pc = stub;
        }
        return;
      }
      if (i !== 0) throw new Error('amd64: only the first two register results survive a park (gobuf.ret -> AX, gobuf.ctxt -> DX -> BX)');
      buf.ret = v;
    } else {
      // ABI0: the args started at the caller's SP (the return address is already popped)
      m.setU64(buf.sp + 8 * (nargs + i), BigInt(v));
    }
  },

  arg(e: Engine, m: Arena, abi: Abi, i: number): bigint {
    if (abi === 'internal') return e.regById(intArgId(i, 'argument'));
    return m.u64(stackSlot(e, i));
  },
  argN(e: Engine, m: Arena, abi: Abi, i: number): number {
    if (abi === 'internal') return e.regNumById(intArgId(i, 'argument'));
    return m.u64n(stackSlot(e, i));
  },
  setResult(e, m, abi, nargs, i, v) {
    // (setRegById and setU64 store the 64-bit two's complement of v)
    if (abi === 'internal') e.setRegById(intArgId(i, 'result'), v);
    else m.setU64(stackSlot(e, nargs + i), v);
  },
  returnAddress(e, m) {
    return Number(m.u64(e.sp));
  },
  callTarget(m, ret) {
    // E8 rel32: the 5 bytes before the return address
    if (!m.contains(ret - 5, 5) || m.u8(ret - 5) !== 0xe8) return undefined;
    return ret + m.i32(ret - 4);
  },
  doReturn(e, m) {
    const sp = e.sp;
    e.pc = Number(m.u64(sp));
    e.sp = sp + 8;
  },
  tailCall(e, m, abi, target, args) {
    for (let i = 0; i < args.length; i++) {
      if (abi !== 'abi0') e.setRegById(INT_ARG_IDS[i]!, args[i]!);
      else m.setU64(stackSlot(e, i), args[i]!);
    }
    e.pc = target;
  },
  interpose(e, m, glue, tail) {
    if (tail) {
      const sp = e.sp - 8;
      m.setU64(sp, BigInt(e.pc));
      e.sp = sp;
    }
    e.pc = glue;
  },
};
