// Running a program with the switch recorder attached: what `gogo-emu
// switches` and `gogo-emu validate` (and the tests) share. A run that ends in
// a fault or at the instruction budget still yields the switches recorded up
// to that point -- a broken stub usually crashes the program soon after the
// switch that went wrong, and that switch is what the user wants to see.
import type { Arch } from '../arch/index.ts';
import type { TextBlock } from '../link/source.ts';
import { RECORDING_MAX_INSNS } from '../session/budget.ts';
import { GogoError } from '../session/errors.ts';
import type { Process, ProcessResult, ProgramImage } from '../session/process.ts';
import { runToExit, Session } from '../session/session.ts';
import type { SwitchRecord, SymbolTable } from '../trace/record.ts';
import { SwitchRecorder } from '../trace/switches.ts';

export interface RecordedRun {
  records: SwitchRecord[];
  symbols: SymbolTable;
  /** the process result, when the run ended normally (exit, Go fatal error or panic) */
  result?: ProcessResult;
  /** why the run stopped early (emulation fault, instruction budget) */
  error?: GogoError;
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
  /** assert the runtime port's preconditions (default: GOGO_EMU_DEBUG=1) */
  debugChecks?: boolean;
  /** the GOMAXPROCS environment variable (default: none, so GOMAXPROCS = the CPU count, as in Go) */
  gomaxprocsEnv?: string;
  /** the machine's virtual CPU count (default 4) */
  cpus?: number;
  /** called with each switch as it completes (e.g. to validate while running) */
  onRecord?: (r: SwitchRecord, symbols: SymbolTable) => void;
  /** called with the process before it runs (to subscribe more observers) */
  observe?: (p: Process) => void;
  /** called when the run has ended, before the process is closed */
  atEnd?: (p: Process) => void;
}

/** Boot and run a program, recording every switch. */
export async function recordRun(o: RecordOptions): Promise<RecordedRun> {
  let rec: SwitchRecorder | undefined;
  const s = await Session.create({ program: o.program }, o.arch, {
    stubOverrides: o.stubOverrides,
    maxInsns: o.maxInsns ?? RECORDING_MAX_INSNS,
    debugChecks: o.debugChecks,
    gomaxprocsEnv: o.gomaxprocsEnv,
    cpus: o.cpus,
    replay: false,
    observe: (p) => {
      const r = new SwitchRecorder(p, { steps: o.steps, retain: o.retain });
      const cb = o.onRecord;
      if (cb) r.onRecord((x) => cb(x, r.symbols));
      rec = r;
      o.observe?.(p);
    },
  });
  try {
    const out: RecordedRun = { records: rec!.records, symbols: rec!.symbols, unfinished: [] };
    try {
      const { result, error } = await runToExit(s);
      if (error) out.error = error;
      else out.result = result;
    } catch (e) {
      // a runaway stub ends the run; what was recorded stays
      if (!(e instanceof GogoError && e.kind === 'runaway')) throw e;
      out.error = e;
    }
    out.unfinished = rec!.unfinished();
    o.atEnd?.(s.process);
    return out;
  } finally {
    rec?.dispose();
    s.close();
  }
}
