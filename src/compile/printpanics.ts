// go1.19's preprintpanics (runtime/panic.go), emitted as a compiled function
// when a program has a panic statement: when nothing recovered a panic,
// fatalpanic (src/runtime/panic.ts) first has every panic value of the
// chain that is an error or a Stringer replaced by its Error() / String()
// result, newest first. Those are methods of the program, so the calls are
// made here, in emulated code:
//
//   runtime.preprintpanics: defers runtime.preprintpanics.func1, then asks
//     the host for each method call (preprintpanics.next: fn and receiver)
//     and hands back its result (preprintpanics.result); with none left,
//     runs its deferred call and calls runtime.fatalpanic again, which then
//     prints the texts.
//   runtime.preprintpanics.func1: the deferred closure; a panic in one of
//     the methods is recovered here and made a fatal error ("panic while
//     printing panic value", preprintpanics.failed), as in Go.
//
// Differences from gc: the loop over the chain is in the host (next); the
// deferred call goes through a closure made by runtime.newobject. The
// function is entered by a tail call from fatalpanic and never returns.
import { ENTRY } from '../abi/index.ts';
import { Builder, type EmitHost, slot } from './irbuild.ts';
import { emitRuntimeErrorTypes } from './rterrors.ts';

export const PREPRINTPANICS = 'runtime.preprintpanics';
const FUNC1 = 'runtime.preprintpanics.func1';

/** Emit preprintpanics and its deferred closure (once per program). */
export function emitPreprintpanics(H: EmitHost, line: number): void {
  if (H.funcs.some((f) => f.name === PREPRINTPANICS)) return;
  const W = H.W;
  // func1's recover may get a runtime error (a nil receiver's dereference): its type must exist to be named
  emitRuntimeErrorTypes(H.rtypes, (n, l, items) => H.addData(n, l, items), line);

  // func1: if r := recover(); r != nil { throw(...) }
  {
    const b = new Builder(line);
    const ctxt = b.slot();
    const t = b.slot();
    const d = b.slot();
    b.recover(t, d);
    b.call(ENTRY.preprintpanicsFailed.symbol, [slot(t), slot(d)]);
    H.funcs.push(b.fn(FUNC1, line, [], ctxt, false));
  }

  // preprintpanics
  {
    const b = new Builder(line);
    const t = b.slot();
    const fv = b.slot();
    const fn = b.slot();
    const recv = b.slot();
    const r0 = b.slot();
    const r1 = b.slot();
    const exit = b.label();
    const loop = b.label();
    b.deferClosure(W, H.cellType(W, line), FUNC1, [], exit, fv, t);
    b.emit({ op: 'label', id: loop });
    b.call(ENTRY.preprintpanicsNext.symbol, [], [fn, recv]);
    b.emit({ op: 'br', cond: slot(fn), when: false, target: exit });
    b.emit({ op: 'call', fn: { k: 'code', addr: slot(fn) }, args: [{ v: slot(recv) }], results: [{ dst: r0 }, { dst: r1 }] });
    b.call(ENTRY.preprintpanicsResult.symbol, [slot(r0), slot(r1)]);
    b.emit({ op: 'jmp', target: loop });
    // the deferred call, then fatalpanic (which does not return)
    b.emit({ op: 'label', id: exit });
    b.deferreturnLoop(fv);
    b.call(ENTRY.fatalpanic.symbol, []);
    H.funcs.push(b.fn(PREPRINTPANICS, line, [], null, false));
  }
}
