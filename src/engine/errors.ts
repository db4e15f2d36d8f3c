// Errors raised by the engine layer.

/** A Unicorn call returned an error code; the message is uc_strerror's text. */
export class UcError extends Error {
  constructor(
    readonly call: string,
    readonly code: number,
    text: string,
  ) {
    super(`${call}: ${text} (uc_err ${code})`);
    this.name = 'UcError';
  }
}

/** The emulated CPU faulted: a bad memory access, an invalid instruction or a trap. */
export class EmulationFault extends Error {
  constructor(
    /** 'read unmapped', 'write unmapped', 'fetch unmapped', 'write prot', ..., 'invalid instruction', 'exception' */
    readonly kind: string,
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
    const at = address === undefined ? '' : ` at address 0x${address.toString(16)}`;
    const insn = instruction ? ` (${instruction})` : '';
    super(`emulation fault: ${kind}${at}, pc=0x${pc.toString(16)}${insn}: ${ucText}`);
    this.name = 'EmulationFault';
  }
}

/** Bad input from the user: printed as one line, no stack trace. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
