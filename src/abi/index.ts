// The runtime entry points that compiled code calls: the one list of them.
//
// Three parts of gogo-emu must agree on these functions, and all three read
// this list instead of keeping their own:
//   - the checker (src/compile/check.ts): which runtime.* functions and
//     sync.WaitGroup methods a program may call, with their Go signatures;
//   - the lowering and the backends (src/compile/lower.ts, backend/): which
//     symbol each runtime call goes to, and its arguments and results;
//   - the host-function table (src/runtime/hosts.ts, print.ts): the ABI and
//     the number of argument words of every entry written in TypeScript.
// test/abi/abi.test.ts checks that compiled programs call nothing else and
// that the host table defines what the list says.
//
// Each entry gives its link symbol, its ABI, whether it is a TypeScript host
// function or a stub in asm/<arch>, its arguments and results at the machine
// level (Go argument order; a bool is a full 0/1 word; an int64 takes two
// words, low first, where pointers are 32 bits, as Go passes it there), and,
// for the functions a Go program names itself, the Go signature. The machine
// arguments of those are derived from the Go signature (a method gets its
// receiver's address first), so the two cannot differ.
//
// Only ISA/ABI facts come from below (the Abi type of src/arch); nothing here
// knows about the compiler, the runtime or the OS.
import type { Abi } from '../arch/types.ts';

/** What one argument or result is at the machine level. */
export type WordKind = 'int' | 'bool' | 'ptr' | 'int64';

/** The Go types that user-visible entries take and return. */
export type GoType = 'int' | 'bool';

export interface AbiValue {
  readonly name: string;
  readonly kind: WordKind;
}

/** The Go-level signature of an entry that Go programs call by name. */
export interface GoSignature {
  /** the import path: runtime.Gosched, sync.WaitGroup.Add */
  readonly pkg: 'runtime' | 'sync';
  /** the receiver type of a method (called through a pointer to it) */
  readonly recv?: 'WaitGroup' | 'Mutex' | 'RWMutex';
  readonly name: string;
  readonly params: readonly { readonly name: string; readonly type: GoType }[];
  readonly results: readonly GoType[];
}

export interface RuntimeEntry {
  /** the link symbol compiled code calls */
  readonly symbol: string;
  /** Go's calling convention for it ('internal' is the same as 'abi0' on arm, see src/arch/types.ts) */
  readonly abi: Abi;
  /** 'host': a TypeScript host function (src/runtime); 'asm': a stub in asm/<arch> */
  readonly impl: 'host' | 'asm';
  readonly params: readonly AbiValue[];
  readonly results: readonly AbiValue[];
  /** set for the functions a Go program calls by name */
  readonly go?: GoSignature;
  /** called only by code for 32-bit targets (64-bit division: vlrt.go) */
  readonly only32?: boolean;
}

const v = (kind: WordKind, name: string): AbiValue => ({ kind, name });

/** A runtime function that only the compiler's output calls (Go's ABIInternal). */
function internal(symbol: string, impl: RuntimeEntry['impl'], params: AbiValue[], results: AbiValue[] = []): RuntimeEntry {
  return { symbol, abi: 'internal', impl, params, results };
}

/** An asm stub reached from a function prologue rather than by a call with arguments (Go's ABI0). */
function prologueStub(symbol: string): RuntimeEntry {
  return { symbol, abi: 'abi0', impl: 'asm', params: [], results: [] };
}

/**
 * A function or method that Go programs call by name. Its machine arguments
 * are the receiver's address (methods), then the Go parameters; its results
 * are the Go results.
 */
function goFunc(impl: RuntimeEntry['impl'], go: GoSignature): RuntimeEntry {
  const symbol = [go.pkg, go.recv, go.name].filter(Boolean).join('.');
  const params = [...(go.recv ? [v('ptr', go.recv.toLowerCase())] : []), ...go.params.map((p) => v(p.type, p.name))];
  return { symbol, abi: 'internal', impl, params, results: go.results.map((t, i) => v(t, `r${i}`)), go };
}

/**
 * The rodata table of type descriptors of the values a runtime panic carries
 * (emitted by the compiler for programs that call recover), in this order.
 */
export const RUNTIME_ERROR_TABLE = 'runtime.errortypes';
export const RUNTIME_ERROR_TYPES = ['errorString', 'plainError', 'string', 'boundsError', 'TypeAssertionError'] as const;

/**
 * One entry of fmt's table of method calls (fmt.methods makes the table,
 * compiled code makes the calls, fmt.format reads the results): word
 * indexes, each a pointer-sized word. `returned` is 1 once the method
 * returned; a panic it raised and fmt's catchPanic recovered is the eface
 * panicType/panicData. `nested` marks a call made while printing a recovered
 * panic's value, which fmt does not catch.
 */
export const FMT_CALL = { fn: 0, recv: 1, resPtr: 2, resLen: 3, returned: 4, panicType: 5, panicData: 6, nested: 7, words: 8 } as const;

