// The one error hierarchy (DESIGN.md, "Errors") as every shell sees it, and
// the one function that turns anything thrown into what the user reads and
// the status the process exits with. The base class lives in the lowest layer
// (src/engine/errors.ts) and each subclass in the layer that throws it; this
// module re-exports them all, so shells import errors from here only.
//
// Exit statuses:
//   0                 the run ended normally (and the command succeeded)
//   the program's     `gogo-emu run` ends with the status the Go program
//   own status        passed to os.Exit / exit_group, its low 8 bits as
//                     on Linux (not an error)
//   2 (EXIT_FAILURE)  a Go fatal error or unrecovered panic (as Go); bad input
//                     (file, flag, program outside the subset); an emulation
//                     fault; the instruction budget used up; a runaway stub;
//                     an internal error of the tool
//   1                 `gogo-emu validate` found a switch that broke an
//                     invariant, or a stub that never left (it ran off its
//                     end, faulted, looped): a result of the command, not an
//                     error; a validate run stopped by the budget or a fault
//                     is status 2 with that message
// A usage error that the argument parser already printed exits 2; --help and
// --version exit 0 (AlreadyReported).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmulationFault, EXIT_FAILURE, GogoError, hexAddress } from '../engine/errors.ts';
import { ROOT } from '../os/machine.ts';
import { GoPanic, GoThrow } from '../runtime/throw.ts';
import type { Process } from './process.ts';

export { EmulationFault, EXIT_FAILURE, GogoError, hexAddress, UcError, UserError, type ErrorKind } from '../engine/errors.ts';
export { AssemblyError } from '../engine/asm.ts';
export { AsmSourceError } from '../link/source.ts';
export { BudgetExceeded } from '../os/threads.ts';
export { GoPanic, GoThrow } from '../runtime/throw.ts';
export { CompileError } from '../compile/errors.ts';

export const EXIT_OK = 0;

/**
 * A shell's argument parser (commander for the CLI) has already printed what
 * the user needs (a usage error, --help, --version): nothing more to print,
 * just the exit status. The parser's own status 0 stays 0; any failure status
 * (commander uses 1) becomes 2, the status of bad input.
 */
export class AlreadyReported extends GogoError {
  constructor(message: string, parserStatus: number) {
    super('reported', message, parserStatus === 0 ? EXIT_OK : EXIT_FAILURE);
    this.name = 'AlreadyReported';
  }
}

export interface ErrorReport {
  /** what to print on stderr: '' or whole lines, each ending in a newline */
  text: string;
  exitCode: number;
}

export interface ReportOptions {
  /** --debug: internal errors show their JavaScript stack and how to report them */
  debug?: boolean;
  /**
   * The process the error ended: an emulation fault is then reported the way
   * Go reports a fault, with the goroutine and the code around PC.
   */
  process?: Process;
}

/** gogo-emu's version, as package.json (and --version) states it. */
export function toolVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Map anything a run or a command threw to the text to print and the exit status. */
export function reportError(e: unknown, o: ReportOptions = {}): ErrorReport {
  if (e instanceof GoThrow) return { text: lines([`fatal error: ${e.what}`, ...e.dump]), exitCode: e.exitCode };
  if (e instanceof GoPanic) return { text: lines([`panic: ${e.value}`, '', `goroutine ${e.goid} [running]:`]), exitCode: e.exitCode };
  if (e instanceof EmulationFault && o.process) return { text: describeFault(o.process, e), exitCode: e.exitCode };
  if (e instanceof GogoError && e.kind !== 'internal') {
    return { text: e.kind === 'reported' ? '' : lines([`gogo-emu: ${e.message}`]), exitCode: e.exitCode };
  }
  return { text: internalError(e, !!o.debug), exitCode: EXIT_FAILURE };
}

function lines(ls: readonly string[]): string {
  return ls.map((l) => `${l}\n`).join('');
}

/** A bug of the tool: one line, or with --debug the stack and how to report it. */
function internalError(e: unknown, debug: boolean): string {
  const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  const head = `gogo-emu: internal error: ${msg}`;
  if (!debug) return lines([`${head} (run with --debug for a stack trace)`]);
  const stack = e instanceof Error && e.stack ? e.stack : '(no stack: the thrown value is not an Error)';
  return lines([head, stack, `gogo-emu: this is a bug in gogo-emu ${toolVersion()}; please report it with the command line, the program file and the output above`]);
}

/** Go's report of a fault in the program, then the emulator's view: registers and the code around PC. */
function describeFault(p: Process, f: EmulationFault): string {
  const { machine, rt } = p;
  const out: string[] = [];
  const nil = f.address !== undefined && f.address >= 0 && f.address < 0x1000;
  out.push(nil ? 'panic: runtime error: invalid memory address or nil pointer dereference' : `unexpected fault address ${hexAddress(f.address ?? f.pc)}`);
  out.push(`[signal SIGSEGV: segmentation violation code=0x1 addr=${hexAddress(f.address ?? 0)} pc=0x${f.pc.toString(16)}]`);
  let goid = 0;
  try {
    goid = rt.getg().goid;
  } catch {
    // no g
  }
  out.push('', `goroutine ${goid} [running]:`, `${machine.describe(f.pc)}`, '');
  out.push(`gogo-emu: ${f.fault}${f.address !== undefined ? ` at ${hexAddress(f.address)}` : ''}, pc=0x${f.pc.toString(16)} ${machine.describe(f.pc)}: ${f.instruction}`);
  out.push(Object.entries(f.registers).map(([k, v]) => `${k}=0x${v.toString(16)}`).join(' '));
  const pos = machine.image.lookup(f.pc);
  if (pos) out.push(`at ${pos.file}:${pos.line}`);
  return lines(out);
}
