// Signals in the emulated Linux (DESIGN.md, "Signals"): rt_sigaction,
// sigaltstack, rt_sigprocmask, tgkill, rt_sigreturn, and delivery.
//
// tgkill marks the signal pending on the target thread (standard signals do
// not queue: a bit per signal). A thread blocked in a system call with the
// signal unblocked is interrupted: its call returns -EINTR, as Linux returns
// it from futex and nanosleep. Delivery happens at the target thread's next
// instruction boundary on the virtual timeline: when the OS next gives it the
// CPU (Threads.beforeQuantum), before its next instruction. The arch layer
// (src/arch/sigframe_*.ts) writes the rt_sigframe exactly as the kernel lays
// it out -- on the alternate signal stack with SA_ONSTACK -- and sets the
// handler's registers; during the handler the thread's mask adds sa_mask and
// the signal itself (unless SA_NODEFER). rt_sigreturn restores every
// register, the mask and the sigaltstack setting from the frame.
//
// Default actions (no handler installed): SIGCHLD, SIGURG, SIGWINCH and
// SIGCONT are ignored; every other signal would end the process, which here
// is reported as the process ending with status 128+sig (a shell's view).
import type { AltStack } from '../../arch/index.ts';
import { EFAULT, EINVAL, ESRCH } from './errno.ts';
import type { SyscallContext, SyscallHandler } from './syscalls.ts';
import type { Thread } from '../threads.ts';
import { PID } from './thread.ts';
import { REGIONS } from '../memmap.ts';

export const EINTR = 4n;
const EPERM = 1n;
const ENOMEM = 12n;
export const NSIG = 64;
export const SIGKILL = 9;
export const SIGSTOP = 19;
export const SIGURG = 23;
export const SA_SIGINFO = 0x4;
export const SA_ONSTACK = 0x08000000;
export const SA_RESTART = 0x10000000;
export const SA_NODEFER = 0x40000000;
export const SA_RESTORER = 0x04000000;
export const SS_ONSTACK = 1;
export const SS_DISABLE = 2;
const MINSIGSTKSZ = 2048;
const SIG_DFL = 0;
const SIG_IGN = 1;
const DEFAULT_IGNORED = new Set([17, 18, 23, 28]); // SIGCHLD SIGCONT SIGURG SIGWINCH

/** One installed action (struct kernel_sigaction), plain data. */
export interface SigAction {
  handler: number;
  flags: number;
  restorer: number;
  mask: bigint;
}

/** The per-thread signal state (plain data, captured with the thread). */
export interface ThreadSignals {
  /** blocked signals (bit sig-1) */
  mask: bigint;
  /** pending signals (bit sig-1) */
  pending: bigint;
  altstack: AltStack;
}

export function newThreadSignals(inherit?: ThreadSignals): ThreadSignals {
  // a new thread inherits the creator's mask, has no alternate stack and nothing pending
  return { mask: inherit?.mask ?? 0n, pending: 0n, altstack: { sp: 0, flags: SS_DISABLE, size: 0 } };
}

const bit = (sig: number) => 1n << BigInt(sig - 1);
const UNBLOCKABLE = bit(SIGKILL) | bit(SIGSTOP);
const ALL = (1n << 64n) - 1n;

function onAltStack(t: Thread, sp: number): boolean {
  const a = t.signals.altstack;
  return (a.flags & SS_DISABLE) === 0 && sp > a.sp && sp <= a.sp + a.size;
}

/** rt_sigaction(sig, act, oact, sigsetsize): struct {handler, flags, restorer (words), mask (8 bytes)}. */
export const rt_sigaction: SyscallHandler = ([sig, act, oact, size], c) => {
  const s = Number(sig);
  if (s < 1 || s > NSIG || Number(size) !== 8) return -EINVAL;
  const w = c.mem.wordSize;
  const a = Number(act);
  const o = Number(oact);
  if (a !== 0 && (s === SIGKILL || s === SIGSTOP)) return -EINVAL;
  if ((a !== 0 && !c.mem.contains(a, 3 * w + 8)) || (o !== 0 && !c.mem.contains(o, 3 * w + 8))) return -EFAULT;
  const cur = c.threads.sigactions[s] ?? { handler: SIG_DFL, flags: 0, restorer: 0, mask: 0n };
  if (o !== 0) {
    c.mem.setWord(o, BigInt(cur.handler));
    c.mem.setWord(o + w, BigInt(cur.flags));
    c.mem.setWord(o + 2 * w, BigInt(cur.restorer));
    c.mem.setU64(o + 3 * w, cur.mask);
  }
  if (a !== 0) {
    c.threads.sigactions[s] = {
      handler: Number(c.mem.word(a)),
      flags: Number(c.mem.word(a + w) & 0xffffffffn),
      restorer: Number(c.mem.word(a + 2 * w)),
      mask: c.mem.u64(a + 3 * w) & ~UNBLOCKABLE,
    };
  }
  return 0n;
};

