// Package time's side of the timers: ports of go1.19 time/sleep.go
// (when, NewTimer, Timer.Stop, Timer.Reset, After, AfterFunc, sendTime,
// goFunc), time/tick.go (NewTicker, Ticker.Stop, Tick) and time/time.go Now
// (its wall and monotonic encoding), over the runtime timers of time.ts
// (startTimer = addtimer, stopTimer = deltimer, resetTimer = resettimer).
//
// A time.Timer / time.Ticker is {C chan Time; r runtimeTimer} in emulated
// memory, r laid out as runtime.timer (they are the same struct in Go). A
// Time is {wall uint64; ext int64; loc *Location}: Now() sets the monotonic
// bit, the seconds since 1885 and the nanoseconds in wall and the monotonic
// reading in ext, as Go does; the wall clock is the emulated kernel's
// CLOCK_REALTIME (src/os/linux/time.ts: a fixed start, then the virtual
// clock), so a run's times are the same every time. loc is nil (UTC):
// Local is not modelled.
//
// Differs: these are host functions, not Go code; t.arg holds only its data
// word (the channel, the func value, the g).
import { ENTRY, defineEntry, type EntryTable } from '../abi/index.ts';
import type { HostCall, HostFn } from '../os/host.ts';
import { newString } from './typedesc.ts';
import { chansend, makechan } from './chan.ts';
import { newprocOnSystemStack } from './proc.ts';
import type { Runtime } from './runtime.ts';
import { addtimer, deltimer, goroutineReady, resettimer, timerAt, timeSleep } from './time.ts';
import { GoPanic, goThrow } from './throw.ts';
import { defineTimeMethodHosts } from './timefmt.ts';
import { defineDurationHosts } from './duration.ts';
import { REALTIME_EPOCH_NS } from '../os/linux/time.ts';

/** Unix seconds of the virtual clock's zero: the kernel's CLOCK_REALTIME then. */
const EPOCH_UNIX = BigInt(REALTIME_EPOCH_NS / 1e9);
/** time.go: seconds from year 1 to 1885 (wallToInternal) and to 1970 (unixToInternal). */
const SECONDS_PER_DAY = 86400n;
export const wallToInternal = (1884n * 365n + 1884n / 4n - 1884n / 100n + 1884n / 400n) * SECONDS_PER_DAY;
export const unixToInternal = (1969n * 365n + 1969n / 4n - 1969n / 100n + 1969n / 400n) * SECONDS_PER_DAY;
export const hasMonotonic = 1n << 63n;
const maxWhen = Number.MAX_SAFE_INTEGER;

/** The size of a time.Time: wall, ext (8 bytes each), loc (a pointer). */
export function timeSize(rt: Runtime): number {
  return 16 + rt.arch.ptrSize;
}

/** Ports time.Now as it encodes a Time: [wall, ext] (loc nil). */
export function now(rt: Runtime): [bigint, bigint] {
  const ns = BigInt(rt.nanotime());
  const sec = EPOCH_UNIX + ns / 1_000_000_000n + unixToInternal - wallToInternal;
  const nsec = ns % 1_000_000_000n;
  const mono = ns + 1n; // startNano = runtimeNano() - 1 at start-up
  return [hasMonotonic | (sec << 30n) | nsec, mono];
}

/** Write Now() at address a. */
function storeNow(rt: Runtime, a: number): void {
  const [wall, ext] = now(rt);
  rt.mem.setU64(a, wall);
  rt.mem.setU64(a + 8, BigInt.asUintN(64, ext));
  rt.mem.setPtr(a + 16, 0);
}

/** The seconds (since year 1) and nanoseconds of a Time's wall clock (time.go sec, nsec). */
export function wallOf(wall: bigint, ext: bigint): [bigint, bigint] {
  const nsec = wall & 0x3fffffffn;
  if ((wall & hasMonotonic) === 0n) return [ext, nsec];
  return [wallToInternal + (((wall << 1n) & MASK64) >> 31n), nsec];
}
const MASK64 = (1n << 64n) - 1n;

