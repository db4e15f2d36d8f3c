// Running a program with the switch recorder attached: what `gogo-emu
// switches` and `gogo-emu validate` (and the tests) share. A run that ends in
// a fault or at the instruction budget still yields the switches recorded up
// to that point -- a broken stub usually crashes the program soon after the
// switch that went wrong, and that switch is what the user wants to see.
import { readFileSync } from 'node:fs';
import type { Arch } from '../arch/index.ts';
import { EmulationFault, UserError } from '../engine/errors.ts';
import { parseAsm, type TextBlock } from '../link/source.ts';
import { BudgetExceeded } from '../os/threads.ts';
import { RECORDING_MAX_INSNS } from '../session/budget.ts';
import { Process, type ProcessResult, type ProgramImage } from '../session/process.ts';
import type { SwitchRecord, SymbolTable } from '../trace/record.ts';
import { RunawaySwitch, SwitchRecorder } from '../trace/switches.ts';

export interface RecordedRun {
  records: SwitchRecord[];
  symbols: SymbolTable;
  /** the process result, when the run ended normally (exit, Go fatal error or panic) */
  result?: ProcessResult;
  /** why the run stopped early (emulation fault, instruction budget) */
  error?: Error;
  /** switches entered but never left (the run stopped inside a stub) */
  unfinished: SwitchRecord[];
}

export interface RecordOptions {
  arch: Arch;
  program: ProgramImage;
  stubOverrides?: readonly TextBlock[];
  /** instruction budget (default RECORDING_MAX_INSNS) */
  maxInsns?: number;
  /** keep per-instruction steps (default true; false keeps each switch's last instruction only) */
  steps?: boolean;
  /** keep every record in RecordedRun.records (default true); false: onRecord only */
  retain?: boolean;
  /** called with each switch as it completes (e.g. to validate while running) */
  onRecord?: (r: SwitchRecord, symbols: SymbolTable) => void;
}

/** Boot and run a program, recording every switch. */
export async function recordRun(o: RecordOptions): Promise<RecordedRun> {
  let rec: SwitchRecorder | undefined;
  const p = await Process.create({
    arch: o.arch,
    program: o.program,
    stubOverrides: o.stubOverrides,
    maxInsns: o.maxInsns ?? RECORDING_MAX_INSNS,
    observe: (rt) => {
      const r = new SwitchRecorder(rt, { steps: o.steps, retain: o.retain });
      const cb = o.onRecord;
      if (cb) r.onRecord((x) => cb(x, r.symbols));
      rec = r;
    },
  });
  try {
    const out: RecordedRun = { records: rec!.records, symbols: rec!.symbols, unfinished: [] };
    try {
      out.result = p.run();
    } catch (e) {
      if (!(e instanceof EmulationFault || e instanceof BudgetExceeded || e instanceof RunawaySwitch)) throw e;
      out.error = e;
    }
    out.unfinished = rec!.unfinished();
    return out;
  } finally {
    rec?.dispose();
    p.close();
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
  }
}

/**
 * A program file: `.s` (TEXT blocks for main.init, main.main, ... in the
 * arch's assembly syntax) or `.go` (compiled by src/compile).
 */
export async function loadProgram(file: string, arch: Arch): Promise<ProgramImage> {
  const text = readText(file);
  if (file.endsWith('.s')) return { blocks: parseAsm(text, file), globals: [] };
  if (file.endsWith('.go')) {
    const { compileProgram } = await import('../compile/index.ts');
    const prog = await compileProgram(text, file, arch);
    return { blocks: prog.blocks, globals: prog.globals };
  }
  throw new UserError(`${file}: expected a .go or .s program`);
}

/** A --stub file: TEXT blocks that replace built-in stubs of the same name. */
export function loadStubFile(file: string): TextBlock[] {
  const blocks = parseAsm(readText(file), file);
  if (blocks.length === 0) throw new UserError(`${file}: no TEXT blocks`);
  return blocks;
}
