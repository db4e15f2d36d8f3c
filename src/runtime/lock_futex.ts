// One-time notifications (notes) over the futex system call: ports of go1.19
// lock_futex.go noteclear, notewakeup, notesleep, notetsleep /
// notetsleep_internal, and os_linux.go futexwakeup (futexsleep is machine
// code: asm/<arch>/sys_linux.s).
//
// A note's key (as a uint32) is 0 until notewakeup sets it to 1. Waking is
// plain TypeScript that asks the OS to wake the sleeper (futexwakeup does not
// block). Sleeping must be a real futex wait, so notesleep and notetsleep are
// host functions that, when the note is not yet set, end with a tail call into
// asm glue (runtime.notesleep_futex<> / notetsleep_futex<>) that calls
// futexsleep and then jumps back into a host function here, which checks the
// note again: Go's loops, with each wait as machine code (DESIGN.md, "Waiting
// is a syscall").
//
// Differs: no cgo_yield polling. notetsleep_internal's local `deadline`
// cannot live in a host function's frame (it has none): it is kept per M in
// Runtime.noteDeadlines (plain data) from the first sleep to the return.
import type { HostCall, TailCall } from '../os/host.ts';
import { futexWake } from '../os/linux/futex.ts';
import type { Runtime } from './runtime.ts';
import { goThrow } from './throw.ts';

/** key32(&n.key): the note's key word, as the futex sees it. */
function key32(rt: Runtime, n: number): number {
  return n + rt.L.off.note.key;
}

/** Ports noteclear: the note is not signalled. */
export function noteclear(rt: Runtime, n: number): void {
  rt.mem.setU32(key32(rt, n), 0);
}

/**
 * Ports notewakeup: signal the note (a second signal is a fatal error) and
 * wake the thread sleeping on it, if any; its clock moves up to ours.
 */
export function notewakeup(rt: Runtime, n: number): void {
  const key = key32(rt, n);
  const old = rt.mem.u32(key);
  rt.mem.setU32(key, 1);
  if (old !== 0) {
    rt.write(2, `notewakeup - double wakeup (${old})\n`);
    goThrow('notewakeup - double wakeup');
  }
  futexwakeup(rt, key, 1);
}

/**
 * Ports futexwakeup: FUTEX_WAKE_PRIVATE for at most cnt sleepers on addr,
 * asked of the OS directly (it never blocks). Go crashes on a failure; here
 * that is a throw.
 */
export function futexwakeup(rt: Runtime, addr: number, cnt: number): void {
  const r = futexWake(rt.threads, addr, cnt);
  if (typeof r === 'bigint') {
    rt.write(2, `futexwakeup addr=0x${addr.toString(16)} returned ${r}\n`);
    goThrow('futexwakeup failed');
  }
}

/**
 * Ports notesleep (a host function; n = its argument): on g0, wait until the
 * note is signalled. Each check after a sleep enters here again from the glue,
 * so m.blocked (set while asleep) is cleared first.
 */
export function notesleep(rt: Runtime, call: HostCall, n: number): TailCall | undefined {
  const gp = rt.getg();
  const m = rt.curm();
  if (gp.addr !== m.g0) goThrow('notesleep not on g0');
  m.blocked = false;
  if (rt.mem.u32(key32(rt, n)) !== 0) return undefined;
  m.blocked = true;
  return call.tailCall(rt.machine.sym('runtime.notesleep_futex<>'), [n], 'internal');
}

/**
 * Ports notetsleep + the start of notetsleep_internal: wait until the note is
 * signalled or ns nanoseconds have passed on this thread's clock (ns < 0: no
 * limit). The result (true if signalled) is returned by this function, or
 * by notetsleep_recheck after the sleeps.
 */
export function notetsleep(rt: Runtime, call: HostCall, n: number, ns: number): TailCall | boolean {
  const gp = rt.getg();
  const m = rt.curm();
  if (gp.addr !== m.g0 && m.preemptoff.len !== 0) goThrow('notetsleep not on g0');
  if (rt.mem.u32(key32(rt, n)) !== 0) return true;
  if (ns >= 0) rt.noteDeadlines.set(m.addr, rt.nanotime() + ns);
  return sleepAgain(rt, call, n, ns);
}

/**
 * The rest of notetsleep_internal's loops, entered from the glue after each
 * futexsleep with notetsleep's arguments (ns: the time the sleep was given).
 */
export function notetsleep_recheck(rt: Runtime, call: HostCall, n: number, ns: number): TailCall | boolean {
  const m = rt.curm();
  m.blocked = false;
  const signalled = rt.mem.u32(key32(rt, n)) !== 0;
  if (ns < 0) return signalled || sleepAgain(rt, call, n, ns);
  const deadline = rt.noteDeadlines.get(m.addr);
  if (deadline === undefined) goThrow('notetsleep: woken without a deadline');
  const now = rt.nanotime();
  if (signalled || now >= deadline) {
    rt.noteDeadlines.delete(m.addr);
    return signalled;
  }
  return sleepAgain(rt, call, n, deadline - now);
}

/** m.blocked, then futexsleep(&n.key, 0, ns) in the glue, which comes back to notetsleep_recheck. */
function sleepAgain(rt: Runtime, call: HostCall, n: number, ns: number): TailCall {
  rt.curm().blocked = true;
  return call.tailCall(rt.machine.sym('runtime.notetsleep_futex<>'), [n, ...call.i64(ns)], 'internal');
}

/**
 * Ports runtime1.go timediv: v / div as an int32 and the remainder in *rem,
 * by binary long division (what arm's timespec.setNsec uses; saturates at
 * 0x7fffffff).
 */
export function timediv(rt: Runtime, v: bigint, div: number, rem: number): number {
  let res = 0;
  const d = BigInt(div);
  for (let bit = 30; bit >= 0; bit--) {
    if (v >= d << BigInt(bit)) {
      v -= d << BigInt(bit);
      res |= 1 << bit;
    }
  }
  if (v >= d) {
    if (rem !== 0) rt.mem.setU32(rem, 0);
    return 0x7fffffff;
  }
  if (rem !== 0) rt.mem.setU32(rem, Number(BigInt.asUintN(32, v)));
  return res;
}