/** rt_sigprocmask(how, set, oset, sigsetsize): SIG_BLOCK 0, SIG_UNBLOCK 1, SIG_SETMASK 2. */
export const rt_sigprocmask: SyscallHandler = ([how, set, oset, size], c) => {
  if (Number(size) !== 8) return -EINVAL;
  const t = c.threads.current!;
  const o = Number(oset);
  const p = Number(set);
  if ((o !== 0 && !c.mem.contains(o, 8)) || (p !== 0 && !c.mem.contains(p, 8))) return -EFAULT;
  const old = t.signals.mask;
  if (p !== 0) {
    const v = c.mem.u64(p);
    switch (Number(how)) {
      case 0:
        t.signals.mask = (old | v) & ~UNBLOCKABLE;
        break;
      case 1:
        t.signals.mask = old & ~v;
        break;
      case 2:
        t.signals.mask = v & ~UNBLOCKABLE;
        break;
      default:
        return -EINVAL;
    }
  }
  if (o !== 0) c.mem.setU64(o, old);
  return 0n;
};

/** sigaltstack(ss, old_ss): stack_t {ss_sp, ss_flags, ss_size} (ss_flags an int, padded to a word). */
export const sigaltstack: SyscallHandler = ([ss, oss], c) => {
  const t = c.threads.current!;
  const w = c.mem.wordSize;
  const size = 3 * w;
  const n = Number(ss);
  const o = Number(oss);
  if ((n !== 0 && !c.mem.contains(n, size)) || (o !== 0 && !c.mem.contains(o, size))) return -EFAULT;
  const on = onAltStack(t, c.engine.sp);
  const cur = t.signals.altstack;
  let next: AltStack | undefined;
  if (n !== 0) {
    if (on) return -EPERM;
    const flags = c.mem.u32(n + w);
    if ((flags & ~SS_DISABLE) !== 0) return -EINVAL;
    const sp = Number(c.mem.word(n));
    const sz = Number(c.mem.word(n + 2 * w));
    if (flags & SS_DISABLE) next = { sp: 0, flags: SS_DISABLE, size: 0 };
    else if (sz < MINSIGSTKSZ) return -ENOMEM;
    else next = { sp, flags: 0, size: sz };
  }
  if (o !== 0) {
    c.mem.setWord(o, BigInt(cur.sp));
    c.mem.setWord(o + w, 0n);
    c.mem.setU32(o + w, on ? SS_ONSTACK : cur.flags & SS_DISABLE);
    c.mem.setWord(o + 2 * w, BigInt(cur.size));
  }
  if (next) t.signals.altstack = next;
  return 0n;
};

/** tgkill(tgid, tid, sig): make sig pending on thread tid (sig 0: only check that it exists). */
export const tgkill: SyscallHandler = ([tgid, tid, sig], c) => {
  const s = Number(sig);
  if (s < 0 || s > NSIG) return -EINVAL;
  const t = c.threads.byTid(Number(tid));
  if (Number(tgid) !== PID || !t || t.state === 'exited') return -ESRCH;
  if (s === 0) return 0n;
  const from = c.threads.current!;
  if (c.threads.events.active) c.threads.events.emit({ kind: 'tgkill', thread: from.id, target: t.id, sig: s, clock: from.clock });
  raise(c, t, s);
  return 0n;
};

/** Make sig pending on t; interrupt its blocking call if the signal is not blocked. */
export function raise(c: SyscallContext, t: Thread, sig: number): void {
  t.signals.pending |= bit(sig);
  if (t.state === 'waiting' && (t.signals.mask & bit(sig)) === 0n && !ignored(c, sig) && !restarts(c, t, sig)) c.threads.wake(t, Number(-EINTR), c.threads.current);
}

