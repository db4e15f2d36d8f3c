// GODEBUG=schedtrace=N / scheddetail=1 for emulated programs. Ports proc.go
// schedtrace (go1.19): the same line formats, on stderr like Go. Go prints
// from sysmon; here the check runs at every host call and quantum end against
// the virtual clock (modeled cycles at 1 GHz): the first line when runtime.main starts
// (where Go starts sysmon), then whenever `periodMs` virtual milliseconds
// have passed since the last one (on whichever thread makes the host call).
// The numbers are read from the live state of every M, P and G: threads is
// mcount() (Ms made and not exited), idlethreads the idle M list, each P's
// and M's fields as Go prints them, Ms newest first. Differs: there is no
// sysmon M yet, so threads is one less than Go's and the M ids after M0 are
// Go's minus one.
import type { Runtime } from '../runtime/runtime.ts';
import type { Process } from '../session/process.ts';
import { waitReasonString } from '../go119/index.ts';

export interface SchedtraceOptions {
  periodMs: number;
  detail: boolean;
}

/** runqtail - runqhead of a P (runnext not counted), as schedtrace prints it. */
function localQueueLen(rt: Runtime, p: number): number {
  const pp = rt.p(p);
  return (pp.runqtail - pp.runqhead) >>> 0;
}

/** Ports schedtrace(detailed): the lines Go prints, without the trailing newline. */
export function schedtraceLines(rt: Runtime, elapsedMs: number, detailed: boolean): string[] {
  const s = rt.sched;
  const out: string[] = [];
  let head = `SCHED ${elapsedMs}ms: gomaxprocs=${rt.gomaxprocs} idleprocs=${s.npidle} threads=${s.mnext - s.nmfreed} spinningthreads=${s.nmspinning} idlethreads=${s.nmidle} runqueue=${s.runqsize}`;
  if (detailed) {
    out.push(`${head} gcwaiting=${s.gcwaiting} nmidlelocked=${s.nmidlelocked} stopwait=${s.stopwait} sysmonwait=${s.sysmonwait}`);
  } else {
    // Go prints t-h of each local queue (runnext is not counted)
    head += ` [${rt.allp.map((a) => localQueueLen(rt, a)).join(' ')}]`;
    out.push(head);
    return out;
  }
  rt.allp.forEach((a, i) => {
    const pp = rt.p(a);
    const mid = pp.m !== 0 ? rt.m(pp.m).id : -1;
    out.push(`  P${i}: status=${pp.status} schedtick=${pp.schedtick} syscalltick=${pp.syscalltick} m=${mid} runqsize=${localQueueLen(rt, a)} gfreecnt=${pp.gFree.n} timerslen=0`);
  });
  for (const ma of rt.allm) {
    const mp = rt.m(ma);
    const pid = mp.p !== 0 ? rt.p(mp.p).id : -1;
    const curg = mp.curg !== 0 ? rt.g(mp.curg).goid : -1;
    const lockedg = mp.lockedg !== 0 ? rt.g(mp.lockedg).goid : -1;
    out.push(
      `  M${mp.id}: p=${pid} curg=${curg} mallocing=${mp.mallocing} throwing=${mp.throwing} preemptoff=${mp.preemptoff.value()} locks=${mp.locks} dying=${mp.dying} spinning=${mp.spinning} blocked=${mp.blocked} lockedg=${lockedg}`,
    );
  }
  for (const ga of rt.allgs) {
    const gp = rt.g(ga);
    const mid = gp.m !== 0 ? rt.m(gp.m).id : -1;
    const lockedm = gp.lockedm !== 0 ? rt.m(gp.lockedm).id : -1;
    out.push(`  G${gp.goid}: status=${gp.atomicstatus}(${waitReasonString(gp.waitreason)}) m=${mid} lockedm=${lockedm}`);
  }
  return out;
}

/** Print schedtrace lines to the program's stderr while it runs; a period of 0 (or less) is off, as GODEBUG=schedtrace=0. */
export function attachSchedtrace(p: Process, o: SchedtraceOptions): void {
  if (!(o.periodMs > 0)) return;
  const rt = p.rt;
  let starttime: number | undefined;
  let lasttrace = 0;
  const period = o.periodMs * 1e6;
  // at every host call, and at the end of every thread's quantum (so that
  // goroutines that compute without calling the runtime are sampled too)
  p.bus.onKind(['hostcall', 'quantum'], () => {
    if (!rt.mainStarted) return;
    const now = rt.nanotime();
    if (starttime === undefined) starttime = now;
    else if (lasttrace + period > now) return;
    lasttrace = now;
    rt.write(2, `${schedtraceLines(rt, Math.floor((now - starttime) / 1e6), o.detail).join('\n')}\n`);
  });
}
