// `gogo-emu switches prog.s|prog.go [--arch X] [--goid N] [--stub gogo|file.s]
// [--from N] [--to N] [--since T] [--until T] [--limit N] [--json]`: run a
// program and print its goroutine
// switches, one record per hit of a switching stub -- readable tables
// (changed registers highlighted when stdout is a terminal) or one JSON
// object per line, with the validator's verdict per invariant (`checks`).
// `--stub file.s` runs the program with the user's own version of stubs
// (as `validate --stub`) and shows the switches that ran its code.
import type { Arch } from '../arch/index.ts';
import { UserError } from '../engine/errors.ts';
import { formatRecordTable, formatVirtualTime } from '../trace/format.ts';
import { recordJsonLine, subjectGoid, SWITCH_KINDS, type SwitchRecord } from '../trace/record.ts';
import { loadProgram, loadStubFile } from '../session/program.ts';
import { Validator } from '../trace/validator.ts';
import { recordRun } from './record-run.ts';

export interface SwitchesOptions {
  goid?: number;
  /** a stub or kind to show (gogo, mcall, ...), and/or .s files whose TEXT blocks replace built-in stubs */
  stub?: string | readonly string[];
  /** start at switch #from (the number each record starts with) */
  from?: number;
  /** stop at switch #to (inclusive) */
  to?: number;
  /** only switches entered at or after this virtual time (ns; the timeline's clock) */
  since?: number;
  /** only switches entered at or before this virtual time (ns) */
  until?: number;
  limit?: number;
  json?: boolean;
  color: boolean;
  maxInsns?: number;
  /** list each switch's instructions (default true) */
  steps?: boolean;
  debugChecks?: boolean;
  /** the GOMAXPROCS environment variable and the machine's CPU count (see RecordOptions) */
  gomaxprocsEnv?: string;
  cpus?: number;
}

export interface Output {
  /** one line (a newline is added if missing) */
  out: (s: string) => void;
  err: (s: string) => void;
  /** text as it is, several lines at once (where given, switches --json writes through it in pieces) */
  write?: (s: string) => void;
}

/** Does a record match `--stub NAME` (a kind such as gogo or systemstack_ret, or a stub symbol)? */
export function matchesStub(r: SwitchRecord, stub: string): boolean {
  const bare = stub.replace(/^runtime\./, '');
  return r.kind === bare || r.stub === `runtime.${bare}`;
}

/** Does a record involve goroutine N (the g it starts from, ends on, or is about)? */
export function involvesGoid(r: SwitchRecord, goid: number): boolean {
  return r.entry.g?.goid === goid || r.exit.g?.goid === goid || subjectGoid(r) === goid;
}

const STUB_NAMES = [...SWITCH_KINDS, 'goexit'];

/** A --stub value that names a file of stubs (rather than a stub or kind). */
export const isStubFile = (v: string) => v.endsWith('.s');

/** Did a record run code of one of these blocks (its entry stub or any step)? */
function ranBlocks(r: SwitchRecord, names: ReadonlySet<string>): boolean {
  const inside = (sym: string) => names.has(sym.replace(/\+\d+$/, ''));
  return inside(r.entry.sym) || r.steps.some((s) => inside(s.sym));
}

const TIME_UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9 };

/**
 * A virtual time for --since/--until: a number and a unit (ns, us or µs, ms,
 * s), e.g. 250us or 1.5ms; the result is in ns (the virtual clock counts
 * modeled cycles at 1 GHz, the clock the headlines and --timeline show).
 */
export function parseVirtualTime(v: string): number {
  const m = /^(\d+(?:\.\d*)?|\.\d+)\s*(ns|us|µs|ms|s)$/.exec(v.trim());
  if (!m) throw new UserError(`expected a virtual time with a unit (ns, us, ms or s), such as 250us, 1.5ms or 800ns; got '${v}'`);
  return Math.round(Number(m[1]) * TIME_UNITS[m[2]!]!);
}

