// The 32-bit ARM rt_sigframe as Linux writes it (arch/arm/kernel/signal.c
// get_sigframe, setup_sigframe, setup_return, restore_sigframe; uapi
// asm/sigcontext.h, asm/ucontext.h; VFP through preserve_vfp_context).
//
//   sp    = the interrupted SP, or the alternate stack's top (SA_ONSTACK)
//   frame = (sp - sizeof(rt_sigframe)) & ~7
//
// struct rt_sigframe (888 bytes): 0 siginfo (128), 128 struct sigframe:
//   ucontext (744 bytes): 0 uc_flags, 4 uc_link, 8 uc_stack {ss_sp, ss_flags, ss_size},
//     20 uc_mcontext (struct sigcontext, 21 words: trap_no, error_code, oldmask,
//        r0..r10, fp, ip, sp, lr, pc, cpsr, fault_address),
//     104 uc_sigmask (sigset_t, 8 bytes, padded to 128),
//     232 uc_regspace[128 words]: the VFP sigframe {magic 0x56465001, size 288,
//        fpregs[32] (u64 each), fpscr, then fpexc, fpinst, fpinst2}, then a 0 word
//   then retcode[4] (unused with SA_RESTORER)
// Offsets from the ucontext are those of go1.19's defs_linux_arm.go
// ucontext/sigcontext, which the ported handler uses.
//
// The handler starts with R0 = sig, R1 = &info, R2 = &uc, SP = frame,
// LR = sa_restorer, PC = the handler, CPSR with the condition flags, E and
// the IT bits cleared (ARM state for an even handler address). VFP registers
// keep their values (the kernel only clears FPSCR's length and stride).
import type { Arena } from '../engine/arena.ts';
import type { Engine } from '../engine/engine.ts';
import { le, SI_TKILL, SIGINFO_SIZE, type SignalArch, type SigDelivery, type SigFrameAddrs, type SigReturned } from './signal.ts';

const GPRS = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11', 'r12', 'sp', 'lr', 'pc', 'cpsr'] as const;
const UC_MCONTEXT = 20;
const MC_R0 = 12; // after trap_no, error_code, oldmask
const UC_SIGMASK = 104;
const UC_REGSPACE = 232;
const UC_SIZE = UC_REGSPACE + 128 * 4;
const FRAME_SIZE = SIGINFO_SIZE + UC_SIZE + 16;
const VFP_MAGIC = 0x56465001;
const VFP_STORAGE_SIZE = 288;
/** condition flags (PSR_f), E (big-endian data), IT[7:0] (bits 26:25 and 15:10), T */
const PSR_F = 0xff000000;
const PSR_E = 0x200;
const PSR_IT = 0x0600fc00;
const PSR_T = 0x20;
// Unicorn ARM register ids (unicorn/arm.h): D0.., FPSCR, FPEXC
const D0 = 14;
const FPSCR = 6;
const FPEXC = 4;
const DREGS = Array.from({ length: 32 }, (_, i) => `d${i}`);