/** Ports Time.Sub: the monotonic readings when both have one, else the wall clocks (saturating). */
function sub(wall: bigint, ext: bigint, uwall: bigint, uext: bigint): bigint {
  const MIN = -(1n << 63n);
  const MAX = (1n << 63n) - 1n;
  const clamp = (d: bigint) => (d < MIN ? MIN : d > MAX ? MAX : d);
  if ((wall & uwall & hasMonotonic) !== 0n) return clamp(ext - uext);
  const [s1, n1] = wallOf(wall, ext);
  const [s2, n2] = wallOf(uwall, uext);
  return clamp((s1 - s2) * 1_000_000_000n + (n1 - n2));
}

/** Ports Duration.String: "72h3m0.5s", "1.5ms", "500µs", "0s". */
export function durationString(d: bigint): string {
  const neg = d < 0n;
  let u = neg ? -d : d;
  // fmtFrac: the fraction of u / 10**prec without trailing zeros (no point when it is 0)
  const frac = (prec: number): string => {
    let out = '';
    let print = false;
    for (let i = 0; i < prec; i++) {
      const digit = u % 10n;
      print = print || digit !== 0n;
      if (print) out = String(digit) + out;
      u /= 10n;
    }
    return print ? '.' + out : '';
  };
  let s: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return '0s';
    let unit: string;
    let prec: number;
    if (u < 1000n) [unit, prec] = ['ns', 0];
    else if (u < 1_000_000n) [unit, prec] = ['µs', 3];
    else [unit, prec] = ['ms', 6];
    const f = frac(prec);
    s = String(u) + f + unit;
  } else {
    const f = frac(9);
    s = String(u % 60n) + f + 's';
    u /= 60n;
    if (u > 0n) {
      s = String(u % 60n) + 'm' + s;
      u /= 60n;
      if (u > 0n) s = String(u) + 'h' + s;
    }
  }
  return neg ? '-' + s : s;
}

/** Call a timer's function (runOneTimer's f(arg, seq)): host functions by name. */
export function callTimerFunc(rt: Runtime, f: number, arg: number, seq: number): void {
  const name = rt.machine.host.nameAt(f);
  switch (name) {
    case 'runtime.goroutineReady':
      return goroutineReady(rt, arg);
    case 'time.sendTime':
      return sendTime(rt, arg, seq);
    case 'time.goFunc':
      return goFunc(rt, arg, seq);
    default:
      goThrow(`runOneTimer: t.f = 0x${f.toString(16)} (${name ?? rt.machine.describe(f)}) is not a timer function`);
  }
}

/** Ports sendTime: a non-blocking send of Now() on the timer's channel (a full channel drops the tick). */
function sendTime(rt: Runtime, c: number, _seq: number): void {
  const buf = rt.heap.alloc(timeSize(rt));
  storeNow(rt, buf);
  // chansend with block=false never parks, so it needs no host call to end
  chansend(rt, undefined as never, c, buf, false);
  rt.heap.release(buf, timeSize(rt));
}

/** Ports goFunc: AfterFunc's timer function: `go f()`. */
function goFunc(rt: Runtime, fn: number, _seq: number): void {
  const gp = rt.getg();
  newprocOnSystemStack(rt, fn, gp, 0);
}

/** Ports time.when: the absolute time d from now (saturating). */
function when(rt: Runtime, d: number): number {
  if (d <= 0) return rt.nanotime();
  const t = rt.nanotime() + d;
  return t > maxWhen ? maxWhen : t;
}

/** A chan Time with a buffer of one (a descriptor whose word 0 is the element size, as makechan wants). */
function timeChan(rt: Runtime): number {
  const td = rt.heap.alloc(rt.arch.ptrSize);
  rt.mem.setPtr(td, timeSize(rt));
  return makechan(rt, td, 1);
}

/** A new {C, r} with r set up to call f with arg; started. */
function newTimer(rt: Runtime, c: number, w: number, period: number, f: string, arg: number): number {
  const W = rt.arch.ptrSize;
  const obj = rt.heap.alloc(W + rt.L.sizes.timer);
  rt.mem.setPtr(obj, c);
  const t = timerAt(rt, obj + W);
  t.when = w;
  t.period = period;
  t.f = rt.machine.sym(f);
  t.argData = arg;
  addtimer(rt, t);
  return obj;
}

