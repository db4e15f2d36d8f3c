// time.Time's methods beyond Sub, and time.Unix: ports of go1.19's
// time/time.go (unixTime, Time.Add, addSec, stripMono, Before, After,
// Equal, IsZero, Unix, UnixNano, UTC) and of Time.String (format.go: the
// layout "2006-01-02 15:04:05.999999999 -0700 MST" and the monotonic
// reading " m=±s.nnnnnnnnn"), as host functions over a Time's words
// {wall uint64; ext int64; loc *Location}.
//
// Differs: every Time is in UTC. A nil loc is UTC in Go too; Go's Local is
// the machine's zone, which gogo-emu's Linux does not have (like the Go
// playground, its local time is UTC), so time.Unix and time.Now, whose loc
// is Local in Go, print "+0000 UTC" here, which is what Go prints on a
// machine whose zone is UTC. Format, Parse, Date, Year ... are not ported.
import { defineEntry, ENTRY, type EntryTable } from '../abi/index.ts';
import type { HostCall, HostFn } from '../os/host.ts';
import type { Runtime } from './runtime.ts';
import { newString } from './typedesc.ts';
import { hasMonotonic, unixToInternal, wallOf } from './timepkg.ts';

const NSEC_MASK = (1n << 30n) - 1n;
const NSEC_SHIFT = 30n;
const MIN64 = -(1n << 63n);
const MAX64 = (1n << 63n) - 1n;
const U64 = (v: bigint) => BigInt.asUintN(64, v);
const I64 = (v: bigint) => BigInt.asIntN(64, v);

/** A Time's words. */
interface Time {
  wall: bigint; // uint64
  ext: bigint; // int64
  loc: number;
}

/** t.sec(): seconds since January 1, year 1. */
function sec(t: Time): bigint {
  return wallOf(t.wall, t.ext)[0];
}

function nsec(t: Time): bigint {
  return t.wall & NSEC_MASK;
}

/** stripMono: drop the monotonic reading, keeping the wall clock in ext. */
function stripMono(t: Time): void {
  if ((t.wall & hasMonotonic) !== 0n) {
    t.ext = sec(t);
    t.wall &= NSEC_MASK;
  }
}

/** addSec: add d seconds (saturating the int64 as go1.19 does). */
function addSec(t: Time, d: bigint): void {
  if ((t.wall & hasMonotonic) !== 0n) {
    const s = I64(U64(t.wall << 1n) >> 31n);
    const dsec = s + d;
    if (dsec >= 0n && dsec <= (1n << 33n) - 1n) {
      t.wall = (t.wall & NSEC_MASK) | (U64(dsec) << NSEC_SHIFT) | hasMonotonic;
      return;
    }
    stripMono(t);
  }
  const sum = t.ext + d;
  t.ext = sum > MAX64 ? MAX64 : sum < MIN64 ? MIN64 : sum;
}

/** Time.Add */
function add(t: Time, d: bigint): Time {
  const r = { ...t };
  let dsec = d / 1_000_000_000n;
  let ns = nsec(r) + (d % 1_000_000_000n);
  if (ns >= 1_000_000_000n) {
    dsec++;
    ns -= 1_000_000_000n;
  } else if (ns < 0n) {
    dsec--;
    ns += 1_000_000_000n;
  }
  r.wall = (r.wall & ~NSEC_MASK & ((1n << 64n) - 1n)) | ns;
  addSec(r, dsec);
  if ((r.wall & hasMonotonic) !== 0n) {
    const te = I64(r.ext + d);
    if ((d < 0n && te > r.ext) || (d > 0n && te < r.ext)) stripMono(r);
    else r.ext = te;
  }
  return r;
}

/** time.Unix(sec, nsec): nsec outside [0, 1e9) carries into sec. */
function unix(s: bigint, ns: bigint): Time {
  if (ns < 0n || ns >= 1_000_000_000n) {
    const n = ns / 1_000_000_000n;
    s += n;
    ns -= n * 1_000_000_000n;
    if (ns < 0n) {
      ns += 1_000_000_000n;
      s--;
    }
  }
  return { wall: ns, ext: I64(s + unixToInternal), loc: 0 };
}

/** -1, 0, +1: t against u (Before, After, Equal: the monotonic readings when both have one). */
function compare(t: Time, u: Time): number {
  if ((t.wall & u.wall & hasMonotonic) !== 0n) return t.ext < u.ext ? -1 : t.ext > u.ext ? 1 : 0;
  const ts = sec(t);
  const us = sec(u);
  if (ts !== us) return ts < us ? -1 : 1;
  const tn = nsec(t);
  const un = nsec(u);
  return tn < un ? -1 : tn > un ? 1 : 0;
}

const SECONDS_PER_DAY = 86400n;
const DAYS_PER_400_YEARS = 365n * 400n + 97n;
const DAYS_PER_100_YEARS = 365n * 100n + 24n;
const DAYS_PER_4_YEARS = 365n * 4n + 1n;
const ABSOLUTE_ZERO_YEAR = -292277022399n;
/** unixToInternal + internalToAbsolute (time.go's constants, summed exactly as Go's constant arithmetic does) */
const UNIX_TO_ABSOLUTE = 9223372028715321600n;
/** daysBefore[m]: days of a non-leap year before month m (m = 0..12) */
const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

/**
 * Ports absDate (full): the year, month and day of an absolute time
 * (seconds since the absolute zero year, a uint64). The year is Go's int:
 * `bits` wide, so on a 32-bit target a year past its range wraps as Go's
 * conversion does.
 */
