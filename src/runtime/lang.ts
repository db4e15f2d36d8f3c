// The host functions of the language runtime: slices, strings, maps,
// interfaces, fmt, errors and strconv (the entries of src/abi under those
// headings), bound to the ports in slice.ts, map.ts, iface.ts, fmt.ts and
// strconv.ts. Arguments and results follow each entry's ABI words; a bool
// result is 0 or 1.
import { defineEntry, ENTRY } from '../abi/index.ts';
import type { HostCall, HostRegistry } from '../os/host.ts';
import type { Runtime } from './runtime.ts';
import { defineAtomicValueHosts } from './atomicvalue.ts';
import { sigpanic } from './signal.ts';
import { assertE2I, convI2I, efaceeq, getitab, ifaceeq, itabType, panicdottype, panicValueText, typeAssertionErrorText } from './iface.ts';
import { fmtFormat, fmtMethods, FMT_MODE, panicMethod } from './fmt.ts';
import { mapaccess1, mapaccess2, mapassign, mapdelete, mapiterinit, mapiternext, makemap } from './map.ts';
import { BOUNDS_FORMATS, boundsText, cmpstring, concatstrings, decodeRune, growslice, intstring, makeslice, panicBounds, slicecopy, slicerunetostring, stringtoslicebyte, stringtoslicerune, typedequal } from './slice.ts';
import { atoi, errorStringError, itoa, newErrorString, numErrorError, quote } from './strconv.ts';
import { K, newString, readString } from './typedesc.ts';
import { GoPanic } from './throw.ts';
import { lockSlowStep, rwLockWait, rwRLock, rwRUnlock, rwUnlockReaders, semacquireMutex, unlockSlow } from './mutex.ts';

const b = (x: boolean) => (x ? 1 : 0);