/** Bind the time package's functions (src/abi entries) to their ports. */
export function defineTimeHosts(host: EntryTable<HostFn>, rt: () => Runtime): void {
  const W = host.arch.ptrSize;
  // time.Sleep is runtime.timeSleep (linkname)
  defineEntry(host, ENTRY.timeSleep, (c) => timeSleep(rt(), c, Number(c.argI64(0))));
  defineEntry(host, ENTRY.timeNewTimer, (c) => {
    const r = rt();
    const ch = timeChan(r);
    return newTimer(r, ch, when(r, Number(c.argI64(0))), 0, 'time.sendTime', ch);
  });
  defineEntry(host, ENTRY.timeAfterFunc, (c) => {
    const r = rt();
    return newTimer(r, 0, when(r, Number(c.argI64(0))), 0, 'time.goFunc', c.argN(8 / W));
  });
  defineEntry(host, ENTRY.timeNewTicker, (c) => {
    const r = rt();
    const d = Number(c.argI64(0));
    if (d <= 0) throw new GoPanic('non-positive interval for NewTicker', r.getg().goid);
    const ch = timeChan(r);
    return newTimer(r, ch, when(r, d), d, 'time.sendTime', ch);
  });
  // (*Timer).Stop and (*Ticker).Stop: stopTimer(&t.r)
  defineEntry(host, ENTRY.timeTimerStop, (c) => {
    const r = rt();
    const t = timerAt(r, c.argN(0) + W);
    if (t.f === 0) throw new GoPanic('time: Stop called on uninitialized Timer', r.getg().goid);
    return deltimer(r, t) ? 1 : 0;
  });
  defineEntry(host, ENTRY.timeTimerReset, (c) => {
    const r = rt();
    const t = timerAt(r, c.argN(0) + W);
    if (t.f === 0) throw new GoPanic('time: Reset called on uninitialized Timer', r.getg().goid);
    return resettimer(r, t, when(r, Number(c.argI64(1)))) ? 1 : 0;
  });
  defineEntry(host, ENTRY.timeTickerStop, (c) => {
    const r = rt();
    deltimer(r, timerAt(r, c.argN(0) + W));
  });
  defineEntry(host, ENTRY.timeTick, (c) => {
    const r = rt();
    const d = Number(c.argI64(0));
    if (d <= 0) return 0;
    const ch = timeChan(r);
    newTimer(r, ch, when(r, d), d, 'time.sendTime', ch);
    return ch;
  });
  const w64 = 8 / W;
  const i64 = (c: HostCall, v: bigint) => c.i64(BigInt.asIntN(64, v));
  defineEntry(host, ENTRY.timeNow, (c) => {
    const [wall, ext] = now(rt());
    return [...c.i64(wall), ...i64(c, ext), 0];
  });
  defineEntry(host, ENTRY.timeSince, (c) => {
    const [wall, ext] = now(rt());
    return i64(c, sub(wall, ext, BigInt.asUintN(64, c.argI64(0)), c.argI64(w64)));
  });
  defineEntry(host, ENTRY.timeSub, (c) => i64(c, sub(BigInt.asUintN(64, c.argI64(0)), c.argI64(w64), BigInt.asUintN(64, c.argI64(2 * w64 + 1)), c.argI64(3 * w64 + 1))));
  defineTimeMethodHosts(host, rt);
  defineDurationHosts(host);
  defineEntry(host, ENTRY.durationString, (c) => newString(rt(), new TextEncoder().encode(durationString(c.argI64(0)))));
  // the timer functions: called by runOneTimer by name (callTimerFunc), never from machine code
  host.define('runtime.goroutineReady', { abi: 'internal', nargs: 3 }, () => goThrow('goroutineReady called from machine code'));
  host.define('time.sendTime', { abi: 'internal', nargs: 3 }, () => goThrow('time.sendTime called from machine code'));
  host.define('time.goFunc', { abi: 'internal', nargs: 3 }, () => goThrow('time.goFunc called from machine code'));
}
