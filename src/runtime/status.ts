// G status transitions. Every change of g.atomicstatus goes through casgstatus,
// which throws on a transition the runtime never makes. Who owns a G in each
// status (runtime2.go's documentation, restated):
//   _Gidle      just allocated by malg, not yet initialised; owned by its creator.
//   _Grunnable  on a run queue (runnext, a P's runq or sched.runq); not running,
//               owns no stack; whoever dequeues it owns it.
//   _Grunning   executing user code on an M that holds a P; the M owns it
//               (m.curg == gp, gp.m == m).
//   _Gsyscall   in a system call; owns its stack, no P. (not used yet)
//   _Gwaiting   parked (gopark): on some wait queue (channel, semaphore) that
//               owns it until goready.
//   _Gdead      unused: just exited (on a gFree list) or freshly made by malg.
//   _Gcopystack its stack is being moved by newstack; owned by the mover.
//   _Gpreempted stopped by a preemption request; owned by whoever suspends it.
import type { G } from '../go119/index.ts';
import { _Gcopystack, _Gdead, _Gidle, _Grunnable, _Grunning, _Gsyscall, _Gwaiting, _Gpreempted } from '../go119/index.ts';
import { goThrow } from './throw.ts';

export const gStatusNames: Record<number, string> = {
  [_Gidle]: '_Gidle',
  [_Grunnable]: '_Grunnable',
  [_Grunning]: '_Grunning',
  [_Gsyscall]: '_Gsyscall',
  [_Gwaiting]: '_Gwaiting',
  [_Gdead]: '_Gdead',
  [_Gcopystack]: '_Gcopystack',
  [_Gpreempted]: '_Gpreempted',
};

/** The transitions proc.go, stack.go, chan.go and sema.go make (from -> allowed to). */
const allowed: Record<number, readonly number[]> = {
  [_Gidle]: [_Gdead],
  [_Gdead]: [_Grunnable, _Gidle],
  [_Grunnable]: [_Grunning],
  [_Grunning]: [_Grunnable, _Gwaiting, _Gdead, _Gcopystack, _Gsyscall, _Gpreempted],
  [_Gwaiting]: [_Grunnable, _Gcopystack],
  [_Gcopystack]: [_Grunning, _Gwaiting],
  [_Gsyscall]: [_Grunning, _Grunnable],
  [_Gpreempted]: [_Gwaiting],
};

const name = (s: number) => gStatusNames[s] ?? String(s);

/**
 * Ports proc.go casgstatus: change gp's status from oldval to newval. Throws
 * if gp is not in oldval (the Go version spins; nothing else can hold a G's
 * status here, so a mismatch is a bug) or if the transition is not one the
 * runtime makes.
 */
export function casgstatus(gp: G, oldval: number, newval: number): void {
  if (oldval === newval || !allowed[oldval]?.includes(newval)) {
    goThrow(`casgstatus: bad incoming values: oldval=${name(oldval)} newval=${name(newval)}`);
  }
  const cur = gp.atomicstatus;
  if (cur !== oldval) {
    goThrow(`casgstatus: goroutine ${gp.goid} is ${name(cur)}, not ${name(oldval)} (wanted ${name(newval)})`);
  }
  gp.atomicstatus = newval;
}

/** readgstatus */
export function readgstatus(gp: G): number {
  return gp.atomicstatus;
}
