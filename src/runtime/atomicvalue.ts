// sync/atomic.Value's methods: a port of go1.19's sync/atomic/value.go as
// host functions over the Value's {typ, data} words in emulated memory.
//
// Differs: Go makes the first Store visible in two steps (typ set to the
// firstStoreInProgress marker with the P pinned, then data, then typ) and
// spins in Load/Store while another goroutine is in the middle of one; a
// host function runs between two emulated instructions, so each method is
// one indivisible step here and the marker is never seen. The panics are
// go1.19's (panic(string), or the runtime's comparison error from
// CompareAndSwap's i != old of an uncomparable dynamic type).
import { defineEntry, ENTRY } from '../abi/index.ts';
import type { HostRegistry } from '../os/host.ts';
import { efaceeq } from './iface.ts';
import type { Runtime } from './runtime.ts';
import { GoPanic } from './throw.ts';

function fail(rt: Runtime, msg: string): never {
  throw new GoPanic(msg, rt.getg().goid, undefined, false, { kind: 'string' });
}

export function defineAtomicValueHosts(host: HostRegistry, rt: () => Runtime): void {
  const words = (r: Runtime, v: number): [number, number] => [r.mem.ptr(v), r.mem.ptr(v + r.arch.ptrSize)];
  const set = (r: Runtime, v: number, typ: number, data: number) => {
    r.mem.setPtr(v + r.arch.ptrSize, data);
    r.mem.setPtr(v, typ);
  };
  const nilCheck = (r: Runtime, v: number) => {
    if (v === 0) throw new GoPanic('runtime error: invalid memory address or nil pointer dereference', r.getg().goid, undefined, false, { signal: true });
  };
  // Load: nil before the first Store
  defineEntry(host, ENTRY.atomicValueLoad, (c) => {
    const r = rt();
    nilCheck(r, c.argN(0));
    return words(r, c.argN(0));
  });
  defineEntry(host, ENTRY.atomicValueStore, (c) => {
    const r = rt();
    const [v, typ, data] = [c.argN(0), c.argN(1), c.argN(2)];
    if (typ === 0) fail(r, 'sync/atomic: store of nil value into Value');
    nilCheck(r, v);
    const [cur] = words(r, v);
    if (cur !== 0 && cur !== typ) fail(r, 'sync/atomic: store of inconsistently typed value into Value');
    set(r, v, typ, data);
  });
  defineEntry(host, ENTRY.atomicValueSwap, (c) => {
    const r = rt();
    const [v, typ, data] = [c.argN(0), c.argN(1), c.argN(2)];
    if (typ === 0) fail(r, 'sync/atomic: swap of nil value into Value');
    nilCheck(r, v);
    const old = words(r, v);
    if (old[0] !== 0 && old[0] !== typ) fail(r, 'sync/atomic: swap of inconsistently typed value into Value');
    set(r, v, typ, data);
    return old;
  });
  defineEntry(host, ENTRY.atomicValueCompareAndSwap, (c) => {
    const r = rt();
    const [v, otyp, odata, ntyp, ndata] = [c.argN(0), c.argN(1), c.argN(2), c.argN(3), c.argN(4)];
    if (ntyp === 0) fail(r, 'sync/atomic: compare and swap of nil value into Value');
    if (otyp !== 0 && otyp !== ntyp) fail(r, 'sync/atomic: compare and swap of inconsistently typed values');
    nilCheck(r, v);
    const [typ, data] = words(r, v);
    if (typ === 0) {
      if (otyp !== 0) return 0;
      set(r, v, ntyp, ndata);
      return 1;
    }
    if (typ !== ntyp) fail(r, 'sync/atomic: compare and swap of inconsistently typed value into Value');
    // i != old, with i = {typ, data}: the runtime's interface comparison (it panics on an uncomparable type)
    if (otyp !== typ || !efaceeq(r, typ, data, odata)) return 0;
    set(r, v, typ, ndata);
    return 1;
  });
}
