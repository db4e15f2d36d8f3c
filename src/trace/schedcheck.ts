// Invariants of the scheduler's state with several Ms and Ps, checked on
// live state at every host call of a run (the runtime's TypeScript runs
// between instructions, so at a host call's entry the state is one that Go's
// own code could observe). They complement the switch validator
// (validator.ts), which checks each switch's registers and gobufs:
//
//   p.owner      a P is held by at most one M, and holding is mutual:
//                m.p = P  <=>  p.m = M, with P _Prunning (or _Pgcstop for
//                the M that is stopping the world); a _Prunning P has an M
//                (procresize's p.m = an idle M for startTheWorld lasts only
//                inside one host call)
//   g.running    a _Grunning goroutine has exactly one M, whose curg it is,
//                and that M holds a P (sampled: every 64th check and the last)
//   tls.g        the running thread's TLS g slot equals its g register when
//                compiled Go code calls into the runtime (amd64: FS:-8 = R14;
//                arm keeps g only in R10)
//   nmspinning   sched.nmspinning = the spinning Ms + the Ms started to spin
//                that have not reached mstart yet; never negative
//   runq.bounds  each P's runq holds at most 256: runqtail - runqhead <= 256
//   idle.lists   sched.npidle and sched.nmidle are the lengths of the idle P
//                and M lists; an idle P is _Pidle (or _Pgcstop), with its
//                idlepMask bit set
import { entryBySymbol } from '../abi/index.ts';
import { _Grunning, _Pgcstop, _Pidle, _Prunning } from '../go119/index.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { Process } from '../session/process.ts';

export interface SchedViolation {
  invariant: string;
  detail: string;
  /** the host function at whose entry it was seen */
  at: string;
  /** the emulated thread (Linux tid) that made the host call */
  thread: number;
}

export const SCHED_INVARIANTS: readonly { name: string; text: string }[] = [
  { name: 'p.owner', text: 'a P is held by at most one M; m.p = P <=> p.m = M with P _Prunning (_Pgcstop while stopping the world); a _Prunning P has an M' },
  { name: 'g.running', text: 'a _Grunning goroutine has exactly one M, which runs it (m.curg) and holds a P' },
  { name: 'tls.g', text: "the running thread's TLS g slot = its g register when compiled code calls the runtime (amd64)" },
  { name: 'nmspinning', text: 'sched.nmspinning = spinning Ms + Ms started spinning that have not started yet, and is not negative' },
  { name: 'runq.bounds', text: "each P's runq holds at most 256 goroutines (runqtail - runqhead <= 256)" },
  { name: 'idle.lists', text: 'sched.npidle / sched.nmidle = lengths of the idle P / M lists; idle Ps are _Pidle (or _Pgcstop) with their idlepMask bit' },
];

/** Sample the scan of all goroutines (g.running) only every this many checks. */
const G_SCAN_EVERY = 64;

export class SchedChecker {
  readonly violations: SchedViolation[] = [];
  checks = 0;
  private readonly rt: Runtime;
  private readonly off: () => void;
  private readonly limit: number;

  constructor(p: Process, o: { limit?: number } = {}) {
    this.rt = p.rt;
    this.limit = o.limit ?? 100;
    this.off = p.bus.onKind(['hostcall'], (e) => this.check(e.name, e.thread));
  }

  dispose(): void {
    this.off();
  }

  /** A final check with the goroutine scan (call once the run ended, before the process is closed). */
  finish(): void {
    this.check('(end of run)', -1, true);
  }

  private bad(invariant: string, detail: string, at: string, thread: number): void {
    if (this.violations.length < this.limit) this.violations.push({ invariant, detail, at, thread: thread + 1 });
  }

