// Package time in the subset: its types (Duration, Time, Timer, Ticker,
// Location), constants (Nanosecond ... Hour) and functions (Sleep, Now,
// Since, After, Tick, NewTimer, NewTicker, AfterFunc), with the runtime
// entry points each one lowers to (src/abi ENTRY.time*; the runtime's side
// is src/runtime/time.ts and timepkg.ts). Methods (Duration's, Time.Sub, Timer.Stop / Reset, Ticker.Stop) are host functions named by
// their link symbols, called like any method.
//
// Layouts are Go's: Duration is an int64; Time is {wall uint64; ext int64;
// loc *Location}; Timer and Ticker are {C <-chan Time; r runtimeTimer} with
// r laid out as the runtime's timer. Time's methods Add, After, Before,
// Equal, IsZero, String (so fmt prints a Time as Go does), UTC, Unix and
// UnixNano, and time.Unix, are host functions of src/runtime/timefmt.ts.
// Other members of time (Parse, Format, Date, Year, ...) are outside the
// subset: the checker reports them with the list of these.
import { ENTRY, type RuntimeEntry } from '../abi/index.ts';
import type { CallArg, CallResult, InstBody, Operand } from './ir.ts';
import { slot } from './ir.ts';
import { ANY, BOOL, FLOAT64, type FuncType, INT64, type NamedType, STRING, type Type, UINT32, UINT64, UINTPTR } from './types.ts';

const f = (params: Type[], results: Type[]): FuncType => ({ k: 'func', params, results });

export const DURATION: NamedType = { k: 'named', name: 'Duration', pkg: 'time', under: INT64, methods: [] };
// in go1.19's doc order; all host functions (String: src/runtime/timepkg.ts, the others: duration.ts)
for (const [name, type] of [
  ['Abs', f([], [DURATION])],
  ['Hours', f([], [FLOAT64])],
  ['Microseconds', f([], [INT64])],
  ['Milliseconds', f([], [INT64])],
  ['Minutes', f([], [FLOAT64])],
  ['Nanoseconds', f([], [INT64])],
  ['Round', f([DURATION], [DURATION])],
  ['Seconds', f([], [FLOAT64])],
  ['String', f([], [STRING])],
  ['Truncate', f([DURATION], [DURATION])],
] as const) {
  DURATION.methods.push({ name, ptrRecv: false, type, symbol: `time.Duration.${name}` });
}

export const LOCATION: NamedType = { k: 'named', name: 'Location', pkg: 'time', under: { k: 'struct', fields: [{ name: 'name', type: STRING, embedded: false }] }, methods: [] };

export const TIME: NamedType = {
  k: 'named',
  name: 'Time',
  pkg: 'time',
  under: {
    k: 'struct',
    fields: [
      { name: 'wall', type: UINT64, embedded: false },
      { name: 'ext', type: INT64, embedded: false },
      { name: 'loc', type: { k: 'ptr', elem: LOCATION }, embedded: false },
    ],
  },
  methods: [],
};
TIME.methods.push({ name: 'Sub', ptrRecv: false, type: f([TIME], [DURATION]), symbol: 'time.Time.Sub' });
// the methods of src/runtime/timefmt.ts (host functions named by their link symbols), in go1.19's doc order
for (const [name, type] of [
  ['Add', f([DURATION], [TIME])],
  ['After', f([TIME], [BOOL])],
  ['Before', f([TIME], [BOOL])],
  ['Equal', f([TIME], [BOOL])],
  ['IsZero', f([], [BOOL])],
  ['String', f([], [STRING])],
  ['UTC', f([], [TIME])],
  ['Unix', f([], [INT64])],
  ['UnixNano', f([], [INT64])],
] as const) {
  TIME.methods.push({ name, ptrRecv: false, type, symbol: `time.Time.${name}` });
}

const CHAN_TIME: Type = { k: 'chan', dir: 'recv', elem: TIME };

/** runtime.timer as package time declares it (runtimeTimer). */
const RUNTIME_TIMER: Type = {
  k: 'struct',
  fields: [
    { name: 'pp', type: UINTPTR, embedded: false },
    { name: 'when', type: INT64, embedded: false },
    { name: 'period', type: INT64, embedded: false },
    { name: 'f', type: UINTPTR, embedded: false },
    { name: 'arg', type: ANY, embedded: false },
    { name: 'seq', type: UINTPTR, embedded: false },
    { name: 'nextwhen', type: INT64, embedded: false },
    { name: 'status', type: UINT32, embedded: false },
  ],
};

const timerLike = (name: string): NamedType => ({
  k: 'named',
  name,
  pkg: 'time',
  under: {
    k: 'struct',
    fields: [
      { name: 'C', type: CHAN_TIME, embedded: false },
      { name: 'r', type: RUNTIME_TIMER, embedded: false },
    ],
  },
  methods: [],
});
export const TIMER = timerLike('Timer');
TIMER.methods.push({ name: 'Stop', ptrRecv: true, type: f([], [BOOL]), symbol: 'time.(*Timer).Stop' });
TIMER.methods.push({ name: 'Reset', ptrRecv: true, type: f([DURATION], [BOOL]), symbol: 'time.(*Timer).Reset' });
export const TICKER = timerLike('Ticker');
TICKER.methods.push({ name: 'Stop', ptrRecv: true, type: f([], []), symbol: 'time.(*Ticker).Stop' });