/** Every runtime entry point compiled code calls, by a short key. */
export const ENTRY = {
  // ---- memory, goroutines, defer (malloc.go, proc.go, panic.go) ----
  /** typ points at a type whose word 0 is the size; returns zeroed memory */
  newobject: internal('runtime.newobject', 'host', [v('ptr', 'typ')], [v('ptr', 'p')]),
  /** `go f(x)`: start a goroutine running the funcval (asm glue over systemstack) */
  newproc: internal('runtime.newproc', 'asm', [v('ptr', 'fn')]),
  /**
   * main.init's first call when the program imports a package that imports os
   * (fmt): os's initialisation as far as the runtime sees it (NewFile of the
   * standard files -> SetFinalizer -> createfing: the finalizer goroutine)
   */
  osinit: internal('os.init', 'asm', []),
  /**
   * `defer f(x)`: record the funcval for the calling frame; returns 0, or 1
   * when a deferred call recovered a panic and the frame resumes here (it
   * then jumps to its deferreturn epilogue, as gc's code does)
   */
  deferproc: internal('runtime.deferproc', 'host', [v('ptr', 'fn')], [v('int', 'r')]),
  /** recover(): argp is the calling function's argument pointer (caller's SP + MinFrameSize); returns the panic value or nil */
  gorecover: internal('runtime.gorecover', 'host', [v('ptr', 'argp')], [v('ptr', 'type'), v('ptr', 'data')]),
  /** a 64-bit atomic on an address that is not 8-aligned (32-bit targets): panic("unaligned 64-bit atomic operation") */
  panicUnaligned: { ...internal('runtime/internal/atomic.panicUnaligned', 'host', []), only32: true },
  /** the Error methods of the runtime's error types (src/compile/rterrors.ts): a string receiver, a string result */
  rtErrorStringError: internal('runtime.errorString.Error', 'host', [v('ptr', 'p'), v('int', 'n')], [v('ptr', 'p'), v('int', 'n')]),
  rtPlainErrorError: internal('runtime.plainError.Error', 'host', [v('ptr', 'p'), v('int', 'n')], [v('ptr', 'p'), v('int', 'n')]),
  /** boundsError.Error (a value receiver: the struct's words x int64, y int, signed bool, code uint8) */
  rtBoundsErrorError: internal('runtime.boundsError.Error', 'host', [v('int64', 'x'), v('int', 'y'), v('bool', 'signed'), v('int', 'code')], [v('ptr', 'p'), v('int', 'n')]),
  /** (*TypeAssertionError).Error */
  rtTypeAssertionErrorError: internal('runtime.(*TypeAssertionError).Error', 'host', [v('ptr', 'e')], [v('ptr', 'p'), v('int', 'n')]),
  /** the RuntimeError marker methods of runtime.Error (they do nothing) */
  rtErrorStringRuntimeError: internal('runtime.errorString.RuntimeError', 'host', [v('ptr', 'p'), v('int', 'n')]),
  rtPlainErrorRuntimeError: internal('runtime.plainError.RuntimeError', 'host', [v('ptr', 'p'), v('int', 'n')]),
  rtBoundsErrorRuntimeError: internal('runtime.boundsError.RuntimeError', 'host', [v('int64', 'x'), v('int', 'y'), v('bool', 'signed'), v('int', 'code')]),
  rtTypeAssertionErrorRuntimeError: internal('runtime.(*TypeAssertionError).RuntimeError', 'host', [v('ptr', 'e')]),
  /** the next deferred funcval of the calling frame, or 0 (called in a loop at the function's exit) */
  deferreturn: internal('runtime.deferreturn', 'host', [], [v('ptr', 'fn')]),
  /** x / 0, x % 0 (the backends call it; does not return) */
  panicdivide: internal('runtime.panicdivide', 'host', []),
  /**
   * 64-bit / and % on 32-bit targets (vlrt.go's int64div, uint64div, int64mod,
   * uint64mod): Go's truncated division, panicdivide on a zero divisor
   */
  int64div: { ...internal('runtime.int64div', 'host', [v('int64', 'n'), v('int64', 'd')], [v('int64', 'q')]), only32: true },
  uint64div: { ...internal('runtime.uint64div', 'host', [v('int64', 'n'), v('int64', 'd')], [v('int64', 'q')]), only32: true },
  int64mod: { ...internal('runtime.int64mod', 'host', [v('int64', 'n'), v('int64', 'd')], [v('int64', 'r')]), only32: true },
  uint64mod: { ...internal('runtime.uint64mod', 'host', [v('int64', 'n'), v('int64', 'd')], [v('int64', 'r')]), only32: true },
  /**
   * Conversions between 64-bit integers and float64 that the targets have no
   * instruction for (vlrt.go's names; float64 values travel as their bits,
   * one int64 word or pair), on 32-bit targets only (a 64-bit target converts
   * in line, uint64 by gc's sequences).
   */
  int64tofloat64: { ...internal('runtime.int64tofloat64', 'host', [v('int64', 'v')], [v('int64', 'f')]), only32: true },
  float64toint64: { ...internal('runtime.float64toint64', 'host', [v('int64', 'f')], [v('int64', 'v')]), only32: true },
  uint64tofloat64: { ...internal('runtime.uint64tofloat64', 'host', [v('int64', 'v')], [v('int64', 'f')]), only32: true },
  float64touint64: { ...internal('runtime.float64touint64', 'host', [v('int64', 'f')], [v('int64', 'v')]), only32: true },
  /** a shift by a negative count (the backends call it; does not return) */
  panicshift: internal('runtime.panicshift', 'host', []),
  /** the prologue's stack-check path of a closure (keeps the context register) */
  morestack: prologueStub('runtime.morestack'),
  /** the prologue's stack-check path of a function that is not a closure */
  morestack_noctxt: prologueStub('runtime.morestack_noctxt'),

  // ---- print and println (print.go) ----
  printlock: internal('runtime.printlock', 'host', []),
  printunlock: internal('runtime.printunlock', 'host', []),
  printint: internal('runtime.printint', 'host', [v('int64', 'v')]),
  /** println of a float64 (its bits as an int64: the host reads them from the integer argument words) */
  printfloat: internal('runtime.printfloat', 'host', [v('int64', 'bits')]),
  /** println of an unsigned integer (uint64) */
  printuint: internal('runtime.printuint', 'host', [v('int64', 'v')]),
  printbool: internal('runtime.printbool', 'host', [v('bool', 'v')]),
  /** a string constant: its bytes and length */
  printstring: internal('runtime.printstring', 'host', [v('ptr', 'p'), v('int', 'n')]),
  /** println of an interface value (printeface / printiface): "(type or itab,data)" in hex */
  printeface: internal('runtime.printeface', 'host', [v('ptr', 'type'), v('ptr', 'data')]),
  printsp: internal('runtime.printsp', 'host', []),
  printnl: internal('runtime.printnl', 'host', []),

  // ---- channels (chan.go) ----
  /** t points at a channel type whose word 0 is the element size */
  makechan: internal('runtime.makechan', 'host', [v('ptr', 't'), v('int', 'size')], [v('ptr', 'c')]),
  chansend1: internal('runtime.chansend1', 'host', [v('ptr', 'c'), v('ptr', 'elem')]),
  /** elem 0 discards the value */
  chanrecv1: internal('runtime.chanrecv1', 'host', [v('ptr', 'c'), v('ptr', 'elem')]),
  chanrecv2: internal('runtime.chanrecv2', 'host', [v('ptr', 'c'), v('ptr', 'elem')], [v('bool', 'received')]),
  closechan: internal('runtime.closechan', 'host', [v('ptr', 'c')]),

  // ---- select (select.go, chan.go) ----
  /**
   * the general select: cas0 points at [nsends+nrecvs]scase{c, elem} (sends
   * first, receives from the end), order0 at [2*(nsends+nrecvs)]uint16
   * (pollorder then lockorder); pc0 is 0 (race builds only). Returns the
   * chosen case (-1: default) and, for a receive, whether a value came.
   */
  selectgo: internal('runtime.selectgo', 'host', [v('ptr', 'cas0'), v('ptr', 'order0'), v('ptr', 'pc0'), v('int', 'nsends'), v('int', 'nrecvs'), v('bool', 'block')], [v('int', 'casi'), v('bool', 'recvOK')]),
  /** `select { case c <- v: ... default: ... }` */
  selectnbsend: internal('runtime.selectnbsend', 'host', [v('ptr', 'c'), v('ptr', 'elem')], [v('bool', 'selected')]),
  /** `select { case v, ok = <-c: ... default: ... }` */
  selectnbrecv: internal('runtime.selectnbrecv', 'host', [v('ptr', 'elem'), v('ptr', 'c')], [v('bool', 'selected'), v('bool', 'received')]),
  /** `select {}`: park for good */
  block: internal('runtime.block', 'host', []),

  // ---- package time over the runtime's timers (time.go, time/sleep.go, time/tick.go; src/runtime/timepkg.ts) ----
  /** time.Sleep(d): runtime.timeSleep(ns), as time.Sleep is linknamed */
  timeSleep: internal('runtime.timeSleep', 'host', [v('int64', 'ns')]),
  /** time.NewTimer(d): a *Timer {C, r} whose r is started */
  timeNewTimer: internal('time.NewTimer', 'host', [v('int64', 'd')], [v('ptr', 't')]),
  /** time.AfterFunc(d, f): a *Timer that runs `go f()` */
  timeAfterFunc: internal('time.AfterFunc', 'host', [v('int64', 'd'), v('ptr', 'f')], [v('ptr', 't')]),
  /** time.NewTicker(d): a *Ticker {C, r} with period d (panics when d <= 0) */
  timeNewTicker: internal('time.NewTicker', 'host', [v('int64', 'd')], [v('ptr', 't')]),
  timeTimerStop: internal('time.(*Timer).Stop', 'host', [v('ptr', 't')], [v('bool', 'active')]),
  timeTimerReset: internal('time.(*Timer).Reset', 'host', [v('ptr', 't'), v('int64', 'd')], [v('bool', 'active')]),
  timeTickerStop: internal('time.(*Ticker).Stop', 'host', [v('ptr', 't')]),
  /** time.Tick(d): NewTicker(d).C, or nil when d <= 0 */
  timeTick: internal('time.Tick', 'host', [v('int64', 'd')], [v('ptr', 'c')]),
  /** time.Now(): a Time {wall, ext, loc} on the virtual clock */
  timeNow: internal('time.Now', 'host', [], [v('int64', 'wall'), v('int64', 'ext'), v('ptr', 'loc')]),
  /** time.Since(t): Now().Sub(t) */
  timeSince: internal('time.Since', 'host', [v('int64', 'wall'), v('int64', 'ext'), v('ptr', 'loc')], [v('int64', 'd')]),
  /** t.Sub(u) */
  timeSub: internal('time.Time.Sub', 'host', [v('int64', 'wall'), v('int64', 'ext'), v('ptr', 'loc'), v('int64', 'uwall'), v('int64', 'uext'), v('ptr', 'uloc')], [v('int64', 'd')]),
  /** d.String(): Go's formatting of a Duration ("1h2m3.5s", "1.5ms", "0s") */
  durationString: internal('time.Duration.String', 'host', [v('int64', 'd')], [v('ptr', 'p'), v('int', 'n')]),
  /** Duration's other methods (src/runtime/duration.ts); a float64 result is its bits */
  durationNanoseconds: internal('time.Duration.Nanoseconds', 'host', [v('int64', 'd')], [v('int64', 'n')]),
  durationMicroseconds: internal('time.Duration.Microseconds', 'host', [v('int64', 'd')], [v('int64', 'n')]),
  durationMilliseconds: internal('time.Duration.Milliseconds', 'host', [v('int64', 'd')], [v('int64', 'n')]),
  durationSeconds: internal('time.Duration.Seconds', 'host', [v('int64', 'd')], [v('int64', 'f')]),
  durationMinutes: internal('time.Duration.Minutes', 'host', [v('int64', 'd')], [v('int64', 'f')]),
  durationHours: internal('time.Duration.Hours', 'host', [v('int64', 'd')], [v('int64', 'f')]),
  durationTruncate: internal('time.Duration.Truncate', 'host', [v('int64', 'd'), v('int64', 'm')], [v('int64', 'r')]),
  durationRound: internal('time.Duration.Round', 'host', [v('int64', 'd'), v('int64', 'm')], [v('int64', 'r')]),
  durationAbs: internal('time.Duration.Abs', 'host', [v('int64', 'd')], [v('int64', 'r')]),
  /** time.Unix(sec, nsec) and the Time methods of src/runtime/timefmt.ts: a Time is its words wall, ext, loc */
  timeUnix: internal('time.Unix', 'host', [v('int64', 'sec'), v('int64', 'nsec')], [v('int64', 'wall'), v('int64', 'ext'), v('ptr', 'loc')]),
  timeString: internal('time.Time.String', 'host', [v('int64', 'wall'), v('int64', 'ext'), v('ptr', 'loc')], [v('ptr', 'p'), v('int', 'n')]),
  timeUTC: internal('time.Time.UTC', 'host', [v('int64', 'wall'), v('int64', 'ext'), v('ptr', 'loc')], [v('int64', 'wall'), v('int64', 'ext'), v('ptr', 'loc')]),
  timeUnixSec: internal('time.Time.Unix', 'host', [v('int64', 'wall'), v('int64', 'ext'), v('ptr', 'loc')], [v('int64', 'sec')]),
  timeUnixNano: internal('time.Time.UnixNano', 'host', [v('int64', 'wall'), v('int64', 'ext'), v('ptr', 'loc')], [v('int64', 'ns')]),
  timeAdd: internal('time.Time.Add', 'host', [v('int64', 'wall'), v('int64', 'ext'), v('ptr', 'loc'), v('int64', 'd')], [v('int64', 'wall'), v('int64', 'ext'), v('ptr', 'loc')]),
  timeBefore: internal('time.Time.Before', 'host', [v('int64', 'wall'), v('int64', 'ext'), v('ptr', 'loc'), v('int64', 'uwall'), v('int64', 'uext'), v('ptr', 'uloc')], [v('bool', 'r')]),
  timeAfter: internal('time.Time.After', 'host', [v('int64', 'wall'), v('int64', 'ext'), v('ptr', 'loc'), v('int64', 'uwall'), v('int64', 'uext'), v('ptr', 'uloc')], [v('bool', 'r')]),
  timeEqual: internal('time.Time.Equal', 'host', [v('int64', 'wall'), v('int64', 'ext'), v('ptr', 'loc'), v('int64', 'uwall'), v('int64', 'uext'), v('ptr', 'uloc')], [v('bool', 'r')]),
  timeIsZero: internal('time.Time.IsZero', 'host', [v('int64', 'wall'), v('int64', 'ext'), v('ptr', 'loc')], [v('bool', 'r')]),
  chanlen: internal('runtime.chanlen', 'host', [v('ptr', 'c')], [v('int', 'n')]),
  chancap: internal('runtime.chancap', 'host', [v('ptr', 'c')], [v('int', 'n')]),

  // ---- memory and values (mbarrier.go, alg.go, slice.go, error.go) ----
  /** copy n bytes (Go's memmove; arrays are copied by value through it) */
  memmove: internal('runtime.memmove', 'host', [v('ptr', 'to'), v('ptr', 'from'), v('int', 'n')]),
  /** the bytes of two strings of equal length (s1 == s2 after comparing lengths, as gc compiles it) */
  memequal: internal('runtime.memequal', 'host', [v('ptr', 'a'), v('ptr', 'b'), v('int', 'size')], [v('bool', 'eq')]),
  /** two values of type t in memory (stands for the _type.equal function gc generates per type) */
  typedequal: internal('runtime.typedequal', 'host', [v('ptr', 't'), v('ptr', 'a'), v('ptr', 'b')], [v('bool', 'eq')]),
  /** make([]T, len, cap): the backing array (panics as Go: "makeslice: len out of range") */
  makeslice: internal('runtime.makeslice', 'host', [v('ptr', 'et'), v('int', 'len'), v('int', 'cap')], [v('ptr', 'p')]),
  /** append beyond cap: go1.19's growth (2x below 256 elements, then 1.25x plus size-class rounding) */
  growslice: internal('runtime.growslice', 'host', [v('ptr', 'et'), v('ptr', 'oldptr'), v('int', 'oldlen'), v('int', 'oldcap'), v('int', 'cap')], [v('ptr', 'p'), v('int', 'len'), v('int', 'cap')]),
  /** copy(dst, src): min of the lengths, in elements of width bytes */
  slicecopy: internal('runtime.slicecopy', 'host', [v('ptr', 'toPtr'), v('int', 'toLen'), v('ptr', 'fromPtr'), v('int', 'fromLen'), v('int', 'width')], [v('int', 'n')]),
  /**
   * a nil pointer dereference: gc lets the load fault and the signal handler
   * calls panicmem; here compiled code checks the pointer and calls it
   * (the deferred calls run, and the panic prints Go's [signal SIGSEGV ...] line)
   */
  panicmem: internal('runtime.panicmem', 'host', []),
  /** the bounds-check panics (boundsError codes of error.go): "index out of range [x] with length y" ... */
  panicIndex: internal('runtime.panicIndex', 'host', [v('int', 'x'), v('int', 'y')]),
  panicSliceAlen: internal('runtime.panicSliceAlen', 'host', [v('int', 'x'), v('int', 'y')]),
  panicSliceAcap: internal('runtime.panicSliceAcap', 'host', [v('int', 'x'), v('int', 'y')]),
  panicSliceB: internal('runtime.panicSliceB', 'host', [v('int', 'x'), v('int', 'y')]),
  panicSlice3Alen: internal('runtime.panicSlice3Alen', 'host', [v('int', 'x'), v('int', 'y')]),
  panicSlice3Acap: internal('runtime.panicSlice3Acap', 'host', [v('int', 'x'), v('int', 'y')]),
  panicSlice3B: internal('runtime.panicSlice3B', 'host', [v('int', 'x'), v('int', 'y')]),
  panicSlice3C: internal('runtime.panicSlice3C', 'host', [v('int', 'x'), v('int', 'y')]),

  // ---- strings (string.go, utf8.go) ----
  /** a + b (+ c (+ d)): buf is always 0 here (gc's stack buffer for non-escaping results) */
  concatstring2: internal('runtime.concatstring2', 'host', [v('ptr', 'buf'), v('ptr', 'a0'), v('int', 'a0len'), v('ptr', 'a1'), v('int', 'a1len')], [v('ptr', 'p'), v('int', 'n')]),
  concatstring3: internal('runtime.concatstring3', 'host', [v('ptr', 'buf'), v('ptr', 'a0'), v('int', 'a0len'), v('ptr', 'a1'), v('int', 'a1len'), v('ptr', 'a2'), v('int', 'a2len')], [v('ptr', 'p'), v('int', 'n')]),
  concatstring4: internal('runtime.concatstring4', 'host', [v('ptr', 'buf'), v('ptr', 'a0'), v('int', 'a0len'), v('ptr', 'a1'), v('int', 'a1len'), v('ptr', 'a2'), v('int', 'a2len'), v('ptr', 'a3'), v('int', 'a3len')], [v('ptr', 'p'), v('int', 'n')]),
  /** five or more strings: a []string */
  concatstrings: internal('runtime.concatstrings', 'host', [v('ptr', 'buf'), v('ptr', 'a'), v('int', 'len'), v('int', 'cap')], [v('ptr', 'p'), v('int', 'n')]),
  /** < <= > >= on strings: -1, 0, 1 */
  cmpstring: internal('runtime.cmpstring', 'host', [v('ptr', 'a'), v('int', 'alen'), v('ptr', 'b'), v('int', 'blen')], [v('int', 'c')]),
  /** string(rune) */
  intstring: internal('runtime.intstring', 'host', [v('ptr', 'buf'), v('int64', 'v')], [v('ptr', 'p'), v('int', 'n')]),
  slicebytetostring: internal('runtime.slicebytetostring', 'host', [v('ptr', 'buf'), v('ptr', 'ptr'), v('int', 'n')], [v('ptr', 'p'), v('int', 'n')]),
  slicerunetostring: internal('runtime.slicerunetostring', 'host', [v('ptr', 'buf'), v('ptr', 'a'), v('int', 'len'), v('int', 'cap')], [v('ptr', 'p'), v('int', 'n')]),
  stringtoslicebyte: internal('runtime.stringtoslicebyte', 'host', [v('ptr', 'buf'), v('ptr', 's'), v('int', 'slen')], [v('ptr', 'p'), v('int', 'len'), v('int', 'cap')]),
  stringtoslicerune: internal('runtime.stringtoslicerune', 'host', [v('ptr', 'buf'), v('ptr', 's'), v('int', 'slen')], [v('ptr', 'p'), v('int', 'len'), v('int', 'cap')]),
  /** for range over a string: the rune at byte k (not ASCII) and the index after it */
  decoderune: internal('runtime.decoderune', 'host', [v('ptr', 's'), v('int', 'slen'), v('int', 'k')], [v('int', 'r'), v('int', 'pos')]),

  // ---- maps (map.go) ----
  makemap: internal('runtime.makemap', 'host', [v('ptr', 't'), v('int', 'hint'), v('ptr', 'h')], [v('ptr', 'hmap')]),
  /** m[k]: a pointer to the element, or to a zero value */
  mapaccess1: internal('runtime.mapaccess1', 'host', [v('ptr', 't'), v('ptr', 'h'), v('ptr', 'key')], [v('ptr', 'elem')]),
  mapaccess2: internal('runtime.mapaccess2', 'host', [v('ptr', 't'), v('ptr', 'h'), v('ptr', 'key')], [v('ptr', 'elem'), v('bool', 'ok')]),
  /** m[k] = v: the element's slot (the caller stores v) */
  mapassign: internal('runtime.mapassign', 'host', [v('ptr', 't'), v('ptr', 'h'), v('ptr', 'key')], [v('ptr', 'elem')]),
  mapdelete: internal('runtime.mapdelete', 'host', [v('ptr', 't'), v('ptr', 'h'), v('ptr', 'key')]),
  /** for range m: it points at a hiter (go1.19's layout) */
  mapiterinit: internal('runtime.mapiterinit', 'host', [v('ptr', 't'), v('ptr', 'h'), v('ptr', 'it')]),
  mapiternext: internal('runtime.mapiternext', 'host', [v('ptr', 'it')]),

  // ---- interfaces (iface.go, alg.go, panic.go) ----
  /** an interface value to a smaller non-empty interface: the itab (nil stays nil) */
  convI2I: internal('runtime.convI2I', 'host', [v('ptr', 'inter'), v('ptr', 'tab')], [v('ptr', 'itab')]),
  /** the itab of a dynamic type for an interface, or 0 when the type lacks a method (iface.go getitab with canfail) */
  assertE2I2: internal('runtime.assertE2I2', 'host', [v('ptr', 'inter'), v('ptr', 't')], [v('ptr', 'itab')]),
  /** a failed x.(T) on an empty interface: "interface conversion: interface {} is string, not int" */
  panicdottypeE: internal('runtime.panicdottypeE', 'host', [v('ptr', 'have'), v('ptr', 'want'), v('ptr', 'iface')]),
  /** the same for a non-empty interface (have is an itab) */
  panicdottypeI: internal('runtime.panicdottypeI', 'host', [v('ptr', 'have'), v('ptr', 'want'), v('ptr', 'iface')]),
  /** == on interface values of the same dynamic type: compare the data (panics on uncomparable types) */
  efaceeq: internal('runtime.efaceeq', 'host', [v('ptr', 't'), v('ptr', 'x'), v('ptr', 'y')], [v('bool', 'eq')]),
  ifaceeq: internal('runtime.ifaceeq', 'host', [v('ptr', 'tab'), v('ptr', 'x'), v('ptr', 'y')], [v('bool', 'eq')]),
  /**
   * panic(v): gc's call of gopanic(e any); records the value (with its Error
   * or String result from the table fmt.methods made) and continues in the
   * gopanic stub
   */
  panicvalue: internal('runtime.panicvalue', 'host', [v('ptr', 'type'), v('ptr', 'data')]),
  /** the end of an unrecovered panic (the gopanic stub's, and preprintpanics' once it made its calls): printpanics, exit 2 */
  fatalpanic: internal('runtime.fatalpanic', 'host', [], []),
  /** preprintpanics (compile/printpanics.ts): the next panic value's Error/String method to call (fn, receiver), or 0 */
  preprintpanicsNext: internal('runtime.preprintpanics.next', 'host', [], [v('ptr', 'fn'), v('ptr', 'recv')]),
  /** preprintpanics: that method's result, the panic's printed text from now on */
  preprintpanicsResult: internal('runtime.preprintpanics.result', 'host', [v('ptr', 'p'), v('int', 'n')]),
  /** preprintpanics' deferred check: a recovered panic of a method is a fatal error */
  preprintpanicsFailed: internal('runtime.preprintpanics.failed', 'host', [v('ptr', 'type'), v('ptr', 'data')]),
  /** x.(I) to a non-empty interface: the itab, or a panic ("interface conversion: T is not I: missing method M") */
  assertE2I: internal('runtime.assertE2I', 'host', [v('ptr', 'inter'), v('ptr', 't')], [v('ptr', 'itab')]),


  // ---- fmt, errors, strconv (see src/runtime/fmt.ts, strconv.ts) ----
  /** the Error/String methods fmt will call for these arguments: a table of FMT_CALL entries (the first nknown copied from `known`, with their outcomes) and its length */
  fmtMethods: internal('fmt.methods', 'host', [v('int', 'mode'), v('ptr', 'format'), v('int', 'flen'), v('ptr', 'args'), v('int', 'nargs'), v('ptr', 'known'), v('int', 'nknown')], [v('ptr', 'table'), v('int', 'n')]),
  /** Sprint/Sprintln/Sprintf (mode 0/1/2/3) of the arguments, using the table's method results */
  fmtFormat: internal('fmt.format', 'host', [v('int', 'mode'), v('ptr', 'format'), v('int', 'flen'), v('ptr', 'args'), v('int', 'nargs'), v('ptr', 'table'), v('int', 'ntable')], [v('ptr', 'p'), v('int', 'n')]),
  /** Errorf: the error value, *errors.errorString or with %w *fmt.wrapError (their itabs for error are passed in) */
  fmtErrorf: internal('fmt.Errorf', 'host', [v('ptr', 'format'), v('int', 'flen'), v('ptr', 'args'), v('int', 'nargs'), v('ptr', 'table'), v('int', 'ntable'), v('ptr', 'errStringTab'), v('ptr', 'wrapErrorTab')], [v('ptr', 'tab'), v('ptr', 'data')]),
  errorStringError: internal('errors.(*errorString).Error', 'host', [v('ptr', 'e')], [v('ptr', 'p'), v('int', 'n')]),
  wrapErrorError: internal('fmt.(*wrapError).Error', 'host', [v('ptr', 'e')], [v('ptr', 'p'), v('int', 'n')]),
  wrapErrorUnwrap: internal('fmt.(*wrapError).Unwrap', 'host', [v('ptr', 'e')], [v('ptr', 'tab'), v('ptr', 'data')]),
  numErrorError: internal('strconv.(*NumError).Error', 'host', [v('ptr', 'e')], [v('ptr', 'p'), v('int', 'n')]),
  strconvItoa: internal('strconv.Itoa', 'host', [v('int', 'i')], [v('ptr', 'p'), v('int', 'n')]),
  strconvQuote: internal('strconv.Quote', 'host', [v('ptr', 's'), v('int', 'slen')], [v('ptr', 'p'), v('int', 'n')]),
  /** Atoi(s): the *NumError and *errors.errorString itabs for error are passed in */
  strconvAtoi: internal('strconv.Atoi', 'host', [v('ptr', 's'), v('int', 'slen'), v('ptr', 'numErrorTab'), v('ptr', 'errStringTab')], [v('int', 'i'), v('ptr', 'tab'), v('ptr', 'data')]),

  // ---- library functions (strings, sort, strconv; src/runtime/strings.ts): the words of their Go arguments and results ----
  stringsContains: internal('strings.Contains', 'host', [v('ptr', 's'), v('int', 'slen'), v('ptr', 't'), v('int', 'tlen')], [v('bool', 'ok')]),
  stringsContainsRune: internal('strings.ContainsRune', 'host', [v('ptr', 's'), v('int', 'slen'), v('int', 'r')], [v('bool', 'ok')]),
  stringsHasPrefix: internal('strings.HasPrefix', 'host', [v('ptr', 's'), v('int', 'slen'), v('ptr', 't'), v('int', 'tlen')], [v('bool', 'ok')]),
  stringsHasSuffix: internal('strings.HasSuffix', 'host', [v('ptr', 's'), v('int', 'slen'), v('ptr', 't'), v('int', 'tlen')], [v('bool', 'ok')]),
  stringsIndex: internal('strings.Index', 'host', [v('ptr', 's'), v('int', 'slen'), v('ptr', 't'), v('int', 'tlen')], [v('int', 'i')]),
  stringsLastIndex: internal('strings.LastIndex', 'host', [v('ptr', 's'), v('int', 'slen'), v('ptr', 't'), v('int', 'tlen')], [v('int', 'i')]),
  stringsIndexByte: internal('strings.IndexByte', 'host', [v('ptr', 's'), v('int', 'slen'), v('int', 'c')], [v('int', 'i')]),
  stringsCount: internal('strings.Count', 'host', [v('ptr', 's'), v('int', 'slen'), v('ptr', 't'), v('int', 'tlen')], [v('int', 'n')]),
  stringsSplit: internal('strings.Split', 'host', [v('ptr', 's'), v('int', 'slen'), v('ptr', 't'), v('int', 'tlen')], [v('ptr', 'p'), v('int', 'len'), v('int', 'cap')]),
  stringsFields: internal('strings.Fields', 'host', [v('ptr', 's'), v('int', 'slen')], [v('ptr', 'p'), v('int', 'len'), v('int', 'cap')]),
  stringsJoin: internal('strings.Join', 'host', [v('ptr', 'elems'), v('int', 'len'), v('int', 'cap'), v('ptr', 't'), v('int', 'tlen')], [v('ptr', 'p'), v('int', 'n')]),
  stringsRepeat: internal('strings.Repeat', 'host', [v('ptr', 's'), v('int', 'slen'), v('int', 'count')], [v('ptr', 'p'), v('int', 'n')]),
  stringsToUpper: internal('strings.ToUpper', 'host', [v('ptr', 's'), v('int', 'slen')], [v('ptr', 'p'), v('int', 'n')]),
  stringsToLower: internal('strings.ToLower', 'host', [v('ptr', 's'), v('int', 'slen')], [v('ptr', 'p'), v('int', 'n')]),
  stringsTrimSpace: internal('strings.TrimSpace', 'host', [v('ptr', 's'), v('int', 'slen')], [v('ptr', 'p'), v('int', 'n')]),
  stringsTrim: internal('strings.Trim', 'host', [v('ptr', 's'), v('int', 'slen'), v('ptr', 't'), v('int', 'tlen')], [v('ptr', 'p'), v('int', 'n')]),
  stringsTrimLeft: internal('strings.TrimLeft', 'host', [v('ptr', 's'), v('int', 'slen'), v('ptr', 't'), v('int', 'tlen')], [v('ptr', 'p'), v('int', 'n')]),
  stringsTrimRight: internal('strings.TrimRight', 'host', [v('ptr', 's'), v('int', 'slen'), v('ptr', 't'), v('int', 'tlen')], [v('ptr', 'p'), v('int', 'n')]),
  stringsTrimPrefix: internal('strings.TrimPrefix', 'host', [v('ptr', 's'), v('int', 'slen'), v('ptr', 't'), v('int', 'tlen')], [v('ptr', 'p'), v('int', 'n')]),
  stringsTrimSuffix: internal('strings.TrimSuffix', 'host', [v('ptr', 's'), v('int', 'slen'), v('ptr', 't'), v('int', 'tlen')], [v('ptr', 'p'), v('int', 'n')]),
  stringsReplace: internal('strings.Replace', 'host', [v('ptr', 's'), v('int', 'slen'), v('ptr', 'old'), v('int', 'oldlen'), v('ptr', 'new'), v('int', 'newlen'), v('int', 'n')], [v('ptr', 'p'), v('int', 'n')]),
  stringsReplaceAll: internal('strings.ReplaceAll', 'host', [v('ptr', 's'), v('int', 'slen'), v('ptr', 'old'), v('int', 'oldlen'), v('ptr', 'new'), v('int', 'newlen')], [v('ptr', 'p'), v('int', 'n')]),
  // ---- package syscall and os.Getpid (asm/<arch>/syscall.s: Syscall = entersyscall, RawSyscall6, exitsyscall) ----
  syscallPipe: internal('syscall.Pipe', 'asm', [v('ptr', 'p'), v('int', 'len'), v('int', 'cap')], [v('ptr', 'tab'), v('ptr', 'data')]),
  syscallRead: internal('syscall.Read', 'asm', [v('int', 'fd'), v('ptr', 'p'), v('int', 'len'), v('int', 'cap')], [v('int', 'n'), v('ptr', 'tab'), v('ptr', 'data')]),
  syscallWrite: internal('syscall.Write', 'asm', [v('int', 'fd'), v('ptr', 'p'), v('int', 'len'), v('int', 'cap')], [v('int', 'n'), v('ptr', 'tab'), v('ptr', 'data')]),
  syscallClose: internal('syscall.Close', 'asm', [v('int', 'fd')], [v('ptr', 'tab'), v('ptr', 'data')]),
  syscallNanosleep: internal('syscall.Nanosleep', 'asm', [v('ptr', 'time'), v('ptr', 'leftover')], [v('ptr', 'tab'), v('ptr', 'data')]),
  syscallGetpid: internal('syscall.Getpid', 'asm', [], [v('int', 'pid')]),
  osGetpid: internal('os.Getpid', 'asm', [], [v('int', 'pid')]),
  /** NsecToTimespec(nsec int64) Timespec: {Sec, Nsec} (timestruct.go) */
  syscallNsecToTimespec: internal('syscall.NsecToTimespec', 'host', [v('int64', 'nsec')], [v('int', 'sec'), v('int', 'nsec')]),
  /** Errno.Error(): the errno's text from syscall's table (zerrors_linux_*.go) */
  errnoError: internal('syscall.Errno.Error', 'host', [v('int', 'e')], [v('ptr', 'p'), v('int', 'n')]),
  osFileWrite: internal('os.(*File).Write', 'host', [v('ptr', 'f'), v('ptr', 'p'), v('int', 'len'), v('int', 'cap')], [v('int', 'n'), v('ptr', 'tab'), v('ptr', 'data')]),
  builderLen: internal('strings.(*Builder).Len', 'host', [v('ptr', 'b')], [v('int', 'n')]),
  builderReset: internal('strings.(*Builder).Reset', 'host', [v('ptr', 'b')]),
  builderString: internal('strings.(*Builder).String', 'host', [v('ptr', 'b')], [v('ptr', 'p'), v('int', 'n')]),
  builderWrite: internal('strings.(*Builder).Write', 'host', [v('ptr', 'b'), v('ptr', 'p'), v('int', 'len'), v('int', 'cap')], [v('int', 'n'), v('ptr', 'tab'), v('ptr', 'data')]),
  builderWriteByte: internal('strings.(*Builder).WriteByte', 'host', [v('ptr', 'b'), v('int', 'c')], [v('ptr', 'tab'), v('ptr', 'data')]),
  builderWriteRune: internal('strings.(*Builder).WriteRune', 'host', [v('ptr', 'b'), v('int', 'r')], [v('int', 'n'), v('ptr', 'tab'), v('ptr', 'data')]),
  builderWriteString: internal('strings.(*Builder).WriteString', 'host', [v('ptr', 'b'), v('ptr', 's'), v('int', 'slen')], [v('int', 'n'), v('ptr', 'tab'), v('ptr', 'data')]),
  /** math (a float64 travels as its bits: one int64 word or pair) */
  mathSqrt: internal('math.Sqrt', 'host', [v('int64', 'x')], [v('int64', 'r')]),
  mathAbs: internal('math.Abs', 'host', [v('int64', 'x')], [v('int64', 'r')]),
  mathFloor: internal('math.Floor', 'host', [v('int64', 'x')], [v('int64', 'r')]),
  mathCeil: internal('math.Ceil', 'host', [v('int64', 'x')], [v('int64', 'r')]),
  mathTrunc: internal('math.Trunc', 'host', [v('int64', 'x')], [v('int64', 'r')]),
  mathMod: internal('math.Mod', 'host', [v('int64', 'x'), v('int64', 'y')], [v('int64', 'r')]),
  mathMax: internal('math.Max', 'host', [v('int64', 'x'), v('int64', 'y')], [v('int64', 'r')]),
  mathMin: internal('math.Min', 'host', [v('int64', 'x'), v('int64', 'y')], [v('int64', 'r')]),
  mathInf: internal('math.Inf', 'host', [v('int', 'sign')], [v('int64', 'r')]),
  mathNaN: internal('math.NaN', 'host', [], [v('int64', 'r')]),
  mathIsNaN: internal('math.IsNaN', 'host', [v('int64', 'x')], [v('bool', 'ok')]),
  mathIsInf: internal('math.IsInf', 'host', [v('int64', 'x'), v('int', 'sign')], [v('bool', 'ok')]),
  sortInts: internal('sort.Ints', 'host', [v('ptr', 'p'), v('int', 'len'), v('int', 'cap')]),
  sortStrings: internal('sort.Strings', 'host', [v('ptr', 'p'), v('int', 'len'), v('int', 'cap')]),
  strconvFormatInt: internal('strconv.FormatInt', 'host', [v('int64', 'i'), v('int', 'base')], [v('ptr', 'p'), v('int', 'n')]),
  strconvFormatBool: internal('strconv.FormatBool', 'host', [v('bool', 'b')], [v('ptr', 'p'), v('int', 'n')]),
  /** ParseInt(s, base, bitSize): the *NumError and *errors.errorString itabs for error are passed in */
  strconvParseInt: internal('strconv.ParseInt', 'host', [v('ptr', 's'), v('int', 'slen'), v('int', 'base'), v('int', 'bitSize'), v('ptr', 'numErrorTab'), v('ptr', 'errStringTab')], [v('int64', 'i'), v('ptr', 'tab'), v('ptr', 'data')]),

  // ---- called by name from Go (package runtime, sync.WaitGroup) ----
  Gosched: goFunc('host', { pkg: 'runtime', name: 'Gosched', params: [], results: [] }),
  Goexit: goFunc('asm', { pkg: 'runtime', name: 'Goexit', params: [], results: [] }),
  NumGoroutine: goFunc('host', { pkg: 'runtime', name: 'NumGoroutine', params: [], results: ['int'] }),
  GOMAXPROCS: goFunc('asm', { pkg: 'runtime', name: 'GOMAXPROCS', params: [{ name: 'n', type: 'int' }], results: ['int'] }),
  NumCPU: goFunc('host', { pkg: 'runtime', name: 'NumCPU', params: [], results: ['int'] }),
  LockOSThread: goFunc('host', { pkg: 'runtime', name: 'LockOSThread', params: [], results: [] }),
  UnlockOSThread: goFunc('host', { pkg: 'runtime', name: 'UnlockOSThread', params: [], results: [] }),
  wgAdd: goFunc('host', { pkg: 'sync', recv: 'WaitGroup', name: 'Add', params: [{ name: 'delta', type: 'int' }], results: [] }),
  wgDone: goFunc('host', { pkg: 'sync', recv: 'WaitGroup', name: 'Done', params: [], results: [] }),
  wgWait: goFunc('host', { pkg: 'sync', recv: 'WaitGroup', name: 'Wait', params: [], results: [] }),
  /** sync.Mutex (also the lock of sync.Once.Do, which the compiler lowers inline) */
  /** sync/atomic.Value's methods (src/runtime/atomicvalue.ts): the receiver's address, then interface values as (type, data) */
  atomicValueLoad: internal('sync/atomic.(*Value).Load', 'host', [v('ptr', 'v')], [v('ptr', 'type'), v('ptr', 'data')]),
  atomicValueStore: internal('sync/atomic.(*Value).Store', 'host', [v('ptr', 'v'), v('ptr', 'type'), v('ptr', 'data')]),
  atomicValueSwap: internal('sync/atomic.(*Value).Swap', 'host', [v('ptr', 'v'), v('ptr', 'type'), v('ptr', 'data')], [v('ptr', 'type'), v('ptr', 'data')]),
  atomicValueCompareAndSwap: internal('sync/atomic.(*Value).CompareAndSwap', 'host', [v('ptr', 'v'), v('ptr', 'otype'), v('ptr', 'odata'), v('ptr', 'ntype'), v('ptr', 'ndata')], [v('bool', 'swapped')]),
  mutexLock: goFunc('asm', { pkg: 'sync', recv: 'Mutex', name: 'Lock', params: [], results: [] }),
  mutexUnlock: goFunc('asm', { pkg: 'sync', recv: 'Mutex', name: 'Unlock', params: [], results: [] }),
  rwRLock: goFunc('host', { pkg: 'sync', recv: 'RWMutex', name: 'RLock', params: [], results: [] }),
  rwRUnlock: goFunc('host', { pkg: 'sync', recv: 'RWMutex', name: 'RUnlock', params: [], results: [] }),
  rwLock: goFunc('asm', { pkg: 'sync', recv: 'RWMutex', name: 'Lock', params: [], results: [] }),
  rwUnlock: goFunc('asm', { pkg: 'sync', recv: 'RWMutex', name: 'Unlock', params: [], results: [] }),
} as const satisfies Record<string, RuntimeEntry>;

