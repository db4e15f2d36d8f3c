// Ports proc.go schedtrace (go1.19): the lines GODEBUG=schedtrace=N prints
// (and scheddetail=1's P, M and G lines), read from the live state of every
// M, P and G. sysmon prints them (sysmon.ts) at Go's cadence; the GDB
// monitor and the trace layer ask for them too. threads is mcount() (Ms
// made and not exited, sysmon's included), idlethreads the idle M list, Ms
// newest first.
import type { Runtime } from './runtime.ts';
import { waitReasonString } from '../go119/index.ts';

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


/**
 * Ports schedtrace(detailed)'s printing: the time since the first call
 * (Go's global starttime), then the lines, on stderr.
 */
export function schedtrace(rt: Runtime, detailed: boolean): void {
  const now = rt.nanotime();
  if (rt.schedtraceStart === undefined) rt.schedtraceStart = now;
  rt.write(2, `${schedtraceLines(rt, Math.floor((now - rt.schedtraceStart) / 1e6), detailed).join('\n')}\n`);
}
