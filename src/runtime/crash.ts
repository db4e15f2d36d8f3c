// How the process ends when the runtime port raises one of Go's fatal
// conditions: a throw ("fatal error: ..." plus the context Go dumps) or a
// panic nobody recovered ("panic: ..." and the panicking goroutine's frames).
// Both end with status 2, as in Go.
import { GoPanic, GoThrow } from './throw.ts';
import type { Runtime } from './runtime.ts';
import { frameLines, tracebackParked } from './traceback.ts';

/** Print Go's report for a GoThrow or GoPanic and set status 2; false if `e` is neither. */
export function reportCrash(rt: Runtime, e: unknown): boolean {
  if (e instanceof GoThrow) {
    rt.write(2, `fatal error: ${e.what}\n`);
    for (const l of e.throwType === 'runtime' && e.dump.length === 0 ? throwContext(rt) : e.dump) rt.write(2, `${l}\n`);
    rt.exitCode = 2;
    return true;
  }
  if (e instanceof GoPanic) {
    // Go prints the panic, then the panicking goroutine (running) and its
    // frames; a panic raised by a runtime host function shows its caller.
    const { engine, host, mem, arch } = rt.machine;
    const pc = engine.pc;
    const inHost = host.nameAt(pc) !== undefined;
    const site = e.site ?? { pc: inHost ? arch.returnAddress(engine, mem) : pc, isReturnAddr: inHost };
    const lines = [`panic: ${e.value}`, '', `goroutine ${e.goid} [running]:`, ...frameLines(rt, site.pc, site.isReturnAddr)];
    rt.write(2, `${lines.join('\n')}\n`);
    rt.exitCode = 2;
    return true;
  }
  return false;
}

/**
 * What Go prints after a throw that carries no dump of its own: on the
 * system stack "runtime stack:" (host frames have no text here), then the
 * user goroutine the M was running.
 */
function throwContext(rt: Runtime): string[] {
  try {
    const m = rt.curm();
    const g = rt.getg();
    const out: string[] = [];
    if (g.addr === m.g0) out.push('', 'runtime stack:', `${rt.machine.describe(rt.machine.engine.pc)}(...)`);
    if (m.curg !== 0) out.push('', ...tracebackParked(rt, rt.g(m.curg)).map((l, i) => (i === 0 ? l.replace(/\[[^\]]*\]/, '[running]') : l)));
    return out;
  } catch {
    return [];
  }
}
