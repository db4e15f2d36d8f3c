// time.Duration's methods other than String (which is timepkg.ts's
// durationString): ports of go1.19 time.go's Nanoseconds, Microseconds,
// Milliseconds, Seconds, Minutes, Hours, Truncate, Round and Abs, as host
// functions named by their link symbols. A Duration is an int64 (one word
// on amd64, two on arm); a float64 result crosses as its bits in integer
// words, as every float64 of the subset does (src/compile/README.md, "Floats").
import { ENTRY, defineEntry, type EntryTable } from '../abi/index.ts';
import type { HostCall, HostFn } from '../os/host.ts';

const MIN_DURATION = -(1n << 63n);
const MAX_DURATION = (1n << 63n) - 1n;
const SECOND = 1_000_000_000n;
const MINUTE = 60n * SECOND;
const HOUR = 60n * MINUTE;

/** An int64 result as Go's arithmetic wraps it (BigInt's / and % already truncate toward zero, as Go's). */
const wrap = (v: bigint) => BigInt.asIntN(64, v);

/** Ports Seconds, Minutes and Hours: float64(d/unit) + float64(d%unit)/float64(unit) (Number(bigint) rounds to nearest even, as Go's conversion). */
export function durationFloat(d: bigint, unit: bigint): number {
  return Number(d / unit) + Number(d % unit) / Number(unit);
}

/** Ports Duration.Truncate: d rounded toward zero to a multiple of m (m <= 0: d). */
export function durationTruncate(d: bigint, m: bigint): bigint {
  return m <= 0n ? d : wrap(d - (d % m));
}

/** Ports lessThanHalf: x+x < y in uint64, without overflow concerns. */
const lessThanHalf = (x: bigint, y: bigint) => BigInt.asUintN(64, BigInt.asUintN(64, x) + BigInt.asUintN(64, x)) < BigInt.asUintN(64, y);

/** Ports Duration.Round: d rounded to the nearest multiple of m, halfway away from zero, saturating at the int64 ends. */
export function durationRound(d: bigint, m: bigint): bigint {
  if (m <= 0n) return d;
  let r = d % m;
  if (d < 0n) {
    r = -r;
    if (lessThanHalf(r, m)) return wrap(d + r);
    const d1 = wrap(d - m + r);
    return d1 < d ? d1 : MIN_DURATION;
  }
  if (lessThanHalf(r, m)) return wrap(d - r);
  const d1 = wrap(d + m - r);
  return d1 > d ? d1 : MAX_DURATION;
}

/** Ports Duration.Abs: |d|, with minDuration giving maxDuration. */
export function durationAbs(d: bigint): bigint {
  if (d >= 0n) return d;
  return d === MIN_DURATION ? MAX_DURATION : -d;
}

export function defineDurationHosts(host: EntryTable<HostFn>): void {
  const i64 = (c: HostCall, v: bigint) => c.i64(BigInt.asIntN(64, v));
  defineEntry(host, ENTRY.durationNanoseconds, (c) => i64(c, c.argI64(0)));
  defineEntry(host, ENTRY.durationMicroseconds, (c) => i64(c, c.argI64(0) / 1000n));
  defineEntry(host, ENTRY.durationMilliseconds, (c) => i64(c, c.argI64(0) / 1_000_000n));
  defineEntry(host, ENTRY.durationSeconds, (c) => c.f64(durationFloat(c.argI64(0), SECOND)));
  defineEntry(host, ENTRY.durationMinutes, (c) => c.f64(durationFloat(c.argI64(0), MINUTE)));
  defineEntry(host, ENTRY.durationHours, (c) => c.f64(durationFloat(c.argI64(0), HOUR)));
  defineEntry(host, ENTRY.durationTruncate, (c) => i64(c, durationTruncate(c.argI64(0), c.argI64(c.int64Words))));
  defineEntry(host, ENTRY.durationRound, (c) => i64(c, durationRound(c.argI64(0), c.argI64(c.int64Words))));
  defineEntry(host, ENTRY.durationAbs, (c) => i64(c, durationAbs(c.argI64(0))));
}