/**
 * A pipe read or write is restarted after a SA_RESTART handler (Linux's
 * -ERESTARTSYS), so the caller never sees EINTR: here the wait simply goes
 * on and the signal stays pending until the call returns (delivered then,
 * not in the middle of the wait).
 */
function restarts(c: SyscallContext, t: Thread, sig: number): boolean {
  return t.wait!.on === 'pipe' && ((c.threads.sigactions[sig]?.flags ?? 0) & SA_RESTART) !== 0;
}

function ignored(c: SyscallContext, sig: number): boolean {
  const a = c.threads.sigactions[sig];
  const h = a?.handler ?? SIG_DFL;
  return h === SIG_IGN || (h === SIG_DFL && DEFAULT_IGNORED.has(sig));
}

/** rt_sigreturn(): every register, the mask and the alternate stack back from the frame; the result register is the restored one. */
export const rt_sigreturn: SyscallHandler = (_args, c) => {
  const t = c.threads.current!;
  const r = c.arch.signal.sigreturn(c.engine, c.mem);
  if (!r) {
    c.proc.write(2, new TextEncoder().encode(`gogo-emu: rt_sigreturn with a bad signal frame at sp=0x${c.engine.sp.toString(16)}: the kernel would kill the thread with SIGSEGV\n`));
    c.proc.exit(128 + 11);
    return undefined;
  }
  t.signals.mask = r.mask & ~UNBLOCKABLE;
  if ((r.altstack.flags & SS_DISABLE) !== 0 || r.altstack.size >= MINSIGSTKSZ) {
    if (!onAltStack(t, c.engine.sp)) t.signals.altstack = r.altstack.flags & SS_DISABLE ? { sp: 0, flags: SS_DISABLE, size: 0 } : { ...r.altstack, flags: 0 };
  }
  if (c.threads.events.active) c.threads.events.emit({ kind: 'sigreturn', thread: t.id, frame: r.frame, clock: t.clock });
  return undefined; // every register is set already
};

/**
 * Deliver t's pending, unblocked signals (lowest number first) as it gets
 * the CPU: call with t's registers loaded, before its next instruction.
 * Ignored signals are dropped; one with a handler gets its frame.
 */
export function deliverSignals(c: SyscallContext, t: Thread): void {
  for (;;) {
    const ready = t.signals.pending & ~t.signals.mask & ALL;
    if (ready === 0n) return;
    let sig = 1;
    while ((ready & bit(sig)) === 0n) sig++;
    t.signals.pending &= ~bit(sig);
    if (ignored(c, sig)) continue;
    const a = c.threads.sigactions[sig];
    if (!a || a.handler === SIG_DFL) {
      c.proc.write(2, new TextEncoder().encode(`gogo-emu: thread ${t.tid} killed by signal ${sig} (no handler installed)\n`));
      c.proc.exit(128 + sig);
      return;
    }
    if ((a.flags & SA_RESTORER) === 0 && !c.arch.signal.sigreturnCode) {
      c.proc.write(2, new TextEncoder().encode(`gogo-emu: signal ${sig} has a handler without SA_RESTORER, which this kernel requires: the thread would get SIGSEGV\n`));
      c.proc.exit(128 + 11);
      return;
    }
    const sp = c.engine.sp;
    const alt = t.signals.altstack;
    const switchStack = (a.flags & SA_ONSTACK) !== 0 && (alt.flags & SS_DISABLE) === 0 && !onAltStack(t, sp);
    const before = c.engine.pc;
    const addrs = c.arch.signal.deliver(c.engine, c.mem, {
      sig,
      info: c.arch.signal.tkillInfo(sig, PID, 0),
      handler: a.handler,
      restorer: a.flags & SA_RESTORER ? a.restorer : 0,
      sigpage: REGIONS.sigpage.start,
      stackTop: switchStack ? alt.sp + alt.size : undefined,
      oldMask: t.signals.mask,
      altstack: { sp: alt.sp, flags: onAltStack(t, sp) ? SS_ONSTACK : alt.flags, size: alt.size },
    });
    t.signals.mask = (t.signals.mask | a.mask | (a.flags & SA_NODEFER ? 0n : bit(sig))) & ~UNBLOCKABLE;
    if (c.threads.events.active) c.threads.events.emit({ kind: 'signal', thread: t.id, sig, pc: before, handler: a.handler, ...addrs, clock: t.clock });
    return; // the handler runs first; anything else pending comes after its sigreturn unmasks it
  }
}
