// The x86-64 rt_sigframe as Linux writes it (arch/x86/kernel/signal.c
// get_sigframe, __setup_rt_frame, restore_sigcontext; uapi asm/sigcontext.h
// and asm-generic/ucontext.h), for a CPU with FXSR and without XSAVE (the
// emulated CPU reports no XSAVE), so the FP area is the 512-byte fxsave image.
//
//   sp = interrupted RSP - 128 (the red zone), or the alternate stack's top
//   fpstate = round_down(sp - 512, 64)                      (fxregs_state)
//   frame   = round_down(fpstate - sizeof(rt_sigframe), 16) - 8
//
// struct rt_sigframe (440 bytes):
//   0   pretcode (sa_restorer)
//   8   struct ucontext: 8 uc_flags, 16 uc_link, 24 uc_stack {ss_sp, ss_flags, ss_size},
//       48 uc_mcontext (struct sigcontext, 256 bytes: r8..r15, rdi, rsi, rbp, rbx,
//          rdx, rax, rcx, rsp, rip, eflags, cs/gs/fs/ss (u16 each), err, trapno,
//          oldmask, cr2, fpstate pointer, reserved1[8]), 304 uc_sigmask
//   312 siginfo (128 bytes)
// Offsets from the ucontext (uc = frame + 8) are those of go1.19's
// defs_linux_amd64.go ucontext/mcontext, which the ported handler uses.
//
// The handler starts with RDI = sig, RSI = &info, RDX = &uc, RAX = 0,
// RSP = frame (pretcode is its return address), DF/RF/TF cleared, and the
// FP/SSE registers in their initial state (the kernel clears the user FPU
// state: XMM zero, MXCSR 0x1f80, FCW 0x37f).
import type { Arena } from '../engine/arena.ts';
import type { Engine } from '../engine/engine.ts';
import { le, SI_TKILL, SIGINFO_SIZE, type SignalArch, type SigDelivery, type SigFrameAddrs, type SigReturned } from './signal.ts';

