// `gogo-emu validate prog [--arch X] [--stub file.s]...`: run a program
// recording every switch and check each against the invariants of its kind
// (src/trace/validator.ts). Exit 0 with the number of switches checked per
// kind, or 1 with each violation. `--stub file.s` replaces built-in stubs by
// the user's own versions (TEXT blocks of the same names).
// `gogo-emu validate --oracle [--arch X]` checks the switches recorded from
// the real go1.19 runtime (fixtures/oracle/trace-<arch>.jsonl) instead.
// `gogo-emu validate --list [--arch X]` prints the invariants.
import type { Arch } from '../arch/index.ts';
import { UserError } from '../engine/errors.ts';
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
  let bad = rep.violations.length > 0;
  if (sched) {
    io.out(`scheduler state: ${sched.checks} checks of ${SCHED_INVARIANTS.length} invariants at host calls, ${sched.violations.length} violations`);
    for (const x of sched.violations.slice(0, 10)) io.out(`  ${formatSchedViolation(x)}`);
    if (sched.violations.length > 0) bad = true;
  }
  if (bad) {
    const first = broken[0]!;
    io.out(`\nthe first switch that broke an invariant:\n${formatRecordTable(first, run.symbols, { color: o.color })}`);
  }
  for (const u of run.unfinished) {
    io.out(`switch #${u.seq} ${u.kind} never left its stub (last instruction: ${u.steps[u.steps.length - 1]?.sym ?? u.entry.sym})`);
    bad = true;
  }
  if (run.error) {
    io.out(`the program stopped early: ${run.error.message}`);
    bad = true;
  } else if (run.result && run.result.exitCode !== 0) {
    io.out(`(the program exited with status ${run.result.exitCode})`);
  }
  return bad ? 1 : 0;
}