function absDate(abs: bigint, bits: number): [bigint, number, number] {
  let d = abs / SECONDS_PER_DAY;
  let n = d / DAYS_PER_400_YEARS;
  let y = 400n * n;
  d -= DAYS_PER_400_YEARS * n;
  n = d / DAYS_PER_100_YEARS;
  n -= n >> 2n;
  y += 100n * n;
  d -= DAYS_PER_100_YEARS * n;
  n = d / DAYS_PER_4_YEARS;
  y += 4n * n;
  d -= DAYS_PER_4_YEARS * n;
  n = d / 365n;
  n -= n >> 2n;
  y += n;
  d -= 365n * n;
  const year = BigInt.asIntN(bits, BigInt.asIntN(64, y + ABSOLUTE_ZERO_YEAR));
  let day = Number(d);
  if (year % 4n === 0n && (year % 100n !== 0n || year % 400n === 0n)) {
    if (day > 31 + 29 - 1) day--;
    else if (day === 31 + 29 - 1) return [year, 2, 29];
  }
  let month = Math.floor(day / 31);
  const end = DAYS_BEFORE[month + 1]!;
  let begin: number;
  if (day >= end) {
    month++;
    begin = end;
  } else begin = DAYS_BEFORE[month]!;
  return [year, month + 1, day - begin + 1];
}

/** Ports format.go appendInt(x, width) for Go's int of `bits` bits: a sign, then the digits zero-padded to width. */
function appendInt(x: bigint, width: number, bits: number): string {
  const u = x < 0n ? BigInt.asUintN(bits, -x) : x;
  return (x < 0n ? '-' : '') + String(u).padStart(width, '0');
}

const pad = (v: bigint | number, w: number) => String(v).padStart(w, '0');

/**
 * Time.String: "2006-01-02 15:04:05.999999999 -0700 MST", then
 * " m=±s.nnnnnnnnn" with a monotonic reading. The date comes from locabs'
 * absolute time and absDate, with Go's wrapping int64/uint64 arithmetic
 * and its int of `bits` bits, so the far ends of the range print as Go's.
 */
export function timeString(t: Time, bits: number): string {
  const unixSec = I64(sec(t) - unixToInternal);
  const abs = U64(unixSec + UNIX_TO_ABSOLUTE);
  const [y, mo, d] = absDate(abs, bits);
  const rem = abs % SECONDS_PER_DAY;
  let s = `${appendInt(y, 4, bits)}-${pad(mo, 2)}-${pad(d, 2)} ${pad(rem / 3600n, 2)}:${pad((rem / 60n) % 60n, 2)}:${pad(rem % 60n, 2)}`;
  const ns = nsec(t);
  if (ns !== 0n) s += '.' + pad(ns, 9).replace(/0+$/, '');
  s += ' +0000 UTC';
  if ((t.wall & hasMonotonic) !== 0n) {
    let m2 = U64(t.ext);
    let sign = '+';
    if (t.ext < 0n) {
      sign = '-';
      m2 = U64(-t.ext);
    }
    let m1 = m2 / 1_000_000_000n;
    m2 %= 1_000_000_000n;
    const m0 = m1 / 1_000_000_000n;
    m1 %= 1_000_000_000n;
    s += ` m=${sign}${m0 !== 0n ? String(m0) + pad(m1, 9) : String(m1)}.${pad(m2, 9)}`;
  }
  return s;
}

export function defineTimeMethodHosts(host: EntryTable<HostFn>, rt: () => Runtime): void {
  const W = host.arch.ptrSize;
  const w64 = 8 / W;
  /** the Time whose words start at argument word i */
  const timeArg = (c: HostCall, i: number): Time => ({ wall: U64(c.argI64(i)), ext: c.argI64(i + w64), loc: c.argN(i + 2 * w64) });
  const second = 2 * w64 + 1;
  const ret = (c: HostCall, t: Time) => [...c.i64(t.wall), ...c.i64(t.ext), t.loc];
  defineEntry(host, ENTRY.timeUnix, (c) => ret(c, unix(c.argI64(0), c.argI64(w64))));
  defineEntry(host, ENTRY.timeString, (c) => newString(rt(), new TextEncoder().encode(timeString(timeArg(c, 0), W * 8))));
  // UTC: setLoc(&utcLoc), which stores nil
  defineEntry(host, ENTRY.timeUTC, (c) => ret(c, { ...timeArg(c, 0), loc: 0 }));
  defineEntry(host, ENTRY.timeUnixSec, (c) => c.i64(sec(timeArg(c, 0)) - unixToInternal));
  // UnixNano: (sec - unixToInternal) * 1e9 + nsec, wrapping as Go's int64 arithmetic does
  defineEntry(host, ENTRY.timeUnixNano, (c) => {
    const t = timeArg(c, 0);
    return c.i64(I64((sec(t) - unixToInternal) * 1_000_000_000n + nsec(t)));
  });
  defineEntry(host, ENTRY.timeAdd, (c) => ret(c, add(timeArg(c, 0), c.argI64(second))));
  defineEntry(host, ENTRY.timeBefore, (c) => (compare(timeArg(c, 0), timeArg(c, second)) < 0 ? 1 : 0));
  defineEntry(host, ENTRY.timeAfter, (c) => (compare(timeArg(c, 0), timeArg(c, second)) > 0 ? 1 : 0));
  defineEntry(host, ENTRY.timeEqual, (c) => (compare(timeArg(c, 0), timeArg(c, second)) === 0 ? 1 : 0));
  defineEntry(host, ENTRY.timeIsZero, (c) => {
    const t = timeArg(c, 0);
    return sec(t) === 0n && nsec(t) === 0n ? 1 : 0;
  });
}
