// Fatal runtime errors, as Go's throw() reports them: "fatal error: <msg>".
// The CLI prints the message (plus a dump of G/M/P state when the runtime
// attaches one) and exits with status 2, as Go does. Both classes here are
// outcomes of the Go program (GogoError kind 'program'), not errors of the
// tool: Process.run turns them into the program's own stderr (crash.ts).
import { GogoError } from '../engine/errors.ts';

export class GoThrow extends GogoError {
  constructor(
    readonly what: string,
    /** extra lines printed after the message (state dump) */
    readonly dump: string[] = [],
    /**
     * Go's throwType: 'runtime' for throw() (a runtime bug or a fatal runtime
     * condition: Go adds the runtime stack and the running goroutine), 'user'
     * for fatal() (an error in the program, e.g. a deadlock: only the dump).
     */
    readonly throwType: 'runtime' | 'user' = 'runtime',
  ) {
    super('program', `fatal error: ${what}`);
    this.name = 'GoThrow';
  }
}

/** fatal("what") — the program is wrong (deadlock): the message and `dump`, no runtime stack. */
export function goFatal(what: string, dump: string[] = []): never {
  throw new GoThrow(what, dump, 'user');
}

/** throw("fn: what") — a broken runtime invariant. */
export function goThrow(what: string, dump: string[] = []): never {
  throw new GoThrow(what, dump);
}

/**
 * Where a panic happened, as a traceback starts from it (traceback.ts): the
 * PC, whether it is a return address (its line is that of pc-1), and the SP
 * of the frame it is in (for a return address: the SP after the return);
 * on arm, LR too (the caller of a frame stopped at its morestack call).
 */
export interface PanicSite {
  pc: number;
  isReturnAddr: boolean;
  sp: number;
  lr?: number;
}

/** The runtime's kinds of panic values (panic.ts makes the value a recover returns). */
export type PanicKind = 'errorString' | 'plainError' | 'string' | 'boundsError' | 'TypeAssertionError';

/**
 * A Go panic. Runtime code throws it (panicdivide, send on closed channel,
 * ...); the host-call layer turns it into a _panic on g._panic and a tail
 * call of the gopanic stub, which runs the goroutine's deferred calls in
 * emulated code (panic.ts). When nothing recovers, fatalpanic throws it
 * again with `fatal` set and the process prints "panic: <value>", a blank
 * line and the goroutine, and exits with status 2.
 */
export class GoPanic extends GogoError {
  constructor(
    /** the printed value (printpanicval's text) */
    readonly value: string,
    readonly goid: number,
    readonly site?: PanicSite,
    readonly fatal = false,
    readonly opts: {
      /** the interface value panic() was given (user panics) */
      arg?: { type: number; data: number };
      /** its Error or String method (itab entry and receiver), which preprintpanics calls for the printed text */
      method?: { fn: number; recv: number };
      /** the runtime error's type (default: errorString for "runtime error: ...", else a string) */
      kind?: PanicKind;
      /** a boundsError's fields (kind 'boundsError') */
      bounds?: { x: bigint; y: bigint; signed: boolean; code: number };
      /** a TypeAssertionError's fields: type descriptor addresses (0: none) and the missing method (kind 'TypeAssertionError') */
      assertion?: { iface: number; concrete: number; asserted: number; missing: string };
      /** raised by sigpanic for a SIGSEGV (a nil dereference) */
      signal?: boolean;
      /** the faulting address a SIGSEGV reported (si_addr; default 0) */
      faultAddr?: number;
    } = {},
  ) {
    super('program', `panic: ${value}`);
    this.name = 'GoPanic';
  }
  get arg() {
    return this.opts.arg;
  }
  get errKind() {
    return this.opts.kind;
  }
  get signal() {
    return this.opts.signal ?? false;
  }
}