  check(at: string, thread: number, scanGs = false): void {
    const rt = this.rt;
    if (rt.allp.length === 0) return; // before schedinit
    this.checks++;
    const s = rt.sched;
    const bad = (inv: string, detail: string) => this.bad(inv, detail, at, thread);

    // p.owner
    const heldBy = new Map<number, number>();
    const started = new Set(rt.mOfThread.values());
    let spinning = 0;
    let startingSpinning = 0;
    const mspinning = rt.machine.host.has('runtime.mspinning') ? rt.machine.sym('runtime.mspinning') : -1;
    const curgOf = new Map<number, number>();
    for (const a of rt.allm) {
      const m = rt.m(a);
      if (m.curg !== 0) {
        if (curgOf.has(m.curg)) bad('g.running', `goroutine ${rt.g(m.curg).goid} is the curg of M${rt.m(curgOf.get(m.curg)!).id} and M${m.id}`);
        curgOf.set(m.curg, a);
      }
      if (m.spinning) spinning++;
      else if (!started.has(a) && a !== rt.m0.addr && m.mstartfn === mspinning) startingSpinning++;
      if (m.p === 0) continue;
      const pp = rt.p(m.p);
      if (heldBy.has(m.p)) bad('p.owner', `P${pp.id} is held by M${rt.m(heldBy.get(m.p)!).id} and M${m.id}`);
      heldBy.set(m.p, a);
      if (pp.m !== a) bad('p.owner', `M${m.id}.p = P${pp.id} but P${pp.id}.m = ${pp.m === 0 ? 'nil' : `M${rt.m(pp.m).id}`}`);
      if (pp.status !== _Prunning && !(pp.status === _Pgcstop && s.gcwaiting !== 0)) bad('p.owner', `M${m.id} holds P${pp.id}, which is in status ${pp.status}`);
    }
    for (const a of rt.allp) {
      const pp = rt.p(a);
      if (pp.status === _Prunning && pp.m === 0) bad('p.owner', `P${pp.id} is _Prunning without an M`);
      if (pp.m !== 0 && rt.m(pp.m).p !== a) bad('p.owner', `P${pp.id}.m = M${rt.m(pp.m).id}, whose p is not P${pp.id}`);
      // runq.bounds
      const n = (pp.runqtail - pp.runqhead) >>> 0;
      if (n > pp.runqLen) bad('runq.bounds', `P${pp.id}: runqtail - runqhead = ${n}`);
    }

    // nmspinning
    if (s.nmspinning > 0x7fffffff) bad('nmspinning', `sched.nmspinning is negative (${s.nmspinning | 0})`);
    else if (s.nmspinning !== spinning + startingSpinning) bad('nmspinning', `sched.nmspinning = ${s.nmspinning}, spinning Ms = ${spinning}, starting to spin = ${startingSpinning}`);

    // idle.lists
    let np = 0;
    for (let a = s.pidle; a !== 0 && np <= rt.allpCap.length; a = rt.p(a).link) {
      const pp = rt.p(a);
      np++;
      if (pp.status !== _Pidle && pp.status !== _Pgcstop) bad('idle.lists', `P${pp.id} is on the idle list in status ${pp.status}`);
      if ((((rt.idlepMask[pp.id >>> 5] ?? 0) >>> (pp.id & 31)) & 1) === 0) bad('idle.lists', `P${pp.id} is on the idle list without its idlepMask bit`);
    }
    if (np !== s.npidle) bad('idle.lists', `sched.npidle = ${s.npidle}, idle list length ${np}`);
    let nm = 0;
    for (let a = s.midle; a !== 0 && nm <= rt.allm.length; a = rt.m(a).schedlink) nm++;
    if (nm !== s.nmidle) bad('idle.lists', `sched.nmidle = ${s.nmidle}, idle M list length ${nm}`);

    // tls.g: compiled code's calls into the runtime (ABIInternal entries) on amd64
    if (rt.arch.name === 'amd64' && thread >= 0 && entryBySymbol(at)?.abi === 'internal') {
      const e = rt.machine.engine;
      const tls = rt.mem.ptr(e.regN('fs_base') - 8);
      const reg = e.regN('r14');
      if (tls !== reg) bad('tls.g', `TLS g = 0x${tls.toString(16)}, R14 = 0x${reg.toString(16)}`);
    }

    // g.running (sampled)
    if (scanGs || this.checks % G_SCAN_EVERY === 0) {
      for (const a of rt.allgs) {
        const gp = rt.g(a);
        if (gp.atomicstatus !== _Grunning) continue;
        if (gp.m === 0) {
          bad('g.running', `goroutine ${gp.goid} is _Grunning without an M`);
          continue;
        }
        const m = rt.m(gp.m);
        if (m.curg !== a) bad('g.running', `goroutine ${gp.goid} is _Grunning on M${m.id}, whose curg is another`);
        if (m.p === 0) bad('g.running', `goroutine ${gp.goid} runs on M${m.id}, which holds no P`);
      }
    }
  }
}

export function formatSchedViolation(v: SchedViolation): string {
  return `${v.invariant} violated at ${v.at} (thread ${v.thread}): ${v.detail}`;
}
