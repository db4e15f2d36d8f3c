// Preconditions of the scheduler port, checked when debug checks are on.
// proc.go states many of its preconditions only in comments ("must be on
// g0", "executed only by the owner P", "sched.lock must be held"); the port
// states them the same way and asserts them with the helpers below. A
// violation is a bug in the port and throws the way Go's throw() does
// (GoThrow: "fatal error: <fn>: ...", exit status 2).
//
// Debug checks are on when RuntimeOptions.debugChecks is true, or, when that
// is not given, when the environment has GOGO_EMU_DEBUG=1 (the CLI's --debug
// sets the option). Off, every helper returns at its first test and reads
// nothing, so a run with checks off behaves exactly as one without them.
import type { Mutex, P } from '../go119/index.ts';
import type { Runtime } from './runtime.ts';
import { goThrow } from './throw.ts';

/** Whether debug checks are on, from the option or else the GOGO_EMU_DEBUG environment variable. */
export function debugChecksEnabled(option: boolean | undefined): boolean {
  return option ?? process.env.GOGO_EMU_DEBUG === '1';
}

/** Precondition "on g0" (the system stack of the current M): mcall'd and systemstack'd functions. */
export function assertOnG0(rt: Runtime, fn: string): void {
  if (!rt.debugChecks) return;
  const gp = rt.getg();
  const m = rt.curm();
  if (gp.addr !== m.g0) goThrow(`${fn}: not on g0 (running goroutine ${gp.goid} on M${m.id})`);
}

/** Precondition "executed only by the owner P": pp is the P of the M running now. */
export function assertOwnerP(rt: Runtime, pp: P, fn: string): void {
  if (!rt.debugChecks) return;
  const m = rt.curm();
  if (m.p !== pp.addr || pp.m !== m.addr) goThrow(`${fn}: P${pp.id} is not the P of the running M${m.id}`);
}

/** Precondition "<name> must be held" (e.g. sched.lock), for the locks of lock.ts. */
export function assertLocked(rt: Runtime, l: Mutex, name: string, fn: string): void {
  if (!rt.debugChecks) return;
  if (l.key === 0) goThrow(`${fn}: ${name} not held`);
}
