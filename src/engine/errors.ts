// The base of gogo-emu's one error hierarchy, and the errors of the engine
// layer. The base lives here, in the lowest layer, so that every layer above
// can throw its own subclass (DESIGN.md, "Errors"):
//
//   GogoError                     kind        raised by
//   ├─ UserError                  'input'     any layer: bad file, flag, arch, program outside the subset
//   │   ├─ CompileError           'input'     compile (file:line:col)
//   │   ├─ AsmSourceError         'input'     link (file:line of a .s file)
//   │   └─ AssemblyError          'input'     engine/asm (line within one assembled text)
//   ├─ EmulationFault             'fault'     engine: the emulated CPU faulted (pc, address, instruction)
//   ├─ UcError                    'internal'  engine: a Unicorn call failed (a bug of the tool)
//   ├─ BudgetExceeded             'budget'    os: the run used up its instruction budget (pc, symbol)
//   ├─ RunawaySwitch              'runaway'   trace: a stub never left (switch number, symbol)
//   ├─ GoThrow, GoPanic           'program'   runtime: the Go program's own fatal error or panic
//   └─ AlreadyReported            'reported'  session, for shells: the argument parser already printed its message
//
// Every shell turns any thrown value into text and an exit status with one
// function, reportError in src/session/errors.ts, which also re-exports the
// whole hierarchy. A value that is not a GogoError (a TypeError, a plain
// Error from a broken internal invariant) is an internal error of the tool.

/** What kind of problem an error is; decides how a shell reports it. */
export type ErrorKind =
  /** bad input from the user (a file, a flag, a program outside the subset): one line, no stack */
  | 'input'
  /** the emulated CPU faulted (the program, or a broken stub, touched bad memory or ran a bad instruction) */
  | 'fault'
  /** the run stopped at its instruction budget (a runaway program) */
  | 'budget'
  /** a switching stub never left (a runaway stub) */
  | 'runaway'
  /** the emulated Go program failed in its own words (Go's "fatal error:" / "panic:"), not the tool */
  | 'program'
  /** a shell's argument parser already told the user (usage error, --help, --version) */
  | 'reported'
  /** a bug of the tool */
  | 'internal';

/**
 * The exit status for every failure but the program's own exit: Go exits
 * with 2 after a fatal error or an unrecovered panic, and gogo-emu uses the
 * same status for bad input, faults and budget overruns (as `go run` does
 * for a program it cannot build).
 */
export const EXIT_FAILURE = 2;

/**
 * An error gogo-emu knows how to report. `message` is one line that names the
 * problem and where it is (file:line:col, an address, a symbol).
 */
export class GogoError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** the process exit status a shell ends with */
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
    this.name = 'GogoError';
  }
}

/** A Unicorn call returned an error code; the message is uc_strerror's text. */
export class UcError extends GogoError {
  constructor(
    readonly call: string,
    readonly code: number,
    text: string,
  ) {
    super('internal', `${call}: ${text} (uc_err ${code})`);
    this.name = 'UcError';
  }
}

/** The emulated CPU faulted: a bad memory access, an invalid instruction or a trap. */
/**
 * An address as hex. Unicorn reports a faulting address as a 64-bit value
 * that arrives as a signed number: an address near the top of the address
 * space (e.g. nil - 8) is negative, and prints as the unsigned 64-bit value
 * it is (0xfffffffffffffff8), never as 0x-8.
 */
export function hexAddress(a: number): string {
  return `0x${(a < 0 ? BigInt.asUintN(64, BigInt(a)) : a).toString(16)}`;
}

export class EmulationFault extends GogoError {
  constructor(
    /** 'read unmapped', 'write unmapped', 'fetch unmapped', 'write prot', ..., 'invalid instruction', 'exception' */
    readonly fault: string,
    /** address of the faulting instruction */
    readonly pc: number,
    /** address that was accessed (for memory faults), else undefined */
    readonly address: number | undefined,
    /** the faulting instruction, disassembled ('' if the bytes could not be read or decoded) */
    readonly instruction: string,
    /** register name -> value at the fault */
    readonly registers: Record<string, bigint>,
    readonly ucText: string,
  ) {
    const at = address === undefined ? '' : ` at address ${hexAddress(address)}`;
    const insn = instruction ? ` (${instruction})` : '';
    super('fault', `emulation fault: ${fault}${at}, pc=0x${pc.toString(16)}${insn}: ${ucText}`);
    this.name = 'EmulationFault';
  }
}

/** Bad input from the user: printed as one line, no stack trace. */
export class UserError extends GogoError {
  constructor(message: string) {
    super('input', message);
    this.name = 'UserError';
  }
}
