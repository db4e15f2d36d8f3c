// sync.Once as go1.19's sync/once.go has it, emitted as two compiled
// functions when a program calls Once.Do (Once is {done uint32; m Mutex}):
//
//   sync.(*Once).Do(o, f): the fast path, an atomic load of done; when it
//     is 0, a call of doSlow.
//   sync.(*Once).doSlow(o, f): o.m.Lock(), then a deferred o.m.Unlock();
//     when done is still 0, a deferred atomic store of 1 into done, then
//     f(). The deferred calls go through runtime.deferproc and the frame's
//     deferreturn loop as every compiled defer does, so a panic in f runs
//     them too: done is set and the mutex released, and a later Do does
//     not call f again (as in Go).
//
// Differences from gc: gc open-codes these defers and inlines Do's fast
// path into the caller; here both are ordinary calls, each deferred call
// going through a closure (doSlow.deferwrap1, deferwrap2) made by
// runtime.newobject.
import { ENTRY } from '../abi/index.ts';
import type { Operand } from './ir.ts';
import { Builder, type EmitHost, imm, slot } from './irbuild.ts';

export const ONCE_DO = 'sync.(*Once).Do';
const DO_SLOW = 'sync.(*Once).doSlow';

/** What the lowering gives this file. */
export type OnceHost = Pick<EmitHost, 'W' | 'funcs' | 'cellType'>;

/** Emit Do, doSlow and doSlow's two defer wrappers (once per program). */
export function emitOnceFuncs(H: OnceHost, line: number): void {
  if (H.funcs.some((f) => f.name === ONCE_DO)) return;
  const W = H.W;
  const mutexOff = 4; // Once.m follows done (uint32)

  // Do: if atomic.LoadUint32(&o.done) == 0 { o.doSlow(f) }
  {
    const b = new Builder(line);
    const o = b.slot();
    const f = b.slot();
    const done = b.slot();
    const out = b.label();
    b.emit({ op: 'atomic', aop: 'load', size: 4, addr: slot(o), dst: done });
    b.emit({ op: 'br', cond: slot(done), when: true, target: out });
    b.emit({ op: 'call', fn: { k: 'sym', name: DO_SLOW }, args: [{ v: slot(o) }, { v: slot(f) }], results: [] });
    b.emit({ op: 'label', id: out });
    H.funcs.push(b.fn(ONCE_DO, line, [o, f], null, false));
  }

  // the defer wrappers: their closure holds o
  const wrap = (name: string, body: (b: Builder, o: Operand) => void) => {
    const b = new Builder(line);
    const ctxt = b.slot();
    const o = b.slot();
    b.emit({ op: 'load', dst: o, base: slot(ctxt), off: W });
    body(b, slot(o));
    H.funcs.push(b.fn(name, line, [], ctxt, true));
  };
  const unlockWrap = `${DO_SLOW}.deferwrap1`;
  const storeWrap = `${DO_SLOW}.deferwrap2`;
  wrap(unlockWrap, (b, o) => {
    const m = b.slot();
    b.emit({ op: 'bin', bop: 'add', dst: m, a: o, b: imm(mutexOff) });
    b.call(ENTRY.mutexUnlock.symbol, [slot(m)]);
  });
  wrap(storeWrap, (b, o) => b.emit({ op: 'atomic', aop: 'store', size: 4, addr: o, val: imm(1) }));

  // doSlow
  {
    const b = new Builder(line);
    const o = b.slot();
    const f = b.slot();
    const t = b.slot();
    const fv = b.slot();
    const exit = b.label();
    // defer wrapperName(o): deferproc returns 1 when a recover resumes this frame
    const deferCall = (wrapper: string) => b.deferClosure(W, H.cellType(2 * W, line), wrapper, [slot(o)], exit, fv, t);
    b.emit({ op: 'bin', bop: 'add', dst: t, a: slot(o), b: imm(mutexOff) });
    b.call(ENTRY.mutexLock.symbol, [slot(t)]);
    deferCall(unlockWrap);
    b.emit({ op: 'load', dst: t, base: slot(o), off: 0, size: 4 });
    b.emit({ op: 'br', cond: slot(t), when: true, target: exit });
    deferCall(storeWrap);
    b.emit({ op: 'call', fn: { k: 'closure', fv: slot(f) }, args: [], results: [] });
    // the exit: the deferred calls, last first
    b.emit({ op: 'label', id: exit });
    b.deferreturnLoop(fv);
    H.funcs.push(b.fn(DO_SLOW, line, [o, f], null, false));
  }
}
