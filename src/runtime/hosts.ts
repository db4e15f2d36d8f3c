// Every runtime function that is written in TypeScript, bound to its symbol.
// The stubs and compiled programs call these like Go functions (ABIInternal
// on amd64, ABI0 on arm). Definitions need only names at link time; the
// bodies reach the Runtime through `rt()` when they run, so the same table
// serves `gogo-emu disasm` (which links but never runs).
import type { HostRegistry } from '../os/host.ts';
import { defineFatalHosts } from './fatal.ts';
import { Defer } from './layout.ts';
import { definePrintHosts } from './print.ts';
import { newprocOnSystemStack, schedinit } from './proc.ts';
import type { Runtime } from './runtime.ts';
import { goexit0, goexit1, mstart0 } from './sched.ts';
import { newstack } from './stack.ts';
import { GoPanic, goThrow } from './throw.ts';

export function defineRuntimeHosts(host: HostRegistry, rt: () => Runtime): void {
  defineFatalHosts(host);
  definePrintHosts(host, (s) => rt().write(2, s));

  // runtime·args(argc, argv): remembered for os.Args (not used by the subset).
  host.define('runtime.args', { abi: 'abi0', nargs: 2 }, () => undefined);
  // osinit: the emulated machine's CPU count (GOMAXPROCS default).
  host.define('runtime.osinit', { abi: 'abi0', nargs: 0 }, () => undefined);
  host.define('runtime.schedinit', { abi: 'abi0', nargs: 0 }, () => schedinit(rt()));
  host.define('runtime.mstart0', { abi: 'abi0', nargs: 0 }, (c) => mstart0(rt(), c));

  // newproc's closure: {fn: newproc.func1, fn, callergp, callerpc}, context in DX / R7.
  host.define('runtime.newproc.func1', { abi: 'internal', nargs: 0 }, (c) => {
    const r = rt();
    const clo = c.engine.regN(r.arch.ctxtReg);
    const w = r.arch.ptrSize;
    newprocOnSystemStack(r, r.mem.ptr(clo + w), r.g(r.mem.ptr(clo + 2 * w)), r.mem.ptr(clo + 3 * w));
  });
  host.define('runtime.goexit1', { abi: 'internal', nargs: 0 }, (c) => goexit1(rt(), c));
  host.define('runtime.goexit0', { abi: 'internal', nargs: 1 }, (c) => goexit0(rt(), c, rt().g(c.argN(0))));
  host.define('runtime.newstack', { abi: 'abi0', nargs: 0 }, (c) => newstack(rt(), c));
  host.define('runtime.badmorestackg0', { abi: 'abi0', nargs: 0 }, () => goThrow('morestack on g0'));
  host.define('runtime.badmorestackgsignal', { abi: 'abi0', nargs: 0 }, () => goThrow('morestack on gsignal'));

  // runtime.main's own work before main.init/main.main, and its exit(0) after.
  host.define('runtime.main_start', { abi: 'internal', nargs: 0 }, () => {
    rt().mainStarted = true;
  });
  host.define('runtime.main_exit', { abi: 'internal', nargs: 0 }, () => rt().exit(0));

  // mallocgc for `new`, closures and heap cells: typ points at a type whose first word is its size.
  host.define('runtime.newobject', { abi: 'internal', nargs: 1 }, (c) => {
    const r = rt();
    return r.heap.alloc(r.mem.ptr(c.argN(0)));
  });

  // defer: records on g._defer, one per deferred call, tagged with the frame's SP.
  host.define('runtime.deferproc', { abi: 'internal', nargs: 1 }, (c) => {
    const r = rt();
    const gp = r.getg();
    const d = new Defer(r.L, r.mem, r.heap.alloc(r.L.sizes._defer));
    d.fn = c.argN(0);
    d.sp = r.arch.callerSP(c.engine);
    d.pc = r.arch.lrReg ? c.engine.regN(r.arch.lrReg) : r.mem.ptr(c.engine.sp);
    d.heap = true;
    d.link = gp._defer;
    gp._defer = d.addr;
  });
  // deferreturn: the next deferred funcval of the calling frame, or 0 when it has none left.
  host.define('runtime.deferreturn', { abi: 'internal', nargs: 0 }, (c) => {
    const r = rt();
    const gp = r.getg();
    if (gp._defer === 0) return 0;
    const d = new Defer(r.L, r.mem, gp._defer);
    if (d.sp !== r.arch.callerSP(c.engine)) return 0;
    const fn = d.fn;
    gp._defer = d.link;
    r.heap.release(d.addr, r.L.sizes._defer);
    return fn;
  });

  host.define('runtime.panicdivide', { abi: 'internal', nargs: 0 }, () => {
    throw new GoPanic('runtime error: integer divide by zero', rt().getg().goid);
  });
  host.define('runtime.panicshift', { abi: 'internal', nargs: 0 }, () => {
    throw new GoPanic('runtime error: negative shift amount', rt().getg().goid);
  });
}