export const TIME_TYPES: Readonly<Record<string, NamedType>> = { Duration: DURATION, Time: TIME, Timer: TIMER, Ticker: TICKER, Location: LOCATION };

export const TIME_FUNCS: Readonly<Record<string, { type: FuncType }>> = {
  Sleep: { type: f([DURATION], []) },
  Now: { type: f([], [TIME]) },
  Since: { type: f([TIME], [DURATION]) },
  After: { type: f([DURATION], [CHAN_TIME]) },
  Tick: { type: f([DURATION], [CHAN_TIME]) },
  NewTimer: { type: f([DURATION], [{ k: 'ptr', elem: TIMER }]) },
  NewTicker: { type: f([DURATION], [{ k: 'ptr', elem: TICKER }]) },
  AfterFunc: { type: f([DURATION, { k: 'func', params: [], results: [] }], [{ k: 'ptr', elem: TIMER }]) },
  Unix: { type: f([INT64, INT64], [TIME]) },
};

/** The Duration constants (typed). */
export const TIME_CONSTS: Readonly<Record<string, { type: Type; value: bigint }>> = {
  Nanosecond: { type: DURATION, value: 1n },
  Microsecond: { type: DURATION, value: 1000n },
  Millisecond: { type: DURATION, value: 1000000n },
  Second: { type: DURATION, value: 1000000000n },
  Minute: { type: DURATION, value: 60000000000n },
  Hour: { type: DURATION, value: 3600000000000n },
};

// ---- lowering -------------------------------------------------------------------------------------

type Val = Operand[];

export interface TimeLowerHooks {
  readonly W: number;
  temp(): number;
  emit(i: InstBody): void;
}

/** An int64 value as a call argument (a pair on a 32-bit target). */
function arg64(h: TimeLowerHooks, v: Val): CallArg {
  return h.W === 8 ? { v: v[0]!, int64: true } : { v: v[0]!, int64: true, hi: v[1]! };
}

function call(h: TimeLowerHooks, e: RuntimeEntry, args: CallArg[], results: ('int64' | 'word' | 'bool')[]): Val {
  const rs: CallResult[] = [];
  const out: Operand[] = [];
  for (const r of results) {
    const dst = h.temp();
    out.push(slot(dst));
    if (r === 'int64' && h.W === 4) {
      const hi = h.temp();
      out.push(slot(hi));
      rs.push({ dst, hi });
    } else rs.push({ dst, bool: r === 'bool' });
  }
  h.emit({ op: 'call', fn: { k: 'sym', name: e.symbol }, args, results: rs });
  return out;
}

/** time.X(args): the values of its results. */
export function lowerTimeCall(h: TimeLowerHooks, name: string, a: Val[]): Val[] {
  const w = (v: Operand): CallArg => ({ v });
  switch (name) {
    case 'Sleep':
      call(h, ENTRY.timeSleep, [arg64(h, a[0]!)], []);
      return [];
    case 'Now':
      return [call(h, ENTRY.timeNow, [], ['int64', 'int64', 'word'])];
    case 'Since':
      return [call(h, ENTRY.timeSince, timeArgs(h, a[0]!), ['int64'])];
    case 'NewTimer':
      return [call(h, ENTRY.timeNewTimer, [arg64(h, a[0]!)], ['word'])];
    case 'NewTicker':
      return [call(h, ENTRY.timeNewTicker, [arg64(h, a[0]!)], ['word'])];
    case 'AfterFunc':
      return [call(h, ENTRY.timeAfterFunc, [arg64(h, a[0]!), w(a[1]![0]!)], ['word'])];
    case 'After': {
      // NewTimer(d).C
      const t = call(h, ENTRY.timeNewTimer, [arg64(h, a[0]!)], ['word'])[0]!;
      const c = h.temp();
      h.emit({ op: 'load', dst: c, base: t, off: 0 });
      return [[slot(c)]];
    }
    case 'Tick':
      return [call(h, ENTRY.timeTick, [arg64(h, a[0]!)], ['word'])];
    case 'Unix':
      return [call(h, ENTRY.timeUnix, [arg64(h, a[0]!), arg64(h, a[1]!)], ['int64', 'int64', 'word'])];
    default:
      throw new Error(`lower: time.${name}`);
  }
}

/** A Time value's leaves as the arguments of a time entry: wall, ext (int64 each), loc. */
function timeArgs(h: TimeLowerHooks, v: Val): CallArg[] {
  if (h.W === 8) return [arg64(h, [v[0]!]), arg64(h, [v[1]!]), { v: v[2]! }];
  return [arg64(h, [v[0]!, v[1]!]), arg64(h, [v[2]!, v[3]!]), { v: v[4]! }];
}
