// `gogo-emu validate prog [--arch X] [--stub file.s]...`: run a program
// recording every switch and check each against the invariants of its kind
// (src/trace/validator.ts). Exit 0 with the number of switches checked per
// kind, or 1 with each violation (a switch that broke an invariant, or a
// stub that never left: it ran off its end, faulted or looped). A run that
// did not end (the instruction budget, an emulation fault) is an error of
// the run, status 2 with its own message; a program that failed on its own
// (deadlock, panic) shows its message and changes nothing in the status. `--stub file.s` replaces built-in stubs by
// the user's own versions (TEXT blocks of the same names).
// `gogo-emu validate --oracle [--arch X]` checks the switches recorded from
// the real go1.19 runtime (fixtures/oracle/trace-<arch>.jsonl) instead.
// `gogo-emu validate --list [--arch X]` prints the invariants.
import type { Arch } from '../arch/index.ts';
import { BudgetExceeded, EmulationFault, reportError, UserError } from '../session/errors.ts';
import { ranOffEnd } from '../trace/record.ts';
import { formatRecordTable } from '../trace/format.ts';
import { loadOracleTrace } from '../trace/oracle.ts';
import { loadProgram, loadStubFile } from '../session/program.ts';
import { recordRun } from './record-run.ts';
import { formatSchedViolation, SCHED_INVARIANTS, SchedChecker } from '../trace/schedcheck.ts';
import type { SwitchRecord } from '../trace/record.ts';
import { formatReport, invariantsFor, validateRecords, Validator } from '../trace/validator.ts';
import type { Output } from './switches.ts';

export interface ValidateOptions {
  stub: string[];
  oracle?: boolean;
  list?: boolean;
  maxInsns?: number;
  color: boolean;
  debugChecks?: boolean;
  /** the GOMAXPROCS environment variable and the machine's CPU count (see RecordOptions) */
  gomaxprocsEnv?: string;
  cpus?: number;
}

