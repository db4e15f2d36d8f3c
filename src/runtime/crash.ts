// How the process ends when the runtime port raises one of Go's fatal
// conditions: a throw ("fatal error: ..." plus the context Go dumps) or a
// panic nobody recovered ("panic: ..." and the panicking goroutine's frames).
// Both end with status 2, as in Go.
import { GoPanic, GoThrow, type PanicSite } from './throw.ts';
import type { Runtime } from './runtime.ts';
import { frameLines, schedSite, traceback } from './traceback.ts';

/**
 * The frame a host function was called from (its return address and the
 * caller's SP): where a panic or a throw raised in a host function is
 * blamed, as Go blames the Go function that called into the runtime.
 */
export function callSite(rt: Runtime): PanicSite {
  const { engine, mem, arch } = rt.machine;
  return { pc: arch.returnAddress(engine, mem), isReturnAddr: true, sp: arch.callerSP(engine) };
}

/** The running goroutine's innermost frame: the caller of a host function, or the instruction the CPU is at. */
function currentSite(rt: Runtime): PanicSite {
  const { engine, host } = rt.machine;
  if (host.nameAt(engine.pc) !== undefined) return callSite(rt);
  return { pc: engine.pc, isReturnAddr: false, sp: engine.sp };
}

/** Print Go's report for a GoThrow or GoPanic and set status 2; false if `e` is neither. */
export function reportCrash(rt: Runtime, e: unknown): boolean {
  if (e instanceof GoThrow) {
    if (rt.events.active) rt.events.emit({ kind: 'fatal', what: e.throwType === 'user' ? 'fatal' : 'throw', message: `fatal error: ${e.what}` });
    rt.write(2, `fatal error: ${e.what}\n`);
    const fault = freezetheworld(rt);
    for (const l of fault ?? (e.throwType === 'runtime' && e.dump.length === 0 ? throwContext(rt) : e.dump)) rt.write(2, `${l}\n`);
    rt.exitCode = 2;
    return true;
  }
  if (e instanceof GoPanic) {
    // Go prints the panic, then the panicking goroutine (running), its frames
    // and "created by"; a panic raised by a runtime host function is blamed
    // on its caller.
    if (rt.events.active) rt.events.emit({ kind: 'fatal', what: 'panic', message: `panic: ${e.value}`, goid: e.goid });
    const site = e.site ?? currentSite(rt);
    let lines = [`goroutine ${e.goid} [running]:`, ...frameLines(rt, site)];
    try {
      const gp = rt.getg();
      if (gp.goid === e.goid) lines = traceback(rt, gp, { start: site, status: 'running' });
    } catch {
      // no g to ask for "created by"
    }
    rt.write(2, `${[`panic: ${e.value}`, '', ...lines].join('\n')}\n`);
    rt.exitCode = 2;
    return true;
  }
  return false;
}

/**
 * Ports what can be seen of startpanic_m's freezetheworld: its preemptall
 * walks allp and reads each P's status. A throw in the middle of procresize
 * (allp grown, some of the new Ps not made yet: new(p) out of memory, or the
 * P masks' bounds check) leaves nil entries there, so that walk faults
 * inside the runtime: Go throws "unexpected signal during runtime
 * execution", finds the M already dying ("panic during panic") and prints
 * the signal and the runtime stack instead of the first throw's context.
 * Returns those lines, or undefined when every entry is a P.
 * Differs: the preemption requests themselves are not made (nothing runs
 * after the report); the fault address is the status field's offset (gc on
 * arm nil-checks the P at offset 0 first, so go1.19 on arm says addr=0x0).
 */
function freezetheworld(rt: Runtime): string[] | undefined {
  const allp = rt.allp;
  let i = 0;
  while (i < allp.length && allp[i] !== undefined) i++;
  if (i === allp.length) return undefined;
  let pc = 0;
  try {
    pc = rt.machine.sym('runtime.preemptall');
  } catch {
    // no such host function: the pc stays 0
  }
  const addr = rt.L.off.p.status!;
  return [
    'fatal error: unexpected signal during runtime execution',
    'panic during panic',
    `[signal SIGSEGV: segmentation violation code=0x1 addr=0x${addr.toString(16)} pc=0x${pc.toString(16)}]`,
    '',
    'runtime stack:',
    'runtime.preemptall()',
    '\t(a host function of gogo-emu)',
  ];
}

/**
 * What Go prints after a throw that carries no dump of its own (a runtime
 * throw: Go's traceback level 2, frames with fp/sp/pc). On the system stack
 * "runtime stack:" (the host function that threw; Go would list runtime
 * frames), then the goroutine the M was running: from where it stopped
 * (g.sched) when the throw came on g0, else from the host call it made.
 */
export function throwContext(rt: Runtime): string[] {
  try {
    const m = rt.curm();
    const g = rt.getg();
    const out: string[] = [];
    const onG0 = g.addr === m.g0;
    if (onG0) {
      const { engine, host } = rt.machine;
      const name = host.nameAt(engine.pc);
      out.push('', 'runtime stack:', `${name ?? rt.machine.describe(engine.pc)}()`, `\t(${name ? 'a host function of gogo-emu' : rt.machine.describe(engine.pc)})`);
    }
    if (m.curg !== 0) {
      const gp = rt.g(m.curg);
      out.push('', ...traceback(rt, gp, { start: onG0 ? schedSite(gp) : currentSite(rt), status: 'running', detail: true }));
    }
    return out;
  } catch {
    return [];
  }
}