/** The list, in the order above. */
export const ENTRIES: readonly RuntimeEntry[] = Object.values(ENTRY);

const BY_SYMBOL = new Map(ENTRIES.map((e) => [e.symbol, e]));

/** The entry whose link symbol is `symbol`, if compiled code may call it. */
export function entryBySymbol(symbol: string): RuntimeEntry | undefined {
  return BY_SYMBOL.get(symbol);
}

/**
 * The functions a Go program may call by name: those of package `pkg`
 * (recv undefined) or the methods of `recv`, in the list's order.
 */
export function goEntries(pkg: GoSignature['pkg'], recv?: GoSignature['recv']): (RuntimeEntry & { go: GoSignature })[] {
  return ENTRIES.filter((e): e is RuntimeEntry & { go: GoSignature } => e.go?.pkg === pkg && e.go.recv === recv);
}

/** The entry for runtime.<name> or the method <recv>.<name>, if Go programs may call it. */
export function goEntry(pkg: GoSignature['pkg'], name: string, recv?: GoSignature['recv']): (RuntimeEntry & { go: GoSignature }) | undefined {
  return goEntries(pkg, recv).find((e) => e.go.name === name);
}

/** Machine words of one value on a target whose pointers are ptrSize bytes. */
export function wordsOf(kind: WordKind, ptrSize: number): number {
  return kind === 'int64' ? 8 / ptrSize : 1;
}

/** Argument words of an entry (where ABI0 finds its results: right after them). */
export function argWords(e: RuntimeEntry, ptrSize: number): number {
  return e.params.reduce((n, p) => n + wordsOf(p.kind, ptrSize), 0);
}

/** What a host function needs to read the entry's arguments and store its results (an os/host.ts HostSpec). */
export function hostSpec(e: RuntimeEntry, ptrSize: number): { abi: Abi; nargs: number } {
  return { abi: e.abi, nargs: argWords(e, ptrSize) };
}

/** The part of a host-function table that defineEntry needs (os/host.ts HostRegistry fits). */
export interface EntryTable<F> {
  readonly arch: { readonly ptrSize: number };
  define(name: string, spec: { abi: Abi; nargs: number }, fn: F): number;
}

/** Bind `fn` as the host function of entry `e`: symbol, ABI and argument words come from the list. */
export function defineEntry<F>(host: EntryTable<F>, e: RuntimeEntry, fn: F): number {
  if (e.impl !== 'host') throw new Error(`${e.symbol} is an asm stub, not a host function`);
  return host.define(e.symbol, hostSpec(e, host.arch.ptrSize), fn);
}