export async function validateCommand(file: string | undefined, arch: Arch, o: ValidateOptions, io: Output): Promise<number> {
  if (o.list) {
    const inv = [...invariantsFor(arch), ...SCHED_INVARIANTS.map((i) => ({ name: `sched:${i.name}`, text: i.text }))];
    const w = Math.max(...inv.map((i) => i.name.length));
    io.out(inv.map((i) => `${i.name.padEnd(w)}  ${i.text}`).join('\n'));
    return 0;
  }
  if (o.oracle) {
    if (file !== undefined || o.stub.length) throw new UserError('--oracle validates the recorded go1.19 trace; it takes no program and no --stub');
    const t = loadOracleTrace(arch.name);
    const rep = validateRecords(arch, t.records, t.symbols);
    io.out(`${t.path}: ${t.total} records (${t.notSwitches.map((n) => `#${n.seq} ${n.kind}: ${n.reason}`).join('; ')})`);
    io.out(formatReport(rep, `go1.19 oracle (${arch.name})`));
    return rep.violations.length ? 1 : 0;
  }
  if (file === undefined) throw new UserError('validate: give a program (prog.go or prog.s), or --oracle');
  const stubOverrides = o.stub.flatMap(loadStubFile);
  const program = await loadProgram(file, arch);
  // validate each switch as it completes and keep only those that broke an
  // invariant, so that memory stays small on long runs
  let v: Validator | undefined;
  let sched: SchedChecker | undefined;
  const broken: SwitchRecord[] = [];
  const run = await recordRun({
    arch,
    program,
    stubOverrides,
    maxInsns: o.maxInsns,
    debugChecks: o.debugChecks,
    gomaxprocsEnv: o.gomaxprocsEnv,
    cpus: o.cpus,
    retain: false,
    onRecord: (r, symbols) => {
      v ??= new Validator(arch, symbols);
      if (v.check(r).length > 0 && broken.length < 100) broken.push(r);
    },
    // the scheduler's state (several Ms and Ps) at every host call
    observe: (p) => (sched = new SchedChecker(p)),
    atEnd: () => sched?.finish(),
  });
  sched?.dispose();
  const rep = (v ?? new Validator(arch, run.symbols)).result;
  const label = `${file} on ${arch.name}${o.stub.length ? ` with ${o.stub.join(', ')}` : ''}`;
  io.out(formatReport(rep, label));
  // exit 1: a switch broke an invariant, the scheduler's state broke one, or a stub never left (it ran off its end, faulted, looped)
  let broke = rep.violations.length > 0;
  if (sched) {
    io.out(`scheduler state: ${sched.checks} checks of ${SCHED_INVARIANTS.length} invariants at host calls, ${sched.violations.length} violations`);
    for (const x of sched.violations.slice(0, 10)) io.out(`  ${formatSchedViolation(x)}`);
    if (sched.violations.length > 0) broke = true;
  }
  if (rep.violations.length > 0) {
    const first = broken[0]!;
    const off = ranOffEnd(first, run.symbols, first.exit.pc);
    if (off) io.out(`switch #${first.seq} ${first.kind} ${ranOffText(off)}`);
    io.out(`\nthe first switch that broke an invariant:\n${formatRecordTable(first, run.symbols, { color: o.color })}`);
  }
  const fault = run.error instanceof EmulationFault ? run.error : undefined;
  const faultPc = fault ? BigInt(fault.pc) : undefined;
  const budget = run.error instanceof BudgetExceeded;
  for (const u of run.unfinished) {
    const last = u.steps[u.steps.length - 1];
    if (budget) {
      // cut short by the budget, not a stub that never left (a looping stub is stopped as a runaway switch first)
      io.out(`switch #${u.seq} ${u.kind} was still in its stub when the budget ran out (after ${u.insns} instructions, at ${last?.sym ?? u.entry.sym}): not checked`);
      continue;
    }
    const off = ranOffEnd(u, run.symbols, faultPc);
    if (off) io.out(`switch #${u.seq} ${u.kind} never left its stub: it ${ranOffText(off)}`);
    else if (fault) io.out(`switch #${u.seq} ${u.kind} never left its stub: it faulted at ${run.symbols.describe(BigInt(fault.pc))}${fault.instruction ? ` (${fault.instruction})` : ''}`);
    else io.out(`switch #${u.seq} ${u.kind} never left its stub (last instruction: ${last?.sym ?? u.entry.sym})`);
    broke = true;
  }
  // the program's own failure (deadlock, panic, a fault): its message, as it printed it
  const failed = run.result && run.result.exitCode !== 0 ? run.result : undefined;
  if (failed) {
    if (failed.stdout) io.err(failed.stdout);
    if (failed.stderr) io.err(failed.stderr);
    io.out(`(the program exited with status ${failed.exitCode}; its own failure, not a switch's: see its message above)`);
  }
  if (run.error) {
    // the run did not end: the budget, a fault, a runaway stub -- an error of the run (status 2), not a violation
    const r = reportError(run.error);
    const why = budget ? `the run stopped at its instruction budget before the program ended (${rep.records} switches were checked up to there)` : `the program stopped early: ${run.error.message}`;
    io.out(why);
    if (!broke) io.err(r.text.trimEnd());
    return broke ? 1 : r.exitCode;
  }
  return broke ? 1 : 0;
}

/** "ran off the end of X: its last instruction ... is not a jump or return; the CPU went on into Y". */
function ranOffText(off: NonNullable<ReturnType<typeof ranOffEnd>>): string {
  const at = off.insn.file ? ` at ${off.insn.file}:${off.insn.line}` : '';
  const into = off.into.startsWith('0x') ? `${off.into} (past the block)` : off.into;
  return `ran off the end of ${off.block}: its last instruction, ${off.insn.sym} \`${off.insn.insn ?? '?'}\`${at}, is not a jump or return, so the CPU went on into ${into}`;
}
