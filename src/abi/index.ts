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
  readonly recv?: 'WaitGroup';
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

/** Every runtime entry point compiled code calls, by a short key. */
export const ENTRY = {
  // ---- memory, goroutines, defer (malloc.go, proc.go, panic.go) ----
  /** typ points at a type whose word 0 is the size; returns zeroed memory */
  newobject: internal('runtime.newobject', 'host', [v('ptr', 'typ')], [v('ptr', 'p')]),
  /** `go f(x)`: start a goroutine running the funcval (asm glue over systemstack) */
  newproc: internal('runtime.newproc', 'asm', [v('ptr', 'fn')]),
  /** `defer f(x)`: record the funcval for the calling frame */
  deferproc: internal('runtime.deferproc', 'host', [v('ptr', 'fn')]),
  /** the next deferred funcval of the calling frame, or 0 (called in a loop at the function's exit) */
  deferreturn: internal('runtime.deferreturn', 'host', [], [v('ptr', 'fn')]),
  /** x / 0, x % 0 (the backends call it; does not return) */
  panicdivide: internal('runtime.panicdivide', 'host', []),
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
  printbool: internal('runtime.printbool', 'host', [v('bool', 'v')]),
  /** a string constant: its bytes and length */
  printstring: internal('runtime.printstring', 'host', [v('ptr', 'p'), v('int', 'n')]),
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
  chanlen: internal('runtime.chanlen', 'host', [v('ptr', 'c')], [v('int', 'n')]),
  chancap: internal('runtime.chancap', 'host', [v('ptr', 'c')], [v('int', 'n')]),

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
