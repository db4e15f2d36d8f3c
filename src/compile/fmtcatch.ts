// fmt's method calls with go1.19's catchPanic (fmt/print.go handleMethods
// and catchPanic), emitted as two compiled functions when a program uses
// fmt or panics with a value that has methods:
//
//   fmt.(*pp).handleMethods(e): calls the Error or String method of table
//     entry e (src/abi FMT_CALL) with a deferred catchPanic, stores the
//     result string and marks the entry returned. An entry marked nested (a
//     call made while printing a recovered panic's value) is called without
//     the deferred catch, so a panic there goes on up (go1.19 re-panics it).
//   fmt.(*pp).catchPanic: the deferred closure; it calls recover itself (so
//     gorecover's argp check holds) and stores the recovered value in the
//     entry. fmt.format then prints "%!v(PANIC=String method: ...)", or
//     "<nil>" for a nil pointer receiver (src/runtime/fmt.ts catchPanic).
//
// Differences from gc: Go's handleMethods is a method of fmt's printer
// that also formats; here formatting is the host's and this function only
// makes the call. The deferred call goes through a closure made by
// runtime.newobject (gc open-codes the defer), and the closure holds the
// table entry instead of Go's (arg, verb, method) arguments. go1.19 prints a
// re-panicked nested panic with the first one "[recovered]" above it; here
// the first one's recovery has ended by then and only the second is printed.
import { FMT_CALL } from '../abi/index.ts';
import { Builder, type EmitHost, imm, slot } from './irbuild.ts';
import { emitRuntimeErrorTypes } from './rterrors.ts';

export const FMT_HANDLE_METHODS = 'fmt.(*pp).handleMethods';
const CATCH_PANIC = 'fmt.(*pp).catchPanic';

/** Emit handleMethods and its catchPanic closure (once per program). */
export function emitFmtCatchFuncs(H: EmitHost, line: number): void {
  if (H.funcs.some((f) => f.name === FMT_HANDLE_METHODS)) return;
  const W = H.W;
  // a recovered value may be any of the runtime's own error values: fmt prints it with its Error method
  emitRuntimeErrorTypes(H.rtypes, (n, l, items) => H.addData(n, l, items), line);

  // catchPanic: e.panic = recover()
  {
    const b = new Builder(line);
    const ctxt = b.slot();
    const e = b.slot();
    const t = b.slot();
    const d = b.slot();
    b.emit({ op: 'load', dst: e, base: slot(ctxt), off: W });
    b.recover(t, d);
    b.emit({ op: 'store', base: slot(e), off: FMT_CALL.panicType * W, src: slot(t) });
    b.emit({ op: 'store', base: slot(e), off: FMT_CALL.panicData * W, src: slot(d) });
    H.funcs.push(b.fn(CATCH_PANIC, line, [], ctxt, false));
  }

  // handleMethods(e)
  {
    const b = new Builder(line);
    const e = b.slot();
    const t = b.slot();
    const fv = b.slot();
    const exit = b.label();
    const call = b.label();
    b.emit({ op: 'load', dst: t, base: slot(e), off: FMT_CALL.nested * W });
    b.emit({ op: 'br', cond: slot(t), when: true, target: call });
    // defer catchPanic(e): deferproc returns 1 when the recover resumes this frame
    b.deferClosure(W, H.cellType(2 * W, line), CATCH_PANIC, [slot(e)], exit, fv, t);
    // e.result = e.fn(e.recv); e.returned = 1
    b.emit({ op: 'label', id: call });
    const fn = b.slot();
    const recv = b.slot();
    const r0 = b.slot();
    const r1 = b.slot();
    b.emit({ op: 'load', dst: fn, base: slot(e), off: FMT_CALL.fn * W });
    b.emit({ op: 'load', dst: recv, base: slot(e), off: FMT_CALL.recv * W });
    b.emit({ op: 'call', fn: { k: 'code', addr: slot(fn) }, args: [{ v: slot(recv) }], results: [{ dst: r0 }, { dst: r1 }] });
    b.emit({ op: 'store', base: slot(e), off: FMT_CALL.resPtr * W, src: slot(r0) });
    b.emit({ op: 'store', base: slot(e), off: FMT_CALL.resLen * W, src: slot(r1) });
    b.emit({ op: 'store', base: slot(e), off: FMT_CALL.returned * W, src: imm(1) });
    // the exit: the deferred call (none when nested), as every compiled frame runs them
    b.emit({ op: 'label', id: exit });
    b.deferreturnLoop(fv);
    H.funcs.push(b.fn(FMT_HANDLE_METHODS, line, [e], null, false));
  }
}