const MC_REGS = ['r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'rdi', 'rsi', 'rbp', 'rbx', 'rdx', 'rax', 'rcx', 'rsp', 'rip', 'eflags'] as const;
const UC_MCONTEXT = 40; // from the ucontext
const MC_CSGSFS = 8 * 18;
const MC_FPSTATE = 8 * 23;
const UC_SIGMASK = UC_MCONTEXT + 256;
const UC_SIZE = UC_SIGMASK + 8;
const FRAME_SIZE = 8 + UC_SIZE + SIGINFO_SIZE;
const FXSAVE_SIZE = 512;
/** uc_flags: UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS (no UC_FP_XSTATE: an fxsave image) */
const UC_FLAGS = 0x2 | 0x4;
/** the flags a user may change through sigreturn (FIX_EFLAGS): AC OF DF TF SF ZF AF PF CF RF */
const FIX_EFLAGS = 0x40000 | 0x800 | 0x400 | 0x100 | 0x80 | 0x40 | 0x10 | 0x4 | 0x1 | 0x10000;
const EFLAGS_CLEAR_AT_ENTRY = 0x400 | 0x10000 | 0x100; // DF RF TF
/** the selectors of a 64-bit user thread on Linux (__USER_CS, __USER_DS) */
const USER_CS = 0x33;
const USER_SS = 0x2b;
// Unicorn x86 register ids (unicorn/x86.h): XMM0.., MXCSR, FPCW, FPSW
const XMM0 = 122;
const MXCSR = 249;
const FPCW = 246;
const FPSW = 31;
const XMM = Array.from({ length: 16 }, (_, i) => `xmm${i}`);

function fxsaveImage(e: Engine): Uint8Array {
  const b = new Uint8Array(FXSAVE_SIZE);
  const v = le(b);
  v.setUint16(0, Number(le(e.regBytes(FPCW, 2)).getUint16(0, true)), true);
  v.setUint16(2, Number(le(e.regBytes(FPSW, 2)).getUint16(0, true)), true);
  v.setUint32(24, le(e.regBytes(MXCSR, 4)).getUint32(0, true), true);
  v.setUint32(28, 0xffff, true); // mxcsr_mask
  for (let i = 0; i < 16; i++) b.set(e.regBytes(XMM0 + i, 16), 160 + 16 * i);
  return b;
}

function u128(bytes: Uint8Array): bigint {
  const v = le(bytes);
  return (v.getBigUint64(8, true) << 64n) | v.getBigUint64(0, true);
}

export const amd64Signal: SignalArch = {
  frameSize: FRAME_SIZE,
  uc: { pc: UC_MCONTEXT + 8 * 16, sp: UC_MCONTEXT + 8 * 15, lr: undefined, mcontext: UC_MCONTEXT, sigmask: UC_SIGMASK },
  mcontextRegs: MC_REGS,
  fpRegs: [...XMM, 'mxcsr'],
  sigreturnCode: undefined,

  siAddr: 16,
  faultInfo(sig, code, addr) {
    const b = new Uint8Array(SIGINFO_SIZE);
    const v = le(b);
    v.setInt32(0, sig, true);
    v.setInt32(8, code, true);
    v.setBigUint64(16, BigInt(addr), true); // _sifields._sigfault.si_addr (8-aligned union on 64-bit)
    return b;
  },

  tkillInfo(sig, pid, uid) {
    const b = new Uint8Array(SIGINFO_SIZE);
    const v = le(b);
    v.setInt32(0, sig, true);
    v.setInt32(8, SI_TKILL, true);
    v.setInt32(16, pid, true); // _sifields._kill: si_pid, si_uid (8-aligned union on 64-bit)
    v.setInt32(20, uid, true);
    return b;
  },

  deliver(e: Engine, m: Arena, d: SigDelivery): SigFrameAddrs {
    const regs = e.regs(MC_REGS);
    let sp = d.stackTop ?? Number(regs.rsp!) - 128;
    const fp = Math.floor((sp - FXSAVE_SIZE) / 64) * 64;
    sp = Math.floor((fp - FRAME_SIZE) / 16) * 16 - 8;
    const frame = sp;
    const uc = frame + 8;
    const info = uc + UC_SIZE;
    m.fill(frame, fp + FXSAVE_SIZE - frame);
    m.setU64(frame, BigInt(d.restorer));
    m.setU64(uc, BigInt(UC_FLAGS));
    m.setU64(uc + 8, 0n);
    m.setU64(uc + 16, BigInt(d.altstack.sp));
    m.setU32(uc + 24, d.altstack.flags);
    m.setU64(uc + 32, BigInt(d.altstack.size));
    const mc = uc + UC_MCONTEXT;
    MC_REGS.forEach((r, i) => m.setU64(mc + 8 * i, regs[r]!));
    m.setU16(mc + MC_CSGSFS, USER_CS);
    m.setU16(mc + MC_CSGSFS + 6, USER_SS);
    m.setU64(mc + MC_FPSTATE, BigInt(fp));
    m.setU64(uc + UC_SIGMASK, d.oldMask);
    m.write(info, d.info);
    m.write(fp, fxsaveImage(e));
    // the handler's registers
    e.setReg('rdi', d.sig);
    e.setReg('rsi', info);
    e.setReg('rdx', uc);
    e.setReg('rax', 0);
    e.setReg('rsp', frame);
    e.setReg('rip', d.handler);
    e.setReg('eflags', regs.eflags! & ~BigInt(EFLAGS_CLEAR_AT_ENTRY));
    const zero = new Uint8Array(16);
    for (let i = 0; i < 16; i++) e.setRegBytes(XMM0 + i, zero);
    e.setRegBytes(MXCSR, Uint8Array.of(0x80, 0x1f, 0, 0));
    e.setRegBytes(FPCW, Uint8Array.of(0x7f, 0x03));
    return { frame, info, uc, fp };
  },

  sigreturn(e: Engine, m: Arena): SigReturned | undefined {
    // the handler's RET popped pretcode: the frame starts 8 below SP
    const frame = e.sp - 8;
    const uc = frame + 8;
    if (!m.contains(frame, FRAME_SIZE)) return undefined;
    const mc = uc + UC_MCONTEXT;
    const saved = (i: number) => m.u64(mc + 8 * i);
    const cur = e.reg('eflags');
    MC_REGS.forEach((r, i) => {
      if (r === 'eflags') e.setReg('eflags', (cur & ~BigInt(FIX_EFLAGS)) | (saved(i) & BigInt(FIX_EFLAGS)));
      else if (r !== 'rip') e.setReg(r, saved(i));
    });
    const fp = Number(m.u64(mc + MC_FPSTATE));
    if (fp !== 0) {
      if (!m.contains(fp, FXSAVE_SIZE)) return undefined;
      const img = m.read(fp, FXSAVE_SIZE);
      e.setRegBytes(FPCW, img.subarray(0, 2));
      e.setRegBytes(FPSW, img.subarray(2, 4));
      e.setRegBytes(MXCSR, img.subarray(24, 28));
      for (let i = 0; i < 16; i++) e.setRegBytes(XMM0 + i, img.subarray(160 + 16 * i, 176 + 16 * i));
    }
    // the SYSCALL hook runs before RIP moves past the 2-byte instruction
    e.setReg('rip', saved(16) - 2n);
    return {
      mask: m.u64(uc + UC_SIGMASK),
      altstack: { sp: Number(m.u64(uc + 16)), flags: m.u32(uc + 24), size: Number(m.u64(uc + 32)) },
      frame,
    };
  },

  pushCall(m, uc, target, resumePC) {
    // signal_amd64.go pushCall: the goroutine looks as if it had called target at resumePC
    const sp = Number(m.u64(uc + this.uc.sp)) - 8;
    m.setU64(sp, BigInt(resumePC));
    m.setU64(uc + this.uc.sp, BigInt(sp));
    m.setU64(uc + this.uc.pc, BigInt(target));
  },

  readMcontext(m, uc) {
    const out: Record<string, bigint> = {};
    MC_REGS.forEach((r, i) => (out[r] = m.u64(uc + UC_MCONTEXT + 8 * i)));
    return out;
  },

  readFpFrame(m, uc) {
    const out: Record<string, bigint> = {};
    const fp = Number(m.u64(uc + UC_MCONTEXT + MC_FPSTATE));
    if (fp === 0) return out;
    XMM.forEach((r, i) => (out[r] = u128(m.read(fp + 160 + 16 * i, 16))));
    out.mxcsr = BigInt(m.u32(fp + 24));
    return out;
  },

  readFpRegs(e) {
    const out: Record<string, bigint> = {};
    XMM.forEach((r, i) => (out[r] = u128(e.regBytes(XMM0 + i, 16))));
    out.mxcsr = BigInt(le(e.regBytes(MXCSR, 4)).getUint32(0, true));
    return out;
  },
};