export async function switchesCommand(file: string, arch: Arch, o: SwitchesOptions, io: Output): Promise<number> {
  if (o.from !== undefined && o.to !== undefined && o.to < o.from) throw new UserError(`--to ${o.to} is before --from ${o.from}: no switch can be shown`);
  if (o.since !== undefined && o.until !== undefined && o.until < o.since) throw new UserError(`--until ${formatVirtualTime(o.until)} is before --since ${formatVirtualTime(o.since)}: no switch can be shown`);
  const stubArgs = o.stub === undefined ? [] : typeof o.stub === 'string' ? [o.stub] : [...o.stub];
  const kinds = stubArgs.filter((v) => !isStubFile(v));
  for (const k of kinds) {
    if (!STUB_NAMES.includes(k.replace(/^runtime\./, '') as never)) throw new UserError(`--stub ${k}: not a switching stub (one of ${STUB_NAMES.join(', ')}) nor a .s file of stubs`);
  }
  const stubOverrides = stubArgs.filter(isStubFile).flatMap(loadStubFile);
  const own = new Set(stubOverrides.map((b) => b.name));
  const program = await loadProgram(file, arch);
  // print each switch as it completes (filtered, up to --limit) and keep none:
  // memory stays small however long the run
  let total = 0;
  let matched = 0;
  let shown = 0;
  // with --json the validator sees every record in order (it pairs systemstack switches with their returns)
  let validator: Validator | undefined;
  // JSON lines go out in pieces of about 64 KiB where the output takes text (one write per record costs more than making the line)
  let pending = '';
  const flush = () => {
    if (pending) io.write!(pending);
    pending = '';
  };
  let run: Awaited<ReturnType<typeof recordRun>>;
  try {
    run = await recordRun({
      arch,
      program,
      stubOverrides,
      maxInsns: o.maxInsns,
      debugChecks: o.debugChecks,
      gomaxprocsEnv: o.gomaxprocsEnv,
      cpus: o.cpus,
      steps: o.steps !== false || o.json === true,
      retain: false,
      onRecord: (r, symbols) => {
        total++;
        let checks: Readonly<Record<string, boolean>> | undefined;
        if (o.json) {
          validator ??= new Validator(arch, symbols);
          validator.check(r);
          checks = validator.lastChecks;
        }
        if (o.from !== undefined && r.seq < o.from) return;
        if (o.to !== undefined && r.seq > o.to) return;
        if (o.since !== undefined && (r.time ?? 0) < o.since) return;
        if (o.until !== undefined && (r.time ?? 0) > o.until) return;
        if (kinds.length > 0 && !kinds.some((k) => matchesStub(r, k))) return;
        if (own.size > 0 && !ranBlocks(r, own)) return;
        if (o.goid !== undefined && !involvesGoid(r, o.goid)) return;
        matched++;
        if (o.limit !== undefined && shown >= o.limit) return;
        shown++;
        if (o.json && io.write) {
          pending += `${recordJsonLine(r, checks)}\n`;
          if (pending.length >= 1 << 16) flush();
        } else if (o.json) io.out(recordJsonLine(r, checks));
        else io.out(`${formatRecordTable(r, symbols, { color: o.color, steps: o.steps })}\n`);
      },
    });
  } finally {
    flush();
  }
  if (run.result) {
    if (run.result.stdout) io.err(run.result.stdout);
    if (run.result.stderr) io.err(run.result.stderr);
  }
  const status = run.result ? `the program exited with status ${run.result.exitCode}` : `the program stopped early: ${run.error?.message}`;
  if (!o.json) io.out(`${shown} of ${total} switches shown (${matched} matched); ${status}`);
  else if (run.error) io.err(`gogo-emu: ${status}`);
  for (const u of run.unfinished) io.err(`gogo-emu: switch #${u.seq} ${u.kind} never left its stub (last instruction: ${u.steps[u.steps.length - 1]?.sym ?? u.entry.sym})`);
  return run.error ? run.error.exitCode : 0;
}