export function defineLangHosts(host: HostRegistry, rt: () => Runtime): void {
  defineAtomicValueHosts(host, rt);
  // where a goroutine whose Go code faulted resumes (sighandler's preparePanic)
  host.define('runtime.sigpanic', { abi: 'abi0', nargs: 0 }, () => sigpanic(rt()));
  const W = () => rt().arch.ptrSize;

  // ---- memory and values ----
  defineEntry(host, ENTRY.memmove, (c) => {
    const n = c.argN(2);
    if (n > 0) rt().mem.copyWithin(c.argN(0), c.argN(1), n);
  });
  defineEntry(host, ENTRY.memequal, (c) => {
    const n = c.argN(2);
    if (n === 0) return 1;
    const r = rt();
    return b(Buffer.compare(Buffer.from(r.mem.read(c.argN(0), n)), Buffer.from(r.mem.read(c.argN(1), n))) === 0);
  });
  defineEntry(host, ENTRY.typedequal, (c) => b(typedequal(rt(), c.argN(0), c.argN(1), c.argN(2))));
  defineEntry(host, ENTRY.makeslice, (c) => makeslice(rt(), c.argN(0), Number(c.argInt(1)), Number(c.argInt(2))));
  defineEntry(host, ENTRY.growslice, (c) => growslice(rt(), c.argN(0), c.argN(1), Number(c.argInt(2)), Number(c.argInt(3)), Number(c.argInt(4))));
  defineEntry(host, ENTRY.slicecopy, (c) => slicecopy(rt(), c.argN(0), Number(c.argInt(1)), c.argN(2), Number(c.argInt(3)), c.argN(4)));
  defineEntry(host, ENTRY.panicmem, () => {
    // what sigpanic's panicmem prints, with dopanic_m's line for the SIGSEGV that gc would have taken
    throw new GoPanic('runtime error: invalid memory address or nil pointer dereference', rt().getg().goid, undefined, false, { signal: true });
  });
  for (const name of Object.keys(BOUNDS_FORMATS) as (keyof typeof BOUNDS_FORMATS)[]) {
    defineEntry(host, ENTRY[name], (c: HostCall) => panicBounds(rt(), name, c.argInt(0), c.argInt(1)));
  }

  // ---- strings ----
  const str = (c: HostCall, i: number): [number, number] => [c.argN(i), c.argN(i + 1)];
  defineEntry(host, ENTRY.concatstring2, (c) => concatstrings(rt(), [str(c, 1), str(c, 3)]));
  defineEntry(host, ENTRY.concatstring3, (c) => concatstrings(rt(), [str(c, 1), str(c, 3), str(c, 5)]));
  defineEntry(host, ENTRY.concatstring4, (c) => concatstrings(rt(), [str(c, 1), str(c, 3), str(c, 5), str(c, 7)]));
  defineEntry(host, ENTRY.concatstrings, (c) => {
    const r = rt();
    const w = W();
    const parts: [number, number][] = [];
    for (let i = 0; i < c.argN(2); i++) parts.push([r.mem.ptr(c.argN(1) + 2 * w * i), r.mem.ptr(c.argN(1) + 2 * w * i + w)]);
    return concatstrings(r, parts);
  });
  defineEntry(host, ENTRY.cmpstring, (c) => cmpstring(rt(), c.argN(0), c.argN(1), c.argN(2), c.argN(3)));
  defineEntry(host, ENTRY.intstring, (c) => intstring(rt(), c.argI64(1)));
  defineEntry(host, ENTRY.slicebytetostring, (c) => {
    const r = rt();
    return newString(r, readString(r, c.argN(1), c.argN(2)));
  });
  defineEntry(host, ENTRY.slicerunetostring, (c) => slicerunetostring(rt(), c.argN(1), c.argN(2)));
  defineEntry(host, ENTRY.stringtoslicebyte, (c) => stringtoslicebyte(rt(), c.argN(1), c.argN(2)));
  defineEntry(host, ENTRY.stringtoslicerune, (c) => stringtoslicerune(rt(), c.argN(1), c.argN(2)));
  defineEntry(host, ENTRY.decoderune, (c) => {
    const r = rt();
    const [rune, pos] = decodeRune(readString(r, c.argN(0), c.argN(1)), c.argN(2));
    return [rune, pos];
  });

  // ---- maps ----
  defineEntry(host, ENTRY.makemap, (c) => makemap(rt(), c.argN(0), Number(c.argInt(1))));
  defineEntry(host, ENTRY.mapaccess1, (c) => mapaccess1(rt(), c.argN(0), c.argN(1), c.argN(2)));
  defineEntry(host, ENTRY.mapaccess2, (c) => mapaccess2(rt(), c.argN(0), c.argN(1), c.argN(2)));
  defineEntry(host, ENTRY.mapassign, (c) => mapassign(rt(), c.argN(0), c.argN(1), c.argN(2)));
  defineEntry(host, ENTRY.mapdelete, (c) => mapdelete(rt(), c.argN(0), c.argN(1), c.argN(2)));
  defineEntry(host, ENTRY.mapiterinit, (c) => mapiterinit(rt(), c.argN(0), c.argN(1), c.argN(2)));
  defineEntry(host, ENTRY.mapiternext, (c) => mapiternext(rt(), c.argN(0)));

  // ---- interfaces ----
  defineEntry(host, ENTRY.convI2I, (c) => convI2I(rt(), c.argN(0), c.argN(1)));
  defineEntry(host, ENTRY.assertE2I2, (c) => (c.argN(1) === 0 ? 0 : getitab(rt(), c.argN(0), c.argN(1), true)));
  defineEntry(host, ENTRY.assertE2I, (c) => assertE2I(rt(), c.argN(0), c.argN(1)));
  defineEntry(host, ENTRY.panicdottypeE, (c) => panicdottype(rt(), c.argN(0), c.argN(1), c.argN(2)));
  defineEntry(host, ENTRY.panicdottypeI, (c) => panicdottype(rt(), itabType(rt(), c.argN(0)), c.argN(1), c.argN(2)));
  defineEntry(host, ENTRY.efaceeq, (c) => b(efaceeq(rt(), c.argN(0), c.argN(1), c.argN(2))));
  defineEntry(host, ENTRY.ifaceeq, (c) => b(ifaceeq(rt(), c.argN(0), c.argN(1), c.argN(2))));
  defineEntry(host, ENTRY.panicvalue, (c) => {
    const r = rt();
    const [type, data] = [c.argN(0), c.argN(1)];
    // an error's or Stringer's text comes later, from preprintpanics, if nothing recovers
    const fn = type === 0 ? 0 : panicMethod(r, type);
    throw new GoPanic(panicValueText(r, type, data), r.getg().goid, undefined, false, { arg: { type, data }, ...(fn ? { method: { fn, recv: data } } : {}) });
  });

  // ---- the runtime's error types (error.go; the compiler emits their descriptors: src/compile/rterrors.ts) ----
  defineEntry(host, ENTRY.rtErrorStringError, (c) => {
    const r = rt();
    return newString(r, Buffer.concat([Buffer.from('runtime error: '), readString(r, c.argN(0), c.argN(1))]));
  });
  defineEntry(host, ENTRY.rtPlainErrorError, (c) => [c.argN(0), c.argN(1)]);
  defineEntry(host, ENTRY.rtBoundsErrorError, (c) => {
    // the receiver's words: x int64 (two words on a 32-bit target), y int, signed bool, code uint8
    const r = rt();
    const i = r.arch.ptrSize === 8 ? 1 : 2;
    const signed = (c.argN(i + 1) & 0xff) !== 0;
    const x = signed ? c.argI64(0) : BigInt.asUintN(64, c.argI64(0));
    return newString(r, Buffer.from(`runtime error: ${boundsText(c.argN(i + 2) & 0xff, x, c.argInt(i), signed)}`));
  });
  defineEntry(host, ENTRY.rtTypeAssertionErrorError, (c) => newString(rt(), Buffer.from(typeAssertionErrorText(rt(), c.argN(0)))));
  for (const e of [ENTRY.rtErrorStringRuntimeError, ENTRY.rtPlainErrorRuntimeError, ENTRY.rtBoundsErrorRuntimeError, ENTRY.rtTypeAssertionErrorRuntimeError]) {
    defineEntry(host, e, () => undefined); // runtime.Error's marker method: nothing to do
  }

  // ---- sync.Mutex ----
  // (Lock and Unlock are asm/<arch>/sync.s around these)
  host.define('sync.Mutex.lockSlow.step', { abi: 'internal', nargs: 2 }, (c) => lockSlowStep(rt(), c.argN(0), c.argN(1)));
  host.define('sync.Mutex.unlockSlow', { abi: 'internal', nargs: 2 }, (c) => unlockSlow(rt(), c, c.argN(0), c.argN(1)));
  host.define('sync.runtime_SemacquireMutex', { abi: 'internal', nargs: 3 }, (c) => semacquireMutex(rt(), c, c.argN(0), (c.argN(1) & 0xff) !== 0));
  defineEntry(host, ENTRY.rwRLock, (c) => rwRLock(rt(), c, c.argN(0)));
  defineEntry(host, ENTRY.rwRUnlock, (c) => rwRUnlock(rt(), c.argN(0)));
  host.define('sync.RWMutex.Lock.wait', { abi: 'internal', nargs: 1 }, (c) => rwLockWait(rt(), c, c.argN(0)));
  host.define('sync.RWMutex.Unlock.readers', { abi: 'internal', nargs: 1 }, (c) => rwUnlockReaders(rt(), c.argN(0)));

  // ---- fmt, errors, strconv ----
  defineEntry(host, ENTRY.fmtMethods, (c) => fmtMethods(rt(), c.argN(0), c.argN(1), c.argN(2), c.argN(3), c.argN(4), c.argN(5), c.argN(6)));
  defineEntry(host, ENTRY.fmtFormat, (c) => {
    const r = rt();
    return newString(r, fmtFormat(r, c.argN(0), c.argN(1), c.argN(2), c.argN(3), c.argN(4), c.argN(5), c.argN(6)).bytes);
  });
  defineEntry(host, ENTRY.fmtErrorf, (c) => {
    const r = rt();
    const w = W();
    const { bytes, wrapped } = fmtFormat(r, FMT_MODE.errorf, c.argN(0), c.argN(1), c.argN(2), c.argN(3), c.argN(4), c.argN(5));
    const errStringTab = c.argN(6);
    const s = Buffer.from(bytes).toString('utf8');
    if (!wrapped) return [errStringTab, newErrorString(r, s)];
    // &wrapError{msg, err}: err is the %w operand as an error (its itab for the error interface)
    const errType = r.mem.ptr(errStringTab + K(r)('itab_inter'));
    const e = r.heap.alloc(4 * w);
    const [p, n] = newString(r, bytes);
    r.mem.setPtr(e, p);
    r.mem.setPtr(e + w, n);
    r.mem.setPtr(e + 2 * w, getitab(r, errType, wrapped.type, false));
    r.mem.setPtr(e + 3 * w, wrapped.data);
    return [c.argN(7), e];
  });
  defineEntry(host, ENTRY.errorStringError, (c) => errorStringError(rt(), c.argN(0)));
  defineEntry(host, ENTRY.wrapErrorError, (c) => errorStringError(rt(), c.argN(0)));
  defineEntry(host, ENTRY.wrapErrorUnwrap, (c) => {
    const r = rt();
    return [r.mem.ptr(c.argN(0) + 2 * W()), r.mem.ptr(c.argN(0) + 3 * W())];
  });
  defineEntry(host, ENTRY.numErrorError, (c) => numErrorError(rt(), c.argN(0)));
  defineEntry(host, ENTRY.strconvItoa, (c) => itoa(rt(), c.argInt(0)));
  defineEntry(host, ENTRY.strconvQuote, (c) => quote(rt(), c.argN(0), c.argN(1)));
  defineEntry(host, ENTRY.strconvAtoi, (c) => atoi(rt(), c.argN(0), c.argN(1), c.argN(2), c.argN(3)));
}