export const armSignal: SignalArch = {
  frameSize: FRAME_SIZE,
  uc: { pc: UC_MCONTEXT + MC_R0 + 4 * 15, sp: UC_MCONTEXT + MC_R0 + 4 * 13, lr: UC_MCONTEXT + MC_R0 + 4 * 14, mcontext: UC_MCONTEXT, sigmask: UC_SIGMASK },
  mcontextRegs: GPRS,
  fpRegs: [...DREGS, 'fpscr'],
  // arch/arm/kernel/sigreturn_codes.S: slots 0-2 are sigreturn (ARM, Thumb);
  // slots 3-4 the ARM rt_sigreturn snippet used with SA_SIGINFO:
  // mov r7, #173 (__NR_rt_sigreturn); swi #0x9000ad
  sigreturnCode: Uint8Array.of(0x77, 0x70, 0xa0, 0xe3, 0x77, 0x00, 0x90, 0xef, 0x77, 0x27, 0x00, 0xdf, 0xad, 0x70, 0xa0, 0xe3, 0xad, 0x00, 0x90, 0xef),

  siAddr: 12,
  faultInfo(sig, code, addr) {
    const b = new Uint8Array(SIGINFO_SIZE);
    const v = le(b);
    v.setInt32(0, sig, true);
    v.setInt32(8, code, true);
    v.setUint32(12, addr >>> 0, true); // _sifields._sigfault.si_addr
    return b;
  },

  tkillInfo(sig, pid, uid) {
    const b = new Uint8Array(SIGINFO_SIZE);
    const v = le(b);
    v.setInt32(0, sig, true);
    v.setInt32(8, SI_TKILL, true);
    v.setInt32(12, pid, true); // _sifields._kill: si_pid, si_uid
    v.setInt32(16, uid, true);
    return b;
  },

  deliver(e: Engine, m: Arena, d: SigDelivery): SigFrameAddrs {
    const regs = e.regs(GPRS);
    const sp = d.stackTop ?? Number(regs.sp!);
    const frame = (sp - FRAME_SIZE) & ~7;
    const info = frame;
    const uc = frame + SIGINFO_SIZE;
    m.fill(frame, FRAME_SIZE);
    m.write(info, d.info);
    m.setU32(uc, 0);
    m.setU32(uc + 4, 0);
    m.setU32(uc + 8, d.altstack.sp);
    m.setU32(uc + 12, d.altstack.flags);
    m.setU32(uc + 16, d.altstack.size);
    const mc = uc + UC_MCONTEXT;
    m.setU32(mc + 8, Number(d.oldMask & 0xffffffffn)); // oldmask = the first word of the mask
    GPRS.forEach((r, i) => m.setU32(mc + MC_R0 + 4 * i, Number(regs[r]!)));
    m.setU64(uc + UC_SIGMASK, d.oldMask);
    const vfp = uc + UC_REGSPACE;
    m.setU32(vfp, VFP_MAGIC);
    m.setU32(vfp + 4, VFP_STORAGE_SIZE);
    for (let i = 0; i < 32; i++) m.write(vfp + 8 + 8 * i, e.regBytes(D0 + i, 8));
    const fpscr = le(e.regBytes(FPSCR, 4)).getUint32(0, true);
    m.setU32(vfp + 8 + 256, fpscr);
    m.setU32(vfp + 272, le(e.regBytes(FPEXC, 4)).getUint32(0, true));
    m.setU32(vfp + VFP_STORAGE_SIZE, 0); // end of the aux frames
    // without SA_RESTORER: the rt_sigreturn snippet goes into retcode[] too
    // (ABI compatibility) and LR points at the sigpage's copy (slot 3, ARM state)
    let lr = d.restorer;
    if (lr === 0) {
      m.write(uc + UC_SIZE, armSignal.sigreturnCode!.subarray(12, 20));
      lr = d.sigpage + 12;
    }
    // the handler's registers
    const cpsr = Number(regs.cpsr!) & ~(PSR_F | PSR_E | PSR_IT) & ~((d.handler & 1) === 0 ? PSR_T : 0);
    e.setReg('r0', d.sig);
    e.setReg('r1', info);
    e.setReg('r2', uc);
    e.setReg('sp', frame);
    e.setReg('lr', lr);
    e.setReg('pc', d.handler);
    e.setReg('cpsr', cpsr >>> 0);
    const len = fpscr & ~0x00370000; // FPSCR_LENGTH_MASK | FPSCR_STRIDE_MASK cleared
    e.setRegBytes(FPSCR, Uint8Array.of(len & 0xff, (len >>> 8) & 0xff, (len >>> 16) & 0xff, len >>> 24));
    return { frame, info, uc, fp: vfp };
  },

  sigreturn(e: Engine, m: Arena): SigReturned | undefined {
    const frame = e.sp;
    if (frame & 7 || !m.contains(frame, FRAME_SIZE)) return undefined;
    const uc = frame + SIGINFO_SIZE;
    const mc = uc + UC_MCONTEXT;
    const vfp = uc + UC_REGSPACE;
    if (m.u32(vfp) !== VFP_MAGIC || m.u32(vfp + 4) !== VFP_STORAGE_SIZE) return undefined;
    const saved = GPRS.map((_, i) => m.u32(mc + MC_R0 + 4 * i));
    const cpsr = saved[16]!;
    if ((cpsr & 0x1f) !== 0x10) return undefined; // valid_user_regs: user mode only
    GPRS.forEach((r, i) => {
      if (r !== 'cpsr') e.setReg(r, saved[i]!);
    });
    e.setReg('cpsr', cpsr);
    for (let i = 0; i < 32; i++) e.setRegBytes(D0 + i, m.read(vfp + 8 + 8 * i, 8));
    e.setRegBytes(FPSCR, m.read(vfp + 8 + 256, 4));
    return {
      mask: m.u64(uc + UC_SIGMASK),
      altstack: { sp: m.u32(uc + 8), flags: m.u32(uc + 12), size: m.u32(uc + 16) },
      frame,
    };
  },

  pushCall(m, uc, target, resumePC) {
    // signal_arm.go pushCall: LR goes on the stack (the pushed function restores it),
    // then the goroutine looks as if it had called target at resumePC
    const sp = m.u32(uc + this.uc.sp) - 4;
    m.setU32(uc + this.uc.sp, sp);
    m.setU32(sp, m.u32(uc + this.uc.lr!));
    m.setU32(uc + this.uc.lr!, resumePC);
    m.setU32(uc + this.uc.pc, target);
  },

  readMcontext(m, uc) {
    const out: Record<string, bigint> = {};
    GPRS.forEach((r, i) => (out[r] = BigInt(m.u32(uc + UC_MCONTEXT + MC_R0 + 4 * i))));
    return out;
  },

  readFpFrame(m, uc) {
    const out: Record<string, bigint> = {};
    const vfp = uc + UC_REGSPACE;
    DREGS.forEach((r, i) => (out[r] = m.u64(vfp + 8 + 8 * i)));
    out.fpscr = BigInt(m.u32(vfp + 8 + 256));
    return out;
  },

  readFpRegs(e) {
    const out: Record<string, bigint> = {};
    DREGS.forEach((r, i) => (out[r] = le(e.regBytes(D0 + i, 8)).getBigUint64(0, true)));
    out.fpscr = BigInt(le(e.regBytes(FPSCR, 4)).getUint32(0, true));
    return out;
  },
};
