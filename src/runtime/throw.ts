// Fatal runtime errors, as Go's throw() reports them: "fatal error: <msg>".
// The CLI prints the message (plus a dump of G/M/P state when the runtime
// attaches one) and exits with status 2, as Go does.

export class GoThrow extends Error {
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
    super(`fatal error: ${what}`);
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
 * A Go panic that nothing recovers: Go prints "panic: <msg>", a blank line and
 * the goroutine's traceback, and exits with status 2. Differs: deferred calls
 * are not run before the message (recover is outside the subset).
 */
export class GoPanic extends Error {
  constructor(
    readonly value: string,
    readonly goid: number,
  ) {
    super(`panic: ${value}`);
    this.name = 'GoPanic';
  }
}
