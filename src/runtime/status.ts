// G status transitions. Every change of g.atomicstatus goes through casgstatus,
// which throws on a transition the runtime never makes. Who owns a G in each
// status (runtime2.go's documentation, restated):
//   _Gidle      just allocated by malg, not yet initialised; owned by its creator.
//   _Grunnable  on a run queue (runnext, a P's runq or sched.runq); not running,
//               owns no stack; whoever dequeues it owns it.
//   _Grunning   executing user code on an M that holds a P; the M owns it
//               (m.curg == gp, gp.m == m).
//   _Gsyscall   in a system call (entersyscall .. exitsyscall: syscall.ts); owns
//               its stack; its M holds no P (the P is _Psyscall, or retaken).
//   _Gwaiting   parked (gopark): on some wait queue (channel, semaphore) that
//               owns it until goready.
//   _Gdead      unused: just exited (on a gFree list) or freshly made by malg.
//   _Gcopystack its stack is being moved by newstack; owned by the mover.
//   _Gpreempted stopped by a preemption request; owned by whoever suspends it.
import type { G, P } from '../go119/index.ts';
import { _Gcopystack, _Gdead, _Gidle, _Grunnable, _Grunning, _Gsyscall, _Gwaiting, _Gpreempted, _Pdead, _Pgcstop, _Pidle, _Prunning, _Psyscall } from '../go119/index.ts';
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
  [_Gwaiting]: [_Grunnable, _Gcopystack, _Grunning], // -> _Grunning: stopTheWorld's goroutine once the world is stopped
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

// P status transitions. Go writes p.status directly (a plain store, or a CAS
// where another M may race for the P); this port routes every write through
// setPStatus, which throws on a transition proc.go never makes. Who owns a P
// in each status (runtime2.go, restated):
//   _Pidle     on the idle list (sched.pidle) or being moved between statuses
//              by whoever took it off; its run queue is empty. A zeroed P is
//              _Pidle too (status 0) until p.init makes it _Pgcstop.
//   _Prunning  held by one M (p.m, m.p); only that M changes its status.
//   _Psyscall  its M is in a system call; the P keeps its M affinity but may
//              be taken by sysmon (retake) or another M, always by CAS.
//   _Pgcstop   halted for stop-the-world; owned by the M that stopped it.
//   _Pdead     unused after GOMAXPROCS shrank; p.init can revive it.

export const pStatusNames: Record<number, string> = {
  [_Pidle]: '_Pidle',
  [_Prunning]: '_Prunning',
  [_Psyscall]: '_Psyscall',
  [_Pgcstop]: '_Pgcstop',
  [_Pdead]: '_Pdead',
};

/**
 * The transitions go1.19 proc.go makes (from -> allowed to), and where:
 *   _Pidle    -> _Prunning  acquirep/wirep
 *   _Pidle    -> _Pgcstop   p.init of a new (zeroed) P; stopTheWorldWithSema
 *                           on idle Ps; gcstopm and handoffp after releasep
 *                           when the GC waits
 *   _Prunning -> _Pidle     releasep
 *   _Prunning -> _Psyscall  entersyscall (reentersyscall)
 *   _Prunning -> _Pgcstop   stopTheWorldWithSema on its own P
 *   _Psyscall -> _Pidle     exitsyscallfast (then wirep), retake, forEachP
 *   _Psyscall -> _Pgcstop   stopTheWorldWithSema, entersyscall_gcwait
 *   _Pgcstop  -> _Prunning  procresize: the current M keeps its P
 *   _Pgcstop  -> _Pidle     procresize: every other P (then acquirep/pidleput)
 *   _Pgcstop  -> _Pdead     procresize -> p.destroy of a P beyond GOMAXPROCS
 *   _Pdead    -> _Pgcstop   procresize -> p.init of a P used again
 */
const pAllowed: Record<number, readonly number[]> = {
  [_Pidle]: [_Prunning, _Pgcstop],
  [_Prunning]: [_Pidle, _Psyscall, _Pgcstop],
  [_Psyscall]: [_Pidle, _Pgcstop],
  [_Pgcstop]: [_Prunning, _Pidle, _Pdead],
  [_Pdead]: [_Pgcstop],
};

const pname = (s: number) => pStatusNames[s] ?? String(s);

/**
 * Set pp's status from `from` to `to` (Go's plain store or CAS on p.status).
 * Throws if the transition is not one proc.go makes, or if pp is not in
 * `from` (where Go uses a CAS that would fail, nothing else can hold the P
 * here, so a mismatch is a bug).
 */
export function setPStatus(pp: P, from: number, to: number): void {
  if (!pAllowed[from]?.includes(to)) goThrow(`setPStatus: bad incoming values: from=${pname(from)} to=${pname(to)}`);
  const cur = pp.status;
  if (cur !== from) goThrow(`setPStatus: P${pp.id} is ${pname(cur)}, not ${pname(from)} (wanted ${pname(to)})`);
  pp.status = to;
}
